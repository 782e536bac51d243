/* Lectern search, module 50: highlighting and snippets, found with the tokenizer itself. */
(function (LS) {
  "use strict";

  var MAX_WORD = LS.MAX_WORD;
  var codePoints = LS.codePoints, cpsToString = LS.cpsToString, classify = LS.classify, foldCp = LS.foldCp;

  /**
   * The query's terms for matching text without building strings: CJK by code point. Each
   * distinct term gets a number, so a scan can say which terms a text holds (module 55).
   */
  function termIndex(qterms) {
    var uni = {}, bi = {}, words = {}, ids = {}, count = 0, i, cps, id, term;
    for (i = 0; i < qterms.length; i++) {
      term = qterms[i].term;
      if (!ids.hasOwnProperty("~" + term)) ids["~" + term] = count++;
      id = ids["~" + term];
      cps = codePoints(term);
      if (cps.length && classify(cps[0]) === 1) {
        if (cps.length === 1) uni[cps[0]] = id;
        else (bi[cps[0]] || (bi[cps[0]] = {}))[cps[1]] = id;
      } else {
        words["~" + term] = id;
      }
    }
    return { uni: uni, bi: bi, words: words, count: count, ids: ids };
  }

  function isId(x) {
    return typeof x === "number";
  }

  /**
   * Runs the tokenizer over the code points `orig` up to `state.limit` (which `found` may
   * lower) and calls `found(start, end, termId)` for every place a query term matches.
   */
  function scan(orig, idx, state, found) {
    var n = orig.length, i = 0, k, c, cls, run = [], x, b;
    while (i < state.limit) {
      c = foldCp(orig[i]);
      cls = classify(c);
      if (cls === 0) {
        i++;
        continue;
      }
      run.length = 0;
      run.push(c);
      for (k = i + 1; k < n; k++) {
        c = foldCp(orig[k]);
        if (classify(c) !== cls) break;
        run.push(c);
      }
      if (cls === 2) {
        x = idx.words["~" + cpsToString(run, 0, Math.min(run.length, MAX_WORD))];
        if (isId(x)) found(i, k, x);
      } else {
        for (x = 0; x < run.length; x++) {
          if (isId(idx.uni[run[x]])) found(i + x, i + x + 1, idx.uni[run[x]]);
          b = idx.bi[run[x]];
          if (b && x + 1 < run.length && isId(b[run[x + 1]])) found(i + x, i + x + 2, b[run[x + 1]]);
        }
      }
      i = k;
    }
  }

  var MAX_ANCHORS = 200; // window starts tried when choosing a snippet

  /**
   * Where a `max`-character window over `n` characters should start to hold the most distinct
   * query terms of `hits` ([start, end, term id], in order), the earliest of equals; each
   * candidate window puts one hit a quarter of the way in, as a reader expects some lead-in.
   */
  function bestWindow(hits, n, max, prefer) {
    var best = 0, bestCount = -1, i, j, from, seen, count;
    for (i = 0; i < hits.length && i < MAX_ANCHORS; i++) {
      from = Math.max(0, Math.min(hits[i][0] - Math.floor(max / 4), n - max));
      if (i > 0 && from === best) continue;
      seen = {};
      count = 0;
      for (j = 0; j < hits.length; j++) {
        if (hits[j][0] < from || hits[j][1] > from + max || seen[hits[j][2]] === true) continue;
        seen[hits[j][2]] = true;
        count += prefer && prefer[hits[j][2]] === true ? 1000 : 1;
      }
      if (count > bestCount) {
        best = from;
        bestCount = count;
      }
    }
    return best;
  }

  /**
   * Splits `text` into pieces [{ text, mark }] where `mark` pieces are the places that match the
   * query's terms, found with the tokenizer itself (so `python` does not light up inside `python3`).
   * With `max` > 0 only about `max` characters are kept ("…" at cut ends): the window that holds
   * the most of the query's distinct terms — first those of `prefer` (term id → true, ids as
   * `termIndex(qterms)` numbers them), when given.
   */
  function highlight(text, qterms, max, prefer) {
    text = text == null ? "" : String(text);
    var orig = codePoints(text), n = orig.length, idx = termIndex(qterms || []);
    var state = { limit: qterms && qterms.length ? n : 0 };
    var ranges = [], hits = [], first = -1, from = 0, to = n, cut = max > 0 && n > max;
    scan(orig, idx, state, function (a, z, id) {
      var last = ranges.length - 1;
      if (last >= 0 && a <= ranges[last][1]) ranges[last][1] = Math.max(ranges[last][1], z);
      else ranges.push([a, z]);
      if (first < 0) first = a;
      hits.push([a, z, id]);
    });
    if (cut) {
      from = first < 0 ? 0 : bestWindow(hits, n, max, prefer);
      to = from + max;
    }
    var pieces = [], r = 0, at = from, end;
    if (from > 0) pieces.push({ text: "…", mark: false });
    while (at < to) {
      while (r < ranges.length && ranges[r][1] <= at) r++;
      if (r < ranges.length && ranges[r][0] <= at) {
        end = Math.min(ranges[r][1], to);
        pieces.push({ text: cpsToString(orig, at, end), mark: true });
      } else {
        end = r < ranges.length ? Math.min(ranges[r][0], to) : to;
        pieces.push({ text: cpsToString(orig, at, end).replace(/\s+/g, " "), mark: false });
      }
      at = end;
    }
    if (to < n) pieces.push({ text: "…", mark: false });
    return { pieces: pieces, matched: first >= 0 };
  }

  /**
   * Which of the query's distinct terms the texts hold: `seen` (term number → true, filled in)
   * and how many. `idx` comes from `termIndex`.
   */
  function termsIn(texts, idx, seen) {
    var count = 0, i, orig;
    function found(a, z, id) {
      if (seen[id] !== true) {
        seen[id] = true;
        count++;
      }
    }
    for (i = 0; i < texts.length; i++) {
      orig = codePoints(texts[i] == null ? "" : String(texts[i]));
      scan(orig, idx, { limit: orig.length }, found);
    }
    return count;
  }

  LS.highlight = highlight;
  LS.termIndex = termIndex;
  LS.termsIn = termsIn;
})(LecternSearch);

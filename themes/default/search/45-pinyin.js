/* Lectern search, module 45: a query of ASCII letters tried as pinyin too (spec "Pinyin terms";
 * test vectors in tests/fixtures/pinyin.json, shared with src/search/pinyin.rs). No pinyin table
 * here: the build spelled the titles; this module only cuts `qingxu` into syllables (the list is
 * a shared constant) and asks for the pairs, or for initial triples when it cannot be cut. */
(function (LS) {
  "use strict";

  /** A pinyin match scores this share of what the same match in characters would. */
  var PINYIN_WEIGHT = 0.8;
  var LONGEST = 6;
  var MAX_WORD = LS.MAX_WORD, MAX_LETTERS = LS.MAX_PINYIN_LETTERS;
  var SYLLABLES = {};
  (function () {
    var list = String(LS.PINYIN_SYLLABLES || "").split(" "), i;
    for (i = 0; i < list.length; i++) if (list[i]) SYLLABLES["~" + list[i]] = 1;
  })();

  // Pinyin typed with tone marks (qíng xù, lǜsè), as a phone's pinyin keyboard or a copied
  // textbook gives it: the index spells toneless, ü as v.
  var TONED = "āáǎàaēéěèeīíǐìiōóǒòoūúǔùuǖǘǚǜv";

  /** `q` without tone marks: precomposed vowels and combining marks (U+0300–U+036F) alike. */
  function toneless(q) {
    var s = String(q == null ? "" : q).toLowerCase(), out = "", i, c, k;
    for (i = 0; i < s.length; i++) {
      c = s.charAt(i);
      if (c === "ü") c = "v";
      else if (c === "\u0308" && /u$/.test(out)) {
        out = out.slice(0, -1) + "v"; // u + combining diaeresis: ü
        continue;
      } else if (c >= "\u0300" && c <= "\u036f") continue;
      k = TONED.indexOf(c);
      if (k >= 0) c = TONED.charAt(k - (k % 5) + 4);
      out += c;
    }
    return out;
  }

  /** The word runs of a query that is only ASCII letters and separators (tone marks aside), or null. */
  function letterPieces(q) {
    var cps = LS.foldedCps(toneless(q)), runs = LS.runsOf(cps), out = [], letters = 0, i, r, s;
    for (i = 0; i < runs.length; i++) {
      r = runs[i];
      if (r.cjk) return null;
      s = LS.cpsToString(cps, r.start, Math.min(r.end, r.start + MAX_WORD));
      if (!/^[a-z]+$/.test(s)) return null;
      letters += s.length;
      out.push(s);
    }
    return out.length && letters <= MAX_LETTERS ? out : null;
  }

  /** Cuts letters into syllables, longest first, backtracking; null when impossible. */
  function segment(s) {
    var failed = {}, out = [];
    function go(at) {
      var len, piece;
      if (at === s.length) return true;
      if (failed[at]) return false;
      for (len = Math.min(LONGEST, s.length - at); len >= 1; len--) {
        piece = s.substring(at, at + len);
        if (SYLLABLES["~" + piece] === 1) {
          out.push(piece);
          if (go(at + len)) return true;
          out.pop();
        }
      }
      failed[at] = true;
      return false;
    }
    return go(0) ? out : null;
  }

  /** The pinyin terms of a query, as strings: syllable pairs `a'b`, or initial triples `'abc` (a pair `'ab` for two initials). */
  function pinyinTerms(q) {
    var pieces = letterPieces(q), cut = [], out = [], i, j, seg, all, w;
    if (!pieces) return out;
    for (i = 0; i < pieces.length; i++) {
      seg = segment(pieces[i]);
      if (!seg) {
        all = pieces.join("");
        // two initials (xl, 心理) are one pair; more are cut into triples, which narrow far better
        w = all.length === 2 ? 2 : 3;
        for (j = 0; j + w <= all.length; j++) out.push("'" + all.substring(j, j + w));
        return out;
      }
      cut = cut.concat(seg);
    }
    for (i = 0; i + 1 < cut.length; i++) out.push(cut[i] + "'" + cut[i + 1]);
    return out;
  }

  /** The same as query terms ([{ term, group, pos }]): one run, so adjacent ones earn the phrase bonus. */
  function pinyinQueryTerms(q) {
    var t = pinyinTerms(q), out = [], i;
    for (i = 0; i < t.length; i++) out.push({ term: t[i], group: 0, pos: i });
    return out;
  }

  /**
   * Adds the pinyin reading of query `q` to `scored` (scoreDocs' result for its words): a
   * document that has every pinyin term scores PINYIN_WEIGHT × its pinyin score, unless its
   * word score is higher. `prior(d)`, when given, multiplies a document's pinyin score (the
   * grade and lesson factors its word score already carries). Returns { docs (ascending), score }
   * like scoreDocs.
   */
  function addPinyin(scored, q, lookup, n, norm, prior) {
    var pt = pinyinQueryTerms(q), seen = {}, lists = [], i, k, p, d, s, have, extra = [], docs;
    if (!pt.length || !(n > 0)) return scored;
    for (i = 0; i < pt.length; i++) {
      if (seen["~" + pt[i].term]) continue;
      seen["~" + pt[i].term] = 1;
      p = lookup(pt[i].term);
      if (!p) return scored; // every pinyin term is required
      lists.push(p);
    }
    var ps = LS.scoreDocs(pt, lookup, n, norm), score = scored.score;
    have = LS.ints(n);
    for (i = 0; i < lists.length; i++) {
      for (k = 0; k < lists[i].n; k++) if (lists[i].docs[k] < n) have[lists[i].docs[k]]++;
    }
    var matched = LS.ints(n);
    for (i = 0; i < scored.docs.length; i++) matched[scored.docs[i]] = 1;
    for (i = 0; i < ps.docs.length; i++) {
      d = ps.docs[i];
      if (have[d] !== lists.length) continue;
      s = PINYIN_WEIGHT * ps.score[d] * (prior ? prior(d) : 1);
      if (!matched[d]) {
        extra.push(d);
        score[d] = s;
      } else if (s > score[d]) {
        score[d] = s;
      }
    }
    if (!extra.length) return scored;
    docs = scored.docs.concat(extra).sort(function (a, b) {
      return a - b;
    });
    return { docs: docs, score: score };
  }

  LS.PINYIN_WEIGHT = PINYIN_WEIGHT;
  LS.segmentPinyin = segment;
  LS.toneless = toneless;
  LS.pinyinTerms = pinyinTerms;
  LS.pinyinQueryTerms = pinyinQueryTerms;
  LS.addPinyin = addPinyin;
})(LecternSearch);

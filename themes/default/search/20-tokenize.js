/* Lectern search, module 20: the tokenizer (spec "Tokenizer"; test vectors in
 * tests/fixtures/tokenize.json, shared with src/search/tokenize.rs). */
(function (LS) {
  "use strict";

  var MAX_WORD = LS.MAX_WORD; // a word run longer than this is cut to its first MAX_WORD characters
  var MAX_QUERY = 200; // the page cuts the query to this many characters before tokenising
  var codePoints = LS.codePoints, fromCp = LS.fromCp, cpsToString = LS.cpsToString;
  var foldedCps = LS.foldedCps, runsOf = LS.runsOf;

  /** Orders strings by code point, as Rust orders `String`s (UTF-16 order differs above U+D7FF). */
  function compareCodePoints(a, b) {
    var n = Math.min(a.length, b.length), i, x, y;
    for (i = 0; i < n; i++) {
      x = a.charCodeAt(i);
      y = b.charCodeAt(i);
      if (x !== y) {
        if (x >= 0xd800 && y >= 0xd800) {
          x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
          y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length - b.length;
  }

  /** The build side's terms of a text, sorted by code point and deduplicated. */
  function indexTerms(s) {
    var cps = foldedCps(s), runs = runsOf(cps), seen = {}, out = [], r, i, g;
    function add(t) {
      if (seen["~" + t] !== 1) {
        seen["~" + t] = 1;
        out.push(t);
      }
    }
    for (g = 0; g < runs.length; g++) {
      r = runs[g];
      if (!r.cjk) {
        add(cpsToString(cps, r.start, Math.min(r.end, r.start + MAX_WORD)));
        continue;
      }
      for (i = r.start; i < r.end; i++) {
        add(fromCp(cps[i]));
        if (i + 1 < r.end) add(fromCp(cps[i]) + fromCp(cps[i + 1]));
      }
    }
    return out.sort(compareCodePoints);
  }

  /** The query's terms in order, not deduplicated: [{ term, group, pos }]. */
  function queryTerms(s) {
    var cps = foldedCps(s), runs = runsOf(cps), out = [], r, i, g;
    for (g = 0; g < runs.length; g++) {
      r = runs[g];
      if (!r.cjk) {
        out.push({ term: cpsToString(cps, r.start, Math.min(r.end, r.start + MAX_WORD)), group: g, pos: 0 });
      } else if (r.end - r.start === 1) {
        out.push({ term: fromCp(cps[r.start]), group: g, pos: 0 });
      } else {
        for (i = r.start; i + 1 < r.end; i++) {
          out.push({ term: fromCp(cps[i]) + fromCp(cps[i + 1]), group: g, pos: i - r.start });
        }
      }
    }
    return out;
  }

  /** The query's terms as plain strings (what the test vectors list). */
  function tokenizeQuery(s) {
    var q = queryTerms(s), out = [], i;
    for (i = 0; i < q.length; i++) out.push(q[i].term);
    return out;
  }

  /** The first `max` characters (code points) of a string. */
  function cutQuery(s, max) {
    s = s == null ? "" : String(s);
    max = max || MAX_QUERY;
    if (s.length <= max) return s;
    var cps = codePoints(s);
    return cps.length <= max ? s : cpsToString(cps, 0, max);
  }

  LS.MAX_QUERY = MAX_QUERY;
  LS.compareCodePoints = compareCodePoints;
  LS.indexTerms = indexTerms;
  LS.queryTerms = queryTerms;
  LS.tokenizeQuery = tokenizeQuery;
  LS.cutQuery = cutQuery;
})(LecternSearch);

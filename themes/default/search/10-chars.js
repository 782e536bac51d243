/* Lectern search, module 10: characters — code points, classes (CJK, word, separator), folding
 * (spec "Tokenizer" steps 1–3, docs/SEARCH-INDEX.md). */
// lectern: also in suggest.js (the home page's suggestions need this module)
(function (LS) {
  "use strict";

  // Code points (BMP) that are "word" or CJK characters, as alternating gap,length pairs in base 36.
  // It is `/[\p{Alphabetic}\p{N}_]/u` plus the CJK ranges below, i.e. Rust's `char::is_alphanumeric`
  // (Alphabetic or Nd/Nl/No) — see the note in the test `word table matches Unicode`, which
  // regenerates it. A table rather than a `\p{…}` regex because engines before 2018 reject the
  // latter, and because it pins one answer on every engine.
  var WORD_TABLE =
    "1c,9,7,p,4,0,1,p,1b,0,7,1,1,0,3,1,1,2,1,m,1,u,1,cp,4,b,e,4,7,0,1,0,2e,0,t,h,1,1,2,3,1,0,6,0," +
    "1,2,1,0,1,j,1,2a,1,3u,8,4l,1,11,2,0,6,14,13,d,1,0,1,1,1,1,1,0,8,q,4,3,t,a,5,1j,1,g,4,2t,1,7," +
    "4,7,4,f,2,0,g,1b,d,2s,e,16,9,1,4,0,5,n,2,i,j,o,7,a,5,n,1,6,7,0,8,15,a,b,3,6,6,23,1,f,1,2,4,e," +
    "2,9,1,i,1,7,2,1,2,l,1,6,1,0,3,3,3,7,2,1,2,1,1,0,8,0,4,1,1,4,2,b,2,5,2,0,4,2,1,5,4,1,2,l,1,6," +
    "1,1,1,1,1,1,4,4,4,1,2,1,4,0,7,3,1,0,7,f,b,2,1,8,1,2,1,l,1,6,1,1,1,4,3,8,1,2,1,1,3,0,f,3,2,9," +
    "9,3,4,2,1,7,2,1,2,l,1,6,1,1,1,4,3,7,2,1,2,1,9,1,4,1,1,4,2,9,1,6,a,1,1,5,3,2,1,3,3,1,1,0,1,1," +
    "3,1,3,2,3,b,4,4,3,2,1,2,3,0,6,0,e,c,d,c,1,2,1,m,1,f,3,7,1,2,1,2,8,1,1,2,1,1,2,3,2,9,8,6,1,3," +
    "1,7,1,2,1,m,1,9,1,4,3,7,1,2,1,2,8,1,5,2,1,3,2,9,1,2,c,c,1,2,1,14,2,7,1,2,1,2,1,0,5,f,2,i,1,5," +
    "1,2,1,h,3,n,1,8,1,0,2,6,8,5,1,0,1,7,6,9,2,1,d,1l,5,6,6,0,2,9,13,1,1,0,1,4,1,n,1,0,1,i,1,2,2," +
    "4,1,0,6,0,2,9,2,3,w,0,v,j,c,7,1,z,4,i,4,f,1,z,1v,1i,1,0,2,e,6,25,2,11,1,0,5,0,2,16,1,98,1,3," +
    "2,6,1,0,1,3,2,14,1,3,2,w,1,3,2,6,1,0,1,3,2,e,1,1k,1,3,2,1u,e,j,3,f,g,2d,2,5,3,h7,2,g,1,p,5," +
    "22,3,a,7,j,b,k,c,j,c,c,1,2,1,1,c,1f,2,i,e,0,4,0,3,9,6,9,m,9,6,2g,7,16,5,1x,a,u,1,b,4,8,d,13," +
    "2,4,b,17,4,p,6,a,11,r,4,1q,2,j,b,9,6,9,d,0,n,1,b,2,1d,1f,1,e,1,7,3,9,12,15,2,1l,1,a,e,1i,9,9," +
    "3,1c,2,a,5,16,2,2,15,3,1,5,1,1,3,0,5,5b,j,x,b,7p,2,5,2,11,2,5,2,7,1,0,1,0,1,0,1,u,2,1g,1,6,1," +
    "0,3,2,1,6,3,3,2,5,4,c,5,2,1,6,37,1,2,5,5,a,6,c,2t,0,4,0,2,9,1,0,3,4,6,0,1,0,1,0,1,3,1,a,2,3," +
    "5,4,4,0,1,1l,k6,1n,q,21,hi,t,vg,6c,6,3,3,1,9,0,2,11,1,0,5,0,2,1j,7,0,g,m,9,6,1,6,1,6,1,6,1,6," +
    "1,6,1,6,1,6,1,v,1b,0,d1,2,p,8,7,4,2,4,3,5b,5,16,1,2l,3,3,a,v,1c,f,w,9,u,7,1,e,w,9,13,e,8w," +
    "533,1s,h3g,1v,19,2,7g,3,r,k,1a,5,7,3,34,13,8,2,2u,2,29,k,k,1,w,8,5,a,1f,c,1v,1,0,a,9,o,5,3,0," +
    "1,19,5,y,d,s,3,1e,1,b,f,a,6,u,1,1i,9,d,2,9,6,m,3,1w,1,0,1,0,o,2,2,f,2,3,b,5,2,5,2,5,9,6,1,6," +
    "1,16,1,d,6,3e,5,9,6,8na,4,1c,6is,ee,c,4,5,b,1,c,1,4,1,0,1,1,1,1,1,2z,x,a2,i,1r,2,1h,14,b,38," +
    "4,1,3q,j,9,7,p,6,p,b,2g,3,5,2,5,2,5,2,2";

  /**
   * The string with each lone surrogate as U+FFFD: a box cut at its maxlength in the middle of
   * an emoji holds one, and encodeURIComponent throws on it.
   */
  function wellFormed(s) {
    s = s == null ? "" : String(s);
    if (!/[\ud800-\udfff]/.test(s)) return s;
    var out = "", i, c, d;
    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        out += s.charAt(i) + s.charAt(i + 1);
        i++;
      } else out += c >= 0xd800 && c <= 0xdfff ? "\ufffd" : s.charAt(i);
    }
    return out;
  }

  /** The code points of a string (a lone surrogate stays as itself). */
  function codePoints(s) {
    var out = [], n = s.length, i = 0, c, d;
    while (i < n) {
      c = s.charCodeAt(i++);
      if (c >= 0xd800 && c <= 0xdbff && i < n) {
        d = s.charCodeAt(i);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
          i++;
        }
      }
      out.push(c);
    }
    return out;
  }

  function fromCp(c) {
    if (c < 0x10000) return String.fromCharCode(c);
    c -= 0x10000;
    return String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
  }

  function cpsToString(cps, from, to) {
    var s = "", i;
    for (i = from; i < to; i++) s += fromCp(cps[i]);
    return s;
  }

  function isCjk(c) {
    return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff);
  }

  var wordRanges = (function (table) {
    var parts = table.split(","), out = [], at = 0, i, start, len;
    for (i = 0; i + 1 < parts.length; i += 2) {
      start = at + parseInt(parts[i], 36);
      len = parseInt(parts[i + 1], 36);
      out.push(start, start + len);
      at = start + len + 1;
    }
    return out;
  })(WORD_TABLE);

  var astralWord = null;
  try {
    astralWord = new RegExp("[\\p{Alphabetic}\\p{N}]", "u");
  } catch (e) {
    astralWord = null; // an old engine: astral letters (rare) count as separators
  }

  function inWordTable(c) {
    var lo = 0, hi = (wordRanges.length >> 1) - 1, mid;
    while (lo <= hi) {
      mid = (lo + hi) >> 1;
      if (c < wordRanges[2 * mid]) hi = mid - 1;
      else if (c > wordRanges[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** 0 = separator, 1 = CJK, 2 = word (spec step 2), for a folded code point. */
  function classify(c) {
    if (c < 0x80) {
      return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f ? 2 : 0;
    }
    if (isCjk(c)) return 1;
    if (c < 0x10000) return inWordTable(c) ? 2 : 0;
    return astralWord !== null && astralWord.test(fromCp(c)) ? 2 : 0;
  }

  var lowerCache = {};
  function lowerCp(c) {
    if (c < 0x80) return c >= 0x41 && c <= 0x5a ? c + 32 : c;
    if (isCjk(c)) return c;
    var key = c, r = lowerCache[key], s, l, cps; // integer keys: an array-like lookup
    if (r !== undefined) return r;
    r = c;
    s = fromCp(c);
    l = s.toLowerCase();
    if (l !== s) {
      cps = codePoints(l);
      if (cps.length === 1) r = cps[0]; // only where lower-casing gives exactly one character
    }
    lowerCache[key] = r;
    return r;
  }

  /**
   * Traditional → simplified, code point to code point (the index's t2s.json), or null until
   * loaded: the page loads it only when a query term is missing from the index.
   */
  var VARIANTS = null;

  function setVariants(from, to) {
    var f = codePoints(from == null ? "" : String(from)), t = codePoints(to == null ? "" : String(to)), i;
    if (!f.length || f.length !== t.length) {
      VARIANTS = null;
      return false;
    }
    VARIANTS = {};
    for (i = 0; i < f.length; i++) VARIANTS[f[i]] = t[i];
    return true;
  }

  /** Spec step 1 for one code point: full-width ASCII to ASCII, U+3000 to space, lower-case,
   * traditional to simplified (once the table is loaded). */
  function foldCp(c) {
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 0x20;
    c = lowerCp(c);
    return VARIANTS !== null && VARIANTS[c] ? VARIANTS[c] : c;
  }

  function foldedCps(s) {
    var cps = codePoints(s == null ? "" : String(s)), i;
    for (i = 0; i < cps.length; i++) cps[i] = foldCp(cps[i]);
    return cps;
  }

  function fold(s) {
    var cps = foldedCps(s);
    return cpsToString(cps, 0, cps.length);
  }

  /** Maximal runs of CJK and of word characters: [{ cjk, start, end }] over code point indexes. */
  function runsOf(cps) {
    var out = [], n = cps.length, i = 0, k, cls;
    while (i < n) {
      cls = classify(cps[i]);
      if (cls === 0) {
        i++;
        continue;
      }
      k = i + 1;
      while (k < n && classify(cps[k]) === cls) k++;
      out.push({ cjk: cls === 1, start: i, end: k });
      i = k;
    }
    return out;
  }

  LS.WORD_TABLE = WORD_TABLE;
  LS.codePoints = codePoints;
  LS.wellFormed = wellFormed;
  LS.fromCp = fromCp;
  LS.cpsToString = cpsToString;
  LS.isCjk = isCjk;
  LS.classify = classify;
  LS.setVariants = setVariants;
  LS.foldCp = foldCp;
  LS.foldedCps = foldedCps;
  LS.fold = fold;
  LS.runsOf = runsOf;
})(LecternSearch);

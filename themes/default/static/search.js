/*! Lectern search — the browser side of docs/SEARCH-INDEX.md (index format version 3).
 *
 * One dependency-free ES5 file (WeChat's in-app browser runs old engines: no arrow functions, no
 * let/const, no classes, no template literals, no Promise). The first half is pure functions
 * (tokenizer, hash, codec, ranking, facets, URL state) that `node --test` checks through
 * `module.exports`; the second half is the search page, which starts only in a browser that has
 * the page's `#search-app` element. The page never builds HTML from strings: every node is made
 * with createElement / createTextNode / textContent.
 */
(function (global) {
  "use strict";

  // ---------------------------------------------------------------------------------------------
  // Constants
  // ---------------------------------------------------------------------------------------------

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var B64 = [];
  (function () {
    var i;
    for (i = 0; i < 128; i++) B64[i] = -1;
    for (i = 0; i < 64; i++) B64[ALPHABET.charCodeAt(i)] = i;
  })();
  var MAX_WORD = 32; // a word run longer than this is cut to its first 32 characters
  var MAX_QUERY = 200; // the page cuts the query to this many characters before tokenising
  var PAGE_SIZE = 10;
  var KINDS = ["lesson", "video", "review"];
  var KIND_CODE = { l: 0, v: 1, r: 2 };
  var FACETS = ["kind", "stage", "grade", "course", "topic"];
  var FORMAT_VERSION = 4; // manifest.json "version" this script reads
  var K1 = 1.2, B = 0.75, LENGTH_STEPS = 16; // defaults for what the manifest says

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

  // ---------------------------------------------------------------------------------------------
  // Characters
  // ---------------------------------------------------------------------------------------------

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

  // ---------------------------------------------------------------------------------------------
  // Tokenizer (spec "Tokenizer"; test vectors in tests/fixtures/tokenize.json)
  // ---------------------------------------------------------------------------------------------

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

  // ---------------------------------------------------------------------------------------------
  // Hash, buckets, integer codec
  // ---------------------------------------------------------------------------------------------

  /** FNV-1a, 32 bits, over the UTF-8 bytes of the string; an unsigned number. */
  function fnv1a32(s) {
    var cps = codePoints(String(s)), h = 0x811c9dc5, i, c;
    function eat(b) {
      h ^= b;
      // h * 0x01000193 mod 2^32 without Math.imul (ES5)
      h = (h + (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24)) >>> 0;
    }
    for (i = 0; i < cps.length; i++) {
      c = cps[i];
      if (c < 0x80) eat(c);
      else if (c < 0x800) {
        eat(0xc0 | (c >> 6));
        eat(0x80 | (c & 0x3f));
      } else if (c < 0x10000) {
        eat(0xe0 | (c >> 12));
        eat(0x80 | ((c >> 6) & 0x3f));
        eat(0x80 | (c & 0x3f));
      } else {
        eat(0xf0 | (c >> 18));
        eat(0x80 | ((c >> 12) & 0x3f));
        eat(0x80 | ((c >> 6) & 0x3f));
        eat(0x80 | (c & 0x3f));
      }
    }
    return h >>> 0;
  }

  function bucketOf(term, buckets) {
    return fnv1a32(term) % buckets;
  }

  /** Decodes a "b64 varint" string into unsigned integers; characters outside the alphabet are skipped. */
  function decodeVarints(s) {
    var out = [], acc = 0, i, c, v;
    if (typeof s !== "string") return out;
    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      v = c < 128 ? B64[c] : -1;
      if (v < 0) continue;
      if (v >= 32) acc = acc * 32 + (v - 32);
      else {
        out.push(acc * 32 + v);
        acc = 0;
      }
    }
    return out;
  }

  /** The inverse of decodeVarints (for tests and tools). */
  function encodeVarints(nums) {
    var s = "", i, n, groups;
    for (i = 0; i < nums.length; i++) {
      n = nums[i];
      groups = [n % 32];
      n = Math.floor(n / 32);
      while (n > 0) {
        groups.unshift(32 + (n % 32));
        n = Math.floor(n / 32);
      }
      while (groups.length) s += ALPHABET.charAt(groups.shift());
    }
    return s;
  }

  /**
   * A bucket entry `[df, postings]` → { df, n, docs, tfs } (null when malformed): the first `n`
   * entries of `docs` (ascending document numbers) and `tfs` (weighted term frequencies). One
   * pass, no garbage.
   */
  function decodePostings(entry) {
    if (!entry || typeof entry.length !== "number" || entry.length < 2) return null;
    var s = typeof entry[1] === "string" ? entry[1] : "", df = +entry[0];
    var docs = ints(s.length >> 1), tfs = ints(s.length >> 1), n = 0, acc = 0, doc = 0, first = true;
    var i, c, v;
    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      v = c < 128 ? B64[c] : -1;
      if (v < 0) continue;
      if (v >= 32) {
        acc = acc * 32 + (v - 32);
        continue;
      }
      v = acc * 32 + v;
      acc = 0;
      if (first) {
        doc = n === 0 ? v : doc + v; // the first delta is the document itself
        first = false;
      } else {
        docs[n] = doc;
        tfs[n] = v;
        n++;
        first = true;
      }
    }
    return { df: df >= 0 ? df : 0, n: n, docs: docs, tfs: tfs };
  }

  // ---------------------------------------------------------------------------------------------
  // Ranking (spec "Ranking (browser)")
  // ---------------------------------------------------------------------------------------------

  var HAVE_TYPED = typeof Float64Array !== "undefined" && typeof Int32Array !== "undefined";

  /** Zero-filled number arrays (typed where the engine has them). */
  function numbers(n) {
    return HAVE_TYPED ? new Float64Array(n) : plain(n);
  }

  function ints(n) {
    return HAVE_TYPED ? new Int32Array(n) : plain(n);
  }

  function plain(n) {
    var a = new Array(n), i;
    for (i = 0; i < n; i++) a[i] = 0;
    return a;
  }

  function idf(n, df) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Scores the documents for the query terms `qterms` ([{ term, group, pos }] from queryTerms).
   * `lookup(term)` returns decoded postings (decodePostings) or null; `n` is doc_count; `norm`
   * (from decodeFacets) holds each document's BM25 length normalisation k1 × (1 − b + b × len /
   * avg), or is left out to treat every document as of average length.
   * Returns { docs: the matching documents, ascending; score: score by document number }.
   */
  function scoreDocs(qterms, lookup, n, norm) {
    var ids = {}, terms = [], occ = [], at = [], posts = [], w = [];
    var i, j, k, p, d, key, a, b, bonus, count, docs = [];
    n = n > 0 ? Math.floor(n) : 0;
    if (!qterms || !qterms.length || n === 0) return { docs: [], score: numbers(0) };
    for (i = 0; i < qterms.length; i++) {
      key = "~" + qterms[i].term;
      if (typeof ids[key] !== "number") {
        ids[key] = terms.length;
        terms.push(qterms[i].term);
        occ.push(0);
      }
      at[i] = ids[key];
      occ[at[i]]++;
    }
    for (j = 0; j < terms.length; j++) {
      p = lookup(terms[j]) || null;
      posts[j] = p;
      w[j] = p ? idf(n, p.df) : 0;
    }
    var score = numbers(n), hits = ints(n), stamp = ints(n), cover = numbers(n), pd, pt, pn, f, tf, known = 0;
    var norms = norm && norm.length >= n ? norm : null;
    for (j = 0; j < terms.length; j++) {
      p = posts[j];
      if (!p) continue;
      pd = p.docs;
      pt = p.tfs;
      pn = p.n;
      f = occ[j] * w[j]; // each occurrence of the term in the query counts
      known += w[j];
      for (k = 0; k < pn; k++) {
        d = pd[k];
        if (d >= n) break; // postings are ascending: the rest is out of range too
        hits[d]++;
        cover[d] += w[j];
        tf = pt[k];
        score[d] += (f * tf) / (tf + (norms ? norms[d] : K1)); // BM25's tf part, scaled to 0–1
      }
    }
    // Phrase bonus: adjacent terms of one run (pos i, i + 1) that the document both contains.
    for (i = 0; i + 1 < qterms.length; i++) {
      if (qterms[i].group !== qterms[i + 1].group || qterms[i + 1].pos !== qterms[i].pos + 1) continue;
      a = posts[at[i]];
      b = posts[at[i + 1]];
      if (!a || !b) continue;
      bonus = 0.5 * (w[at[i]] + w[at[i + 1]]);
      pd = a.docs;
      for (k = 0, pn = a.n; k < pn; k++) if (pd[k] < n) stamp[pd[k]] = i + 1;
      pd = b.docs;
      for (k = 0, pn = b.n; k < pn; k++) {
        d = pd[k];
        if (d < n && stamp[d] === i + 1) score[d] += bonus;
      }
    }
    // Coverage: the share of the query's known terms (weighted by idf) that the document has.
    // A complete match gets ×1.5, a partial one proportionally less — smoothly, so that one
    // stray bigram across a word boundary (中心 in 高中心理) cannot decide the order alone.
    count = known > 0 ? known : 1;
    for (d = 0; d < n; d++) {
      if (hits[d] === 0) continue;
      score[d] *= 1 + (0.5 * cover[d]) / count;
      docs.push(d);
    }
    return { docs: docs, score: score };
  }

  /** Rank order: higher score first, ties by document number (higher is newer: first). */
  function ranker(score) {
    return function (x, y) {
      return score[y] - score[x] || y - x;
    };
  }

  /** The spec's ranking: [{ doc, score }], best first, ties by document number (higher first). */
  function rank(qterms, lookup, n, norm) {
    var s = scoreDocs(qterms, lookup, n, norm), docs = s.docs.slice().sort(ranker(s.score)), out = [], k;
    for (k = 0; k < docs.length; k++) out.push({ doc: docs[k], score: s.score[docs[k]] });
    return out;
  }

  /**
   * The best `k` of `docs` in rank order, without sorting them all (a bounded heap: a page of
   * results from 10,000 matches costs about 10,000 × log 10 comparisons, not 10,000 × log 10,000).
   */
  function topK(docs, score, k) {
    var heap = [], i, d, cmp = ranker(score);
    if (k >= docs.length) return docs.slice().sort(cmp);
    // heap[0] is the worst of the best k so far: a max-heap under cmp
    function down(at) {
      var n = heap.length, l, r, m, t;
      for (;;) {
        l = 2 * at + 1;
        r = l + 1;
        m = at;
        if (l < n && cmp(heap[l], heap[m]) > 0) m = l;
        if (r < n && cmp(heap[r], heap[m]) > 0) m = r;
        if (m === at) return;
        t = heap[m];
        heap[m] = heap[at];
        heap[at] = t;
        at = m;
      }
    }
    for (i = 0; i < docs.length; i++) {
      d = docs[i];
      if (heap.length < k) {
        heap.push(d);
        if (heap.length === k) for (var h = (k >> 1) - 1; h >= 0; h--) down(h);
      } else if (cmp(d, heap[0]) < 0) {
        heap[0] = d;
        down(0);
      }
    }
    return heap.sort(cmp);
  }

  // ---------------------------------------------------------------------------------------------
  // Highlighting and snippets
  // ---------------------------------------------------------------------------------------------

  /** The query's terms for matching text without building strings: CJK by code point. */
  function termIndex(qterms) {
    var uni = {}, bi = {}, words = {}, i, cps;
    for (i = 0; i < qterms.length; i++) {
      cps = codePoints(qterms[i].term);
      if (cps.length && classify(cps[0]) === 1) {
        if (cps.length === 1) uni[cps[0]] = true;
        else (bi[cps[0]] || (bi[cps[0]] = {}))[cps[1]] = true;
      } else {
        words["~" + qterms[i].term] = true;
      }
    }
    return { uni: uni, bi: bi, words: words };
  }

  /**
   * Splits `text` into pieces [{ text, mark }] where `mark` pieces are the places that match the
   * query's terms, found with the tokenizer itself (so `python` does not light up inside `python3`).
   * With `max` > 0 only about `max` characters around the first match are kept ("…" at cut ends),
   * and the scan stops at the end of that window.
   */
  function highlight(text, qterms, max) {
    text = text == null ? "" : String(text);
    var orig = codePoints(text), n = orig.length, idx = termIndex(qterms || []), limit = qterms && qterms.length ? n : 0;
    var ranges = [], first = -1, from = 0, to = n, cut = max > 0 && n > max;
    var i = 0, k, c, cls, run = [], x, b;
    function mark(a, z) {
      var last = ranges.length - 1;
      if (last >= 0 && a <= ranges[last][1]) ranges[last][1] = Math.max(ranges[last][1], z);
      else ranges.push([a, z]);
      if (first < 0) {
        first = a;
        if (cut) {
          from = Math.max(0, Math.min(first - Math.floor(max / 4), n - max));
          to = from + max;
          limit = to;
        }
      }
    }
    while (i < limit) {
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
        if (idx.words["~" + cpsToString(run, 0, Math.min(run.length, MAX_WORD))] === true) mark(i, k);
      } else {
        for (x = 0; x < run.length; x++) {
          if (idx.uni[run[x]] === true) mark(i + x, i + x + 1);
          b = idx.bi[run[x]];
          if (b && x + 1 < run.length && b[run[x + 1]] === true) mark(i + x, i + x + 2);
        }
      }
      i = k;
    }
    if (cut && first < 0) to = max;
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

  // ---------------------------------------------------------------------------------------------
  // Facets (spec "facets.json")
  // ---------------------------------------------------------------------------------------------

  function list(x) {
    return x && typeof x.length === "number" && typeof x !== "string" ? x : [];
  }

  function str(x) {
    return typeof x === "string" ? x : x == null ? "" : String(x);
  }

  function positive(x, fallback) {
    return +x > 0 && isFinite(+x) ? +x : fallback;
  }

  /** The manifest's lists, checked and completed: { n, kinds, stages, grades, courses, topics, ... }. */
  function model(manifest, kindNames) {
    var m = manifest || {}, out, i, j, g, s, num, mask, byStage = {};
    kindNames = kindNames || {};
    out = {
      n: Math.max(0, Math.floor(+m.doc_count) || 0),
      gen: str(m.gen),
      buckets: Math.max(0, Math.floor(+m.buckets) || 0),
      k1: positive(m.k1, K1),
      b: +m.b >= 0 && +m.b <= 1 ? +m.b : B,
      lengthSteps: positive(m.length_steps, LENGTH_STEPS),
      offline: {
        buckets: Math.floor(positive(m.offline && m.offline.buckets_per_file, 16)),
        records: Math.floor(positive(m.offline && m.offline.records_per_file, 256))
      },
      kinds: [],
      stages: [],
      grades: [],
      courses: [],
      topics: []
    };
    var mk = list(m.kinds), names = {};
    for (i = 0; i < mk.length; i++) if (mk[i]) names[str(mk[i].slug)] = str(mk[i].name);
    for (i = 0; i < KINDS.length; i++) {
      out.kinds.push({ slug: KINDS[i], name: kindNames[KINDS[i]] || names[KINDS[i]] || KINDS[i] });
    }
    var mg = list(m.grades);
    for (i = 0; i < mg.length; i++) {
      if (!mg[i]) continue;
      num = Math.floor(+mg[i].number);
      if (!(num >= 1 && num <= 12)) continue;
      g = { number: num, name: str(mg[i].name) || String(num), stage: str(mg[i].stage), bit: 1 << (num - 1) };
      out.grades.push(g);
      byStage["~" + g.stage] = (byStage["~" + g.stage] || 0) | g.bit;
    }
    var ms = list(m.stages);
    for (i = 0; i < ms.length; i++) {
      if (!ms[i]) continue;
      s = { slug: str(ms[i].slug), name: str(ms[i].name) || str(ms[i].slug), mask: 0 };
      var sg = list(ms[i].grades);
      mask = 0;
      for (j = 0; j < sg.length; j++) {
        num = Math.floor(+sg[j]);
        if (num >= 1 && num <= 12) mask |= 1 << (num - 1);
      }
      s.mask = mask || byStage["~" + s.slug] || 0;
      out.stages.push(s);
    }
    var mc = list(m.courses);
    for (i = 0; i < mc.length; i++) {
      if (mc[i]) out.courses.push({ slug: str(mc[i].slug), name: str(mc[i].name) || str(mc[i].slug) });
    }
    var mt = list(m.topics);
    for (i = 0; i < mt.length; i++) {
      if (mt[i]) out.topics.push({ name: str(mt[i].name), slug: str(mt[i].slug) });
    }
    return out;
  }

  /**
   * Decodes facets.json (b64-varint columns) into per-document columns: kind (0–2, -1 unknown),
   * course (index, -1), grades (12-bit mask), the topics of document d as
   * topicList[topicStart[d] … topicStart[d+1]), and norm, each document's BM25 length
   * normalisation for scoreDocs. Short or broken columns give "unknown" values, never an
   * exception.
   */
  function decodeFacets(facets, M) {
    var f = facets || {}, n = M.n, d, v, at = 0, t, more;
    var kc = decodeVarints(str(f.kind_course)), gs = decodeVarints(str(f.grades)), ts = decodeVarints(str(f.topics));
    var kind = ints(n), course = ints(n), grades = ints(n), topicStart = ints(n + 1), topicList = ints(ts.length), used = 0;
    for (d = 0; d < n; d++) {
      v = d < kc.length ? kc[d] : -1;
      kind[d] = v >= 0 ? v % 3 : -1;
      course[d] = v >= 0 && Math.floor(v / 3) < M.courses.length ? Math.floor(v / 3) : -1;
      v = d < gs.length ? gs[d] : -1;
      grades[d] = v < 0 ? 0 : v < 16 ? (v < 12 ? 1 << v : 0) : (v - 16) & 0xfff;
      topicStart[d] = used;
      more = at < ts.length;
      while (more) {
        v = ts[at++];
        more = v > 1 && (v & 1) === 1 && at < ts.length;
        t = (v >> 1) - 1;
        if (t >= 0 && t < M.topics.length && !hasTopic(topicList, topicStart[d], used, t)) topicList[used++] = t;
      }
    }
    topicStart[n] = used;
    return {
      kind: kind,
      course: course,
      grades: grades,
      topicStart: topicStart,
      topicList: topicList,
      norm: lengthNorms(decodeVarints(str(f.lengths)), M)
    };
  }

  /**
   * k1 × (1 − b + b × length / average length) per document, from the `lengths` column
   * (round(steps × log2(length))). A missing entry counts as an average document.
   */
  function lengthNorms(codes, M) {
    var n = M.n, norm = numbers(n), len = numbers(n), total = 0, known = 0, avg, d;
    for (d = 0; d < n; d++) {
      if (d < codes.length) {
        len[d] = Math.pow(2, codes[d] / M.lengthSteps);
        total += len[d];
        known++;
      }
    }
    avg = known ? total / known : 1;
    for (d = 0; d < n; d++) norm[d] = M.k1 * (1 - M.b + (M.b * (d < codes.length ? len[d] : avg)) / avg);
    return norm;
  }

  function hasTopic(list, from, to, t) {
    for (var i = from; i < to; i++) if (list[i] === t) return true;
    return false;
  }

  function emptySelection(M) {
    return {
      kind: [],
      stage: [],
      grade: [],
      course: [],
      topic: []
    };
  }

  /** Index of a raw URL value in a facet's value list, or -1 (unknown values are ignored). */
  function valueIndex(M, facet, raw) {
    var v = str(raw).replace(/^\s+|\s+$/g, ""), i, items;
    if (!v) return -1;
    if (facet === "kind") {
      for (i = 0; i < M.kinds.length; i++) if (M.kinds[i].slug === v || M.kinds[i].name === v) return i;
      return -1;
    }
    if (facet === "grade") {
      for (i = 0; i < M.grades.length; i++) {
        if (String(M.grades[i].number) === v.replace(/^0+(?=\d)/, "") || M.grades[i].name === v) return i;
      }
      return -1;
    }
    items = facet === "stage" ? M.stages : facet === "course" ? M.courses : facet === "topic" ? M.topics : [];
    for (i = 0; i < items.length; i++) if (items[i].slug === v) return i;
    for (i = 0; i < items.length; i++) if (items[i].name === v) return i;
    return -1;
  }

  /** The value written into the URL for a facet value. */
  function valueKey(M, facet, i) {
    if (facet === "kind") return M.kinds[i].slug;
    if (facet === "grade") return String(M.grades[i].number);
    if (facet === "stage") return M.stages[i].slug;
    if (facet === "course") return M.courses[i].slug;
    return M.topics[i].name; // topics as written (spec §5)
  }

  function decodeParam(s) {
    s = s.replace(/\+/g, " ");
    try {
      return decodeURIComponent(s);
    } catch (e) {
      try {
        return decodeURIComponent(s.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
      } catch (e2) {
        return null;
      }
    }
  }

  /** Parses `location.search` into { q, raw: { facet: [values] } } (nothing checked yet). */
  function parseParams(search) {
    var out = { q: "", raw: { kind: [], stage: [], grade: [], course: [], topic: [] } };
    var parts = str(search).replace(/^\?/, "").split("&"), i, eq, k, v;
    for (i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      eq = parts[i].indexOf("=");
      k = decodeParam(eq < 0 ? parts[i] : parts[i].slice(0, eq));
      v = decodeParam(eq < 0 ? "" : parts[i].slice(eq + 1));
      if (k === null || v === null) continue;
      if (k === "q") out.q = v;
      else if (Object.prototype.hasOwnProperty.call(out.raw, k) && out.raw[k].length < 100) out.raw[k].push(v);
    }
    return out;
  }

  /** Raw URL values → the selection { facet: [value indexes] }, deduplicated, in manifest order. */
  function selectionFrom(raw, M) {
    var sel = emptySelection(M), f, i, idx;
    for (f = 0; f < FACETS.length; f++) {
      var vals = list(raw && raw[FACETS[f]]);
      for (i = 0; i < vals.length; i++) {
        idx = valueIndex(M, FACETS[f], vals[i]);
        if (idx >= 0 && sel[FACETS[f]].indexOf(idx) < 0) sel[FACETS[f]].push(idx);
      }
      sel[FACETS[f]].sort(function (a, b) {
        return a - b;
      });
    }
    return sel;
  }

  /** The query string for a state: q first, then the facets in a fixed order. */
  function buildParams(q, sel, M) {
    var parts = [], f, i;
    if (q) parts.push("q=" + encodeURIComponent(q));
    for (f = 0; f < FACETS.length; f++) {
      var vals = list(sel && sel[FACETS[f]]);
      for (i = 0; i < vals.length; i++) {
        parts.push(FACETS[f] + "=" + encodeURIComponent(valueKey(M, FACETS[f], vals[i])));
      }
    }
    return parts.join("&");
  }

  function hasFilters(sel) {
    for (var f = 0; f < FACETS.length; f++) if (list(sel && sel[FACETS[f]]).length) return true;
    return false;
  }

  /**
   * Applies the selection to the candidate documents (in order) and counts, for every facet value,
   * the candidates that pass the other facets' filters (OR within a facet, AND across facets;
   * a stage matches any of its grades). Returns { docs, counts: { facet: [count per value] } }.
   */
  function tally(cands, sel, M, cols) {
    var docs = [], i, k, d, fail, mask, kd, cd, t0, t1, stageMask = 0, gradeMask = 0;
    var kinds = picks(sel && sel.kind, M.kinds.length), courses = picks(sel && sel.course, M.courses.length);
    var topics = picks(sel && sel.topic, M.topics.length);
    var nStages = M.stages.length, nGrades = M.grades.length, ts = cols.topicStart, tl = cols.topicList;
    var kindCol = cols.kind, courseCol = cols.course, gradeCol = cols.grades, stageBits = [], gradeBits = [];
    var cKind = plain(M.kinds.length), cStage = plain(nStages), cGrade = plain(nGrades);
    var cCourse = plain(M.courses.length), cTopic = plain(M.topics.length);
    for (i = 0; i < nStages; i++) stageBits.push(M.stages[i].mask);
    for (i = 0; i < nGrades; i++) gradeBits.push(M.grades[i].bit);
    for (i = 0; i < list(sel && sel.stage).length; i++) stageMask |= (M.stages[sel.stage[i]] || {}).mask || 0;
    for (i = 0; i < list(sel && sel.grade).length; i++) gradeMask |= (M.grades[sel.grade[i]] || {}).bit || 0;
    var onStage = list(sel && sel.stage).length > 0, onGrade = list(sel && sel.grade).length > 0;
    for (k = 0; k < cands.length; k++) {
      d = cands[k];
      mask = gradeCol[d];
      kd = kindCol[d];
      cd = courseCol[d];
      t0 = ts[d];
      t1 = ts[d + 1];
      fail = 0;
      if (kinds && (kd < 0 || !kinds[kd])) fail |= 1;
      if (onStage && (mask & stageMask) === 0) fail |= 2;
      if (onGrade && (mask & gradeMask) === 0) fail |= 4;
      if (courses && (cd < 0 || !courses[cd])) fail |= 8;
      if (topics) {
        for (i = t0; i < t1; i++) if (topics[tl[i]]) break;
        if (i === t1) fail |= 16;
      }
      if (fail === 0) docs.push(d);
      else if (fail & (fail - 1)) continue; // fails two facets: counts for none
      if ((fail & ~1) === 0 && kd >= 0) cKind[kd]++;
      if ((fail & ~2) === 0) for (i = 0; i < nStages; i++) if (mask & stageBits[i]) cStage[i]++;
      if ((fail & ~4) === 0) for (i = 0; i < nGrades; i++) if (mask & gradeBits[i]) cGrade[i]++;
      if ((fail & ~8) === 0 && cd >= 0) cCourse[cd]++;
      if ((fail & ~16) === 0) for (i = t0; i < t1; i++) cTopic[tl[i]]++;
    }
    return { docs: docs, counts: { kind: cKind, stage: cStage, grade: cGrade, course: cCourse, topic: cTopic } };
  }

  /** The selected value indexes of one facet as a lookup array, or null when none is selected. */
  function picks(vals, size) {
    vals = list(vals);
    if (!vals.length) return null;
    var a = plain(size), i;
    for (i = 0; i < vals.length; i++) if (vals[i] >= 0 && vals[i] < size) a[vals[i]] = 1;
    return a;
  }

  var api = {
    ALPHABET: ALPHABET,
    MAX_QUERY: MAX_QUERY,
    WORD_TABLE: WORD_TABLE,
    codePoints: codePoints,
    classify: classify,
    fold: fold,
    indexTerms: indexTerms,
    queryTerms: queryTerms,
    tokenizeQuery: tokenizeQuery,
    compareCodePoints: compareCodePoints,
    cutQuery: cutQuery,
    fnv1a32: fnv1a32,
    setVariants: setVariants,
    bucketOf: bucketOf,
    decodeVarints: decodeVarints,
    encodeVarints: encodeVarints,
    decodePostings: decodePostings,
    idf: idf,
    scoreDocs: scoreDocs,
    rank: rank,
    topK: topK,
    highlight: highlight,
    model: model,
    decodeFacets: decodeFacets,
    offlineScriptOf: offlineScriptOf,
    parseParams: parseParams,
    selectionFrom: selectionFrom,
    buildParams: buildParams,
    tally: tally
  };

  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (global) {
    global.LecternSearch = api;
    global.LecternSearchBundle = receiveBundle; // what the offline scripts call
  }
  if (typeof document === "undefined") return;

  // ---------------------------------------------------------------------------------------------
  // Loading (one small function, so a file:// variant — a <script src> loader — can replace it)
  // ---------------------------------------------------------------------------------------------

  var jsonCache = {};
  var FAILED = {}; // a bucket file that could not be loaded

  /**
   * Loads and parses an index file once; `done(error, data)`. Concurrent calls share one request.
   * Over HTTP(S) the JSON file itself; opened from disk (file://, where XHR and fetch fail), the
   * offline script that carries it.
   */
  function loadJson(url, done) {
    if (global.location && global.location.protocol === "file:") return loadOffline(url, done);
    var entry = jsonCache[url];
    if (!entry) {
      entry = jsonCache[url] = { waiting: [], done: false, err: null, data: null };
      var xhr = new XMLHttpRequest();
      var finish = function (err, data) {
        if (entry.done) return;
        entry.done = true;
        entry.err = err;
        entry.data = data;
        if (err) delete jsonCache[url]; // a later call may try again
        var w = entry.waiting;
        entry.waiting = [];
        for (var i = 0; i < w.length; i++) w[i](err, data);
      };
      xhr.onreadystatechange = function () {
        if (xhr.readyState !== 4) return;
        var ok = (xhr.status >= 200 && xhr.status < 300) || (xhr.status === 0 && xhr.responseText);
        if (!ok) return finish(new Error("HTTP " + xhr.status + " " + url), null);
        try {
          finish(null, JSON.parse(xhr.responseText));
        } catch (e) {
          finish(e, null);
        }
      };
      try {
        xhr.open("GET", url, true);
        xhr.send();
      } catch (e) {
        finish(e, null);
      }
    }
    if (entry.done) done(entry.err, entry.data);
    else entry.waiting.push(done);
  }

  // ---- offline (file://): <script src> bundles, docs/SEARCH-INDEX.md "Offline scripts" ----

  var offlineFiles = {}; // index file path (under search/<gen>/, or manifest.json) → its JSON
  var offlineScripts = {}; // script URL → { done, waiting }
  var offlineLayout = { buckets: 16, records: 256 }; // from the manifest once it is loaded

  /** Called by every offline script with the files it carries. */
  function receiveBundle(files) {
    if (!files || typeof files !== "object") return;
    for (var key in files) {
      if (Object.prototype.hasOwnProperty.call(files, key)) offlineFiles["~" + key] = files[key];
    }
  }

  /**
   * The offline script carrying index file `url`, and the file's key in it:
   * …/manifest.json → …/manifest.js; …/<gen>/p/70.json → …/<gen>/offline/p-4.js (16 buckets a
   * script); …/<gen>/d/300.json → …/<gen>/offline/d-1.js (256 records); …/<gen>/facets.json →
   * …/<gen>/offline/facets.js. Null for anything else.
   */
  function offlineScriptOf(url, layout) {
    var clean = String(url).replace(/[?#].*$/, ""), m;
    layout = layout || offlineLayout;
    m = /^(.*?)manifest\.json$/.exec(clean);
    if (m) return { src: m[1] + "manifest.js", key: "manifest.json" };
    m = /^(.*?)(p|d)\/(\d+)\.json$/.exec(clean);
    if (m) {
      var per = m[2] === "p" ? layout.buckets : layout.records;
      return { src: m[1] + "offline/" + m[2] + "-" + Math.floor(+m[3] / per) + ".js", key: m[2] + "/" + m[3] + ".json" };
    }
    m = /^(.*?)([a-z0-9]+)\.json$/.exec(clean);
    if (m) return { src: m[1] + "offline/" + m[2] + ".js", key: m[2] + ".json" };
    return null;
  }

  function loadOffline(url, done) {
    var where = offlineScriptOf(url);
    if (!where) return done(new Error("not an index file: " + url), null);
    var found = function () {
      var data = offlineFiles["~" + where.key];
      if (data === undefined) return done(new Error("missing from " + where.src + ": " + where.key), null);
      done(null, data);
    };
    if (offlineFiles["~" + where.key] !== undefined) return found();
    var entry = offlineScripts[where.src];
    if (entry && entry.done) return found(); // loaded before, and without this file
    if (!entry) {
      entry = offlineScripts[where.src] = { done: false, waiting: [] };
      var script = document.createElement("script");
      var finish = function () {
        entry.done = true;
        var w = entry.waiting;
        entry.waiting = [];
        for (var i = 0; i < w.length; i++) w[i]();
      };
      script.onload = finish;
      script.onerror = finish;
      script.src = where.src;
      (document.head || document.documentElement).appendChild(script);
    }
    entry.waiting.push(found);
  }

  /** Calls `each(item, cb)` for all items in parallel, then `done()`. */
  function parallel(items, each, done) {
    var left = items.length, i;
    if (!left) return done();
    for (i = 0; i < items.length; i++) {
      each(items[i], function () {
        if (--left === 0) done();
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The search page
  // ---------------------------------------------------------------------------------------------

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function clear(node) {
    while (node && node.firstChild) node.removeChild(node.firstChild);
  }

  function show(node, on) {
    if (!node) return;
    if (on) node.removeAttribute("hidden");
    else node.setAttribute("hidden", "");
  }

  function Page(app) {
    function attr(name, fallback) {
      var v = app.getAttribute("data-" + name);
      return v == null || v === "" ? fallback : v;
    }
    this.app = app;
    this.str = {
      kind: attr("str-kind", "类型"),
      stage: attr("str-stage", "学段"),
      grade: attr("str-grade", "年级"),
      course: attr("str-course", "课程"),
      topic: attr("str-topic", "专题"),
      filters: attr("str-filters", "筛选"),
      resultsCount: attr("str-results-count", "找到 {n} 条结果"),
      noResults: attr("str-no-results", "没有找到匹配的资源。"),
      loading: attr("str-loading", "正在加载……"),
      error: attr("str-search-error", "搜索索引加载失败，请刷新重试。"),
      moreTopics: attr("str-more-topics", "更多"),
      fewerTopics: attr("str-fewer-topics", "收起")
    };
    this.kindNames = {
      lesson: attr("str-kind-lesson", ""),
      video: attr("str-kind-video", ""),
      review: attr("str-kind-review", "")
    };
    this.manifestUrl = attr("manifest", "manifest.json");
    this.root = app.getAttribute("data-root") == null ? "../" : app.getAttribute("data-root");
    this.listSep = /^zh/i.test(document.documentElement.lang || "zh") ? "、" : ", ";
    this.form = document.getElementById("search-form");
    this.input = document.getElementById("search-input");
    this.status = document.getElementById("search-status");
    this.results = document.getElementById("results");
    this.more = document.getElementById("search-more");
    this.filtersBox = document.getElementById("search-filters-box");
    this.filters = document.getElementById("search-filters");
    this.filtersLabel = document.getElementById("search-filters-label");
    this.clearButton = document.getElementById("search-clear");
    this.M = null;
    this.cols = null;
    this.base = "";
    this.buckets = {}; // bucket number → parsed file (FAILED: asked again by the next search)
    this.decoded = {}; // "~term" → decoded postings
    this.seq = 0;
    this.timer = null;
    this.matches = []; // the filtered matches, in document order
    this.score = null; // their scores by document number (null when browsing)
    this.ordered = []; // the first of them in rank order, as far as shown
    this.terms = [];
    this.shown = 0;
    this.loadingMore = false;
    this.boxes = {}; // facet → [{ input, count, label }]
    var p = parseParams(window.location.search);
    this.q = p.q;
    this.raw = p.raw;
    this.sel = null;
    if (this.input) this.input.value = this.q;
    this.bind();
    this.setBusy(true);
    this.load(false);
  }

  Page.prototype.bind = function () {
    var self = this, composing = false;
    function later(ms) {
      if (self.timer) clearTimeout(self.timer);
      self.timer = setTimeout(function () {
        self.timer = null;
        self.change(true);
      }, ms);
    }
    if (this.input) {
      this.input.addEventListener("compositionstart", function () {
        composing = true;
      });
      this.input.addEventListener("compositionend", function () {
        composing = false;
        later(200);
      });
      // While an IME composes (pinyin), the box holds Latin letters: wait longer before searching.
      this.input.addEventListener("input", function () {
        later(composing ? 1000 : 200);
      });
    }
    if (this.form) {
      this.form.addEventListener("submit", function (ev) {
        if (ev.preventDefault) ev.preventDefault();
        if (self.timer) clearTimeout(self.timer);
        self.timer = null;
        self.change(true);
        if (self.input && self.input.blur && self.M) self.input.blur(); // closes the phone keyboard
      });
    }
    if (this.more) {
      this.more.addEventListener("click", function () {
        self.showMore();
      });
    }
    if (this.clearButton) {
      this.clearButton.addEventListener("click", function () {
        if (!self.M) return;
        self.sel = emptySelection(self.M);
        self.syncBoxes();
        self.change(true);
      });
    }
    window.addEventListener("popstate", function () {
      var p = parseParams(window.location.search);
      self.q = p.q;
      self.raw = p.raw;
      if (self.input) self.input.value = p.q;
      if (self.M) {
        self.sel = selectionFrom(p.raw, self.M);
        self.syncBoxes();
        self.run();
      }
    });
    if (this.filtersBox && window.matchMedia) {
      var wide = window.matchMedia("(min-width: 50em)");
      var apply = function () {
        if (wide.matches) self.filtersBox.open = true;
      };
      apply();
      if (wide.addListener) wide.addListener(apply);
    }
  };

  Page.prototype.setBusy = function (on) {
    if (!this.results) return;
    if (on) {
      this.results.setAttribute("aria-busy", "true");
      this.results.setAttribute("data-state", "loading");
    } else {
      this.results.removeAttribute("aria-busy");
      this.results.setAttribute("data-state", "done");
      this.results.setAttribute("data-seq", String(this.seq));
    }
  };

  Page.prototype.say = function (text) {
    if (this.status && this.status.textContent !== text) this.status.textContent = text;
  };

  /** Manifest, then facets.json; a stale cached manifest (its gen gone) is fetched once more. */
  Page.prototype.load = function (retry) {
    var self = this, url = this.manifestUrl + (retry ? (this.manifestUrl.indexOf("?") < 0 ? "?" : "&") + "t=" + new Date().getTime() : "");
    this.say(this.str.loading);
    loadJson(url, function (err, manifest) {
      if (err || !manifest || typeof manifest !== "object" || manifest.version !== FORMAT_VERSION) {
        self.fail();
        return;
      }
      var M = model(manifest, self.kindNames);
      offlineLayout = M.offline;
      self.buckets = {}; // (a retry may bring another gen)
      self.decoded = {};
      self.base = self.manifestUrl.replace(/[?#].*$/, "").replace(/[^\/]*$/, "") + (M.gen ? M.gen + "/" : "");
      // The query's postings do not depend on facets.json: ask for both at once.
      self.fetchBuckets(M, self.termsOf(self.q), function () {});
      loadJson(self.base + "facets.json", function (ferr, facets) {
        if (ferr || !facets) {
          if (!retry) self.load(true);
          else self.fail();
          return;
        }
        try {
          self.M = M;
          self.cols = decodeFacets(facets, M);
          self.sel = selectionFrom(self.raw, M);
          self.buildFilters();
          self.change(self.urlPending);
        } catch (e) {
          self.fail();
        }
      });
    });
  };

  Page.prototype.fail = function () {
    this.setBusy(false);
    this.say(this.str.error);
    if (this.status) this.status.className = "search-status search-status--error";
  };

  Page.prototype.termsOf = function (q) {
    return queryTerms(cutQuery(q, MAX_QUERY));
  };

  /** Loads the buckets of the terms that are not cached yet (missing files count as empty). */
  Page.prototype.fetchBuckets = function (M, terms, done) {
    var self = this, want = [], seen = {}, i, b;
    if (M.buckets > 0) {
      for (i = 0; i < terms.length; i++) {
        b = bucketOf(terms[i].term, M.buckets);
        if (!seen[b] && (!this.buckets.hasOwnProperty(b) || this.buckets[b] === FAILED)) {
          seen[b] = true;
          want.push(b);
        }
      }
    }
    var base = this.base;
    parallel(want, function (b, next) {
      loadJson(base + "p/" + b + ".json", function (err, data) {
        if (self.base === base) self.buckets[b] = !err && data && typeof data === "object" ? data : FAILED; // missing: no postings
        next();
      });
    }, done);
  };

  Page.prototype.lookup = function (term) {
    var key = "~" + term, b, file;
    if (this.decoded.hasOwnProperty(key)) return this.decoded[key];
    b = this.M.buckets > 0 ? bucketOf(term, this.M.buckets) : -1;
    file = this.buckets[b];
    if (!file || file === FAILED) return null;
    var p = Object.prototype.hasOwnProperty.call(file, term) ? decodePostings(file[term]) : null;
    this.decoded[key] = p;
    return p;
  };

  /** A change by the user: read the box, write the URL, search. */
  Page.prototype.change = function (writeUrl) {
    if (this.input) this.q = this.input.value;
    if (!this.M) {
      this.urlPending = writeUrl; // the first run after loading reads this.q
      return;
    }
    if (writeUrl && window.history && window.history.replaceState) {
      var qs = buildParams(this.q, this.sel, this.M);
      try {
        window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
      } catch (e) {
        /* file:// in some browsers */
      }
    }
    this.run();
  };

  Page.prototype.run = function () {
    var self = this, my = ++this.seq, terms = this.termsOf(this.q);
    this.setBusy(true);
    var ready = false;
    this.fetchBuckets(this.M, terms, function () {
      ready = true;
      if (my !== self.seq) return;
      if (self.needsVariants(terms)) {
        self.loadVariants(function () {
          if (my === self.seq) self.run();
        });
        return;
      }
      try {
        self.compute(terms, my);
      } catch (e) {
        self.say(self.str.noResults);
        self.setBusy(false);
      }
    });
    if (!ready) this.say(this.str.loading);
  };

  /** A CJK query term the index lacks may be written in traditional characters. */
  Page.prototype.needsVariants = function (terms) {
    if (this.variantsTried) return false;
    for (var i = 0; i < terms.length; i++) {
      var cps = codePoints(terms[i].term);
      if (cps.length && isCjk(cps[0]) && !this.lookup(terms[i].term)) return true;
    }
    return false;
  };

  /** Load t2s.json once; afterwards queries fold traditional characters like the index did. */
  Page.prototype.loadVariants = function (done) {
    var self = this;
    this.variantsTried = true;
    loadJson(this.base + "t2s.json", function (err, data) {
      if (!err && data && typeof data === "object") {
        setVariants(data.from, data.to);
        self.decoded = {};
      }
      done();
    });
  };

  function now() {
    return window.performance && window.performance.now ? window.performance.now() : new Date().getTime();
  }

  Page.prototype.compute = function (terms, my) {
    var M = this.M, cands = null, scored, T, filtered = hasFilters(this.sel), t0 = now();
    this.score = null; // browsing: document order is the rank order
    if (terms.length) {
      scored = scoreDocs(terms, this.lookupFn || (this.lookupFn = bindLookup(this)), M.n, this.cols.norm);
      cands = scored.docs;
      this.score = scored.score;
    } else if (filtered) {
      cands = this.allDocs();
    }
    T = tally(cands || this.allDocs(), this.sel, M, this.cols);
    this.updateCounts(T.counts);
    this.terms = terms;
    this.matches = cands ? T.docs : [];
    this.ordered = this.score ? topK(this.matches, this.score, PAGE_SIZE) : this.matches.slice(0, PAGE_SIZE);
    this.shown = 0;
    // How long ranking, filtering, counting and ordering took (read by tests and benchmarks).
    this.results.setAttribute("data-compute-ms", String(Math.round(now() - t0)));
    show(this.clearButton, filtered);
    var text = "";
    if (cands && this.matches.length) text = this.str.resultsCount.replace(/\{n\}|\{count\}/g, String(this.matches.length));
    else if (cands || /\S/.test(this.q)) text = this.str.noResults;
    this.page(my, true, text);
  };

  function bindLookup(page) {
    return function (term) {
      return page.lookup(term);
    };
  }

  /** Every document, newest first: numbers grow with the date (docs/SEARCH-INDEX.md). */
  Page.prototype.allDocs = function () {
    if (!this.all) {
      this.all = [];
      for (var d = this.M.n - 1; d >= 0; d--) this.all.push(d);
    }
    return this.all;
  };

  /** Draws the next PAGE_SIZE results (replacing the list when `reset`), loading their d/<n>.json. */
  Page.prototype.page = function (my, reset, text) {
    var self = this, want = this.shown + PAGE_SIZE, recs = [], slice;
    if (this.ordered.length < Math.min(want, this.matches.length)) {
      this.ordered = this.score ? topK(this.matches, this.score, want) : this.matches.slice(0, want);
    }
    slice = this.ordered.slice(this.shown, want);
    this.loadingMore = true;
    parallel(slice, function (doc, next) {
      loadJson(self.base + "d/" + doc + ".json", function (err, rec) {
        if (!err && rec && typeof rec === "object") recs.push({ doc: doc, rec: rec });
        next();
      });
    }, function () {
      if (my !== self.seq) return;
      self.loadingMore = false;
      var t0 = now();
      try {
        self.draw(slice, recs, reset);
      } catch (e) {
        /* a broken record must not break the page */
      }
      self.results.setAttribute("data-draw-ms", String(Math.round(now() - t0)));
      self.shown += slice.length;
      show(self.more, self.shown < self.matches.length);
      if (reset) self.say(text);
      self.setBusy(false);
    });
  };

  Page.prototype.showMore = function () {
    if (this.loadingMore || !this.M || this.shown >= this.matches.length) return;
    this.setBusy(true);
    this.page(this.seq, false, "");
  };

  Page.prototype.draw = function (slice, recs, reset) {
    var byDoc = {}, i, ol, first = null, a;
    for (i = 0; i < recs.length; i++) byDoc[recs[i].doc] = recs[i].rec;
    ol = reset ? null : this.results.querySelector("ol");
    if (!ol) {
      ol = el("ol", "search-results");
      clear(this.results);
      this.results.appendChild(ol);
    }
    for (i = 0; i < slice.length; i++) {
      if (!byDoc.hasOwnProperty(slice[i])) continue;
      a = this.item(byDoc[slice[i]]);
      if (!a) continue;
      var li = el("li", "search-result");
      li.appendChild(a);
      ol.appendChild(li);
      if (!first) first = a;
    }
    if (!reset && first && first.focus) first.focus(); // "more": keyboard users continue from the new ones
  };

  function appendPieces(node, pieces) {
    for (var i = 0; i < pieces.length; i++) {
      if (pieces[i].mark) node.appendChild(el("mark", null, pieces[i].text));
      else node.appendChild(document.createTextNode(pieces[i].text));
    }
  }

  Page.prototype.href = function (u) {
    u = str(u);
    if (/^[a-z][a-z0-9+.\-]*:/i.test(u) || /^\/\//.test(u)) {
      return /^https?:/i.test(u) ? u : null;
    }
    return this.root + u.replace(/^\//, ""); // site.js appends index.html under file://
  };

  /** One result: <a> with title, kind badge, grades, course and a highlighted snippet. */
  Page.prototype.item = function (rec) {
    var M = this.M, href = this.href(rec.u), a, meta, i, k, names = [], g, text, h;
    if (href === null) return null;
    a = el("a", "result-link");
    a.setAttribute("href", href);
    var title = el("span", "result-title");
    appendPieces(title, highlight(str(rec.t), this.terms, 0).pieces);
    a.appendChild(title);
    meta = el("span", "result-meta");
    k = KINDS.indexOf(str(rec.k));
    if (k >= 0) meta.appendChild(el("span", "badge badge--" + KINDS[k], M.kinds[k].name));
    var gl = list(rec.g);
    for (i = 0; i < gl.length; i++) {
      for (g = 0; g < M.grades.length; g++) if (M.grades[g].number === +gl[i]) names.push(M.grades[g].name);
    }
    if (names.length) meta.appendChild(el("span", "result-grades", names.join(this.listSep)));
    for (i = 0; i < M.courses.length; i++) {
      if (M.courses[i].slug === str(rec.c)) meta.appendChild(el("span", "result-course", M.courses[i].name));
    }
    if (rec.d) meta.appendChild(el("span", "result-date", str(rec.d)));
    a.appendChild(meta);
    text = str(rec.x);
    h = highlight(text, this.terms, 120);
    if (!h.matched && rec.s) {
      var hs = highlight(str(rec.s), this.terms, 120);
      if (hs.matched || !text) h = hs;
    }
    if (h.pieces.length) {
      var snip = el("span", "result-snippet");
      appendPieces(snip, h.pieces);
      a.appendChild(snip);
    }
    return a;
  };

  // ---- facets UI ----------------------------------------------------------------------------

  Page.prototype.buildFilters = function () {
    var self = this, M = this.M, all = this.allDocs(), T = tally(all, emptySelection(M), M, this.cols);
    var f, i, order, box;
    if (!this.filters) return;
    clear(this.filters);
    this.totals = T.counts;
    for (f = 0; f < FACETS.length; f++) {
      var facet = FACETS[f], items = this.items(facet), counts = T.counts[facet];
      order = [];
      for (i = 0; i < items.length; i++) {
        if (counts[i] > 0 || this.sel[facet].indexOf(i) >= 0) order.push(i);
      }
      if (facet === "topic") {
        order.sort(function (a, b) {
          return counts[b] - counts[a] || a - b;
        });
      }
      this.boxes[facet] = [];
      if (!order.length) continue;
      var fs = el("fieldset", "facet facet--" + facet);
      fs.appendChild(el("legend", null, this.str[facet]));
      var ul = el("ul", "facet-values"), rest = null;
      fs.appendChild(ul);
      for (i = 0; i < order.length; i++) {
        if (facet === "topic" && i === 20) {
          rest = el("ul", "facet-values facet-values--more");
          rest.id = "facet-topic-more";
          show(rest, false);
          fs.appendChild(rest);
        }
        box = this.checkbox(facet, order[i], items[order[i]].name);
        (rest || ul).appendChild(box.li);
        if (rest) box.hidden = true;
      }
      if (rest) {
        var toggle = el("button", "facet-toggle", this.str.moreTopics);
        toggle.setAttribute("type", "button");
        toggle.setAttribute("aria-expanded", "false");
        toggle.setAttribute("aria-controls", "facet-topic-more");
        toggle.addEventListener("click", function () {
          self.toggleTopics(!self.topicsOpen);
        });
        fs.appendChild(toggle);
        this.topicRest = rest;
        this.topicToggle = toggle;
      }
      this.filters.appendChild(fs);
    }
    this.syncBoxes();
  };

  Page.prototype.toggleTopics = function (open) {
    if (!this.topicToggle) return;
    this.topicsOpen = open;
    show(this.topicRest, open);
    this.topicToggle.setAttribute("aria-expanded", open ? "true" : "false");
    this.topicToggle.textContent = open ? this.str.fewerTopics : this.str.moreTopics;
  };

  Page.prototype.items = function (facet) {
    var M = this.M;
    return facet === "kind" ? M.kinds : facet === "stage" ? M.stages : facet === "grade" ? M.grades :
      facet === "course" ? M.courses : M.topics;
  };

  Page.prototype.checkbox = function (facet, index, name) {
    var self = this, li = el("li", "facet-value"), label = el("label"), input = el("input");
    var count = el("span", "facet-count", "0");
    input.setAttribute("type", "checkbox");
    input.setAttribute("name", facet);
    input.setAttribute("value", valueKey(this.M, facet, index));
    input.addEventListener("change", function () {
      var list = self.sel[facet], at = list.indexOf(index);
      if (input.checked && at < 0) list.push(index);
      if (!input.checked && at >= 0) list.splice(at, 1);
      list.sort(function (a, b) {
        return a - b;
      });
      self.change(true);
    });
    label.appendChild(input);
    label.appendChild(el("span", "facet-name", name));
    label.appendChild(document.createTextNode(" "));
    label.appendChild(count);
    li.appendChild(label);
    var box = { index: index, input: input, count: count, li: li, hidden: false };
    this.boxes[facet].push(box);
    return box;
  };

  Page.prototype.syncBoxes = function () {
    var f, i, b, active = 0, hiddenChecked = false;
    for (f = 0; f < FACETS.length; f++) {
      var boxes = this.boxes[FACETS[f]] || [];
      for (i = 0; i < boxes.length; i++) {
        b = boxes[i];
        b.input.checked = this.sel[FACETS[f]].indexOf(b.index) >= 0;
        if (b.input.checked && b.hidden) hiddenChecked = true;
      }
      active += this.sel[FACETS[f]].length;
    }
    if (hiddenChecked) this.toggleTopics(true);
    if (this.filtersLabel) this.filtersLabel.textContent = this.str.filters + (active ? " (" + active + ")" : "");
  };

  Page.prototype.updateCounts = function (counts) {
    var f, i, b, c;
    this.syncBoxes();
    for (f = 0; f < FACETS.length; f++) {
      var boxes = this.boxes[FACETS[f]] || [];
      for (i = 0; i < boxes.length; i++) {
        b = boxes[i];
        c = counts[FACETS[f]][b.index] || 0;
        b.count.textContent = String(c);
        b.li.className = c > 0 || b.input.checked ? "facet-value" : "facet-value facet-value--empty";
      }
    }
  };

  function start() {
    var app = document.getElementById("search-app");
    if (!app || !document.getElementById("results") || app.getAttribute("data-started")) return;
    app.setAttribute("data-started", "1");
    try {
      new Page(app);
    } catch (e) {
      var s = document.getElementById("search-status");
      if (s) s.textContent = app.getAttribute("data-str-search-error") || "";
    }
  }

  api.loadJson = loadJson;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : this);

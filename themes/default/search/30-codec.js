/* Lectern search, module 30: the term hash, buckets and the "b64 varint" integer codec (spec
 * "Hash and buckets", "Integer codec", "p/<bucket>.json"). */
// lectern: also in suggest.js (the home page's suggestions need this module)
(function (LS) {
  "use strict";

  var ALPHABET = LS.ALPHABET;
  var codePoints = LS.codePoints, ints = LS.ints;
  var B64 = []; // character code → digit, -1 outside the alphabet
  (function () {
    var i;
    for (i = 0; i < 128; i++) B64[i] = -1;
    for (i = 0; i < 64; i++) B64[ALPHABET.charCodeAt(i)] = i;
  })();

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
    // "#term" (which transcript parts hold term, docs/SEARCH-INDEX.md) lives beside "term".
    return fnv1a32(term.charAt(0) === LS.PART_MARK ? term.slice(1) : term) % buckets;
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

  /** One number per character (its place in the alphabet): the fixed-width `lengths` column. */
  function decodeChars(s) {
    var out = [], i, c;
    if (typeof s !== "string") return out;
    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      out.push(c < 128 && B64[c] >= 0 ? B64[c] : 0);
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
   * pass, no garbage. A list starting with "~" is dense (spec "p/<bucket>.json").
   */
  function decodePostings(entry) {
    if (!entry || typeof entry.length !== "number" || entry.length < 2) return null;
    var s = typeof entry[1] === "string" ? entry[1] : "", df = +entry[0];
    if (s.charAt(0) === DENSE_MARK) return decodeDense(s, df >= 0 ? df : 0);
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

  var DENSE_MARK = "~";

  /**
   * "~" bitmap "~" codes escapes: six documents a bitmap character (bit j of character i is
   * document 6i + j), then each posting's tf as a two-bit code, three a character (0, 1, 2 →
   * tf 1, 2, 3; 3 → the next escape), then the escapes as varints. Null when malformed.
   */
  function decodeDense(s, df) {
    var end = s.indexOf(DENSE_MARK, 1), n = 0, i, j, v, k, code, at, escapes;
    if (end < 0) return null;
    for (i = 1; i < end; i++) {
      v = B64[s.charCodeAt(i)];
      if (!(v >= 0)) return null;
      for (; v; v &= v - 1) n++;
    }
    var docs = ints(n), tfs = ints(n);
    for (i = 1, k = 0; i < end; i++) {
      v = B64[s.charCodeAt(i)];
      for (j = 0; j < 6; j++) if (v & (1 << j)) docs[k++] = (i - 1) * 6 + j;
    }
    at = end + 1;
    escapes = decodeVarints(s.slice(at + Math.ceil(n / 3)));
    for (k = 0, j = 0; k < n; k++) {
      v = B64[s.charCodeAt(at + ((k / 3) | 0))];
      if (!(v >= 0)) return null;
      code = (v >> (2 * (k % 3))) & 3;
      if (code < 3) tfs[k] = code + 1;
      else if (j < escapes.length) tfs[k] = escapes[j++];
      else return null;
    }
    return { df: df, n: n, docs: docs, tfs: tfs };
  }

  LS.fnv1a32 = fnv1a32;
  LS.bucketOf = bucketOf;
  LS.decodeVarints = decodeVarints;
  LS.decodeChars = decodeChars;
  LS.encodeVarints = encodeVarints;
  LS.decodePostings = decodePostings;
})(LecternSearch);

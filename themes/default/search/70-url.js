/* Lectern search, module 70: the page's state in its URL (DESIGN §5): parsing `location.search`
 * into a selection of facet values, and writing it back. */
(function (LS) {
  "use strict";

  var FACETS = LS.FACETS, list = LS.list, str = LS.str, emptySelection = LS.emptySelection;

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
    items = facet === "stage" ? M.stages : facet === "course" ? M.courses : facet === "topic" ? M.topics :
      facet === "textbook" ? M.textbooks : [];
    // What the page writes wins over the other form: a topic's name (PPT's slug `ppt` must not
    // take the topic written `ppt`, whose slug is `ppt-2`), the others' slug.
    var first = facet === "topic" ? "name" : "slug", second = facet === "topic" ? "slug" : "name";
    for (i = 0; i < items.length; i++) if (items[i][first] === v) return i;
    for (i = 0; i < items.length; i++) if (items[i][second] === v) return i;
    // Another name of a topic (site.yaml topic_aliases), as a teacher may type it in a link.
    if (facet === "topic" && M.topicAliases && Object.prototype.hasOwnProperty.call(M.topicAliases, v)) {
      for (i = 0; i < items.length; i++) if (items[i].name === M.topicAliases[v]) return i;
    }
    return -1;
  }

  /** The value written into the URL for a facet value. */
  function valueKey(M, facet, i) {
    if (facet === "kind") return M.kinds[i].slug;
    if (facet === "grade") return String(M.grades[i].number);
    if (facet === "stage") return M.stages[i].slug;
    if (facet === "course") return M.courses[i].slug;
    if (facet === "textbook") return M.textbooks[i].slug;
    return M.topics[i].name; // topics as written (spec §5)
  }

  /**
   * A query or facet value from the address. A link encoded twice (a chat app or a CMS
   * re-encoded it: %25E6%2583%2585) reads once as %E6%83%85, the bytes of a character, never
   * what a teacher typed: it is read once more. static/search-boot.js repeats this.
   */
  function decodeParam(s) {
    var once = decodeOnce(s);
    return ENCODED_CHARACTER.test(once) ? decodeOnce(once) : once;
  }

  /** %XX escapes for one character of two to four UTF-8 bytes. */
  var ENCODED_CHARACTER = /%[c-fC-F][0-9a-fA-F](?:%[89abAB][0-9a-fA-F]){1,3}/;

  function decodeOnce(s) {
    s = s.replace(/\+/g, " ");
    try {
      return decodeURIComponent(s);
    } catch (e) {
      // A stray % (50%) stands for itself; a character cut short (a link cut in a chat,
      // %E6%83%85%E7%BB) is left out, and the rest is read. static/search-boot.js repeats
      // this (it runs before search.js exists): the two must read a link alike.
      return s.replace(/%(?![0-9a-fA-F]{2})/g, "%25").replace(/(?:%[0-9a-fA-F]{2})+/g, decodeRun);
    }
  }

  /** A run of %XX bytes as text: the longest start of it that is whole UTF-8, then the rest likewise. */
  function decodeRun(run) {
    var out = "", end;
    while (run) {
      for (end = run.length; end > 0; end -= 3) {
        try {
          out += decodeURIComponent(run.slice(0, end));
          break;
        } catch (e) {
          /* one byte fewer */
        }
      }
      run = run.slice(end > 0 ? end : 3); // a byte that starts nothing is dropped
    }
    return out;
  }

  /** Parses `location.search` into { q, raw: { facet: [values] } } (nothing checked yet). */
  function parseParams(search) {
    var out = { q: "", raw: { kind: [], stage: [], grade: [], course: [], topic: [], textbook: [] } };
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

  /** The address's facet values this site does not have (at most 3, each cut to 20 characters). */
  function unknownValues(raw, M) {
    var out = [], f, i, vals;
    for (f = 0; f < FACETS.length; f++) {
      vals = list(raw && raw[FACETS[f]]);
      for (i = 0; i < vals.length && out.length < 3; i++) {
        if (str(vals[i]) && valueIndex(M, FACETS[f], vals[i]) < 0) out.push(str(vals[i]).slice(0, 20));
      }
    }
    return out;
  }

  /** The query string for a state: q first, then the facets in a fixed order. */
  function buildParams(q, sel, M) {
    var parts = [], f, i;
    if (q) parts.push("q=" + encodeURIComponent(LS.wellFormed(q)));
    for (f = 0; f < FACETS.length; f++) {
      var vals = list(sel && sel[FACETS[f]]);
      for (i = 0; i < vals.length; i++) {
        parts.push(FACETS[f] + "=" + encodeURIComponent(valueKey(M, FACETS[f], vals[i])));
      }
    }
    return parts.join("&");
  }

  LS.valueKey = valueKey;
  LS.parseParams = parseParams;
  LS.selectionFrom = selectionFrom;
  LS.unknownValues = unknownValues;
  LS.buildParams = buildParams;
})(LecternSearch);

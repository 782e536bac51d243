/* Lectern search boot: a tiny script the search page loads `async` ahead of search.js. On a slow
 * link search.js takes seconds to arrive; meanwhile this asks for what every query needs next —
 * the manifest (preloaded with the page), then facets.json and, for a query in plain Chinese
 * characters, its postings files — so they download while search.js does. search.js (module
 * 80-load.js) takes a started request from `window.LecternBoot` instead of asking again; a
 * request this script could not make right (another tokenisation, a failed guess) only costs the
 * bytes of one file. Over http(s) only: from disk the page reads the offline scripts. ES5. */
(function (global) {
  "use strict";
  var me = document.currentScript;
  // Nothing to win once search.js runs (a fast link, or the cache): it asks for itself.
  if (!me || !/^https?:$/.test(global.location.protocol) || global.LecternBoot || global.LecternSearch) return;
  var boot = (global.LecternBoot = {});

  /** Starts one request; boot[url] = { done, status, text, waiting }. */
  function start(url) {
    if (boot[url]) return;
    var entry = (boot[url] = { done: false, status: 0, text: null, waiting: [] });
    var xhr = new XMLHttpRequest();
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      entry.done = true;
      entry.status = xhr.status;
      entry.text = xhr.responseText;
      var w = entry.waiting;
      entry.waiting = [];
      for (var i = 0; i < w.length; i++) w[i]();
    };
    try {
      xhr.open("GET", url, true);
      xhr.send();
    } catch (e) {
      entry.done = true;
    }
  }

  /** The query's `q` from the address, or "". */
  function query() {
    var parts = global.location.search.replace(/^\?/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf("q=") === 0) {
        try {
          return decodeURIComponent(parts[i].slice(2).replace(/\+/g, " "));
        } catch (e) {
          return "";
        }
      }
    }
    return "";
  }

  /** FNV-1a 32 over UTF-8 (docs/SEARCH-INDEX.md "Hash and buckets"); BMP characters only. */
  function fnv(term) {
    var h = 0x811c9dc5, i, c, bytes = [];
    for (i = 0; i < term.length; i++) {
      c = term.charCodeAt(i);
      if (c < 0x80) bytes.push(c);
      else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    for (i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = (h + ((h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24))) >>> 0;
    }
    return h >>> 0;
  }

  /** Query terms when the query is common Chinese characters and spaces only (bigrams, or the
   *  one character of a one-character run), else none: the full tokenizer is search.js's. */
  function terms(q) {
    if (!/^[\u4e00-\u9fff\s]{1,16}$/.test(q)) return [];
    var runs = q.split(/\s+/), out = [], i, j;
    for (i = 0; i < runs.length; i++) {
      if (runs[i].length === 1) out.push(runs[i]);
      for (j = 0; j + 1 < runs[i].length; j++) out.push(runs[i].substr(j, 2));
    }
    return out.slice(0, 8);
  }

  var manifestUrl = me.getAttribute("data-manifest") || "";
  if (!manifestUrl) return;
  start(manifestUrl);
  boot[manifestUrl].waiting.push(function () {
    var m;
    try {
      m = JSON.parse(boot[manifestUrl].text);
    } catch (e) {
      return;
    }
    if (!m || typeof m.gen !== "string" || !/^[0-9a-z]+$/.test(m.gen)) return;
    // The same base search.js computes (90-page.js), so the URLs match exactly.
    var base = manifestUrl.replace(/[?#].*$/, "").replace(/[^\/]*$/, "") + m.gen + "/";
    var t = terms(query()), i, seen = {};
    for (i = 0; i < t.length && m.buckets > 0; i++) {
      var b = fnv(t[i]) % m.buckets;
      if (!seen[b]) {
        seen[b] = true;
        start(base + "p/" + b + ".json");
      }
    }
    start(base + "facets.json");
  });
})(window);

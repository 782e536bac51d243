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
  showQuery();
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

  /** The query's `q` from the address, or "". Read as search.js reads it (module 70). */
  function query() {
    var parts = global.location.search.replace(/^\?/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf("q=") === 0) return decodeParam(parts[i].slice(2));
    }
    return "";
  }

  /** Module 70's decodeParam: a link encoded twice is read twice. */
  function decodeParam(s) {
    var once = decodeOnce(s);
    return /%[c-fC-F][0-9a-fA-F](?:%[89abAB][0-9a-fA-F]){1,3}/.test(once) ? decodeOnce(once) : once;
  }

  /** Module 70's decodeOnce: a stray % stands for itself, a character cut short is left out. */
  function decodeOnce(s) {
    s = s.replace(/\+/g, " ");
    try {
      return decodeURIComponent(s);
    } catch (e) {
      return s.replace(/%(?![0-9a-fA-F]{2})/g, "%25").replace(/(?:%[0-9a-fA-F]{2})+/g, function (run) {
        var out = "", end;
        while (run) {
          for (end = run.length; end > 0; end -= 3) {
            try {
              out += decodeURIComponent(run.slice(0, end));
              break;
            } catch (e2) {
              /* one byte fewer */
            }
          }
          run = run.slice(end > 0 ? end : 3);
        }
        return out;
      });
    }
  }

  /**
   * Puts the address's query in the box and the loading line in the status as soon as they are
   * parsed, so a slow search.js leaves no empty page: from disk too. Parsing ends ("interactive")
   * before the deferred search.js has arrived. Never over what the visitor typed or the page said.
   */
  function showQuery() {
    if (global.LecternSearch || fillQuery()) return;
    function onState() {
      if (document.readyState === "loading") return;
      document.removeEventListener("readystatechange", onState);
      if (!global.LecternSearch) fillQuery();
    }
    document.addEventListener("readystatechange", onState);
  }

  /** Fills the box and the status line once the page has them; whether it had them. */
  function fillQuery() {
    var input = document.getElementById("search-input"), status = document.getElementById("search-status");
    var app = document.getElementById("search-app");
    if (!input || !status || !app || document.readyState === "loading") return false;
    if (!input.value && query()) {
      // cut where the box would, but not between an emoji's two halves (a lone half breaks
      // the address the page writes)
      input.value = query().slice(0, +input.getAttribute("maxlength") || 1000).replace(/[\ud800-\udbff]$/, "");
      // search.js then knows an empty box was emptied by the visitor, not never filled.
      input.setAttribute("data-filled", "");
    }
    if (!status.textContent) status.textContent = app.getAttribute("data-str-loading") || "";
    return true;
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
    out.pairs = []; // out.pairs[i]: terms i and i + 1 are neighbours in one run (the phrase bonus)
    out.middles = []; // the pairs inside each run, neither first nor last (module 40's optionalPairs)
    for (i = 0; i < runs.length; i++) {
      if (runs[i].length === 1) out.push(runs[i]);
      for (j = 1; j + 2 < runs[i].length; j++) out.middles.push(out.length + j);
      for (j = 0; j + 1 < runs[i].length; j++) {
        out.pairs[out.length] = j + 2 < runs[i].length;
        out.push(runs[i].substr(j, 2));
      }
    }
    // More terms than the requests are started for: the page ranks with all of them.
    out.cut = out.length > 8;
    if (out.cut) out.length = 8;
    return out;
  }

  /** Calls `done` once every URL of `urls` has its answer. */
  function whenAll(urls, done) {
    var left = urls.length, i;
    function one() {
      if (--left === 0) done();
    }
    for (i = 0; i < urls.length; i++) {
      if (boot[urls[i]].done) one();
      else boot[urls[i]].waiting.push(one);
    }
  }

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** b64 varints (docs/SEARCH-INDEX.md "Integer codec"): module 30's decodeVarints again, since
   *  this script runs before search.js exists; the relevance suite checks the two agree. */
  function varints(s) {
    var out = [], acc = 0, i, v;
    for (i = 0; i < s.length; i++) {
      v = ALPHABET.indexOf(s.charAt(i));
      if (v < 0) continue;
      if (v >= 32) acc = acc * 32 + (v - 32);
      else {
        out.push(acc * 32 + v);
        acc = 0;
      }
    }
    return out;
  }

  /** A posting list in either form (module 30's decodePostings) → { document: tf }. */
  function postingMap(s) {
    var map = {}, pairs, j, d = 0, end, docs = [], bits, codes, escapes, e = 0, code;
    if (s.charAt(0) !== "~") {
      pairs = varints(s);
      for (j = 0; j + 1 < pairs.length; j += 2) map[(d += pairs[j])] = pairs[j + 1];
      return map;
    }
    end = s.indexOf("~", 1);
    for (j = 1; j < end; j++) {
      bits = ALPHABET.indexOf(s.charAt(j));
      for (d = 0; d < 6; d++) if (bits & (1 << d)) docs.push((j - 1) * 6 + d);
    }
    codes = s.slice(end + 1, end + 1 + Math.ceil(docs.length / 3));
    escapes = varints(s.slice(end + 1 + codes.length));
    for (j = 0; j < docs.length; j++) {
      code = (ALPHABET.indexOf(codes.charAt((j / 3) | 0)) >> (2 * (j % 3))) & 3;
      map[docs[j]] = code < 3 ? code + 1 : escapes[e++];
    }
    return map;
  }

  /** JSON of a finished request, or null. */
  function parsed(url) {
    try {
      return boot[url].status === 200 ? JSON.parse(boot[url].text) : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * The records of the ten results, guessed and asked for while search.js still downloads: on a
   * slow link this saves the round trip and the download that would start only once it ran.
   * The guess is the spec's ranking ("Ranking (browser)": BM25 with the lengths column, phrase
   * bonus, coverage, partial matches under 40 % dropped, × 1.1 for a lesson) for a query whose
   * every term the index holds — so no fallback characters — and that, when it holds a word with
   * synonyms, has the ENOUGH_COMPLETE complete matches that keep search.js from adding them
   * (module 45). A wrong guess costs the bytes of a record, never a wrong result: search.js
   * ranks for itself and only takes over requests for the URLs it wants.
   */
  var SHOWN = 10, ENOUGH_COMPLETE = 20, MIN_SHARE = 0.4, JUNCTION_RATIO = 4;

  /** Whether the query holds a word the manifest lists synonyms for. */
  function hasSynonyms(m, q) {
    var syn = m.synonyms, word;
    if (!syn || typeof syn !== "object") return false;
    for (word in syn) if (Object.prototype.hasOwnProperty.call(syn, word) && word && q.indexOf(word) >= 0) return true;
    return false;
  }

  function guessRecords(m, base, t, bucketUrl) {
    var facets = parsed(base + "facets.json"), n = m.doc_count, k1 = m.k1, b = m.b, steps = m.length_steps;
    var floor = m.length_floor, i, j, d, w = [], posts = [], seen = {}, total = 0, known = 0;
    // search.js is here already (a fast link): it asks for its own records, so a guess could
    // only ask twice. Filters in the address (kind, grade, topic…) change the first ten, and so
    // does a query longer than the terms asked for.
    if (global.LecternSearch || t.cut || /(^|[?&])(kind|stage|grade|course|topic|textbook)=/.test(global.location.search)) return;
    if (!facets || typeof facets.lengths !== "string" || !(n > 0) || !(steps > 0) || typeof floor !== "number") return;
    // Words search.js takes out of the text and turns into a preference (module 45: grade and
    // stage words, kind words, the words of a question or request, a grade band, 的, a word
    // excluded with a minus sign): its ranking
    // is not this one.
    if (/年级|年級|[初高][一二三四]|小学|初中|高中|[低中高]年|上册|下册|学期|视频|实录|录像|微课|说课|评课|教学设计|教案|怎|如何|哪些|有没有|请问|[吗呢]|的|想找|要找|推荐|关于|有关|针对|适合|适用|面向|一[节堂份篇]/.test(query()) || /(^|\s)[-－]+[^\s-－]/.test(query())) return;
    // …and the site's own grade names (预备班), which search.js reads as grades too
    var grades = m.grades && typeof m.grades.length === "number" ? m.grades : [];
    for (i = 0; i < grades.length; i++) {
      if (grades[i] && typeof grades[i].name === "string" && grades[i].name && query().indexOf(grades[i].name) >= 0) return;
    }
    var lengths = facets.lengths, len = [], kinds = varints(String(facets.kind_course || ""));
    for (d = 0; d < n; d++) {
      len[d] = Math.pow(2, (Math.max(0, ALPHABET.indexOf(lengths.charAt(d))) + floor) / steps);
      total += len[d];
    }
    for (i = 0; i < t.length; i++) {
      var file = parsed(bucketUrl[t[i]]), entry = file && Object.prototype.hasOwnProperty.call(file, t[i]) ? file[t[i]] : null;
      if (!entry || typeof entry[1] !== "string") return; // a term the index lacks: fallback or synonyms
      posts[i] = postingMap(entry[1]);
      posts[i].df = entry[0];
      w[i] = Math.log(1 + (n - entry[0] + 0.5) / (entry[0] + 0.5));
      if (!seen[t[i]]) known += w[i];
      seen[t[i]] = true;
    }
    // Two words typed as one (认识情绪): search.js matches them apart too, which this guess
    // does not; it leaves such a query to search.js.
    for (i = 0; i < t.middles.length; i++) {
      j = t.middles[i];
      if (j + 1 < t.length && posts[j].df * JUNCTION_RATIO <= Math.min(posts[j - 1].df, posts[j + 1].df)) return;
    }
    var avg = total / n, complete = 0, docs = {}, list = [], r;
    for (i = 0; i < t.length; i++) for (d in posts[i]) if (Object.prototype.hasOwnProperty.call(posts[i], d)) docs[d] = true;
    for (d in docs) {
      if (!Object.prototype.hasOwnProperty.call(docs, d)) continue;
      r = score(+d);
      if (r.share >= 0.999) complete++;
      if (r.share >= MIN_SHARE) list.push(r);
    }
    if (complete < ENOUGH_COMPLETE && hasSynonyms(m, query())) return;
    list.sort(function (x, y) {
      return y.s - x.s || y.d - x.d;
    });
    var per = m.records_per_file > 0 ? Math.floor(m.records_per_file) : 1;
    for (i = 0; i < list.length && i < SHOWN; i++) start(base + "d/" + Math.floor(list[i].d / per) + ".json");

    function score(doc) {
      var s = 0, cover = 0, counted = {}, norm = k1 * (1 - b + (b * len[doc]) / avg), tf;
      for (var q = 0; q < t.length; q++) {
        tf = posts[q][doc];
        if (tf === undefined) continue;
        s += (w[q] * tf) / (tf + norm);
        if (!counted[t[q]]) cover += w[q];
        counted[t[q]] = true;
        if (q + 1 < t.length && t.pairs[q] && posts[q + 1][doc] !== undefined) s += 0.5 * (w[q] + w[q + 1]);
      }
      var share = known > 0 ? cover / known : 0;
      s *= 1 + 0.5 * share;
      if (kinds[doc] !== undefined && kinds[doc] % 3 === 0) s *= 1.1;
      return { d: doc, s: s, share: share };
    }
  }

  var manifestUrl = me.getAttribute("data-manifest") || "";
  if (!manifestUrl) return;
  start(manifestUrl);
  boot[manifestUrl].waiting.push(function () {
    var m = parsed(manifestUrl);
    if (!m || typeof m.gen !== "string" || !/^[0-9a-z]+$/.test(m.gen)) return;
    // The same base search.js computes (90-page.js), so the URLs match exactly.
    var base = manifestUrl.replace(/[?#].*$/, "").replace(/[^\/]*$/, "") + m.gen + "/";
    var t = terms(query()), i, urls = [base + "facets.json"], bucketUrl = {};
    start(base + "facets.json");
    for (i = 0; i < t.length && m.buckets > 0; i++) {
      bucketUrl[t[i]] = base + "p/" + (fnv(t[i]) % m.buckets) + ".json";
      start(bucketUrl[t[i]]);
      urls.push(bucketUrl[t[i]]);
    }
    if (t.length) {
      whenAll(urls, function () {
        guessRecords(m, base, t, bucketUrl);
      });
    }
  });
})(window);

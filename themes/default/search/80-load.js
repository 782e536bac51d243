/* Lectern search, module 80: loading index files — XHR over HTTP(S), and under file:// the offline
 * scripts that carry them (spec "Offline scripts"). */
// lectern: also in suggest.js (the home page's suggestions need this module)
(function (LS, global) {
  "use strict";

  var jsonCache = {};

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
      var settle = function (status, text) {
        var ok = (status >= 200 && status < 300) || (status === 0 && text);
        if (!ok) return finish(new Error("HTTP " + status + " " + url), null);
        try {
          finish(null, JSON.parse(text));
        } catch (e) {
          finish(e, null);
        }
      };
      if (!fromBoot(url, settle)) {
        var xhr = new XMLHttpRequest();
        xhr.onreadystatechange = function () {
          if (xhr.readyState === 4) settle(xhr.status, xhr.responseText);
        };
        try {
          xhr.open("GET", url, true);
          xhr.send();
        } catch (e) {
          finish(e, null);
        }
      }
    }
    if (entry.done) done(entry.err, entry.data);
    else entry.waiting.push(done);
  }

  /**
   * A request that static/search-boot.js started for `url` before this script arrived (slow
   * links): `settle(status, text)` when it ends, once; false when there is none. Each is taken
   * once — a later load of the same URL (a retry) asks the server again.
   */
  function fromBoot(url, settle) {
    var boot = global.LecternBoot, entry = boot && Object.prototype.hasOwnProperty.call(boot, url) ? boot[url] : null;
    if (!entry) return false;
    delete boot[url];
    if (entry.done) settle(entry.status, entry.text);
    else {
      entry.waiting.push(function () {
        settle(entry.status, entry.text);
      });
    }
    return true;
  }

  // ---- offline (file://): <script src> bundles, docs/SEARCH-INDEX.md "Offline scripts" ----

  var offlineFiles = {}; // index file path (under search/<gen>/, or manifest.json) → its JSON
  var offlineScripts = {}; // script URL → { done, waiting }
  var offlineLayout = { buckets: LS.OFFLINE_BUCKETS, records: LS.OFFLINE_RECORDS }; // until the manifest says

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

  /** The manifest's offline layout (model(manifest).offline), once it is loaded. */
  function setOfflineLayout(layout) {
    offlineLayout = layout;
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

  LS.loadJson = loadJson;
  LS.offlineScriptOf = offlineScriptOf;
  LS.setOfflineLayout = setOfflineLayout;
  LS.parallel = parallel;
  global.LecternSearchBundle = receiveBundle; // what the offline scripts call
})(LecternSearch, typeof window !== "undefined" ? window : this);

/* Lectern search, module 90: the search page — loading, searching, drawing results. It starts
 * only in a browser that has the page's `#search-app` element (module 99). It never builds
 * HTML from strings: every node is made with createElement / createTextNode / textContent. */
(function (LS) {
  "use strict";

  var PAGE_SIZE = 10;
  var MAX_RESTORED = 200; // results drawn at once when Back returns to a long list
  var FAILED = {}; // a bucket file that could not be loaded
  var FORMAT_VERSION = LS.FORMAT_VERSION, KINDS = LS.KINDS, MAX_QUERY = LS.MAX_QUERY;
  var list = LS.list, str = LS.str, codePoints = LS.codePoints, isCjk = LS.isCjk, setVariants = LS.setVariants;
  var plan = LS.plan, planTerms = LS.planTerms, addFallback = LS.addFallback, searchPlan = LS.searchPlan;
  var typedPlan = LS.typedPlan, wantsSynonyms = LS.wantsSynonyms;
  var preferTyped = LS.preferTyped, cutQuery = LS.cutQuery, bucketOf = LS.bucketOf, decodePostings = LS.decodePostings;
  var topK = LS.topK, highlight = LS.highlight, bestCue = LS.bestCue, clock = LS.clock;
  var termIndex = LS.termIndex, termsIn = LS.termsIn;
  var DEEP_AT_ONCE = 3; // pages fetched for snippets where the browser cannot say what is seen
  var model = LS.model, decodeFacets = LS.decodeFacets, emptySelection = LS.emptySelection;
  var hasFilters = LS.hasFilters, tally = LS.tally;
  var parseParams = LS.parseParams, selectionFrom = LS.selectionFrom, buildParams = LS.buildParams;
  var loadJson = LS.loadJson, parallel = LS.parallel, loadCues = LS.loadCues;

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
    // Every UI string comes from the theme's i18n file through search.html's data-str-*
    // attributes; a missing one shows as its own name, as a missing `t.x` does in a template.
    function attr(name, fallback) {
      var v = app.getAttribute("data-" + name);
      if (v != null && v !== "") return v;
      return fallback === undefined ? name : fallback;
    }
    this.app = app;
    this.str = {
      kind: attr("str-kind"),
      stage: attr("str-stage"),
      grade: attr("str-grade"),
      course: attr("str-course"),
      topic: attr("str-topic"),
      textbook: attr("str-textbook"),
      filters: attr("str-filters"),
      resultsCount: attr("str-results-count"),
      resultsSplit: attr("str-results-split"),
      browseCount: attr("str-browse-count"),
      // …for a count of one ("1 result"), where the language says it otherwise
      resultsCountOne: attr("str-results-count-one", ""),
      resultsSplitOne: attr("str-results-split-one", ""),
      browseCountOne: attr("str-browse-count-one", ""),
      // none of the results holds the whole query: not "0 found", which reads as nothing
      partialOnly: attr("str-results-partial-only", ""),
      onlyGrade: attr("str-only-grade"),
      unitOffer: attr("str-unit-offer"),
      didYouMean: attr("str-did-you-mean", ""),
      unitN: attr("str-unit-n"),
      unknownFilter: attr("str-unknown-filter"),
      noResults: attr("str-no-results"),
      noResultsLatin: attr("str-no-results-latin", ""),
      kindNone: attr("str-kind-none", ""),
      noWords: attr("str-no-words"),
      loading: attr("str-loading"),
      error: attr("str-search-error"),
      errorDisk: attr("str-search-error-disk"),
      partial: attr("str-search-partial"),
      moreTopics: attr("str-more-topics"),
      fewerTopics: attr("str-fewer-topics")
    };
    // A result is one resource: its card names the kind in the singular ("Lesson plan").
    this.cardKinds = [attr("str-card-kind-lesson", ""), attr("str-card-kind-video", ""), attr("str-card-kind-review", "")];
    this.durationLabel = attr("str-duration", "");
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
    if (this.filtersBox) this.filtersBox.hidden = false; // hidden for a page without the script
    this.filters = document.getElementById("search-filters");
    this.filtersLabel = document.getElementById("search-filters-label");
    this.clearButton = document.getElementById("search-clear");
    this.gradeButton = null; // 只看七年级: made when a query names a grade
    this.synonyms = null; // the manifest's synonyms
    this.M = null;
    this.cols = null;
    this.facets = null; // facets.json as parsed, to decode again with topics.json's column
    this.topics = null; // topics.json: null, "loading" (callbacks waiting), "done"
    this.topicsWaiting = [];
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
    // On a slow link the visitor may have typed before this script arrived (the early script
    // fills the box with the address's query, never over typing): what they typed wins.
    var typed = this.input ? LS.wellFormed(this.input.value) : "";
    var emptied = !typed && this.input && this.input.hasAttribute("data-filled");
    if (typed !== this.q && (typed || emptied)) {
      this.q = typed;
      this.urlPending = "type"; // searched and written into the address once the index loads
    } else if (this.input) this.input.value = this.q;
    this.entryQ = p.q; // the query of the current history entry (writeUrl)
    this.typing = false; // whether typing made this entry, not yet submitted
    // Back from a result, in a browser that loads the page anew (WeChat's keeps no page in
    // memory): as many results as were shown, and the place the teacher had scrolled to.
    this.restore = savedPlace();
    // The browser's own restoring would come after ours, to where the box's focus had scrolled.
    try {
      if (window.history && "scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
    } catch (e) {
      /* an engine without it restores on its own */
    }
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
        self.change("type");
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
        if (!composing) self.prefetch();
      });
    }
    if (this.form) {
      this.form.addEventListener("submit", function (ev) {
        if (ev.preventDefault) ev.preventDefault();
        if (self.timer) clearTimeout(self.timer);
        self.timer = null;
        self.change("submit");
        if (self.input && self.input.blur && self.M) self.input.blur(); // closes the phone keyboard
      });
    }
    if (this.more) {
      this.more.addEventListener("click", function () {
        self.showMore();
      });
    }
    // Where the teacher is, kept in the history entry when they leave it for a result.
    if (this.results) {
      this.results.addEventListener("click", function (ev) {
        var t = ev.target;
        while (t && t !== self.results && !(t.tagName && t.tagName.toUpperCase() === "A")) t = t.parentNode;
        if (t && t !== self.results) self.rememberPlace();
      });
    }
    window.addEventListener("pagehide", function () {
      self.rememberPlace();
    });
    // Where the teacher was among the results: the box's focus scrolls the page up to it, and
    // a new query is typed there, but Back should return to the results where they were.
    this.viewY = 0;
    window.addEventListener("scroll", function () {
      if (!self.input || document.activeElement !== self.input) self.viewY = window.pageYOffset || 0;
    });
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
      self.entryQ = p.q;
      self.typing = false;
      if (self.timer) clearTimeout(self.timer); // typing meant for the entry left behind
      self.timer = null;
      if (self.input) self.input.value = p.q;
      self.restore = savedPlace();
      if (self.M) {
        self.sel = selectionFrom(p.raw, self.M);
        self.syncBoxes();
        self.run();
      }
    });
    // The topic counts are in topics.json, asked for when the panel opens (a phone's starts closed).
    if (this.filtersBox && this.filtersBox.addEventListener) {
      this.filtersBox.addEventListener("toggle", function () {
        if (self.filtersBox.open && self.M) self.withTopics(null);
        if (self.filtersBox.open && self.boxes) self.showChosen();
      });
    }
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

  /**
   * Manifest, then facets.json; a stale cached manifest (its gen gone) is fetched once more.
   * topics.json waits until a topic filter or the open filter panel needs it (withTopics).
   */
  Page.prototype.load = function (retry) {
    var self = this, url = this.manifestUrl + (retry ? (this.manifestUrl.indexOf("?") < 0 ? "?" : "&") + "t=" + new Date().getTime() : "");
    this.say(this.str.loading);
    loadJson(url, function (err, manifest) {
      if (err || !manifest || typeof manifest !== "object" || manifest.version !== FORMAT_VERSION) {
        self.fail();
        return;
      }
      var M = model(manifest, self.kindNames);
      LS.setGradeWords(M); // 初一 and 初中 as the site's grades say (五四制: grade 6 and 6–9)
      self.synonyms = manifest.synonyms && typeof manifest.synonyms === "object" ? manifest.synonyms : null;
      LS.setOfflineLayout(M.offline);
      self.buckets = {}; // (a retry may bring another gen)
      self.decoded = {};
      self.base = self.manifestUrl.replace(/[?#].*$/, "").replace(/[^\/]*$/, "") + (M.gen ? M.gen + "/" : "");
      // The query's postings do not depend on facets.json: ask for both at once.
      var first = self.planOf(self.q, M);
      self.fetchBuckets(M, planTerms(typedPlan(first)).concat(LS.planExtraTerms(first)), function () {});
      loadJson(self.base + "facets.json", function (ferr, facets) {
        if (ferr || !facets) {
          if (!retry) self.load(true);
          else self.fail();
          return;
        }
        try {
          self.M = M;
          self.facets = facets;
          self.topics = null;
          self.cols = decodeFacets(facets, M);
          self.sel = selectionFrom(self.raw, M);
          self.unknownNote = LS.unknownValues(self.raw, M); // said with the first results only
          self.buildFilters();
          self.change(self.urlPending);
        } catch (e) {
          self.fail();
        }
      });
    });
  };

  /**
   * Loads topics.json once and decodes the facets again with its column, then calls `done`
   * (with null: only the filter panel and its counts are drawn again). Without it (a missing
   * file) the topic filter is empty and everything else works.
   */
  Page.prototype.withTopics = function (done) {
    var self = this, base = this.base;
    if (done) this.topicsWaiting.push(done);
    if (this.topics === "done") return this.topicsArrived();
    if (this.topics === "loading" || !this.M) return;
    this.topics = "loading";
    loadJson(base + "topics.json", function (err, data) {
      if (self.base !== base) return;
      self.topics = "done";
      if (err || !data || typeof data !== "object" || !topicColumnFits(data.topics, self.M.n)) {
        // No topics to filter by: a topic filter from the address is dropped (and named in
        // the status line), so the teacher still gets the results.
        self.dropTopicFilter();
      } else if (self.facets) {
        var merged = {}, k;
        for (k in self.facets) if (Object.prototype.hasOwnProperty.call(self.facets, k)) merged[k] = self.facets[k];
        merged.topics = data.topics;
        try {
          self.cols = decodeFacets(merged, self.M);
        } catch (e) {
          /* the topics stay empty */
        }
        self.buildFilters();
        if (self.lastCands) self.updateCounts(self.countsOf(self.lastCands, self.lastWeak));
      }
      self.topicsArrived();
    });
  };

  /** A topic filter the topics column cannot serve: left out, and said once. */
  Page.prototype.dropTopicFilter = function () {
    var M = this.M, i, dropped = [];
    if (!this.sel || !this.sel.topic.length) return;
    for (i = 0; i < this.sel.topic.length; i++) if (M.topics[this.sel.topic[i]]) dropped.push(M.topics[this.sel.topic[i]].name);
    this.sel.topic = [];
    this.unknownNote = (this.unknownNote || []).concat(dropped).slice(0, 3);
    this.syncBoxes();
  };

  /**
   * Whether a topics column holds exactly `n` documents (each ends at a value that is 0 or
   * even): a cut or foreign file would give made-up counts.
   */
  function topicColumnFits(column, n) {
    if (typeof column !== "string") return false;
    var values = LS.decodeVarints(column), ends = 0, i;
    for (i = 0; i < values.length; i++) if ((values[i] & 1) === 0) ends++;
    return ends === n && (!values.length || (values[values.length - 1] & 1) === 0);
  }

  /** Whether the filter panel shows (an engine without <details> shows it always). */
  Page.prototype.panelOpen = function () {
    var box = this.filtersBox;
    return !!box && (box.open || !("open" in box));
  };

  Page.prototype.topicsArrived = function () {
    var waiting = this.topicsWaiting, i;
    this.topicsWaiting = [];
    for (i = 0; i < waiting.length; i++) waiting[i]();
  };

  Page.prototype.fail = function () {
    this.setBusy(false);
    // The results of an earlier query must not stand under the failure as if they were these.
    if (this.results) clear(this.results);
    show(this.more, false);
    // From disk the index loads only from its offline scripts, which a plain build leaves out:
    // say how to get them rather than blame the connection.
    var disk = window.location && window.location.protocol === "file:";
    this.say(disk && this.str.errorDisk ? this.str.errorDisk : this.str.error);
    if (this.status) this.status.className = "search-status search-status--error";
  };

  /** What to look up for a query (module 45): grade words, synonym variants. */
  Page.prototype.planOf = function (q, M) {
    return plan(cutQuery(q, MAX_QUERY), M, this.synonyms);
  };

  /**
   * Loads the buckets of the terms that are not cached yet; `done(failed)`, failed when one of
   * them would not load (every bucket has its file, even an empty one: a missing file means a
   * rebuilt site or a broken host, see `recover`).
   */
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
    var base = this.base, failed = false;
    parallel(want, function (b, next) {
      loadJson(base + "p/" + b + ".json", function (err, data) {
        var ok = !err && data && typeof data === "object";
        if (self.base === base) self.buckets[b] = ok ? data : FAILED;
        if (!ok) failed = true;
        next();
      });
    }, function () {
      done(failed);
    });
  };

  /**
   * A postings or record file of this index would not load. Most often the site was rebuilt
   * while the page was open — its files now have another generation — else the host lost
   * them: read the manifest again, past any cache, and search again with what it names. A
   * second failure before a search succeeds says so in the status line.
   */
  Page.prototype.recover = function () {
    if (this.recovering) return this.fail();
    this.recovering = true;
    this.seq++; // what is still on its way belongs to the old index
    this.M = null; // a change() meanwhile waits for the manifest (urlPending)
    this.urlPending = false;
    // The filters as they are now (the address has them), read again against the new index:
    // not those the page was opened with.
    this.raw = parseParams(window.location.search).raw;
    this.load(true);
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

  /**
   * While the box is typed in, the postings of what it holds are asked for at once (the search
   * itself waits for a pause, or Enter): by the time it runs they are mostly here. For Chinese
   * characters at every change; for letters (a word, or pinyin) once the last word has three,
   * since each letter typed makes another word whose file would mostly go unused.
   */
  Page.prototype.prefetch = function () {
    var q = this.input ? this.input.value : "", terms, p;
    if (!this.M) return;
    if (!/[\u3400-\u9fff]/.test(q) && !/[A-Za-z]{3}[\s']*$/.test(q)) return;
    p = this.planOf(q, this.M);
    terms = planTerms(typedPlan(p)).concat(LS.planExtraTerms(p));
    this.fetchBuckets(this.M, terms, function () {});
  };

  /**
   * A change by the user: read the box, write the URL (`how`: "submit" for Enter or the button,
   * "type" for a pause in typing, true for a filter, false for none), search.
   */
  Page.prototype.change = function (how) {
    if (this.input) this.q = LS.wellFormed(this.input.value);
    if (!this.M) {
      this.urlPending = how; // the first run after loading reads this.q
      return;
    }
    if (how) this.writeUrl(how);
    this.run();
  };

  /**
   * Writes the search into the address. A new query, submitted or typed, gets a history entry
   * of its own, so Back returns to the search before it (popstate restores it); more typing,
   * its submission and the filters replace that entry.
   */
  Page.prototype.writeUrl = function (how) {
    var h = window.history, qs = buildParams(this.q, this.sel, this.M);
    var url = window.location.pathname + (qs ? "?" + qs : "");
    var push = (how === "submit" || how === "type") && !this.typing && this.q !== this.entryQ;
    if (how === "type") this.typing = this.typing || push;
    else {
      this.typing = false;
      this.entryQ = this.q;
    }
    if (!h || !h.replaceState) return;
    try {
      if (push && h.pushState) {
        this.rememberPlace(); // Back to the search left behind restores its results and place
        h.pushState(null, "", url);
      } else h.replaceState(null, "", url);
    } catch (e) {
      /* file:// in some browsers */
    }
  };

  Page.prototype.run = function () {
    var self = this;
    // A topic filter (from the address, or a box of the drawn panel) needs the topics column.
    if (this.topics !== "done" && this.sel && this.sel.topic && this.sel.topic.length) {
      ++this.seq;
      this.setBusy(true);
      return this.withTopics(function () {
        self.run();
      });
    }
    var my = ++this.seq, p = this.planOf(this.q, this.M);
    this.setBusy(true);
    var ready = false;
    function rank(plan, r) {
      if (my !== self.seq) return;
      try {
        self.compute(plan, my, r);
      } catch (e) {
        self.say(self.str.noResults);
        self.setBusy(false);
      }
    }
    function go() {
      ready = true;
      if (my !== self.seq) return;
      var typed = typedPlan(p), r = null;
      self.rankStart = now(); // compute's timing includes this first ranking
      try {
        r = searchPlan(typed, self.lookupFn || (self.lookupFn = bindLookup(self)), self.M.n, self.cols);
      } catch (e) {
        /* ranked again below */
      }
      if (!wantsSynonyms(p, r)) rank(typed, r);
      else {
        self.fetchBuckets(self.M, planTerms(p), function (failed) {
          if (failed) return my === self.seq && self.recover();
          rank(p, undefined);
        });
      }
    }
    this.fetchBuckets(this.M, planTerms(typedPlan(p)).concat(LS.planExtraTerms(p)), function (failed) {
      if (my !== self.seq) return;
      if (failed) return self.recover();
      if (self.needsVariants(p.variants[0].terms)) {
        self.loadVariants(function () {
          if (my === self.seq) self.run();
        });
        return;
      }
      // Pairs the index never saw: their characters, fetched before ranking.
      var extra = addFallback(p, self.hasFn || (self.hasFn = bindHas(self)), self.countFn || (self.countFn = bindCount(self)));
      if (extra.length) {
        self.fetchBuckets(self.M, extra, function (failed) {
          if (failed) return my === self.seq && self.recover();
          go();
        });
      } else go();
    });
    // Still waiting, and for this run: a run started inside it (the traditional forms, already
    // loaded for an earlier query) may have finished and said its count by now.
    if (!ready && my === this.seq) this.say(this.str.loading);
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
      self.variantsDone = true;
      done();
    });
  };

  /** The string for a count: `one` for 1 where the theme has it, else `many`. */
  function counted(many, one, n) {
    return n === 1 && one ? one : many;
  }

  function now() {
    return window.performance && window.performance.now ? window.performance.now() : new Date().getTime();
  }

  /**
   * Ranks (or, with an empty query, browses every resource newest first), filters, counts and
   * draws the first page. The status says how many match the whole query and how many only part.
   */
  Page.prototype.compute = function (p, my, ranked) {
    var M = this.M, T, filtered = hasFilters(this.sel), t0 = ranked !== undefined ? this.rankStart : now(), i, full = 0;
    var r = ranked !== undefined ? ranked : searchPlan(p, this.lookupFn || (this.lookupFn = bindLookup(this)), M.n, this.cols);
    r = LS.addPinyinMatches(r, p, this.lookupFn || (this.lookupFn = bindLookup(this)), M.n, this.cols);
    // Text with nothing to search for (！！！, 😀) finds nothing: it is not an empty query.
    var wordless = !r && /\S/.test(cutQuery(this.q, MAX_QUERY));
    var cands = r ? r.docs : wordless ? [] : this.allDocs();
    this.lastCands = cands; // counted again when topics.json arrives
    this.score = r ? r.score : null; // null: browsing, document order is the rank order
    T = tally(cands, this.sel, M, this.cols);
    if (!T.docs.length && r && r.weak && r.weak.length) {
      // nothing under these filters (or at all): the thinner partial matches, as such
      cands = this.lastCands = r.weak;
      T = tally(cands, this.sel, M, this.cols);
    }
    // a value the weak matches alone hold counts them: a click on it shows them
    this.lastWeak = cands !== (r && r.weak) && r && r.weak && r.weak.length ? r.weak : null;
    if (this.lastWeak) LS.withWeakCounts(T.counts, tally(this.lastWeak, this.sel, M, this.cols).counts);
    this.terms = planTerms(p);
    this.matches = T.docs;
    this.ordered = this.score ? topK(this.matches, this.score, PAGE_SIZE) : this.matches.slice(0, PAGE_SIZE);
    this.shown = 0;
    // How long ranking, filtering, counting and ordering took (read by tests and benchmarks).
    this.results.setAttribute("data-compute-ms", String(Math.round(now() - t0)));
    // The facet counts, the clear button and the grade offer are drawn while the first records
    // download (or, when they are cached, before the results are drawn): see finishFacets.
    this.facetsPending = { counts: T.counts, plan: p, filtered: filtered, complete: 0 };
    var n = this.matches.length, text = wordless ? this.str.noWords : this.str.noResults;
    // stress, Emotion: words typed in another language than the resources' (pinyin matched none)
    if (!n && !wordless && this.str.noResultsLatin && /[a-z]/i.test(this.q) && !/[\u3400-\u9fff]/.test(this.q)) text = this.str.noResultsLatin;
    if (r && r.full) for (i = 0; i < n; i++) full += r.full[this.matches[i]];
    else full = n;
    var S = this.str;
    if (n && !r) text = counted(S.browseCount, S.browseCountOne, n).replace(/\{count\}/g, String(n));
    else if (n && !full && S.partialOnly) text = S.partialOnly.replace(/\{partial\}/g, String(n));
    else if (n && full < n) {
      text = counted(S.resultsSplit, S.resultsSplitOne, full).replace(/\{count\}/g, String(full)).replace(/\{partial\}/g, String(n - full));
    } else if (n) text = counted(S.resultsCount, S.resultsCountOne, n).replace(/\{n\}|\{count\}/g, String(n));
    if (n && S.kindNone && this.noneOfKinds(p)) text += " " + S.kindNone.replace(/\{kind\}/g, this.kindsNamed(p));
    if (this.unknownNote && this.unknownNote.length && this.str.unknownFilter) {
      text += " " + this.str.unknownFilter.replace(/\{values\}/g, "“" + this.unknownNote.join("”“") + "”");
    }
    this.unknownNote = null;
    this.facetsPending.complete = r ? full : n;
    this.results.setAttribute("data-complete", String(full));
    this.results.setAttribute("data-partial", String(n - full));
    this.page(my, true, text);
    this.finishFacets();
  };

  /**
   * Whether a query names kinds (寝室 评课) and none of its matches is of them: the status says
   * so, rather than let the lesson shown pass for the review asked for.
   */
  Page.prototype.noneOfKinds = function (p) {
    var named = (p.words && p.words.kinds) || [], kinds = this.cols && this.cols.kind, i;
    if (!named.length || !kinds) return false;
    for (i = 0; i < this.matches.length; i++) if (named.indexOf(kinds[this.matches[i]]) >= 0) return false;
    return true;
  };

  /** The names of the kinds a query names (说课评课、课堂视频). */
  Page.prototype.kindsNamed = function (p) {
    var names = [], named = (p.words && p.words.kinds) || [], i;
    for (i = 0; i < named.length; i++) if (this.M.kinds[named[i]]) names.push(this.M.kinds[named[i]].name);
    return names.join(this.listSep);
  };

  /** The DOM work of a new ranking that the results do not wait for; once per ranking. */
  Page.prototype.finishFacets = function () {
    var f = this.facetsPending;
    if (!f) return;
    this.facetsPending = null;
    this.updateCounts(f.counts);
    show(this.clearButton, f.filtered);
    this.offerGrade(f.plan);
    this.offerUnits();
    this.offerMended(f.complete);
    // Nothing found under filters: the folded panel (a phone's) opens, so the teacher sees the
    // filters that narrowed it away and the button that clears them.
    if (f.filtered && !this.matches.length && this.filtersBox && !this.panelOpen()) this.filtersBox.open = true;
  };

  /**
   * A query that names grades or stages (七年级, 初中) gets one button that filters to them
   * (只看七年级), unless that filter is on already.
   */
  Page.prototype.offerGrade = function (p) {
    var self = this, M = this.M, grades = [], stages = [], names = [], i, j, g;
    for (i = 0; i < p.words.grades.length; i++) {
      for (j = 0; j < M.grades.length; j++) {
        if (M.grades[j].number === p.words.grades[i] && this.sel.grade.indexOf(j) < 0) {
          grades.push(j);
          names.push(M.grades[j].name);
        }
      }
    }
    for (i = 0; i < p.words.stages.length; i++) {
      for (j = 0; j < M.stages.length; j++) {
        if (M.stages[j].name === p.words.stages[i] && this.sel.stage.indexOf(j) < 0) {
          stages.push(j);
          names.push(M.stages[j].name);
        }
      }
    }
    if (this.gradeButton && this.gradeButton.parentNode) this.gradeButton.parentNode.removeChild(this.gradeButton);
    this.gradeButton = null;
    if (!names.length || !this.inGrades(p.mask) || !this.status || !this.status.parentNode) return;
    var b = el("button", "button button--small search-only-grade", this.str.onlyGrade.replace(/\{name\}/g, names.join(this.listSep)));
    b.setAttribute("type", "button");
    b.id = "search-only-grade";
    b.addEventListener("click", function () {
      for (g = 0; g < grades.length; g++) self.sel.grade.push(grades[g]);
      for (g = 0; g < stages.length; g++) self.sel.stage.push(stages[g]);
      self.sel.grade.sort(byNumber);
      self.sel.stage.sort(byNumber);
      self.syncBoxes();
      self.change(true);
      // the button goes once taken: the keyboard goes on from the new count, not from the top
      if (self.status) {
        self.status.setAttribute("tabindex", "-1");
        self.status.focus();
      }
    });
    this.status.parentNode.insertBefore(b, this.status.nextSibling);
    this.gradeButton = b;
  };

  /**
   * A query that names a textbook's unit (七年级上册 第二单元) links that unit on its textbook's
   * page, which lists the unit's resources in the book's order, or says it has none yet: the
   * results alone may be another book's unit 2.
   */
  Page.prototype.offerUnits = function () {
    var units = LS.unitsNamed(this.q || "", this.M), M = this.M, box, i, u, a, book;
    if (this.unitOffer && this.unitOffer.parentNode) this.unitOffer.parentNode.removeChild(this.unitOffer);
    this.unitOffer = null;
    if (!units.length || !this.status || !this.status.parentNode) return;
    box = el("p", "search-unit-offer", this.str.unitOffer);
    box.id = "search-unit-offer";
    for (i = 0; i < units.length; i++) {
      u = units[i];
      book = M.textbooks[u.book];
      if (i) box.appendChild(document.createTextNode(this.listSep));
      a = el("a", "", book.name + " " + this.str.unitN.replace("{n}", String(u.number)) + (u.name ? " " + u.name : ""));
      a.setAttribute("href", this.href("textbooks/" + book.slug + "/") + "#unit-" + u.number);
      box.appendChild(a);
    }
    this.status.parentNode.insertBefore(box, this.gradeButton ? this.gradeButton.nextSibling : this.status.nextSibling);
    this.unitOffer = box;
  };

  /**
   * A query with no complete match, a word of it one character off a topic or course name
   * (情续管理): "你要找的是不是：情绪管理", a link that searches for that (and opens it in a new tab
   * too). Gone with the next search.
   */
  Page.prototype.offerMended = function (complete) {
    var self = this, mended = complete || !this.str.didYouMean ? null : LS.mendedQuery(this.q || "", this.M), box, a;
    if (this.mendedOffer && this.mendedOffer.parentNode) this.mendedOffer.parentNode.removeChild(this.mendedOffer);
    this.mendedOffer = null;
    if (!mended || !this.status || !this.status.parentNode) return;
    box = el("p", "search-mended", this.str.didYouMean);
    box.id = "search-mended";
    a = el("a", "", mended);
    a.setAttribute("href", "?" + buildParams(mended, this.sel, this.M));
    a.addEventListener("click", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) return; // a new tab opens the link
      if (ev.preventDefault) ev.preventDefault();
      if (self.input) self.input.value = mended;
      self.change("submit");
    });
    box.appendChild(a);
    this.status.parentNode.insertBefore(box, this.status.nextSibling);
    this.mendedOffer = box;
  };

  /**
   * Whether a result is in the grades of `mask`: else 只看一年级 would only empty the page
   * (一年级 情绪 on a portal without grade 1).
   */
  Page.prototype.inGrades = function (mask) {
    var grades = this.cols && this.cols.grades, i;
    if (!grades || !mask) return true;
    for (i = 0; i < this.matches.length; i++) if (grades[this.matches[i]] & mask) return true;
    return false;
  };

  function byNumber(a, b) {
    return a - b;
  }

  function bindLookup(page) {
    return function (term) {
      return page.lookup(term);
    };
  }

  function bindHas(page) {
    return function (term) {
      return page.lookup(term) !== null;
    };
  }

  /** How many documents hold a loaded term (0 for none). */
  function bindCount(page) {
    return function (term) {
      var postings = page.lookup(term);
      return postings ? postings.df : 0;
    };
  }

  /** The facet counts of `cands`, with those of the `weak` matches where they alone hold a value. */
  Page.prototype.countsOf = function (cands, weak) {
    var counts = tally(cands, this.sel, this.M, this.cols).counts;
    return weak ? LS.withWeakCounts(counts, tally(weak, this.sel, this.M, this.cols).counts) : counts;
  };

  /** Every document, newest first: numbers grow with the date (docs/SEARCH-INDEX.md). */
  Page.prototype.allDocs = function () {
    if (!this.all) {
      this.all = [];
      for (var d = this.M.n - 1; d >= 0; d--) this.all.push(d);
    }
    return this.all;
  };

  /** Draws the next PAGE_SIZE results (replacing the list when `reset`), loading the record
   *  files d/<k>.json that hold them (`recordsPerFile` records each, spec "d/<k>.json"). */
  Page.prototype.page = function (my, reset, text) {
    var self = this, want = this.shown + PAGE_SIZE, recs = [], slice, place = reset ? this.restore : null;
    if (place) want = Math.max(want, place.shown);
    if (this.ordered.length < Math.min(want, this.matches.length)) {
      this.ordered = this.score ? topK(this.matches, this.score, want) : this.matches.slice(0, want);
    }
    slice = this.ordered.slice(this.shown, want);
    this.loadingMore = true;
    var failed = false;
    parallel(slice, function (doc, next) {
      var per = self.M.recordsPerFile, file = Math.floor(doc / per);
      loadJson(self.base + "d/" + file + ".json", function (err, records) {
        var rec = records && records.length ? records[doc - file * per] : null;
        if (err || !records || typeof records.length !== "number") failed = true;
        if (err || !rec || typeof rec !== "object") return next();
        // A long transcript's later cues, when the match is there.
        var which = LS.partsToFetch(rec, doc, self.terms, function (term) {
          return self.lookup(term);
        });
        loadCues(self.base, rec, self.terms, which, function (full) {
          recs.push({ doc: doc, rec: full });
          next();
        });
      });
    }, function () {
      if (my !== self.seq) return;
      self.loadingMore = false;
      // A record file failed: the index may have moved (recover). When it still fails after
      // that, show the results that did load and say some could not.
      if (failed && !self.recovering) return self.recover();
      if (!failed) self.recovering = false; // this index answers: a later failure may recover again
      self.finishFacets(); // cached records come back at once: the counts go first
      var t0 = now();
      try {
        self.draw(slice, recs, reset);
      } catch (e) {
        /* a broken record must not break the page */
      }
      self.results.setAttribute("data-draw-ms", String(Math.round(now() - t0)));
      self.shown += slice.length;
      show(self.more, self.shown < self.matches.length);
      if (place) self.restore = null; // drawn: later searches start at the top
      if (place && place.y > 0 && window.scrollTo) window.scrollTo(0, place.y);
      // Nothing of this search could be shown: the index failed, not some of its records.
      if (failed && reset && slice.length && !recs.length) return self.fail();
      if (self.status) self.status.className = "search-status";
      if (reset) self.say(text);
      if (failed) self.say((reset ? text + " " : "") + self.str.partial);
      self.setBusy(false);
      // Once results are shown (not before: on a slow link they would share the bandwidth),
      // and after this task, so the browser draws them first.
      if (self.panelOpen()) {
        setTimeout(function () {
          self.withTopics(null);
        }, 0);
      }
    });
  };

  /** Keeps how many results show and the scroll position in the current history entry. */
  Page.prototype.rememberPlace = function () {
    var h = window.history;
    if (!h || !h.replaceState || !this.M || this.loadingMore) return;
    try {
      var y = this.input && document.activeElement === this.input ? this.viewY : window.pageYOffset || 0;
      h.replaceState({ lectern: 1, shown: this.shown, y: Math.round(y) }, "", window.location.href);
    } catch (e) {
      /* file:// in some browsers */
    }
  };

  /** The place rememberPlace kept in this history entry, or null. At most MAX_RESTORED results. */
  function savedPlace() {
    var st = null;
    try {
      st = window.history ? window.history.state : null;
    } catch (e) {
      /* a browser that refuses to read it */
    }
    if (!st || typeof st !== "object" || st.lectern !== 1) return null;
    var shown = Math.min(+st.shown || 0, MAX_RESTORED), y = +st.y || 0;
    return shown > 0 || y > 0 ? { shown: shown, y: y } : null;
  }

  Page.prototype.showMore = function () {
    if (this.loadingMore || !this.M || this.shown >= this.matches.length) return;
    this.setBusy(true);
    this.page(this.seq, false, "");
  };

  Page.prototype.draw = function (slice, recs, reset) {
    var byDoc = {}, i, ol, first = null, a;
    for (i = 0; i < recs.length; i++) byDoc[recs[i].doc] = recs[i].rec;
    slice = preferTyped(slice, byDoc, this.score, this.q);
    ol = reset ? null : this.results.querySelector("ol");
    if (!ol) {
      ol = el("ol", "search-results");
      this.stopDeepening();
      clear(this.results);
      this.results.appendChild(ol);
    }
    for (i = 0; i < slice.length; i++) {
      if (!byDoc.hasOwnProperty(slice[i])) continue;
      a = this.item(byDoc[slice[i]], slice[i]);
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
    u = this.root + u.replace(/^\//, "");
    // From disk a folder opens as a listing, not its page: the link names the page itself, so
    // a link opened in a new tab or copied works too (site.js mends only a tap)
    if (window.location && window.location.protocol === "file:" && /\/$/.test(u)) u += "index.html";
    return u;
  };

  /**
   * One result: <a> with title, kind badge, grades, course and a highlighted snippet — for a
   * transcript match, the cue's time and text, the link going to that time.
   */
  Page.prototype.item = function (rec, doc) {
    var M = this.M, href = this.href(rec.u), a, meta, i, k, names = [], g, text, h;
    if (href === null) return null;
    // A video whose best match is in its transcript links to that moment (video.js seeks there).
    var cue = bestCue(rec, this.terms);
    a = el("a", "result-link");
    a.setAttribute("href", cue ? href + "#t=" + cue.start : href);
    // The link is named by its title and facts; the snippet describes it. Otherwise a screen
    // reader reads the whole card, snippet and all, as one long link name.
    var id = "result-" + doc, named = [id + "-title"];
    var title = el("span", "result-title");
    title.id = id + "-title";
    var inTitle = highlight(str(rec.t), this.terms, 0);
    appendPieces(title, inTitle.pieces);
    a.appendChild(title);
    meta = el("span", "result-meta");
    // Each fact is named apart, so a screen reader says 高二, 心理健康, 2023-11-02 as words,
    // not run together as the page's text (the dots between them are only drawn).
    function fact(node) {
      node.id = id + "-" + named.length;
      named.push(node.id);
      meta.appendChild(node);
    }
    k = KINDS.indexOf(str(rec.k));
    if (k >= 0) fact(el("span", "badge badge--" + KINDS[k], this.cardKinds[k] || M.kinds[k].name));
    // A video's length, as its card shows it (said as "时长 28:51").
    if (typeof rec.l === "number" && rec.l > 0 && rec.l < 360000) {
      var length = el("span", "result-length");
      if (this.durationLabel) length.appendChild(el("span", "visually-hidden", this.durationLabel + " "));
      length.appendChild(document.createTextNode(clock(rec.l)));
      fact(length);
    }
    var gl = list(rec.g);
    for (i = 0; i < gl.length; i++) {
      for (g = 0; g < M.grades.length; g++) if (M.grades[g].number === +gl[i]) names.push(M.grades[g].name);
    }
    if (names.length) fact(el("span", "result-grades", names.join(this.listSep)));
    for (i = 0; i < M.courses.length; i++) {
      if (M.courses[i].slug === str(rec.c)) fact(el("span", "result-course", M.courses[i].name));
    }
    if (rec.d) fact(el("span", "result-date", str(rec.d)));
    a.appendChild(meta);
    a.setAttribute("aria-labelledby", named.join(" "));
    if (cue) {
      var moment = el("span", "result-snippet result-moment");
      moment.id = id + "-snippet";
      a.setAttribute("aria-describedby", moment.id);
      moment.appendChild(el("span", "result-time", "[" + clock(cue.start) + "]"));
      moment.appendChild(document.createTextNode(" "));
      appendPieces(moment, highlight(cue.text, this.terms, 120).pieces);
      a.appendChild(moment);
      return a;
    }
    // The body's first characters (site.yaml search.excerpt_chars) when they hold a match,
    // else the summary, as a resource introduces itself.
    text = str(rec.x);
    h = highlight(text, this.terms, 120);
    if (!h.matched && rec.s) h = highlight(str(rec.s), this.terms, 120);
    // A match in the topics only (beyond the excerpt, or none in the text): show the topics.
    if (!h.matched && list(rec.p).length) {
      var hp = highlight(list(rec.p).join(this.listSep), this.terms, 120);
      if (hp.matched) h = hp;
    }
    var snip = el("span", "result-snippet");
    snip.id = id + "-snippet";
    appendPieces(snip, h.pieces);
    if (h.pieces.length) {
      a.appendChild(snip);
      a.setAttribute("aria-describedby", snip.id);
    }
    // The document holds a query word (its postings say so) that neither its title, the snippet
    // nor its topics show — the match lies in the body, and a record carries no body text by
    // default: look for a fuller window in the page itself.
    var idx = termIndex(this.terms), seen = {}, shown = piecesText(h.pieces);
    termsIn([str(rec.t), shown, list(rec.p).join(this.listSep)], idx, seen);
    if (this.holdsUnseen(doc, idx, seen) && /^https?:$/.test(window.location.protocol)) {
      if (!h.pieces.length) {
        a.appendChild(snip);
        a.setAttribute("aria-describedby", snip.id);
      }
      this.deepenWhenSeen(snip, href, termsIn([shown], idx, {}), seen);
    }
    return a;
  };

  /**
   * `deepen` once the snippet comes near the screen: a phone shows three or four results, and
   * a page fetched for a result never scrolled to would cost a slow link its bytes for nothing.
   * Without IntersectionObserver (old browsers), only the first DEEP_AT_ONCE results. Until then
   * the snippet's `data-deep` is "waiting".
   */
  Page.prototype.deepenWhenSeen = function (snip, href, shown, seen) {
    var self = this;
    function go() {
      self.deepen(snip, href, shown, seen);
    }
    if (typeof window.IntersectionObserver !== "function") {
      if ((this.deepened = (this.deepened || 0) + 1) <= DEEP_AT_ONCE) go();
      return;
    }
    if (!this.deepObserver) {
      this.deepObserver = new window.IntersectionObserver(function (entries) {
        for (var i = 0; i < entries.length; i++) {
          var target = entries[i].target, run = target.lecternDeep;
          if (!entries[i].isIntersecting || !run) continue;
          self.deepObserver.unobserve(target);
          target.lecternDeep = null;
          run();
        }
      }, { rootMargin: "200px 0px" });
    }
    snip.setAttribute("data-deep", "waiting");
    snip.lecternDeep = go;
    this.deepObserver.observe(snip);
  };

  /** The results are replaced: their snippets wait for nothing more. */
  Page.prototype.stopDeepening = function () {
    if (this.deepObserver) this.deepObserver.disconnect();
    this.deepened = 0;
  };

  /**
   * Whether document `doc` holds a query term (by its postings) that is not in `seen` (term ids
   * of `idx` found in the text shown). Pinyin terms (they hold an apostrophe) are in no text.
   */
  Page.prototype.holdsUnseen = function (doc, idx, seen) {
    var terms = this.terms, i, p, id;
    for (i = 0; i < terms.length; i++) {
      if (terms[i].term.indexOf("'") >= 0) continue;
      id = idx.ids["~" + terms[i].term];
      if (seen[id] === true) continue;
      p = this.lookup(terms[i].term);
      if (p && holds(p, doc)) return true;
    }
    return false;
  };

  /** Whether decoded postings `p` list document `doc` (its documents ascend). */
  function holds(p, doc) {
    var lo = 0, hi = p.n - 1, mid;
    while (lo <= hi) {
      mid = (lo + hi) >> 1;
      if (p.docs[mid] === doc) return true;
      if (p.docs[mid] < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  function piecesText(pieces) {
    var out = "", i;
    for (i = 0; i < pieces.length; i++) out += pieces[i].text;
    return out;
  }

  /**
   * Fills `snip` with the window around the best match in the page at `href` (its `.prose`
   * text), when that window shows a query word that neither the result's title, snippet nor
   * topics did (`seen`, term ids) and no fewer of them than the `shown` snippet. A record
   * carries no body text by default (site.yaml search.excerpt_chars); the page is fetched only
   * for a shown result whose title and snippet miss a query word, after the results are drawn. The page is
   * parsed as a document (no script runs) and only its text is used, drawn as text nodes.
   * `data-deep` on the snippet says "loading", then "done".
   */
  Page.prototype.deepen = function (snip, href, shown, seen) {
    var self = this, terms = this.terms, cache = this.pageTexts || (this.pageTexts = {});
    snip.setAttribute("data-deep", "loading");
    // The window to show is the one with the most words the result did not show yet.
    var idx = termIndex(terms), unseen = {}, t;
    for (t in idx.ids) if (idx.ids.hasOwnProperty(t) && seen[idx.ids[t]] !== true) unseen[idx.ids[t]] = true;
    function fill(text) {
      var h = text ? highlight(text, terms, 120, unseen) : null, found = {}, count, id, more = false;
      // The postings say the page holds the word, the text does not show it: the page may be
      // written in traditional characters (學習), which fold only with the index's t2s.json.
      if (h && !h.matched && !self.variantsDone) {
        return self.loadVariants(function () {
          if (terms === self.terms) fill(text);
          else snip.setAttribute("data-deep", "done");
        });
      }
      if (!h || !h.matched) return snip.setAttribute("data-deep", "done");
      count = termsIn([piecesText(h.pieces)], idx, found);
      for (id in found) if (found.hasOwnProperty(id) && seen[id] !== true) more = true;
      // The page's window replaces the snippet when it shows a query word the result did not,
      // and no fewer of them.
      if (more && count >= shown) {
        clear(snip);
        appendPieces(snip, h.pieces);
      }
      snip.setAttribute("data-deep", "done");
    }
    if (cache.hasOwnProperty(href)) return fill(cache[href]);
    var xhr = new XMLHttpRequest();
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      var doc = xhr.status >= 200 && xhr.status < 300 ? xhr.responseXML : null;
      cache[href] = doc ? proseText(doc) : "";
      if (terms === self.terms) fill(cache[href]);
    };
    try {
      xhr.open("GET", href, true);
      xhr.responseType = "document";
      xhr.send();
    } catch (e) {
      snip.setAttribute("data-deep", "done");
    }
  };

  /**
   * The text of a page's Markdown bodies as a reader sees it: blocks (paragraphs, list items,
   * table cells, headings) apart, no script or style text (a site with raw HTML may have
   * some), a body nested in another read once.
   */
  function proseText(doc) {
    var blocks = doc.querySelectorAll ? doc.querySelectorAll(".prose") : [], out = [], i;
    for (i = 0; i < blocks.length; i++) {
      if (!insideProse(blocks[i].parentNode)) {
        textOf(blocks[i], out);
        out.push(" ");
      }
    }
    return out.join("");
  }

  var UNREAD = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, NOSCRIPT: 1 };
  var INLINE = { A: 1, ABBR: 1, B: 1, BDI: 1, BDO: 1, CITE: 1, CODE: 1, DATA: 1, DFN: 1, EM: 1, I: 1, KBD: 1, MARK: 1, Q: 1, RUBY: 1, RT: 1, RP: 1, S: 1, SAMP: 1, SMALL: 1, SPAN: 1, STRONG: 1, SUB: 1, SUP: 1, TIME: 1, U: 1, VAR: 1 };

  function textOf(node, out) {
    for (var c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) out.push(c.nodeValue);
      else if (c.nodeType === 1) {
        var tag = String(c.tagName).toUpperCase(), block = INLINE[tag] !== 1;
        if (UNREAD[tag] === 1) continue;
        if (block) out.push(" ");
        textOf(c, out);
        if (block) out.push(" ");
      }
    }
  }

  function insideProse(node) {
    for (; node && node.nodeType === 1; node = node.parentNode) {
      if ((" " + node.className + " ").indexOf(" prose ") >= 0) return true;
    }
    return false;
  }

  LS.el = el;
  LS.clear = clear;
  LS.show = show;
  LS.Page = Page;
})(LecternSearch);

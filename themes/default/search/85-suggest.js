/* Lectern search, module 85: suggestions as you type (spec "Suggestions"), on every search box
 * that carries `data-suggest` (the manifest's URL). The WAI-ARIA combobox pattern: the box (a
 * type=search box made type=text, inputmode=search) gets role=combobox, aria-expanded,
 * aria-controls and aria-activedescendant, the list role=listbox
 * with role=option items; arrows move, Enter takes the option and searches, Escape closes.
 * All of it is added here: without the script the box is the plain form it always was.
 * The suggestion file for a prefix is fetched on the first keystroke that needs it. */
// lectern: also in suggest.js (the home page's suggestions need this module)
(function (LS, global) {
  "use strict";

  var MAX_SHOWN = 8;
  var HASH_SHARDS = LS.SUGGEST_HASH_SHARDS;

  /** Letters, digits and CJK characters of `s`, folded, separators dropped. */
  function squeeze(s) {
    var cps = LS.foldedCps(s), out = [], i;
    for (i = 0; i < cps.length; i++) if (LS.classify(cps[i]) !== 0 && cps[i] !== 0x5f) out.push(cps[i]);
    return LS.cpsToString(out, 0, out.length);
  }

  /** The file key for a prefix (spec): its first letter or digit, else "h" + a hash bucket. */
  function keyOf(s) {
    var q = squeeze(s), c;
    if (!q) return null;
    c = LS.codePoints(q)[0];
    if (c < 0x80) return String.fromCharCode(c);
    return "h" + (LS.fnv1a32(LS.fromCp(c)) % HASH_SHARDS);
  }

  /** Entry texts in the forms a prefix is matched against (computed once per entry). */
  function forms(entry) {
    if (entry.f) return entry.f;
    var spelled = LS.str(entry[1]).split(" "), joined = "", initials = "", i;
    for (i = 0; i < spelled.length; i++) {
      joined += spelled[i];
      initials += spelled[i].charAt(0);
    }
    entry.f = { text: squeeze(LS.str(entry[0])), joined: joined, initials: initials };
    return entry.f;
  }

  /**
   * The suggestions for `typed` from one parsed file {t: topics, r: titles}: texts that start
   * with it, then (for letters) whose pinyin or initials do; topics before titles at each level;
   * each text once; at most `max`. Returns [{ text, topic }].
   */
  function suggest(file, typed, max) {
    var q = squeeze(typed), letters = /^[a-z]+$/.test(q), levels = [[], [], []], seen = {}, out = [];
    var groups = [LS.list(file && file.t), LS.list(file && file.r)], g, i, e, f, level;
    max = max || MAX_SHOWN;
    if (!q) return out;
    for (g = 0; g < 2; g++) {
      for (i = 0; i < groups[g].length; i++) {
        e = groups[g][i];
        if (!e || typeof e.length !== "number") continue;
        f = forms(e);
        level = f.text.indexOf(q) === 0 ? 0 : !letters ? -1 : f.joined.indexOf(q) === 0 ? 1 : f.initials.indexOf(q) === 0 ? 2 : -1;
        if (level >= 0) levels[level].push({ text: LS.str(e[0]), topic: g === 0 });
      }
    }
    for (level = 0; level < 3; level++) {
      for (i = 0; i < levels[level].length && out.length < max; i++) {
        if (seen["~" + levels[level][i].text]) continue;
        seen["~" + levels[level][i].text] = 1;
        out.push(levels[level][i]);
      }
    }
    return out;
  }

  function now() {
    return global.performance && global.performance.now ? global.performance.now() : new Date().getTime();
  }

  /** One search box with its suggestion list. */
  function Combo(input) {
    var self = this;
    this.input = input;
    this.form = input.form;
    this.manifestUrl = input.getAttribute("data-suggest");
    this.base = null; // search/<gen>/ once the manifest is loaded
    this.files = {}; // key → parsed file
    this.variantsTried = false; // t2s.json asked for (a traditional prefix found nothing)
    this.items = [];
    this.active = -1;
    this.seq = 0;
    this.composing = false;
    this.list = document.createElement("ul");
    this.list.id = input.id + "-suggestions";
    this.list.className = "suggest-list";
    this.list.setAttribute("role", "listbox");
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    if (label) {
      if (!label.id) label.id = input.id + "-label";
      this.list.setAttribute("aria-labelledby", label.id);
    }
    this.list.setAttribute("hidden", "");
    input.parentNode.insertBefore(this.list, input.nextSibling);
    // ARIA 1.2 (ARIA in HTML) lets a text box be a combobox, not a search box (a searchbox,
    // where the HTML checker refuses role=combobox and aria-expanded): the box becomes a text
    // box that still asks a phone for its search keyboard and Enter key.
    if (String(input.getAttribute("type")).toLowerCase() === "search") {
      input.setAttribute("type", "text");
      if (!input.getAttribute("inputmode")) input.setAttribute("inputmode", "search");
      if (!input.getAttribute("enterkeyhint")) input.setAttribute("enterkeyhint", "search");
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.addEventListener("compositionstart", function () {
      self.composing = true;
    });
    input.addEventListener("compositionend", function () {
      self.composing = false;
      self.update(now());
    });
    input.addEventListener("input", function () {
      if (!self.composing) self.update(now());
    });
    input.addEventListener("keydown", function (ev) {
      self.key(ev);
    });
    // Closed a moment after the box loses focus, so that a click on an option lands first;
    // not if the teacher is back in the box by then, typing a list that must stay.
    input.addEventListener("blur", function () {
      setTimeout(function () {
        if (document.activeElement !== input) self.close();
      }, 150);
    });
    // A click takes the option; mousedown must not take the focus from the box first.
    this.list.addEventListener("mousedown", function (ev) {
      if (ev.preventDefault) ev.preventDefault();
    });
    this.list.addEventListener("click", function (ev) {
      var t = ev.target;
      while (t && t !== self.list && t.getAttribute("role") !== "option") t = t.parentNode;
      if (t && t !== self.list) self.choose(+t.getAttribute("data-index"));
    });
  }

  /** Loads what the box's value needs, then draws its suggestions (`t0`: the keystroke's time). */
  Combo.prototype.update = function (t0) {
    var self = this, my = ++this.seq, typed = this.input.value, key = keyOf(typed);
    if (!key) return this.close();
    this.need(key, function (file) {
      if (my !== self.seq) return;
      var items = suggest(file, typed, MAX_SHOWN);
      // Typed in traditional characters (情緒), which only fold with the index's t2s.json:
      // fetched once, when a CJK prefix finds nothing, as the search page does for a query.
      if (!items.length && !self.variantsTried && self.base !== null && /[\u3400-\u9fff]/.test(typed)) {
        self.variantsTried = true;
        LS.loadJson(self.base + "t2s.json", function (err, data) {
          if (!err && data && typeof data === "object" && LS.setVariants(data.from, data.to)) self.refold();
          if (my === self.seq) self.update(t0);
        });
        return;
      }
      self.draw(items, t0);
    });
  };

  /** Forgets the folded forms of the loaded entries (the folding has changed). */
  Combo.prototype.refold = function () {
    var key, file, g, i, list;
    for (key in this.files) {
      if (!Object.prototype.hasOwnProperty.call(this.files, key)) continue;
      file = this.files[key];
      for (g = 0; g < 2; g++) {
        list = LS.list(g === 0 ? file && file.t : file && file.r);
        for (i = 0; i < list.length; i++) if (list[i] && list[i].f) list[i].f = null;
      }
    }
  };

  /** Calls `done(file)` with the parsed file for `key` (an empty one when it fails). */
  Combo.prototype.need = function (key, done) {
    var self = this;
    if (this.files.hasOwnProperty(key)) return done(this.files[key]);
    var withBase = function () {
      var base = self.base;
      LS.loadJson(base + "sg" + key + ".json", function (err, data) {
        // Another keystroke read the manifest again meanwhile: ask where it says.
        if (err && self.base !== base) return self.need(key, done);
        if (err && !self.refreshed) {
          // The site was rebuilt since the manifest was read (its files have another
          // generation now): read the manifest again, once, past any cache.
          self.refreshed = true;
          self.base = null;
          self.files = {};
          return self.need(key, done);
        }
        var file = !err && data && typeof data === "object" ? data : { t: [], r: [] };
        if (!err || self.refreshed) self.files[key] = file; // a lost file is not asked again per keystroke
        done(file);
      });
    };
    if (this.base !== null) return withBase();
    var url = this.manifestUrl;
    if (this.refreshed) url += (url.indexOf("?") < 0 ? "?" : "&") + "t=" + new Date().getTime();
    LS.loadJson(url, function (err, manifest) {
      if (err || !manifest || typeof manifest !== "object" || manifest.version !== LS.FORMAT_VERSION) return done({ t: [], r: [] });
      self.base = self.manifestUrl.replace(/[?#].*$/, "").replace(/[^\/]*$/, "") + (manifest.gen ? manifest.gen + "/" : "");
      withBase();
    });
  };

  Combo.prototype.draw = function (items, t0) {
    var i, li;
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (this.list.firstChild) this.list.removeChild(this.list.firstChild);
    if (!items.length) return this.close();
    for (i = 0; i < items.length; i++) {
      li = document.createElement("li");
      li.id = this.list.id + "-" + i;
      li.className = "suggest-option" + (items[i].topic ? " suggest-option--topic" : "");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(i));
      li.textContent = items[i].text;
      this.list.appendChild(li);
    }
    this.list.removeAttribute("hidden");
    this.input.setAttribute("aria-expanded", "true");
    // How long from the keystroke to the drawn list (read by tests and benchmarks).
    this.list.setAttribute("data-suggest-ms", String(Math.round((now() - t0) * 10) / 10));
  };

  Combo.prototype.close = function () {
    this.active = -1;
    this.list.setAttribute("hidden", "");
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combo.prototype.open = function () {
    return !this.list.hasAttribute("hidden") && this.items.length > 0;
  };

  Combo.prototype.move = function (to) {
    var n = this.items.length, options = this.list.childNodes, i;
    if (!n) return;
    this.active = (to + n) % n;
    for (i = 0; i < options.length; i++) options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    this.input.setAttribute("aria-activedescendant", options[this.active].id);
    if (options[this.active].scrollIntoView) options[this.active].scrollIntoView({ block: "nearest" });
  };

  Combo.prototype.key = function (ev) {
    var k = ev.key;
    if (k === "ArrowDown" || k === "Down") {
      if (!this.open()) {
        if (this.items.length) {
          this.list.removeAttribute("hidden");
          this.input.setAttribute("aria-expanded", "true");
        } else {
          this.update(now());
          return;
        }
      }
      this.move(this.active + 1);
    } else if (k === "ArrowUp" || k === "Up") {
      if (!this.open()) return;
      this.move(this.active < 0 ? -1 : this.active - 1);
    } else if (k === "Enter") {
      if (!this.open() || this.active < 0) return this.close(); // the plain form submits
      this.choose(this.active);
    } else if (k === "Escape" || k === "Esc") {
      if (!this.open()) return;
      this.close();
    } else {
      return;
    }
    if (ev.preventDefault) ev.preventDefault();
  };

  /** Puts option `i` in the box and searches for it, as the form's button would. */
  Combo.prototype.choose = function (i) {
    var item = this.items[i], button;
    if (!item) return;
    this.input.value = item.text;
    this.close();
    this.seq++;
    button = this.form && this.form.querySelector('[type="submit"]');
    if (button) button.click();
    else if (this.form) this.form.submit();
  };

  function start() {
    var boxes = document.querySelectorAll("input[data-suggest]"), i;
    for (i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute("data-suggest-started")) continue;
      boxes[i].setAttribute("data-suggest-started", "1");
      try {
        new Combo(boxes[i]);
      } catch (e) {
        /* the plain form still works */
      }
    }
  }

  LS.suggestKey = keyOf;
  LS.suggest = suggest;
  if (typeof document === "undefined") return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(LecternSearch, typeof window !== "undefined" ? window : this);

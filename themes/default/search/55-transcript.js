/* Lectern search, module 55: a video's transcript in its record (docs/SEARCH-INDEX.md, `v` and
 * `w`, and the later cues in the part files listed in `r`) — which cue holds a result's best
 * match, so the result can show that moment and link to it (`videos/<id>/#t=<seconds>`). */
(function (LS) {
  "use strict";

  var decodeVarints = LS.decodeVarints, str = LS.str, termIndex = LS.termIndex, termsIn = LS.termsIn;

  /** The record's cues as [{ start (seconds), text }]; none when `v` and `w` do not agree. */
  function cues(rec) {
    if (!rec || typeof rec.v !== "string" || typeof rec.w !== "string") return [];
    var texts = rec.v.split("\n"), starts = decodeVarints(rec.w), out = [], i;
    if (starts.length !== texts.length) return []; // a damaged record: no times rather than wrong ones
    for (i = 0; i < texts.length; i++) out.push({ start: starts[i], text: texts[i] });
    return out;
  }

  /**
   * The cue a result should show, or null: the cue holding the most of the query's distinct
   * terms (the earliest of equals), when it holds more of them than the title, summary and body
   * excerpt together — otherwise the best match is on the page itself, and the result stays a
   * link to the page.
   */
  function bestCue(rec, qterms) {
    var list = cues(rec), idx, best = null, most, n, i;
    if (!list.length || !qterms || !qterms.length) return null;
    idx = termIndex(qterms);
    most = termsIn([str(rec.t), str(rec.s), str(rec.x)], idx, {});
    for (i = 0; i < list.length && most < idx.count; i++) {
      n = termsIn([list[i].text], idx, {});
      if (n > most) {
        most = n;
        best = list[i];
      }
    }
    return best;
  }

  /** True when the record's page text or one of its cues holds every distinct query term. */
  function complete(rec, qterms) {
    var idx = termIndex(qterms), list, i;
    if (termsIn([str(rec.t), str(rec.s), str(rec.x)], idx, {}) >= idx.count) return true;
    list = cues(rec);
    for (i = 0; i < list.length; i++) if (termsIn([list[i].text], idx, {}) >= idx.count) return true;
    return false;
  }

  /**
   * The transcript parts (indexes into `rec.r`) worth fetching for document `doc`, in order,
   * from the `#term` posting lists (docs/SEARCH-INDEX.md): `lookup(term)` gives decoded
   * postings or null. The parts holding every distinct query term, else those holding any;
   * none when no part holds any.
   */
  function partsToFetch(rec, doc, qterms, lookup) {
    var count = rec && rec.r && rec.r.length ? rec.r.length : 0, seen = {}, all = -1, any = 0;
    var i, j, p, mask, bits, out = [];
    for (i = 0; i < (qterms || []).length && count; i++) {
      if (seen["~" + qterms[i].term]) continue;
      seen["~" + qterms[i].term] = true;
      p = lookup(LS.PART_MARK + qterms[i].term);
      mask = 0;
      for (j = 0; p && j < p.n; j++) {
        if (p.docs[j] === doc) mask = p.tfs[j];
      }
      all &= mask;
      any |= mask;
    }
    bits = all || any;
    for (i = 0; i < count; i++) {
      if (bits & (1 << Math.min(i, LS.PART_BITS - 1))) out.push(i);
    }
    return out;
  }

  /**
   * Fetches the record's transcript parts (`r`: names of files beside `d/`; only those at the
   * indexes `which`, all when it is null) one after the other until a cue or the page text
   * holds every query term or the parts run out, then
   * calls `done(record)` with a copy of the record whose `v` and `w` also hold the cues read
   * (the loader caches the record itself, which must stay as the build wrote it). Only for a
   * result about to be shown, so a long recording costs its parts only when its match lies in
   * them. A part that fails to load ends the search with the cues read so far.
   */
  function loadCues(base, rec, qterms, which, done) {
    var parts = rec && rec.r && rec.r.length ? rec.r : [], next = 0, out = {}, key, i;
    if (which) {
      for (i = 0, key = []; i < which.length; i++) if (which[i] < parts.length) key.push(parts[which[i]]);
      parts = key;
    }
    if (!parts.length || !qterms || !qterms.length || !cues(rec).length || complete(rec, qterms)) return done(rec);
    for (key in rec) if (Object.prototype.hasOwnProperty.call(rec, key)) out[key] = rec[key];
    function step() {
      var name = str(parts[next++]);
      if (!/^[a-z0-9]+$/.test(name)) return done(out);
      LS.loadJson(base + name + ".json", function (err, part) {
        if (err || !cues(part).length) return done(out);
        out.v += "\n" + part.v;
        out.w += part.w; // varints carry their own ends: the lists simply join
        if (next >= parts.length || complete(out, qterms)) return done(out);
        step();
      });
    }
    step();
  }

  /** Seconds as the video pages write them: 5:07, 12:34, 1:02:03. */
  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var two = function (x) {
      return (x < 10 ? "0" : "") + x;
    };
    s %= 60;
    return h > 0 ? h + ":" + two(m) + ":" + two(s) : m + ":" + two(s);
  }

  LS.cues = cues;
  LS.bestCue = bestCue;
  LS.loadCues = loadCues;
  LS.partsToFetch = partsToFetch;
  LS.clock = clock;
})(LecternSearch);

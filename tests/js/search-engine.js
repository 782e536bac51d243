// The search page's pipeline without a browser, over a built portal's index files on disk:
// plan → postings → fallback characters → rank → filter → top results, the same calls in the
// same order as themes/default/search/90-page.js. The relevance suite (tests/e2e/relevance.test.mjs)
// runs teacher-like queries through it.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const LS = require("./search-modules.js");

function open(publicDir) {
  const read = (rel) => JSON.parse(fs.readFileSync(path.join(publicDir, "search", rel), "utf8"));
  const manifest = read("manifest.json");
  const M = LS.model(manifest, {});
  // The page decodes facets.json alone, then again with topics.json's column when the filter
  // panel needs it; the suite filters by topic, so it takes both at once.
  const facets = read(`${manifest.gen}/facets.json`);
  facets.topics = read(`${manifest.gen}/topics.json`).topics;
  const cols = LS.decodeFacets(facets, M);
  const buckets = {};
  const decoded = {};
  let variantsLoaded = false;
  function lookup(term) {
    if (Object.prototype.hasOwnProperty.call(decoded, term)) return decoded[term];
    const b = LS.bucketOf(term, M.buckets);
    if (!buckets[b]) {
      const file = path.join(publicDir, "search", manifest.gen, "p", `${b}.json`);
      buckets[b] = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    }
    const p = Object.prototype.hasOwnProperty.call(buckets[b], term) ? LS.decodePostings(buckets[b][term]) : null;
    decoded[term] = p;
    return p;
  }
  const has = (t) => lookup(t) !== null;
  const docCount = (t) => (lookup(t) ? lookup(t).df : 0);
  const per = manifest.records_per_file;
  const record = (d) => read(`${manifest.gen}/d/${Math.floor(d / per)}.json`)[d % per];

  /** { results: [{ doc, title, kind, grades, score }], complete, partial, terms }. */
  function search(q, { grade = [], kind = [], size = 10 } = {}) {
    let p = LS.plan(q, M, manifest.synonyms);
    const missing = p.variants[0].terms.some((t) => LS.isCjk(LS.codePoints(t.term)[0]) && !has(t.term));
    if (missing && !variantsLoaded) {
      const t2s = read(`${manifest.gen}/t2s.json`);
      LS.setVariants(t2s.from, t2s.to);
      variantsLoaded = true;
      for (const k of Object.keys(decoded)) delete decoded[k];
      p = LS.plan(q, M, manifest.synonyms);
    }
    LS.addFallback(p, has, docCount);
    const typed = LS.typedPlan(p);
    let r = LS.searchPlan(typed, lookup, M.n, cols);
    if (LS.wantsSynonyms(p, r)) r = LS.searchPlan(p, lookup, M.n, cols);
    else p = typed;
    r = LS.addPinyinMatches(r, p, lookup, M.n, cols);
    const sel = LS.emptySelection(M);
    sel.grade = grade.map((g) => M.grades.findIndex((x) => x.number === g));
    sel.kind = kind.map((k) => LS.KINDS.indexOf(k));
    const all = [];
    for (let d = M.n - 1; d >= 0; d--) all.push(d);
    let T = LS.tally(r ? r.docs : all, sel, M, cols);
    if (!T.docs.length && r && r.weak && r.weak.length) T = LS.tally(r.weak, sel, M, cols);
    else if (r && r.weak && r.weak.length) LS.withWeakCounts(T.counts, LS.tally(r.weak, sel, M, cols).counts);
    let top = r && r.score ? LS.topK(T.docs, r.score, size) : T.docs.slice(0, size);
    const recs = {};
    for (const d of top) recs[d] = record(d);
    top = LS.preferTyped(top, recs, r && r.score, q);
    const complete = r && r.full ? T.docs.filter((d) => r.full[d]).length : T.docs.length;
    return {
      results: top.map((d) => ({ doc: d, title: recs[d].t, kind: recs[d].k, grades: recs[d].g, topics: recs[d].p, score: r && r.score ? r.score[d] : null })),
      complete,
      partial: T.docs.length - complete,
      terms: LS.planTerms(p).map((t) => t.term),
      counts: T.counts,
    };
  }
  return { M, manifest, search };
}

module.exports = { open };

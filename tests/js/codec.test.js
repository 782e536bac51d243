// Hash, integer codec and offline paths of the search script (themes/default/search/), on small
// hand-made data (docs/SEARCH-INDEX.md). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");

const close = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-9, `${msg || ""} ${a} ≈ ${b}`);

test("fnv1a32 known values", () => {
  assert.equal(LS.fnv1a32(""), 0x811c9dc5);
  assert.equal(LS.fnv1a32("a"), 0xe40c292c);
  assert.equal(LS.fnv1a32("foobar"), 0xbf9cf968);
  assert.equal(LS.fnv1a32("情绪"), 0x00489963); // UTF-8 e6 83 85 e7 bb aa
  assert.equal(LS.fnv1a32("𠀀"), 0x47f94ca5); // four UTF-8 bytes
  assert.equal(LS.fnv1a32("python"), 0x0fceff97);
  assert.ok(LS.fnv1a32("任何") >= 0, "unsigned");
});

test("bucket = fnv1a32 mod buckets", () => {
  assert.equal(LS.bucketOf("情绪", 512), 355);
  assert.equal(LS.bucketOf("a", 512), 300);
  assert.equal(LS.bucketOf("", 512), 453);
  assert.equal(LS.bucketOf("a", 1), 0);
});

test("b64 varints: hand-made strings", () => {
  assert.deepEqual(LS.decodeVarints(""), []);
  assert.deepEqual(LS.decodeVarints("A"), [0]);
  assert.deepEqual(LS.decodeVarints("f"), [31]); // A[31]
  assert.deepEqual(LS.decodeVarints("hA"), [32]); // groups 1,0 → A[33] A[0]
  assert.deepEqual(LS.decodeVarints("_f"), [1023]); // 31,31 → A[63] A[31]
  assert.deepEqual(LS.decodeVarints("hgA"), [1024]); // 1,0,0
  assert.deepEqual(LS.decodeVarints("AfhA_fB"), [0, 31, 32, 1023, 1]);
  assert.deepEqual(LS.decodeVarints("gggB"), [1], "leading zero groups are harmless");
  assert.deepEqual(LS.decodeVarints(null), []);
  assert.deepEqual(LS.decodeVarints("A!B"), [0, 1], "characters outside the alphabet are skipped");
  const big = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 123456789, 2 ** 40];
  assert.deepEqual(LS.decodeVarints(LS.encodeVarints(big)), big);
  assert.equal(LS.encodeVarints([32, 1023]), "hA_f");
});

// decodePostings fills typed arrays; the first `n` entries count.
const plainPostings = (p) => ({ df: p.df, docs: Array.from(p.docs).slice(0, p.n), tfs: Array.from(p.tfs).slice(0, p.n) });

test("postings: (doc delta, tf) pairs, first delta is the document itself", () => {
  const p = LS.decodePostings([3, "AfBeCd"]); // (0,31) (1,30) (2,29)
  assert.deepEqual(plainPostings(p), { df: 3, docs: [0, 1, 3], tfs: [31, 30, 29] });
  assert.deepEqual(plainPostings(LS.decodePostings([1, "hAK"])), { df: 1, docs: [32], tfs: [10] });
  assert.deepEqual(plainPostings(LS.decodePostings([1, "hA_f"])), { df: 1, docs: [32], tfs: [1023] });
  assert.deepEqual(plainPostings(LS.decodePostings([2, "hgAfB"])), { df: 2, docs: [1024], tfs: [31] }, "a dangling delta is dropped");
  assert.deepEqual(plainPostings(LS.decodePostings([0, ""])), { df: 0, docs: [], tfs: [] });
  assert.equal(LS.decodePostings(null), null);
  assert.equal(LS.decodePostings([1]), null);
  assert.equal(LS.decodePostings([1, 5]).n, 0);
});

// --- ranking --------------------------------------------------------------------------------

// A lookup over hand-made postings: term → [df, "b64 pairs"].
function lookupOf(table) {
  return (t) => (Object.prototype.hasOwnProperty.call(table, t) ? LS.decodePostings(table[t]) : null);
}
const post = (pairs) => {
  const nums = [];
  let prev = 0;
  pairs.forEach(([doc, tf], i) => {
    nums.push(i === 0 ? doc : doc - prev, tf);
    prev = doc;
  });
  return [pairs.length, LS.encodeVarints(nums)];
};

test("idf", () => {
  close(LS.idf(10, 1), Math.log(1 + 9.5 / 1.5));
  close(LS.idf(100, 100), Math.log(1 + 0.5 / 100.5));
});

// BM25's tf part for a document of average length (norm = k1): tf / (tf + 1.2).
const sat = (tf) => tf / (tf + 1.2);

test("a one-term query: idf × tf / (tf + norm), × 1.5 since every term matched; ties by document number", () => {
  const table = { 梦: post([[2, 31], [5, 31], [7, 10]]) };
  const r = LS.rank(LS.queryTerms("梦"), lookupOf(table), 10);
  assert.deepEqual(r.map((x) => x.doc), [5, 2, 7], "2 and 5 tie: the higher number (newer) first");
  const idf = Math.log(1 + (10 - 3 + 0.5) / (3 + 0.5));
  close(r[0].score, idf * sat(31) * 1.5);
  close(r[2].score, idf * sat(10) * 1.5);
});

test("length normalisation: the same tf weighs more in a shorter document", () => {
  const M = LS.model({ ...manifest, doc_count: 3, k1: 1.2, b: 0.75, length_steps: 16 });
  // lengths 2^4 = 16, 2^6 = 64, 2^8 = 256 → average 112
  const cols = LS.decodeFacets({ ...facets, lengths: LS.encodeVarints([64, 96, 128]) }, M);
  const avg = (16 + 64 + 256) / 3;
  [16, 64, 256].forEach((len, d) => close(cols.norm[d], 1.2 * (1 - 0.75 + (0.75 * len) / avg), `doc ${d}`));
  const table = { 梦: post([[0, 3], [1, 3], [2, 3]]) };
  const r = LS.rank(LS.queryTerms("梦"), lookupOf(table), 3, cols.norm);
  assert.deepEqual(r.map((x) => x.doc), [0, 1, 2]);
  const idf = Math.log(1 + (3 - 3 + 0.5) / (3 + 0.5));
  close(r[2].score, ((idf * 3) / (3 + cols.norm[2])) * 1.5);
  // a missing column: every document counts as average
  const none = LS.decodeFacets({ ...facets }, M);
  assert.deepEqual(Array.from(none.norm), [1.2, 1.2, 1.2]);
});

test("phrase bonus: adjacent bigrams of one run beat the same terms scattered", () => {
  // 考试焦虑 → 考试 试焦 焦虑. Doc 1 holds 考试 and 试焦 (so 考试焦 is contiguous); doc 0 holds
  // 考试 and 焦虑 apart (no 试焦, so no adjacent pair). Neither has every term.
  const table = {
    考试: post([[0, 20], [1, 20]]),
    试焦: post([[1, 20]]),
    焦虑: post([[0, 20]]),
  };
  const q = LS.queryTerms("考试焦虑");
  const r = LS.rank(q, lookupOf(table), 20);
  assert.deepEqual(r.map((x) => x.doc), [1, 0]);
  const N = 20;
  const i2 = Math.log(1 + (N - 2 + 0.5) / 2.5);
  const i1 = Math.log(1 + (N - 1 + 0.5) / 1.5);
  // Both cover 考试 + one i1 term of the three known terms: the same coverage multiplier.
  const cover = 1 + (0.5 * (i2 + i1)) / (i2 + 2 * i1);
  close(r[0].score, (i2 * sat(20) + i1 * sat(20) + 0.5 * (i2 + i1)) * cover, "doc 1");
  close(r[1].score, (i2 * sat(20) + i1 * sat(20)) * cover, "doc 0");
});

test("phrase bonus only within one run: 情绪 管理 (two runs) gets none", () => {
  const table = { 情绪: post([[0, 31]]), 管理: post([[0, 31]]) };
  const N = 10;
  const idf = Math.log(1 + 9.5 / 1.5);
  const apart = LS.rank(LS.queryTerms("情绪 管理"), lookupOf(table), N);
  close(apart[0].score, 2 * idf * sat(31) * 1.5);
  const joined = LS.rank(LS.queryTerms("情绪管理"), lookupOf({ ...table, 绪管: post([[0, 31]]) }), N);
  close(joined[0].score, (3 * idf * sat(31) + 0.5 * (idf + idf) * 2) * 1.5);
});

test("all-terms boost: a complete match outranks a stronger partial one; partial matches still come", () => {
  // 考试焦虑怎么办: doc 3 has every bigram weakly, doc 4 only 考试 焦虑 strongly, doc 5 only 怎么.
  const q = LS.queryTerms("考试焦虑怎么办");
  const terms = [...new Set(q.map((t) => t.term))];
  const table = {};
  for (const t of terms) table[t] = post([[3, 8]]);
  table["考试"] = post([[3, 8], [4, 31]]);
  table["焦虑"] = post([[3, 8], [4, 31]]);
  table["怎么"] = post([[3, 8], [5, 31]]);
  const r = LS.rank(q, lookupOf(table), 100);
  assert.deepEqual(r.map((x) => x.doc), [3, 4, 5]);
});

test("traditional characters fold to simplified once the table is loaded", () => {
  assert.deepEqual(LS.queryTerms("情緒").map((t) => t.term), ["情緒"], "no table: unchanged");
  assert.equal(LS.setVariants("緒慮試", "绪虑试"), true);
  assert.deepEqual(LS.queryTerms("情緒").map((t) => t.term), ["情绪"]);
  assert.deepEqual(LS.indexTerms("考試"), LS.indexTerms("考试"));
  assert.equal(LS.setVariants("", ""), false, "an empty or broken table turns folding off");
  assert.deepEqual(LS.queryTerms("情緒").map((t) => t.term), ["情緒"]);
});

test("query term occurrences count each time; missing postings are no match", () => {
  const table = { 情绪: post([[0, 31]]) };
  const once = LS.rank(LS.queryTerms("情绪"), lookupOf(table), 10)[0].score;
  // 情绪情绪 → 情绪 绪情 情绪: 情绪 counts twice; 绪情 has no postings, so it gives no phrase
  // bonus and does not stand in the way of the ×1.5 for containing every known term.
  const twice = LS.rank(LS.queryTerms("情绪情绪"), lookupOf(table), 10)[0].score;
  close(twice, once * 2);
  assert.deepEqual(LS.rank(LS.queryTerms("没有"), lookupOf(table), 10), []);
  assert.deepEqual(LS.rank([], lookupOf(table), 10), []);
  assert.deepEqual(LS.rank(LS.queryTerms("情绪"), lookupOf(table), 0), [], "zero documents");
  // postings pointing past doc_count are ignored
  assert.deepEqual(LS.rank(LS.queryTerms("梦"), lookupOf({ 梦: post([[1, 5], [50, 5]]) }), 10).map((x) => x.doc), [1]);
});

// --- facets and URL state ---------------------------------------------------------------------

const manifest = {
  version: 4,
  gen: "abc123",
  doc_count: 4,
  buckets: 8,
  kinds: [{ slug: "lesson", name: "教学设计" }, { slug: "video", name: "课堂视频" }, { slug: "review", name: "说课评课" }],
  stages: [
    { slug: "primary", name: "小学", grades: [1, 2, 3, 4, 5, 6] },
    { slug: "junior", name: "初中", grades: [7, 8, 9] },
    { slug: "senior", name: "高中", grades: [10, 11, 12] },
  ],
  grades: Array.from({ length: 12 }, (_, i) => ({
    number: i + 1,
    name: `${i + 1}年级`,
    stage: i < 6 ? "primary" : i < 9 ? "junior" : "senior",
  })),
  courses: [{ slug: "mental-health", name: "心理健康" }, { slug: "life-health", name: "生命与健康" }],
  topics: [{ name: "情绪管理", slug: "qing-xu-guan-li" }, { name: "防溺水", slug: "fang-ni-shui" }],
};
const facets = {
  // course × 3 + kind: doc0 lesson/course 0, doc1 video/course 1, doc2 lesson/0, doc3 review/0
  kind_course: LS.encodeVarints([0, 4, 0, 2]),
  // g − 1 for one grade, 16 + mask for several
  grades: LS.encodeVarints([6, 2, 16 + ((1 << 6) | (1 << 7) | (1 << 8)), 11]),
  // (index + 1) × 2 + more; 0 = no topic: doc0 [0], doc1 [0,1], doc2 [], doc3 [1]
  topics: LS.encodeVarints([2, 3, 4, 0, 4]),
};

test("facet columns decode", () => {
  const M = LS.model(manifest);
  const cols = LS.decodeFacets(facets, M);
  assert.deepEqual(Array.from(cols.kind), [0, 1, 0, 2]);
  assert.deepEqual(Array.from(cols.course), [0, 1, 0, 0]);
  assert.deepEqual(Array.from(cols.grades), [1 << 6, 1 << 2, (1 << 6) | (1 << 7) | (1 << 8), 1 << 11]);
  const topicsOf = (d) => Array.from(cols.topicList).slice(cols.topicStart[d], cols.topicStart[d + 1]);
  assert.deepEqual([0, 1, 2, 3].map(topicsOf), [[0], [0, 1], [], [1]]);
  assert.equal(M.stages[1].mask, (1 << 6) | (1 << 7) | (1 << 8));
  // short or broken columns give unknown values, never an exception
  const broken = LS.decodeFacets({ kind_course: LS.encodeVarints([0, 300]) + "?", grades: "", topics: "" }, M);
  assert.deepEqual(Array.from(broken.kind), [0, 0, -1, -1]);
  assert.deepEqual(Array.from(broken.course), [0, -1, -1, -1]);
  assert.deepEqual(Array.from(broken.topicStart), [0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(LS.decodeFacets(null, LS.model({ doc_count: 0 })).kind), []);
});

test("filters: OR within a facet, AND across; counts with the other facets' filters", () => {
  const M = LS.model(manifest);
  const cols = LS.decodeFacets(facets, M);
  const all = [0, 1, 2, 3];
  const sel = LS.selectionFrom({ kind: ["lesson"], stage: ["junior"] }, M);
  const T = LS.tally(all, sel, M, cols);
  assert.deepEqual(T.docs, [0, 2]);
  // kind counts ignore the kind filter but apply stage=junior: docs 0 (l), 2 (l)
  assert.deepEqual(T.counts.kind, [2, 0, 0]);
  // stage counts ignore the stage filter but apply kind=lesson: docs 0 (junior), 2 (junior)
  assert.deepEqual(T.counts.stage, [0, 2, 0]);
  // grade counts apply both: docs 0 (7) and 2 (7,8,9)
  assert.deepEqual(T.counts.grade.slice(6, 9), [2, 1, 1]);
  assert.deepEqual(T.counts.topic, [1, 0]);
  const two = LS.tally(all, LS.selectionFrom({ grade: ["3", "12"] }, M), M, cols);
  assert.deepEqual(two.docs, [1, 3]);
  const topic = LS.tally(all, LS.selectionFrom({ topic: ["fang-ni-shui"] }, M), M, cols);
  assert.deepEqual(topic.docs, [1, 3]);
  assert.deepEqual(topic.counts.topic, [2, 2], "topic counts ignore the topic filter");
  const none = LS.tally(all, LS.selectionFrom({}, M), M, cols);
  assert.deepEqual(none.docs, all);
  assert.deepEqual(none.counts.course, [3, 1]);
});

test("URL parameters: repeated values, topic by name or slug, unknown values ignored", () => {
  const M = LS.model(manifest);
  const p = LS.parseParams(
    "?q=%E6%83%85%E7%BB%AA+%E7%AE%A1%E7%90%86&kind=lesson&kind=video&kind=nope&grade=7&grade=99&grade=x" +
      "&stage=junior&course=mental-health&course=%3Cscript%3E&topic=%E9%98%B2%E6%BA%BA%E6%B0%B4&topic=qing-xu-guan-li&other=1",
  );
  assert.equal(p.q, "情绪 管理");
  const sel = LS.selectionFrom(p.raw, M);
  assert.deepEqual(sel, { kind: [0, 1], stage: [1], grade: [6], course: [0], topic: [0, 1] });
  assert.equal(
    LS.buildParams(p.q, sel, M),
    "q=%E6%83%85%E7%BB%AA%20%E7%AE%A1%E7%90%86&kind=lesson&kind=video&stage=junior&grade=7&course=mental-health" +
      "&topic=%E6%83%85%E7%BB%AA%E7%AE%A1%E7%90%86&topic=%E9%98%B2%E6%BA%BA%E6%B0%B4",
  );
  // round trip
  assert.deepEqual(LS.selectionFrom(LS.parseParams(LS.buildParams("x", sel, M)).raw, M), sel);
});

test("URL parameters: malformed input never throws", () => {
  const M = LS.model(manifest);
  for (const s of ["", "?", "?&&=&", "?q=%", "?q=%E6%83", "?q=%zz&kind=%", "?kind=__proto__&grade=constructor", "?q=" + "a".repeat(10000)]) {
    const p = LS.parseParams(s);
    assert.equal(typeof p.q, "string");
    LS.selectionFrom(p.raw, M);
  }
  assert.equal(LS.parseParams("?q=100%").q, "100%");
  assert.deepEqual(LS.selectionFrom(LS.parseParams("?kind=__proto__&topic=constructor").raw, M).kind, []);
});

test("model: a zero-document index and a missing manifest still give usable lists", () => {
  const M = LS.model({ version: 1, gen: "x", doc_count: 0, buckets: 4 });
  assert.equal(M.n, 0);
  assert.equal(M.kinds.length, 3);
  const T = LS.tally([], LS.selectionFrom({ kind: ["lesson"] }, M), M, LS.decodeFacets({}, M));
  assert.deepEqual(T.docs, []);
  assert.equal(LS.model(null).n, 0);
  const stages = LS.model({ grades: manifest.grades, stages: [{ slug: "junior", name: "初中" }] }).stages;
  assert.equal(stages[0].mask, (1 << 6) | (1 << 7) | (1 << 8), "stage grades derived from grades[].stage");
});

// --- highlighting -------------------------------------------------------------------------------

const marks = (h) => h.pieces.filter((p) => p.mark).map((p) => p.text);
const joined = (h) => h.pieces.map((p) => p.text).join("");

test("highlight marks query terms found by the tokenizer, as text", () => {
  const q = LS.queryTerms("考试焦虑");
  const h = LS.highlight("面对考试焦虑怎么办？考试前要放松。", q, 0);
  assert.deepEqual(marks(h), ["考试焦虑", "考试"]);
  assert.equal(joined(h), "面对考试焦虑怎么办？考试前要放松。");
  assert.deepEqual(marks(LS.highlight("Python3 和 python 与 PYTHON", LS.queryTerms("python"), 0)), ["python", "PYTHON"]);
  assert.deepEqual(marks(LS.highlight("ＡＤＨＤ儿童", LS.queryTerms("adhd"), 0)), ["ＡＤＨＤ"]);
  assert.deepEqual(marks(LS.highlight("一个梦想", LS.queryTerms("梦"), 0)), ["梦"]);
  const hostile = LS.highlight("<img src=x onerror=alert(1)>情绪", LS.queryTerms("情绪"), 0);
  assert.equal(joined(hostile), "<img src=x onerror=alert(1)>情绪");
  assert.deepEqual(marks(hostile), ["情绪"]);
});

test("snippets: about 120 characters around the first match", () => {
  const text = "甲".repeat(300) + "情绪" + "乙".repeat(300);
  const h = LS.highlight(text, LS.queryTerms("情绪"), 120);
  const s = joined(h);
  assert.ok(h.matched);
  assert.ok(s.startsWith("…") && s.endsWith("…"));
  assert.equal([...s].length, 122);
  assert.ok(s.indexOf("情绪") > 10 && s.indexOf("情绪") < 60);
  const nomatch = LS.highlight("乙".repeat(300), LS.queryTerms("情绪"), 120);
  assert.equal(nomatch.matched, false);
  assert.ok(joined(nomatch).startsWith("乙") && joined(nomatch).endsWith("…"));
  assert.equal(joined(LS.highlight("a\n\n  b", [], 120)), "a b", "white space collapses");
});

test("topK gives the first k of the full ranking, and scoreDocs the matches in document order", () => {
  const N = 500;
  const table = {};
  const q = LS.queryTerms("考试焦虑 情绪");
  for (const [i, t] of q.entries()) {
    const pairs = [];
    for (let d = (i * 7) % 5; d < N; d += 3 + i) pairs.push([d, 1 + ((d * (i + 3)) % 31)]);
    table[t.term] = post(pairs);
  }
  const lookup = lookupOf(table);
  const full = LS.rank(q, lookup, N).map((x) => x.doc);
  const s = LS.scoreDocs(q, lookup, N);
  assert.deepEqual(s.docs, [...full].sort((a, b) => a - b));
  for (const k of [0, 1, 10, 20, 37, full.length, full.length + 5]) {
    assert.deepEqual(LS.topK(s.docs, s.score, k), full.slice(0, k), `k = ${k}`);
  }
  // many equal scores: ties go to the higher document number (the newer document)
  const flat = new Float64Array(50).fill(1);
  const docs = Array.from({ length: 50 }, (_, i) => i);
  assert.deepEqual(LS.topK(docs, flat, 5), [49, 48, 47, 46, 45]);
});

test("offline (file://): each index file maps to the script that carries it", () => {
  const layout = { buckets: 64, records: 256 };
  assert.deepEqual(LS.offlineScriptOf("manifest.json", layout), { src: "manifest.js", key: "manifest.json" });
  assert.deepEqual(LS.offlineScriptOf("../search/manifest.json?t=123", layout), { src: "../search/manifest.js", key: "manifest.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/p/70.json", layout), { src: "abc123/offline/p-1.js", key: "p/70.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/p/63.json", layout), { src: "abc123/offline/p-0.js", key: "p/63.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/d/300.json", layout), { src: "abc123/offline/d-1.js", key: "d/300.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/facets.json", layout), { src: "abc123/offline/facets.js", key: "facets.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/t2s.json", layout), { src: "abc123/offline/t2s.js", key: "t2s.json" });
  assert.equal(LS.offlineScriptOf("abc123/p/x.js", layout), null);
  assert.deepEqual(LS.offlineScriptOf("g/p/5.json", { buckets: 4, records: 2 }).src, "g/offline/p-1.js");
  const M = LS.model({ offline: { buckets_per_file: 32, records_per_file: 100 } });
  assert.deepEqual(M.offline, { buckets: 32, records: 100 });
  assert.deepEqual(LS.model({}).offline, { buckets: 16, records: 256 }, "defaults");
});

// Ranking (module 40 of themes/default/search/): BM25, phrase bonus, coverage, top k.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");
const { close, lookupOf, post, manifest, facets } = require("./search-fixtures.js");

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
  const M = LS.model({ ...manifest, doc_count: 3, k1: 1.2, b: 0.75, length_steps: 4, length_floor: 16 });
  // one character each, 4 × log2(length) − 16: A = 0 → 2^4 = 16, I = 8 → 2^6 = 64, Q = 16 → 2^8 = 256; average 112
  const cols = LS.decodeFacets({ ...facets, lengths: "AIQ" }, M);
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

test("without a length column every document has the shared K1 as its norm", () => {
  const table = { 梦: post([[0, 4]]) };
  const [hit] = LS.rank(LS.queryTerms("梦"), lookupOf(table), 2);
  const idf = LS.idf(2, 1);
  close(hit.score, ((idf * 4) / (4 + LS.K1)) * 1.5);
  assert.deepEqual(LS.rank(LS.queryTerms("梦"), () => null, 2), [], "a term the index lacks matches nothing");
});

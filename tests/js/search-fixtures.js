// Hand-made index data shared by the search script's tests (docs/SEARCH-INDEX.md).
"use strict";
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");

const close = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-9, `${msg || ""} ${a} ≈ ${b}`);

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

module.exports = { close, lookupOf, post, manifest, facets };

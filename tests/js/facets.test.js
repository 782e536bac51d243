// The manifest model, facet columns and filter counts (module 60 of themes/default/search/).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");
const { manifest, facets } = require("./search-fixtures.js");

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

test("grade codes follow the shared constants: one grade below MAX_GRADE, a mask from MANY_GRADES", () => {
  const M = LS.model({ ...manifest, doc_count: 3 });
  const codes = [LS.MAX_GRADE - 1, LS.MAX_GRADE, LS.MANY_GRADES + 0b101];
  const cols = LS.decodeFacets({ grades: LS.encodeVarints(codes) }, M);
  assert.deepEqual(Array.from(cols.grades), [1 << (LS.MAX_GRADE - 1), 0, 0b101]);
  const kinds = LS.decodeFacets({ kind_course: LS.encodeVarints([LS.KINDS.length + 2]) }, LS.model({ ...manifest, doc_count: 1 }));
  assert.deepEqual([kinds.kind[0], kinds.course[0]], [2, 1], "course × kinds + kind");
});

test("textbook facet: optional column, filter by slug in the URL, counts with the other filters", () => {
  const withBooks = Object.assign({}, manifest, {
    textbooks: [
      { slug: "daofa-7a", name: "道德与法治 七年级上册" },
      { slug: "xinli-8", name: "心理健康 八年级" }
    ]
  });
  const M = LS.model(withBooks);
  assert.deepEqual(M.textbooks.map((b) => b.slug), ["daofa-7a", "xinli-8"]);
  // 0 = none; 1 + index; an index past the list is unknown
  const cols = LS.decodeFacets(Object.assign({}, facets, { textbooks: LS.encodeVarints([1, 0, 2, 9]) }), M);
  assert.deepEqual(Array.from(cols.textbook), [0, -1, 1, -1]);
  const all = [0, 1, 2, 3];
  const sel = LS.selectionFrom(LS.parseParams("?textbook=xinli-8&textbook=nope").raw, M);
  assert.deepEqual(sel.textbook, [1]);
  const T = LS.tally(all, sel, M, cols);
  assert.deepEqual(T.docs, [2]);
  assert.deepEqual(T.counts.textbook, [1, 1], "textbook counts ignore the textbook filter");
  assert.deepEqual(T.counts.kind, [1, 0, 0]);
  assert.equal(LS.buildParams("", sel, M), "textbook=xinli-8");
  // An index without the column (a site without textbooks): nothing is aligned, nothing breaks.
  const plainCols = LS.decodeFacets(facets, LS.model(manifest));
  assert.deepEqual(Array.from(plainCols.textbook), [-1, -1, -1, -1]);
  assert.deepEqual(LS.tally(all, LS.emptySelection(M), LS.model(manifest), plainCols).counts.textbook, []);
});

test("a topic's name in the address wins over another topic's slug that reads the same", () => {
  const M = LS.model({
    ...manifest,
    topics: [
      { name: "PPT", slug: "ppt" },
      { name: "ppt", slug: "ppt-2" },
    ],
  });
  assert.deepEqual(LS.selectionFrom({ topic: ["ppt"] }, M).topic, [1]);
  assert.deepEqual(LS.selectionFrom({ topic: ["PPT"] }, M).topic, [0]);
  assert.deepEqual(LS.selectionFrom({ topic: ["ppt-2"] }, M).topic, [1]);
  // the page writes the name, so a value read back is the one clicked
  assert.equal(LS.valueKey(M, "topic", 1), "ppt");
});

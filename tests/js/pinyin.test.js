// Pinyin queries and suggestions in the browser's code (themes/default/search/45-pinyin.js,
// 85-suggest.js) against the shared vectors (tests/fixtures/pinyin.json), which the Rust side
// checks too (tests/suite/tokenize_vectors.rs). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const LS = require("./search-modules.js");

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "pinyin.json"), "utf8"),
);

for (const v of vectors.queries) {
  test(`pinyinTerms ${JSON.stringify(v.query)}`, () => {
    assert.deepEqual(LS.pinyinTerms(v.query), v.terms);
  });
}

for (const v of vectors.keys) {
  test(`suggestKey ${JSON.stringify(v.text)}`, () => {
    assert.equal(LS.suggestKey(v.text), v.key);
  });
}

test("a query's pinyin terms are among the index terms of the text it spells", () => {
  const indexed = new Set(vectors.texts.flatMap((t) => t.index));
  for (const q of ["qingxu", "qxgl", "fangnishui", "xlwy", "yinhang", "shuijiao", "zhongyao"]) {
    const terms = LS.pinyinTerms(q);
    assert.ok(terms.length > 0, q);
    for (const t of terms) assert.ok(indexed.has(t), `${q}: ${t}`);
  }
});

// Postings as decodePostings gives them.
function postings(pairs) {
  return { df: pairs.length, n: pairs.length, docs: pairs.map((p) => p[0]), tfs: pairs.map((p) => p[1]) };
}

test("a pinyin match needs every pinyin term and ranks below the same match in characters", () => {
  const lists = {
    "情绪": postings([[0, 8]]),
    "qing'xu": postings([[0, 8], [1, 8], [2, 8]]),
    "'qxg": postings([[1, 8], [3, 8]]),
    "'xgl": postings([[1, 8]]),
  };
  const lookup = (t) => lists[t] || null;
  // The characters typed (doc 0) against the same title found by its pinyin (doc 1).
  const chars = LS.scoreDocs(LS.queryTerms("情绪"), lookup, 4);
  const pinyin = LS.addPinyin(LS.scoreDocs(LS.queryTerms("qingxu"), lookup, 4), "qingxu", lookup, 4);
  assert.deepEqual(pinyin.docs, [0, 1, 2]);
  assert.ok(pinyin.score[1] < chars.score[0], "pinyin below characters");
  const same = { "情绪": postings([[0, 8]]), "qing'xu": postings([[1, 8]]) };
  const sameLookup = (t) => same[t] || null;
  const a = LS.scoreDocs(LS.queryTerms("情绪"), sameLookup, 4).score[0];
  const b = LS.addPinyin(LS.scoreDocs(LS.queryTerms("qingxu"), sameLookup, 4), "qingxu", sameLookup, 4).score[1];
  assert.ok(Math.abs(b - LS.PINYIN_WEIGHT * a) < 1e-9, "equal frequencies: the pinyin weight apart");
  const initials = LS.addPinyin(LS.scoreDocs(LS.queryTerms("qxgl"), lookup, 4), "qxgl", lookup, 4);
  assert.deepEqual(initials.docs, [1], "doc 3 has 'qxg but not 'xgl");
  const none = LS.addPinyin(LS.scoreDocs(LS.queryTerms("情绪"), lookup, 4), "情绪", lookup, 4);
  assert.deepEqual(none.docs, [0]);
});

test("a word found as a word keeps its score when its pinyin reading scores less", () => {
  const lists = { python: postings([[2, 8]]), "'pyt": postings([[2, 2], [5, 8]]) };
  const lookup = (t) => lists[t] || null;
  const words = LS.scoreDocs(LS.queryTerms("python"), lookup, 6);
  const before = words.score[2];
  const merged = LS.addPinyin(words, "python", lookup, 6);
  assert.equal(merged.score[2], before);
  assert.deepEqual(merged.docs, [2], "'yth, 'tho, 'hon are missing: no initials match");
});

test("suggestions: text prefix first, then pinyin, then initials; topics first; each text once", () => {
  const file = {
    t: [["情绪管理", "qing xu guan li"], ["青春期", "qing chun qi"]],
    r: [
      ["情绪小怪兽", "qing xu xiao guai shou"],
      ["《情绪管理》教学设计", "qing xu guan li jiao xue she ji"],
      ["去过的地方", "qu guo de di fang"],
      ["情绪管理", "qing xu guan li"],
    ],
  };
  const texts = (typed) => LS.suggest(file, typed, 8).map((s) => s.text);
  assert.deepEqual(texts("情绪"), ["情绪管理", "情绪小怪兽", "《情绪管理》教学设计"]);
  assert.deepEqual(texts("qingxu"), ["情绪管理", "情绪小怪兽", "《情绪管理》教学设计"]);
  assert.deepEqual(texts("qing"), ["情绪管理", "青春期", "情绪小怪兽", "《情绪管理》教学设计"]);
  assert.deepEqual(texts("qxgl"), ["情绪管理", "《情绪管理》教学设计"]);
  assert.deepEqual(texts("QG"), ["去过的地方"]);
  assert.deepEqual(texts("q").length, 5);
  assert.deepEqual(LS.suggest(file, "q", 2).length, 2);
  assert.deepEqual(texts("   "), []);
  assert.equal(LS.suggest(file, "情绪", 8)[0].topic, true);
  assert.deepEqual(LS.suggest({ t: "junk", r: [null, 3, ["x"]] }, "x", 8), [{ text: "x", topic: false }]);
});

test("pinyin typed with tone marks reads as pinyin without them", () => {
  assert.equal(LS.toneless("Qíng Xù"), "qing xu");
  assert.equal(LS.toneless("lǜsè"), "lvse");
  assert.equal(LS.toneless("nu\u0308\u0301"), "nv"); // decomposed ǘ
  assert.equal(LS.toneless("qi\u0301ngxu\u0300"), "qingxu");
  assert.deepEqual(LS.pinyinTerms("qíngxù guǎnlǐ"), LS.pinyinTerms("qingxu guanli"));
  assert.ok(LS.pinyinTerms("qíng xù").length > 0);
});

// The browser tokenizer against the shared test vectors (tests/fixtures/tokenize.json), which
// the Rust tokenizer (src/search/tokenize.rs) checks too. Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const LS = require("./search-modules.js");

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "tokenize.json"), "utf8"),
);

test("the vectors are well formed", () => {
  assert.ok(Array.isArray(vectors) && vectors.length >= 30, "at least 30 cases");
  for (const v of vectors) {
    assert.equal(typeof v.input, "string");
    assert.ok(Array.isArray(v.query) && Array.isArray(v.index));
    const sorted = [...new Set(v.index)].sort(LS.compareCodePoints);
    assert.deepEqual(v.index, sorted, `index of ${JSON.stringify(v.input)} is sorted by code point, deduplicated`);
  }
});

for (const v of vectors) {
  const name = JSON.stringify(v.input).slice(0, 50);
  test(`tokenizeQuery ${name}`, () => {
    assert.deepEqual(LS.tokenizeQuery(v.input), v.query);
  });
  test(`indexTerms ${name}`, () => {
    assert.deepEqual(LS.indexTerms(v.input), v.index);
  });
}

test("query terms carry their run (group) and place in it (pos)", () => {
  assert.deepEqual(LS.queryTerms("我爱Python3编程 梦"), [
    { term: "我爱", group: 0, pos: 0 },
    { term: "python3", group: 1, pos: 0 },
    { term: "编程", group: 2, pos: 0 },
    { term: "梦", group: 3, pos: 0 },
  ]);
  assert.deepEqual(
    LS.queryTerms("考试焦虑").map((t) => [t.term, t.group, t.pos]),
    [["考试", 0, 0], ["试焦", 0, 1], ["焦虑", 0, 2]],
  );
});

test("every query of Chinese characters is covered by the index terms of a text containing it", () => {
  const text = "本课帮助七年级学生认识考试焦虑，学会放松。";
  const index = new Set(LS.indexTerms(text));
  const chars = [...text].filter((c) => LS.classify(c.codePointAt(0)) === 1);
  for (let i = 0; i < chars.length; i++) {
    for (let j = i + 1; j <= Math.min(chars.length, i + 6); j++) {
      const q = chars.slice(i, j).join("");
      if (!text.includes(q)) continue;
      for (const t of LS.tokenizeQuery(q)) assert.ok(index.has(t), `${q} → ${t}`);
    }
  }
});

test("fold: full-width, ideographic space, one-character lower-casing only", () => {
  assert.equal(LS.fold("ＡＢＣ！～　Ｚ"), "abc!~ z");
  assert.equal(LS.fold("İ"), "İ"); // lower-cases to two characters: unchanged
  assert.equal(LS.fold("ΟΔΟΣ"), "οδοσ"); // per character, so no final sigma
  assert.equal(LS.fold("情绪"), "情绪");
  assert.equal(LS.fold(""), "");
  assert.equal(LS.fold(null), "");
});

test("cutQuery keeps the first 200 characters and never splits a surrogate pair", () => {
  assert.equal(LS.cutQuery("情".repeat(10000)).length, 200);
  const astral = "𠀀".repeat(300);
  const cut = LS.cutQuery(astral);
  assert.equal([...cut].length, 200);
  assert.equal(cut, "𠀀".repeat(200));
  assert.equal(LS.cutQuery("短"), "短");
});

test("tokenising hostile input never throws", () => {
  const inputs = [
    "x".repeat(10000),
    "\ud800\udc00\ud800",
    "\udfff情绪",
    "<script>alert(1)</script>",
    "\u0000\u0001\u200b\ufeff",
    "😀".repeat(500),
    "constructor __proto__ hasOwnProperty toString",
  ];
  for (const s of inputs) {
    LS.tokenizeQuery(s);
    LS.indexTerms(s);
  }
  assert.deepEqual(LS.tokenizeQuery("constructor __proto__"), ["constructor", "__proto__"]);
  assert.deepEqual(LS.indexTerms("__proto__ __proto__"), ["__proto__"]);
  assert.deepEqual(LS.tokenizeQuery("\udfff情绪"), ["情绪"]);
});

test("word table matches Unicode: /[\\p{Alphabetic}\\p{N}_]/u, i.e. Rust's is_alphanumeric, plus CJK", () => {
  // If this fails after a Node upgrade (a newer Unicode), regenerate WORD_TABLE in
  // themes/default/search/10-chars.js:
  // alternating (gap, length) of the BMP ranges where the predicate below holds, in base 36.
  const word = /[\p{Alphabetic}\p{N}_]/u;
  const cjk = (c) =>
    (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af);
  const bad = [];
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const want = cjk(c) ? 1 : word.test(String.fromCharCode(c)) ? 2 : 0;
    if (LS.classify(c) !== want) bad.push(c.toString(16));
  }
  assert.deepEqual(bad.slice(0, 20), []);
  // Astral planes: Han extensions are CJK; others follow the engine's Unicode data.
  assert.equal(LS.classify(0x20000), 1);
  assert.equal(LS.classify(0x2ffff), 1);
  assert.equal(LS.classify(0x1f600), 0); // 😀
  assert.equal(LS.classify(0x1d400), 2); // 𝐀 MATHEMATICAL BOLD CAPITAL A
});

test("traditional characters fold to simplified once the table is loaded", () => {
  assert.deepEqual(LS.queryTerms("情緒").map((t) => t.term), ["情緒"], "no table: unchanged");
  assert.equal(LS.setVariants("緒慮試", "绪虑试"), true);
  assert.deepEqual(LS.queryTerms("情緒").map((t) => t.term), ["情绪"]);
  assert.deepEqual(LS.indexTerms("考試"), LS.indexTerms("考试"));
  assert.equal(LS.setVariants("", ""), false, "an empty or broken table turns folding off");
  assert.deepEqual(LS.queryTerms("情緒").map((t) => t.term), ["情緒"]);
});

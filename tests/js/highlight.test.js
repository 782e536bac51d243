// Highlighting and snippets (module 50 of themes/default/search/).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");

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

// A deep snippet wants the window showing the words the result did not show yet (`prefer`),
// not the earliest one with as many words.
test("highlight: with prefer, the window holds the preferred term though another comes first", () => {
  const text = "甲虫" + "。".repeat(300) + "丙烯";
  const q = LS.queryTerms("甲虫 丙烯");
  const idx = LS.termIndex(q);
  assert.deepEqual(marks(LS.highlight(text, q, 40)), ["甲虫"], "the earliest of equals");
  assert.deepEqual(marks(LS.highlight(text, q, 40, { [idx.ids["~丙烯"]]: true })), ["丙烯"]);
});

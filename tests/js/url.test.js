// The search page's state in its URL (module 70 of themes/default/search/).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");
const { manifest } = require("./search-fixtures.js");

test("URL parameters: repeated values, topic by name or slug, unknown values ignored", () => {
  const M = LS.model(manifest);
  const p = LS.parseParams(
    "?q=%E6%83%85%E7%BB%AA+%E7%AE%A1%E7%90%86&kind=lesson&kind=video&kind=nope&grade=7&grade=99&grade=x" +
      "&stage=junior&course=mental-health&course=%3Cscript%3E&topic=%E9%98%B2%E6%BA%BA%E6%B0%B4&topic=qing-xu-guan-li&other=1",
  );
  assert.equal(p.q, "情绪 管理");
  const sel = LS.selectionFrom(p.raw, M);
  assert.deepEqual(sel, { kind: [0, 1], stage: [1], grade: [6], course: [0], topic: [0, 1], textbook: [] });
  assert.equal(
    LS.buildParams(p.q, sel, M),
    "q=%E6%83%85%E7%BB%AA%20%E7%AE%A1%E7%90%86&kind=lesson&kind=video&stage=junior&grade=7&course=mental-health" +
      "&topic=%E6%83%85%E7%BB%AA%E7%AE%A1%E7%90%86&topic=%E9%98%B2%E6%BA%BA%E6%B0%B4",
  );
  // round trip
  assert.deepEqual(LS.selectionFrom(LS.parseParams(LS.buildParams("x", sel, M)).raw, M), sel);
  // what was left out, for the status line
  assert.deepEqual(LS.unknownValues(p.raw, M), ["nope", "99", "x"]);
  assert.deepEqual(LS.unknownValues(LS.parseParams("?topic=" + "长".repeat(30)).raw, M), ["长".repeat(20)]);
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

test("URL values: grades with leading zeros or by name, kinds by name, '+' as a space", () => {
  const M = LS.model(manifest);
  const sel = LS.selectionFrom({ grade: ["07", "8年级"], kind: ["课堂视频"], stage: [" junior "] }, M);
  assert.deepEqual(sel, { kind: [1], stage: [1], grade: [6, 7], course: [], topic: [], textbook: [] });
  assert.equal(LS.parseParams("?q=a+b%2Bc").q, "a b+c");
  assert.equal(LS.buildParams("", LS.emptySelection(M), M), "", "an empty state writes nothing");
  assert.equal(LS.valueKey(M, "topic", 1), "防溺水", "topics by name, as written");
});

test("URL values: a topic's other name (site.yaml topic_aliases) selects the topic", () => {
  const M = LS.model({ ...manifest, topic_aliases: { 情绪调节: "情绪管理", 坏的: "没有这个专题" } });
  const p = LS.parseParams("?topic=" + encodeURIComponent("情绪调节") + "&topic=" + encodeURIComponent("坏的") + "&topic=__proto__");
  assert.deepEqual(LS.selectionFrom(p.raw, M).topic, [0]);
  assert.deepEqual(LS.unknownValues(p.raw, M), ["坏的", "__proto__"]);
  assert.deepEqual(LS.selectionFrom(p.raw, LS.model(manifest)).topic, [], "no aliases, no topic");
});

test("a link encoded twice (by a chat app or a CMS) reads as once", () => {
  const p = LS.parseParams("?q=%25E6%2583%2585%25E7%25BB%25AA%2520%25E7%25AE%25A1%25E7%2590%2586&topic=%25E9%2598%25B2%25E6%25BA%25BA%25E6%25B0%25B4");
  assert.equal(p.q, "情绪 管理");
  assert.deepEqual(p.raw.topic, ["防溺水"]);
  // text that only looks encoded stays as typed: 50%25 is 50%, %41 is not a character's bytes
  assert.equal(LS.parseParams("?q=50%25").q, "50%");
  assert.equal(LS.parseParams("?q=%2541").q, "%41");
});

test("a link cut inside a character keeps the words before the cut", () => {
  assert.equal(LS.parseParams("?q=%E6%83%85%E7%BB").q, "情"); // 情绪 cut inside 绪
  assert.equal(LS.parseParams("?q=%E7%BB%E6%83%85").q, "情", "a broken byte in the middle is left out");
  assert.equal(LS.parseParams("?q=50%25%E6%83%85%E7").q, "50%情");
  assert.equal(LS.parseParams("?q=%FF%FE").q, "");
});

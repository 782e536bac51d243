// The namespace the build's generated first line declares, and the helpers of module 00 of
// themes/default/search/.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");

test("the shared constants are there for every module", () => {
  assert.equal(LS.FORMAT_VERSION, 7);
  assert.deepEqual(LS.KINDS, ["lesson", "video", "review"]);
  assert.equal(LS.ALPHABET.length, 64);
  assert.deepEqual(LS.model({}).kinds.map((k) => k.slug), LS.KINDS);
});

test("helpers read untrusted JSON without throwing", () => {
  assert.deepEqual(LS.list("abc"), []);
  assert.deepEqual(LS.list([1]), [1]);
  assert.equal(LS.str(null), "");
  assert.equal(LS.str(7), "7");
  assert.equal(LS.positive("-1", 3), 3);
  assert.equal(LS.positive("2.5", 3), 2.5);
  assert.equal(LS.positive(Infinity, 3), 3);
  assert.deepEqual(Array.from(LS.ints(3)), [0, 0, 0]);
});

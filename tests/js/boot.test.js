// The boot script (themes/default/static/search-boot.js) guesses, before search.js arrives, which
// postings files a query needs, with its own small copy of the hash and of the bigram rule. This
// keeps the copy honest: for simplified Chinese queries every file it starts is one search.js
// asks for too (module 20's queryTerms, module 30's bucketOf). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { runBoot } = require("./boot-harness.js");
const LS = require("./search-modules.js");

const BOOT = fs.readFileSync(path.join(__dirname, "..", "..", "themes", "default", "static", "search-boot.js"), "utf8");

/** Runs the boot script for query `q` against a manifest; resolves to the URLs it requested. */
function bootRequests(q, manifest) {
  // Only the manifest is answered: the rest stays in flight.
  const answer = (url) => (/manifest\.json$/.test(url) ? JSON.stringify(manifest) : null);
  return runBoot(BOOT, "?q=" + encodeURIComponent(q), answer);
}

test("the boot script starts only postings that search.js needs", async () => {
  const manifest = { gen: "abc123", buckets: 512 };
  for (const q of ["情绪", "考试焦虑", "情绪 管理", "心", "学生不想上学怎么办"]) {
    const urls = await bootRequests(q, manifest);
    const started = urls.filter((u) => /\/p\/\d+\.json$/.test(u)).map((u) => +u.match(/(\d+)\.json$/)[1]);
    const needed = new Set(LS.queryTerms(q).map((t) => LS.bucketOf(t.term, manifest.buckets)));
    assert.ok(started.length > 0, `${q}: nothing started`);
    for (const b of started) assert.ok(needed.has(b), `${q}: bucket ${b} is not one search.js fetches`);
    assert.ok(urls.includes("../search/abc123/facets.json"), `${q}: ${urls.join(" ")}`);
  }
});

test("the boot script leaves queries it cannot read to search.js", async () => {
  const urls = await bootRequests("qxgl", { gen: "abc123", buckets: 512 });
  assert.deepEqual(urls.filter((u) => /\/p\//.test(u)), []);
});

/** The search page's box, status line and app element, as the boot script reads them. */
function fakePage(readyState, typed) {
  return {
    readyState,
    elements: {
      "search-input": {
        value: typed || "",
        attributes: {},
        getAttribute: (n) => (n === "maxlength" ? "1000" : null),
        setAttribute(n, v) {
          this.attributes[n] = v;
        },
      },
      "search-status": { textContent: "" },
      "search-app": { getAttribute: (n) => (n === "data-str-loading" ? "正在加载……" : null) },
    },
  };
}

test("the boot script puts the query in the box and says it is loading, once the page is parsed", async () => {
  const answer = () => null;
  const done = fakePage("interactive");
  await runBoot(BOOT, "?q=" + encodeURIComponent("情绪 管理") + "&kind=lesson", answer, done);
  assert.equal(done.elements["search-input"].value, "情绪 管理");
  assert.equal(done.elements["search-input"].attributes["data-filled"], "", "filled by the boot script");
  assert.equal(done.elements["search-status"].textContent, "正在加载……");
  // still parsing: it waits for the end of parsing (before the deferred search.js runs)
  const parsing = fakePage("loading");
  await runBoot(BOOT, "?q=a+b", answer, parsing);
  assert.equal(parsing.elements["search-input"].value, "");
  parsing.readyState = "interactive";
  parsing.listeners.filter((l) => l.type === "readystatechange").forEach((l) => l.fn());
  assert.equal(parsing.elements["search-input"].value, "a b");
  assert.equal(parsing.elements["search-status"].textContent, "正在加载……");
  // what the visitor typed meanwhile stays
  const typed = fakePage("complete", "考试");
  await runBoot(BOOT, "?q=" + encodeURIComponent("情绪"), answer, typed);
  assert.equal(typed.elements["search-input"].value, "考试");
  assert.equal(typed.elements["search-input"].attributes["data-filled"], undefined);
});

test("a link cut inside a character: the boot script fills the words before the cut, as search.js reads them", async () => {
  const answer = () => null;
  const cut = fakePage("interactive");
  await runBoot(BOOT, "?q=%E6%83%85%E7%BB", answer, cut);
  assert.equal(cut.elements["search-input"].value, "情");
  // nothing readable: the box is left alone, not marked as emptied by the visitor
  const none = fakePage("interactive");
  await runBoot(BOOT, "?q=%FF", answer, none);
  assert.equal(none.elements["search-input"].value, "");
  assert.equal(none.elements["search-input"].attributes["data-filled"], undefined);
});

test("a link encoded twice: the boot script fills the query as search.js reads it", async () => {
  const twice = fakePage("interactive");
  await runBoot(BOOT, "?q=%25E6%2583%2585%25E7%25BB%25AA", () => null, twice);
  assert.equal(twice.elements["search-input"].value, "情绪");
});

// Browser end-to-end tests of the search page: build tests/fixtures/sites/search with the real
// binary, serve it under a sub-path (/portal/) from a tiny static server on 127.0.0.1, and drive
// Debian's Chromium through playwright-core.
//
//   npm install && npm run test:e2e          (needs target/debug/lectern and /usr/bin/chromium)
//   LECTERN_BUILD=1 npm run test:e2e         (runs `cargo build` first)
//   LECTERN_E2E_PUBLIC=DIR npm run test:e2e  (tests an output folder built beforehand)
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CHROMIUM, launchChromium } from "./chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "target", "debug", "lectern");
const SITE = path.join(ROOT, "tests", "fixtures", "sites", "search");
const EMPTY_SITE = path.join(ROOT, "tests", "fixtures", "sites", "search-empty");
const PREFIX = "/portal/";
const PREBUILT = process.env.LECTERN_E2E_PUBLIC;

function whySkip() {
  if (process.env.LECTERN_BUILD === "1") {
    const r = spawnSync("cargo", ["build"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) return "cargo build failed";
  }
  if (!PREBUILT && !fs.existsSync(BIN)) return `no ${path.relative(ROOT, BIN)}: run cargo build (or LECTERN_BUILD=1)`;
  if (!fs.existsSync(CHROMIUM)) return `no ${CHROMIUM}: apt-get install chromium`;
  if (!fs.existsSync(path.join(ROOT, "node_modules", "playwright-core"))) return "playwright-core missing: npm install";
  return false;
}
const skip = whySkip();
if (skip) console.log(`skipping the search e2e tests: ${skip}`);

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `dir` under PREFIX; everything else is 404. Counts the requests per path. */
function serve(dir) {
  const hits = [];
  // Long URLs (a 10,000-character query) need more than Node's 16 KiB header default.
  const server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    const url = new URL(req.url, "http://x");
    hits.push(url.pathname);
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(PREFIX)) {
      res.writeHead(404).end();
      return;
    }
    let file = path.join(dir, rel.slice(PREFIX.length));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, hits, base: `http://127.0.0.1:${server.address().port}${PREFIX}` }));
  });
}

describe("search page", { skip }, () => {
  let out, srv, browser, base;

  before(async () => {
    out = PREBUILT ? path.resolve(PREBUILT) : build(SITE);
    assert.ok(fs.existsSync(path.join(out, "search", "manifest.json")), "search/manifest.json written");
    srv = await serve(out);
    base = srv.base;
    browser = await launchChromium();
  });

  after(async () => {
    if (browser) await browser.close();
    if (srv) srv.server.close();
    if (out && !PREBUILT) fs.rmSync(out, { recursive: true, force: true });
  });

  function build(site) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-"));
    const built = spawnSync(BIN, ["build", "--root", site, "--out", dir], { encoding: "utf8" });
    assert.equal(built.status, 0, `lectern build failed:\n${built.stderr}`);
    return dir;
  }

  /** A new page that records script errors; `errors` must stay empty. */
  async function newPage() {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()} ${JSON.stringify(m.location())}`);
    });
    return { page, errors };
  }

  /** Waits until the search page has drawn the results of its latest search (after `seq`). */
  async function settled(page, seq = 0) {
    await page.waitForFunction((after) => {
      const r = document.getElementById("results");
      if (!(r && r.getAttribute("data-state") === "done" && +r.getAttribute("data-seq") > after)) return false;
      // snippets taken from the pages: those on the screen have been fetched
      return !Array.from(r.querySelectorAll("[data-deep]")).some((s) => s.getAttribute("data-deep") === "loading" ||
        (s.getAttribute("data-deep") === "waiting" && s.getBoundingClientRect().top < window.innerHeight));
    }, seq, { timeout: 10000 });
  }

  async function open(query) {
    const { page, errors } = await newPage();
    await page.goto(`${base}search/${query}`);
    await settled(page);
    return { page, errors };
  }

  const seqOf = (page) => page.evaluate(() => +document.getElementById("results").getAttribute("data-seq"));

  /** The shown results, in order. */
  function results(page) {
    return page.$$eval("#results a", (as) =>
      as.map((a) => {
        const text = (sel) => (a.querySelector(sel) ? a.querySelector(sel).textContent : "");
        return {
          href: a.getAttribute("href"),
          title: text(".result-title"),
          kind: text(".badge"),
          grades: text(".result-grades"),
          course: text(".result-course"),
          length: text(".result-length"),
          snippet: text(".result-snippet"),
          marks: Array.from(a.querySelectorAll("mark")).map((m) => m.textContent),
        };
      }),
    );
  }

  const status = (page) => page.textContent("#search-status");
  const checked = (page, name, value) => page.isChecked(`#search-filters input[name="${name}"][value="${value}"]`);

  async function facetCounts(page, name) {
    return page.$$eval(`#search-filters input[name="${name}"]`, (inputs) => {
      const out = {};
      for (const i of inputs) out[i.value] = +i.closest("label").querySelector(".facet-count").textContent;
      return out;
    });
  }

  test("?q=constructor and ?q=__proto__ finish like any query, and the page goes on working", async () => {
    for (const q of ["constructor", "__proto__"]) {
      const { page, errors } = await open("?q=" + encodeURIComponent(q));
      assert.doesNotMatch(await status(page), /加载/, q);
      const seq = await seqOf(page);
      await page.fill("#search-input", "防溺水");
      await page.press("#search-input", "Enter");
      await settled(page, seq);
      assert.ok((await results(page)).length > 0, q);
      assert.deepEqual(errors, [], q);
      await page.close();
    }
  });

  test("a video's result shows its length as its card does, said as 时长", async () => {
    const { page, errors } = await open("?q=" + encodeURIComponent("防溺水"));
    const r = await results(page);
    const video = r.find((x) => x.title.includes("夏季防溺水"));
    assert.ok(video, JSON.stringify(r));
    assert.equal(video.length, "时长 5:12");
    const hiddenWidth = await page.$eval("#results .result-length .visually-hidden", (s) => s.getBoundingClientRect().width);
    assert.ok(hiddenWidth <= 1, "the word 时长 is for screen readers only");
    assert.ok(r.filter((x) => x.kind === "教学设计").every((x) => x.length === ""), "a lesson has no length");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("考试焦虑怎么办 lists the 考试焦虑 lessons first, with snippets and counts", async () => {
    const { page, errors } = await open("?q=" + encodeURIComponent("考试焦虑怎么办"));
    const r = await results(page);
    assert.ok(r.length >= 2, JSON.stringify(r));
    assert.deepEqual(
      r.slice(0, 2).map((x) => x.title).sort(),
      ["直面考试焦虑", "考试焦虑怎么办——七年级心理健康课"],
    );
    assert.equal(r[0].kind, "教学设计");
    assert.ok(r[0].marks.some((m) => m.includes("考试焦虑")), "matched terms are marked");
    assert.ok(r.every((x) => x.href.startsWith("../")), "links are relative to the search page");
    // complete matches hold every term of the query; the status says so, and how many only part
    const complete = +(await page.getAttribute("#results", "data-complete"));
    const partial = +(await page.getAttribute("#results", "data-partial"));
    assert.ok(complete >= 1 && complete + partial >= r.length, `${complete} + ${partial}`);
    assert.match(await status(page), partial ? new RegExp(`${complete}.*${partial}`) : new RegExp(String(complete)));
    assert.equal(await page.inputValue("#search-input"), "考试焦虑怎么办");
    // a result link is named by its title and facts, described by its snippet: a screen
    // reader does not read the snippet as part of the link's name
    const named = await page.evaluate(() => {
      const a = document.querySelector("#results a");
      const text = (ids) => (ids || "").split(" ").filter(Boolean).map((id) => document.getElementById(id)?.textContent ?? "<missing>");
      return { name: text(a.getAttribute("aria-labelledby")), description: text(a.getAttribute("aria-describedby")),
        title: a.querySelector(".result-title").textContent, snippet: a.querySelector(".result-snippet")?.textContent };
    });
    assert.equal(named.name[0], named.title);
    // the title, then each fact apart: kind, grades, course, date
    assert.ok(named.name.length >= 4 && !named.name.includes("<missing>"), JSON.stringify(named));
    assert.equal(named.name[1], "教学设计", JSON.stringify(named));
    assert.deepEqual(named.description, [named.snippet], JSON.stringify(named));
    // ranking + filtering + counting time (the target is < 50 ms on 10,000 documents; 13 here)
    const ms = +(await page.getAttribute("#results", "data-compute-ms"));
    assert.ok(ms >= 0 && ms < 200, `compute took ${ms} ms`);
    // the first result opens its page
    await page.click("#results a >> nth=0");
    await page.waitForURL(/\/portal\/lessons\/exam-anxiety-[79]\/$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a single character (梦), a teacher's name and a transcript-only word are found", async () => {
    for (const [q, title] of [["梦", "我的梦想"], ["王春燕", "防溺水安全教育"], ["萤火虫", "七年级心理课堂实录：放松训练"]]) {
      const { page, errors } = await open("?q=" + encodeURIComponent(q));
      const r = await results(page);
      assert.ok(r.length >= 1, q);
      assert.equal(r[0].title, title, q);
      assert.deepEqual(errors, []);
      await page.close();
    }
    const { page } = await open("?q=" + encodeURIComponent("萤火虫"));
    const [video] = await results(page);
    assert.equal(video.kind, "课堂视频");
    assert.ok(video.marks.includes("萤火虫"), "the transcript snippet marks the word");
    await page.close();
  });

  test("a query cut at the box's length inside an emoji still searches and writes its address", async () => {
    // 999 characters and then an emoji's two halves: the box keeps 1000 UTF-16 units
    const q = "情绪".repeat(499) + "情😀";
    const { page, errors } = await open("?q=" + encodeURIComponent(q));
    const r = await results(page);
    assert.ok(r.length >= 1, "results");
    assert.ok(!/加载失败/.test(await page.textContent("#search-status")), await page.textContent("#search-status"));
    // as a script or an input method may leave it (playwright's typing would mend the half)
    await page.evaluate(() => {
      const input = document.getElementById("search-input");
      input.value = "\ud800压力";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.waitForFunction(() => decodeURIComponent(location.search).includes("压力"));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a transcript-only word shows its cue's time and text and links to that moment", async () => {
    // 蒲公英 is only in a cue of relax-7's captions (content/assets/captions/relax-7.vtt), at 12:34.
    const { page, errors } = await open("?q=" + encodeURIComponent("蒲公英"));
    const r = await results(page);
    assert.equal(r.length, 1, JSON.stringify(r));
    assert.equal(r[0].title, "七年级心理课堂实录：放松训练");
    assert.match(r[0].href, /^\.\.\/videos\/relax-7\/(index\.html)?#t=754$/);
    assert.equal(await page.textContent("#results a .result-time"), "[12:34]");
    assert.equal(r[0].snippet, "[12:34] 想象你手里拿着一朵蒲公英，轻轻一吹，种子飞向远方。");
    assert.deepEqual(r[0].marks, ["蒲公英"]);
    assert.equal(new URLSearchParams(await page.evaluate(() => location.search)).get("q"), "蒲公英");
    // Another cue, another time; a word also on the page keeps the plain link.
    let seq = await seqOf(page);
    await page.fill("#search-input", "肩膀");
    await page.press("#search-input", "Enter");
    await settled(page, seq);
    const [shoulder] = await results(page);
    assert.match(shoulder.href, /#t=1205$/);
    assert.ok(shoulder.snippet.startsWith("[20:05] "), shoulder.snippet);
    assert.equal(new URLSearchParams(await page.evaluate(() => location.search)).get("q"), "肩膀");
    seq = await seqOf(page);
    await page.fill("#search-input", "放松训练");
    await page.press("#search-input", "Enter");
    await settled(page, seq);
    const titled = (await results(page)).find((x) => x.title === "七年级心理课堂实录：放松训练");
    assert.ok(titled && !titled.href.includes("#"), JSON.stringify(titled));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("adhd and full-width ＡＤＨＤ find the same lesson", async () => {
    for (const q of ["adhd", "ＡＤＨＤ", "ADHD"]) {
      const { page, errors } = await open("?q=" + encodeURIComponent(q));
      const r = await results(page);
      assert.equal(r.length, 1, q);
      assert.equal(r[0].title, "专注力小课堂");
      assert.deepEqual(r[0].marks, ["ADHD"]);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test("a query in traditional characters (考試焦慮) finds what the simplified one finds", async () => {
    const simplified = await open("?q=" + encodeURIComponent("考试焦虑"));
    const expected = (await results(simplified.page)).map((r) => r.title);
    await simplified.page.close();
    assert.ok(expected.length > 0);
    const { page, errors } = await open("?q=" + encodeURIComponent("考試焦慮"));
    const r = await results(page);
    assert.deepEqual(r.map((x) => x.title), expected);
    assert.ok(r[0].marks.length > 0, "the folded query is highlighted");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("情绪 + kind=lesson + grade=7 shows only grade-7 lessons, boxes checked, counts live", async () => {
    const { page, errors } = await open("?q=" + encodeURIComponent("情绪") + "&kind=lesson&grade=7");
    const r = await results(page);
    assert.ok(r.length >= 3, JSON.stringify(r.map((x) => x.title)));
    for (const x of r) {
      assert.equal(x.kind, "教学设计", x.title);
      assert.match(x.grades, /七年级/, x.title);
    }
    assert.ok(await checked(page, "kind", "lesson"));
    assert.ok(await checked(page, "grade", "7"));
    assert.ok(!(await checked(page, "kind", "video")));
    // kind counts apply the grade filter only: every grade-7 document mentioning 情绪, by kind
    const kinds = await facetCounts(page, "kind");
    assert.equal(kinds.lesson, r.length);
    assert.ok(kinds.video >= 1 && kinds.review >= 1, JSON.stringify(kinds));
    const grades = await facetCounts(page, "grade");
    assert.equal(grades["7"], r.length);
    assert.ok(grades["3"] >= 1 && grades["10"] >= 1, JSON.stringify(grades));
    assert.match(await page.textContent("#search-filters-label"), /2/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("clicking a facet updates location.search and the results", async () => {
    const { page, errors } = await open("?q=" + encodeURIComponent("情绪"));
    const before = await results(page);
    const counts = await facetCounts(page, "kind");
    assert.equal(counts.video, before.filter((x) => x.kind === "课堂视频").length, "counts match the results");
    assert.equal(counts.lesson, before.filter((x) => x.kind === "教学设计").length);
    await page.click("#search-filters-box > summary"); // folded on a phone
    const seq = await seqOf(page);
    await page.check('#search-filters input[name="kind"][value="video"]');
    await settled(page, seq);
    const search = new URLSearchParams(await page.evaluate(() => location.search));
    assert.equal(search.get("q"), "情绪");
    assert.deepEqual(search.getAll("kind"), ["video"]);
    const after = await results(page);
    assert.ok(after.length >= 1 && after.every((x) => x.kind === "课堂视频"), JSON.stringify(after));
    // and typing replaces the query (debounced)
    const seq2 = await seqOf(page);
    await page.fill("#search-input", "萤火虫");
    await settled(page, seq2);
    assert.equal(new URLSearchParams(await page.evaluate(() => location.search)).get("q"), "萤火虫");
    assert.equal((await results(page))[0].title, "七年级心理课堂实录：放松训练");
    // clear filters
    const seq3 = await seqOf(page);
    await page.click("#search-clear");
    await settled(page, seq3);
    assert.equal(await page.evaluate(() => location.search), "?q=" + encodeURIComponent("萤火虫"));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("back and forward (popstate) restore the search from the URL", async () => {
    const { page, errors } = await open("?q=" + encodeURIComponent("梦"));
    await page.evaluate(() => history.pushState(null, "", "?q=" + encodeURIComponent("萤火虫") + "&kind=video"));
    await page.goBack();
    await page.waitForFunction(() => decodeURIComponent(location.search) === "?q=梦");
    const seq = await seqOf(page);
    await page.goForward();
    await settled(page, seq);
    assert.equal(await page.inputValue("#search-input"), "萤火虫");
    assert.ok(await checked(page, "kind", "video"));
    assert.equal((await results(page))[0].title, "七年级心理课堂实录：放松训练");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("each submitted query is a history entry: Back returns to the search before, filters and all", async () => {
    const { page, errors } = await newPage();
    await page.goto(base);
    await page.goto(`${base}search/?q=${encodeURIComponent("情绪")}`);
    await settled(page);
    await page.click("#search-filters-box > summary"); // folded on a phone
    let seq = await seqOf(page);
    await page.check('#search-filters input[name="kind"][value="lesson"]');
    await settled(page, seq);
    const first = await results(page);
    seq = await seqOf(page);
    await page.fill("#search-input", "考试焦虑");
    await page.press("#search-input", "Enter");
    await settled(page, seq);
    assert.equal(new URLSearchParams(await page.evaluate(() => location.search)).get("q"), "考试焦虑");
    await page.click("#results a");
    await page.waitForURL((u) => !/\/search\//.test(u.pathname));
    await page.goBack();
    await page.waitForFunction(() => /\/search\//.test(location.pathname));
    await settled(page);
    assert.equal(await page.inputValue("#search-input"), "考试焦虑");
    seq = await seqOf(page);
    await page.goBack();
    await settled(page, seq);
    assert.match(await page.evaluate(() => location.pathname), /\/search\/$/);
    assert.equal(await page.inputValue("#search-input"), "情绪");
    assert.ok(await checked(page, "kind", "lesson"));
    assert.deepEqual(await results(page), first);
    // …and Forward brings the later search back
    seq = await seqOf(page);
    await page.goForward();
    await settled(page, seq);
    assert.equal(await page.inputValue("#search-input"), "考试焦虑");
    assert.equal(await checked(page, "kind", "lesson"), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("hostile query and hostile titles run no script and show as text", async () => {
    const { page, errors } = await open("?q=" + encodeURIComponent("<script>window.__xss=3</script>"));
    assert.equal(await page.evaluate(() => typeof window.__xss), "undefined");
    assert.equal(await page.inputValue("#search-input"), "<script>window.__xss=3</script>");
    await page.close();

    const p2 = await open("?q=" + encodeURIComponent("情绪"));
    const r = await results(p2.page);
    const hostile = r.find((x) => x.title.includes("onerror"));
    assert.ok(hostile, "the hostile lesson is found");
    assert.equal(hostile.title, '<img src=x onerror="window.__xss=1">情绪');
    assert.equal(await p2.page.locator("#results img, #results script").count(), 0);
    // show every result, then wait a moment for any onerror to fire
    await p2.page.waitForTimeout(300);
    assert.equal(await p2.page.evaluate(() => typeof window.__xss), "undefined");
    // the lesson's own page too
    await p2.page.goto(new URL(hostile.href, p2.page.url()).href);
    await p2.page.waitForTimeout(300);
    assert.equal(await p2.page.evaluate(() => typeof window.__xss), "undefined");
    assert.deepEqual(errors, []);
    assert.deepEqual(p2.errors, []);
    await p2.page.close();
  });

  test("an empty query with a course filter browses, newest first", async () => {
    const { page, errors } = await open("?course=life-health");
    const r = await results(page);
    assert.deepEqual(r.map((x) => x.title), ["夏季防溺水（微课）", "防溺水安全教育"]);
    assert.ok(r.every((x) => x.course === "生命与健康"));
    assert.ok(await checked(page, "course", "life-health"));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("Back from a result to a search page loaded anew: as many results as before, scrolled where they were", async () => {
    const { page, errors } = await open("?kind=lesson&kind=video&kind=review");
    await page.click("#search-more");
    await page.waitForFunction(() => document.querySelectorAll("#results a").length === 13);
    const last = page.locator("#results a").nth(12);
    await last.scrollIntoViewIfNeeded();
    const y = await page.evaluate(() => window.pageYOffset);
    assert.ok(y > 500, `scrolled to ${y}`);
    const before = await results(page);
    await last.click();
    await page.waitForURL((u) => !/\/search\//.test(u.pathname));
    // Playwright's Chromium keeps no page for Back (like WeChat's browser): the page loads anew.
    await page.goBack();
    await page.waitForFunction(() => /\/search\//.test(location.pathname));
    await settled(page);
    assert.deepEqual(await results(page), before);
    await page.waitForFunction((want) => Math.abs(window.pageYOffset - want) < 3, y);
    // A new search starts at the top with ten again.
    const seq = await seqOf(page);
    await page.fill("#search-input", "情绪");
    await page.press("#search-input", "Enter");
    await settled(page, seq);
    assert.ok((await results(page)).length <= 10);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("Back from a new query to the search before it: as many results as were shown, scrolled where they were", async () => {
    const { page, errors } = await open("?kind=lesson&kind=video&kind=review");
    await page.click("#search-more");
    await page.waitForFunction(() => document.querySelectorAll("#results a").length === 13);
    await page.locator("#results a").nth(12).scrollIntoViewIfNeeded();
    const y = await page.evaluate(() => window.pageYOffset);
    const before = await results(page);
    let seq = await seqOf(page);
    await page.fill("#search-input", "萤火虫");
    await page.press("#search-input", "Enter");
    await settled(page, seq);
    await page.evaluate(() => window.scrollTo(0, 0));
    seq = await seqOf(page);
    await page.goBack();
    await settled(page, seq);
    assert.deepEqual(await results(page), before);
    await page.waitForFunction((want) => Math.abs(window.pageYOffset - want) < 3, y);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("no results under filters on a phone: the folded filter panel opens with its clear button", async () => {
    const { page, errors } = await open("?q=" + encodeURIComponent("萤火虫") + "&kind=review");
    assert.equal((await results(page)).length, 0);
    assert.equal(await page.evaluate(() => document.getElementById("search-filters-box").open), true);
    assert.ok(await page.isVisible("#search-clear"));
    const seq = await seqOf(page);
    await page.click("#search-clear");
    await settled(page, seq);
    assert.equal((await results(page))[0].title, "七年级心理课堂实录：放松训练");
    assert.deepEqual(errors, []);
    await page.close();
    // …while results, or no filters, leave it folded.
    for (const q of ["?q=" + encodeURIComponent("萤火虫"), "?q=" + encodeURIComponent("不存在的词语组合")]) {
      const other = await open(q);
      assert.equal(await other.page.evaluate(() => document.getElementById("search-filters-box").open), false, q);
      await other.page.close();
    }
  });

  test("topic by name or by slug", async () => {
    for (const t of ["防溺水", "fang-ni-shui"]) {
      const { page, errors } = await open("?topic=" + encodeURIComponent(t));
      const r = await results(page);
      assert.deepEqual(r.map((x) => x.title).sort(), ["夏季防溺水（微课）", "防溺水安全教育"].sort(), t);
      assert.ok(await checked(page, "topic", "防溺水"));
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test("printed, the search page shows the query and the results, not the filters or 更多结果", async () => {
    const { page } = await open("?q=" + encodeURIComponent("情绪"));
    await results(page);
    await page.emulateMedia({ media: "print" });
    const shown = await page.evaluate(() => {
      const visible = (sel) => { const el = document.querySelector(sel); return !!el && el.getClientRects().length > 0; };
      return { query: visible("#search-input"), button: visible(".search-form--large .search-button"),
        filters: visible("#search-filters-box"), more: visible(".search-more-row"), results: visible("#results a") };
    });
    assert.deepEqual(shown, { query: true, button: false, filters: false, more: false, results: true });
    await page.close();
  });

  test("更多结果 shows the next ten", async () => {
    const { page, errors } = await open("?kind=lesson&kind=video&kind=review");
    assert.equal((await results(page)).length, 10);
    assert.ok(await page.isVisible("#search-more"));
    await page.click("#search-more");
    await page.waitForFunction(() => document.querySelectorAll("#results a").length === 13);
    assert.ok(!(await page.isVisible("#search-more")));
    const titles = (await results(page)).map((x) => x.title);
    assert.equal(new Set(titles).size, 13, "no duplicates");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("unknown facet values, huge and odd queries never throw", async () => {
    const odd = [
      "?q=" + encodeURIComponent("情绪") + "&kind=bogus&grade=99&grade=x&stage=nope&course=%3Cb%3E&topic=" + encodeURIComponent("不存在"),
      "?q=" + "情".repeat(10000),
      "?q=" + encodeURIComponent("？？？😀🎉"),
      "?q=%E6%83&kind=%",
      "?q=constructor+__proto__+toString",
      "?q=",
      "",
    ];
    for (const q of odd) {
      const { page, errors } = await open(q);
      assert.deepEqual(errors, [], q.slice(0, 60));
      await page.close();
    }
    const { page, errors } = await open(odd[0]);
    assert.ok((await results(page)).length >= 5, "unknown values are ignored");
    // … and the status says so once, as text (the <b> of the address stays letters)
    const said = await status(page);
    assert.ok(said.includes("找不到") && said.includes("“bogus”") && said.includes("“99”"), said);
    assert.equal(await page.$$eval("#search-status b", (b) => b.length), 0);
    // typing a huge mixed query
    const seq = await seqOf(page);
    await page.fill("#search-input", "考试焦虑".repeat(1000) + "😀<b>x</b>".repeat(500));
    await page.press("#search-input", "Enter");
    await settled(page, seq);
    assert.ok((await results(page)).length >= 1);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the home page search box submits to the search page", async () => {
    const { page, errors } = await newPage();
    await page.goto(base);
    const input = page.locator('main form[role="search"] input[name="q"]').first();
    await input.fill("情绪");
    await input.press("Enter");
    await page.waitForURL(/\/portal\/search\/\?q=/);
    assert.equal(new URL(page.url()).searchParams.get("q"), "情绪");
    await settled(page);
    assert.ok((await results(page)).length >= 5);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a query loads only its buckets and the shown documents", async () => {
    const from = srv.hits.length;
    const { page, errors } = await open("?q=" + encodeURIComponent("梦"));
    const loaded = srv.hits.slice(from).filter((p) => p.includes("/search/"));
    const buckets = loaded.filter((p) => /\/p\/\d+\.json$/.test(p));
    const docs = loaded.filter((p) => /\/d\/\d+\.json$/.test(p));
    assert.equal(buckets.length, 1, loaded.join("\n"));
    assert.equal(docs.length, 1, loaded.join("\n"));
    // search-boot.js may start the manifest, facets and postings requests; search.js takes them
    // over: each file is asked for once.
    assert.equal(loaded.filter((p) => p.endsWith("/manifest.json")).length, 1, loaded.join("\n"));
    assert.equal(loaded.filter((p) => p.endsWith("/facets.json")).length, 1, loaded.join("\n"));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the topic counts wait for the filter panel: closed on a phone, open on a wide screen", async () => {
    const from = srv.hits.length;
    const { page, errors } = await open("?q=" + encodeURIComponent("情绪"));
    const topicsAsked = () => srv.hits.slice(from).filter((p) => p.endsWith("/topics.json")).length;
    assert.equal(topicsAsked(), 0, "a closed panel needs no topics.json");
    assert.deepEqual(await facetCounts(page, "topic"), {});
    await page.click("#search-filters-box summary");
    await page.waitForFunction(() => document.querySelectorAll('#search-filters input[name="topic"]').length > 0);
    assert.equal(topicsAsked(), 1);
    const counts = await facetCounts(page, "topic");
    assert.ok(counts["情绪管理"] > 0, JSON.stringify(counts));
    // The counts are those of the query's matches, not of the whole portal.
    const matches = await page.evaluate(() => {
      const r = document.getElementById("results");
      return +r.getAttribute("data-complete") + +r.getAttribute("data-partial");
    });
    assert.ok(matches > 0 && Object.values(counts).every((c) => c <= matches), `${matches} ${JSON.stringify(counts)}`);
    // Filtering by a topic still works once its counts are in.
    const before = await seqOf(page);
    await page.click('#search-filters input[name="topic"][value="情绪管理"]');
    await settled(page, before);
    assert.ok((await results(page)).length > 0);
    assert.deepEqual(errors, []);
    await page.close();

    const wide = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await wide.goto(`${base}search/?q=` + encodeURIComponent("情绪"));
    await settled(wide);
    await wide.waitForFunction(() => document.querySelectorAll('#search-filters input[name="topic"]').length > 0);
    await wide.close();
  });

  test("a topic filter whose topics.json is missing or cut short still shows the results, and says the filter was left out", async () => {
    for (const body of [null, '{"topics":"ABC"}', '{"topics":5}', "{\"topics\":\"AA"]) {
      const { page, errors } = await newPage();
      await page.route("**/topics.json", (route) =>
        body === null ? route.fulfill({ status: 404, body: "" }) : route.fulfill({ status: 200, contentType: "application/json", body }),
      );
      await page.goto(`${base}search/?q=${encodeURIComponent("情绪")}&topic=${encodeURIComponent("情绪管理")}`);
      await settled(page);
      assert.ok((await results(page)).length > 0, String(body));
      const said = await status(page);
      assert.ok(said.includes("情绪管理") && said.includes("已忽略"), `${body}: ${said}`);
      assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), [], String(body));
      await page.close();
    }
  });

  test("typing Chinese asks for its postings before the search itself runs", async () => {
    const { page, errors } = await open("");
    const seq = await seqOf(page);
    await page.evaluate(() => {
      // the moment the search starts (a cached search may finish in the same task, unseen by
      // a MutationObserver)
      const r = document.getElementById("results");
      const set = r.setAttribute;
      r.setAttribute = function (name, value) {
        if (name === "data-state" && value === "loading" && window.__searchAt === undefined) window.__searchAt = performance.now();
        return set.call(this, name, value);
      };
    });
    await page.fill("#search-input", "梦想");
    await settled(page, seq);
    const [searchAt, bucketAt] = await page.evaluate(() => [
      window.__searchAt,
      Math.min(...performance.getEntriesByType("resource").filter((e) => /\/p\/\d+\.json$/.test(e.name)).map((e) => e.startTime)),
    ]);
    assert.ok(bucketAt < searchAt, `postings asked for at ${bucketAt} ms, the search ran at ${searchAt} ms`);
    assert.ok((await results(page)).length > 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("typing letters asks for postings only once the word has three", async () => {
    const { page, errors } = await open("");
    const buckets = () => page.evaluate(() => performance.getEntriesByType("resource").filter((e) => /\/p\/\d+\.json$/.test(e.name)).length);
    const before = await buckets();
    // one keystroke at a time, each well inside the search's pause
    await page.evaluate(() => {
      const box = document.getElementById("search-input");
      for (const value of ["q", "qx"]) {
        box.value = value;
        box.dispatchEvent(new Event("input"));
      }
    });
    await page.waitForTimeout(50);
    assert.equal(await buckets(), before, "q and qx ask for nothing");
    const seq = await seqOf(page);
    await page.evaluate(() => {
      const box = document.getElementById("search-input");
      box.value = "qxgl";
      box.dispatchEvent(new Event("input"));
    });
    await page.waitForFunction((n) => performance.getEntriesByType("resource").filter((e) => /\/p\/\d+\.json$/.test(e.name)).length > n, before);
    await settled(page, seq);
    assert.ok((await results(page)).length > 0, "qxgl finds 情绪管理");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a missing postings file or manifest shows an error, not 'no results'", async () => {
    const { page, errors } = await newPage();
    await page.route("**/p/*.json", (route) => route.fulfill({ status: 404, body: "" }));
    await page.goto(`${base}search/?q=${encodeURIComponent("情绪")}`);
    await page.waitForFunction(() => /失败/.test(document.getElementById("search-status").textContent));
    assert.equal((await results(page)).length, 0);
    assert.ok(errors.every((e) => /404/.test(e)), errors.join("\n"));
    await page.unroute("**/p/*.json");
    await page.route("**/manifest.json", (route) => route.fulfill({ status: 404, body: "" }));
    await page.goto(`${base}search/?q=${encodeURIComponent("情绪")}`);
    await page.waitForFunction(() => /\S/.test(document.getElementById("search-status").textContent) &&
      document.getElementById("results").getAttribute("data-state") === "done");
    assert.match(await status(page), /失败|error/i);
    await page.close();
  });

  test("a query of punctuation or emoji only finds nothing, and says it has no words to search", async () => {
    for (const q of ["！！！", "😀", "？？？😀🎉"]) {
      const { page, errors } = await open("?q=" + encodeURIComponent(q));
      assert.equal((await results(page)).length, 0, q);
      assert.match(await status(page), /没有可搜索的字词/, q);
      assert.deepEqual(errors, [], q);
      await page.close();
    }
    // an empty query still browses everything
    const { page } = await open("?q=");
    assert.ok((await results(page)).length > 0);
    await page.close();
  });

  test("record files that never load say the search failed, not that only some are shown", async () => {
    const { page } = await newPage();
    await page.route("**/d/*.json", (route) => route.fulfill({ status: 404, body: "" }));
    await page.goto(`${base}search/?q=${encodeURIComponent("情绪")}`);
    await page.waitForFunction(() => document.getElementById("results").getAttribute("data-state") === "done" &&
      /\S/.test(document.getElementById("search-status").textContent), null, { timeout: 10000 });
    assert.equal((await results(page)).length, 0);
    assert.match(await status(page), /失败/);
    assert.doesNotMatch(await status(page), /其余/);
    await page.close();
  });

  test("while search.js is slow to arrive, search-boot.js already fetches the manifest, facets and postings", async () => {
    const q = "?q=" + encodeURIComponent("情绪");
    const fast = await open(q);
    const expected = await results(fast.page);
    await fast.page.close();
    const { page, errors } = await newPage();
    let scriptDone = 0;
    const started = {};
    page.on("request", (r) => {
      const name = r.url().replace(/\?.*$/, "").replace(/^.*\/search\/(?:[0-9a-f]+\/)?/, "");
      if (!(name in started)) started[name] = Date.now();
    });
    await page.route("**/static/search.js*", async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      scriptDone = Date.now();
      await route.continue();
    });
    await page.goto(`${base}search/${q}`);
    await settled(page);
    assert.deepEqual(await results(page), expected);
    for (const name of ["manifest.json", "facets.json"]) {
      assert.ok(started[name] && started[name] < scriptDone, `${name} asked for before search.js arrived`);
    }
    assert.ok(Object.keys(started).some((n) => /^p\/\d+\.json$/.test(n) && started[n] < scriptDone), JSON.stringify(started));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("while search.js is slow to arrive, the box already holds the query and the status says it is loading", async () => {
    const { page, errors } = await newPage();
    let scriptDone = 0;
    await page.route("**/static/search.js*", async (route) => {
      await new Promise((r) => setTimeout(r, 2500));
      scriptDone = Date.now();
      await route.continue();
    });
    await page.goto(`${base}search/?q=${encodeURIComponent("情绪 考试")}`, { waitUntil: "commit" });
    await page.waitForFunction(() => document.getElementById("search-input") &&
      document.getElementById("search-input").value === "情绪 考试" &&
      document.getElementById("search-status").textContent === document.getElementById("search-app").getAttribute("data-str-loading"),
    null, { timeout: 2000 });
    assert.equal(scriptDone, 0, "shown before search.js arrived");
    assert.equal(await status(page), "正在加载……");
    await settled(page);
    assert.ok((await results(page)).length > 0);
    assert.doesNotMatch(await status(page), /加载/);
    assert.equal(await page.inputValue("#search-input"), "情绪 考试");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("what the visitor types before a slow search.js arrives is searched, not the address's query", async () => {
    const { page, errors } = await newPage();
    await page.route("**/static/search.js*", async (route) => {
      await new Promise((r) => setTimeout(r, 2000));
      await route.continue();
    });
    await page.goto(`${base}search/?q=${encodeURIComponent("情绪")}`, { waitUntil: "commit" });
    await page.waitForFunction(() => document.getElementById("search-input") && document.getElementById("search-input").value === "情绪", null, { timeout: 2000 });
    await page.fill("#search-input", "梦");
    await settled(page);
    assert.equal(await page.inputValue("#search-input"), "梦");
    assert.equal((await results(page))[0].title, "我的梦想");
    assert.match(page.url(), /q=%E6%A2%A6/);
    assert.deepEqual(errors, []);
    await page.close();
    // A box emptied before the script arrives stays empty: the newest resources are listed.
    const emptied = await newPage();
    await emptied.page.route("**/static/search.js*", async (route) => {
      await new Promise((r) => setTimeout(r, 2000));
      await route.continue();
    });
    await emptied.page.goto(`${base}search/?q=${encodeURIComponent("梦")}`, { waitUntil: "commit" });
    await emptied.page.waitForFunction(() => document.getElementById("search-input") && document.getElementById("search-input").value === "梦", null, { timeout: 2000 });
    await emptied.page.fill("#search-input", "");
    await settled(emptied.page);
    assert.equal(await emptied.page.inputValue("#search-input"), "");
    assert.ok((await results(emptied.page)).length >= 9, "the newest resources");
    assert.doesNotMatch(emptied.page.url(), /q=%E6%A2%A6/);
    await emptied.page.close();
  });

  test("a stale manifest (its facets.json gone) is fetched once more", async () => {
    const { page, errors } = await newPage();
    let refused = 0;
    const manifests = [];
    page.on("request", (r) => r.url().includes("manifest.json") && manifests.push(r.url()));
    await page.route("**/facets.json", (route) => (refused++ === 0 ? route.fulfill({ status: 404, body: "" }) : route.continue()));
    await page.goto(`${base}search/?q=${encodeURIComponent("梦")}`);
    await settled(page);
    assert.equal((await results(page))[0].title, "我的梦想");
    assert.equal(manifests.length, 2);
    assert.match(manifests[1], /manifest\.json\?t=\d+$/);
    assert.ok(errors.every((e) => /404/.test(e)), errors.join("\n"));
    await page.close();
  });

  test("opened from disk (file://), the page loads the offline scripts and finds the same", async () => {
    const q = "?q=" + encodeURIComponent("情绪") + "&kind=lesson";
    const web = await open(q);
    const expected = await results(web.page);
    await web.page.close();
    const { page, errors } = await newPage();
    const requested = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(pathToFileURL(path.join(out, "search", "index.html")).href + q);
    await settled(page);
    const got = await results(page);
    assert.ok(got.length > 1, "results from disk");
    // from disk a link names the page itself: a folder would open as a listing in a new tab
    assert.ok(got.every((r) => /\/index\.html$/.test(r.href)), JSON.stringify(got.map((r) => r.href)));
    assert.deepEqual(got.map((r) => ({ ...r, href: r.href.replace(/index\.html$/, "") })), expected);
    assert.ok(requested.some((u) => /\/offline\/p-\d+\.js$/.test(u)), requested.join("\n"));
    assert.ok(requested.some((u) => /\/search\/manifest\.js$/.test(u)), requested.join("\n"));
    assert.ok(!requested.some((u) => /\.json(\?|$)/.test(u)), "no JSON requests from disk");
    // a facet click works from disk too
    await page.click("#search-filters-box > summary"); // folded on a phone
    const seq = await seqOf(page);
    await page.check('#search-filters input[name="grade"][value="7"]');
    await settled(page, seq);
    assert.match(await page.evaluate(() => location.search), /grade=7/);
    assert.ok((await results(page)).every((r) => r.grades.includes("七年级")));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a match in the body is highlighted in a snippet taken from the page", { skip: PREBUILT && "needs the binary" }, async () => {
    // dream-5 gets a long body; 蒲公英 is written only in its last paragraph (a record carries
    // no body text by default).
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-deep-"));
    fs.cpSync(SITE, site, { recursive: true });
    const file = path.join(site, "content", "lessons", "dream-5.md");
    const filler = "同学们围坐在一起，轮流说出自己心里的愿望，老师认真倾听并给予鼓励。\n\n".repeat(30);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8") + "\n" + filler + "最后，大家把写好的心愿卡系在蒲公英形状的展板上<b>。\n");
    fs.writeFileSync(path.join(site, "content", "lessons", "trad-1.md"),
      "---\ntitle: 繁體正文的一課\ngrade: 4\ncourse: mental-health\ndate: 2023-05-01\nsummary: 一节用繁体字写的课。\n---\n\n我們在夏夜觀察螢火蟲，討論它們的發展。\n");
    const dir = build(site);
    const deep = await serve(dir);
    try {
      const { page, errors } = await newPage();
      await page.goto(`${deep.base}search/?q=` + encodeURIComponent("蒲公英"));
      await settled(page);
      await page.waitForSelector(".result-snippet[data-deep=done]");
      const r = await results(page);
      const dream = r.find((x) => /dream-5/.test(x.href)); // relax-7 says 蒲公英 in a cue
      assert.ok(dream, JSON.stringify(r));
      assert.deepEqual(dream.marks, ["蒲公英"], JSON.stringify(r));
      assert.match(dream.snippet, /心愿卡系在蒲公英形状的展板上<b>。/); // the page's text, as text
      assert.deepEqual(errors, []);
      // a page in traditional characters: its words fold with t2s.json, loaded for the snippet
      const trad = await newPage();
      await trad.page.goto(`${deep.base}search/?q=` + encodeURIComponent("萤火发展"));
      await settled(trad.page);
      await trad.page.waitForSelector(".result-snippet[data-deep=done]");
      const t = (await results(trad.page)).find((x) => x.title === "繁體正文的一課");
      assert.ok(t, JSON.stringify(await results(trad.page)));
      assert.ok(t.marks.some((m) => /螢火|發展/.test(m)), JSON.stringify(t));
      await trad.page.close();
      // a result whose title, summary or topics show every query word fetches no page
      const shallow = await newPage();
      const pages = [];
      shallow.page.on("request", (q) => /\/(lessons|videos|reviews)\//.test(q.url()) && pages.push(new URL(q.url()).pathname));
      await shallow.page.goto(`${deep.base}search/?q=` + encodeURIComponent("梦想"));
      await settled(shallow.page);
      await shallow.page.waitForTimeout(300);
      const shown = await results(shallow.page);
      assert.ok(shown.length > 0);
      const plain = shown.filter((x) => x.title.includes("梦想")).map((x) => new URL(x.href, `${deep.base}search/`).pathname);
      assert.ok(plain.length > 0, JSON.stringify(shown));
      assert.deepEqual(pages.filter((p) => plain.includes(p)), [], JSON.stringify(pages));
      await page.close();
      await shallow.page.close();
    } finally {
      deep.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(site, { recursive: true, force: true });
    }
  });

  test("a site rebuilt while the page is open is searched in its new index; lost index files are said", { skip: PREBUILT && "needs the binary" }, async () => {
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-rebuilt-"));
    fs.cpSync(SITE, site, { recursive: true });
    const dir = build(site);
    const host = await serve(dir);
    const search = async (page, q) => {
      const seq = +(await page.getAttribute("#results", "data-seq"));
      await page.fill("#search-input", q);
      await page.press("#search-input", "Enter");
      await settled(page, seq);
    };
    try {
      // Opened without a query: the newest resources, and no postings file asked for yet
      // (a small site has one, and once loaded it answers from memory).
      const { page } = await newPage();
      await page.goto(`${host.base}search/`);
      await settled(page);
      const gen = JSON.parse(fs.readFileSync(path.join(dir, "search", "manifest.json"), "utf8")).gen;
      // The host rebuilds with a new lesson: every index file moves to a new generation.
      fs.writeFileSync(path.join(site, "content", "lessons", "rebuilt-1.md"),
        "---\ntitle: 重建之后的萤火虫课\ngrade: 3\ncourse: mental-health\ndate: 2024-03-01\nsummary: 一节关于萤火虫的课。\n---\n\n萤火虫在夏夜发光。\n");
      const rebuilt = spawnSync(BIN, ["build", "--root", site, "--out", dir], { encoding: "utf8" });
      assert.equal(rebuilt.status, 0, rebuilt.stderr);
      assert.notEqual(JSON.parse(fs.readFileSync(path.join(dir, "search", "manifest.json"), "utf8")).gen, gen);
      // Suggestions as you type read the new manifest too (their files moved with the rest).
      await page.fill("#search-input", "");
      await page.focus("#search-input");
      await page.keyboard.type("重建");
      await page.waitForFunction(() => {
        const l = document.getElementById("search-input-suggestions");
        return l && !l.hidden && l.textContent.indexOf("重建之后的萤火虫课") >= 0;
      });
      await search(page, "萤火虫");
      assert.equal((await results(page))[0].title, "重建之后的萤火虫课");
      assert.doesNotMatch(await page.textContent("#search-status"), /失败/);
      // Files the host lost, under the same generation. A lost record file: the results that
      // did load are shown, and the status line says some could not be.
      const index = path.join(dir, "search", JSON.parse(fs.readFileSync(path.join(dir, "search", "manifest.json"), "utf8")).gen);
      fs.rmSync(path.join(index, "d", "0.json"));
      const partial = await newPage();
      await partial.page.goto(`${host.base}search/`);
      await partial.page.waitForFunction(() => /资料没能加载/.test(document.getElementById("search-status").textContent));
      const some = (await results(partial.page)).length;
      assert.ok(some > 0 && some < 10, `${some} results shown`);
      await partial.page.close();
      // Lost postings: nothing to rank with, the status line says the index failed.
      fs.rmSync(path.join(index, "p"), { recursive: true });
      const lost = await newPage();
      // Opened without a query (records only), then a search that needs the lost postings:
      // the failure is said, and the newest resources listed before do not stand under it.
      await lost.page.goto(`${host.base}search/`);
      await settled(lost.page);
      assert.ok((await results(lost.page)).length > 0);
      await lost.page.fill("#search-input", "考试焦虑");
      await lost.page.press("#search-input", "Enter");
      await lost.page.waitForFunction(() => /失败/.test(document.getElementById("search-status").textContent));
      assert.equal(await lost.page.getAttribute("#search-status", "class"), "search-status search-status--error");
      assert.deepEqual(await results(lost.page), []);
      assert.equal(await lost.page.getAttribute("#search-more", "hidden"), "");
      await page.close();
      await lost.page.close();
    } finally {
      host.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(site, { recursive: true, force: true });
    }
  });

  test("a filter ticked after the site was rebuilt under the open page is applied in the new index", { skip: PREBUILT && "needs the binary" }, async () => {
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-refilter-"));
    fs.cpSync(SITE, site, { recursive: true });
    // Enough resources that the records a filter brings up are in files not yet loaded.
    for (let n = 1; n <= 40; n++) {
      fs.writeFileSync(path.join(site, "content", "lessons", `extra-${n}.md`),
        `---\ntitle: 情绪练习${n}\ngrade: ${(n % 9) + 1}\ncourse: mental-health\ndate: 2020-01-${String((n % 28) + 1).padStart(2, "0")}\n---\n\n情绪。\n`);
    }
    const dir = build(site);
    const host = await serve(dir);
    try {
      const { page } = await newPage();
      await page.goto(`${host.base}search/?q=${encodeURIComponent("情绪")}`);
      await settled(page);
      const all = (await results(page)).length;
      fs.writeFileSync(path.join(site, "content", "lessons", "refilter-1.md"),
        "---\ntitle: 重建后的情绪课\ngrade: 4\ncourse: mental-health\ndate: 2024-03-02\nsummary: 情绪。\n---\n\n情绪。\n");
      assert.equal(spawnSync(BIN, ["build", "--root", site, "--out", dir], { encoding: "utf8" }).status, 0);
      // Opening the filters asks for the old index's topics.json, gone now: the page reads the
      // new manifest. A box ticked then (as a script would: on a phone they are folded).
      const seq = +(await page.getAttribute("#results", "data-seq"));
      await page.click("#search-filters-box summary");
      await page.$eval('#search-filters input[name="grade"][value="3"]', (box) => box.click());
      await page.waitForFunction((s) => +document.getElementById("results").getAttribute("data-seq") > s, seq);
      await page.waitForTimeout(1500);
      await settled(page);
      const shown = await results(page);
      assert.ok(shown.length > 0 && shown.length <= all, `${shown.length} of ${all}`);
      assert.ok(shown.every((r) => r.grades.includes("三年级")), JSON.stringify(shown.map((r) => r.grades)));
      assert.match(await page.textContent("#search-status"), /条/);
      await page.close();
    } finally {
      host.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(site, { recursive: true, force: true });
    }
  });

  test("a word only in the last cue of a two-hour transcript links to that moment, over HTTP and from disk", { skip: PREBUILT && "needs the binary" }, async () => {
    // drowning-4 becomes a two-hour recording with 2,000 cues; 银杏叶 is said only in the last,
    // at 1:39:59 — far past what a search record carries, so its cue comes from a part file.
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-long-"));
    fs.cpSync(SITE, site, { recursive: true });
    const stamp = (s) => {
      const two = (n) => String(n).padStart(2, "0");
      return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.000`;
    };
    const cues = ["WEBVTT", ""];
    for (let n = 0; n < 2000; n++) {
      const start = n * 3 + 1 + (n === 1999 ? 1 : 0);
      const text = n === 1999 ? "最后请大家看窗外的银杏叶，下课。" : `第${n}句：遇到同伴落水，先大声呼救，再找大人帮忙。`;
      cues.push(`${stamp(start)} --> ${stamp(start + 2)}`, `<v 吴老师>${text}`, "");
    }
    fs.mkdirSync(path.join(site, "content", "assets", "captions"), { recursive: true });
    fs.writeFileSync(path.join(site, "content", "assets", "captions", "drowning-4.vtt"), cues.join("\n"));
    const file = path.join(site, "content", "videos", "drowning-4.md");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('duration: "05:12"', 'duration: "2:00:00"\ncaptions: captions/drowning-4.vtt'));
    const dir = build(site);
    const long = await serve(dir);
    try {
      const q = "?q=" + encodeURIComponent("银杏叶");
      const { page, errors } = await newPage();
      const requested = [];
      page.on("request", (r) => requested.push(r.url()));
      await page.goto(`${long.base}search/${q}`);
      await settled(page);
      const r = await results(page);
      assert.equal(r.length, 1, JSON.stringify(r));
      assert.equal(r[0].title, "夏季防溺水（微课）");
      assert.match(r[0].href, /^\.\.\/videos\/drowning-4\/(index\.html)?#t=5999$/);
      assert.equal(r[0].snippet, "[1:39:59] 最后请大家看窗外的银杏叶，下课。");
      assert.deepEqual(r[0].marks, ["银杏叶"]);
      const parts = requested.filter((u) => /\/tr[0-9a-f]{10}\.json$/.test(u));
      assert.equal(parts.length, 1, `only the part holding the word is fetched: ${parts.join(" ")}`);
      assert.deepEqual(errors, []);
      await page.close();
      // From disk: the same result through the parts' offline scripts.
      const disk = await newPage();
      await disk.page.goto(pathToFileURL(path.join(dir, "search", "index.html")).href + q);
      await settled(disk.page);
      const fromDisk = await results(disk.page);
      assert.equal(fromDisk[0].href, "../videos/drowning-4/index.html#t=5999");
      assert.deepEqual(fromDisk.map((x) => ({ ...x, href: x.href.replace("index.html#", "#") })), r);
      assert.deepEqual(disk.errors, []);
      await disk.page.close();
    } finally {
      long.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(site, { recursive: true, force: true });
    }
  });

  test("a zero-document index shows no results and no error", { skip: PREBUILT && "needs the binary" }, async () => {
    const dir = build(EMPTY_SITE);
    const empty = await serve(dir);
    try {
      for (const q of ["?q=" + encodeURIComponent("情绪") + "&kind=lesson", "?course=mental-health", ""]) {
        const { page, errors } = await newPage();
        await page.goto(`${empty.base}search/${q}`);
        await settled(page);
        assert.equal((await results(page)).length, 0);
        assert.doesNotMatch(await status(page), /失败/);
        assert.deepEqual(errors, [], q);
        await page.close();
      }
    } finally {
      empty.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test("on a 五四制 site, 初一 and 初中 mean the site's own junior grades, and 只看 names them", { skip: PREBUILT && "needs the binary" }, async () => {
    // The search fixture again, with grades 1–5 primary and 6–9 junior (初一–初四).
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-54-"));
    fs.cpSync(path.join(SITE, "content"), path.join(site, "content"), { recursive: true });
    const names = ["一年级", "二年级", "三年级", "四年级", "五年级", "初一", "初二", "初三", "初四", "高一", "高二", "高三"];
    const grades = names.map((name, i) => {
      const stage = i < 5 ? "primary" : i < 9 ? "junior" : "senior";
      return `  - { number: ${i + 1}, name: ${name}, stage: ${stage} }`;
    });
    fs.writeFileSync(path.join(site, "site.yaml"), [
      "title: 五四制门户", "base_url: /", "language: zh-CN",
      "courses:", "  - {slug: mental-health, name: 心理健康}", "  - {slug: morality-law, name: 道德与法治}", "  - {slug: life-health, name: 生命与健康}",
      "stages:", "  - { slug: primary, name: 小学 }", "  - { slug: junior, name: 初中 }", "  - { slug: senior, name: 高中 }",
      "grades:", ...grades, "",
    ].join("\n"));
    const dir = build(site);
    const five = await serve(dir);
    try {
      const { page, errors } = await newPage();
      await page.goto(`${five.base}search/?q=${encodeURIComponent("初一")}`);
      await settled(page);
      const found = await results(page);
      assert.ok(found.length >= 1 && found.every((r) => r.grades.includes("初一")), JSON.stringify(found));
      assert.equal(await page.textContent("#search-only-grade"), "只看初一");
      await page.click("#search-only-grade");
      await page.waitForFunction(() => new URLSearchParams(location.search).get("grade") === "6");
      await page.goto(`${five.base}search/?q=${encodeURIComponent("初中")}`);
      await settled(page);
      const junior = (await results(page)).map((r) => r.grades);
      assert.ok(junior.some((g) => g.includes("初一")) && junior.some((g) => g.includes("初四")), JSON.stringify(junior));
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      five.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(site, { recursive: true, force: true });
    }
  });

  test("in English, a count of one is singular and a result card names its kind in the singular", { skip: PREBUILT && "needs the binary" }, async () => {
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-en-"));
    fs.cpSync(path.join(SITE, "content"), path.join(site, "content"), { recursive: true });
    fs.writeFileSync(path.join(site, "site.yaml"), fs.readFileSync(path.join(SITE, "site.yaml"), "utf8").replace("language: zh-CN", "language: en"));
    const dir = build(site);
    const en = await serve(dir);
    try {
      const { page, errors } = await newPage();
      const search = async (qs) => {
        await page.goto(`${en.base}search/${qs}`);
        await settled(page);
        return [await status(page), (await results(page)).map((r) => r.kind)];
      };
      assert.deepEqual(await search("?q=" + encodeURIComponent("萤火虫")), ["1 result", ["Classroom video"]]);
      assert.deepEqual((await search("?q=" + encodeURIComponent("防溺水")))[0], "2 results");
      const [split, kinds] = await search("?q=" + encodeURIComponent("焦虑 放松"));
      assert.equal(split, "1 full match, 3 partial");
      assert.deepEqual([...new Set(kinds)].sort(), ["Classroom video", "Lecture review", "Lesson plan"]);
      assert.equal((await search("?q=" + encodeURIComponent("考试焦虑")))[0], "3 full matches, 1 partial");
      // the filter panel keeps the plural names of the kinds
      await page.click("#search-filters-box > summary");
      const label = await page.$eval('#search-filters input[name="kind"][value="lesson"]', (i) => i.closest("label").textContent);
      assert.match(label, /Lesson plans/);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      en.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(site, { recursive: true, force: true });
    }
  });

  test("the textbook facet of the sample portal filters, counts and lives in the URL", { skip: PREBUILT && "needs the binary" }, async () => {
    const dir = build(ROOT);
    const sample = await serve(dir);
    try {
      const { page, errors } = await newPage();
      await page.goto(`${sample.base}search/?textbook=daofa-7a`);
      await settled(page);
      const hrefs = (await results(page)).map((r) => r.href).sort();
      assert.deepEqual(hrefs, [
        "../lessons/qin-zi-gou-tong/",
        "../lessons/zhen-ai-sheng-ming/",
        "../reviews/zhen-ai-sheng-ming-shuo-ke/",
        "../videos/qin-zi-gou-tong-wei-ke/",
        "../videos/zhen-ai-sheng-ming-shi-lu/",
      ]);
      const facet = await page.$$eval("#search-filters .facet--textbook .facet-value", (lis) =>
        lis.map((li) => [li.querySelector("input").value, li.querySelector("input").checked, li.querySelector(".facet-count").textContent]));
      assert.deepEqual(facet, [["daofa-7a", true, "5"], ["xinli-8", false, "5"]]);
      const legend = await page.$eval("#search-filters .facet--textbook legend", (l) => l.textContent);
      assert.equal(legend, "教材");
      await page.click("#search-filters-box > summary"); // folded on a phone
      const seq = await seqOf(page);
      await page.check('#search-filters input[name="kind"][value="lesson"]');
      await settled(page, seq);
      assert.equal(await page.evaluate(() => location.search), "?kind=lesson&textbook=daofa-7a");
      assert.equal((await results(page)).length, 2);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      sample.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

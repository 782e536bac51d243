// Browser end-to-end test of `lectern serve`: make a site with `lectern init`, serve it on a free
// port, open a lesson in Debian's Chromium (playwright-core) and edit the lesson's file the way
// editors do. The page must reload by itself (the injected Server-Sent Events script), show the
// build errors in an escaped box while the last good build stays served, and settle on the last
// of a burst of saves.
//
//   npm install && node --test tests/e2e/serve.test.mjs   (needs target/debug/lectern and /usr/bin/chromium)
//   LECTERN_BUILD=1 node --test tests/e2e/serve.test.mjs  (runs `cargo build` first)
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, launchChromium } from "./chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "target", "debug", "lectern");
const LESSON_REL = "content/lessons/wo-de-qing-xu-ri-ji.md";
const LESSON_URL = "lessons/wo-de-qing-xu-ri-ji/";
const RELOAD_LIMIT_MS = 5000;

function whySkip() {
  if (process.env.LECTERN_BUILD === "1") {
    const r = spawnSync("cargo", ["build"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) return "cargo build failed";
  }
  if (!fs.existsSync(BIN)) return `no ${path.relative(ROOT, BIN)}: run cargo build (or LECTERN_BUILD=1)`;
  if (!fs.existsSync(CHROMIUM)) return `no ${CHROMIUM}: apt-get install chromium`;
  if (!fs.existsSync(path.join(ROOT, "node_modules", "playwright-core"))) return "playwright-core missing: npm install";
  return false;
}
const skip = whySkip();
if (skip) console.log(`skipping the serve e2e test: ${skip}`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `lectern serve --port 0` and resolves with the URL from its "Serving at" line. Its
 * private folder goes under the site's parent (TMPDIR), which the test removes afterwards.
 */
function startServer(site) {
  const env = { ...process.env, TMPDIR: path.dirname(site) };
  const child = spawn(BIN, ["serve", "--root", site, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env });
  const log = [];
  const builds = []; // { at, line } of every "Built …" / "Updated …" / "Build failed …" line, for the timings
  let buffered = "";
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Serving at" line within 60 s:\n${log.join("\n")}`)), 60000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        log.push(line);
        if (/^(Built|Updated|Build failed)/.test(line)) builds.push({ at: Date.now(), line });
        const m = /^Serving at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
    child.stdout.resume();
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`lectern serve exited (${code ?? signal}) before serving:\n${log.join("\n")}`));
    });
  });
  return { child, log, builds, url };
}

/** Ctrl-C first (lets it remove its private folder); SIGKILL when it does not stop in time. */
async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return "already stopped";
  const exited = new Promise((r) => child.once("exit", () => r(true)));
  child.kill("SIGINT");
  if (await Promise.race([exited, sleep(3000).then(() => false)])) return "stopped by SIGINT";
  child.kill("SIGKILL");
  await exited;
  // It had no chance to clean up after itself: its private folder goes with the test's folder.
  return "did not stop within 3 s of SIGINT: killed";
}

describe("lectern serve (live reload)", { skip }, () => {
  let tmp, site, lesson, original, server, base, browser, page;
  const pageErrors = [];
  const consoleErrors = [];
  const timings = {};
  let eventStreams = 0;
  let navigations = 0;
  const timeline = []; // { at, what }: page loads and event-stream connections, for failure reports
  // Whatever happens (a crash, an assertion in `before`), never leave the server running.
  const killOnExit = () => server && server.child.exitCode === null && server.child.kill("SIGKILL");

  before(async () => {
    process.on("exit", killOnExit);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-serve-e2e-"));
    site = path.join(tmp, "site");
    const init = spawnSync(BIN, ["init", site], { encoding: "utf8" });
    assert.equal(init.status, 0, `lectern init failed:\n${init.stderr}`);
    lesson = path.join(site, LESSON_REL);
    original = fs.readFileSync(lesson, "utf8");
    assert.match(original, /^title: 我的情绪日记$/m);

    server = startServer(site);
    base = await server.url;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`console: ${m.text()} ${JSON.stringify(m.location())}`);
    });
    page.on("response", (r) => {
      if (r.url().endsWith("/__lectern/events")) {
        eventStreams++;
        timeline.push({ at: Date.now(), what: "page: event stream connected" });
      } else if (r.request().isNavigationRequest()) {
        timeline.push({ at: Date.now(), what: `page: got ${r.status()} ${new URL(r.url()).pathname}` });
      }
    });
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) {
        navigations++;
        timeline.push({ at: Date.now(), what: "page: navigated" });
      }
    });
    const streamOpen = page.waitForResponse((r) => r.url().endsWith("/__lectern/events"), { timeout: 10000 });
    const response = await page.goto(base + LESSON_URL);
    assert.equal(response.status(), 200);
    await streamOpen;
  });

  after(async () => {
    process.off("exit", killOnExit);
    if (browser) await browser.close();
    const how = server ? await stopServer(server.child) : "not started";
    if (server) {
      console.log(`# lectern serve: ${how}`);
      if (process.env.LECTERN_E2E_LOG) console.log(server.log.join("\n"));
    }
    if (Object.keys(timings).length) console.log(`# live-reload timings (ms): ${JSON.stringify(timings)}`);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The lesson's source with some front-matter lines replaced: { title: "…", grade: "15" }. */
  function lessonWith(fields) {
    let text = original;
    for (const [key, value] of Object.entries(fields)) {
      const re = new RegExp(`^${key}: .*$`, "m");
      assert.match(text, re, key);
      text = text.replace(re, () => `${key}: ${value}`);
    }
    return text;
  }

  /** An editor's plain save: the whole file rewritten in place. */
  const saveInPlace = (text) => fs.writeFileSync(lesson, text);
  /** An editor's atomic save: a temporary file renamed over the original. */
  function saveAtomically(text) {
    fs.writeFileSync(lesson + ".tmp", text);
    fs.renameSync(lesson + ".tmp", lesson);
  }

  /**
   * Polls `predicate` in the page (surviving the reloads in between) until it returns a truthy
   * value; returns { value, ms } with the time since `since`.
   */
  async function until(predicate, arg, { since = Date.now(), timeout = RELOAD_LIMIT_MS, what = "condition" } = {}) {
    let last;
    for (;;) {
      try {
        const value = await page.evaluate(predicate, arg);
        if (value) return { value, ms: Date.now() - since };
        last = undefined;
      } catch (e) {
        last = e; // the page navigated away under us; try again in the new document
      }
      if (Date.now() - since > timeout) {
        const state = await page.evaluate(() => ({
          url: location.href,
          marker: window.__marker,
          h1: document.querySelector("h1")?.textContent.trim(),
          errors: document.getElementById("lectern-errors")?.textContent,
        })).catch((e) => String(e));
        const served = await fetch(base + LESSON_URL).then((r) => r.text())
          .then((html) => /<h1[^>]*>([^<]*)/.exec(html)?.[1], (e) => String(e));
        // what happened around the save, in order, in ms since it
        const events = [...timeline, ...server.builds.map((b) => ({ at: b.at, what: `server: ${b.line}` }))]
          .filter((e) => e.at >= since - 200)
          .sort((a, b) => a.at - b.at)
          .map((e) => `  ${String(e.at - since).padStart(6)} ms  ${e.what}`);
        throw new Error(`${what}: not within ${timeout} ms; page: ${JSON.stringify(state)}; the server now serves ` +
          `<h1>${served}</h1>` + (last ? `; last error: ${last.message}` : "") + `\ntimeline:\n${events.join("\n")}`);
      }
      await sleep(10);
    }
  }

  /** Marks the current document, runs `save` and waits for a reloaded document satisfying `ready`. */
  async function saveAndWaitForReload(save, ready, arg, what) {
    await page.evaluate(() => { window.__marker = 1; });
    assert.equal(await page.evaluate(() => window.__marker), 1);
    // The reloaded page must be listening again before the next save, or its event could be missed.
    const streamOpen = page.waitForResponse((r) => r.url().endsWith("/__lectern/events"), { timeout: RELOAD_LIMIT_MS + 5000 });
    const started = Date.now();
    save();
    const { ms, value } = await until(
      (a) => window.__marker === undefined && document.readyState !== "loading" && (0, eval)(`(${a.ready})`)(a.arg) &&
        // when the new document started loading, on the page's clock
        { navigationStart: performance.timeOrigin },
      { ready: ready.toString(), arg },
      { since: started, what },
    );
    await streamOpen;
    assert.equal(await page.evaluate(() => window.__marker), undefined, "the page was reloaded");
    const built = server.builds.find((b) => b.at >= started);
    return {
      ms,
      // write → "Built …" line read from stderr (the rebuild and the reload event are sent together)
      buildMs: built ? built.at - started : null,
      // write → the browser started loading the new document
      reloadStartMs: Math.round(value.navigationStart - started),
      build: built?.line,
    };
  }

  function record(t, key, label, r) {
    timings[key] = { shownMs: r.ms, builtMs: r.buildMs, reloadStartedMs: r.reloadStartMs };
    const line = `${label}: shown after ${r.ms} ms (rebuilt after ${r.buildMs} ms, reload started after ${r.reloadStartMs} ms; ${r.build})`;
    t.diagnostic(line);
  }

  const h1 = () => page.evaluate(() => document.querySelector("h1")?.textContent.trim());
  const errorBox = () => page.evaluate(() => {
    const box = document.getElementById("lectern-errors");
    if (!box) return null;
    const r = box.getBoundingClientRect();
    return {
      text: box.textContent,
      role: box.getAttribute("role"),
      visible: r.width > 0 && r.height > 0 && getComputedStyle(box).visibility !== "hidden",
      elements: Array.from(box.querySelectorAll("*")).map((e) => e.tagName.toLowerCase()),
    };
  });

  test("the served lesson has its title, no error box, and the reload script", async () => {
    assert.equal(await h1(), "我的情绪日记");
    assert.equal(await errorBox(), null);
    assert.equal(eventStreams, 1);
  });

  test("(1) a plain save reloads the page with the new title", async (t) => {
    const title = "我的情绪日记（修订版）";
    const r = await saveAndWaitForReload(
      () => saveInPlace(lessonWith({ title })),
      (title) => document.querySelector("h1")?.textContent.trim() === title,
      title,
      "new title after a plain save",
    );
    record(t, "plainSave", "plain save → new <h1>", r);
    assert.ok(r.ms <= RELOAD_LIMIT_MS, `${r.ms} ms`);
    assert.equal(await errorBox(), null);
  });

  test("(2) an atomic save (write .tmp, rename over) reloads the page too", async (t) => {
    const title = "我的情绪日记（原子保存）";
    const r = await saveAndWaitForReload(
      () => saveAtomically(lessonWith({ title })),
      (title) => document.querySelector("h1")?.textContent.trim() === title,
      title,
      "new title after an atomic save",
    );
    record(t, "atomicSave", "atomic save → new <h1>", r);
    assert.ok(!fs.existsSync(lesson + ".tmp"));
    assert.equal(await errorBox(), null);
  });

  test("(3) broken front matter shows the error box over the last good page", async (t) => {
    const r = await saveAndWaitForReload(
      () => saveInPlace(lessonWith({ title: "这个标题不应出现", grade: "15" })),
      () => !!document.getElementById("lectern-errors"),
      null,
      "error box after grade: 15",
    );
    record(t, "errorBox", "broken save → error box", r);
    const box = await errorBox();
    assert.ok(box.visible, "the box is visible");
    assert.equal(box.role, "alert");
    assert.ok(await page.isVisible("#lectern-errors"));
    assert.match(box.text, /content\/lessons\/wo-de-qing-xu-ri-ji\.md:3\b/);
    assert.match(box.text, /grade 15 does not exist/);
    assert.match(box.text, /use one of the site's grades/, "the help is shown");
    // the last good build is still served
    assert.equal(await h1(), "我的情绪日记（原子保存）");
    assert.ok(!(await page.textContent("body")).includes("这个标题不应出现"));
  });

  test("(4) a hostile value in a broken field is shown as text and runs nothing", async (t) => {
    const hostile = "<img src=x onerror=window.__xss=1>";
    const r = await saveAndWaitForReload(
      () => saveInPlace(lessonWith({ grade: "15", course: `"${hostile}"` })),
      (hostile) => (document.getElementById("lectern-errors")?.textContent || "").includes(hostile),
      hostile,
      "error box with the hostile course",
    );
    record(t, "hostileBox", "hostile save → new error box", r);
    const box = await errorBox();
    assert.ok(box.visible);
    assert.match(box.text, /content\/lessons\/wo-de-qing-xu-ri-ji\.md:4\b/);
    assert.ok(box.text.includes(`unknown course \`${hostile}\``), box.text);
    assert.match(box.text, /grade 15 does not exist/);
    assert.ok(!box.elements.includes("img") && !box.elements.includes("script"), box.elements.join(","));
    assert.equal(await page.locator("img[onerror]").count(), 0);
    await page.waitForTimeout(300); // time for an onerror to fire, were there an image
    assert.equal(await page.evaluate(() => typeof window.__xss), "undefined");
    assert.equal(await h1(), "我的情绪日记（原子保存）");
  });

  test("(5) fixing the file removes the box and shows the fixed title", async (t) => {
    const title = "我的情绪日记（已修复）";
    const r = await saveAndWaitForReload(
      () => saveInPlace(lessonWith({ title })),
      (title) => !document.getElementById("lectern-errors") &&
        document.querySelector("h1")?.textContent.trim() === title,
      title,
      "box gone and fixed title",
    );
    record(t, "fixed", "fixing save → box gone, new <h1>", r);
    assert.equal(await errorBox(), null);
    assert.equal(await page.evaluate(() => typeof window.__xss), "undefined");
  });

  test("(6) fifty saves within a second: the page settles on the last one", async (t) => {
    const final = "我的情绪日记（第50次保存）";
    await page.evaluate(() => { window.__marker = 1; });
    const navigationsBefore = navigations;
    const started = Date.now();
    for (let i = 1; i <= 50; i++) {
      const title = i === 50 ? final : `快速保存 ${i}`;
      // mix both kinds of saves, as several editors and formatters would
      if (i % 5 === 0) saveAtomically(lessonWith({ title }));
      else saveInPlace(lessonWith({ title }));
      // Blocking sleep: the timers of a busy event loop (Playwright's traffic) would stretch the burst.
      const due = started + i * 20;
      if (i < 50 && Date.now() < due) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, due - Date.now());
    }
    const lastWrite = Date.now();
    const burstMs = lastWrite - started;
    assert.ok(burstMs <= 2000, `the burst took ${burstMs} ms (a stalled machine?)`);
    const { ms } = await until(
      (final) => window.__marker === undefined && document.readyState !== "loading" &&
        document.querySelector("h1")?.textContent.trim() === final,
      final,
      { since: lastWrite, what: "the final title after 50 quick saves" },
    );
    // Settled: nothing more reloads for a second, and the page still shows the final state.
    let quiet = navigations;
    let quietSince = Date.now();
    while (Date.now() - quietSince < 1000) {
      await sleep(50);
      if (navigations !== quiet) {
        quiet = navigations;
        quietSince = Date.now();
      }
      assert.ok(Date.now() - lastWrite < 15000, "the page keeps reloading");
    }
    assert.equal(await h1(), final);
    assert.equal(await errorBox(), null);
    const reloads = navigations - navigationsBefore;
    const builds = server.builds.filter((b) => b.at >= started);
    const lastBuild = builds.at(-1);
    timings.burst = { writesOverMs: burstMs, lastWriteToFinalTitleMs: ms, lastWriteToLastBuildMs: lastBuild.at - lastWrite,
      builds: builds.length, pageLoads: reloads };
    const line = `50 saves in ${burstMs} ms → final title ${ms} ms after the last write; ${builds.length} builds ` +
      `(last: ${lastBuild.at - lastWrite} ms after the last write, ${lastBuild.line}); ${reloads} page loads`;
    t.diagnostic(line);
  });

  test("(6b) site.yaml edited (a full build): the open page says it is rebuilding, then reloads", async () => {
    await page.evaluate(() => {
      sessionStorage.removeItem("rebuildingShown");
      new MutationObserver(() => {
        const badge = document.getElementById("lectern-building");
        if (badge) sessionStorage.setItem("rebuildingShown", badge.textContent);
      }).observe(document.body, { childList: true });
    });
    const siteYaml = path.join(site, "site.yaml");
    const config = fs.readFileSync(siteYaml, "utf8");
    const r = await saveAndWaitForReload(
      () => fs.writeFileSync(siteYaml, config + "\n# 编辑过\n"),
      () => true,
      null,
      "reload after site.yaml",
    );
    assert.ok(r.build.startsWith("Built"), r.build);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("rebuildingShown")), "正在重新生成站点…");
    assert.equal(await page.evaluate(() => document.getElementById("lectern-building")), null, "gone after the reload");
    await saveAndWaitForReload(() => fs.writeFileSync(siteYaml, config), () => true, null, "reload after restoring it");
  });

  test("(6c) a new lesson is patched in, not rebuilt: the open page reloads and the home page lists it", async () => {
    const added = path.join(path.dirname(lesson), "xin-zeng-ke.md");
    const r = await saveAndWaitForReload(
      () => fs.writeFileSync(added, lessonWith({ title: "新增的一课", date: "2026-06-01" })),
      () => true,
      null,
      "reload after a new lesson",
    );
    assert.ok(r.build.startsWith("Updated"), r.build);
    const home = await browser.newPage();
    await home.goto(base);
    assert.ok((await home.content()).includes("新增的一课"), "the newest lesson is on the home page");
    await home.close();
    const d = await saveAndWaitForReload(() => fs.unlinkSync(added), () => true, null, "reload after the delete");
    assert.ok(d.build.startsWith("Updated"), d.build);
  });

  test("(7) no script errors on the page during the whole test", () => {
    assert.deepEqual(pageErrors, []);
    if (consoleErrors.length) console.log(`# console errors (not failures):\n${consoleErrors.join("\n")}`);
  });

  // Regression tests for two bugs found by this suite (both fixed in src/serve).

  test("a build that finishes before the page's event stream connects still reloads it", async () => {
    const other = await browser.newPage();
    let release;
    const held = new Promise((r) => { release = r; });
    // Hold this page's EventSource request until the rebuild has been announced (a slow reload
    // does the same in real life: two saves ~130–340 ms apart leave the page stale about 1 time in 10).
    await other.route("**/__lectern/events", async (route) => {
      await held;
      await route.continue();
    });
    try {
      await other.goto(base + LESSON_URL);
      const title = "我的情绪日记（错过的重载）";
      const buildsBefore = server.builds.length;
      saveInPlace(lessonWith({ title }));
      const deadline = Date.now() + RELOAD_LIMIT_MS;
      while (server.builds.length === buildsBefore && Date.now() < deadline) await sleep(10);
      assert.ok(server.builds.length > buildsBefore, "rebuilt");
      assert.match((await (await fetch(base + LESSON_URL)).text()), new RegExp(title), "the server serves the new title");
      release();
      await other.waitForFunction((title) => document.querySelector("h1")?.textContent.trim() === title, title,
        { timeout: RELOAD_LIMIT_MS });
    } finally {
      release();
      await other.close();
    }
  });

  test("a file is served in the parts a video player asks for (Range), the pages whole", async () => {
    const css = await fetch(base + "static/site.css");
    const size = (await css.arrayBuffer()).byteLength;
    assert.equal(css.headers.get("accept-ranges"), "bytes");
    const part = await fetch(base + "static/site.css", { headers: { Range: "bytes=10-19" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 10-19/${size}`);
    assert.equal((await part.arrayBuffer()).byteLength, 10);
    const past = await fetch(base + "static/site.css", { headers: { Range: `bytes=${size}-` } });
    assert.equal(past.status, 416);
    const html = await fetch(base + LESSON_URL, { headers: { Range: "bytes=0-9" } });
    assert.equal(html.status, 200, "a page is whole: its reload script goes in");
  });

  test("Ctrl-C stops the server while a page is open", async () => {
    const second = startServer(site);
    const other = await browser.newPage();
    try {
      const url = await second.url;
      const streamOpen = other.waitForResponse((r) => r.url().endsWith("/__lectern/events"), { timeout: 10000 });
      await other.goto(url + LESSON_URL);
      await streamOpen;
      const exited = new Promise((r) => second.child.once("exit", () => r(true)));
      second.child.kill("SIGINT");
      const stopped = await Promise.race([exited, sleep(3000).then(() => false)]);
      assert.ok(stopped, "still running 3 s after SIGINT with a page open");
    } finally {
      await other.close();
      await stopServer(second.child);
    }
  });
});

// Browser test of `lectern pack`: pack tests/fixtures/sites/full (whose build writes no offline
// scripts), unzip the package into a temp folder as a teacher would from a USB stick, open its
// search page from disk (file://) in Debian's Chromium and find a result; and the video file
// under content/assets/ is in the zip unless --without-media.
//
//   node --test tests/e2e/pack.test.mjs   (needs target/debug/lectern, python3 and /usr/bin/chromium)
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CHROMIUM, launchChromium } from "./chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "target", "debug", "lectern");
const SITE = path.join(ROOT, "tests", "fixtures", "sites", "full");

function whySkip() {
  if (!fs.existsSync(BIN)) return `no ${path.relative(ROOT, BIN)}: run cargo build`;
  if (!fs.existsSync(CHROMIUM)) return `no ${CHROMIUM}: apt-get install chromium`;
  if (!fs.existsSync(path.join(ROOT, "node_modules", "playwright-core"))) return "playwright-core missing: npm install";
  return false;
}
const skip = whySkip();
if (skip) console.log(`skipping the pack e2e tests: ${skip}`);

/** The names in a zip, by Python's zipfile (which also checks every CRC). */
function zipNames(zip) {
  const r = spawnSync("python3", ["-c", "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print('\\n'.join(z.namelist()))", zip], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n");
}

describe("lectern pack", { skip }, () => {
  let tmp, browser;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-pack-"));
    fs.cpSync(SITE, path.join(tmp, "site"), { recursive: true });
    browser = await launchChromium();
  });

  after(async () => {
    if (browser) await browser.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function pack(...args) {
    return spawnSync(BIN, ["pack", "--root", path.join(tmp, "site"), ...args], { encoding: "utf8" });
  }

  test("the unzipped package searches from disk", async () => {
    const zip = path.join(tmp, "portal.zip");
    const r = pack("--out", zip);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Packed \d+ files into .*portal\.zip \(\d+\.\d MB\)/);
    const names = zipNames(zip);
    assert.deepEqual(names, [...names].sort(), "entries sorted");
    assert.ok(names.includes("search/manifest.js"));
    assert.ok(names.some((n) => /^search\/[0-9a-f]+\/offline\/p-\d+\.js$/.test(n)));
    assert.ok(names.includes("assets/media/emotion-abc.mp4"), "local video included");
    assert.ok(!fs.readdirSync(path.join(tmp, "site", "public", "search")).includes("manifest.js"), "the build itself wrote no scripts");

    const dir = path.join(tmp, "unzipped");
    const unzip = spawnSync("python3", ["-m", "zipfile", "-e", zip, dir], { encoding: "utf8" });
    assert.equal(unzip.status, 0, unzip.stderr);
    const page = await browser.newPage();
    const errors = [];
    const requested = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(pathToFileURL(path.join(dir, "search", "index.html")).href + "?q=" + encodeURIComponent("情绪"));
    await page.waitForFunction(() => {
      const r = document.getElementById("results");
      return r && r.getAttribute("data-state") === "done" && r.querySelectorAll("a").length > 0;
    }, null, { timeout: 20000 });
    const first = await page.evaluate(() => document.querySelector("#results a").getAttribute("href"));
    assert.ok(first && !/^https?:/.test(first), first);
    assert.deepEqual(errors, []);
    assert.ok(!requested.some((u) => /\.json(\?|$)/.test(u)), "no JSON requests from disk:\n" + requested.join("\n"));
    await page.close();

    // without JavaScript (a locked-down school PC), a click on a folder link opens its page,
    // not the folder's listing
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(pathToFileURL(path.join(dir, "index.html")).href);
    const folders = await plain.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")).filter((h) => !/^[a-z]+:|^[#/?]/i.test(h) && /\/([?#]|$)/.test(h)));
    assert.deepEqual(folders, [], "every folder link names its index.html");
    await plain.click(".site-nav a >> nth=0");
    assert.match(plain.url(), /\/index\.html$/);
    assert.ok(await plain.$("main"), "a page, not a folder listing");
    await context.close();

    // the same input packs to the same bytes
    const again = path.join(tmp, "again.zip");
    assert.equal(pack("--out", again).status, 0);
    assert.ok(fs.readFileSync(again).equals(fs.readFileSync(zip)), "deterministic zip");
  });

  test("--without-media leaves the video out; a zip inside the output is refused", () => {
    const zip = path.join(tmp, "light.zip");
    const r = pack("--out", zip, "--without-media");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /1 media files left out/);
    assert.ok(!zipNames(zip).some((n) => n.endsWith(".mp4")));
    const inside = pack("--out", path.join(tmp, "site", "public", "x.zip"));
    assert.equal(inside.status, 2);
    assert.match(inside.stderr, /inside the output folder/);
  });
});

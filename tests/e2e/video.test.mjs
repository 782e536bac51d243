// Browser tests of a video page's chapters and transcript: build tests/fixtures/sites/full with
// the real binary and open its pages from disk (file://, as from a USB stick), in Debian's
// Chromium through playwright-core. `#t=` opens the player at that time, a click on a cue
// seeks, the cue being spoken is marked, and a review's cited time lands on the video there.
//
//   npm install && node --test tests/e2e/video.test.mjs   (needs target/debug/lectern and /usr/bin/chromium)
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
if (skip) console.log(`skipping the video e2e tests: ${skip}`);

describe("video page: chapters, transcript and time links", { skip }, () => {
  let out, browser;
  const errors = [];

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-video-"));
    const built = spawnSync(BIN, ["build", "--root", SITE, "--out", path.join(out, "public")], { encoding: "utf8" });
    assert.equal(built.status, 0, `lectern build failed:\n${built.stderr}`);
    browser = await launchChromium();
  });

  after(async () => {
    if (browser) await browser.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  function url(rel, hash = "") {
    return pathToFileURL(path.join(out, "public", rel)).href + hash;
  }

  async function open(rel, hash) {
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(url(rel, hash));
    return page;
  }

  const VIDEO = "videos/emotion-abc-class/index.html";
  const currentTime = (page) => page.evaluate(() => document.querySelector(".player-video").currentTime);
  const activeCue = (page) => page.evaluate(() => {
    const li = document.querySelector(".transcript-cues li.is-active");
    return li ? li.querySelector("a").getAttribute("href").slice(3) : null;
  });

  test("#t=200 opens the player at 3:20 and marks the cue spoken then", async () => {
    const page = await open(VIDEO, "#t=200");
    await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 200);
    assert.equal(await activeCue(page), "200");
    await page.close();
  });

  test("#t=3:27 is understood too, and the media-fragment forms and a full-width colon", async () => {
    for (const hash of ["#t=3:27", "#t=207,230", "#t=npt:207", "#t=207s", "#t=3%EF%BC%9A27"]) {
      const page = await open(VIDEO, hash);
      await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 207, null, { timeout: 5000 });
      assert.equal(await activeCue(page), "207", hash);
      await page.close();
    }
  });

  test("a click on a cue's time seeks the video to it, even twice", async () => {
    const page = await open(VIDEO, "");
    await page.click('.transcript-cues a[href="#t=207"]');
    await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 207);
    assert.equal(await activeCue(page), "207");
    // The reader's video moves on; a second click on the same time seeks back.
    await page.evaluate(() => { document.querySelector(".player-video").currentTime = 1; });
    await page.click('.transcript-cues a[href="#t=207"]');
    await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 207);
    await page.close();
  });

  test("a chapter link seeks too", async () => {
    const page = await open(VIDEO, "");
    await page.click('.chapters a[href="#t=1800"]');
    await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 1800);
    await page.close();
  });

  test("the chapter playing is marked as the current one, and moves on with the video", async () => {
    const current = (page) => page.evaluate(() => {
      const li = document.querySelectorAll('.chapters li[aria-current="true"]');
      return li.length === 1 && li[0].classList.contains("is-active") ? li[0].querySelector("a").getAttribute("href") : li.length;
    });
    const page = await open(VIDEO, "#t=1801");
    await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 1801);
    assert.equal(await current(page), "#t=1800");
    await page.evaluate(() => {
      const v = document.querySelector(".player-video");
      v.currentTime = 1;
      v.dispatchEvent(new Event("timeupdate"));
    });
    assert.equal(await current(page), "#t=0");
    await page.close();
  });

  test("a review's cited time lands on its video at that moment", async () => {
    const page = await open("reviews/emotion-abc-ping-ke/index.html", "");
    await page.click("a.time-link >> nth=0");
    await page.waitForFunction(() => /videos\/emotion-abc-class\/index\.html#t=200$/.test(location.href));
    await page.waitForFunction(() => document.querySelector(".player-video") && document.querySelector(".player-video").currentTime === 200);
    assert.equal(await activeCue(page), "200");
    await page.close();
  });

  test("with the video on another site, #t= says the time to go to", async () => {
    // The same site, its video moved to a page on another site (not a file a <video> plays).
    const site = path.join(out, "outbound-site");
    fs.cpSync(SITE, site, { recursive: true });
    const file = path.join(site, "content", "videos", "emotion-abc-class.md");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^url: .*$/m, 'url: "https://video.example.org/watch?v=1"'));
    const built = spawnSync(BIN, ["build", "--root", site, "--out", path.join(out, "outbound")], { encoding: "utf8" });
    assert.equal(built.status, 0, `lectern build failed:\n${built.stderr}`);
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(pathToFileURL(path.join(out, "outbound", "videos", "emotion-abc-class", "index.html")).href + "#t=3:27");
    const note = page.locator(".video-time");
    await note.waitFor({ state: "visible" });
    assert.match(await note.textContent(), /3:27/);
    assert.equal(await activeCue(page), "207");
    // that site takes no start time: its link stays as written
    assert.equal(await page.getAttribute(".outbound a.button", "href"), "https://video.example.org/watch?v=1");
    await page.close();
    // YouTube and Bilibili do: the button opens the video at the time followed
    for (const [url, expected] of [
      ["https://www.youtube.com/watch?v=abc&t=5s", "https://www.youtube.com/watch?v=abc&t=207s"],
      ["https://www.bilibili.com/video/BV1xx411c7mD", "https://www.bilibili.com/video/BV1xx411c7mD?t=207"],
    ]) {
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^url: .*$/m, `url: "${url}"`));
      const again = spawnSync(BIN, ["build", "--root", site, "--out", path.join(out, "outbound")], { encoding: "utf8" });
      assert.equal(again.status, 0, again.stderr);
      const platform = await browser.newPage({ viewport: { width: 1024, height: 800 } });
      await platform.goto(pathToFileURL(path.join(out, "outbound", "videos", "emotion-abc-class", "index.html")).href + "#t=3:27");
      await platform.locator(".video-time").waitFor({ state: "visible" });
      assert.equal(await platform.getAttribute(".outbound a.button", "href"), expected);
      await platform.close();
    }
  });

  test("a video page without captions or chapters honours #t= too, its video here or elsewhere", async () => {
    const site = path.join(out, "bare-site");
    fs.cpSync(SITE, site, { recursive: true });
    const file = path.join(site, "content", "videos", "emotion-abc-class.md");
    const bare = fs.readFileSync(file, "utf8").replace(/^captions: .*\n/m, "").replace(/^chapters:\n(  - .*\n)+/m, "");
    assert.ok(!/captions:|chapters:/.test(bare.split("\n---")[0]), "the copy has neither");
    fs.writeFileSync(file, bare);
    const built = spawnSync(BIN, ["build", "--root", site, "--out", path.join(out, "bare")], { encoding: "utf8" });
    assert.equal(built.status, 0, `lectern build failed:\n${built.stderr}`);
    let page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(pathToFileURL(path.join(out, "bare", "videos", "emotion-abc-class", "index.html")).href + "#t=12:34");
    await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 754);
    await page.close();
    // A catalog video on another site's page, with neither: the note says where to go.
    page = await open("videos/law-lecture/index.html", "#t=754");
    const note = page.locator(".video-time");
    await note.waitFor({ state: "visible" });
    assert.match(await note.textContent(), /12:34/);
    await page.close();
  });

  test("a time past the video's end says so, and a time link that is not a time clears the note", async () => {
    // 1:02:03 long, on another site: the note would have said to go to 2:46:39
    let page = await open("videos/law-lecture/index.html", "#t=9999");
    const note = page.locator(".video-time");
    await note.waitFor({ state: "visible" });
    assert.match(await note.textContent(), /1:02:03.*2:46:39|2:46:39.*1:02:03/);
    assert.match(await note.textContent(), /超出/);
    await page.evaluate(() => { location.hash = "#t=600"; });
    await page.waitForFunction(() => /10:00/.test(document.querySelector(".video-time").textContent));
    await page.evaluate(() => { location.hash = "#t=abc"; });
    await note.waitFor({ state: "hidden" });
    // 12:99 is no time either (the build refuses it in a review): not 13:39
    await page.evaluate(() => { location.hash = "#t=600"; });
    await note.waitFor({ state: "visible" });
    await page.evaluate(() => { location.hash = "#t=12:99"; });
    await note.waitFor({ state: "hidden" });
    await page.close();
    // 41:05 here: the player is not sent to its last frame
    page = await open(VIDEO, "#t=12:34:56");
    await page.locator(".video-time").waitFor({ state: "visible" });
    assert.equal(await currentTime(page), 0);
    assert.match(await page.locator(".video-time").textContent(), /41:05/);
    // the hint that times are links shows once they are; a chapter's link is named by its title
    assert.ok(await page.locator(".transcript-hint").isVisible());
    const named = await page.$$eval(".chapters a", (a) => a.map((x) => x.textContent));
    assert.ok(named.length && named.every((t) => /^\d+:\d\d \S/.test(t)), JSON.stringify(named));
    await page.close();
  });

  test("the box above the transcript keeps the lines holding what is typed, and says how many", async () => {
    const page = await open(VIDEO, "");
    const find = page.locator(".transcript-find");
    await find.waitFor({ state: "visible" });
    // the lines drawn on the screen, not those marked hidden
    const visible = () => page.$$eval(".transcript-cues li", (li) => li.filter((x) => x.getClientRects().length > 0).map((x) => x.textContent));
    const all = await visible();
    assert.ok(all.length >= 3, JSON.stringify(all));
    await page.fill("#transcript-q", "同学");
    const shown = await visible();
    assert.deepEqual(shown, all.filter((t) => t.includes("同学")));
    assert.ok(shown.length > 0 && shown.length < all.length, JSON.stringify(shown));
    assert.equal(await page.textContent(".transcript-found"), `找到 ${shown.length} 处`);
    // each line kept is still a link to its moment
    await page.click(".transcript-cues li:not([hidden]) a");
    await page.waitForFunction(() => /^#t=\d/.test(location.hash));
    // a speaker named once owns the lines after: 李敏 finds both of hers
    await page.fill("#transcript-q", "李敏");
    assert.equal((await visible()).length, 2);
    await page.fill("#transcript-q", "没有这句话");
    assert.deepEqual(await visible(), []);
    assert.equal(await page.textContent(".transcript-found"), "没有找到");
    await page.fill("#transcript-q", "");
    assert.deepEqual(await visible(), all);
    assert.equal(await page.textContent(".transcript-found"), "");
    // on a phone a speaker's name stays on one line (李敏：, not 李 / 敏：)
    await page.setViewportSize({ width: 375, height: 800 });
    const lines = await page.$$eval(".transcript-cues li b", (bs) => bs.map((b) => {
      const text = document.createRange();
      text.selectNodeContents(b);
      return new Set(Array.from(text.getClientRects()).map((r) => Math.round(r.top))).size;
    }));
    assert.ok(lines.length && lines.every((n) => n === 1), JSON.stringify(lines));
    await page.close();
  });

  test("from disk, where the captions file is refused, the captions come from the transcript", async () => {
    const page = await open(VIDEO, "");
    const shown = await page.evaluate(() => {
      const v = document.querySelector(".player-video");
      const made = Array.from(v.textTracks).filter((t) => t.kind === "captions" && t.mode === "showing");
      return made.map((t) => ({
        cues: t.cues ? t.cues.length : 0,
        first: t.cues && t.cues[0] ? t.cues[0].text : "",
        // no cue stays up through a pause: as long as its words take to say, at most
        stretched: Array.from(t.cues || []).filter((c) => c.endTime - c.startTime > Math.max(2, c.text.length * 0.3) + 0.01).length,
      }));
    });
    const lines = await page.$$eval(".transcript-cues li", (li) => li.length);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0].cues, lines);
    assert.equal(shown[0].stretched, 0);
    assert.ok(shown[0].first && !/^\d+:\d/.test(shown[0].first), `the words, not the time: ${shown[0].first}`);
    await page.close();
  });

  test("a video that cannot load says so instead of a grey box", async () => {
    // The fixture's video is 30 bytes that no browser plays.
    const page = await open(VIDEO, "#t=200");
    await page.locator(".player-error").waitFor({ state: "visible" });
    assert.match(await page.locator(".player-error").textContent(), /视频无法播放/);
    await page.close();
  });

  test("a time clicked in the transcript, the player scrolled away, brings the player back into view", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 500 } });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(url(VIDEO));
    const link = page.locator('.transcript-cues a[href="#t=207"]');
    await link.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 200));
    assert.ok(await page.evaluate(() => document.querySelector(".player-video").getBoundingClientRect().bottom < 0), "the player is off screen");
    await link.click();
    await page.waitForFunction(() => document.querySelector(".player-video").currentTime === 207);
    await page.waitForFunction(() => {
      const r = document.querySelector(".player-video").getBoundingClientRect();
      return r.top > -2 && r.top < window.innerHeight;
    });
    await page.close();
  });

  test("the transcript stops following playback while the reader reads elsewhere in it, and follows again when they come back", async () => {
    const page = await open(VIDEO);
    // a box one cue high, and a clock the test sets (the fixture's video has no file to play)
    const times = await page.evaluate(() => {
      const box = document.querySelector(".transcript-cues");
      box.style.height = box.firstElementChild.offsetHeight + "px";
      box.style.overflowY = "auto";
      const v = document.querySelector(".player-video");
      let t = 0;
      Object.defineProperty(v, "currentTime", { get: () => t, set: (x) => { t = x; } });
      window.playAt = (x) => { t = x; v.dispatchEvent(new Event("timeupdate")); };
      return [...box.querySelectorAll("li a")].map((a) => +a.getAttribute("href").slice(3));
    });
    assert.ok(times.length >= 3, JSON.stringify(times));
    const scrollTop = () => page.evaluate(() => document.querySelector(".transcript-cues").scrollTop);
    await page.evaluate((t) => window.playAt(t), times[2]);
    assert.ok((await scrollTop()) > 0, "follows the cue being spoken");
    await page.waitForTimeout(200); // its scroll event comes first
    // the reader scrolls back to the first cue, and reads longer than a few seconds
    await page.evaluate(() => { document.querySelector(".transcript-cues").scrollTop = 0; });
    await page.waitForTimeout(4500);
    await page.evaluate((t) => window.playAt(t), times[1]);
    assert.equal(await scrollTop(), 0, "left where the reader is");
    // back at the cue being spoken: following again
    await page.evaluate((t) => window.playAt(t), times[0]);
    await page.evaluate((t) => window.playAt(t), times[2]);
    assert.ok((await scrollTop()) > 0, "follows again");
    await page.close();
  });

  test("from a copy packed without its videos, the page says the video is not in this copy", async () => {
    const media = path.join(out, "public", "assets", "media", "emotion-abc.mp4");
    const kept = fs.readFileSync(media);
    fs.rmSync(media);
    try {
      const page = await open(VIDEO);
      // no click on play: from disk the page asks for the file's first bytes at once
      await page.waitForSelector(".player-error:not([hidden])", { timeout: 10000 });
      assert.match(await page.textContent(".player-error"), /离线副本可能没有收入视频文件/);
      await page.close();
    } finally {
      fs.writeFileSync(media, kept);
    }
  });

  test("no script errors", () => {
    assert.deepEqual(errors, []);
  });
});

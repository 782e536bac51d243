// Suggestions benchmark: how long after a keystroke the suggestion list is drawn, once its file
// is loaded, and what the first keystroke fetches.
//
//   node bench/suggest_ms.mjs PUBLIC_DIR [prefix…]     (default prefixes: qing 情绪 xl fang)
//
// Serves PUBLIC_DIR from a tiny node:http server on 127.0.0.1, opens the home page in headless
// Chromium, types each prefix's first character (which fetches its suggestion file), then the
// rest one key at a time, and reports search.js's `data-suggest-ms` (from the input event to the
// drawn list) for every later keystroke: median and maximum over REPS rounds (default 5).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

const [publicArg, ...prefixArgs] = process.argv.slice(2);
if (!publicArg) {
  console.error("usage: node bench/suggest_ms.mjs PUBLIC_DIR [prefix…]");
  process.exit(2);
}
const dir = path.resolve(publicArg);
const prefixes = prefixArgs.length ? prefixArgs : ["qing", "情绪", "xl", "fang"];
const REPS = Math.max(1, parseInt(process.env.REPS || "5", 10));

const fetched = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let file = path.join(dir, decodeURIComponent(url.pathname));
  if (!file.startsWith(dir)) return res.writeHead(403).end();
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  fs.readFile(file, (err, body) => {
    if (err) return res.writeHead(404).end();
    fetched.push({ path: url.pathname, bytes: body.length, gzip: zlib.gzipSync(body, { level: 6 }).length });
    res.writeHead(200).end(body);
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const prefix of prefixes) {
  const times = [];
  let first = null;
  for (let rep = 0; rep < REPS; rep++) {
    const page = await browser.newPage();
    await page.goto(base);
    await page.focus("#hero-q");
    const mark = fetched.length;
    const chars = Array.from(prefix);
    await page.keyboard.type(chars[0]);
    await page.waitForFunction(() => {
      const l = document.getElementById("hero-q-suggestions");
      return l && l.hasAttribute("data-suggest-ms");
    }, null, { timeout: 20000 });
    if (rep === 0) first = fetched.slice(mark).filter((f) => /\/sg[a-z0-9]+\.json$/.test(f.path) || /manifest\.json$/.test(f.path));
    for (const c of chars.slice(1)) {
      await page.evaluate(() => document.getElementById("hero-q-suggestions").removeAttribute("data-suggest-ms"));
      await page.keyboard.type(c);
      await page.waitForFunction(() => {
        const l = document.getElementById("hero-q-suggestions");
        return l && (l.hasAttribute("data-suggest-ms") || l.hidden);
      });
      const ms = await page.getAttribute("#hero-q-suggestions", "data-suggest-ms");
      if (ms !== null) times.push(+ms);
    }
    await page.close();
  }
  const options = await (async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.focus("#hero-q");
    await page.keyboard.type(prefix);
    await page.waitForFunction(() => {
      const l = document.getElementById("hero-q-suggestions");
      return l && l.hasAttribute("data-suggest-ms");
    }, null, { timeout: 20000 }).catch(() => {});
    const o = await page.$$eval("#hero-q-suggestions [role=option]", (os) => os.map((x) => x.textContent));
    await page.close();
    return o;
  })();
  const files = first.map((f) => `${f.path.replace(/.*\//, "")} ${f.bytes} B (${f.gzip} B gzip)`).join(", ");
  console.log(`${prefix}: first keystroke fetched ${files}`);
  console.log(`  later keystrokes: median ${times.length ? median(times) : "-"} ms, max ${times.length ? Math.max(...times) : "-"} ms (${times.length} samples)`);
  console.log(`  suggestions: ${options.slice(0, 5).join(" | ")}`);
}
await browser.close();
server.close();

// Time from Enter to results on the search page, in headless Chromium.
//
//   node bench/search_enter.mjs PUBLIC_DIR [query…]     (default: 情绪 学生 考试焦虑 "7年级 情绪")
//
// Serves PUBLIC_DIR from a tiny static server on 127.0.0.1 (no compression). For each query and
// each of REPS (default 5) repetitions: a fresh browser context opens search/ (empty query: the
// newest resources), waits for it to settle, types the query and presses Enter; the time is taken
// inside the page, from the Enter keydown to the moment #results says data-state="done" for the
// new search (a MutationObserver, no polling). Prints each query's times, their median, the
// median of the page's own ranking+filtering time (data-compute-ms) and the status line.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium } from "playwright-core";

const [dir, ...args] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node bench/search_enter.mjs PUBLIC_DIR [query…]");
  process.exit(2);
}
const PUBLIC = path.resolve(dir);
const QUERIES = args.length ? args : ["情绪", "学生", "考试焦虑", "7年级 情绪"];
const REPS = Math.max(1, parseInt(process.env.REPS || "5", 10));
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".css": "text/css" };

const server = http.createServer((req, res) => {
  let file = path.join(PUBLIC, decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (!file.startsWith(PUBLIC)) return res.writeHead(403).end();
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  fs.readFile(file, (err, body) => {
    if (err) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": (TYPES[path.extname(file)] || "application/octet-stream") + "; charset=utf-8" });
    res.end(body);
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const q of QUERIES) {
  const times = [];
  const computes = [];
  let status = "";
  for (let i = 0; i < REPS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}search/`);
    await page.waitForFunction(() => document.getElementById("results").getAttribute("data-state") === "done");
    await page.fill("#search-input", q);
    // the 200 ms input debounce would start a search by itself: Enter is pressed right away
    await page.evaluate(() => {
      const r = document.getElementById("results");
      const before = +r.getAttribute("data-seq");
      window.__enter = new Promise((resolve) => {
        let t0 = null;
        document.getElementById("search-input").addEventListener("keydown", (e) => {
          if (e.key === "Enter" && t0 === null) t0 = performance.now();
        });
        new MutationObserver(() => {
          if (t0 !== null && r.getAttribute("data-state") === "done" && +r.getAttribute("data-seq") > before) {
            resolve(performance.now() - t0);
          }
        }).observe(r, { attributes: true });
      });
    });
    await page.press("#search-input", "Enter");
    times.push(await page.evaluate(() => window.__enter));
    status = await page.textContent("#search-status");
    computes.push(+(await page.getAttribute("#results", "data-compute-ms")));
    await context.close();
  }
  console.log(`${q}\tmedian ${median(times).toFixed(0)} ms\t[${times.map((t) => t.toFixed(0)).join(", ")}]\tcompute ${median(computes)} ms\t${status}`);
}
await browser.close();
server.close();

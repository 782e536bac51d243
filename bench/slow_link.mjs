// Slow-link benchmark (issue 10's budget): how long a cold browser on a rural link waits for
// search results.
//
//   node bench/slow_link.mjs PUBLIC_DIR [query…]          (default query: 情绪)
//
// Serves PUBLIC_DIR with a plain node:http static server (no gzip, no cache headers — what a
// school's old intranet box does), opens `search/?q=<query>` in headless Chromium with network
// emulation (Chrome DevTools Protocol `Network.emulateNetworkConditions`: 400 kbit/s down and up,
// 400 ms round trip; cache disabled), and reports the time from navigation start until `#results`
// holds results (data-state="done" and at least one link), with every request: when it started
// and ended, its bytes, and how deep it sits in the request chain (by start time).
//
// Environment: REPS (default 3; the median is reported), KBPS (default 400), RTT_MS (default 400),
// CHROMIUM (default /usr/bin/chromium).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const REPS = Math.max(1, parseInt(process.env.REPS || "3", 10));
const KBPS = parseFloat(process.env.KBPS || "400");
const RTT_MS = parseFloat(process.env.RTT_MS || "400");
const [publicArg, ...queryArgs] = process.argv.slice(2);
if (!publicArg || publicArg === "-h" || publicArg === "--help") {
  console.error("usage: node bench/slow_link.mjs PUBLIC_DIR [query…]");
  process.exit(2);
}
const PUBLIC = path.resolve(publicArg);
const QUERIES = queryArgs.length ? queryArgs : ["情绪"];
if (!fs.existsSync(path.join(PUBLIC, "search", "index.html"))) {
  console.error(`${PUBLIC}/search/index.html not found: is this a lectern build output?`);
  process.exit(1);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
};

function serve(dir) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(dir, rel);
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, body) => {
      if (err) return res.writeHead(404).end();
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

async function once(browser, base, query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: RTT_MS,
    downloadThroughput: (KBPS * 1000) / 8,
    uploadThroughput: (KBPS * 1000) / 8,
  });
  const requests = new Map();
  let t0 = null;
  cdp.on("Network.requestWillBeSent", (e) => {
    if (t0 === null) t0 = e.timestamp;
    requests.set(e.requestId, { url: e.request.url, start: e.timestamp, end: null, bytes: 0 });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength });
  });
  const started = Date.now();
  await page.goto(`${base}search/?q=${encodeURIComponent(query)}`, { waitUntil: "commit" });
  await page.waitForFunction(() => {
    const r = document.getElementById("results");
    return r && r.getAttribute("data-state") === "done" && r.querySelector("a");
  }, null, { timeout: 120_000, polling: 20 });
  const nav = await page.evaluate(() => performance.now()); // since navigation start
  const wall = Date.now() - started;
  const list = [...requests.values()].filter((r) => r.end !== null).sort((a, b) => a.start - b.start);
  await context.close();
  return { ms: nav, wall, list: list.map((r) => ({ ...r, start: (r.start - t0) * 1000, end: (r.end - t0) * 1000 })) };
}

const server = await serve(PUBLIC);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
});
console.log(`== slow link: ${KBPS} kbit/s, ${RTT_MS} ms round trip, no gzip, cold cache; ${PUBLIC}`);
try {
  for (const query of QUERIES) {
    const runs = [];
    for (let i = 0; i < REPS; i++) runs.push(await once(browser, base, query));
    const first = runs[0];
    const total = first.list.reduce((s, r) => s + r.bytes, 0);
    console.log(`\n${query}: results after ${median(runs.map((r) => r.ms)).toFixed(0)} ms (median of ${REPS}: ${runs.map((r) => r.ms.toFixed(0)).join(", ")}), ${(total / 1024).toFixed(1)} KiB in ${first.list.length} requests`);
    for (const r of first.list) {
      const name = r.url.replace(base, "/").replace(/\?v=[0-9a-f]+$/, "");
      console.log(`  ${r.start.toFixed(0).padStart(6)} → ${r.end.toFixed(0).padStart(6)} ms  ${(r.bytes / 1024).toFixed(1).padStart(6)} KiB  ${name}`);
    }
  }
} finally {
  await browser.close();
  server.close();
}

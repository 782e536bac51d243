// Search download benchmark: what a cold browser fetches to answer one query, Lectern vs Pagefind.
//
//   node bench/search_bytes.mjs PUBLIC_DIR [query…]      (default queries: 情绪 考试焦虑怎么办 梦 python)
//
// Copies PUBLIC_DIR (a `lectern build` output) to a temp folder, serves the copy from a tiny
// node:http static server on 127.0.0.1 (random port, no compression, no cache headers), and for
// each query opens `search/?q=<query>` in a fresh headless Chromium context (cold cache), waits
// until `#results` has data-state="done", and records every response (URL, body bytes as sent,
// and what gzip -6 would make of it). Then it runs Pagefind over the same copy, opens a bare page
// `pf-bench.html?q=<query>` that searches with pagefind.js and loads the top 10 results, and
// records the same. See bench/README.md for what each number means.
//
// Environment: REPS (default 3; bytes come from the first repetition, timings are medians),
// CHROMIUM (default /usr/bin/chromium), KEEP=1 keeps the temp copy, NO_PAGEFIND=1 skips Pagefind.
import { spawnSync, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const REPS = Math.max(1, parseInt(process.env.REPS || "3", 10));
const TIMEOUT_MS = 120_000;
const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const [publicArg, ...queryArgs] = process.argv.slice(2);
if (!publicArg || publicArg === "-h" || publicArg === "--help") {
  console.error("usage: node bench/search_bytes.mjs PUBLIC_DIR [query…]");
  process.exit(2);
}
const PUBLIC = path.resolve(publicArg);
const QUERIES = queryArgs.length ? queryArgs : ["情绪", "考试焦虑怎么办", "梦", "python"];
if (!fs.existsSync(path.join(PUBLIC, "search", "manifest.json"))) {
  console.error(`${PUBLIC}/search/manifest.json not found: is this a lectern build output?`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const duBytes = (p) => parseInt(execFileSync("du", ["-sb", p], { encoding: "utf8" }).split("\t")[0], 10);
function fileCount(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    n += e.isDirectory() ? fileCount(path.join(dir, e.name)) : 1;
  }
  return n;
}
const isGzip = (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
/** Bytes a gzip-enabled server would send: bodies that already are gzip streams go as they are. */
const gzSize = (b) => (isGzip(b) ? b.length : zlib.gzipSync(b, { level: 6 }).length);
const kb = (n) => (Number.isFinite(n) ? (n / 1024).toFixed(1) : "-");
const ms = (n) => (Number.isFinite(n) ? n.toFixed(0) : "-");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "-");

/** Prints rows (arrays of strings) as a table; the first row is the header. */
function table(rows, leftCols = 1) {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => strWidth(String(r[c])))));
  const pad = (s, n, left) => {
    const fill = " ".repeat(Math.max(0, n - strWidth(s)));
    return left ? s + fill : fill + s;
  };
  rows.forEach((r, i) => {
    console.log(r.map((s, c) => pad(String(s), w[c], c < leftCols)).join("  "));
    if (i === 0) console.log(w.map((n) => "-".repeat(n)).join("  "));
  });
}
/** Display width: CJK characters take two columns in a terminal. */
function strWidth(s) {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

// ------------------------------------------------------------------------------------------------
// Static server (plain: no compression, no caching headers, directories → index.html)
// ------------------------------------------------------------------------------------------------

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".txt": "text/plain; charset=utf-8",
};

function serve(root) {
  const log = []; // bytes the server sent, per request (a cross-check of what the browser saw)
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, rel);
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    let st = fs.statSync(file, { throwIfNoEntry: false });
    if (st && st.isDirectory()) {
      if (!rel.endsWith("/")) {
        res.writeHead(301, { Location: rel + "/" }).end();
        return;
      }
      file = path.join(file, "index.html");
      st = fs.statSync(file, { throwIfNoEntry: false });
    }
    if (!st || !st.isFile()) {
      log.push({ url: req.url, bytes: 0, status: 404 });
      res.writeHead(404, { "Content-Type": "text/plain" }).end();
      return;
    }
    const body = fs.readFileSync(file);
    log.push({ url: req.url, bytes: body.length, status: 200 });
    res.writeHead(200, {
      "Content-Type": TYPES[path.extname(file).toLowerCase()] || "application/octet-stream",
      "Content-Length": body.length,
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, log, base: `http://127.0.0.1:${server.address().port}` }));
  });
}

// ------------------------------------------------------------------------------------------------
// One cold page load
// ------------------------------------------------------------------------------------------------

/**
 * Opens `url` in a fresh context, waits for `window[flag]`, and returns it along with every
 * response: { path, status, size, gz }.
 */
async function coldLoad(browser, srv, url, flag, initScript) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const pending = [];
  context.on("response", (resp) => {
    const u = new URL(resp.url());
    pending.push(
      resp
        .body()
        .then((b) => ({ path: u.pathname, status: resp.status(), size: b.length, gz: gzSize(b), pre: isGzip(b) }))
        .catch(() => ({ path: u.pathname, status: resp.status(), size: 0, gz: 0, pre: false })),
    );
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  if (initScript) await page.addInitScript(initScript);
  srv.log.length = 0;
  const t0 = performance.now();
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction((f) => !!window[f], flag, { timeout: TIMEOUT_MS, polling: 10 });
  const nodeMs = performance.now() - t0;
  const done = await page.evaluate((f) => window[f], flag);
  // Let stray requests (favicon, topics.json for an open panel: asked for once the results are
  // drawn) start and land, so that each is both counted and placed before or after the results.
  await page.waitForTimeout(600);
  // What the page asked for only after its results were shown (topics.json for an open filter
  // panel), by the page's own clock: bytes of the visit, not of the answer.
  const later = typeof done.t !== "number" ? [] : await page.evaluate(
    (t) => performance.getEntriesByType("resource").filter((e) => e.startTime > t).map((e) => new URL(e.name).pathname),
    done.t,
  );
  const responses = (await Promise.all(pending)).map((r) => ({ ...r, after: later.includes(r.path) }));
  const serverBytes = srv.log.reduce((s, r) => s + r.bytes, 0);
  const serverCount = srv.log.length;
  const serverLog = srv.log.slice();
  await context.close();
  return { done, responses, nodeMs, serverBytes, serverCount, serverLog, errors };
}

function sum(list, pred) {
  const l = list.filter(pred);
  return { n: l.length, raw: l.reduce((s, r) => s + r.size, 0), gz: l.reduce((s, r) => s + r.gz, 0) };
}

function checkServer(label, r) {
  const seen = r.responses.reduce((s, x) => s + x.size, 0);
  if (seen !== r.serverBytes || r.responses.length !== r.serverCount) {
    console.log(`  ! ${label}: browser saw ${r.responses.length} responses / ${seen} B, ` +
      `server sent ${r.serverCount} / ${r.serverBytes} B`);
  }
  if (r.responses.length !== r.serverCount) {
    const seenPaths = r.responses.map((x) => x.path);
    const extra = r.serverLog.filter((x) => {
      const i = seenPaths.indexOf(new URL(x.url, "http://x").pathname);
      if (i >= 0) seenPaths.splice(i, 1);
      return i < 0;
    });
    for (const x of extra) console.log(`    served but not seen by the page: HTTP ${x.status} ${x.url} (${x.bytes} B)`);
    for (const p of seenPaths) console.log(`    seen by the page but not served: ${p}`);
  }
  for (const x of r.responses) if (x.status >= 400) console.log(`  ! ${label}: HTTP ${x.status} ${x.path}`);
  for (const e of r.errors) console.log(`  ! ${label}: page error: ${e.split("\n")[0]}`);
}

// ------------------------------------------------------------------------------------------------
// Lectern's search page
// ------------------------------------------------------------------------------------------------

// Records the moment (ms since navigation start) #results first reports data-state="done".
const LECTERN_INIT = () => {
  const mark = () => {
    const r = document.getElementById("results");
    if (!r || window.__lecternDone || r.getAttribute("data-state") !== "done") return;
    const status = document.getElementById("search-status");
    window.__lecternDone = {
      t: performance.now(),
      seq: r.getAttribute("data-seq"),
      computeMs: Number(r.getAttribute("data-compute-ms")),
      drawMs: Number(r.getAttribute("data-draw-ms")),
      shown: r.querySelectorAll("li.search-result").length,
      status: status ? status.textContent : "",
      error: !!(status && /error/.test(status.className)) || r.getAttribute("data-seq") === "0",
    };
  };
  new MutationObserver(mark).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
};

function lecternCategory(p) {
  if (p === "/search/" || p === "/search/index.html") return "page";
  if (p.startsWith("/search/")) return "index";
  if (p.startsWith("/static/")) return "static";
  return "other";
}

async function runLectern(browser, srv, q) {
  const reps = [];
  for (let i = 0; i < REPS; i++) {
    const r = await coldLoad(browser, srv, `${srv.base}/search/?q=${encodeURIComponent(q)}`, "__lecternDone", LECTERN_INIT);
    checkServer(`lectern "${q}" rep ${i + 1}`, r);
    reps.push(r);
  }
  const first = reps[0], resp = first.responses, d = first.done;
  const m = /(\d[\d,]*)/.exec(d.status || "");
  return {
    q,
    error: d.error,
    status: d.status,
    results: d.error ? NaN : m ? parseInt(m[1].replace(/,/g, ""), 10) : 0,
    shown: d.shown,
    requests: resp.length,
    index: sum(resp, (r) => lecternCategory(r.path) === "index"),
    static: sum(resp, (r) => lecternCategory(r.path) === "static"),
    searchJs: sum(resp, (r) => /^\/static\/search\.js$/.test(r.path)),
    page: sum(resp, (r) => lecternCategory(r.path) === "page"),
    other: sum(resp, (r) => lecternCategory(r.path) === "other"),
    all: sum(resp, () => true),
    toResults: sum(resp, (r) => !r.after),
    afterResults: resp.filter((r) => r.after),
    indexFiles: resp.filter((r) => lecternCategory(r.path) === "index").map((r) => r.path),
    computeMs: median(reps.map((r) => r.done.computeMs)),
    drawMs: median(reps.map((r) => r.done.drawMs)),
    navMs: median(reps.map((r) => r.done.t)),
    navAll: reps.map((r) => r.done.t),
    bytesStable: reps.every((r) => r.responses.reduce((s, x) => s + x.size, 0) === first.responses.reduce((s, x) => s + x.size, 0)),
  };
}

// ------------------------------------------------------------------------------------------------
// Pagefind
// ------------------------------------------------------------------------------------------------

const PF_PAGE = `<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Pagefind benchmark</title></head>
<body>
<ol id="out"></ol>
<script type="module">
const QUERY = new URLSearchParams(location.search).get("q") || "";
const t0 = performance.now();
try {
  const pf = await import('./pagefind/pagefind.js');
  await pf.options({});
  const t1 = performance.now();
  const r = await pf.search(QUERY);
  const t2 = performance.now();
  const top = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  const t3 = performance.now();
  const ol = document.getElementById("out");
  for (const d of top) {
    const li = document.createElement("li");
    li.textContent = (d.meta && d.meta.title) || d.url;
    ol.appendChild(li);
  }
  const t4 = performance.now();
  window.__done = {
    count: r.results.length, unfiltered: r.unfilteredResultCount, shown: top.length,
    loadMs: t1 - t0, searchMs: t2 - t1, dataMs: t3 - t2, drawMs: t4 - t3, t: t4,
  };
} catch (e) {
  window.__done = { error: String((e && e.stack) || e) };
}
</script>
</body>
</html>
`;

function runPagefindIndexer(site) {
  const local = path.join(ROOT, "node_modules", ".bin", "pagefind");
  const [cmd, args] = fs.existsSync(local)
    ? [local, ["--site", site, "--output-subdir", "pagefind"]]
    : ["npx", ["pagefind", "--site", site, "--output-subdir", "pagefind"]];
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  const sec = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`pagefind failed (${r.status}); is it installed? npm install -D pagefind`);
  }
  const out = (r.stdout || "") + (r.stderr || "");
  let version = "?";
  try {
    version = spawnSync(cmd, fs.existsSync(local) ? ["--version"] : ["pagefind", "--version"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  } catch {}
  return { sec, out, version, cmd: [cmd, ...args].join(" ") };
}

function pagefindCategory(p) {
  if (p === "/pf-bench.html") return "page";
  if (/^\/pagefind\/([^/]*\.js|wasm\.[^/]*)$/.test(p)) return "engine";
  if (p.startsWith("/pagefind/")) return "index";
  return "other";
}

async function runPagefind(browser, srv, q) {
  const reps = [];
  for (let i = 0; i < REPS; i++) {
    const r = await coldLoad(browser, srv, `${srv.base}/pf-bench.html?q=${encodeURIComponent(q)}`, "__done", null);
    checkServer(`pagefind "${q}" rep ${i + 1}`, r);
    if (r.done.error) console.log(`  ! pagefind "${q}": ${r.done.error}`);
    reps.push(r);
  }
  const first = reps[0], resp = first.responses, d = first.done;
  const pf = (r) => r.path.startsWith("/pagefind/");
  return {
    q,
    error: d.error,
    results: d.error ? NaN : d.count,
    shown: d.shown,
    requests: resp.length,
    pagefind: sum(resp, pf),
    engine: sum(resp, (r) => pagefindCategory(r.path) === "engine"),
    index: sum(resp, (r) => pagefindCategory(r.path) === "index"),
    precompressed: resp.filter((r) => pf(r) && r.pre).length,
    page: sum(resp, (r) => pagefindCategory(r.path) === "page"),
    other: sum(resp, (r) => pagefindCategory(r.path) === "other"),
    files: resp.filter(pf).map((r) => r.path),
    loadMs: median(reps.map((r) => r.done.loadMs)),
    searchMs: median(reps.map((r) => r.done.searchMs)),
    dataMs: median(reps.map((r) => r.done.dataMs)),
    navMs: median(reps.map((r) => r.done.t)),
    navAll: reps.map((r) => r.done.t),
  };
}

// ------------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-search-bench-"));
const COPY = path.join(tmp, "site");
let srv, browser;
try {
  console.log(`== search download benchmark`);
  console.log(`public dir : ${PUBLIC}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(PUBLIC, "search", "manifest.json"), "utf8"));
  const searchDir = path.join(PUBLIC, "search");
  const genDir = path.join(searchDir, String(manifest.gen || ""));
  const ourSize = duBytes(searchDir);
  const ourFiles = fileCount(searchDir);
  const pFiles = fs.existsSync(path.join(genDir, "p")) ? fileCount(path.join(genDir, "p")) : 0;
  const dFiles = fs.existsSync(path.join(genDir, "d")) ? fileCount(path.join(genDir, "d")) : 0;
  console.log(`our index  : du -sb public/search = ${ourSize} B (${kb(ourSize)} KiB), ${ourFiles} files ` +
    `(p/ ${pFiles}, d/ ${dFiles}); ${manifest.doc_count} docs, ${manifest.buckets} buckets, gen ${manifest.gen}`);
  console.log(`site       : du -sb = ${duBytes(PUBLIC)} B, ${fileCount(PUBLIC)} files`);
  console.log(`queries    : ${QUERIES.join(" | ")}   (REPS=${REPS}: bytes from the first, ms = median)`);

  execFileSync("cp", ["-a", PUBLIC, COPY]);
  srv = await serve(COPY);
  console.log(`serving    : ${COPY} at ${srv.base}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  console.log(`browser    : Chromium ${browser.version()} (fresh context per load)`);

  // ---- Lectern
  const ours = [];
  for (const q of QUERIES) ours.push(await runLectern(browser, srv, q));
  console.log(`\n-- Lectern: search/?q=… (index = search/ minus search/index.html; static = static/…; KiB = 1024 B)`);
  table([
    ["query", "results", "shown", "requests", "index req", "index KiB", "index gz", "static KiB", "static gz", "page KiB", "all KiB", "all gz", "to results gz", "compute ms", "draw ms", "nav→done ms"],
    ...ours.map((o) => [
      o.q, o.error ? "ERROR" : o.results, o.shown, o.requests, o.index.n, kb(o.index.raw), kb(o.index.gz),
      kb(o.static.raw), kb(o.static.gz), kb(o.page.raw), kb(o.all.raw), kb(o.all.gz), kb(o.toResults.gz), ms(o.computeMs), ms(o.drawMs), ms(o.navMs),
    ]),
  ]);
  for (const o of ours) {
    const kinds = { manifest: 0, facets: 0, p: 0, d: 0 };
    for (const f of o.indexFiles) {
      if (/manifest\.json$/.test(f)) kinds.manifest++;
      else if (/facets\.json$/.test(f)) kinds.facets++;
      else if (/\/p\/[^/]*$/.test(f)) kinds.p++;
      else if (/\/d\/[^/]*$/.test(f)) kinds.d++;
    }
    console.log(`  ${o.q}: index files: manifest ${kinds.manifest}, facets ${kinds.facets}, postings ${kinds.p}, records ${kinds.d}; ` +
      `nav→done per rep: ${o.navAll.map(ms).join(", ")} ms; status "${o.status}"` + (o.bytesStable ? "" : " (bytes varied between reps!)"));
    if (o.afterResults.length) {
      console.log(`    asked for after the results were shown (in "all", not in "to results"): ` +
        o.afterResults.map((r) => `${r.path} ${kb(r.gz)} KiB gz`).join(", "));
    }
  }

  // ---- Pagefind
  let theirs = null, pfIndex = null;
  if (process.env.NO_PAGEFIND !== "1") {
    console.log(`\n-- Pagefind: indexing the copy ...`);
    pfIndex = runPagefindIndexer(COPY);
    const pfDir = path.join(COPY, "pagefind");
    pfIndex.size = duBytes(pfDir);
    pfIndex.files = fileCount(pfDir);
    const lines = pfIndex.out.split("\n").map((l) => l.trim()).filter(Boolean);
    const pick = (re) => (lines.find((l) => re.test(l)) || "").replace(/\s+/g, " ");
    console.log(`command    : ${pfIndex.cmd}`);
    console.log(`version    : ${pfIndex.version}`);
    console.log(`index time : ${pfIndex.sec.toFixed(2)} s wall (incl. process start); pagefind says: ${pick(/Finished in/i) || "-"}`);
    for (const re of [/Found \d+ files/i, /data-pagefind-body/i, /Discovered \d+ language/i, /Indexed \d+ page/i, /Indexed \d+ word/i, /Indexed \d+ language/i, /Indexed \d+ filter/i, /Indexed \d+ sort/i]) {
      const l = pick(re);
      if (l) console.log(`             ${l}`);
    }
    console.log(`index size : du -sb pagefind = ${pfIndex.size} B (${kb(pfIndex.size)} KiB), ${pfIndex.files} files`);
    fs.writeFileSync(path.join(COPY, "pf-bench.html"), PF_PAGE);

    theirs = [];
    for (const q of QUERIES) theirs.push(await runPagefind(browser, srv, q));
    console.log(`\n-- Pagefind: pf-bench.html?q=… (engine = pagefind.js + wasm; index = the rest of pagefind/; ` +
      `gz = as sent by a gzip server: files that already are gzip count as they are)`);
    table([
      ["query", "results", "shown", "requests", "pagefind req", "engine KiB", "engine gz", "index KiB", "index gz", "pagefind KiB", "pagefind gz", "init ms", "search ms", "data ms", "nav→done ms"],
      ...theirs.map((t) => [
        t.q, t.error ? "ERROR" : t.results, t.shown, t.requests, t.pagefind.n, kb(t.engine.raw), kb(t.engine.gz),
        kb(t.index.raw), kb(t.index.gz), kb(t.pagefind.raw), kb(t.pagefind.gz), ms(t.loadMs), ms(t.searchMs), ms(t.dataMs), ms(t.navMs),
      ]),
    ]);
    for (const t of theirs) {
      const k = {};
      for (const f of t.files) {
        const ext = /pagefind\.js$/.test(f) ? "pagefind.js" : /\/wasm\./.test(f) ? "wasm" : /\.json$/.test(f) ? "json" : (f.match(/\.([a-z_]+)$/) || [, "?"])[1];
        k[ext] = (k[ext] || 0) + 1;
      }
      console.log(`  ${t.q}: files: ${Object.entries(k).map(([a, b]) => `${a} ${b}`).join(", ")} (${t.precompressed} already gzip); ` +
        `nav→done per rep: ${t.navAll.map(ms).join(", ")} ms`);
    }

    // ---- Comparison
    console.log(`\n== Lectern vs Pagefind, per query (cold cache, one page load)`);
    console.log(`search payload: ours = search index files + static/search.js; Pagefind = everything under pagefind/`);
    const rows = [["query", "results ours/pf", "raw KiB ours", "raw KiB pf", "raw ratio", "gz KiB ours", "gz KiB pf", "gz ratio",
      "req ours", "req pf", "req ratio", "ms ours", "ms pf", "ms ratio"]];
    for (let i = 0; i < QUERIES.length; i++) {
      const o = ours[i], t = theirs[i];
      const oRaw = o.index.raw + o.searchJs.raw, oGz = o.index.gz + o.searchJs.gz, oReq = o.index.n + o.searchJs.n;
      rows.push([o.q, `${o.results}/${t.results}`, kb(oRaw), kb(t.pagefind.raw), ratio(oRaw, t.pagefind.raw),
        kb(oGz), kb(t.pagefind.gz), ratio(oGz, t.pagefind.gz), oReq, t.pagefind.n, ratio(oReq, t.pagefind.n),
        ms(o.navMs), ms(t.navMs), ratio(o.navMs, t.navMs)]);
    }
    table(rows);
    console.log(`\nindex files only: ours = search/ minus index.html; Pagefind = pagefind/ minus pagefind.js and wasm`);
    const rows2 = [["query", "raw KiB ours", "raw KiB pf", "raw ratio", "gz KiB ours", "gz KiB pf", "gz ratio", "req ours", "req pf", "req ratio"]];
    for (let i = 0; i < QUERIES.length; i++) {
      const o = ours[i], t = theirs[i];
      rows2.push([o.q, kb(o.index.raw), kb(t.index.raw), ratio(o.index.raw, t.index.raw), kb(o.index.gz), kb(t.index.gz),
        ratio(o.index.gz, t.index.gz), o.index.n, t.index.n, ratio(o.index.n, t.index.n)]);
    }
    table(rows2);
    console.log(`\nms = navigation start → results in the DOM (median of ${REPS}); ours loads the full search page ` +
      `(HTML, CSS, site.js, facets UI), Pagefind's page is bare.`);
    console.log(`whole index on disk: ours ${ourSize} B (${kb(ourSize)} KiB, ${ourFiles} files) vs Pagefind ${pfIndex.size} B ` +
      `(${kb(pfIndex.size)} KiB, ${pfIndex.files} files): ratio ${ratio(ourSize, pfIndex.size)}`);
    console.log(`index build: Pagefind ${pfIndex.sec.toFixed(2)} s over the built HTML (ours is part of lectern build: see bench/run.sh, stage "search index")`);
  }
} finally {
  if (browser) await browser.close();
  if (srv) srv.server.close();
  if (process.env.KEEP === "1") console.log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}

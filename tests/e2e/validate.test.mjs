// Every kind of page of the sample portal, checked as a whole: the Nu HTML checker (vnu-jar,
// run with Debian's java) finds no error, axe-core in Chromium at 360 px finds no
// accessibility violation, and a lesson plan printed to A4 by headless Chromium keeps its
// tables, images and QR codes inside the printable width, with codes large enough to scan, its
// title and page numbers in the margins of every page and no heading left at the foot of one.
//
// The pages are picked from the built site, one of each kind (home, listings and their later
// pages, term indexes, lessons, videos, reviews, search, free pages, 404, and any other folder
// a build writes, such as textbooks/ or coverage/), so a new kind of page is checked without
// changing this file.
//
//   npm ci && node --test tests/e2e/validate.test.mjs
//   (needs target/debug/lectern, /usr/bin/chromium, java and pdftotext:
//    apt-get install default-jre-headless poppler-utils)
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
const VNU = path.join(ROOT, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
const AXE = path.join(ROOT, "node_modules", "axe-core", "axe.min.js");
const JSQR = path.join(ROOT, "node_modules", "jsqr", "dist", "jsQR.js");
// An absolute base URL, so that pages carry their QR codes and absolute metadata.
const BASE = "https://example.org/portal/";
// The lesson with formulas and a table, and a lesson with a video (two QR codes on paper).
const FORMULA_LESSON = "lessons/ya-li-yu-biao-xian/index.html";
const VIDEO_LESSON = "lessons/qing-xu-xiao-guai-shou/index.html";

function whySkip() {
  if (!fs.existsSync(BIN)) return `no ${path.relative(ROOT, BIN)}: run cargo build`;
  if (!fs.existsSync(CHROMIUM)) return `no ${CHROMIUM}: apt-get install chromium`;
  for (const file of [VNU, AXE, JSQR]) {
    if (!fs.existsSync(file)) return `${path.relative(ROOT, file)} missing: npm ci`;
  }
  if (spawnSync("java", ["-version"]).status !== 0) return "no java: apt-get install default-jre-headless";
  return false;
}
const skip = whySkip();
if (skip) console.log(`skipping the validation e2e tests: ${skip}`);

/** Every HTML file under `dir`, relative and `/`-separated, sorted. */
function htmlFiles(dir, prefix = "") {
  const found = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...htmlFiles(dir, rel));
    else if (entry.name.endsWith(".html")) found.push(rel);
  }
  return found.sort();
}

/**
 * The kind of a page, from its path: the first folder, how deep it is, and whether it is a
 * later page of a listing. `lessons/x/index.html` → `lessons/*`, `grades/7/page/2/…` →
 * `grades/*\/page`, `about/index.html` → `about`.
 */
export function pageKind(rel) {
  const parts = rel.split("/").slice(0, -1);
  if (parts.length === 0) return rel;
  const paged = parts.includes("page") ? "/page" : "";
  return parts.length === 1 ? parts[0] : `${parts[0]}/*${paged}`;
}

/** One page of each kind, plus the lessons the print checks need. */
function pickPages(out) {
  const byKind = new Map();
  for (const rel of htmlFiles(out)) {
    if (!byKind.has(pageKind(rel))) byKind.set(pageKind(rel), rel);
  }
  const picked = new Set(byKind.values());
  picked.add(FORMULA_LESSON);
  picked.add(VIDEO_LESSON);
  return [...picked].sort();
}

// The PDF read back as text, page by page (poppler's pdftotext; CI installs poppler-utils):
// every page carries the lesson's title in its top margin and "n / total" in its bottom one,
// and no page ends with a heading whose text went on to the next page.
const PDFTOTEXT = "/usr/bin/pdftotext";
function checkPrintedPages(pdf, title, headings) {
  if (!fs.existsSync(PDFTOTEXT)) {
    assert.ok(!process.env.CI, "pdftotext missing: apt-get install poppler-utils");
    console.log("skipping the PDF text checks: no pdftotext (apt-get install poppler-utils)");
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-print-"));
  try {
    const file = path.join(dir, "lesson.pdf");
    fs.writeFileSync(file, pdf);
    const r = spawnSync(PDFTOTEXT, ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const pages = r.stdout.split("\f").map((p) => p.split("\n").map((l) => l.trim()).filter(Boolean)).filter((p) => p.length);
    assert.ok(pages.length >= 1, "no text in the PDF");
    const squash = (t) => t.replace(/\s+/g, "");
    pages.forEach((lines, i) => {
      const n = i + 1;
      assert.ok(squash(lines[0]).includes(squash(title).slice(0, 8)), `page ${n} has no title on top: ${lines[0]}`);
      assert.match(lines[lines.length - 1], new RegExp(`^${n}\\s*/\\s*${pages.length}$`), `page ${n} has no page number at its foot`);
      if (n < pages.length) {
        const last = squash(lines[lines.length - 2] || "");
        assert.ok(!headings.some((h) => squash(h) === last), `page ${n} ends with the heading ${last}`);
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("every kind of page validates", { skip }, () => {
  let out, browser, pages;

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-e2e-validate-"));
    const built = spawnSync(BIN, ["build", "--root", ROOT, "--out", path.join(out, "public"), "--base-url", BASE],
      { encoding: "utf8" });
    assert.equal(built.status, 0, `lectern build failed:\n${built.stderr}`);
    out = path.join(out, "public");
    pages = pickPages(out);
    browser = await launchChromium();
  });

  after(async () => {
    if (browser) await browser.close();
    if (out) fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  test("one page of each kind is picked", () => {
    const kinds = new Set(pages.map(pageKind));
    for (const kind of ["index.html", "404.html", "lessons/*", "videos/*", "reviews/*", "lessons", "grades",
      "grades/*", "courses/*", "topics/*", "stages/*", "search", "about", "textbooks", "textbooks/*", "coverage"]) {
      assert.ok(kinds.has(kind), `no page of kind ${kind} among ${[...kinds].join(", ")}`);
    }
  });

  test("the Nu HTML checker finds no errors", () => {
    const files = pages.map((rel) => path.join(out, rel));
    const run = spawnSync("java", ["-Xss8m", "-jar", VNU, "--errors-only", "--format", "json", ...files],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(run.stderr || "{\"messages\":[]}");
    const errors = report.messages
      .filter((m) => m.type === "error" || m.subType === "fatal")
      .map((m) => `${path.relative(out, fileURLToPath(m.url))}:${m.lastLine}: ${m.message}\n    ${m.extract || ""}`);
    assert.deepEqual(errors, [], `${errors.length} HTML errors:\n${errors.join("\n")}`);
  });

  test("the search boxes, once their script made them comboboxes, still pass the Nu HTML checker", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-dom-"));
    try {
      const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
      const files = [];
      for (const rel of ["index.html", "search/index.html"]) {
        await page.goto(pathToFileURL(path.join(out, rel)).href);
        await page.waitForSelector('input[data-suggest][role="combobox"]');
        // with its list open and an option active, as a keyboard user sees it
        await page.evaluate(() => {
          const input = document.querySelector("input[data-suggest]");
          const list = document.getElementById(input.getAttribute("aria-controls"));
          const li = document.createElement("li");
          li.id = `${list.id}-0`;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "true");
          li.textContent = "情绪";
          list.appendChild(li);
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          input.setAttribute("aria-activedescendant", li.id);
        });
        assert.equal(await page.getAttribute("input[data-suggest]", "inputmode"), "search", rel);
        assert.equal(await page.getAttribute("input[data-suggest]", "enterkeyhint"), "search", rel);
        const html = await page.evaluate(() => "<!DOCTYPE html>\n" + document.documentElement.outerHTML);
        files.push(path.join(dir, rel.replace(/\//g, "-")));
        fs.writeFileSync(files[files.length - 1], html);
      }
      await page.close();
      const run = spawnSync("java", ["-Xss8m", "-jar", VNU, "--errors-only", "--format", "json", ...files],
        { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      const report = JSON.parse(run.stderr || "{\"messages\":[]}");
      const errors = report.messages
        .filter((m) => m.type === "error" || m.subType === "fatal")
        .map((m) => `${path.basename(fileURLToPath(m.url))}:${m.lastLine}: ${m.message}\n    ${m.extract || ""}`);
      assert.deepEqual(errors, [], `${errors.length} HTML errors:\n${errors.join("\n")}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("axe-core finds no violations at 360 px, in light and in dark colours", async () => {
    const problems = [];
    for (const colorScheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 }, colorScheme });
      for (const rel of pages) {
        const page = await context.newPage();
        await page.goto(pathToFileURL(path.join(out, rel)).href);
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
        });
        problems.push(...violations.map((v) => `${rel} (${colorScheme}): ${v}`));
        await page.close();
      }
      await context.close();
    }
    assert.deepEqual(problems, [], `${problems.length} axe violations:\n${problems.join("\n")}`);
  });

  test("buttons grow with the reader's text size, as the text does", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(pathToFileURL(path.join(out, FORMULA_LESSON)).href);
    await page.addStyleTag({ content: "html { font-size: 200%; }" });
    const sizes = await page.evaluate(() => {
      const px = (el) => parseFloat(getComputedStyle(el).fontSize);
      return { body: px(document.querySelector(".prose p")), button: px(document.querySelector("button.print-button")) };
    });
    await page.close();
    assert.ok(sizes.button >= sizes.body * 0.9, JSON.stringify(sizes));
  });

  test("on a phone, a formula wider than the screen (display or inline) scrolls in its own box, not the page", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(pathToFileURL(path.join(out, FORMULA_LESSON)).href);
    // …and so does a long inline one
    await page.evaluate(() => {
      const p = document.querySelector(".prose p");
      const math = document.createElementNS("http://www.w3.org/1998/Math/MathML", "math");
      math.innerHTML = "<mi>x</mi>" + "<mo>+</mo><mi>y</mi>".repeat(80);
      p.appendChild(math);
    });
    const widths = await page.evaluate(() => {
      const wide = [...document.querySelectorAll(".math-scroll")].find((m) => m.scrollWidth > m.clientWidth + 1);
      return { page: document.documentElement.scrollWidth, view: window.innerWidth, wide: !!wide };
    });
    await page.close();
    assert.ok(widths.wide, "the sample lesson has a formula wider than a phone");
    assert.ok(widths.page <= widths.view, JSON.stringify(widths));
  });

  test("on a phone, the coverage map scrolled sideways keeps its grade column and its caption in view", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(pathToFileURL(path.join(out, "coverage/index.html")).href);
    const seen = await page.evaluate(() => {
      const wrap = document.querySelector(".coverage-wrap");
      const box = wrap.getBoundingClientRect();
      const caption = document.querySelector(".coverage caption").getBoundingClientRect();
      const wide = wrap.scrollWidth > wrap.clientWidth;
      wrap.scrollLeft = wrap.scrollWidth;
      const grade = document.querySelector(".coverage tbody th").getBoundingClientRect();
      return { wide, captionInView: caption.left >= box.left - 1 && caption.left < box.left + 40, gradeLeft: grade.left - box.left };
    });
    await page.close();
    assert.ok(seen.wide, "the map is wider than a phone (else this test shows nothing)");
    assert.ok(seen.captionInView, "the caption starts at the left edge");
    assert.ok(Math.abs(seen.gradeLeft) < 2, `the grade column moved ${seen.gradeLeft}px`);
  });

  test("on a phone, the coverage map scrolled down keeps its course row in view", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 600 } });
    await page.goto(pathToFileURL(path.join(out, "coverage/index.html")).href);
    const seen = await page.evaluate(() => {
      const wrap = document.querySelector(".coverage-wrap");
      const tall = wrap.scrollHeight > wrap.clientHeight;
      const fits = wrap.getBoundingClientRect().height <= window.innerHeight;
      wrap.scrollTop = wrap.scrollHeight;
      const box = wrap.getBoundingClientRect();
      const head = document.querySelector(".coverage thead th + th").getBoundingClientRect();
      const lastRow = document.querySelector(".coverage tbody tr:last-child th").getBoundingClientRect();
      return { tall, fits, headTop: head.top - box.top, lastRowShown: lastRow.bottom <= box.bottom + 1 };
    });
    await page.close();
    assert.ok(seen.tall, "the map is taller than its box on a phone (else this test shows nothing)");
    assert.ok(seen.fits, "the box fits the screen");
    assert.ok(seen.lastRowShown, "scrolled to the end, the last grade shows");
    assert.ok(Math.abs(seen.headTop) < 2, `the course row moved ${seen.headTop}px`);
  });

  test("the headings of a page's Markdown get their # links from site.js, not from the page", async () => {
    const rel = FORMULA_LESSON;
    const html = fs.readFileSync(path.join(out, rel), "utf8");
    assert.ok(!html.includes('class="anchor"'), "the page itself carries no # links");
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(out, rel)).href);
    const links = await page.$$eval(".prose h2[id], .prose h3[id]", (hs) =>
      hs.map((h) => {
        const a = h.querySelector("a.anchor");
        return { id: h.id, href: a && a.getAttribute("href"), hidden: a && a.getAttribute("aria-hidden") };
      }));
    assert.ok(links.length >= 3, JSON.stringify(links));
    for (const l of links) assert.deepEqual([l.href, l.hidden], ["#" + l.id, "true"], JSON.stringify(l));
    await page.close();
  });

  test("every QR code of the portal reads back as its address", async () => {
    // Codes use one fixed mask (src/theme/qr.rs): read every one the sample portal has.
    const codes = [];
    for (const rel of htmlFiles(out)) {
      const html = fs.readFileSync(path.join(out, rel), "utf8");
      const found = html.matchAll(/(<svg class="qr-code"[^]*?<\/svg>)[^]*?<span class="qr-url">([^<]*)<\/span>/g);
      for (const [, svg, url] of found) codes.push({ rel, svg, url: url.replaceAll("&amp;", "&") });
    }
    assert.ok(codes.length >= 40, `only ${codes.length} QR codes in the sample portal`);
    const page = await browser.newPage();
    await page.setContent("<!DOCTYPE html><title>codes</title>");
    await page.addScriptTag({ path: JSQR });
    const unread = await page.evaluate(async (codes) => {
      const size = 112; // the screen size in site.css: 2.7 px a module for a version 3 code
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = size;
      const context = canvas.getContext("2d");
      const wrong = [];
      for (const code of codes) {
        const image = new Image();
        image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(code.svg);
        await image.decode();
        context.fillStyle = "#fff";
        context.fillRect(0, 0, size, size);
        context.drawImage(image, 0, 0, size, size);
        // eslint-disable-next-line no-undef
        const read = jsQR(context.getImageData(0, 0, size, size).data, size, size);
        if (!read || read.data !== code.url) wrong.push(`${code.rel}: ${read ? read.data : "unreadable"} ≠ ${code.url}`);
      }
      return wrong;
    }, codes);
    await page.close();
    assert.deepEqual(unread, []);
  });

  // A4 less the @page margins of site.css (18 mm either side), in CSS pixels.
  const PRINTABLE_WIDTH = Math.floor(((210 - 36) / 25.4) * 96);

  test("a long table starts on the page it follows, and a table of long words fits the paper", async (t) => {
    if (!fs.existsSync(PDFTOTEXT)) return t.skip("no pdftotext");
    // A page of the built site's own styles: one line, a 49-row 教学过程 table, a 14-column table.
    const rows = Array.from({ length: 49 }, (_, i) => `<tr><td>环节${i + 1}</td><td>学生分组讨论第${i + 1}个问题</td></tr>`).join("");
    const word = "https://example.org/a-very-long-address-without-any-break-in-it";
    const wide = `<tr>${Array.from({ length: 16 }, () => `<td>${word}</td>`).join("")}</tr>`;
    const heads = Array.from({ length: 16 }, (_, i) => `<th>第${i + 1}周 Week ${i + 1}</th>`).join("");
    const dir = path.join(out, "print-check");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "index.html"), `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>打印</title>
<link rel="stylesheet" href="../static/site.css"><link rel="stylesheet" href="../static/print.css" media="print"></head>
<body><main><div class="prose"><h1>打印检查</h1><p>一行说明。</p>
<div class="table-wrap"><table><thead><tr><th>环节</th><th>活动</th></tr></thead><tbody>${rows}</tbody></table></div>
<div class="table-wrap"><table><thead><tr>${heads}</tr></thead><tbody>${wide}</tbody></table></div></div></main></body></html>`);
    const page = await browser.newPage({ viewport: { width: PRINTABLE_WIDTH, height: 1100 } });
    try {
      await page.goto(pathToFileURL(path.join(dir, "index.html")).href);
      await page.emulateMedia({ media: "print" });
      const overflow = await page.evaluate(() => [...document.querySelectorAll(".table-wrap")]
        .map((w) => w.querySelector("table").getBoundingClientRect().right - document.documentElement.clientWidth));
      assert.ok(overflow.every((o) => o <= 0.5), `a table runs past the paper by ${overflow.join(", ")} px`);
      const file = path.join(dir, "print.pdf");
      fs.writeFileSync(file, await page.pdf({ format: "A4", printBackground: false }));
      const first = spawnSync(PDFTOTEXT, ["-f", "1", "-l", "1", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
      assert.match(first.stdout, /环节1\b/, `page 1 holds no row of the table:\n${first.stdout}`);
    } finally {
      await page.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const lesson of [FORMULA_LESSON, VIDEO_LESSON]) {
    test(`${lesson} prints to A4 with nothing clipped and scannable QR codes`, async () => {
      const page = await browser.newPage({ viewport: { width: PRINTABLE_WIDTH, height: 1100 } });
      await page.goto(pathToFileURL(path.join(out, lesson)).href);
      await page.emulateMedia({ media: "print" });
      const layout = await page.evaluate(() => {
        const cm = 96 / 2.54;
        const width = document.documentElement.clientWidth;
        const visible = (el) => el.getClientRects().length > 0;
        const wide = [...document.querySelectorAll("main table, main img, main svg, main math, main pre, .table-wrap")]
          .filter(visible)
          .filter((el) => el.getBoundingClientRect().right > width + 0.5 || el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}`);
        const codes = [...document.querySelectorAll(".page-qr svg.qr-code")].filter(visible)
          .map((svg) => svg.getBoundingClientRect().width / cm);
        const hidden = [...document.querySelectorAll(".site-header, .site-footer, .print-button, .breadcrumbs")]
          .filter(visible).map((el) => el.className);
        const title = document.querySelector("main h1").textContent.trim();
        const headings = [...document.querySelectorAll("main h2, main h3, main h4")].filter(visible)
          .map((h) => h.textContent.replace(/#$/, "").trim()).filter(Boolean);
        return { title, headings, wide, codes, hidden, pageStyle: [...document.querySelectorAll("style")].map((s) => s.textContent).join("") };
      });
      assert.deepEqual(layout.wide, [], "elements wider than the printable width");
      assert.deepEqual(layout.hidden, [], "screen-only elements shown on paper");
      const expectedCodes = lesson === VIDEO_LESSON ? 2 : 1;
      assert.equal(layout.codes.length, expectedCodes, "QR codes on paper");
      for (const size of layout.codes) assert.ok(size >= 2, `a QR code is ${size.toFixed(2)} cm wide, under 2 cm`);
      assert.match(layout.pageStyle, /@top-center/, "the lesson's title in the page margin");

      // Each code, drawn at its printed size, reads back as the address printed beside it.
      await page.addScriptTag({ path: JSQR });
      const readings = await page.evaluate(async () => {
        const read = async (svg) => {
          const size = Math.round(svg.getBoundingClientRect().width);
          const image = new Image();
          image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(svg));
          await image.decode();
          const canvas = document.createElement("canvas");
          canvas.width = canvas.height = size;
          const context = canvas.getContext("2d");
          context.drawImage(image, 0, 0, size, size);
          // eslint-disable-next-line no-undef
          const code = jsQR(context.getImageData(0, 0, size, size).data, size, size);
          return code ? code.data : null;
        };
        const figures = [...document.querySelectorAll(".page-qr figure")];
        return Promise.all(figures.map(async (f) => [await read(f.querySelector("svg")), f.querySelector(".qr-url").textContent]));
      });
      for (const [read, printed] of readings) assert.equal(read, printed, "a QR code does not read as its address");
      assert.ok(readings.some(([, url]) => url === `${BASE}${lesson.replace(/index\.html$/, "")}`), "the lesson's own code");

      const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true, printBackground: false });
      const pageCount = (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) || []).length;
      assert.ok(pageCount >= 1 && pageCount <= 8, `the lesson prints on ${pageCount} pages`);
      checkPrintedPages(pdf, layout.title, layout.headings);
      await page.close();
    });
  }
});

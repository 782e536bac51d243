// The relevance suite: teacher-like queries on the repository's own sample portal (site.yaml +
// content/), built with the real binary. Ranking runs in Node through the search page's own
// modules (tests/js/search-engine.js: the same calls as the page); then Chromium checks that
// the page shows what the suite expects — grade words, fallback, synonyms, lesson first,
// honest counts, the empty query and highlighted snippets.
//
//   npm run test:e2e          (needs target/debug/lectern and /usr/bin/chromium)
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CHROMIUM, launchChromium } from "./chromium.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "target", "debug", "lectern");
const require = createRequire(import.meta.url);

const skip = !fs.existsSync(BIN) ? `no ${path.relative(ROOT, BIN)}: run cargo build` : false;
const skipBrowser = skip || (!fs.existsSync(CHROMIUM) && `no ${CHROMIUM}`) ||
  (!fs.existsSync(path.join(ROOT, "node_modules", "playwright-core")) && "playwright-core missing");

let out = null;
function built() {
  if (out) return out;
  out = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-relevance-"));
  const r = spawnSync(BIN, ["build", "--root", ROOT, "--out", out], { encoding: "utf8" });
  assert.equal(r.status, 0, `lectern build failed:\n${r.stderr}`);
  return out;
}
after(() => out && fs.rmSync(out, { recursive: true, force: true }));

// From disk the index loads from <script> twins, which only `lectern pack` (or `search.offline`)
// writes: the sample portal packed and unzipped, as a teacher would from a USB stick.
let unpacked;
function packed() {
  if (unpacked) return unpacked;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lectern-relevance-pack-"));
  const zip = path.join(tmp, "portal.zip");
  const r = spawnSync(BIN, ["pack", "--root", ROOT, "--out", zip, "--without-media"], { encoding: "utf8" });
  assert.equal(r.status, 0, `lectern pack failed:\n${r.stderr}`);
  const unzip = spawnSync("python3", ["-m", "zipfile", "-e", zip, path.join(tmp, "portal")], { encoding: "utf8" });
  assert.equal(unzip.status, 0, unzip.stderr);
  unpacked = path.join(tmp, "portal");
  return unpacked;
}
after(() => unpacked && fs.rmSync(path.dirname(unpacked), { recursive: true, force: true }));

describe("relevance on the sample portal", { skip }, () => {
  let engine;
  before(() => {
    engine = require(path.join(ROOT, "tests", "js", "search-engine.js")).open(built());
  });
  const search = (q, opts) => engine.search(q, opts);
  const titles = (r, n = 3) => r.results.slice(0, n).map((x) => x.title);
  const gradesOf = (M, n) => M.grades.find((g) => g.number === n);

  // search-boot.js guesses the first ten records while search.js downloads (a slow link's
  // saving); a guess that differs costs bytes. On this portal it must guess exactly.
  test("the boot script asks for the records the page then shows, and only those", async () => {
    const dir = built();
    const BOOT = fs.readFileSync(path.join(dir, "static", "search-boot.js"), "utf8");
    let guessed = 0;
    const { runBoot } = require(path.join(ROOT, "tests", "js", "boot-harness.js"));
    const answer = (url) => {
      const file = path.join(dir, "search", url.replace(/^\.\.\/search\//, ""));
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    };
    /** The boot script run for the address `search` over the built files: the record files it asks for. */
    const guessesOf = async (search) =>
      (await runBoot(BOOT, search, answer))
        .filter((u) => /\/d\/\d+\.json$/.test(u))
        .map((u) => +u.match(/(\d+)\.json$/)[1]);
    // Filters in the address or more terms than it asks postings for: the page's first ten
    // differ from the plain ranking, so no guess.
    const plain = "?q=" + encodeURIComponent("情绪");
    assert.ok((await guessesOf(plain)).length > 0, "情绪 alone is guessed");
    for (const filtered of ["&kind=video", "&grade=7", "&topic=" + encodeURIComponent("情绪管理"), "&course=life-health"]) {
      assert.deepEqual(await guessesOf(plain + filtered), [], filtered);
    }
    assert.deepEqual(await guessesOf("?q=" + encodeURIComponent("情绪管理 压力管理 生命教育")), [], "nine terms");
    let moreThanTen = 0;
    for (const q of ["情绪", "情绪管理", "防溺水", "生命", "感恩", "沟通", "家庭", "学习", "朋友", "安全", "青春期", "校园欺凌", "焦虑", "学生", "老师", "课堂", "活动", "同学 分享", "考试焦虑怎么办", "防溺水 视频", "生涯规划 说课", "七年级 情绪", "高中生"]) {
      const records = await guessesOf("?q=" + encodeURIComponent(q));
      if (!records.length) {
        assert.ok(!["情绪", "防溺水", "生命"].includes(q), `${q}: no guess`);
        continue;
      }
      guessed++;
      const r = search(q);
      // asked for in rank order: the record files of the same ten, in the same order
      const per = engine.manifest.records_per_file;
      const files = [...new Set(r.results.map((x) => Math.floor(x.doc / per)))];
      assert.deepEqual(records, files, q);
      if (r.complete + r.partial > 10) moreThanTen++;
    }
    assert.ok(guessed >= 8, `the boot script guessed for ${guessed} queries only`);
    assert.ok(moreThanTen >= 3, `only ${moreThanTen} queries had more than ten results to choose from`);
  });

  test("7年级 情绪: grade-7 resources lead, the digit 7 matches nothing", () => {
    const r = search("7年级 情绪");
    assert.ok(r.results.slice(0, 3).every((x) => x.grades.includes(7)), JSON.stringify(titles(r)));
    assert.deepEqual(r.terms, ["情绪"]);
  });

  test("初一, 9年级, grade 7 and 七年级 list exactly that grade's resources", () => {
    const seven = search("七年级");
    assert.ok(seven.results.length > 3 && seven.results.every((x) => x.grades.includes(7)));
    assert.equal(search("初一").complete, seven.complete);
    assert.equal(search("grade 7").complete, seven.complete);
    const nine = search("9年级");
    assert.ok(nine.results.every((x) => x.grades.includes(9)), JSON.stringify(titles(nine)));
    assert.ok(gradesOf(engine.M, 9));
  });

  test("高中 考试焦虑 and 高三 prefer senior resources", () => {
    const r = search("高三 焦虑");
    assert.ok(r.results[0].grades.includes(12), JSON.stringify(titles(r)));
    const s = search("小学 情绪");
    assert.ok(s.results.slice(0, 3).every((x) => x.grades.some((g) => g <= 6)), JSON.stringify(titles(s)));
  });

  test("霸凌 and 网瘾 lead to the bullying and internet-addiction lessons", () => {
    assert.equal(search("霸凌").results[0].title, "向校园欺凌说“不”");
    assert.equal(search("校园霸凌").results[0].title, "向校园欺凌说“不”");
    assert.equal(search("网瘾").results[0].title, "从屏幕里抬起头——走出网络沉迷");
  });

  test("a pair never seen falls back to its characters, below pair matches", () => {
    const r = search("成瘾");
    assert.ok(r.terms.includes("瘾"), r.terms.join(" "));
    assert.equal(r.results[0].title, "从屏幕里抬起头——走出网络沉迷");
    assert.equal(r.complete, 0, "single characters are partial matches");
  });

  test("紧张 finds what says only 焦虑; the word typed ranks above its synonym", () => {
    const r = search("紧张");
    assert.ok(r.results.some((x) => x.title === "与考试焦虑和平相处"), JSON.stringify(titles(r, 10)));
    const direct = search("焦虑").results[0];
    assert.equal(direct.title, "与考试焦虑和平相处");
    const viaSynonym = r.results.find((x) => x.title === "与考试焦虑和平相处");
    assert.ok(viaSynonym.score < direct.score);
  });

  test("心理卫生 leads to mental-health resources, not to puberty hygiene", () => {
    const r = search("心理卫生");
    assert.notEqual(r.results[0].title, "悄悄长大的我");
    assert.notEqual(r.results[0].title, "《悄悄长大的我》说课稿");
  });

  test("a lesson leads its own review and video", () => {
    for (const [q, lesson] of [
      ["考试焦虑", "与考试焦虑和平相处"],
      ["焦虑", "与考试焦虑和平相处"],
      ["生涯规划", "选科路口的自我探索"],
      ["职业生涯规划", "选科路口的自我探索"],
      ["情绪小怪兽", "我的情绪小怪兽"],
      ["防溺水", "珍爱生命，远离危险水域"],
      ["校园欺凌", "向校园欺凌说“不”"],
    ]) {
      const r = search(q);
      assert.equal(r.results[0].title, lesson, `${q}: ${JSON.stringify(titles(r))}`);
      assert.equal(r.results[0].kind, "lesson");
    }
  });

  test("a title or topic match beats body mentions", () => {
    const r = search("睡眠");
    assert.equal(r.results[0].title, "睡个好觉，是高中生的必修课");
    const t = search("挫折");
    assert.ok(t.results.slice(0, 3).every((x) => x.topics.includes("挫折应对")), JSON.stringify(titles(t)));
  });

  test("情緒 as typed ranks the resource written 情緒 first among equals", () => {
    const r = search("情緒");
    assert.equal(r.results[0].title, "認識情緒的顏色——交流課堂錄影");
    assert.notEqual(search("情绪").results[0].title, "認識情緒的顏色——交流課堂錄影");
  });

  test("counts: complete and partial matches; thin partial matches are dropped", () => {
    const r = search("学生不想上学怎么办");
    assert.ok(r.results.length >= 1 && r.results[0].title === "点燃学习的小火苗", JSON.stringify(titles(r)));
    assert.equal(r.complete, 0, "no resource holds every pair (学怎 is in none)");
    assert.ok(r.complete + r.partial < engine.M.n / 2, `${r.complete} + ${r.partial} of ${engine.M.n}`);
    const one = search("考试焦虑");
    assert.equal(one.complete, 3, "the lesson, its review and its video");
  });

  test("pinyin and initials find the titles, and a lesson leads its own review and video", () => {
    // The suite's engine ranks pinyin as the page does (LS.addPinyinMatches): without it these
    // found nothing here although the page found them.
    for (const [q, lesson] of [
      ["kaoshijiaolv", "与考试焦虑和平相处"],
      ["ksjl", "与考试焦虑和平相处"],
      ["sygh", "选科路口的自我探索"],
      ["fangnishui", "珍爱生命，远离危险水域"],
      ["qingxu", "我的情绪小怪兽"],
    ]) {
      const r = search(q);
      assert.equal(r.results[0].title, lesson, `${q}: ${JSON.stringify(titles(r))}`);
      assert.equal(r.partial, 0, `${q}: a pinyin match is complete or none`);
    }
    // qxgl: every 情绪管理 resource, each lesson before its own review and video
    const r = search("qxgl", { size: 100 });
    assert.equal(r.complete, search("情绪管理", { size: 100 }).results.filter((x) => x.topics.includes("情绪管理") || x.title.includes("情绪管理")).length);
    assert.equal(r.results[0].kind, "lesson");
  });

  test("grade words around pinyin: grade 10 shengya is read as 生涯 with the grade boost", () => {
    const r = search("grade 10 shengya");
    assert.ok(r.results.length > 0, "the digits of a grade word do not stop the pinyin reading");
    assert.equal(r.results[0].title, "选科路口的自我探索");
  });

  test("a grade word with its term (三年级上册, 初二上册) lists that grade, not every 上册", () => {
    const r = search("三年级上册", { size: 100 });
    assert.ok(r.results.length > 0 && r.results.every((x) => x.grades.includes(3)), JSON.stringify(titles(r, 10)));
    assert.equal(r.complete, search("三年级", { size: 100 }).complete);
    assert.equal(r.partial, 0);
    const t = search("八年级下学期 学习");
    assert.deepEqual(t.terms, ["学习"]);
    assert.ok(t.results[0].grades.includes(8), JSON.stringify(titles(t)));
  });

  test("a unit as a teacher names it (七年级上册 第三单元, 第4单元, the lesson's name) finds what is aligned to it", () => {
    // site.yaml: daofa-7a unit 3 is 师长情谊, its second lesson 亲情之爱; qin-zi-gou-tong is aligned there.
    const aligned = ["读懂父母的“唠叨”", "读懂父母的“唠叨”（微课）"].sort();
    for (const q of ["七年级上册 第三单元", "第三单元 第二课", "亲情之爱"]) {
      assert.deepEqual(titles(search(q), 2).sort(), aligned, q);
    }
    const four = search("第4单元");
    assert.ok(titles(four).includes("守护生命，绽放光彩"), JSON.stringify(titles(four)));
    // 七上: grade 7's first volume, as teachers shorten a textbook's name
    const short = search("道德与法治七上第四单元");
    assert.ok(titles(short).includes("守护生命，绽放光彩"), JSON.stringify(titles(short)));
    assert.ok(short.results.slice(0, 3).every((x) => x.grades.includes(7)), JSON.stringify(titles(short)));
    assert.ok(search("Unit 4").results.length > 0);
  });

  test("第3单元 and 第三单元 (and 第 3 单元) search alike (black-box round 27)", () => {
    const words = search("第三单元");
    for (const q of ["第3单元", "第 3 单元"]) {
      const r = search(q);
      assert.deepEqual([r.complete, r.partial, titles(r, 5)], [words.complete, words.partial, titles(words, 5)], q);
    }
    assert.ok(words.complete > 0);
  });

  test("低年级, 中年级, 高年级 are the primary bands", () => {
    const r = search("小学低年级 情绪");
    assert.deepEqual(r.terms, ["情绪"]);
    assert.ok(r.results[0].grades.some((g) => g <= 2), JSON.stringify(titles(r)));
    assert.equal(search("高中生").complete, search("高中").complete, "高中生 names the stage, not the character 生");
    assert.deepEqual(search("初中生 压力").terms, ["压力"]);
    const m = search("中年级", { size: 100 });
    assert.ok(m.results.length > 0 && m.results.every((x) => x.grades.some((g) => g === 3 || g === 4)), JSON.stringify(titles(m, 10)));
  });

  test("a question (怎么办, 有没有, 如何) is read for what it names", () => {
    const r = search("考试焦虑怎么办");
    assert.equal(r.results[0].title, "与考试焦虑和平相处", JSON.stringify(titles(r)));
    assert.equal(r.results[0].kind, "lesson");
    assert.equal(r.complete, search("考试焦虑").complete, "怎么办 is not a word a resource must hold");
    const long = search("期末考试前怎么帮助学生缓解焦虑情绪，有没有适合初三学生的班会课教案？");
    assert.ok(!long.terms.includes("初三") && !long.terms.includes("怎么"), long.terms.join(" "));
    // the anxiety lesson, and the grade-9 class-meeting (班会) lesson on pressure it asks for
    assert.deepEqual(titles(long, 2).sort(), ["与考试焦虑和平相处", "跌倒了，再站起来——九年级挫折应对主题班会"].sort());
  });

  test("a teacher's request (我想找, 关于, 一节, 的) is read for what it names", () => {
    const plain = search("情绪管理", { size: 50 });
    const about = new Set(plain.results.slice(0, plain.complete).map((x) => x.title));
    for (const q of ["关于情绪管理的教案", "我想找一节关于情绪管理的课", "帮我找情绪管理的资源"]) {
      const r = search(q);
      assert.ok(r.complete >= plain.complete - 1, `${q}: ${r.complete} complete against ${plain.complete}`);
      assert.ok(r.results.slice(0, 5).every((x) => about.has(x.title)), `${q}: ${JSON.stringify(titles(r, 5))}`);
    }
    // 的 inside a word stays: 目的 is not split
    assert.ok(search("教学目的").terms.includes("目的"));
  });

  test("a teacher's whole message (black-box round 25): who they are, and two things joined by 和", () => {
    // 我是一名初中心理老师 names the stage; 异性交往和情绪管理 is two things asked for
    const message = search("我是一名初中心理老师，下周要上一节关于青春期异性交往和情绪管理的公开课，想找一些七年级的教学设计、课堂视频和评课记录");
    assert.equal(message.results[0].title, "悄悄长大的我", JSON.stringify(titles(message, 5)));
    assert.ok(message.complete + message.partial >= 10, `${message.complete} + ${message.partial}: the 情绪管理 resources are there too`);
    assert.ok(!message.terms.includes("往和") && !message.terms.includes("老师") && !message.terms.includes("一些"), JSON.stringify(message.terms));
    const joined = search("异性交往和情绪管理");
    assert.equal(joined.complete + joined.partial, search("异性交往 情绪管理").complete + search("异性交往 情绪管理").partial);
    // 和 inside a title the index holds (与考试焦虑和平相处) stays part of it
    assert.equal(search("与考试焦虑和平相处").results[0].title, "与考试焦虑和平相处");
  });

  test("a character no resource holds keeps the thin partial matches out (学生厌学)", () => {
    const r = search("学生厌学");
    assert.equal(r.results[0].title, "点燃学习的小火苗", "via the default synonym 厌学 -> 学习动力");
    assert.ok(r.complete + r.partial <= 3, `${r.complete} + ${r.partial}: 学生 alone is not half of 学生厌学`);
  });

  test("a teacher's words the index partly lacks still find what there is (black-box round 15)", () => {
    const emotions = search("情绪", { size: 100 }).complete;
    // 调色盘 is in no resource: the 情绪 resources, as partial matches, not an empty page
    const palette = search("情绪 调色盘", { size: 100 });
    assert.equal(palette.complete, 0);
    assert.ok(palette.partial >= emotions, `${palette.partial} partial against ${emotions} for 情绪`);
    // two words typed as one: as many complete matches as with the space, the phrase first
    const joined = search("认识情绪");
    assert.equal(joined.complete, search("认识 情绪").complete);
    // …longer runs too (black-box round 18): 水安 and 育活 are where the words meet
    for (const [together, apart] of [["防溺水安全", "防溺水 安全"], ["生命教育活动", "生命教育 活动"]]) {
      assert.equal(search(together).complete, search(apart).complete, together);
    }
    // the characters of the missing word add nothing: the 情绪 resources, in 情绪's order
    assert.deepEqual(titles(palette, 8), titles(search("情绪"), 8));
    assert.equal(joined.results[0].title, "認識情緒的顏色——交流課堂錄影");
    // a filter that leaves no strong match shows that grade's thinner ones
    const seventh = search("情绪管理", { grade: [7] });
    assert.ok(seventh.results.length > 0 && seventh.results.every((x) => x.grades.includes(7)), JSON.stringify(titles(seventh)));
    // a topic's other name (site.yaml topic_aliases: 情绪调节 → 情绪管理) finds the topic
    const alias = search("情绪调节", { size: 100 }).results.map((x) => x.title);
    for (const title of ["给压力找个出口", "《给压力找个出口》微课"]) assert.ok(alias.includes(title), `${title} in ${JSON.stringify(alias)}`);
  });

  test("a kind named (视频, 录像, 说课, 评课, 教案) leads over the lesson-first order", () => {
    for (const [q, kind, title] of [
      ["防溺水 视频", "video", "《珍爱生命，远离危险水域》课堂录像"],
      ["考试焦虑 课堂实录", "video", "《与考试焦虑和平相处》高三心理辅导课实录"],
      ["生涯规划 说课", "review", "《选科路口的自我探索》说课稿"],
      ["与考试焦虑和平相处 评课", "review", "《与考试焦虑和平相处》评课记录"],
      ["fangnishui 视频", "video", "《珍爱生命，远离危险水域》课堂录像"],
      // …also written right after the words, as a phone's keyboard leaves it
      ["考试焦虑视频", "video", "《与考试焦虑和平相处》高三心理辅导课实录"],
      ["防溺水视频", "video", "《珍爱生命，远离危险水域》课堂录像"],
    ]) {
      const r = search(q);
      assert.equal(r.results[0].kind, kind, `${q}: ${JSON.stringify(titles(r))}`);
      assert.equal(r.results[0].title, title, q);
    }
    assert.equal(search("防溺水 视频").complete, search("防溺水").complete, "视频 names the kind, not a word to hold");
    assert.equal(search("短视频").results[0].title, "从屏幕里抬起头——走出网络沉迷", "短视频 is a word");
  });

  test("a grade's count in the filter panel is what choosing that grade shows", () => {
    for (const q of ["初二学生考试前睡不着怎么办", "有没有适合三年级的关于情绪的班会课", "情绪管理", "友谊的天空"]) {
      const r = search(q);
      engine.M.grades.forEach((g, i) => {
        const chosen = search(q, { grade: [g.number], size: 1000 });
        assert.equal(chosen.complete + chosen.partial, r.counts.grade[i], `${q}, ${g.name}: ${r.counts.grade[i]} in the panel`);
      });
    }
  });

  test("说课 or 评课 named puts reviews of that kind first, though a review's body says both words", () => {
    for (const [q, mark] of [["情绪 说课", "说课"], ["情绪 说课稿", "说课"], ["情绪 评课", "评课"], ["情绪 评课记录", "评课"]]) {
      const r = search(q);
      const top = r.results.slice(0, 3).map((x) => x.title);
      assert.ok(top.every((t) => t.includes(mark)), `${q}: ${JSON.stringify(top)}`);
    }
    // both named: neither kind is preferred, as before
    assert.deepEqual(titles(search("说课 评课 情绪")), titles(search("情绪 评课 说课")));
  });

  test("a title typed without its punctuation is a complete match", () => {
    const r = search("珍爱生命远离危险水域");
    assert.equal(r.results[0].title, "珍爱生命，远离危险水域");
    assert.equal(r.complete, 3, "the lesson, its video and its review; 命远 lies across the comma");
    assert.equal(search("虑焦试考").complete, 0, "pairs the index lacks on both sides are still missing");
  });

  test("the empty query lists every resource, newest first, with facet counts", () => {
    const r = search("", { size: 1000 });
    assert.equal(r.results.length, engine.M.n);
    assert.deepEqual(r.results.map((x) => x.doc), [...r.results.map((x) => x.doc)].sort((a, b) => b - a));
    assert.equal(r.counts.kind.reduce((a, b) => a + b, 0), engine.M.n);
  });
});

describe("search page on the sample portal", { skip: skipBrowser }, () => {
  let srv, browser, base;
  before(async () => {
    const dir = built();
    srv = http.createServer((req, res) => {
      let file = path.join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
      if (!file.startsWith(dir)) return res.writeHead(403).end();
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
      fs.readFile(file, (err, body) => {
        if (err) return res.writeHead(404).end();
        const type = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".css": "text/css" };
        res.writeHead(200, { "content-type": (type[path.extname(file)] || "application/octet-stream") + "; charset=utf-8" }).end(body);
      });
    });
    await new Promise((r) => srv.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${srv.address().port}/`;
    browser = await launchChromium();
  });
  after(async () => {
    if (browser) await browser.close();
    if (srv) srv.close();
  });

  async function open(url) {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await settled(page);
    return { page, errors };
  }
  async function settled(page, after = 0) {
    await page.waitForFunction((n) => {
      const r = document.getElementById("results");
      if (!(r && r.getAttribute("data-state") === "done" && +r.getAttribute("data-seq") > n)) return false;
      // snippets taken from the pages: those on the screen have been fetched
      return !Array.from(r.querySelectorAll("[data-deep]")).some((s) => s.getAttribute("data-deep") === "loading" ||
        (s.getAttribute("data-deep") === "waiting" && s.getBoundingClientRect().top < window.innerHeight));
    }, after, { timeout: 10000 });
  }
  const search = (q) => open(`${base}search/?q=${encodeURIComponent(q)}`);
  const shown = (page) =>
    page.$$eval("#results a", (as) => as.map((a) => ({
      title: a.querySelector(".result-title").textContent,
      kind: a.querySelector(".badge") ? a.querySelector(".badge").textContent : "",
      grades: a.querySelector(".result-grades") ? a.querySelector(".result-grades").textContent : "",
      snippet: a.querySelector(".result-snippet") ? a.querySelector(".result-snippet").textContent : "",
      marks: Array.from(a.querySelectorAll(".result-snippet mark")).map((m) => m.textContent),
    })));

  test("情绪 -小怪兽 leaves out what holds 小怪兽, and 说课 puts a 说课 first", async () => {
    const { page, errors } = await search("情绪 -小怪兽");
    const r = await shown(page);
    assert.ok(r.length > 0 && r.every((x) => !x.title.includes("小怪兽")), JSON.stringify(r.map((x) => x.title)));
    await page.close();
    const kind = await search("情绪 说课");
    assert.match((await shown(kind.page))[0].title, /说课/);
    await kind.page.close();
    assert.deepEqual(errors.concat(kind.errors), []);
  });

  test("七年级上册 第二单元: no complete match from grade 8, and the unit's place in its textbook offered", async () => {
    const { page, errors } = await search("七年级上册 第二单元");
    assert.match(await page.textContent("#search-status"), /^没有完全符合的结果，以下 11 条部分符合/);
    const offer = page.locator("#search-unit-offer a");
    assert.equal(await offer.count(), 1);
    assert.equal(await offer.getAttribute("href"), "../textbooks/daofa-7a/#unit-2");
    assert.match(await offer.textContent(), /七年级上册 第 2 单元 友谊的天空/);
    await offer.click();
    await page.waitForURL(/textbooks\/daofa-7a\/#unit-2$/);
    assert.ok(await page.locator("#unit-2").isVisible());
    await page.close();
    assert.deepEqual(errors, []);
  });

  test("情续管理 (one character off a topic) asks 你要找的是不是 情绪管理, and the link searches for it", async () => {
    const { page, errors } = await search("情续管理 初中");
    const offer = page.locator("#search-mended a");
    assert.equal(await offer.textContent(), "情绪管理 初中");
    assert.match(await page.textContent("#search-mended"), /^你要找的是不是：/);
    assert.equal(await offer.getAttribute("href"), "?q=" + encodeURIComponent("情绪管理 初中"));
    const seq = +(await page.getAttribute("#results", "data-seq"));
    await offer.click();
    await settled(page, seq);
    assert.equal(await page.inputValue("#search-input"), "情绪管理 初中");
    assert.equal(new URL(page.url()).searchParams.get("q"), "情绪管理 初中");
    assert.ok(+(await page.getAttribute("#results", "data-complete")) > 0);
    assert.equal(await page.locator("#search-mended").count(), 0, "a query with complete matches is not mended");
    await page.close();
    assert.deepEqual(errors, []);
  });

  test("a kind named that none of the matches is (寝室 评课) is said, not passed over", async () => {
    const { page, errors } = await search("寝室 评课");
    assert.match(await page.textContent("#search-status"), /其中没有说课评课，以下是其他类型的资源/);
    await page.close();
    const found = await search("防溺水 评课");
    assert.doesNotMatch(await found.page.textContent("#search-status"), /其中没有/);
    await found.page.close();
    assert.deepEqual(errors, []);
  });

  test("an English word that finds nothing says the resources are in Chinese and pinyin works", async () => {
    const { page, errors } = await search("stress");
    assert.match(await page.textContent("#search-status"), /本站资源是中文的.*qxgl/);
    await page.close();
    const other = await search("！！！");
    assert.doesNotMatch(await other.page.textContent("#search-status"), /本站资源是中文的/);
    await other.page.close();
    assert.deepEqual(errors, []);
  });

  test("on a phone, the filter panel opens with each chosen value in view", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await page.goto(`${base}search/?q=${encodeURIComponent("情绪")}&grade=12`);
    await settled(page);
    await page.click("#search-filters-box > summary");
    const seen = await page.evaluate(() => {
      const chip = [...document.querySelectorAll("#search-filters input")].find((i) => i.checked).closest("li");
      const row = chip.parentNode, a = chip.getBoundingClientRect(), b = row.getBoundingClientRect();
      return { wide: row.scrollWidth > row.clientWidth, inside: a.left >= b.left - 1 && a.right <= b.right + 1 };
    });
    await page.close();
    assert.ok(seen.wide, "the grade row scrolls sideways on a phone");
    assert.ok(seen.inside, "十二年级 is in view");
  });

  test("7年级 情绪 boosts grade 7 and offers 只看七年级 as one click", async () => {
    const { page, errors } = await search("7年级 情绪");
    const before = await shown(page);
    assert.ok(before.slice(0, 3).every((r) => r.grades.includes("七年级")), JSON.stringify(before));
    assert.ok(before.some((r) => !r.grades.includes("七年级")), "a boost, not a filter");
    // Grade 7's resources that hold the whole query come before any other grade's.
    const firstOther = before.findIndex((r) => !r.grades.includes("七年级"));
    const lastSeven = before.map((r) => r.grades.includes("七年级") && /情绪|情緒/.test(r.title + r.snippet)).lastIndexOf(true);
    assert.ok(lastSeven < firstOther, JSON.stringify(before.map((r) => r.title + " " + r.grades)));
    assert.equal(await page.textContent("#search-only-grade"), "只看七年级");
    const seq = +(await page.getAttribute("#results", "data-seq"));
    await page.click("#search-only-grade");
    await settled(page, seq);
    assert.match(await page.evaluate(() => location.search), /grade=7/);
    assert.ok((await shown(page)).every((r) => r.grades.includes("七年级")));
    assert.equal(await page.$("#search-only-grade"), null, "the offer goes once taken");
    assert.equal(await page.evaluate(() => document.activeElement.id), "search-status", "focus stays near, not on <body>");
    assert.deepEqual(errors, []);
    await page.close();
    // no grade-1 resource here: 只看一年级 would only empty the page, so it is not offered
    const none = await search("一年级 情绪");
    assert.ok((await shown(none.page)).length > 0);
    assert.equal(await none.page.$("#search-only-grade"), null);
    await none.page.close();
  });

  test("霸凌 (fallback and synonym) finds the bullying lesson, with 欺凌 marked", async () => {
    const { page, errors } = await search("霸凌");
    const r = await shown(page);
    assert.equal(r[0].title, "向校园欺凌说“不”");
    assert.ok(r[0].marks.includes("欺凌"), JSON.stringify(r[0]));
    // 霸 is in no resource: a resource holding only 凌 is not a partial match of 霸凌
    assert.equal(await page.textContent("#search-status"), "找到 4 条结果");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("学生厌学: the synonym's match is complete, the rest partial, and the status says both", async () => {
    const { page, errors } = await search("学生厌学");
    const r = await shown(page);
    assert.equal(r[0].title, "点燃学习的小火苗");
    assert.ok(r[0].marks.includes("学习动力"), JSON.stringify(r[0]));
    assert.match(await page.textContent("#search-status"), /找到 1 条完整匹配，另有 2 条部分匹配/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("紧张 shows the 焦虑 lesson; 考试焦虑 puts the lesson before its review and video", async () => {
    const { page, errors } = await search("紧张");
    assert.ok((await shown(page)).some((r) => r.title === "与考试焦虑和平相处"));
    await page.close();
    const exam = await search("考试焦虑");
    const r = await shown(exam.page);
    assert.equal(r[0].kind, "教学设计");
    assert.equal(r[0].title, "与考试焦虑和平相处");
    assert.ok(r.slice(1, 3).every((x) => x.title.includes("与考试焦虑和平相处")), JSON.stringify(r.slice(0, 3)));
    assert.match(await exam.page.textContent("#search-status"), /找到 3 条完整匹配/);
    assert.deepEqual([...errors, ...exam.errors], []);
    await exam.page.close();
  });

  test("an empty query lists every resource newest first, with facet counts", async () => {
    const { page, errors } = await open(`${base}search/`);
    const n = JSON.parse(fs.readFileSync(path.join(built(), "search", "manifest.json"), "utf8")).doc_count;
    assert.match(await page.textContent("#search-status"), new RegExp(`共 ${n} 条资源`));
    assert.equal((await shown(page)).length, 10);
    const kinds = await page.$$eval('#search-filters input[name="kind"]', (is) =>
      is.map((i) => +i.closest("label").querySelector(".facet-count").textContent));
    assert.equal(kinds.reduce((a, b) => a + b, 0), n);
    const dates = await page.$$eval("#results .result-date", (ds) => ds.map((d) => d.textContent));
    assert.deepEqual(dates, [...dates].sort().reverse());
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("on a phone, a snippet's page is fetched only when the result comes near the screen", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    const fetched = [];
    page.on("request", (q) => /\/(lessons|videos|reviews)\/[^/]+\/$/.test(new URL(q.url()).pathname) && fetched.push(q.url()));
    await page.goto(`${base}search/?q=` + encodeURIComponent("情绪 温度计"));
    await settled(page);
    const waiting = await page.$$eval("#results [data-deep=waiting]", (s) => s.length);
    assert.ok(waiting > 0, "results below the screen wait");
    const before = fetched.length;
    // the reader scrolls down the list, a screen at a time
    for (let y = 0; y < (await page.evaluate(() => document.body.scrollHeight)); y += 400) {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      await page.waitForTimeout(50);
    }
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForFunction(() => document.querySelectorAll("#results [data-deep=waiting]").length === 0 &&
      !document.querySelector("#results [data-deep=loading]"));
    assert.ok(fetched.length > before, `${before} pages before scrolling, ${fetched.length} after`);
    await context.close();
  });

  test("every snippet of a text match shows a highlighted match", async () => {
    for (const q of ["焦虑", "屏幕时间", "欺凌", "情绪 温度计"]) {
      const { page, errors } = await search(q);
      // a snippet from the page is fetched when it comes near the screen: scroll to each
      for (const a of await page.$$("#results .result-snippet")) {
        await a.scrollIntoViewIfNeeded();
        await page.waitForFunction((s) => !/^(waiting|loading)$/.test(s.getAttribute("data-deep") || ""), a);
      }
      const r = await shown(page);
      assert.ok(r.length > 0, q);
      for (const x of r) {
        if (x.snippet) assert.ok(x.marks.length > 0 || !/焦虑|屏幕|欺凌|情绪|温度计/.test(x.snippet), `${q}: ${JSON.stringify(x)}`);
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test("from disk without the offline scripts, the page says how to get them", async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(built(), "search", "index.html")).href + "?q=" + encodeURIComponent("情绪"));
    await page.waitForSelector(".search-status--error", { timeout: 10000 });
    const status = await page.$eval(".search-status--error", (e) => e.textContent);
    assert.match(status, /lectern pack/);
    await page.close();
  });

  test("from disk (file://) synonyms and grade words work too", async () => {
    const { page, errors } = await open(pathToFileURL(path.join(packed(), "search", "index.html")).href + "?q=" + encodeURIComponent("初一 网瘾"));
    const r = await shown(page);
    assert.equal(r[0].title, "从屏幕里抬起头——走出网络沉迷");
    assert.ok(await page.$("#search-only-grade"));
    assert.deepEqual(errors, []);
    await page.close();
  });
});

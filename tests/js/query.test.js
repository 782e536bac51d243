// Query words (module 45 of themes/default/search/): grade and stage words, synonym variants,
// single-character fallback, complete and partial matches, the form typed; and the snippet
// window (module 50). The grade-word and fallback vectors are shared with the Rust suite.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");
const vectors = require("../fixtures/query-words.json");
const { lookupOf, post, manifest, facets } = require("./search-fixtures.js");

test("grade and stage words match the shared vectors", () => {
  for (const v of vectors.grades) {
    const g = LS.gradeWords(LS.fold(v.input));
    assert.deepEqual([g.grades, g.stages, LS.tokenizeQuery(g.rest), g.term], [v.grades, v.stages, v.rest, v.term || 0], v.input);
  }
});

test("question words match the shared vectors", () => {
  for (const v of vectors.questions) {
    assert.deepEqual(LS.tokenizeQuery(LS.dropQuestionWords(LS.fold(v.input))), v.rest, v.input);
  }
});

test("kind words match the shared vectors", () => {
  for (const v of vectors.kinds) {
    const k = LS.kindWords(LS.fold(v.input));
    assert.deepEqual([k.kinds, LS.tokenizeQuery(k.rest)], [v.kinds, v.rest], v.input);
  }
});

test("a kind named leads over the lesson-first order; without one, the lesson leads", () => {
  // documents 0 and 2 lessons, 1 a video, 3 a review; each holds 溺水 alike
  const table = { 溺水: post([[0, 8], [1, 8], [2, 8], [3, 8]]) };
  const rank = (q) => {
    const r = LS.searchPlan(LS.plan(q, LS.model(manifest), null), lookupOf(table), 4, cols4());
    return LS.topK(r.docs, r.score, 4);
  };
  assert.equal(rank("溺水 视频")[0], 1);
  assert.equal(rank("溺水 评课")[0], 3);
  assert.ok([0, 2].includes(rank("溺水")[0]));
});

test("说课 or 评课 named puts reviews of that kind first; both named, neither", () => {
  assert.deepEqual(LS.kindWords(LS.fold("情绪 说课稿")).reviews, ["说课"]);
  assert.deepEqual(LS.kindWords(LS.fold("情绪评课记录")).reviews, ["评课"]);
  assert.deepEqual(LS.kindWords(LS.fold("情绪 视频")).reviews, []);
  // four reviews holding 溺水 alike: 2 a 说课, 1 and 3 评课 (the `@` terms the build writes)
  const table = { 溺水: post([[0, 8], [1, 8], [2, 8], [3, 8]]), "@说课": post([[2, 1]]), "@评课": post([[1, 1], [3, 1]]) };
  const M = LS.model(manifest);
  const cols = LS.decodeFacets({ ...facets, kind_course: LS.encodeVarints([2, 2, 2, 2]), lengths: "QQQQ" }, M);
  const rank = (q) => {
    const r = LS.searchPlan(LS.plan(q, M, null), lookupOf(table), 4, cols);
    return Array.from(LS.topK(r.docs, r.score, 4));
  };
  assert.equal(rank("溺水 说课")[0], 2);
  assert.deepEqual(rank("溺水 评课").slice(0, 2).sort(), [1, 3]);
  assert.deepEqual(rank("溺水 说课 评课"), rank("溺水"));
  const extra = (q) => LS.planExtraTerms(LS.plan(q, M, null)).map((t) => t.term);
  assert.deepEqual(extra("溺水 说课"), ["@说课"]);
  assert.deepEqual(extra("溺水 说课 评课"), []);
});

test("word parts (unit3 → unit, 3) match the shared vectors", () => {
  for (const v of vectors.word_parts) assert.deepEqual(LS.wordParts(v.input), v.parts, v.input);
});

test("a word the index lacks is tried as its parts, complete when a resource holds both", () => {
  const table = { unit: post([[1, 8], [2, 1]]), 3: post([[1, 8], [3, 1]]) };
  const p = LS.plan("Unit3", LS.model(manifest), null);
  const has = (t) => Object.prototype.hasOwnProperty.call(table, t);
  assert.deepEqual(LS.addFallback(p, has).map((t) => t.term), ["unit", "3"]);
  const r = LS.searchPlan(p, lookupOf(table), 4, cols4());
  assert.equal(LS.topK(r.docs, r.score, 4)[0], 1);
  assert.equal(r.complete, 1);
  // lesson5 where no resource says "lesson": a 5 alone is not a match
  const none = LS.plan("lesson5", LS.model(manifest), null);
  LS.addFallback(none, has);
  assert.equal(LS.searchPlan(none, lookupOf({ 5: post([[0, 8]]) }), 4, cols4()).docs.length, 0);
});

test("a joining word between two things asked for parts them, unless the index reads it as part of a word", () => {
  // 异性交往和情绪管理: no resource says 往和, one 和情 (in 和情绪, a quarter of 情绪's); document
  // 0 holds both words apart, 1 only 情绪管理
  const table = {
    异性: post([[0, 2]]), 性交: post([[0, 2]]), 交往: post([[0, 2]]), 和情: post([[2, 1]]),
    情绪: post([[0, 2], [1, 4], [2, 1], [3, 1]]), 绪管: post([[0, 1], [1, 4]]), 管理: post([[0, 1], [1, 4]]),
  };
  const has = (t) => Object.prototype.hasOwnProperty.call(table, t);
  const docCount = (t) => (has(t) ? table[t][0] : 0); // a posting list is [documents, varints]
  const p = LS.plan("异性交往和情绪管理", LS.model(manifest), null);
  LS.addFallback(p, has, docCount);
  const words = {};
  for (const t of p.variants[0].terms) (words[t.group] = words[t.group] || []).push(t.term);
  assert.deepEqual(Object.values(words), [["异性", "性交", "交往"], ["情绪", "绪管", "管理"]]);
  const r = LS.searchPlan(p, lookupOf(table), 4, cols4());
  assert.equal(r.complete, 1, "document 0 holds both words");
  assert.equal(LS.topK(r.docs, r.score, 4)[0], 0);
  // 焦虑和平相处: the index holds 虑和 and 和平, so 和 may belong to 和平: one word, as typed
  const calm = { 焦虑: post([[0, 1]]), 虑和: post([[0, 1]]), 和平: post([[0, 1]]), 平相: post([[0, 1]]), 相处: post([[0, 1]]) };
  const calmHas = (t) => Object.prototype.hasOwnProperty.call(calm, t);
  const q = LS.plan("焦虑和平相处", LS.model(manifest), null);
  LS.addFallback(q, calmHas, (t) => (calmHas(t) ? calm[t][0] : 0));
  assert.deepEqual(q.variants[0].terms.map((t) => t.term), ["焦虑", "虑和", "和平", "平相", "相处"]);
  assert.equal(new Set(q.variants[0].terms.map((t) => t.group)).size, 1);
  // …and where the index lacks 虑和, 和 starts the second word: 焦虑 | 和平相处
  delete calm["虑和"];
  const r2 = LS.plan("焦虑和平相处", LS.model(manifest), null);
  LS.addFallback(r2, calmHas, (t) => (calmHas(t) ? calm[t][0] : 0));
  const parts = {};
  for (const t of r2.variants[0].terms) (parts[t.group] = parts[t.group] || []).push(t.term + t.pos);
  assert.deepEqual(Object.values(parts), [["焦虑0"], ["和平0", "平相1", "相处2"]]);
});

test("single-character fallbacks match the shared vectors", () => {
  for (const v of vectors.fallback) {
    const has = (t) => v.index_has.includes(t);
    assert.deepEqual(LS.fallbackChars(LS.queryTerms(v.input), has), v.fallback, v.input);
  }
});

test("a grade word becomes a mask, a stage word the manifest's stage or the 6-3-3 default", () => {
  const M = LS.model(manifest);
  assert.equal(LS.gradeMask(LS.gradeWords("7年级"), M), 1 << 6);
  assert.equal(LS.gradeMask(LS.gradeWords("初中"), M), (1 << 6) | (1 << 7) | (1 << 8));
  assert.equal(LS.gradeMask(LS.gradeWords("高中"), null), 0b111 << 9);
});

test("a plan: the query without grade words, then each synonym's variant", () => {
  const p = LS.plan("七年级 紧张怎么办", LS.model(manifest), { 紧张: ["焦虑"], 无关: ["别的"] });
  // 怎么办 asks; it names nothing a resource must hold
  assert.deepEqual(p.variants.map((v) => v.terms.map((t) => t.term)), [["紧张"], ["焦虑"]]);
  assert.deepEqual(p.variants.map((v) => v.factor < 1), [false, true]);
  assert.equal(p.mask, 1 << 6);
  assert.deepEqual(LS.planTerms(p).map((t) => t.term), ["紧张", "焦虑"]);
  // hostile manifests: no synonyms object, or odd values
  assert.equal(LS.plan("紧张", null, null).variants.length, 1);
  assert.equal(LS.plan("紧张", null, { 紧张: [1, null, ""] }).variants.length, 1);
});

// Four documents: 0 and 2 lessons, 1 a video, 3 a review (search-fixtures' facet columns).
function cols4() {
  return LS.decodeFacets({ ...facets, lengths: "QQQQ" }, LS.model(manifest));
}

test("a synonym's match ranks below the word itself and is partial when the word is found", () => {
  const table = { 紧张: post([[1, 8]]), 焦虑: post([[3, 8]]) };
  const p = LS.plan("紧张", LS.model(manifest), { 紧张: ["焦虑"] });
  const r = LS.searchPlan(p, lookupOf(table), 4, cols4());
  assert.deepEqual(Array.from(r.docs), [1, 3]);
  assert.ok(r.score[1] > r.score[3], `${r.score[1]} > ${r.score[3]}`);
  assert.deepEqual([r.complete, r.partial], [1, 1]);
  // a query with a term the index lacks has no complete match of its own
  const gone = LS.searchPlan(LS.plan("紧张 梦", LS.model(manifest), null), lookupOf(table), 4, cols4());
  assert.deepEqual([gone.complete, gone.partial], [0, 1]);
});

test("pairs never seen fall back to their characters, ranked below and counted partial", () => {
  const table = { 欺凌: post([[0, 8]]), 凌: post([[0, 8], [2, 1]]), 霸: post([[3, 1]]) };
  const p = LS.plan("霸凌", LS.model(manifest), { 霸凌: ["欺凌"] });
  const has = (t) => Object.prototype.hasOwnProperty.call(table, t);
  assert.deepEqual(LS.addFallback(p, has).map((t) => t.term), ["霸", "凌"]);
  const r = LS.searchPlan(p, lookupOf(table), 4, cols4());
  assert.equal(r.docs[0], 0);
  assert.deepEqual(LS.topK(r.docs, r.score, 4), [0, 2, 3].filter((d) => r.docs.includes(d)).sort((a, b) => r.score[b] - r.score[a]));
  assert.equal(r.complete, 1, "欺凌 is a complete match (a synonym)");
  assert.equal(r.partial, r.docs.length - 1, "单字 matches are partial");
});

test("partial matches below the share threshold are dropped; a lesson leads its review; a grade is boosted", () => {
  // 学生 is everywhere (low idf); 厌学 is rare.
  const table = { 学生: post([[0, 1], [1, 1], [2, 1], [3, 1]]), 厌学: post([[0, 2], [3, 2]]) };
  const p = LS.plan("学生厌学", LS.model(manifest), null);
  p.variants[0].terms = LS.queryTerms("学生 厌学");
  const r = LS.searchPlan(p, lookupOf(table), 4, cols4());
  assert.deepEqual(Array.from(r.docs), [0, 3], "1 and 2 hold only 学生");
  assert.ok(r.score[0] > r.score[3], "the lesson (0) leads the review (3) on equal postings");
  const g = LS.plan("十二年级 学生 厌学", LS.model(manifest), null);
  const rg = LS.searchPlan(g, lookupOf(table), 4, cols4());
  assert.ok(rg.score[3] > rg.score[0], "the grade-12 review now leads");
  const only = LS.searchPlan(LS.plan("七年级", LS.model(manifest), null), lookupOf(table), 4, cols4());
  assert.deepEqual(only.docs, [2, 0], "grade words alone: that grade's documents, newest first");
  assert.equal(only.score, null);
  assert.equal(LS.searchPlan(LS.plan("", LS.model(manifest), null), lookupOf(table), 4, cols4()), null);
});

test("the exact traditional form typed wins a tie, not a clear loss", () => {
  LS.setVariants("緒", "绪");
  try {
    const recs = { 1: { t: "情绪" }, 2: { t: "情緒" }, 3: { t: "情绪" } };
    const score = [0, 1.0, 0.95, 2];
    assert.deepEqual(LS.preferTyped([1, 2], recs, score, "情緒"), [2, 1]);
    assert.deepEqual(LS.preferTyped([3, 2], recs, score, "情緒"), [3, 2], "2 vs 0.95 is no tie");
    assert.deepEqual(LS.preferTyped([1, 2], recs, score, "情绪"), [1, 2], "a simplified query changes nothing");
  } finally {
    LS.setVariants("", "");
  }
});

test("a snippet shows the window holding the most query terms, not the first match", () => {
  const text = "考试" + "。".repeat(200) + "考试前的焦虑怎么办" + "。".repeat(200);
  const h = LS.highlight(text, LS.queryTerms("考试 焦虑"), 40);
  const marks = h.pieces.filter((p) => p.mark).map((p) => p.text);
  assert.deepEqual(marks, ["考试", "焦虑"]);
  assert.equal(h.pieces[0].text, "…");
  assert.ok(h.matched);
});

test("a typed word the index never holds as such yields to its synonym; a present one does not", () => {
  const M = LS.model(manifest);
  // 心理 and 卫生 occur apart in doc 1 (never 理卫); doc 2 says 心理健康.
  const table = {
    心理: post([[1, 2], [2, 8]]), 卫生: post([[1, 8]]), 理健: post([[2, 8]]), 健康: post([[2, 8]]),
    紧张: post([[1, 8]]), 焦虑: post([[2, 8]]),
  };
  const r = LS.searchPlan(LS.plan("心理卫生", M, { 心理卫生: ["心理健康"] }), lookupOf(table), 4, cols4());
  assert.ok(r.score[2] > r.score[1], `${r.score[2]} > ${r.score[1]}`);
  const t = LS.searchPlan(LS.plan("紧张怎么办", M, { 紧张: ["焦虑"] }), lookupOf(table), 4, cols4());
  assert.ok(t.score[1] > t.score[2], "紧张 itself exists: the word typed leads");
});

// site.yaml's default grades and stages (src/config.rs), and a 五四制 site: 1–5 primary,
// 6–9 junior (六年级 is 初一 there, named 预备班 on some sites), 10–12 senior.
const stagesOf = (junior) => [
  { slug: "primary", name: "小学", grades: Array.from({ length: junior[0] - 1 }, (_, i) => i + 1) },
  { slug: "junior", name: "初中", grades: junior },
  { slug: "senior", name: "高中", grades: [10, 11, 12] },
];
const gradeList = (names, junior) =>
  names.map((name, i) => ({
    number: i + 1,
    name,
    stage: i + 1 < junior[0] ? "primary" : i + 1 <= junior[junior.length - 1] ? "junior" : "senior",
  }));
const DEFAULT_NAMES = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级", "高一", "高二", "高三"];
const siteModel = (names, junior) =>
  LS.model({ ...manifest, stages: stagesOf(junior), grades: gradeList(names, junior) });

test("with the default site's grades, grade words read exactly as the shared vectors say", () => {
  LS.setGradeWords(siteModel(DEFAULT_NAMES, [7, 8, 9]));
  try {
    for (const v of vectors.grades) {
      const g = LS.gradeWords(LS.fold(v.input));
      assert.deepEqual([g.grades, g.stages, LS.tokenizeQuery(g.rest)], [v.grades, v.stages, v.rest], v.input);
    }
    // 初四 names no grade where 初中 has three: it stays text
    assert.deepEqual(LS.gradeWords("初四 情绪").grades, []);
  } finally {
    LS.setGradeWords(null);
  }
});

test("on a 五四制 site, 初一 and 初中一年级 are the junior stage's first grade, 初中 its grades", () => {
  const names = ["一年级", "二年级", "三年级", "四年级", "五年级", "初一", "初二", "初三", "初四", "高一", "高二", "高三"];
  const M = siteModel(names, [6, 7, 8, 9]);
  LS.setGradeWords(M);
  try {
    const grades = (q) => LS.gradeWords(LS.fold(q)).grades;
    assert.deepEqual(grades("初一 情绪"), [6]);
    assert.deepEqual(grades("初四"), [9]);
    assert.deepEqual(grades("适合初二学生"), [7]);
    assert.deepEqual(grades("初中一年级"), [6]);
    assert.deepEqual(grades("初中四年级"), [9]);
    assert.deepEqual(grades("七年级"), [7]); // N年级 is the school year
    assert.deepEqual(grades("高一"), [10]);
    // the primary school's bands stay in it: grade 6 is junior here
    assert.deepEqual(grades("高年级 情绪"), [4, 5]);
    assert.deepEqual(grades("中年级"), [3]);
    assert.deepEqual(grades("中高年级"), [3, 4, 5]);
    assert.deepEqual(grades("低年级"), [1, 2]);
    assert.equal(LS.plan("初中 情绪", M, null).mask, 0b1111 << 5);
    assert.equal(LS.plan("小学", M, null).mask, 0b11111);
    // a site naming grade 6 预备班 and 7–9 初一–初三: each name means its own grade
    LS.setGradeWords(siteModel(["一年级", "二年级", "三年级", "四年级", "五年级", "预备班", "初一", "初二", "初三", "高一", "高二", "高三"], [6, 7, 8, 9]));
    assert.deepEqual(grades("预备班 情绪"), [6]);
    assert.deepEqual(LS.tokenizeQuery(LS.gradeWords("预备班 情绪").rest), ["情绪"]);
    assert.deepEqual(grades("初一"), [7]);
    assert.deepEqual(grades("初三上册"), [9]);
  } finally {
    LS.setGradeWords(null);
  }
  assert.deepEqual(LS.gradeWords("初一").grades, [7]);
});

test("的 joins a teacher's words: a variant without it, the phrase as typed counting only where whole", () => {
  const terms = (v) => v.terms.map((t) => t.term);
  let p = LS.plan("情绪管理的心理课", null, null);
  assert.equal(p.variants.length, 2);
  assert.ok(p.variants[0].exactOnly);
  assert.deepEqual(terms(p.variants[1]), ["情绪", "绪管", "管理", "心理"], "课 after a subject goes too");
  assert.ok(p.variants[1].typed && p.variants[1].complete && p.variants[1].factor < 1);
  // a 的 left at an edge joins nothing, and needs no variant
  for (const q of ["关于情绪管理的教案", "帮我找情绪管理的资源", "情绪管理的"]) {
    p = LS.plan(q, null, null);
    assert.deepEqual(p.variants.map(terms), [["情绪", "绪管", "管理"]], q);
  }
  p = LS.plan("高中生的压力", null, null);
  assert.deepEqual([p.words.stages, p.variants.map(terms)], [["高中"], [["压力"]]]);
  // 目的 and 的确 are words; 我的 leaves a single character, which goes
  assert.equal(LS.plan("教学目的", null, null).variants.length, 1);
  assert.equal(LS.plan("的确", null, null).variants.length, 1);
  assert.deepEqual(LS.plan("我的情绪", null, null).variants.map(terms), [["我的", "的情", "情绪"], ["情绪"]]);
});

test("a grade word's term (七年级上册, 七下) puts that term's textbook first", () => {
  // docs 0 and 2: grade-7 lessons holding 第三单元 alike; 0 in the second volume's unit, 2 in the first's
  const withBooks = { ...manifest, textbooks: [
    { slug: "daofa-7a", name: "道德与法治 七年级上册", term: 1 },
    { slug: "daofa-7b", name: "道德与法治 七年级下册", term: 2 },
  ] };
  const M = LS.model(withBooks);
  const cols = LS.decodeFacets({ ...facets, lengths: "QQQQ", textbooks: LS.encodeVarints([2, 0, 1, 0]) }, M);
  const unit = post([[0, 1], [2, 1]]);
  const table = { 第三: unit, 三单: unit, 单元: unit };
  const first = (q) => {
    const r = LS.searchPlan(LS.plan(q, M, null), lookupOf(table), 4, cols);
    return LS.topK(r.docs, r.score, 4)[0];
  };
  assert.equal(first("七年级上册 第三单元"), 2);
  assert.equal(first("七上 第三单元"), 2);
  assert.equal(first("七年级下册 第三单元"), 0);
  assert.equal(first("七下第三单元"), 0);
});

test("two words typed without a space: a resource holding both apart is a complete match", () => {
  // 认识情绪: 识情 is where the words meet; only document 1 has it, 0 and 3 have both words apart
  const table = {
    认识: post([[0, 2], [1, 2], [2, 1], [3, 1]]),
    识情: post([[1, 2]]),
    情绪: post([[0, 3], [1, 2], [2, 4], [3, 1]]),
  };
  const r = LS.searchPlan(LS.plan("认识情绪", LS.model(manifest), null), lookupOf(table), 4, cols4());
  assert.equal(r.complete, 4);
  assert.equal(LS.topK(r.docs, r.score, 4)[0], 1, "the one holding the phrase leads");
  // words that mostly stand together (识情 in half the resources that hold 认识) are a term
  const term = { ...table, 识情: post([[1, 2], [3, 1]]) };
  const rt = LS.searchPlan(LS.plan("认识情绪", LS.model(manifest), null), lookupOf(term), 4, cols4());
  assert.equal(rt.complete, 2);
  // a three-character word has no such inner pair: 情绪化 needs 绪化
  const three = { 情绪: post([[0, 3]]), 绪化: post([[1, 1]]) };
  const r3 = LS.searchPlan(LS.plan("情绪化", LS.model(manifest), null), lookupOf(three), 4, cols4());
  assert.equal(r3.complete, 0);
});

test("a pair where two words meet weighs no more than the words: holding it alone does not lead", () => {
  // 认识情绪 over 40 documents: 0 holds both words; 1 holds 识情 (知识情境) and 情绪, not 认识
  const table = {
    认识: post([[0, 2], [2, 1], [3, 1], [4, 1], [5, 1]]),
    识情: post([[1, 2]]),
    情绪: post([[0, 2], [1, 2], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]),
  };
  const r = LS.searchPlan(LS.plan("认识情绪", LS.model(manifest), null), lookupOf(table), 40, null);
  assert.ok(r.score[0] > r.score[1], `${r.score[0]} > ${r.score[1]}`);
});

test("a unit's number is part of the unit: 第二单元 is not 第二 and 单元 apart", () => {
  // 二单 is rare beside 第二 and 单元, as a pair where two words meet would be
  const table = {
    第二: post([[0, 1], [1, 1], [2, 1], [3, 1], [4, 1]]),
    二单: post([[0, 2]]),
    单元: post([[0, 2], [1, 2], [2, 2], [3, 2], [4, 2]]),
  };
  const r = LS.searchPlan(LS.plan("第二单元", LS.model(manifest), null), lookupOf(table), 40, null);
  assert.equal(r.complete, 1, "only the resource of unit 2");
});

test("a word of which the index holds nothing leaves the others' matches, as partial", () => {
  const table = { 情绪: post([[0, 3], [2, 1]]), 调: post([[1, 1]]), 色: post([[1, 1]]) };
  const has = (t) => Object.prototype.hasOwnProperty.call(table, t);
  const p = LS.plan("情绪 调色盘", LS.model(manifest), null);
  LS.addFallback(p, has);
  const r = LS.searchPlan(p, lookupOf(table), 4, cols4());
  assert.deepEqual([r.complete, Array.from(r.docs).includes(0), Array.from(r.docs).includes(2)], [0, true, true]);
  assert.ok(!Array.from(r.docs).includes(1) && !Array.from(r.weak).includes(1), "调 and 色 one by one match nothing");
});

test("thin partial matches are kept apart, for when filters leave nothing else", () => {
  // 情绪 管理: 管理 is rare and weighs most; 情绪 is in most documents, and 2 and 3 hold only it
  const table = { 情绪: post([[0, 3], [2, 1], [3, 1]]), 管理: post([[0, 2]]) };
  const r = LS.searchPlan(LS.plan("情绪 管理", LS.model(manifest), null), lookupOf(table), 4, cols4());
  assert.deepEqual(Array.from(r.docs), [0]);
  assert.deepEqual(Array.from(r.weak), [2, 3]);
});

test("of two words, a resource holding one whole is a partial match, however rare the other", () => {
  // 友谊 天空 over 20 documents: 天空 in one (3), 友谊 in three (0, 1, 2); 学生 in all
  const all = [];
  for (let d = 0; d < 20; d++) all.push([d, 1]);
  const table = { 友谊: post([[0, 8], [1, 1], [2, 1]]), 天空: post([[3, 1]]), 学生: post(all) };
  const r = LS.searchPlan(LS.plan("友谊的天空", LS.model(manifest), null), lookupOf(table), 20, null);
  assert.deepEqual(Array.from(r.docs).sort(), [0, 1, 2, 3]);
  assert.equal(LS.topK(r.docs, r.score, 4)[0], 0, "the title's 友谊 leads");
  // a word in most documents is no half of a query: 学生 alone is not 学生 天空
  const common = LS.searchPlan(LS.plan("学生 天空", LS.model(manifest), null), lookupOf(table), 20, null);
  assert.deepEqual(Array.from(common.docs), [3]);
  // a letter alone beside a word is a slip: 情绪 b is 情绪
  assert.deepEqual(LS.plan("友谊 b", LS.model(manifest), null).variants[0].terms.map((t) => t.term), ["友谊"]);
});

test("a word after a minus sign leaves out what holds it; a hyphen inside a word does not", () => {
  const table = { 情绪: post([[0, 2], [1, 2], [2, 1]]), 小怪: post([[0, 1], [3, 1]]), 怪兽: post([[0, 1], [2, 1]]) };
  const M = LS.model(manifest);
  const r = LS.searchPlan(LS.plan("情绪 -小怪兽", M, null), lookupOf(table), 4, null);
  assert.deepEqual(Array.from(r.docs), [1, 2], "0 holds 小怪兽; 2 holds 怪兽 alone");
  assert.deepEqual(LS.planTerms(LS.plan("情绪 -小怪兽", M, null)).map((t) => t.term), ["情绪"], "no highlight of what is left out");
  assert.deepEqual(LS.planExtraTerms(LS.plan("情绪 －小怪兽", M, null)).map((t) => t.term), ["小怪", "怪兽"], "full-width minus too");
  // nothing else left: every resource but those, newest first; a word no resource holds excludes none
  assert.deepEqual(Array.from(LS.searchPlan(LS.plan("-小怪兽", M, null), lookupOf(table), 4, null).docs), [3, 2, 1]);
  // a review kind is left out by its mark, not by the label every review has (说课评课)
  const reviews = { ...table, 说课: post([[0, 2], [1, 2], [2, 2]]), "@说课": post([[1, 1]]) };
  assert.deepEqual(Array.from(LS.searchPlan(LS.plan("情绪 -说课", M, null), lookupOf(reviews), 4, null).docs), [0, 2]);
  // a review kind alone: what says it, that kind first
  assert.deepEqual(LS.plan("说课稿", M, null).words.reviews, ["说课"]);
  assert.deepEqual(LS.plan("评课记录", M, null).variants[0].terms.map((t) => t.term), ["评课"]);
  assert.deepEqual(Array.from(LS.searchPlan(LS.plan("情绪 -恐龙", M, null), lookupOf(table), 4, null).docs), [0, 1, 2]);
  assert.deepEqual(LS.plan("mid-term 情绪", M, null).words.excluded, []);
});

test("a lone surrogate (an emoji cut in half) becomes U+FFFD, so the address can be written", () => {
  assert.equal(LS.wellFormed("情\ud83d"), "情\ufffd");
  assert.equal(LS.wellFormed("\ude00情😀"), "\ufffd情😀");
  assert.equal(LS.wellFormed("情绪"), "情绪");
  assert.doesNotThrow(() => encodeURIComponent(LS.wellFormed("a\ud800b")));
});

test("a complete match is of the grade named: another grade's match of the words is partial", () => {
  // doc0 is grade 7, doc1 grade 3, doc3 grade 12; all three hold 情绪 (doc1 most)
  const table = { 情绪: post([[0, 1], [1, 3], [3, 1]]) };
  const run = (q) => LS.searchPlan(LS.plan(q, LS.model(manifest), null), lookupOf(table), 4, cols4());
  const r = run("七年级 情绪");
  assert.deepEqual([r.complete, r.partial], [1, 2]);
  assert.equal(LS.topK(r.docs, r.score, 4)[0], 0, "the grade's own match leads");
  assert.deepEqual([run("高三 情绪").complete, run("情绪").complete], [1, 3]);
});

test("a query naming a textbook's unit finds that unit, in the books of the grade and term named", () => {
  const M = LS.model({ ...manifest, textbooks: [
    { slug: "daofa-7a", name: "道法 七年级上册", grade: 7, term: 1, units: [[1, "成长的节拍"], [2, "友谊的天空"]] },
    { slug: "daofa-7b", name: "道法 七年级下册", grade: 7, term: 2, units: [[2, "做情绪情感的主人"]] },
    { slug: "xinli-8", name: "心理 八年级", grade: 8, units: [[2, "人际的桥梁"]] },
  ] });
  const named = (q) => LS.unitsNamed(q, M).map((u) => `${M.textbooks[u.book].slug}#${u.number} ${u.name}`);
  assert.deepEqual(named("7年级上册 第二单元"), ["daofa-7a#2 友谊的天空"]);
  assert.deepEqual(named("七下 第2单元 情绪"), ["daofa-7b#2 做情绪情感的主人"]);
  assert.deepEqual(named("第二单元"), ["daofa-7a#2 友谊的天空", "daofa-7b#2 做情绪情感的主人", "xinli-8#2 人际的桥梁"]);
  assert.deepEqual(named("八年级 unit 2"), ["xinli-8#2 人际的桥梁"]);
  assert.deepEqual(named("七年级上册 第九单元"), [], "a unit the book has not");
  assert.deepEqual(named("情绪管理"), []);
});

test("a word one character off a topic or course is mended for 你要找的是不是; a name typed right is not", () => {
  const M = { topics: [{ name: "情绪管理" }, { name: "考试焦虑" }, { name: "校园欺凌" }], courses: [{ name: "心理健康" }] };
  const cases = [
    ["情续管理", "情绪管理"],
    ["七年级 考式焦虑 视频", "七年级 考试焦虑 视频"],
    ["绪情管理", "情绪管理"], // two neighbours swapped
    ["心里健康", "心理健康"],
    ["校圆欺凌防治", "校园欺凌防治"], // a part of a longer run
    ["情绪管理", null],
    ["我的情绪管理方法", null], // holds the name as typed
    ["情绪", null], // too short to guess
    ["情理管绪", null], // two apart: not one slip
  ];
  for (const [q, mended] of cases) assert.equal(LS.mendedQuery(q, M), mended, q);
});

test("words that name an object's own properties (constructor, __proto__) are words like any other", () => {
  for (const q of ["constructor", "__proto__", "toString", "情绪 -constructor", "-__proto__"]) {
    const p = LS.plan(q, LS.model(manifest), { 焦虑: ["紧张"] });
    assert.equal(typeof p.words.rest, "string", q);
    assert.deepEqual(p.words.reviews, [], q);
    for (const ex of p.words.excluded) for (const t of ex) assert.ok(!String(t.term).startsWith(LS.KIND_MARK), `${q}: ${t.term}`);
  }
});

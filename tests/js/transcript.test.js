// Choosing a result's cue from its record's transcript (module 55 of themes/default/search/).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const LS = require("./search-modules.js");

// A record as the build writes it (docs/SEARCH-INDEX.md, `v` and `w`).
function video(cues, fields) {
  const rec = Object.assign({ u: "videos/v/", t: "与考试焦虑和平相处", k: "video", s: "", x: "" }, fields || {});
  rec.v = cues.map((c) => c[1]).join("\n");
  rec.w = LS.encodeVarints(cues.map((c) => c[0]));
  return rec;
}

const CUES = [
  [5, "同学们好。今天我们来聊一聊紧张。"],
  [13, "先看我手里的这根橡皮筋。"],
  [754, "橡皮筋拉得太紧，就会断掉。"],
  [3723, "适度的紧张让橡皮筋绑住笔。"],
];

test("cues are read back from the record's lines and start seconds", () => {
  assert.deepEqual(LS.cues(video(CUES)).map((c) => [c.start, c.text]), CUES);
  assert.deepEqual(LS.cues({ v: "a\nb", w: LS.encodeVarints([1]) }), [], "lines and times must agree");
  assert.deepEqual(LS.cues({ v: 3, w: null }), []);
  assert.deepEqual(LS.cues(null), []);
});

test("the best cue holds the most query terms, the earliest of equals", () => {
  const rec = video(CUES);
  assert.equal(LS.bestCue(rec, LS.queryTerms("橡皮筋")).start, 13);
  assert.equal(LS.bestCue(rec, LS.queryTerms("断掉")).start, 754);
  // 紧张 is in cues 5 and 3723; 橡皮筋 only in the later one: the cue holding both wins.
  assert.equal(LS.bestCue(rec, LS.queryTerms("橡皮筋 紧张")).start, 3723);
  assert.equal(LS.bestCue(rec, LS.queryTerms("鲸鱼")), null, "no cue matches");
  assert.equal(LS.bestCue(rec, []), null);
  assert.equal(LS.bestCue({ u: "lessons/l/", t: "橡皮筋" }, LS.queryTerms("橡皮筋")), null, "no transcript");
});

test("a match on the page itself beats an equal match in the transcript", () => {
  assert.equal(LS.bestCue(video(CUES), LS.queryTerms("焦虑")), null, "the title holds it");
  assert.equal(LS.bestCue(video(CUES, { s: "橡皮筋的比喻" }), LS.queryTerms("橡皮筋")), null, "the summary");
  assert.equal(LS.bestCue(video(CUES, { x: "断掉" }), LS.queryTerms("断掉")), null, "the body");
  // The title holds 考试, a cue holds both query words: the cue is the better match.
  const both = video([[42, "考试前的橡皮筋"]]);
  assert.equal(LS.bestCue(both, LS.queryTerms("考试 橡皮筋")).start, 42);
});

test("Latin words match whole, as in the index", () => {
  const rec = video([[1, "python3 入门"], [2, "学 Python 的一课"]]);
  assert.equal(LS.bestCue(rec, LS.queryTerms("python")).start, 2);
});

test("times read like the video page's: m:ss, h:mm:ss", () => {
  assert.equal(LS.clock(5), "0:05");
  assert.equal(LS.clock(754), "12:34");
  assert.equal(LS.clock(3723), "1:02:03");
});

test("termsIn counts distinct query terms across texts", () => {
  const idx = LS.termIndex(LS.queryTerms("情绪 情绪 python"));
  assert.equal(idx.count, 2);
  assert.equal(LS.termsIn(["情绪情绪", "学python3"], idx, {}), 1, "python3 is another word");
  assert.equal(LS.termsIn(["情绪", "python"], idx, {}), 2);
});

test("a long transcript's later cues are fetched part by part, only as far as the match", () => {
  const first = video(CUES.slice(0, 2), { r: ["traaaa", "trbbbb"] });
  const parts = {
    "b/traaaa.json": { v: CUES[2][1], w: LS.encodeVarints([CUES[2][0]]) },
    "b/trbbbb.json": { v: CUES[3][1], w: LS.encodeVarints([CUES[3][0]]) },
  };
  const asked = [];
  const real = LS.loadJson;
  LS.loadJson = (url, done) => {
    asked.push(url);
    done(parts[url] ? null : new Error("404"), parts[url] || null);
  };
  try {
    let got = null;
    LS.loadCues("b/", first, LS.queryTerms("绑住"), null, (rec) => (got = rec));
    assert.deepEqual(asked, ["b/traaaa.json", "b/trbbbb.json"]);
    assert.equal(LS.bestCue(got, LS.queryTerms("绑住")).start, 3723, "the last part's cue is found");
    assert.equal(first.v.split("\n").length, 2, "the cached record is left as it was");

    asked.length = 0;
    LS.loadCues("b/", first, LS.queryTerms("断掉"), null, (rec) => (got = rec));
    assert.deepEqual(asked, ["b/traaaa.json"], "stops at the part holding every term");
    assert.equal(LS.bestCue(got, LS.queryTerms("断掉")).start, 754);

    asked.length = 0;
    LS.loadCues("b/", first, LS.queryTerms("橡皮筋"), null, (rec) => (got = rec));
    assert.deepEqual(asked, [], "the record's own cues already hold the match");
    assert.equal(got, first);

    asked.length = 0;
    LS.loadCues("b/", video(CUES.slice(0, 1), { r: ["../x", "trmissing"] }), LS.queryTerms("绑住"), null, (rec) => (got = rec));
    assert.deepEqual(asked, [], "a name that is not a part's is never fetched");
    LS.loadCues("b/", video(CUES.slice(0, 1), { r: ["trmissing", "trbbbb"] }), LS.queryTerms("绑住"), null, (rec) => (got = rec));
    assert.deepEqual(asked, ["b/trmissing.json"], "a part that fails ends the search");
    assert.equal(LS.bestCue(got, LS.queryTerms("绑住")), null);
  } finally {
    LS.loadJson = real;
  }
});

test("only the parts the #term postings name are fetched", () => {
  // Document 7's record lists four parts; 银杏 is in parts 2 and 4, 叶子 only in part 4.
  const postings = {
    "#银杏": { n: 2, docs: [3, 7], tfs: [1, 0b1010] },
    "#叶子": { n: 1, docs: [7], tfs: [0b1000] },
    "#银": { n: 1, docs: [7], tfs: [0b1011] },
  };
  const lookup = (term) => postings[term] || null;
  const rec = video(CUES.slice(0, 1), { r: ["tra", "trb", "trc", "trd"] });
  assert.equal(LS.bucketOf("#银杏", 64), LS.bucketOf("银杏", 64), "#term lives beside term");
  assert.deepEqual(LS.partsToFetch(rec, 7, LS.queryTerms("银杏"), lookup), [1, 3]);
  assert.deepEqual(LS.partsToFetch(rec, 7, LS.queryTerms("银杏 叶子"), lookup), [3], "the parts holding every term");
  assert.deepEqual(LS.partsToFetch(rec, 7, LS.queryTerms("叶子 鲸鱼"), lookup), [3], "else those holding any");
  assert.deepEqual(LS.partsToFetch(rec, 7, LS.queryTerms("鲸鱼"), lookup), [], "none holds it: nothing to fetch");
  assert.deepEqual(LS.partsToFetch(rec, 3, LS.queryTerms("银杏"), lookup), [0]);
  // The last bit stands for every part from PART_BITS on.
  const many = video(CUES.slice(0, 1), { r: Array.from({ length: LS.PART_BITS + 2 }, (_, i) => "tr" + i) });
  const late = () => ({ n: 1, docs: [7], tfs: [1 << (LS.PART_BITS - 1)] });
  const last = LS.PART_BITS - 1;
  assert.deepEqual(LS.partsToFetch(many, 7, LS.queryTerms("银杏"), late), [last, last + 1, last + 2]);

  const asked = [];
  const real = LS.loadJson;
  LS.loadJson = (url, done) => {
    asked.push(url);
    done(null, { v: "窗外的银杏叶子落了。", w: LS.encodeVarints([4000]) });
  };
  try {
    let got = null;
    LS.loadCues("b/", rec, LS.queryTerms("银杏 叶子"), [3], (r) => (got = r));
    assert.deepEqual(asked, ["b/trd.json"]);
    assert.equal(LS.bestCue(got, LS.queryTerms("银杏 叶子")).start, 4000);
    asked.length = 0;
    LS.loadCues("b/", rec, LS.queryTerms("鲸鱼"), [], (r) => (got = r));
    assert.deepEqual(asked, []);
    assert.equal(got, rec);
  } finally {
    LS.loadJson = real;
  }
});

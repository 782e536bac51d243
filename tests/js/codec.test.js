// Hash, integer codec and offline paths of the search script (modules 30 and 80 of
// themes/default/search/), on small hand-made data (docs/SEARCH-INDEX.md). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const LS = require("./search-modules.js");

test("fnv1a32 known values", () => {
  assert.equal(LS.fnv1a32(""), 0x811c9dc5);
  assert.equal(LS.fnv1a32("a"), 0xe40c292c);
  assert.equal(LS.fnv1a32("foobar"), 0xbf9cf968);
  assert.equal(LS.fnv1a32("情绪"), 0x00489963); // UTF-8 e6 83 85 e7 bb aa
  assert.equal(LS.fnv1a32("𠀀"), 0x47f94ca5); // four UTF-8 bytes
  assert.equal(LS.fnv1a32("python"), 0x0fceff97);
  assert.ok(LS.fnv1a32("任何") >= 0, "unsigned");
});

test("bucket = fnv1a32 mod buckets", () => {
  assert.equal(LS.bucketOf("情绪", 512), 355);
  assert.equal(LS.bucketOf("a", 512), 300);
  assert.equal(LS.bucketOf("", 512), 453);
  assert.equal(LS.bucketOf("a", 1), 0);
});

test("b64 varints: hand-made strings", () => {
  assert.deepEqual(LS.decodeVarints(""), []);
  assert.deepEqual(LS.decodeVarints("A"), [0]);
  assert.deepEqual(LS.decodeVarints("f"), [31]); // A[31]
  assert.deepEqual(LS.decodeVarints("hA"), [32]); // groups 1,0 → A[33] A[0]
  assert.deepEqual(LS.decodeVarints("_f"), [1023]); // 31,31 → A[63] A[31]
  assert.deepEqual(LS.decodeVarints("hgA"), [1024]); // 1,0,0
  assert.deepEqual(LS.decodeVarints("AfhA_fB"), [0, 31, 32, 1023, 1]);
  assert.deepEqual(LS.decodeVarints("gggB"), [1], "leading zero groups are harmless");
  assert.deepEqual(LS.decodeVarints(null), []);
  assert.deepEqual(LS.decodeVarints("A!B"), [0, 1], "characters outside the alphabet are skipped");
  const big = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 123456789, 2 ** 40];
  assert.deepEqual(LS.decodeVarints(LS.encodeVarints(big)), big);
  assert.equal(LS.encodeVarints([32, 1023]), "hA_f");
});

// decodePostings fills typed arrays; the first `n` entries count.
const plainPostings = (p) => ({ df: p.df, docs: Array.from(p.docs).slice(0, p.n), tfs: Array.from(p.tfs).slice(0, p.n) });

test("postings: (doc delta, tf) pairs, first delta is the document itself", () => {
  const p = LS.decodePostings([3, "AfBeCd"]); // (0,31) (1,30) (2,29)
  assert.deepEqual(plainPostings(p), { df: 3, docs: [0, 1, 3], tfs: [31, 30, 29] });
  assert.deepEqual(plainPostings(LS.decodePostings([1, "hAK"])), { df: 1, docs: [32], tfs: [10] });
  assert.deepEqual(plainPostings(LS.decodePostings([1, "hA_f"])), { df: 1, docs: [32], tfs: [1023] });
  assert.deepEqual(plainPostings(LS.decodePostings([2, "hgAfB"])), { df: 2, docs: [1024], tfs: [31] }, "a dangling delta is dropped");
  assert.deepEqual(plainPostings(LS.decodePostings([0, ""])), { df: 0, docs: [], tfs: [] });
  assert.equal(LS.decodePostings(null), null);
  assert.equal(LS.decodePostings([1]), null);
  assert.equal(LS.decodePostings([1, 5]).n, 0);
});

// The vectors the Rust codec writes and reads too (src/search/codec.rs).
const POSTING_VECTORS = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/postings.json"), "utf8"));

test("postings: both forms decode to the shared vectors' pairs", () => {
  assert.ok(POSTING_VECTORS.some((v) => v.encoded.startsWith("~")), "the vectors hold a dense list");
  for (const v of POSTING_VECTORS) {
    const p = plainPostings(LS.decodePostings([v.pairs.length, v.encoded]));
    assert.deepEqual(p.docs, v.pairs.map((x) => x[0]), v.encoded);
    assert.deepEqual(p.tfs, v.pairs.map((x) => x[1]), v.encoded);
  }
});

test("postings: a malformed dense list is refused", () => {
  for (const bad of ["~B", "~B~", "~?~A", "~D~", "~B~D", "~B~?", "~\u4e00~A"]) {
    assert.equal(LS.decodePostings([1, bad]), null, bad);
  }
});

test("offline (file://): each index file maps to the script that carries it", () => {
  const layout = { buckets: 64, records: 256 };
  assert.deepEqual(LS.offlineScriptOf("manifest.json", layout), { src: "manifest.js", key: "manifest.json" });
  assert.deepEqual(LS.offlineScriptOf("../search/manifest.json?t=123", layout), { src: "../search/manifest.js", key: "manifest.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/p/70.json", layout), { src: "abc123/offline/p-1.js", key: "p/70.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/p/63.json", layout), { src: "abc123/offline/p-0.js", key: "p/63.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/d/300.json", layout), { src: "abc123/offline/d-1.js", key: "d/300.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/facets.json", layout), { src: "abc123/offline/facets.js", key: "facets.json" });
  assert.deepEqual(LS.offlineScriptOf("abc123/t2s.json", layout), { src: "abc123/offline/t2s.js", key: "t2s.json" });
  assert.equal(LS.offlineScriptOf("abc123/p/x.js", layout), null);
  assert.deepEqual(LS.offlineScriptOf("g/p/5.json", { buckets: 4, records: 2 }).src, "g/offline/p-1.js");
  const M = LS.model({ offline: { buckets_per_file: 32, records_per_file: 100 } });
  assert.deepEqual(M.offline, { buckets: 32, records: 100 });
  assert.deepEqual(LS.model({}).offline, { buckets: 16, records: 32 }, "defaults");
  assert.equal(LS.model({}).recordsPerFile, 8, "records a file, by default");
  assert.equal(LS.model({ records_per_file: 4 }).recordsPerFile, 4);
});

test("decodeChars reads one alphabet character per number; anything else reads as 0", () => {
  assert.deepEqual(LS.decodeChars("AB_-9"), [0, 1, 63, 62, 61]);
  assert.deepEqual(LS.decodeChars("A€ "), [0, 0, 0]);
  assert.deepEqual(LS.decodeChars(null), []);
});

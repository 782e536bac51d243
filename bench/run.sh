#!/usr/bin/env bash
# Build benchmark: bench/run.sh [DOCS=10000] [RUNS=3]
#
# Generates a synthetic corpus of DOCS documents (once), builds it RUNS times with /usr/bin/time -v
# (after one uncounted warm-up build), each time into a fresh output folder, and prints per run the
# wall time, CPU time, peak RSS and lectern's own per-stage timings, then the medians. As a
# reference measured in the same session it also times `cat` over every corpus file, so the build
# can be read as "X × reading the corpus" (the machines are noisy: compare ratios, not seconds).
# The cat is timed right before each counted build, under the same load.
#
# Environment:
#   LECTERN    the binary (default target/release/lectern, relative to the current directory)
#   BENCH_DIR  working folder (default: a new mktemp -d under /tmp); corpus in BENCH_DIR/site,
#              the last run's output stays in BENCH_DIR/out-RUNS
#   GEN        the corpus generator (default /work/shared/bench/gen_corpus.py)
#   SEED       corpus seed (default 1)
# See bench/README.md.
set -euo pipefail

DOCS=${1:-10000}
RUNS=${2:-3}
case "$DOCS$RUNS" in *[!0-9]*) echo "usage: bench/run.sh [DOCS] [RUNS]" >&2; exit 2 ;; esac
[ "$RUNS" -ge 1 ] || { echo "RUNS must be at least 1" >&2; exit 2; }

LECTERN=${LECTERN:-target/release/lectern}
# The team's shared folder sits beside the project checkout.
GEN=${GEN:-$(cd "$(dirname "$0")/../.." && pwd)/shared/bench/gen_corpus.py}
SEED=${SEED:-1}
[ -x "$LECTERN" ] || { echo "no executable lectern binary at $LECTERN (set LECTERN=...)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[ -f "$GEN" ] || { echo "no corpus generator at $GEN (set GEN=...)" >&2; exit 1; }

WORK=${BENCH_DIR:-$(mktemp -d /tmp/lectern-bench.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SITE=$WORK/site

# Snapshot the binary: a concurrent `cargo build` must not swap it in the middle of the session.
BIN=$WORK/lectern
cp "$LECTERN" "$BIN"

now_ns() { date +%s%N; }
secs() { python3 -c "import sys; print('%.3f' % ((int(sys.argv[2]) - int(sys.argv[1])) / 1e9))" "$1" "$2"; }

echo "== lectern build benchmark: $DOCS docs, $RUNS runs (+1 warm-up)"
echo "binary   : $LECTERN (copied to $BIN; sha256 $(sha256sum "$BIN" | cut -c1-16), built $(date -r "$LECTERN" '+%F %T'))"
echo "host     : $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
echo "load avg : $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
echo "work dir : $WORK"

if [ -f "$SITE/site.yaml" ] && [ -f "$WORK/.corpus-$DOCS-$SEED" ]; then
  echo "corpus   : reusing $SITE"
else
  rm -rf "$SITE"
  t0=$(now_ns)
  python3 "$GEN" --out "$SITE" --docs "$DOCS" --seed "$SEED" >"$WORK/gen.log" 2>&1 || { cat "$WORK/gen.log" >&2; exit 1; }
  t1=$(now_ns)
  touch "$WORK/.corpus-$DOCS-$SEED"
  echo "corpus   : generated in $(secs "$t0" "$t1") s: $(tail -n1 "$WORK/gen.log")"
fi
NFILES=$(find "$SITE/content" -type f | wc -l)
NBYTES=$(du -sb "$SITE/content" | cut -f1)
echo "corpus   : $NFILES files, $NBYTES bytes ($(python3 -c "print('%.1f' % ($NBYTES / 1048576))" ) MiB) in $SITE/content"

# One build: /usr/bin/time -v into time-TAG.txt, lectern's stderr into stderr-TAG.txt.
build() {
  local tag=$1 out=$WORK/out-$1
  rm -rf "$out"
  sync
  if ! /usr/bin/time -v -o "$WORK/time-$tag.txt" "$BIN" build --root "$SITE" --out "$out" --timings \
      >"$WORK/stdout-$tag.txt" 2>"$WORK/stderr-$tag.txt"; then
    echo "build $tag failed:" >&2
    cat "$WORK/stderr-$tag.txt" "$WORK/time-$tag.txt" >&2
    exit 1
  fi
}

# Reference: reading the whole corpus with cat (warm page cache, as for the builds). It is timed
# right before each counted build, so that the two see the same load on a shared machine.
cat_once() {
  local t0 t1
  t0=$(now_ns)
  find "$SITE/content" -type f -exec cat {} + >/dev/null
  t1=$(now_ns)
  echo "$((t1 - t0))" >>"$WORK/cat.txt"
}

echo
echo "warm-up build and cat (not counted) ..."
find "$SITE/content" -type f -exec cat {} + >/dev/null
build warmup
rm -rf "$WORK/out-warmup"
: >"$WORK/cat.txt"
for i in $(seq 1 "$RUNS"); do
  echo "run $i/$RUNS: cat, then build ..."
  if [ "$i" -gt 1 ]; then rm -rf "$WORK/out-$((i - 1))"; fi  # keep only the last output (disk)
  sync
  cat_once
  build "$i"
done
sync
echo "load avg : $(cut -d' ' -f1-3 /proc/loadavg) (at end)"
echo

python3 - "$WORK" "$RUNS" <<'PY'
import re, statistics, sys

work, runs = sys.argv[1], int(sys.argv[2])

def wall_seconds(s):  # "h:mm:ss" or "m:ss.ss"
    parts = [float(p) for p in s.split(":")]
    sec = 0.0
    for p in parts:
        sec = sec * 60 + p
    return sec

rows = []
for i in range(1, runs + 1):
    tv = open(f"{work}/time-{i}.txt", encoding="utf-8").read()
    err = open(f"{work}/stderr-{i}.txt", encoding="utf-8").read()
    r = {}
    r["wall"] = wall_seconds(re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", tv).group(1))
    r["cpu"] = float(re.search(r"User time \(seconds\): (\S+)", tv).group(1)) + \
        float(re.search(r"System time \(seconds\): (\S+)", tv).group(1))
    r["rss"] = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv).group(1)) / 1024
    m = re.search(r"Built (.*) in ([\d.]+) s", err)
    r["built"] = float(m.group(2)) if m else float("nan")
    r["summary"] = m.group(0) if m else "(no 'Built … in X s' line)"
    stages = []
    for line in err.splitlines():
        sm = re.match(r"^\s+(\S.*?)\s+([\d.]+)\s*(ms|s|µs|us)\s*$", line)
        if sm:
            v = float(sm.group(2)) * {"ms": 1, "s": 1000, "µs": 1e-3, "us": 1e-3}[sm.group(3)]
            stages.append((sm.group(1), v))
    r["stages"] = stages
    rows.append(r)

cat = [int(l) / 1e9 for l in open(f"{work}/cat.txt") if l.strip()]
med = statistics.median

stage_names = []
for r in rows:
    for name, _ in r["stages"]:
        if name not in stage_names:
            stage_names.append(name)

def fmt(v, nd):
    return "-" if v is None or v != v else f"{v:.{nd}f}"

label_w = max([26] + [len(n) + 16 for n in stage_names])
cols = [f"run {i}" for i in range(1, runs + 1)] + ["median"]
print(f"{'':{label_w}}" + "".join(f"{c:>11}" for c in cols))

def line(label, vals, nd):
    vals = list(vals)
    good = [v for v in vals if v is not None and v == v]
    m = med(good) if good else None
    print(f"{label:{label_w}}" + "".join(f"{fmt(v, nd):>11}" for v in vals + [m]))

line("wall time (s)", (r["wall"] for r in rows), 2)
line("CPU user+sys (s)", (r["cpu"] for r in rows), 2)
line("peak RSS (MiB)", (r["rss"] for r in rows), 1)
line("lectern 'Built in' (s)", (r["built"] for r in rows), 2)
for n in stage_names:
    line(f"  stage {n} (ms)", (dict(r["stages"]).get(n) for r in rows), 1)
line("cat corpus (s)", cat, 3)
line("build / cat (x)", (r["wall"] / c for r, c in zip(rows, cat)), 1)

mw, mr, mc = med(r["wall"] for r in rows), med(r["rss"] for r in rows), med(cat)
print()
print(f"median wall time : {mw:.2f} s   (lectern's own figure: {med(r['built'] for r in rows):.2f} s)")
print(f"median peak RSS  : {mr:.1f} MiB")
print(f"median cat corpus: {mc:.3f} s   (find content -type f -exec cat {{}} + > /dev/null, warm cache)")
print(f"build / cat      : {mw / mc:.1f} x   (median wall / median cat; median of the per-run ratios: "
      f"{med(r['wall'] / c for r, c in zip(rows, cat)):.1f} x)")
print(f"CPU / wall       : {med(r['cpu'] for r in rows) / mw:.2f}   (median; >1 means parallel work)")
print(f"last run         : {rows[-1]['summary']}")
print("(stages overlap or run in parallel, so they need not add up to the wall time)")
PY
echo "output of the last run: $WORK/out-$RUNS"

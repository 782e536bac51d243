#!/usr/bin/env python3
"""Scale benchmark: Lectern against a render bound and Hugo, and the doubling tests.

    python3 bench/scale.py [--docs 10000] [--runs 3] [--lectern NAME=BIN ...] [--skip ...]

1. Side by side, on tmpfs and on the work disk: the render bound (bench/render_bound.rs:
   pulldown-cmark over every file's body, one HTML file each), each Lectern binary (a full
   `lectern build`, search index included) and Hugo (no search index; installed with
   `apt-get install -y hugo` when missing — only here, never in CI) over the same
   gen_corpus.py corpus. Runs are interleaved (run 1 of every tool, then run 2 …) so they share
   the machine's load; medians of --runs. Prints wall and CPU seconds, peak RSS, output MB and
   files, then the ratios Lectern / Hugo and Lectern / render bound.
2. Doubling tests, per Lectern binary: the build time at a size and at twice that size, for
   resources (gen_corpus --docs N → 2N), pages per listing (page_size 1), topics per resource
   and resources per topic (bench/scale_sites.py lessons). A linear stage gives ≈ 2, a
   quadratic one 4.

The machines are small and shared: compare ratios from one run, not seconds across runs.
Corpora and outputs live under --shm (default /dev/shm) and --disk (default target/ of the
checkout) and are removed at the end unless --keep. See bench/README.md.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_corpus.py")
SITES = os.path.join(HERE, "scale_sites.py")


def run_timed(cmd, log, cwd=None):
    """Runs `cmd` under /usr/bin/time -v: (wall s, cpu s, peak RSS MiB)."""
    tfile = log + ".time"
    with open(log, "w") as out:
        code = subprocess.call(["/usr/bin/time", "-v", "-o", tfile] + cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(cmd)}\n" + open(log).read()[-3000:])
    tv = open(tfile).read()
    wall = 0.0
    for part in re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", tv).group(1).split(":"):
        wall = wall * 60 + float(part)
    cpu = float(re.search(r"User time \(seconds\): (\S+)", tv).group(1)) + float(re.search(r"System time \(seconds\): (\S+)", tv).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv).group(1)) / 1024
    return wall, cpu, rss


def tree_size(path):
    files = size = 0
    for folder, _, names in os.walk(path):
        for n in names:
            files += 1
            size += os.lstat(os.path.join(folder, n)).st_size
    return files, size / 1e6


def fresh(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    subprocess.call(["sync"])


class Tool:
    def __init__(self, name, command):
        self.name, self.command = name, command  # command(out) -> argv


def side_by_side(tools, place, runs, work, delete_between=False):
    """Times every tool `runs` times, interleaved, each run into a folder of its own.

    Outputs are deleted only after the last run, unless `delete_between`: on an ext4 file system
    without a journal (this machine's work disk), a new inode is not taken from among those
    deleted in the last 60 s (`recently_deleted` in fs/ext4/ialloc.c). Deleting one run's output
    just before the next run makes that run's file creation scan past every inode just freed,
    and the cost falls on whichever tool runs next, in proportion to the files both made.
    """
    results = {t.name: [] for t in tools}
    made = []
    for i in range(runs + 1):  # run 0 warms the caches and is not counted
        for t in tools:
            out = os.path.join(place, f"out-{re.sub(r'[^a-z0-9]', '', t.name.lower())}-{i}")
            fresh(out)
            measured = run_timed(t.command(out), os.path.join(work, f"{t.name}.log"))
            if i > 0:
                files, mb = tree_size(out)
                results[t.name].append(measured + (mb, files))
            if delete_between:
                fresh(out)
            else:
                made.append(out)
                subprocess.call(["sync"])
    for out in made:
        shutil.rmtree(out, ignore_errors=True)
    med = {name: tuple(statistics.median(r[k] for r in rs) for k in range(5)) for name, rs in results.items()}
    print(f"{'':28}{'wall s':>9}{'CPU s':>9}{'peak RSS MiB':>14}{'output MB':>11}{'files':>8}   (medians of {runs})")
    for t in tools:
        w, c, r, mb, f = med[t.name]
        spread = ", ".join(f"{x[0]:.2f}" for x in results[t.name])
        print(f"  {t.name:26}{w:9.2f}{c:9.2f}{r:14.0f}{mb:11.1f}{f:8.0f}   wall runs: {spread}")
    return med


def ratios(med, lecterns, bound, hugo):
    for name in lecterns:
        w, c = med[name][0], med[name][1]
        parts = []
        if hugo in med:
            parts.append(f"/ Hugo: wall {w / med[hugo][0]:.2f}, CPU {c / med[hugo][1]:.2f}")
        if bound in med:
            parts.append(f"/ render bound: wall {w / med[bound][0]:.2f}, CPU {c / med[bound][1]:.2f}")
        print(f"  {name:26}" + "   ".join(parts))


def doubling(name, binary, make_site, sizes, label, runs, work, place):
    """Builds the site at both sizes `runs` times (interleaved, after a warm-up) and prints
    the time ratio."""
    sites = []
    for n in sizes:
        site = os.path.join(place, f"dbl-{n}")
        fresh(site)
        make_site(site, n)
        sites.append(site)
    times = [[] for _ in sizes]
    for i in range(runs + 1):
        for k, site in enumerate(sites):
            out = os.path.join(place, "dbl-out")
            fresh(out)
            w, c, r = run_timed([binary, "build", "--root", site, "--out", out], os.path.join(work, "dbl.log"))
            if i > 0:
                times[k].append((w, c, r))
            fresh(out)
    for site in sites:
        shutil.rmtree(site)
    (w1, c1, r1), (w2, c2, r2) = [tuple(statistics.median(t[j] for t in ts) for j in range(3)) for ts in times]
    print(f"  {label:40} {name:10} {w1:7.2f} s → {w2:7.2f} s   wall × {w2 / w1:4.2f}   CPU × {c2 / c1:4.2f}"
          f"   RSS {r1:.0f} → {r2:.0f} MiB")


def ensure_hugo():
    if shutil.which("hugo"):
        return True
    print("Hugo is missing: apt-get install -y hugo (benchmark only) ...")
    if subprocess.call(["apt-get", "install", "-y", "hugo"], stdout=subprocess.DEVNULL) != 0:
        print("  could not install Hugo: its column is left out")
        return False
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=10000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--lectern", action="append", metavar="NAME=BIN",
                   help="a Lectern binary to time (repeat to compare); default lectern=target/release/lectern")
    p.add_argument("--bound", default=os.path.join(ROOT, "target/release/examples/render_bound"),
                   help="the render bound (cargo build --release --example render_bound)")
    p.add_argument("--skip", action="append", default=[],
                   choices=["hugo", "disk", "tmpfs", "doubling", "resources", "pages", "topics", "per-topic"])
    p.add_argument("--shm", default="/dev/shm")
    p.add_argument("--disk", default=os.path.join(ROOT, "target"))
    p.add_argument("--keep", action="store_true")
    p.add_argument("--delete-between", action="store_true",
                   help="delete each run's output before the next run (the protocol before 2026-12-07)")
    a = p.parse_args()
    skip = set(a.skip)

    work = tempfile.mkdtemp(prefix="lectern-scale.", dir=a.shm)
    disk = tempfile.mkdtemp(prefix="lectern-scale.", dir=a.disk)
    lecterns = []
    for spec in a.lectern or ["lectern=" + os.path.join(ROOT, "target/release/lectern")]:
        name, _, path = spec.partition("=")
        copy = os.path.join(work, "bin-" + name)  # a concurrent cargo build cannot swap it
        shutil.copy2(path, copy)
        lecterns.append((name, copy))
    if not os.access(a.bound, os.X_OK):
        sys.exit(f"no render bound at {a.bound}: cargo build --release --example render_bound")
    bound = os.path.join(work, "bin-render-bound")
    shutil.copy2(a.bound, bound)
    hugo = "hugo" not in skip and ensure_hugo()

    print(f"== scale benchmark: {a.docs} docs, medians of {a.runs} (+1 warm-up), {os.cpu_count()} CPUs, "
          f"load {open('/proc/loadavg').read().split()[:3]}")
    print(f"   tmpfs {work}, work disk {disk}")
    try:
        site = os.path.join(work, f"corpus-{a.docs}")
        t0 = time.time()
        subprocess.check_call([sys.executable, GEN, "--out", site, "--docs", str(a.docs)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"   corpus: {a.docs} docs generated in {time.time() - t0:.1f} s")
        tools = [Tool("render bound", lambda out: [bound, os.path.join(site, "content"), out])]
        for name, binary in lecterns:
            tools.append(Tool(name, lambda out, b=binary: [b, "build", "--root", site, "--out", out]))
        if hugo:
            hsite = os.path.join(work, "hugo-site")
            subprocess.check_call([sys.executable, SITES, "hugo", site, hsite])
            tools.append(Tool("hugo (no search)", lambda out: ["hugo", "--quiet", "--source", hsite, "--destination", out]))
        names = [n for n, _ in lecterns]
        for place, where in (("tmpfs", work), ("disk", disk)):
            if place in skip:
                continue
            print(f"\n-- {place}: output written to {where}")
            med = side_by_side(tools, where, a.runs, work, a.delete_between)
            print("  ratios (median over median):")
            ratios(med, names, "render bound", "hugo (no search)")

        if "doubling" not in skip:
            print(f"\n-- doubling tests on tmpfs (medians of {a.runs}; ≈ 2 is linear, 4 quadratic)")

            def lessons(**kw):
                def make(out, n):
                    args = [sys.executable, SITES, "lessons", out, "--lessons", str(n)]
                    for k, v in kw.items():
                        args += [f"--{k.replace('_', '-')}", str(v(n) if callable(v) else v)]
                    subprocess.check_call(args)
                return make

            def corpus(out, n):
                if n == a.docs:
                    shutil.copytree(site, out)
                else:
                    subprocess.check_call([sys.executable, GEN, "--out", out, "--docs", str(n)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            tests = [
                ("resources", f"resources {a.docs} → {2 * a.docs}", corpus, (a.docs, 2 * a.docs)),
                ("pages", "pages per listing 2000 → 4000 (page_size 1)",
                 lessons(page_size=1, per_topic=lambda n: n), (2000, 4000)),
                ("topics", "topics per resource 20 → 40 (1000 lessons)", None, (20, 40)),
                ("per-topic", "resources per topic 4000 → 8000 (one topic)",
                 lessons(per_topic=lambda n: n), (4000, 8000)),
            ]
            for key, label, make, sizes in tests:
                if key in skip:
                    continue
                if key == "topics":
                    def make(out, t):
                        subprocess.check_call([sys.executable, SITES, "lessons", out, "--lessons", "1000",
                                               "--topics-per", str(t), "--per-topic", "100"])
                for name, binary in lecterns:
                    doubling(name, binary, make, sizes, label, a.runs, work, work)
        print(f"\nload at the end: {open('/proc/loadavg').read().split()[:3]}")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(disk, ignore_errors=True)
        else:
            print(f"kept {work} and {disk}")


if __name__ == "__main__":
    main()

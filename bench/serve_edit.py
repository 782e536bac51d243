#!/usr/bin/env python3
"""How long an editor waits: `lectern serve` on a corpus, then a series of saves of one lesson.

For every save it measures, from the moment the file is written:
  * told   — the live-reload event arrives on the page's event stream (/__lectern/events),
  * served — the page, fetched over HTTP, shows the new text,
and reads lectern's own "Updated … in N ms" line (the patch itself: re-read, re-render, search
index, swap). Body edits append a sentence; title edits change the title (every page showing
the card is re-rendered). With --verify, the served folder is compared at the end with a full
`lectern build` of the same files (it must be byte-identical).

    python3 bench/serve_edit.py SITE [--edits 7] [--new 3] [--lectern target/release/lectern] [--verify]

SITE is a site folder, e.g. the corpus `bench/run.sh` generated (BENCH_DIR/site). The lesson is
restored at the end.
"""

import argparse
import filecmp
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, site, port):
        self.lines = []  # (time, line)
        self.port = port
        # serve makes its private folder (a random name) in TMPDIR: one of our own, to find it.
        self.tmp = tempfile.mkdtemp(prefix="lectern-bench-serve-")
        self.proc = subprocess.Popen(
            [binary, "serve", "--root", site, "--port", str(port)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, encoding="utf-8",
            env={**os.environ, "TMPDIR": self.tmp},
        )
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append((time.time(), line.rstrip("\n")))
            if line.startswith("Serving at"):
                self.ready.set()

    def line_after(self, t0, prefix, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for at, line in list(self.lines):
                if at >= t0 and line.startswith(prefix):
                    return line
            time.sleep(0.005)
        return None

    def served(self):
        """The folder serve builds into: lectern-serve-*/site in its TMPDIR (older versions
        named it by the process id in the system's temp folder)."""
        for name in os.listdir(self.tmp):
            if name.startswith("lectern-serve-"):
                return os.path.join(self.tmp, name, "site")
        return os.path.join(tempfile.gettempdir(), f"lectern-serve-{self.proc.pid}", "site")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.tmp, ignore_errors=True)


class Events:
    """The page's live-reload stream: the time of every event."""

    def __init__(self, port):
        self.times = []
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/__lectern/events", headers={"Host": f"127.0.0.1:{port}"})
        self.response = conn.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        named = False  # an "event: building" notice, not a reload
        while True:
            line = self.response.fp.readline()
            if not line:
                return
            if line.startswith(b"event:"):
                named = True
            elif line.startswith(b"data:") and not named:
                self.times.append(time.time())
            elif not line.strip():
                named = False

    def first_after(self, t0, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for at in list(self.times):
                if at >= t0:
                    return at
            time.sleep(0.001)
        return None


def fetch(port, path):
    return get(port, path)[1]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def measure(server, events, lesson, url, text, marker):
    """Save `text` (None: delete the file); wait until `url` shows `marker` (None: is gone)."""
    if text is None:
        os.remove(lesson)
    else:
        with open(lesson, "w", encoding="utf-8") as f:
            f.write(text)
    t0 = time.time()
    told = events.first_after(t0)
    if marker:
        def shown():
            return marker in fetch(server.port, url)
    else:
        def shown():
            return get(server.port, url)[0] == 404
    while not shown():
        if time.time() - t0 > 60:
            sys.exit(f"the page never showed {marker!r}")
        time.sleep(0.002)
    served = time.time()
    line = server.line_after(t0, ("Updated", "Built"), timeout=5) or ""
    m = re.search(r" in (\d+) ms", line)
    return {
        "told": (told - t0) * 1000 if told else None,
        "served": (served - t0) * 1000,
        "patch": int(m.group(1)) if m and line.startswith("Updated") else None,
        "full": line.startswith("Built"),
    }


def summary(name, runs):
    def med(key):
        values = [r[key] for r in runs if r[key] is not None]
        return f"{statistics.median(values):.0f}" if values else "-"
    full = sum(r["full"] for r in runs)
    print(f"{name:<12} {len(runs):>5}  {med('told'):>9}  {med('served'):>10}  {med('patch'):>9}  {full:>11}")
    print("             told  (ms): " + " ".join(f"{r['told']:.0f}" for r in runs if r["told"] is not None))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=7)
    ap.add_argument("--new", type=int, default=3, help="new lessons added, then deleted")
    ap.add_argument("--lectern", default="target/release/lectern")
    ap.add_argument("--verify", action="store_true")
    args = ap.parse_args()
    site = os.path.abspath(args.site)
    lessons = os.path.join(site, "content", "lessons")
    name = sorted(n for n in os.listdir(lessons) if n.endswith(".md"))[len(os.listdir(lessons)) // 2]
    lesson = os.path.join(lessons, name)
    original = open(lesson, encoding="utf-8").read()
    binary = os.path.abspath(args.lectern)
    server = Server(binary, site, free_port())
    try:
        run(args, site, lessons, name, lesson, original, binary, server)
    finally:
        server.stop()  # also when interrupted: a left-over server would rebuild on every save


def run(args, site, lessons, name, lesson, original, binary, server):
    started = time.time()
    if not server.ready.wait(600):
        sys.exit("serve did not start")
    print(f"serve ready after {time.time() - started:.1f} s: {server.line_after(0, 'Built', 1)}")
    events = Events(server.port)
    time.sleep(0.5)
    url = f"/lessons/{name[:-3]}/"
    body, title, added, added_old, deleted = [], [], [], [], []
    try:
        for i in range(args.edits):
            marker = f"编辑测量第{i}句"
            body.append(measure(server, events, lesson, url, f"{original}\n{marker}\n", marker))
            time.sleep(0.3)
        for i in range(args.edits):
            marker = f"新标题第{i}版"
            text = re.sub(r"^title: .*$", f'title: "{marker}"', original, count=1, flags=re.M)
            title.append(measure(server, events, lesson, url, text, marker))
            time.sleep(0.3)
        today = time.strftime("%Y-%m-%d")
        for i in range(args.new):
            # As `lectern new` writes it (today's date: the newest resource), then as a copy
            # that keeps the original's older date (it lands among the others).
            for dated, into in ((today, added), (None, added_old)):
                marker = f"新增的一课第{i}版"
                path = os.path.join(lessons, f"zz-bench-new-{i}.md")
                new_url = f"/lessons/zz-bench-new-{i}/"
                text = re.sub(r"^title: .*$", f'title: "{marker}"', original, count=1, flags=re.M)
                if dated:
                    text = re.sub(r"^date: .*$", f"date: {dated}", text, count=1, flags=re.M)
                into.append(measure(server, events, path, new_url, text, marker))
                time.sleep(0.3)
                deleted.append(measure(server, events, path, new_url, None, None))
                time.sleep(0.3)
    finally:
        with open(lesson, "w", encoding="utf-8") as f:
            f.write(original)
    time.sleep(1.0)
    print(f"lesson: {url}   (medians, ms, from the write)")
    print("edit         saves  told page  page served  the patch  full builds")
    summary("body", body)
    summary("title", title)
    if added:
        summary("new, today", added)
        summary("new, old date", added_old)
        summary("deleted", deleted)
    if args.verify:
        verify(binary, site, server)


def verify(binary, site, server):
    served = server.served()
    out = tempfile.mkdtemp(prefix="lectern-verify-")
    shutil.rmtree(out)
    subprocess.run([binary, "build", "--root", site, "--out", out,
                    "--base-url", f"http://127.0.0.1:{server.port}/"], check=True,
                   stderr=subprocess.DEVNULL)
    left, right = set(all_files(served)), set(all_files(out))
    problems = sorted(left ^ right) + sorted(
        p for p in left & right
        if not filecmp.cmp(os.path.join(served, p), os.path.join(out, p), shallow=False))
    shutil.rmtree(out)
    print("served site = full build:", "yes, byte for byte" if not problems else f"NO: {problems[:10]}")


def all_files(root):
    for dirpath, _, files in os.walk(root):
        for f in files:
            yield os.path.relpath(os.path.join(dirpath, f), root)


if __name__ == "__main__":
    main()

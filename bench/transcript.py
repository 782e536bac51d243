#!/usr/bin/env python3
"""What a two-hour transcript costs: build time and page weight.

Copies the sample portal (site.yaml, content, themes) into a temp folder, gives one of its
videos a generated WebVTT file of N cues (default 2,000: about two hours of classroom speech,
one cue every 3.6 s, 20-40 Chinese characters each), and builds it RUNS times with and without
the captions, alternating. Prints the medians of the build time (the difference is the cost of
reading and rendering the transcript) and the video page's size, raw and gzipped.

    python3 bench/transcript.py [--cues 2000] [--runs 7] [--lectern target/release/lectern]
"""

import argparse
import gzip
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time

WORDS = "同学们 我们 今天 一起 想一想 情绪 压力 放松 呼吸 小组 讨论 分享 老师 觉得 为什么 其实 可以 试着 深呼吸 写下来 身体 变化 紧张 焦虑 平静 朋友 家长 考试 学习 方法".split()


def vtt(cues, rng):
    lines = ["WEBVTT", ""]
    for n in range(cues):
        start = n * 3.6
        end = start + 3.2
        text = "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10))) + "。"
        speaker = "王老师" if n % 3 else "学生"
        lines += [str(n + 1), f"{stamp(start)} --> {stamp(end)}", f"<v {speaker}>{text}", ""]
    return "\n".join(lines)


def stamp(seconds):
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02}.{ms % 1000:03}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cues", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--lectern", default="target/release/lectern")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.abspath(args.lectern)
    work = tempfile.mkdtemp(prefix="lectern-transcript-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        sites = {}
        for name, captions in (("plain", False), ("captions", True)):
            site = os.path.join(work, name)
            for part in ("content", "themes"):
                shutil.copytree(os.path.join(repo, part), os.path.join(site, part))
            shutil.copy(os.path.join(repo, "site.yaml"), site)
            video = os.path.join(site, "content", "videos", "zhuan-zhu-li-ke-tang.md")
            text = open(video, encoding="utf-8").read()
            lines = [l for l in text.split("\n") if not l.startswith(("captions:", "duration:"))]
            if captions:
                path = os.path.join(site, "content", "assets", "captions", "two-hours.vtt")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(vtt(args.cues, random.Random(1)))
                lines.insert(1, "captions: captions/two-hours.vtt")
            lines.insert(1, 'duration: "2:05:00"')
            open(video, "w", encoding="utf-8").write("\n".join(lines))
            sites[name] = site
        times = {name: [] for name in sites}
        for _ in range(args.runs):
            for name, site in sites.items():
                out = os.path.join(work, "out-" + name)
                shutil.rmtree(out, ignore_errors=True)
                t0 = time.perf_counter()
                subprocess.run([binary, "build", "--root", site, "--out", out], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - t0)
        page = {}
        for name in sites:
            html = open(os.path.join(work, "out-" + name, "videos", "zhuan-zhu-li-ke-tang", "index.html"), "rb").read()
            page[name] = (len(html), len(gzip.compress(html, 9)))
        plain, caps = statistics.median(times["plain"]), statistics.median(times["captions"])
        print(f"{args.cues} cues, {args.runs} runs each (medians)")
        print(f"build without captions {plain * 1000:.1f} ms, with {caps * 1000:.1f} ms: the transcript costs {(caps - plain) * 1000:.1f} ms")
        print(f"video page: {page['plain'][0]:,} B ({page['plain'][1]:,} B gzip) without, {page['captions'][0]:,} B ({page['captions'][1]:,} B gzip) with: +{page['captions'][1] - page['plain'][1]:,} B gzip")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

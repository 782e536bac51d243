#!/usr/bin/env python3
"""Sites for bench/scale.sh, standard library only.

    scale_sites.py hugo SITE HUGO_DIR
        A Hugo site over a Lectern corpus (gen_corpus.py's): its content copied, with `url:`
        renamed `video_url:` (in Hugo `url` is the page's own address), a hugo.toml with a
        `topics` and a `course` taxonomy, and
        minimal layouts: a page shows its title, summary, topics and body; a list its first 20
        pages. Hugo builds it with `hugo --source HUGO_DIR --destination OUT` (no search index).

    scale_sites.py lessons OUT --lessons N --topics-per T --per-topic K [--page-size S]
        A Lectern site of N short lessons for the doubling tests. Each lesson has T topics, taken
        so that every topic has about K lessons (the pool has max(1, N*T/K) topics, no topic twice
        on one lesson). `page_size: S` in site.yaml when given.
"""
import argparse
import os
import sys

LAYOUT_SINGLE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>
<ul>{{ range .Params.topics }}<li>{{ . }}</li>{{ end }}</ul>
{{ .Content }}</body></html>
"""

LAYOUT_LIST = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
<ul>{{ range first 20 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>
</body></html>
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def hugo(site, out):
    source = os.path.join(site, "content")
    for folder, _, files in os.walk(source):
        for name in files:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            head, sep, rest = text.partition("\n---\n")
            head = head.replace("\nurl: ", "\nvideo_url: ")
            write(os.path.join(out, "content", os.path.relpath(folder, source), name), head + sep + rest)
    write(os.path.join(out, "hugo.toml"), f"""baseURL = "https://example.org/"
languageCode = "zh-CN"
title = "Lectern corpus"
disableKinds = []
[taxonomies]
  topic = "topics"
  course = "course"
""")
    for name in ("single.html",):
        write(os.path.join(out, "layouts", "_default", name), LAYOUT_SINGLE)
    for name in ("list.html", "terms.html", "taxonomy.html"):
        write(os.path.join(out, "layouts", "_default", name), LAYOUT_LIST)
    write(os.path.join(out, "layouts", "index.html"), LAYOUT_LIST)


def lessons(out, n, per, per_topic, page_size):
    pool = max(1, n * per // per_topic)
    if per > pool:
        sys.exit(f"{per} topics per lesson need a pool of at least {per} topics")
    yaml = "title: 扩展测试\nbase_url: https://example.org/\ncourses:\n  - { slug: mental-health, name: 心理健康 }\n"
    if page_size:
        yaml += f"page_size: {page_size}\n"
    write(os.path.join(out, "site.yaml"), yaml)
    folder = os.path.join(out, "content", "lessons")
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        # Consecutive lessons share topics: lesson i takes topics (i*per + j) mod pool.
        topics = ", ".join(f"\"话题{(i * per + j) % pool}\"" for j in range(per))
        day = 1 + i % 28
        with open(os.path.join(folder, f"l-{i:06d}.md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 第{i}课 认识情绪\ngrade: 7\ncourse: mental-health\n"
                    f"topics: [{topics}]\ndate: 2024-03-{day:02d}\nsummary: 一节关于情绪的课。\n---\n\n"
                    f"## 教学目标\n\n认识情绪，表达情绪。第{i}课。\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    h = sub.add_parser("hugo")
    h.add_argument("site")
    h.add_argument("out")
    s = sub.add_parser("lessons")
    s.add_argument("out")
    s.add_argument("--lessons", type=int, required=True)
    s.add_argument("--topics-per", type=int, default=1)
    s.add_argument("--per-topic", type=int, default=100)
    s.add_argument("--page-size", type=int, default=0)
    a = p.parse_args()
    if a.what == "hugo":
        hugo(a.site, a.out)
    else:
        lessons(a.out, a.lessons, a.topics_per, a.per_topic, a.page_size)


if __name__ == "__main__":
    main()

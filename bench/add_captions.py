#!/usr/bin/env python3
"""Adds WebVTT captions to a corpus made by gen_corpus.py, for the transcript search budget.

    python3 /work/shared/bench/gen_corpus.py --out DIR --docs 10000
    python3 bench/add_captions.py DIR [--every 4] [--word 蒲公英] [--seed 1]

Every `--every`-th video (v-000001, v-000005, …: a quarter by default) gets
`content/assets/captions/<id>.vtt` and a `captions:` line in its front matter. A video of M
minutes gets about 1.4 cues a minute (a 40-minute lesson about 56, like the sample portal's
captions), each one teacher's or pupil's line of 12–40 characters made from the phrases below.
One captioned video in ten holds `--word` in one cue: the word appears nowhere else in the
corpus (the script checks), so searching it measures a transcript-only match. With `--long N`,
every N-th captioned video is instead a two-hour recording (duration 2:00:00, 2,000 cues, far
more than a search record carries) whose last cue, and only that, holds `--late-word`: searching
it measures a match in a long transcript's part files. Standard library only; the same corpus,
options and seed give the same files.
"""

import argparse
import os
import random
import re
import sys

OPENERS = ["同学们", "大家", "请你", "我们", "老师发现", "有的同学", "你们看", "好，", "谁来说说", "请第三组"]
VERBS = ["想一想", "回忆一下", "说一说", "写下来", "比一比", "读一读", "分享一下", "讨论一下", "画出来", "演一演"]
OBJECTS = [
    "刚才的小游戏", "自己的感受", "黑板上的词语", "这张图片", "小组的发现", "身边的例子",
    "昨天的作业", "课本第十二页", "这段话的意思", "同桌的想法", "上周的活动", "卡片上的问题",
    "自己最近的一件小事", "表格里的数字", "屏幕上的句子", "这个故事的结尾",
]
TAILS = ["。", "，好吗？", "，时间两分钟。", "，然后举手。", "，再和同桌交流。", "，不着急。", "，说得真好！"]
PUPIL = [
    "我觉得他当时很难过", "我们组认为应该先冷静下来", "我想到了我的妹妹", "可以先深呼吸再说话",
    "我上次也遇到过这种事", "我觉得要多听别人的意见", "我们画了一棵大树", "我想换一个办法试试",
    "老师，我有一个不同的想法", "我会先把事情写在本子上", "我们可以一起去问老师", "我觉得这样做不太好",
]


def clock(ms):
    s, ms = divmod(ms, 1000)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return "%02d:%02d:%02d.%03d" % (h, m, s, ms)


def cue_text(rng, word):
    if rng.random() < 0.3:
        text = "<v 学生>" + rng.choice(PUPIL) + rng.choice(["。", "！", "……"])
    else:
        text = "<v 老师>" + rng.choice(OPENERS) + rng.choice(VERBS) + rng.choice(OBJECTS) + rng.choice(TAILS)
        if rng.random() < 0.4:
            text += rng.choice(VERBS) + rng.choice(OBJECTS) + "。"
    if word:
        text += "就像一朵%s，轻轻一吹就飞远了。" % word
    return text


def long_captions(rng, late_word):
    """Two hours, one cue every 3.6 s; the last one says `late_word`."""
    out = ["WEBVTT", ""]
    for n in range(2000):
        start = 2_000 + n * 3_600
        text = cue_text(rng, None)
        if n == 1999:
            text += "最后，窗外的%s落下来了。" % late_word
        out += [str(n + 1), "%s --> %s" % (clock(start), clock(start + 3_000)), text, ""]
    return "\n".join(out)


def captions(rng, minutes, with_word):
    count = max(3, int(minutes * 1.4))
    span = minutes * 60 * 1000 - 10_000
    starts = sorted(rng.sample(range(2_000, max(span, 2_000 + count * 1000), 1000), count))
    marked = rng.randrange(count) if with_word else -1
    out = ["WEBVTT", ""]
    for n, start in enumerate(starts):
        end = start + 3_000 + rng.randrange(5_000)
        out += [str(n + 1), "%s --> %s" % (clock(start), clock(end)), cue_text(rng, WORD if n == marked else None), ""]
    return "\n".join(out)


def main(argv=None):
    global WORD
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", help="the folder gen_corpus.py wrote (with content/)")
    ap.add_argument("--every", type=int, default=4, help="caption every N-th video (default 4)")
    ap.add_argument("--word", default="蒲公英", help="the transcript-only word (default 蒲公英)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--long", type=int, default=0, help="every N-th captioned video is two hours long (default: none)")
    ap.add_argument("--late-word", default="银杏叶", help="the word in the last cue of the long ones (default 银杏叶)")
    args = ap.parse_args(argv)
    WORD = args.word
    videos = os.path.join(args.site, "content", "videos")
    names = sorted(n for n in os.listdir(videos) if n.endswith(".md"))
    for name in os.listdir(os.path.join(args.site, "content", "lessons")) + names:
        sub = "videos" if name in names else "lessons"
        with open(os.path.join(args.site, "content", sub, name), encoding="utf-8") as f:
            held = f.read()
        for word in (WORD, args.late_word) if args.long else (WORD,):
            if word in held:
                sys.exit("%s already holds %s: choose another word" % (name, word))
    folder = os.path.join(args.site, "content", "assets", "captions")
    os.makedirs(folder, exist_ok=True)
    captioned = marked = cues = long = 0
    for i, name in enumerate(names):
        if i % args.every:
            continue
        path = os.path.join(videos, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        vid = name[:-3]
        rng = random.Random("%d:captions:%s" % (args.seed, vid))
        minutes = int(re.search(r"^duration: \"?(\d+):", text, re.M).group(1))
        with_word = captioned % 10 == 0
        is_long = args.long > 0 and captioned % args.long == args.long - 1
        if is_long:
            with_word = False
            vtt = long_captions(rng, args.late_word)
            text = re.sub(r"^duration: .*$", 'duration: "2:00:00"', text, count=1, flags=re.M)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            long += 1
        else:
            vtt = captions(rng, minutes, with_word)
        with open(os.path.join(folder, vid + ".vtt"), "w", encoding="utf-8") as f:
            f.write(vtt)
        if "\ncaptions:" not in text:
            text = text.replace("\nspeaker:", "\ncaptions: captions/%s.vtt\nspeaker:" % vid, 1)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        captioned += 1
        marked += with_word
        cues += vtt.count(" --> ")
    print("captioned %d of %d videos (%d cues; %s in %d of them; %d two hours long, %s in their last cue)"
          % (captioned, len(names), cues, WORD, marked, long, args.late_word), file=sys.stderr)


if __name__ == "__main__":
    main()

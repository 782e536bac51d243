/* Lectern search, module 45: what a teacher's query means before it is ranked — grade and stage
 * words (七年级, 初一, 高中, grade 7) taken out of the text and turned into a boost, synonyms from
 * site.yaml (carried by the manifest) as extra variants of the query, and single characters for
 * pairs the index has never seen (霸凌 → 霸 + 凌). Each variant is ranked by scoreDocs; a document
 * keeps its best variant's score, scaled down for synonyms and fallbacks so the word itself leads.
 * Also: which matches are complete, which partial, and which partial ones are too thin to show.
 * Spec: docs/SEARCH-INDEX.md "Query words". Test vectors: tests/fixtures/query-words.json. */
(function (LS) {
  "use strict";

  var queryTerms = LS.queryTerms, scoreDocs = LS.scoreDocs, codePoints = LS.codePoints, fromCp = LS.fromCp;
  var isCjk = LS.isCjk, fold = LS.fold, numbers = LS.numbers, ints = LS.ints;

  var SYNONYM_FACTOR = 0.7; // a synonym's match ranks below the same match of the word typed
  var FALLBACK_FACTOR = 0.5; // single characters rank below pairs
  var GRADE_BOOST = 2; // a resource of the grade or stage named in the query
  // …and one that holds the whole query too comes before every resource of another grade:
  // 七年级 情绪 lists grade 7's resources about 情绪 first, then the rest (a boost, not a filter).
  var GRADE_FIRST = 1000;
  var BROKEN_FACTOR = 0.6; // a variant with a pair the index never saw: its words are found apart
  var LESSON_PRIOR = 1.1; // a lesson leads its own review or video when they match alike
  var LOOSE_FACTOR = 0.9; // the query without its 的: below the phrase as typed
  // 的 as a particle, not in 目的 or 的确
  var DE_RE = /(^|[^目])的(?![确])/g;
  // …and 资源, 资料, 素材 ending a request (找情绪管理的资源): every resource is one
  var MATERIAL_RE = /([\u3400-\u9fff])(?:资源|资料|素材)\s*$/;
  var EDGE_DE_RE = /(^|\s)的+(?!确)|([^目\s])的+(?=\s|$)/g;
  var MIN_SHARE = 0.4; // a partial match must cover this share of the query's weight (idf)
  var FULL_SHARE = 0.999; // …and this is a complete one
  var WEAK_SHARE = 0.2; // …or this, shown only when the filters leave nothing else
  var PARTS_FACTOR = 0.9; // unit3 read as unit 3: what was typed, but not as typed
  var MAX_VARIANTS = 8;
  var ENOUGH_COMPLETE = 20; // with this many complete matches of the words typed, synonyms are not fetched
  var TYPED_TIE = 0.1; // scores this close are a tie that the form typed (情緒 vs 情绪) decides

  var NUMERALS = { "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10 };
  // The default 6-3-3 stages by their usual names: word → [first grade, last grade].
  var STAGES = { "小学": [1, 6], "初中": [7, 9], "高中": [10, 12] };
  // The grades each stage word means, in order: the default above until setGradeWords gives
  // the site's own (a 五四制 site's 初中 is 6–9, so 初一 and 初中一年级 are grade 6 there).
  var stageGrades = defaultStageGrades();
  // Grade names of the site's that the rules below would not read as that grade (预备班, or
  // 初一 named for grade 6 when 初中 starts at 7): [{ name (folded), number }], longest first.
  var namedGrades = [];
  var namedRe = null;
  // A grade word may end in its term (三年级上册, 七年级下): the term goes with it, since a
  // resource is not written 上册, and as text 上册 matches every textbook's first volume.
  var TERM = "[上下](?:册|冊|学期|學期)|全一[册冊]";
  var GRADE_RE = new RegExp("(小学|初中|高中)?(十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9])(?:年级|年級)(" + TERM + "|[上下](?![\\u3400-\\u9fff]))?", "g");
  // 七上, 八下册: a junior grade's volume as teachers shorten a textbook's name (道德与法治七上
  // 第四单元). Not in 七上八下 (an idiom: uneasy), 十七上, 第七上 or 八下午.
  var VOLUME_RE = /七上八下|(^|[^十第\d])(?!七上八下)([七八九])([上下])(?:册|冊)?(?![午来去面边])/g;
  // 低年级 (1–2), 中年级 (3–4), 高年级 (5–6), 中高年级 (3–6): the primary school's bands.
  var BAND_RE = /(^|[^\u3400-\u9fff])(?:小学)?(低中|中高|[低中高])(?:年级|年級|年段|学段)/g;
  var SHORT_RE = new RegExp("(^|[^\\u3400-\\u9fff])([初高])([一二三四])(?:(" + TERM + ")|(?![点些下样般]))", "g"); // not 高一点
  // …and after a character when what follows says it is a grade: 适合初三学生, 给高一新生,
  // 一节高二的课.
  var SHORT_CTX_RE = /([初高])([一二三四])(?=学生|新生|的)/g;
  // A teacher introducing themselves (我是一名初中心理老师, 作为小学班主任老师): what lies
  // between names the stage and the course, the rest is no word a resource holds.
  var SELF_RE = /(?:我是|我们是|作为)(?:一[名位个])?([\u3400-\u9fff]{0,10}?)(?:老师|教师)们?/g;
  // 高中生 is the stage too when nothing CJK, or 的, follows (高中生物 is 高中 + 生物; 高中生的压力)
  var STAGE_RE = /(^|[^\u3400-\u9fff])(小学|初中|高中)(?:生(?=的|[^\u3400-\u9fff]|$))?/g;
  // Words that name a kind of resource (防溺水 视频): taken out of a query that names something
  // else too, and the kind preferred. The long ones where no CJK character follows (微课制作 is a
  // subject); the short ones, which also end other words (短视频, 听说课), only where no CJK
  // character precedes them.
  var KIND_RE = /(课堂视频|课堂实录|课堂录像|微课|评课记录|说课稿|评课稿|教学设计|教案)(?![\u3400-\u9fff])|(^|[^\u3400-\u9fff])(视频|实录|录像|说课(?!稿)|评课(?!记录|稿))/g;
  // …and at the end of a query right after its words (考试焦虑视频), but not as the end of
  // 短视频 or 听说课
  var TAIL_KIND_RE = /([\u3400-\u9fff])(视频|实录|录像|说课|评课)\s*$/;
  // 教学设计和评课, 教案与课件: the word after a kind word's 和, 与, 及 or 或 is another word
  var KIND_AND_RE = /(课堂视频|课堂实录|课堂录像|微课|评课记录|说课稿|评课稿|教学设计|教案|视频|实录|录像|说课|评课)[和与及或](?=[\u3400-\u9fff])/g;
  var KIND_OF = { "视频": 1, "实录": 1, "录像": 1, "微课": 1, "说课": 2, "评课": 2, "教学设计": 0, "教案": 0 };
  var KIND_BOOST = 2; // a resource of the kind named
  var REVIEW_KIND_BOOST = 2; // a review of the review kind named (说课 or 评课), on top of KIND_BOOST
  var TERM_BOOST = 2; // a resource of a textbook of the term named (七年级上册, 七上)
  // How a question or a request is put, not what it is about (考试焦虑怎么办, 我想找一节关于
  // 情绪管理的课, 下周要上一节……有没有可以参考的), and the occasion a lesson is for (公开课,
  // 示范课), which its plan need not say: taken out of the query.
  var QUESTION_RE = /下周要上|下星期要上|明天要上|下周|下星期|可以参考的|可以参考|供参考的|供参考|公开课|示范课|优质课|观摩课|研讨课|怎么办|怎么样|怎么做|怎么|怎样|如何|有没有|有哪些|哪些|请问|我想找|我想要|我要找|帮我找|想找|请推荐|推荐|关于|有关|针对|适用于|适合|面向|找一[节堂份篇]|一些|[吗呢](?![\u3400-\u9fff])/g;
  // 一节 (a lesson), 几节, 一份, 一堂, 一篇: how many, unless it is 第一节 (the first section).
  var ONE_RE = /(^|[^第])[一几][节堂份篇]/g;
  var LATIN_RE = /\bgrade\s*(1[0-2]|[1-9])\b|\b(1[0-2]|[1-9])(?:st|nd|rd|th)?\s*grade\b/g;

  /** 七 → 7, 十二 → 12, "7" → 7. */
  function numeral(s) {
    if (/^\d+$/.test(s)) return +s;
    if (s.length === 2) return 10 + NUMERALS[s.charAt(1)];
    return NUMERALS[s] || 0;
  }

  var DIGITS_CN = "零一二三四五六七八九";

  /** 1–99 as Chinese numerals, as textbooks write them: 3 → 三, 12 → 十二, 20 → 二十, 21 → 二十一. */
  function chineseNumeral(n) {
    var tens = Math.floor(n / 10), ones = n % 10;
    if (n < 1 || n > 99) return String(n);
    if (!tens) return DIGITS_CN.charAt(ones);
    return (tens > 1 ? DIGITS_CN.charAt(tens) : "") + "十" + (ones ? DIGITS_CN.charAt(ones) : "");
  }

  // 第3单元, 第 12 课: the number as the book writes it (第三单元), so 第3单元 and 第三单元
  // search alike — as digits apart, 第, 3 and 单元 are met by any text holding the three
  var ORDINAL_RE = /第\s*(\d{1,2})\s*(单元|课)/g;

  function ordinalsInChinese(q) {
    return q.replace(ORDINAL_RE, function (all, n, measure) {
      return "第" + chineseNumeral(+n) + measure;
    });
  }

  function defaultStageGrades() {
    var out = {}, name, g;
    for (name in STAGES) {
      out[name] = [];
      for (g = STAGES[name][0]; g <= STAGES[name][1]; g++) out[name].push(g);
    }
    return out;
  }

  /**
   * Reads grade words by the site's grades and stages (`M` from model(manifest)): each stage
   * word names its stage's grades, 初N/高N and 初中N年级 the Nth grade of the stage named
   * 初中/高中, and a grade's own name that grade. Stages the manifest lacks keep the 6-3-3
   * default; `M` null restores the default everywhere. N年级 is always grade N.
   */
  function setGradeWords(M) {
    var table = defaultStageGrades(), i, g, grades, names = [], read;
    for (i = 0; M && i < M.stages.length; i++) {
      grades = [];
      for (g = 1; g <= LS.MAX_GRADE; g++) if (M.stages[i].mask & (1 << (g - 1))) grades.push(g);
      if (M.stages[i].name && grades.length) table[fold(M.stages[i].name)] = grades;
    }
    stageGrades = table;
    namedGrades = [];
    namedRe = null;
    for (i = 0; M && i < M.grades.length; i++) {
      var name = fold(M.grades[i].name).replace(/^\s+|\s+$/g, "");
      if (!/[\u3400-\u9fff]/.test(name)) continue; // Grade 7, 7: the rules read them already
      read = gradeWords(name);
      if (read.grades.length === 1 && read.grades[0] === M.grades[i].number && !/[\u3400-\u9fff\w]/.test(read.rest)) continue;
      names.push({ name: name, number: M.grades[i].number });
    }
    names.sort(function (a, b) {
      return b.name.length - a.name.length;
    });
    namedGrades = names;
    if (names.length) {
      namedRe = new RegExp("(^|[^\\u3400-\\u9fff])(" + names.map(function (n) {
        return n.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("|") + ")(" + TERM + ")?", "g");
    }
  }

  /** The Nth grade of the stage word `stage` (初中 3 → 9 by default), or 0 if it has none. */
  function nthGrade(stage, n) {
    var list = stageGrades[stage] || [];
    return n >= 1 && n <= list.length ? list[n - 1] : 0;
  }

  /**
   * Grade and stage words of a (folded) query: { rest: the query without them, grades: [1–12],
   * stages: [stage words as typed, e.g. "初中"] } — a stage word before a grade (小学三年级) only
   * says which grade is meant, so it is not a stage of its own.
   */
  function gradeWords(q) {
    var grades = [], stages = [], rest, term = 0;
    function grade(n) {
      if (n >= 1 && n <= 12 && grades.indexOf(n) < 0) grades.push(n);
    }
    // 上 (上册, 上学期) is the first term, 下 the second; 全一册 is none
    function volume(written) {
      var c = String(written || "").charAt(0);
      if (c === "上") term = 1;
      else if (c === "下") term = 2;
    }
    rest = String(q == null ? "" : q).replace(SELF_RE, " $1 ");
    if (namedRe) {
      rest = rest.replace(namedRe, function (all, before, name, written) {
        for (var i = 0; i < namedGrades.length; i++) if (namedGrades[i].name === name) grade(namedGrades[i].number);
        volume(written);
        return before + " ";
      });
    }
    rest = rest.replace(GRADE_RE, function (all, stage, num, written) {
      var n = numeral(num);
      volume(written);
      if (stage && stage !== "小学") n = nthGrade(stage, n) || n; // 初中一年级 = 7 (6 on a 五四制 site); 初中九年级 = 9
      grade(n);
      return " ";
    });
    rest = rest.replace(VOLUME_RE, function (all, before, num, written) {
      if (!num) return all; // 七上八下
      grade(numeral(num));
      volume(written);
      return before + " ";
    });
    rest = rest.replace(BAND_RE, function (all, before, band) {
      // A band is of the primary school: 低 its first two grades, 高 its last two, 中 those
      // between (1–2, 3–4, 5–6; on a 五四制 site, 小学 1–5: 1–2, 3, 4–5).
      var primary = stageGrades["小学"] || [], n = primary.length, i, part;
      for (i = 0; i < n; i++) {
        part = i < 2 ? "低" : i >= n - 2 ? "高" : "中";
        if (band.indexOf(part) >= 0) grade(primary[i]);
      }
      return before + " ";
    });
    // 初一 is the first grade of the stage named 初中; 初四 only where 初中 has four grades
    rest = rest.replace(SHORT_RE, function (all, before, stage, num, written) {
      var n = nthGrade(stage === "初" ? "初中" : "高中", numeral(num));
      if (!n) return all;
      grade(n);
      volume(written);
      return before + " ";
    });
    rest = rest.replace(SHORT_CTX_RE, function (all, stage, num) {
      var n = nthGrade(stage === "初" ? "初中" : "高中", numeral(num));
      if (!n) return all;
      grade(n);
      return " ";
    });
    rest = rest.replace(STAGE_RE, function (all, before, stage) {
      if (stages.indexOf(stage) < 0) stages.push(stage);
      return before + " ";
    });
    rest = rest.replace(LATIN_RE, function (all, a, b) {
      grade(+(a || b));
      return " ";
    });
    grades.sort(function (x, y) {
      return x - y;
    });
    return { rest: rest, grades: grades, stages: stages, term: term };
  }

  /**
   * A (folded) query without the words that ask rather than name (怎么办, 如何, 有没有, a final
   * 吗): 考试焦虑怎么办 is about 考试焦虑, and a resource need not say 怎么办 to match it whole.
   * A query of nothing else is left as it is.
   */
  function dropQuestionWords(q) {
    var rest = String(q == null ? "" : q).replace(QUESTION_RE, " ").replace(ONE_RE, "$1 ");
    return /[\u3400-\u9fff\w]/.test(rest) ? rest : String(q == null ? "" : q);
  }

  /**
   * The words a (folded) query excludes, written with a minus sign before them (情绪 -小怪兽):
   * { rest: the query without them, excluded: [their terms] }. None when nothing else is left
   * (-小怪兽 alone searches for 小怪兽). A hyphen inside a word (7-9, mid-term) excludes nothing.
   */
  function excludedWords(q) {
    var excluded = [];
    var rest = String(q).replace(/(^|\s)-+([^\s-]\S*)/g, function (all, before, word) {
      // -说课 leaves out the 说课 reviews, not every review (each is labelled 说课评课)
      var review = reviewWord(word);
      var terms = review ? [{ term: LS.KIND_MARK + review, group: 0, pos: 0 }] : queryTerms(word);
      if (terms.length) excluded.push(terms);
      return before + " ";
    });
    if (!excluded.length) return { rest: String(q), excluded: [] };
    // only words left out (-小怪兽): every resource but those
    if (!/[\u3400-\u9fff\w]/.test(rest)) rest = "";
    return { rest: rest, excluded: excluded };
  }

  /** The review kind each word for one names. */
  var REVIEW_WORDS = { 说课: "说课", 说课稿: "说课", 评课: "评课", 评课稿: "评课", 评课记录: "评课" };

  /** The review kind `word` names, or null: only the table's own words (not `constructor`). */
  function reviewWord(word) {
    return Object.prototype.hasOwnProperty.call(REVIEW_WORDS, word) ? REVIEW_WORDS[word] : null;
  }

  /**
   * The documents (below n) an excluded word leaves out: those holding every term of it, as a
   * set; null when the plan excludes nothing.
   */
  function excludedDocs(p, lookup, n) {
    var lists = (p.words && p.words.excluded) || [], gone = null, i, k, list, count, d, terms;
    for (i = 0; i < lists.length; i++) {
      terms = lists[i];
      count = ints(n);
      for (k = 0; k < terms.length; k++) {
        list = lookup(terms[k].term);
        if (!list) break; // a term no resource holds: the word is in none
        for (d = 0; d < list.n; d++) if (list.docs[d] < n && count[list.docs[d]] === k) count[list.docs[d]]++;
      }
      if (k < terms.length) continue;
      for (d = 0; d < n; d++) {
        if (count[d] === terms.length) (gone = gone || ints(n))[d] = 1;
      }
    }
    return gone;
  }

  /**
   * A query without the single Latin letters that stand alone beside other words (情绪 b, a
   * slip of the keyboard): a letter matches almost anything. Kept when nothing else is left.
   */
  function dropLoneLetters(q) {
    var rest = String(q).replace(/(^|\s)[a-z](?=\s|$)/g, "$1");
    return /[\u3400-\u9fff\w]/.test(rest) ? rest : q;
  }

  /**
   * The kind words of a (folded) query: { rest, kinds: kind indexes (0 lesson, 1 video, 2
   * review), ascending, reviews: the review kinds named (说课, 评课), in order }. A query of
   * nothing else keeps them as text (说课 alone finds what says 说课) and names no kind.
   */
  function kindWords(q) {
    var kinds = [], reviews = [], text = String(q == null ? "" : q), rest;
    function name(word, k) {
      if (kinds.indexOf(k) < 0) kinds.push(k);
      var review = /^说课/.test(word) ? "说课" : /^评课/.test(word) ? "评课" : "";
      if (review && reviews.indexOf(review) < 0) reviews.push(review);
    }
    rest = text.replace(KIND_AND_RE, "$1 ").replace(KIND_RE, function (all, long, before, short) {
      var word = long || short, k = KIND_OF[word];
      if (k === undefined) k = /^课堂/.test(word) ? 1 : 2; // 课堂视频/实录/录像; 评课记录, 说课稿, 评课稿
      name(word, k);
      return (before || "") + " ";
    });
    rest = rest.replace(TAIL_KIND_RE, function (all, before, word) {
      if (before === "短" || before === "听") return all;
      name(word, KIND_OF[word]);
      return before + " ";
    });
    if (!/[\u3400-\u9fff\w]/.test(rest)) return { rest: text, kinds: [], reviews: [] };
    kinds.sort(function (x, y) {
      return x - y;
    });
    return { rest: rest, kinds: kinds, reviews: reviews };
  }

  /** The grade mask a query's grade words name, with the manifest's stages where the names agree. */
  function gradeMask(words, M) {
    var mask = 0, i, j, r;
    for (i = 0; i < words.grades.length; i++) mask |= 1 << (words.grades[i] - 1);
    for (i = 0; i < words.stages.length; i++) {
      r = 0;
      for (j = 0; j < (M ? M.stages.length : 0); j++) if (M.stages[j].name === words.stages[i]) r = M.stages[j].mask;
      if (!r) for (j = 0; j < (stageGrades[words.stages[i]] || []).length; j++) r |= 1 << (stageGrades[words.stages[i]][j] - 1);
      mask |= r;
    }
    return mask;
  }

  /**
   * The synonyms of the manifest ({ word: [other words] }, words folded) that a text holds, as
   * new texts with the word replaced: [{ text, word, target }]. At most MAX_VARIANTS − 2 (room for the query and a fallback).
   */
  function synonymTexts(text, synonyms) {
    var out = [], word, i, targets;
    if (!synonyms || typeof synonyms !== "object") return out;
    for (word in synonyms) {
      if (!Object.prototype.hasOwnProperty.call(synonyms, word) || !word || text.indexOf(word) < 0) continue;
      targets = synonyms[word];
      for (i = 0; targets && i < targets.length && out.length < MAX_VARIANTS - 2; i++) {
        if (typeof targets[i] !== "string" || !targets[i]) continue;
        out.push({ text: text.split(word).join(" " + targets[i] + " "), word: word, target: targets[i] });
      }
    }
    return out;
  }

  /**
   * What to look up for a query: { words (gradeWords), mask, variants: [{ terms, factor, complete }] }.
   * The first variant is the query as typed (without grade words); then its synonym variants.
   */
  function plan(q, M, synonyms) {
    var folded = fold(q == null ? "" : String(q)), left = excludedWords(folded), words = gradeWords(left.rest), variants = [], texts, i;
    words.excluded = left.excluded;
    words.rest = dropLoneLetters(dropQuestionWords(ordinalsInChinese(words.rest)));
    var named = kindWords(words.rest);
    words.rest = named.rest;
    words.kinds = named.kinds;
    words.reviews = named.reviews;
    // 评课稿 alone: what says 评课 (every review's label does), the 评课 reviews first
    var alone = reviewWord(words.rest.replace(/^\s+|\s+$/g, ""));
    if (alone && !words.kinds.length) {
      words.rest = alone;
      words.reviews = [alone];
    }
    // A 的 left at the edge of the words once those around it are out (高中生的压力 → 的压力,
    // 关于情绪管理的教案 → 情绪管理的) joins nothing
    var trimmed = words.rest.replace(MATERIAL_RE, "$1 ").replace(EDGE_DE_RE, edgeDe).replace(EDGE_DE_RE, edgeDe);
    if (/[\u3400-\u9fff\w]/.test(trimmed)) words.rest = trimmed;
    variants.push({ terms: queryTerms(words.rest), factor: 1, complete: true });
    // 的 joins a teacher's words (情绪管理的教案, 高中生的压力): the words without it match as
    // completely as the query typed, just below the resources that have the phrase itself.
    // A character 的 leaves alone (我的, 的课) goes too. The query as typed then counts only
    // where it is whole: its pairs across 的 (理的, 的课) are in half of all texts.
    var loose = looseText(words.rest);
    if (loose !== null) {
      variants[0].exactOnly = true;
      variants.push({ terms: queryTerms(loose), factor: LOOSE_FACTOR, complete: true, typed: true });
    }
    texts = synonymTexts(words.rest, synonyms);
    for (i = 0; i < texts.length; i++) {
      variants.push({
        terms: queryTerms(texts[i].text),
        factor: SYNONYM_FACTOR,
        complete: true,
        word: texts[i].word,
        target: queryTerms(texts[i].target)
      });
    }
    return { words: words, mask: gradeMask(words, M), books: termBooks(words.term, M), variants: variants };
  }

  /**
   * The query with one word mended, when a CJK run of it (three to twelve characters) holds a
   * part one character off a topic or course name of the site's — one character typed for another
   * (情续管理 for 情绪管理, a pinyin slip), or two neighbours swapped (情管绪理 is not one, 绪情管理
   * is) — and is not itself a name: "你要找的是不是：情绪管理". Null when none is; the first
   * name in the manifest's order (topics most used first) when several are.
   */
  function mendedQuery(q, M) {
    var text = String(q == null ? "" : q), names = [], i, runs, run, k, name;
    for (i = 0; i < M.topics.length; i++) names.push(M.topics[i].name);
    for (i = 0; i < M.courses.length; i++) names.push(M.courses[i].name);
    runs = fold(text).match(/[\u3400-\u9fff]{3,12}/g) || [];
    for (k = 0; k < runs.length; k++) {
      run = runs[k];
      if (holdsName(run, names)) continue;
      for (i = 0; i < names.length; i++) {
        name = fold(names[i]);
        var near = nearIn(run, name);
        if (near) return text.indexOf(near) >= 0 ? text.split(near).join(names[i]) : null;
      }
    }
    return null;
  }

  function holdsName(run, names) {
    for (var i = 0; i < names.length; i++) if (names[i] && run.indexOf(fold(names[i])) >= 0) return true;
    return false;
  }

  /** The part of `run` one character off `name` (校圆欺凌 in 校圆欺凌防治), or null. */
  function nearIn(run, name) {
    var r = codePoints(run), n = codePoints(name).length, i, part;
    if (n < 3) return null;
    for (i = 0; i + n <= r.length; i++) {
      part = LS.cpsToString(r, i, i + n);
      if (oneOff(part, name)) return part;
    }
    return null;
  }

  /** Whether `a` and `b` (same length) differ in one character, or in two neighbours swapped. */
  function oneOff(a, b) {
    var x = codePoints(a), y = codePoints(b), diff = [], i;
    if (x.length !== y.length) return false;
    for (i = 0; i < x.length && diff.length < 3; i++) if (x[i] !== y[i]) diff.push(i);
    if (diff.length === 1) return true;
    return diff.length === 2 && diff[1] === diff[0] + 1 && x[diff[0]] === y[diff[1]] && x[diff[1]] === y[diff[0]];
  }

  // 第二单元, 第 2 单元, unit 3: a textbook's unit by its number
  var UNIT_RE = /第\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*单元|\bunit\s*(\d{1,2})\b/i;
  var MAX_UNITS_NAMED = 3;

  /**
   * The textbook units a query names (七年级上册 第二单元, 第2单元, unit 3): [{ book (an index
   * into M.textbooks), number, name }], only of the books of the grade and term the query
   * names when it names them, at most MAX_UNITS_NAMED.
   */
  function unitsNamed(q, M) {
    var books = (M && M.textbooks) || [], folded = fold(q), m = UNIT_RE.exec(folded), out = [], i, k, words, number, units;
    if (!m || !books.length) return out;
    number = m[1] ? numeral(m[1]) : +m[2];
    words = gradeWords(folded);
    for (i = 0; i < books.length && out.length < MAX_UNITS_NAMED; i++) {
      if (words.grades.length && words.grades.indexOf(books[i].grade) < 0) continue;
      if (words.term && books[i].term !== words.term) continue;
      units = books[i].units || [];
      for (k = 0; k < units.length; k++) {
        if (+units[k][0] === number) out.push({ book: i, number: number, name: String(units[k][1] || "") });
      }
    }
    return out;
  }

  /** The textbooks (by index) of the term a query names, as a set; null for none. */
  function termBooks(term, M) {
    var books = null, i, list = (M && M.textbooks) || [];
    for (i = 0; term && i < list.length; i++) {
      if (list[i].term === term) (books = books || {})[i] = 1;
    }
    return books;
  }

  function edgeDe(all, before, char) {
    return (before || char || "") + " ";
  }

  /**
   * A (folded) query without its particle 的, the single characters it leaves, and a 课 ending
   * a word it separates; null when it has no 的 or nothing else.
   */
  function looseText(q) {
    if (!DE_RE.test(q)) return null;
    DE_RE.lastIndex = 0;
    var parts = q.replace(DE_RE, "$1 ").split(/\s+/), out = [], i;
    for (i = 0; i < parts.length; i++) {
      // 心理课, 班会课: the subject, not the word 课 (说课, 微课 are kind words, read before)
      if (/^[\u3400-\u9fff]{2,}课$/.test(parts[i])) parts[i] = parts[i].slice(0, -1);
      if (parts[i] && !(codePoints(parts[i]).length === 1 && isCjk(codePoints(parts[i])[0]))) out.push(parts[i]);
    }
    var text = out.join(" ");
    return /[\u3400-\u9fff\w]/.test(text) ? text : null;
  }

  /**
   * The plan without its synonym variants: what is fetched and ranked first. Synonyms widen a
   * query only when its own words find fewer than ENOUGH_COMPLETE complete matches
   * (`wantsSynonyms`): a query they would not change costs no extra postings file.
   */
  function typedPlan(p) {
    var out = { words: p.words, mask: p.mask, variants: [] }, v;
    for (v = 0; v < p.variants.length; v++) if (!p.variants[v].word) out.variants.push(p.variants[v]);
    return out;
  }

  /** Whether a plan has synonym variants that the typed plan's result `r` calls for. */
  function wantsSynonyms(p, r) {
    for (var v = 0; v < p.variants.length; v++) if (p.variants[v].word) return !r || r.complete < ENOUGH_COMPLETE;
    return false;
  }

  /** Every distinct term of a plan's variants, in order ([{ term, group, pos }]). */
  function planTerms(p) {
    var seen = {}, out = [], v, i, t;
    for (v = 0; v < p.variants.length; v++) {
      for (i = 0; i < p.variants[v].terms.length; i++) {
        t = p.variants[v].terms[i];
        if (seen["~" + t.term] !== 1) {
          seen["~" + t.term] = 1;
          out.push(t);
        }
      }
    }
    return out;
  }

  /**
   * The single characters of a query's CJK runs that the index never saw in a pair with their
   * neighbours (`has(term)` says whether the index holds a term): each one, once, in order.
   */
  function fallbackChars(terms, has) {
    var out = [], seen = {}, i, cps, left, right, prev, next;
    for (i = 0; i < terms.length; i++) {
      cps = codePoints(terms[i].term);
      if (cps.length !== 2 || !isCjk(cps[0]) || has(terms[i].term)) continue;
      prev = i > 0 && terms[i - 1].group === terms[i].group ? terms[i - 1].term : null;
      next = i + 1 < terms.length && terms[i + 1].group === terms[i].group ? terms[i + 1].term : null;
      left = prev === null || !has(prev); // the first character has no pair on its left either
      right = next === null || !has(next);
      if (left && seen[cps[0]] !== 1) {
        seen[cps[0]] = 1;
        out.push(fromCp(cps[0]));
      }
      if (right && seen[cps[1]] !== 1) {
        seen[cps[1]] = 1;
        out.push(fromCp(cps[1]));
      }
    }
    return out;
  }

  // Joining words a teacher types between two things asked for (异性交往和情绪管理).
  var CONJUNCTIONS = "和与及或跟";

  /**
   * `terms` with each run parted where a joining word stands between two words (异性交往和情绪管理,
   * 考试焦虑和压力): two words, each matched whole, as if a space had been typed. A pair across
   * the joining word is where words meet when the index lacks it (往和) or `docCount` (documents
   * holding a term) says it is many times rarer than the word pair beside it (和情 beside 情绪);
   * such a pair is left out. A pair across it as common as its neighbour (和平 in 焦虑和平相处)
   * is a word the character belongs to, and stays, starting the second word. Neither pair a
   * meeting: no part.
   */
  function splitAtConjunctions(terms, has, docCount) {
    var out = [], next = 0, shift = {}, i, t, u, after, cps, ucps, left, right, group;
    var meeting = function (pair, beside) {
      return !has(pair.term) || (!!docCount && meets(beside, pair, docCount));
    };
    for (i = 0; i < terms.length; i++) next = Math.max(next, terms[i].group + 1);
    for (i = 0; i < terms.length; i++) {
      t = terms[i];
      u = terms[i + 1];
      after = terms[i + 2];
      cps = codePoints(t.term);
      ucps = u ? codePoints(u.term) : [];
      var joined = u && after && u.group === t.group && after.group === t.group && u.pos === t.pos + 1 &&
        after.pos === u.pos + 1 && t.pos > 0 && cps.length === 2 && ucps.length === 2 && isCjk(cps[0]) &&
        cps[1] === ucps[0] && CONJUNCTIONS.indexOf(fromCp(cps[1])) >= 0;
      left = joined && meeting(t, terms[i - 1]);
      right = joined && meeting(u, after);
      group = shift[t.group];
      if (joined && (left || right)) {
        // the second word starts after the pairs left out, counted from 0
        if (!left) out.push(group ? { term: t.term, group: group.group, pos: t.pos - group.from } : t);
        shift[t.group] = { group: next++, from: right ? after.pos : u.pos };
        if (right) i++;
        continue;
      }
      out.push(group ? { term: t.term, group: group.group, pos: t.pos - group.from } : t);
    }
    return out;
  }

  /** Whether pair `across` is many times rarer than the word pair `beside` it (rank's JUNCTION_RATIO). */
  function meets(beside, across, docCount) {
    return docCount(across.term) * LS.JUNCTION_RATIO <= docCount(beside.term);
  }

  /** The query word (group) of the first missing pair that holds character `c`. */
  function groupOf(c, base, has) {
    for (var i = 0; i < base.length; i++) {
      if (!has(base[i].term) && codePoints(base[i].term).indexOf(codePoints(c)[0]) >= 0) return base[i].group;
    }
    return -1;
  }

  /**
   * A word of letters then digits, or digits then letters (unit3, 3a), as its two parts; else
   * null. The index has the parts of "Unit 3" apart; a teacher types Unit3.
   */
  function wordParts(term) {
    var m = /^([a-z]+)([0-9]+)$/.exec(term) || /^([0-9]+)([a-z]+)$/.exec(term);
    return m ? [m[1], m[2]] : null;
  }

  /**
   * When the index lacks such a word of the query as typed, a variant with its parts in its
   * place, one run (the phrase bonus joins them): what was typed, spaced as the text is, so its
   * matches can be complete. Returns the new terms to fetch.
   */
  function addWordParts(p, has) {
    var base = p.variants[0].terms, terms = [], out = [], i, parts, split = false;
    for (i = 0; i < base.length; i++) {
      parts = isCjk(codePoints(base[i].term)[0]) || has(base[i].term) ? null : wordParts(base[i].term);
      if (!parts) {
        terms.push(base[i]);
        continue;
      }
      split = true;
      terms.push({ term: parts[0], group: base[i].group, pos: 0 }, { term: parts[1], group: base[i].group, pos: 1 });
      out.push(terms[terms.length - 2], terms[terms.length - 1]);
    }
    if (split) p.variants.push({ terms: terms, factor: PARTS_FACTOR, complete: true, parts: true });
    return out;
  }

  /**
   * Adds the fallback variant to a plan once the first variant's postings are known: its pairs
   * that exist and the lone characters of those that do not. Returns the new terms to fetch.
   */
  function addFallback(p, has, docCount) {
    for (var v = 0; v < p.variants.length; v++) p.variants[v].terms = splitAtConjunctions(p.variants[v].terms, has, docCount);
    var out = addWordParts(p, has), base = p.variants[0].terms, chars = fallbackChars(base, has), terms = [], i;
    // not the characters of a word the index holds nothing of, beside one it holds (调色盘 in
    // 情绪 调色盘): they would add resources that match neither word (调查, 角色)
    var unknown = unknownGroups(base, has), kept = [];
    for (i = 0; i < chars.length; i++) if (unknown[groupOf(chars[i], base, has)] !== 1) kept.push(chars[i]);
    chars = kept;
    if (!chars.length) return out;
    for (i = 0; i < base.length; i++) if (has(base[i].term)) terms.push({ term: base[i].term, group: base[i].group, pos: base[i].pos });
    for (i = 0; i < chars.length; i++) {
      terms.push({ term: chars[i], group: -1 - i, pos: 0 });
      out.push(terms[terms.length - 1]);
    }
    p.variants.push({ terms: terms, factor: FALLBACK_FACTOR, complete: false });
    return out;
  }

  /**
   * Whether some CJK pair of a word is missing from the index (心理卫生: 理卫): documents hold its
   * parts apart, never the word — so the query as typed ranks below BROKEN_FACTOR and the
   * word's synonym (心理健康), whose phrase exists, may lead.
   */
  function isBroken(terms, lookup) {
    for (var i = 0; i < terms.length; i++) {
      var cps = codePoints(terms[i].term);
      if (cps.length === 2 && isCjk(cps[0]) && !lookup(terms[i].term)) return true;
    }
    return false;
  }

  /** The idf weight, each at its largest, of the terms the index does not hold. */
  function unknownWeight(terms, lookup, n) {
    var w = 0, seen = {}, i;
    for (i = 0; i < terms.length; i++) {
      if (seen["~" + terms[i].term] === 1 || lookup(terms[i].term)) continue;
      seen["~" + terms[i].term] = 1;
      w += LS.idf(n, 0);
    }
    return w;
  }

  /**
   * The idf weight of the fallback characters that the index does not hold at all (its largest,
   * ln(1 + (n + 0.5) / 0.5), each): what no partial match of the query as typed can cover.
   * (addFallback leaves out the characters of a word of which the index holds nothing, while
   * it holds some other word: 情绪 调色盘 gives the 情绪 resources, as partial matches.)
   */
  function absentWeight(p, lookup, n) {
    var w = 0, v, i, t, seen = {};
    for (v = 1; v < p.variants.length; v++) {
      if (p.variants[v].word || p.variants[v].complete) continue; // the fallback variant only
      for (i = 0; i < p.variants[v].terms.length; i++) {
        t = p.variants[v].terms[i];
        if (t.group >= 0 || seen["~" + t.term] === 1 || lookup(t.term)) continue;
        seen["~" + t.term] = 1;
        w += LS.idf(n, 0);
      }
    }
    return w;
  }

  /**
   * The words (runs) of the query of which the index holds no term, as { group: 1 }, when the
   * index holds some term of another word; else none.
   */
  function unknownGroups(terms, lookup) {
    var held = {}, out = {}, anyHeld = false, g, i;
    for (i = 0; i < terms.length; i++) {
      g = terms[i].group;
      if (held[g] !== 1) held[g] = lookup(terms[i].term) ? 1 : held[g] || 0;
    }
    for (g in held) if (held[g] === 1) anyHeld = true;
    if (!anyHeld) return out;
    for (g in held) if (held[g] === 0) out[g] = 1;
    return out;
  }

  /**
   * Whether a document can hold all of a query's text: the index has every term, except a CJK
   * pair between two pairs it has (命远 in 珍爱生命远离危险水域, typed without the title's
   * comma): the index never sees a pair across punctuation, and a document holding 生命 and
   * 远离 holds what was typed on either side of it.
   */
  function allFound(terms, lookup) {
    for (var i = 0; i < terms.length; i++) {
      if (!lookup(terms[i].term) && !isBridged(terms, i, lookup)) return false;
    }
    return true;
  }

  function isBridged(terms, i, lookup) {
    var t = terms[i], prev = terms[i - 1], next = terms[i + 1], cps = codePoints(t.term);
    if (cps.length !== 2 || !isCjk(cps[0]) || !prev || !next) return false;
    if (prev.group !== t.group || prev.pos !== t.pos - 1 || next.group !== t.group || next.pos !== t.pos + 1) return false;
    return !!lookup(prev.term) && !!lookup(next.term);
  }

  /** Whether the index holds every term (a document can hold them all). */
  function allKnown(terms, lookup) {
    for (var i = 0; i < terms.length; i++) if (!lookup(terms[i].term)) return false;
    return true;
  }

  /**
   * Ranks a plan: { docs (ascending), score, full (1 for a complete match, by document), complete:
   * count, partial: count }. A document's score
   * is its best variant's (× factor), × GRADE_BOOST in the grades named, × LESSON_PRIOR for a
   * lesson. Partial matches below MIN_SHARE of their variant's weight are dropped. With no terms
   * but grade words, every document of those grades (score null, docs newest first); with
   * neither, null.
   */
  function searchPlan(p, lookup, n, cols) {
    var score = numbers(n), share = numbers(n), pairShare = numbers(n), full = ints(n), other = ints(n), typedFull = 0;
    var v, d, s, x, f, k, whole, missing, wordShare, terms = 0, docs = [], done = 0;
    var grades = cols && cols.grades, kinds = cols && cols.kind;
    for (v = 0; v < p.variants.length; v++) terms += p.variants[v].terms.length;
    if (!terms) {
      var out = excludedDocs(p, lookup, n), leaving = p.words && p.words.excluded && p.words.excluded.length;
      if (!(p.mask && grades) && !leaving) return null;
      for (d = n - 1; d >= 0; d--) {
        if ((!p.mask || !grades || grades[d] & p.mask) && !(out && out[d])) docs.push(d); // newest first
      }
      return { docs: docs, score: null, full: null, complete: docs.length, partial: 0 };
    }
    var typed = 1; // the query as typed: scaled down when a word it has a synonym for is not in the index as such
    for (v = 1; v < p.variants.length; v++) {
      if (p.variants[v].word && isBroken(queryTerms(p.variants[v].word), lookup)) typed = BROKEN_FACTOR;
    }
    var absent = absentWeight(p, lookup, n);
    var prior = priorOf(p, cols, lookup);
    for (v = 0; v < p.variants.length; v++) {
      // A synonym the index does not hold adds nothing but the query's other, weaker words.
      if (!p.variants[v].terms.length || (p.variants[v].target && !allKnown(p.variants[v].target, lookup))) continue;
      s = scoreDocs(p.variants[v].terms, lookup, n, cols && cols.norm);
      missing = p.variants[v].parts ? unknownWeight(p.variants[v].terms, lookup, n) : 0; // lesson5 with no "lesson" anywhere
      f = p.variants[v].factor * (v === 0 ? typed : 1);
      whole = p.variants[v].complete && allFound(p.variants[v].terms, lookup);
      for (k = 0; k < s.docs.length; k++) {
        d = s.docs[k];
        // a character no resource holds is still part of what was asked (学生厌学 with no 厌
        // anywhere: 学生 alone covers little of it); a synonym's variant no longer holds it
        x = s.need > 0 ? s.held[d] / (s.need + (p.variants[v].word ? 0 : absent) + missing) : 0;
        if (p.variants[v].exactOnly && !(whole && x >= FULL_SHARE)) continue;
        // of two words or more, the share of the words held whole counts too (友谊的天空: a
        // resource holding 友谊 is half of it, however rare 天空 is)
        wordShare = s.words >= 2 && (p.variants[v].complete || p.variants[v].word) ? s.wordsHeld[d] / s.words : 0;
        if (whole && x >= FULL_SHARE) {
          if (v === 0 || p.variants[v].typed) {
            full[d] = 1;
            typedFull++;
          } else {
            other[d] = 1;
          }
        }
        if (wordShare > x && !(whole && x >= FULL_SHARE)) x = wordShare;
        if (x > share[d]) share[d] = x;
        if (x > pairShare[d] && (p.variants[v].complete || p.variants[v].word)) pairShare[d] = x;
        x = s.score[d] * f;
        if (x > score[d]) score[d] = x;
      }
    }
    // Complete: holds every term of the query as typed (or of it without its 的); only when
    // none does (霸凌), every term of a synonym's variant (欺凌).
    if (!typedFull) full = other;
    // …and is of the grade named: 七年级上册 第二单元 is not completely met by grade 8's unit 2
    for (d = 0; d < n; d++) if (full[d] && !ofGradeNamed(p, grades, d)) full[d] = 0;
    var weak = [], gone = excludedDocs(p, lookup, n);
    for (d = 0; d < n; d++) {
      // a weak match holds some word of the query, not only its characters one by one
      if (score[d] <= 0 || (!full[d] && share[d] < MIN_SHARE && pairShare[d] < WEAK_SHARE)) continue;
      if (gone && gone[d]) continue; // 情绪 -小怪兽: not what holds 小怪兽
      score[d] *= prior(d, full[d]);
      if (!full[d] && share[d] < MIN_SHARE) {
        weak.push(d);
        continue;
      }
      docs.push(d);
      done += full[d];
    }
    // weak: thinner partial matches, for when nothing else is left (情绪管理 under 七年级: the
    // grade's resources on 情绪, rather than an empty page)
    return { docs: docs, score: score, full: full, complete: done, partial: docs.length - done, weak: weak, gone: gone };
  }

  /** Whether document `d` is of a grade or stage the plan names (true when it names none). */
  function ofGradeNamed(p, grades, d) {
    return !p.mask || !grades || (grades[d] & p.mask) !== 0;
  }

  /**
   * The factor searchPlan gives document `d` beyond its text score: its grade named (and, for
   * a `complete` match, GRADE_FIRST), its kind named (a review of the one review kind named
   * — 说课 or 评课 — more), else a lesson's lead over its own review and video.
   */
  function priorOf(p, cols, lookup) {
    var grades = cols && cols.grades, kinds = cols && cols.kind, named = (p.words && p.words.kinds) || [];
    var books = cols && cols.textbook, marked = reviewsNamed(p, lookup);
    return function (d, complete) {
      var f = 1;
      if (p.mask && grades && grades[d] & p.mask) f *= complete ? GRADE_BOOST * GRADE_FIRST : GRADE_BOOST;
      // 七年级上册 第三单元: the first volume's unit 3 before the second's
      if (p.books && books && p.books[books[d]] === 1) f *= TERM_BOOST;
      if (marked && marked[d] === 1) f *= REVIEW_KIND_BOOST; // 情绪 说课: the 说课, then the 评课
      if (!kinds) return f;
      if (named.length) {
        if (named.indexOf(kinds[d]) >= 0) f *= KIND_BOOST; // 防溺水 视频: the video, not its review
      } else if (kinds[d] === 0) {
        f *= LESSON_PRIOR;
      }
      return f;
    };
  }

  /**
   * The reviews of the one review kind a plan names (说课 or 评课, not both), as a set of
   * documents read from the `@说课` posting list (docs/SEARCH-INDEX.md); null for none.
   */
  function reviewsNamed(p, lookup) {
    var reviews = (p.words && p.words.reviews) || [], list, set, i;
    if (reviews.length !== 1 || !lookup) return null;
    list = lookup(LS.KIND_MARK + reviews[0]);
    if (!list) return null;
    set = {};
    for (i = 0; i < list.n; i++) set[list.docs[i]] = 1;
    return set;
  }

  /**
   * The terms a plan needs beyond its variants': its pinyin reading, the review kind it names
   * and the words it excludes.
   */
  function planExtraTerms(p) {
    var out = LS.pinyinQueryTerms(p.words.rest), reviews = p.words.reviews || [], gone = p.words.excluded || [], i;
    if (reviews.length === 1) out = out.concat([{ term: LS.KIND_MARK + reviews[0] }]);
    for (i = 0; i < gone.length; i++) out = out.concat(gone[i]);
    return out;
  }

  /**
   * Adds a query's pinyin reading (module 45-pinyin) to `r`, a result of searchPlan for plan `p`,
   * in place: a resource holding every pinyin term is a complete match, ranked below the same
   * match in characters, with the same grade and lesson factors. The pinyin is read from the
   * query without its grade words (grade 7 qxgl). Returns `r`.
   */
  function addPinyinMatches(r, p, lookup, n, cols) {
    if (!r || !r.score || !r.full) return r;
    var had = ints(n), i, merged, added = 0;
    for (i = 0; i < r.docs.length; i++) had[r.docs[i]] = 1;
    var prior = priorOf(p, cols, lookup);
    merged = LS.addPinyin({ docs: r.docs, score: r.score }, p.words.rest, lookup, n, null, function (d) {
      return prior(d, 1); // a pinyin match holds the whole query
    });
    if (r.gone) {
      merged.docs = merged.docs.filter(function (d) {
        return !r.gone[d];
      });
    }
    for (i = 0; i < merged.docs.length; i++) {
      if (had[merged.docs[i]]) continue;
      if (ofGradeNamed(p, cols && cols.grades, merged.docs[i])) {
        r.full[merged.docs[i]] = 1;
        added++;
      } else {
        r.partial++; // grade 7 qxgl: grade 8's 情绪管理 is there, not complete
      }
    }
    r.docs = merged.docs;
    r.score = merged.score;
    r.complete += added;
    return r;
  }

  /** The pinyin terms to fetch for plan `p` (its text without grade words). */
  function planPinyinTerms(p) {
    return LS.pinyinQueryTerms(p.words.rest);
  }

  /**
   * The CJK runs of a query typed in a form the index folds away (情緒, folded to 情绪): what a
   * record must hold to be "the form typed".
   */
  function typedForms(q) {
    var out = [], runs = String(q == null ? "" : q).split(/[^\u3400-\u9fff\uf900-\ufaff]+/), i;
    for (i = 0; i < runs.length; i++) if (runs[i] && fold(runs[i]) !== runs[i]) out.push(runs[i]);
    return out;
  }

  /**
   * A page of results (`slice`, document numbers in rank order) with each record that holds the
   * query's traditional form as typed moved ahead of neighbours that do not and score at most
   * TYPED_TIE above it: the exact form wins a tie. `recs` maps document → record.
   */
  function preferTyped(slice, recs, score, q) {
    var forms = typedForms(q), out = slice.slice(), holds = {}, i, j, t, r, text;
    if (!forms.length || !score) return out;
    for (i = 0; i < out.length; i++) {
      r = recs[out[i]];
      text = r ? String(r.t) + " " + String(r.s) + " " + String(r.x) : "";
      for (j = 0; j < forms.length; j++) if (text.indexOf(forms[j]) >= 0) holds[out[i]] = true;
    }
    for (i = 1; i < out.length; i++) {
      for (j = i; j > 0 && holds[out[j]] && !holds[out[j - 1]] && score[out[j - 1]] <= score[out[j]] * (1 + TYPED_TIE); j--) {
        t = out[j];
        out[j] = out[j - 1];
        out[j - 1] = t;
      }
    }
    return out;
  }

  LS.preferTyped = preferTyped;
  LS.gradeWords = gradeWords;
  LS.unitsNamed = unitsNamed;
  LS.mendedQuery = mendedQuery;
  LS.setGradeWords = setGradeWords;
  LS.dropQuestionWords = dropQuestionWords;
  LS.kindWords = kindWords;
  LS.gradeMask = gradeMask;
  LS.synonymTexts = synonymTexts;
  LS.plan = plan;
  LS.planTerms = planTerms;
  LS.typedPlan = typedPlan;
  LS.wantsSynonyms = wantsSynonyms;
  LS.fallbackChars = fallbackChars;
  LS.addFallback = addFallback;
  LS.wordParts = wordParts;
  LS.searchPlan = searchPlan;
  LS.addPinyinMatches = addPinyinMatches;
  LS.planPinyinTerms = planPinyinTerms;
  LS.planExtraTerms = planExtraTerms;
})(LecternSearch);

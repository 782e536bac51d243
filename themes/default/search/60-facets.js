/* Lectern search, module 60: the manifest's lists and the facet columns (spec "manifest.json",
 * "facets.json"), and filtering with live counts. */
(function (LS) {
  "use strict";

  var FACETS = ["kind", "stage", "grade", "course", "topic", "textbook"]; // also the URL's parameter order
  var KINDS = LS.KINDS, MAX_GRADE = LS.MAX_GRADE, MANY_GRADES = LS.MANY_GRADES;
  var GRADE_MASK = (1 << MAX_GRADE) - 1;
  var numbers = LS.numbers, ints = LS.ints, plain = LS.plain, list = LS.list, str = LS.str, positive = LS.positive;
  var decodeVarints = LS.decodeVarints;

  /** The manifest's lists, checked and completed: { n, kinds, stages, grades, courses, topics, ... }. */
  function model(manifest, kindNames) {
    var m = manifest || {}, out, i, j, g, s, num, mask, byStage = {};
    kindNames = kindNames || {};
    out = {
      n: Math.max(0, Math.floor(+m.doc_count) || 0),
      gen: str(m.gen),
      buckets: Math.max(0, Math.floor(+m.buckets) || 0),
      recordsPerFile: Math.floor(positive(m.records_per_file, LS.RECORDS_PER_FILE)),
      k1: positive(m.k1, LS.K1),
      b: +m.b >= 0 && +m.b <= 1 ? +m.b : LS.B,
      lengthSteps: positive(m.length_steps, LS.LENGTH_STEPS),
      lengthFloor: typeof m.length_floor === "number" && m.length_floor >= 0 ? m.length_floor : LS.LENGTH_FLOOR,
      offline: {
        buckets: Math.floor(positive(m.offline && m.offline.buckets_per_file, LS.OFFLINE_BUCKETS)),
        records: Math.floor(positive(m.offline && m.offline.records_per_file, LS.OFFLINE_RECORDS))
      },
      kinds: [],
      stages: [],
      grades: [],
      courses: [],
      topics: [],
      textbooks: []
    };
    var mk = list(m.kinds), names = {};
    for (i = 0; i < mk.length; i++) if (mk[i]) names[str(mk[i].slug)] = str(mk[i].name);
    for (i = 0; i < KINDS.length; i++) {
      out.kinds.push({ slug: KINDS[i], name: kindNames[KINDS[i]] || names[KINDS[i]] || KINDS[i] });
    }
    var mg = list(m.grades);
    for (i = 0; i < mg.length; i++) {
      if (!mg[i]) continue;
      num = Math.floor(+mg[i].number);
      if (!(num >= 1 && num <= MAX_GRADE)) continue;
      g = { number: num, name: str(mg[i].name) || String(num), stage: str(mg[i].stage), bit: 1 << (num - 1) };
      out.grades.push(g);
      byStage["~" + g.stage] = (byStage["~" + g.stage] || 0) | g.bit;
    }
    var ms = list(m.stages);
    for (i = 0; i < ms.length; i++) {
      if (!ms[i]) continue;
      s = { slug: str(ms[i].slug), name: str(ms[i].name) || str(ms[i].slug), mask: 0 };
      var sg = list(ms[i].grades);
      mask = 0;
      for (j = 0; j < sg.length; j++) {
        num = Math.floor(+sg[j]);
        if (num >= 1 && num <= MAX_GRADE) mask |= 1 << (num - 1);
      }
      s.mask = mask || byStage["~" + s.slug] || 0;
      out.stages.push(s);
    }
    var mc = list(m.courses);
    for (i = 0; i < mc.length; i++) {
      if (mc[i]) out.courses.push({ slug: str(mc[i].slug), name: str(mc[i].name) || str(mc[i].slug) });
    }
    out.topicAliases = m.topic_aliases && typeof m.topic_aliases === "object" ? m.topic_aliases : {};
    var mt = list(m.topics);
    for (i = 0; i < mt.length; i++) {
      if (mt[i]) out.topics.push({ name: str(mt[i].name), slug: str(mt[i].slug) });
    }
    var mb = list(m.textbooks);
    for (i = 0; i < mb.length; i++) {
      if (mb[i]) out.textbooks.push({ slug: str(mb[i].slug), name: str(mb[i].name) || str(mb[i].slug), term: +mb[i].term || 0, grade: +mb[i].grade || 0, units: list(mb[i].units) });
    }
    return out;
  }

  /**
   * Decodes facets.json (b64-varint columns) into per-document columns: kind (0–2, -1 unknown),
   * course (index, -1), grades (12-bit mask), the topics of document d as
   * topicList[topicStart[d] … topicStart[d+1]), textbook (index, -1; the column is absent
   * when the site declares no textbooks), and norm, each document's BM25 length
   * normalisation for scoreDocs. Short or broken columns give "unknown" values, never an
   * exception.
   */
  function decodeFacets(facets, M) {
    var f = facets || {}, n = M.n, d, v, at = 0, t, more;
    var kc = decodeVarints(str(f.kind_course)), gs = decodeVarints(str(f.grades)), ts = decodeVarints(str(f.topics));
    var kind = ints(n), course = ints(n), grades = ints(n), topicStart = ints(n + 1), topicList = ints(ts.length), used = 0;
    var tb = decodeVarints(str(f.textbooks)), textbook = ints(n);
    for (d = 0; d < n; d++) {
      v = d < kc.length ? kc[d] : -1;
      kind[d] = v >= 0 ? v % KINDS.length : -1;
      course[d] = v >= 0 && Math.floor(v / KINDS.length) < M.courses.length ? Math.floor(v / KINDS.length) : -1;
      v = d < gs.length ? gs[d] : -1;
      grades[d] = v < 0 ? 0 : v < MANY_GRADES ? (v < MAX_GRADE ? 1 << v : 0) : (v - MANY_GRADES) & GRADE_MASK;
      v = d < tb.length ? tb[d] - 1 : -1;
      textbook[d] = v >= 0 && v < M.textbooks.length ? v : -1;
      topicStart[d] = used;
      more = at < ts.length;
      while (more) {
        v = ts[at++];
        more = v > 1 && (v & 1) === 1 && at < ts.length;
        t = (v >> 1) - 1;
        if (t >= 0 && t < M.topics.length && !hasTopic(topicList, topicStart[d], used, t)) topicList[used++] = t;
      }
    }
    topicStart[n] = used;
    return {
      kind: kind,
      course: course,
      grades: grades,
      topicStart: topicStart,
      topicList: topicList,
      textbook: textbook,
      norm: lengthNorms(LS.decodeChars(str(f.lengths)), M)
    };
  }

  /**
   * k1 × (1 − b + b × length / average length) per document, from the `lengths` column
   * (one alphabet character per document: round(steps × log2(length)) − floor). A missing
   * entry counts as an average document.
   */
  function lengthNorms(codes, M) {
    var n = M.n, norm = numbers(n), len = numbers(n), total = 0, known = 0, avg, d;
    for (d = 0; d < n; d++) {
      if (d < codes.length) {
        len[d] = Math.pow(2, (codes[d] + M.lengthFloor) / M.lengthSteps);
        total += len[d];
        known++;
      }
    }
    avg = known ? total / known : 1;
    for (d = 0; d < n; d++) norm[d] = M.k1 * (1 - M.b + (M.b * (d < codes.length ? len[d] : avg)) / avg);
    return norm;
  }

  function hasTopic(list, from, to, t) {
    for (var i = from; i < to; i++) if (list[i] === t) return true;
    return false;
  }

  function emptySelection(M) {
    return {
      kind: [],
      stage: [],
      grade: [],
      course: [],
      topic: [],
      textbook: []
    };
  }

  function hasFilters(sel) {
    for (var f = 0; f < FACETS.length; f++) if (list(sel && sel[FACETS[f]]).length) return true;
    return false;
  }

  /**
   * Applies the selection to the candidate documents (in order) and counts, for every facet value,
   * the candidates that pass the other facets' filters (OR within a facet, AND across facets;
   * a stage matches any of its grades). Returns { docs, counts: { facet: [count per value] } }.
   */
  function tally(cands, sel, M, cols) {
    var docs = [], i, k, d, fail, mask, kd, cd, t0, t1, stageMask = 0, gradeMask = 0;
    var kinds = picks(sel && sel.kind, M.kinds.length), courses = picks(sel && sel.course, M.courses.length);
    var topics = picks(sel && sel.topic, M.topics.length), books = picks(sel && sel.textbook, M.textbooks.length);
    var bookCol = cols.textbook || [], bd, cBook = plain(M.textbooks.length);
    var nStages = M.stages.length, nGrades = M.grades.length, ts = cols.topicStart, tl = cols.topicList;
    var kindCol = cols.kind, courseCol = cols.course, gradeCol = cols.grades, stageBits = [], gradeBits = [];
    var cKind = plain(M.kinds.length), cStage = plain(nStages), cGrade = plain(nGrades);
    var cCourse = plain(M.courses.length), cTopic = plain(M.topics.length);
    for (i = 0; i < nStages; i++) stageBits.push(M.stages[i].mask);
    for (i = 0; i < nGrades; i++) gradeBits.push(M.grades[i].bit);
    for (i = 0; i < list(sel && sel.stage).length; i++) stageMask |= (M.stages[sel.stage[i]] || {}).mask || 0;
    for (i = 0; i < list(sel && sel.grade).length; i++) gradeMask |= (M.grades[sel.grade[i]] || {}).bit || 0;
    var onStage = list(sel && sel.stage).length > 0, onGrade = list(sel && sel.grade).length > 0;
    for (k = 0; k < cands.length; k++) {
      d = cands[k];
      mask = gradeCol[d];
      kd = kindCol[d];
      cd = courseCol[d];
      t0 = ts[d];
      t1 = ts[d + 1];
      bd = d < bookCol.length ? bookCol[d] : -1;
      fail = 0;
      if (kinds && (kd < 0 || !kinds[kd])) fail |= 1;
      if (onStage && (mask & stageMask) === 0) fail |= 2;
      if (onGrade && (mask & gradeMask) === 0) fail |= 4;
      if (courses && (cd < 0 || !courses[cd])) fail |= 8;
      if (topics) {
        for (i = t0; i < t1; i++) if (topics[tl[i]]) break;
        if (i === t1) fail |= 16;
      }
      if (books && (bd < 0 || !books[bd])) fail |= 32;
      if (fail === 0) docs.push(d);
      else if (fail & (fail - 1)) continue; // fails two facets: counts for none
      if ((fail & ~1) === 0 && kd >= 0) cKind[kd]++;
      if ((fail & ~2) === 0) for (i = 0; i < nStages; i++) if (mask & stageBits[i]) cStage[i]++;
      if ((fail & ~4) === 0) for (i = 0; i < nGrades; i++) if (mask & gradeBits[i]) cGrade[i]++;
      if ((fail & ~8) === 0 && cd >= 0) cCourse[cd]++;
      if ((fail & ~16) === 0) for (i = t0; i < t1; i++) cTopic[tl[i]]++;
      if ((fail & ~32) === 0 && bd >= 0) cBook[bd]++;
    }
    return {
      docs: docs,
      counts: { kind: cKind, stage: cStage, grade: cGrade, course: cCourse, topic: cTopic, textbook: cBook }
    };
  }

  /**
   * Facet counts that say what a click on each value would show: where a value has no match
   * (`counts`, from the matches) but the thinner weak ones hold it (`weak`, from tally of the
   * weak matches), its weak count — the page shows the weak matches when a filter leaves no
   * other. In place; returns `counts`.
   */
  function withWeakCounts(counts, weak) {
    var f, i;
    for (f in counts) {
      if (!Object.prototype.hasOwnProperty.call(counts, f) || !weak[f]) continue;
      for (i = 0; i < counts[f].length; i++) if (!counts[f][i] && weak[f][i]) counts[f][i] = weak[f][i];
    }
    return counts;
  }

  /** The selected value indexes of one facet as a lookup array, or null when none is selected. */
  function picks(vals, size) {
    vals = list(vals);
    if (!vals.length) return null;
    var a = plain(size), i;
    for (i = 0; i < vals.length; i++) if (vals[i] >= 0 && vals[i] < size) a[vals[i]] = 1;
    return a;
  }

  LS.FACETS = FACETS;
  LS.model = model;
  LS.decodeFacets = decodeFacets;
  LS.emptySelection = emptySelection;
  LS.hasFilters = hasFilters;
  LS.tally = tally;
  LS.withWeakCounts = withWeakCounts;
})(LecternSearch);

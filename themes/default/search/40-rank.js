/* Lectern search, module 40: ranking — BM25 with the phrase bonus and coverage (spec "Ranking
 * (browser)"), and the top k without a full sort. */
(function (LS) {
  "use strict";

  var K1 = LS.K1; // the norm of an average document, when no length column is given
  var JUNCTION_RATIO = 4; // a pair this many times rarer than each word beside it is where they meet
  // A pair with a numeral is a number's own (二单 in 第二单元, 三框 in 第三框): never where two words meet.
  var NUMBERED = /[第一二三四五六七八九十百零两〇0-9]/;
  var COMMON_WORD = 0.6; // a word in more than this share of the resources counts for nothing whole
  var numbers = LS.numbers, ints = LS.ints, codePoints = LS.codePoints, isCjk = LS.isCjk;

  function idf(n, df) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Scores the documents for the query terms `qterms` ([{ term, group, pos }] from queryTerms).
   * `lookup(term)` returns decoded postings (decodePostings) or null; `n` is doc_count; `norm`
   * (from decodeFacets) holds each document's BM25 length normalisation k1 × (1 − b + b × len /
   * avg), or is left out to treat every document as of average length.
   * Returns { docs: the matching documents, ascending; score: score by document number; cover:
   * the idf weight of the query's terms each document holds; known: that of all the terms the
   * index has }.
   */
  function scoreDocs(qterms, lookup, n, norm) {
    var ids = {}, terms = [], occ = [], at = [], posts = [], w = [];
    var i, j, k, p, d, key, a, b, bonus, count, docs = [];
    n = n > 0 ? Math.floor(n) : 0;
    if (!qterms || !qterms.length || n === 0) return { docs: [], score: numbers(0), cover: numbers(0), known: 0 };
    for (i = 0; i < qterms.length; i++) {
      key = "~" + qterms[i].term;
      if (typeof ids[key] !== "number") {
        ids[key] = terms.length;
        terms.push(qterms[i].term);
        occ.push(0);
      }
      at[i] = ids[key];
      occ[at[i]]++;
    }
    for (j = 0; j < terms.length; j++) {
      p = lookup(terms[j]) || null;
      posts[j] = p;
      w[j] = p ? idf(n, p.df) : 0;
    }
    var optional = optionalPairs(qterms, at, posts, terms.length), held = numbers(n), need = 0;
    // A pair where two words meet weighs no more than the commoner pair beside it: rare as it
    // is, a resource holding it without the words around it (推理方法 for 情绪管理方法) is not
    // what was asked. Its phrase bonus needs the words on both sides (`around`).
    var around = {};
    for (i = 1; i + 1 < qterms.length; i++) {
      j = at[i];
      if (!optional[j] || !posts[at[i - 1]] || !posts[at[i + 1]]) continue;
      w[j] = Math.min(w[j], w[at[i - 1]], w[at[i + 1]]);
      around[i] = holdingAll([posts[at[i - 1]], posts[j], posts[at[i + 1]]], n);
    }
    var score = numbers(n), hits = ints(n), stamp = ints(n), cover = numbers(n), pd, pt, pn, f, tf, known = 0;
    var norms = norm && norm.length >= n ? norm : null;
    for (j = 0; j < terms.length; j++) {
      p = posts[j];
      if (!p) continue;
      pd = p.docs;
      pt = p.tfs;
      pn = p.n;
      f = occ[j] * w[j]; // each occurrence of the term in the query counts
      known += w[j];
      if (!optional[j]) need += w[j];
      for (k = 0; k < pn; k++) {
        d = pd[k];
        if (d >= n) break; // postings are ascending: the rest is out of range too
        hits[d]++;
        cover[d] += w[j];
        if (!optional[j]) held[d] += w[j];
        tf = pt[k];
        score[d] += (f * tf) / (tf + (norms ? norms[d] : K1)); // BM25's tf part, scaled to 0–1
      }
    }
    // Phrase bonus: adjacent terms of one run (pos i, i + 1) that the document both contains.
    for (i = 0; i + 1 < qterms.length; i++) {
      if (qterms[i].group !== qterms[i + 1].group || qterms[i + 1].pos !== qterms[i].pos + 1) continue;
      a = posts[at[i]];
      b = posts[at[i + 1]];
      if (!a || !b) continue;
      bonus = 0.5 * (w[at[i]] + w[at[i + 1]]);
      var gate = around[i] || around[i + 1] || null, gate2 = around[i] && around[i + 1] ? around[i + 1] : null;
      pd = a.docs;
      for (k = 0, pn = a.n; k < pn; k++) if (pd[k] < n) stamp[pd[k]] = i + 1;
      pd = b.docs;
      for (k = 0, pn = b.n; k < pn; k++) {
        d = pd[k];
        if (d < n && stamp[d] === i + 1 && (!gate || gate[d]) && (!gate2 || gate2[d])) score[d] += bonus;
      }
    }
    // Coverage: the share of the query's known terms (weighted by idf) that the document has.
    // A complete match gets ×1.5, a partial one proportionally less — smoothly, so that one
    // stray bigram across a word boundary (中心 in 高中心理) cannot decide the order alone.
    count = known > 0 ? known : 1;
    for (d = 0; d < n; d++) {
      if (hits[d] === 0) continue;
      score[d] *= 1 + (0.5 * cover[d]) / count;
      docs.push(d);
    }
    var whole = wordsHeld(qterms, at, posts, optional, n);
    return { docs: docs, score: score, cover: cover, known: known, held: held, need: need, words: whole.words, wordsHeld: whole.held };
  }

  /**
   * The query's words (its runs: 友谊 and 天空 in 友谊的天空 without its 的) that the index
   * knows, and for each document how many of them it holds whole (every term but a pair where
   * two words meet). Weighted by idf, a rare word would decide alone whether a resource holding
   * the other one is a match at all (天空 in one resource, 友谊 in five); counted, each word is
   * an equal part of what was asked. A word most resources hold (COMMON_WORD) is left out.
   */
  function wordsHeld(qterms, at, posts, optional, n) {
    var held = ints(n), count = ints(n), stamp = ints(n), words = 0, g, i, j, k, d, p, need, seen, known, df;
    var groups = [];
    for (i = 0; i < qterms.length; i++) if (groups.indexOf(qterms[i].group) < 0) groups.push(qterms[i].group);
    for (g = 0; g < groups.length; g++) {
      need = [];
      seen = {};
      known = true;
      for (i = 0; i < qterms.length; i++) {
        j = at[i];
        if (qterms[i].group !== groups[g] || optional[j] || seen[j]) continue;
        seen[j] = true;
        if (posts[j]) need.push(j);
        else known = false;
      }
      if (!need.length) continue; // a word the index has nothing of: not asked of any resource
      // a word most resources hold (学生) says nothing of what was asked: it is not counted
      for (k = 0, df = n; k < need.length; k++) df = Math.min(df, posts[need[k]].df);
      if (df > COMMON_WORD * n) continue;
      words++;
      if (!known) continue; // part of it no resource holds: none holds it whole
      for (k = 0; k < need.length; k++) {
        p = posts[need[k]];
        for (i = 0; i < p.n; i++) {
          d = p.docs[i];
          if (d >= n) break;
          if (stamp[d] !== g + 1) {
            stamp[d] = g + 1;
            count[d] = 0;
          }
          if (++count[d] === need.length) held[d]++;
        }
      }
    }
    return { words: words, held: held };
  }

  /**
   * For each distinct term: whether it is a pair inside a run (neither its first nor its last)
   * where two words meet (识情 in 认识情绪, 水安 in 防溺水安全): the index holds the pairs on
   * both sides, and the pair is in far fewer resources than either (JUNCTION_RATIO). A teacher types such words without
   * a space; a resource holding both apart then matches the query (held and need leave the
   * pair out), and one holding the pair too still scores higher, though the pair weighs only
   * as much as the commoner word beside it (scoreDocs). A term like 情绪管理, whose
   * words mostly stand together, keeps its middle pair.
   */
  function optionalPairs(qterms, at, posts, count) {
    var optional = [], seen = [], i, j, a, b, m, inside;
    for (j = 0; j < count; j++) optional[j] = true;
    for (i = 0; i < qterms.length; i++) {
      j = at[i];
      seen[j] = true;
      inside = i > 0 && i + 1 < qterms.length && isPair(qterms[i].term) && !NUMBERED.test(qterms[i].term) &&
        qterms[i - 1].group === qterms[i].group && qterms[i + 1].group === qterms[i].group &&
        qterms[i - 1].pos === qterms[i].pos - 1 && qterms[i + 1].pos === qterms[i].pos + 1;
      if (inside) {
        a = posts[at[i - 1]];
        m = posts[j];
        b = posts[at[i + 1]];
        inside = !!(a && m && b) && m.df * JUNCTION_RATIO <= Math.min(a.df, b.df);
      }
      if (!inside) optional[j] = false;
    }
    for (j = 0; j < count; j++) if (!seen[j]) optional[j] = false;
    return optional;
  }

  /** 1 for each document (below n) that every posting list of `lists` holds, else 0. */
  function holdingAll(lists, n) {
    var count = ints(n), out = ints(n), i, k, d;
    for (i = 0; i < lists.length; i++) {
      for (k = 0; k < lists[i].n; k++) {
        d = lists[i].docs[k];
        if (d < n) count[d]++;
      }
    }
    for (d = 0; d < n; d++) out[d] = count[d] === lists.length ? 1 : 0;
    return out;
  }

  function isPair(term) {
    var cps = codePoints(term);
    return cps.length === 2 && isCjk(cps[0]);
  }

  /** Rank order: higher score first, ties by document number (higher is newer: first). */
  function ranker(score) {
    return function (x, y) {
      return score[y] - score[x] || y - x;
    };
  }

  /** The spec's ranking: [{ doc, score }], best first, ties by document number (higher first). */
  function rank(qterms, lookup, n, norm) {
    var s = scoreDocs(qterms, lookup, n, norm), docs = s.docs.slice().sort(ranker(s.score)), out = [], k;
    for (k = 0; k < docs.length; k++) out.push({ doc: docs[k], score: s.score[docs[k]] });
    return out;
  }

  /**
   * The best `k` of `docs` in rank order, without sorting them all (a bounded heap: a page of
   * results from 10,000 matches costs about 10,000 × log 10 comparisons, not 10,000 × log 10,000).
   */
  function topK(docs, score, k) {
    var heap = [], i, d, cmp = ranker(score);
    if (k >= docs.length) return docs.slice().sort(cmp);
    // heap[0] is the worst of the best k so far: a max-heap under cmp
    function down(at) {
      var n = heap.length, l, r, m, t;
      for (;;) {
        l = 2 * at + 1;
        r = l + 1;
        m = at;
        if (l < n && cmp(heap[l], heap[m]) > 0) m = l;
        if (r < n && cmp(heap[r], heap[m]) > 0) m = r;
        if (m === at) return;
        t = heap[m];
        heap[m] = heap[at];
        heap[at] = t;
        at = m;
      }
    }
    for (i = 0; i < docs.length; i++) {
      d = docs[i];
      if (heap.length < k) {
        heap.push(d);
        if (heap.length === k) for (var h = (k >> 1) - 1; h >= 0; h--) down(h);
      } else if (cmp(d, heap[0]) < 0) {
        heap[0] = d;
        down(0);
      }
    }
    return heap.sort(cmp);
  }

  LS.idf = idf;
  LS.JUNCTION_RATIO = JUNCTION_RATIO;
  LS.scoreDocs = scoreDocs;
  LS.rank = rank;
  LS.topK = topK;
})(LecternSearch);

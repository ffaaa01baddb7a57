#!/usr/bin/env python3
"""Score Daleel's search on the shared corpora with our judged queries.

For each corpus in ../shared/corpora that has a judgment file here
(tldr.tsv, d365.tsv), index the corpus with the real daleel-index into a
temporary folder (or use --index-CORPUS DIR), run every judged query
through the real daleel-search --json --limit 10, and print nDCG@10 and
MRR per corpus and language (and per kind with --verbose, with every query
that misses its best page).

Judgment lines: query<TAB>relevant slugs, comma-separated, best first
<TAB>kind.  The first slug has grade 2, the others grade 1; nDCG@10 is
DCG = sum (2^grade - 1) / log2(rank + 1) over the top 10, divided by the
ideal DCG.  MRR is 1 / the rank of the first relevant hit (0 if none in
the top 10).  Nothing is asserted: the scores are printed, for comparing
changes.  A corpus that is absent is skipped with a message.

Usage: bench/relevance/score.py [--build DIR] [--index-tldr DIR]
                                [--index-d365 DIR] [--verbose]
                                [--per-query FILE]
SPDX-License-Identifier: GPL-2.0-or-later
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
CORPORA = os.path.abspath(os.path.join(SRC, "..", "shared", "corpora"))
CORPUS_DIRS = {"tldr": "tldr", "d365": "d365-projops"}


def judged(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            q, slugs, kind = line.split("\t")
            yield q, slugs.split(","), kind


def lang_of(slugs):
    s = slugs[0]
    return "ar" if s.startswith("ar/") or s.startswith("pages.ar/") else "en"


def ndcg10(ranked, slugs):
    grade = {s: (2 if i == 0 else 1) for i, s in enumerate(slugs)}
    dcg = sum((2 ** grade.get(s, 0) - 1) / math.log2(i + 2)
              for i, s in enumerate(ranked[:10]))
    ideal = sorted(grade.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def rr(ranked, slugs):
    for i, s in enumerate(ranked[:10]):
        if s in slugs:
            return 1.0 / (i + 1)
    return 0.0


def search(prog, index, q):
    r = subprocess.run([prog, "--index", index, "--json", "--limit", "10",
                        "--", q], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise RuntimeError("daleel-search failed on %r: %s" % (q, r.stderr))
    return [h["slug"] for h in json.loads(r.stdout)["hits"]]


def build_index(build, corpus_dir, tmp):
    articles = os.path.join(tmp, "articles")
    index = os.path.join(tmp, "index")
    shutil.copytree(corpus_dir, articles)
    r = subprocess.run([os.path.join(build, "indexer", "daleel-index"),
                        "--articles", articles, "--index", index, "--quiet"],
                       capture_output=True, text=True)
    # 1: some files were not articles (a LICENSE without a title).
    if r.returncode not in (0, 1):
        raise RuntimeError("daleel-index failed: " + r.stderr)
    return index


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--index-tldr")
    ap.add_argument("--index-d365")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--per-query", metavar="FILE",
                    help="write corpus, query, nDCG@10, RR and the top 3 of "
                    "every query to FILE (to diff two builds)")
    a = ap.parse_args()
    prog = os.path.join(a.build, "server", "daleel-search")
    if not os.path.exists(prog):
        print("score.py: %s is not built" % prog, file=sys.stderr)
        return 2
    per_query = open(a.per_query, "w", encoding="utf-8") if a.per_query else None
    for name, sub in CORPUS_DIRS.items():
        judgments = os.path.join(HERE, name + ".tsv")
        corpus_dir = os.path.join(CORPORA, sub)
        index = getattr(a, "index_" + name)
        if not index and not os.path.isdir(corpus_dir):
            print("%s: skipped (%s not found)" % (name, corpus_dir))
            continue
        tmp = None
        if not index:
            tmp = tempfile.mkdtemp(prefix="daleel-score-")
            index = build_index(a.build, corpus_dir, tmp)
        try:
            by = {}
            misses = []
            for q, slugs, kind in judged(judgments):
                ranked = search(prog, index, q)
                n, m = ndcg10(ranked, slugs), rr(ranked, slugs)
                if per_query:
                    per_query.write("%s\t%s\t%.3f\t%.3f\t%s\n" % (
                        name, q, n, m, ", ".join(ranked[:3])))
                for key in (lang_of(slugs), "all", "kind " + kind):
                    v = by.setdefault(key, [0.0, 0.0, 0])
                    v[0] += n
                    v[1] += m
                    v[2] += 1
                if not ranked or ranked[0] != slugs[0]:
                    misses.append("  %-40s want %s, got %s" % (
                        q, slugs[0], ", ".join(ranked[:3]) or "nothing"))
            for key in ["en", "ar", "all"] + sorted(k for k in by if k.startswith("kind ")):
                if key not in by or (key.startswith("kind ") and not a.verbose):
                    continue
                n, m, c = by[key]
                print("%s %-16s nDCG@10 %.3f  MRR %.3f  (%d queries)" % (
                    name, key, n / c, m / c, c))
            if a.verbose and misses:
                print("%s: %d queries without their best page first:" % (name, len(misses)))
                print("\n".join(misses))
        finally:
            if tmp:
                shutil.rmtree(tmp, True)
    if per_query:
        per_query.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

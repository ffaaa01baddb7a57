#!/usr/bin/env python3
"""Conflation of Arabic word forms by the analyzer, on the corpora's words.

Reads the Arabic word types of ../shared/corpora (tldr pages.ar and
d365-projops ar; harakat and tatweel removed), runs the real
daleel-index --terms (document side) and --query (query side) on each
form, and prints, per class of form pairs, how many pairs "meet": one of
the query form's Z or candidate (alt:) terms is one of the document form's
Z or XA terms, which is what the search matches (E terms left out), and how many meet with full
weight: the query form's Z is one of the document form's Z terms.

The classes are those of docs/analysis.md section 8, plus the rules of
analyzer 2 (hamza-initial أل/إل words, form-IV verbs and their masdar, a
root ن after a consonant).  --pairs FILE writes every vocabulary pair
(query word, document word) that meets, to compare two builds:
    conflation.py --build A --pairs a.txt; conflation.py --build B --pairs b.txt
    comm -13 a.txt b.txt   # pairs B conflates and A did not
Nothing is asserted.  Absent corpora are skipped with a message.

Usage: bench/relevance/conflation.py [--build DIR] [--pairs FILE]
                                     [--examples N]
SPDX-License-Identifier: GPL-2.0-or-later
"""
import argparse
import collections
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
CORPORA = os.path.abspath(os.path.join(SRC, "..", "shared", "corpora"))
DIRS = ("tldr/pages.ar", "d365-projops/ar")

MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc"
                   "\u06df-\u06e8\u06ea-\u06ed\u0640]")
WORD = re.compile("[\u0621-\u063a\u0641-\u064a\u0671]+")
ARTICLE = ("ال", "لل", "بال", "كال", "وال", "فال", "وبال", "ولل", "فلل")
HAMZA_ALEF = "أإآ"


def vocabulary():
    words = set()
    for d in DIRS:
        root = os.path.join(CORPORA, d)
        if not os.path.isdir(root):
            print("conflation: %s not found, skipped" % root, file=sys.stderr)
            continue
        for dirpath, _, files in os.walk(root):
            for f in files:
                if not f.endswith(".md"):
                    continue
                with open(os.path.join(dirpath, f), encoding="utf-8",
                          errors="replace") as fh:
                    text = MARKS.sub("", fh.read())
                words.update(w for w in WORD.findall(text) if len(w) >= 2)
    return words


def terms(build, words, query):
    """word -> (set of matching terms, set of Z terms): document: Z and XA;
    query: Z and the candidates (alt:)."""
    words = sorted(words)
    prog = os.path.join(build, "indexer", "daleel-index")
    out = {}
    # In chunks: a query's last word gets prefixes (ignored here) and the
    # stopword rule looks at the whole text, so keep each chunk mixed.
    for i in range(0, len(words), 2000):
        chunk = words[i:i + 2000]
        r = subprocess.run([prog, "--query" if query else "--terms", "-"],
                           input="\n".join(chunk) + "\n", capture_output=True,
                           text=True, check=True)
        lines = [ln for ln in r.stdout.split("\n")
                 if ln and not ln.startswith("#")]
        if len(lines) != len(chunk):
            raise RuntimeError("token count differs: %d words, %d lines"
                               % (len(chunk), len(lines)))
        for w, ln in zip(chunk, lines):
            s, z = set(), set()
            for t in ln.split("\t", 1)[1].split("] ", 1)[-1].split():
                if t.startswith("Z"):
                    z.add(t)
                if t.startswith("alt:"):
                    t = t[4:]
                if t.startswith("Z") or t.startswith("XA"):
                    s.add(t)
            out[w] = (s, z)
    return out


def fold(w):
    return w.translate(str.maketrans("أإآ", "ااا"))


def article_initial(w):
    return w.startswith(ARTICLE)


def pair_classes(vocab):
    """class name -> list of (document form, query form)."""
    v = vocab
    c = collections.OrderedDict()
    c["ال+X / X"] = [(w, w[2:]) for w in v
                     if w.startswith("ال") and w[2:] in v and len(w) > 3]
    plain = [x for x in v if not article_initial(x) and len(x) >= 2]
    c["X / ال+X"] = [(x, "ال" + x) for x in plain]
    c["و+X / X"] = [("و" + x, x) for x in plain]
    c["ب+X / X"] = [("ب" + x, x) for x in plain]
    c["وال+X / ال+X"] = [("و" + w, w) for w in v
                         if w.startswith("ال") and len(w) > 3]
    c["الXات / X"] = [(w, w[2:-2]) for w in v
                       if w.startswith("ال") and w.endswith("ات")
                       and w[2:-2] in v]
    c["Xة / Xه (typed)"] = [(w, w[:-1] + "ه") for w in v if w.endswith("ة")]
    c["X with أ/إ / X with ا"] = [(w, fold(w)) for w in v
                                  if any(h in w for h in "أإ")]
    # Analyzer 2.
    hal = [w for w in v if len(w) >= 4 and w[0] in HAMZA_ALEF and w[1] == "ل"]
    c["أل/إلX / الأل/الإلX"] = [(w, "ال" + w) for w in hal]
    c["الأل/الإلX / أل/إلX"] = [("ال" + w, w) for w in hal]
    c["أل/إلX / الX typed"] = [(w, fold(w)) for w in hal]
    masdar = [w for w in v if len(w) == 5 and w[0] in "إا" and w[3:] == "اء"
              and not w.startswith("ال")]
    verbs = []
    for m in masdar:
        c1, c2 = m[1], m[2]
        for vf in ("أ%s%sي", "ي%s%sي", "ت%s%sي", "ن%s%sي", "أ%s%sيت",
                   "أ%s%sينا", "ي%s%sون", "ت%s%sون"):
            verbs.append((m, vf % (c1, c2)))
            verbs.append(("ال" + m, vf % (c1, c2)))
    c["إفعاء / form IV verb"] = verbs
    c["form IV verb / إفعاء"] = [(q, d) for d, q in verbs]
    nun = [w for w in v if w.startswith("ال") and len(w) >= 6
           and w.endswith("ن") and w[-2] not in "اوي"]
    c["الXن / Xن"] = [(w, w[2:]) for w in nun]
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--pairs")
    ap.add_argument("--examples", type=int, default=0,
                    help="print N pairs that do not meet per class")
    a = ap.parse_args()
    vocab = vocabulary()
    if not vocab:
        return 0
    classes = pair_classes(vocab)
    docs = set(vocab) | {d for p in classes.values() for d, _ in p}
    queries = set(vocab) | {q for p in classes.values() for _, q in p}
    dtz = terms(a.build, docs, False)
    qtz = terms(a.build, queries, True)
    dt = {w: v[0] for w, v in dtz.items()}
    qt = {w: v[0] for w, v in qtz.items()}
    print("%d Arabic word types; meet: any term; Z: the query's Z is a Z "
          "of the document form (full weight)" % len(vocab))
    for name, pairs in classes.items():
        miss = [(d, q) for d, q in pairs if not (dt[d] & qt[q])]
        zmeet = sum(1 for d, q in pairs if dtz[d][1] & qtz[q][1])
        n = len(pairs)
        print("%-26s %6d pairs  meet %5.1f %%  Z %5.1f %%" % (
            name, n, 100.0 * (n - len(miss)) / n if n else 0.0,
            100.0 * zmeet / n if n else 0.0))
        for d, q in miss[:a.examples]:
            print("    miss: doc %s %s / query %s %s" % (
                d, sorted(dt[d]), q, sorted(qt[q])))
    if a.pairs:
        post = collections.defaultdict(set)
        for w in vocab:
            for t in dt[w]:
                post[t].add(w)
        n = 0
        with open(a.pairs, "w", encoding="utf-8") as f:
            for q in sorted(vocab):
                met = set()
                for t in qt[q]:
                    met |= post.get(t, set())
                met.discard(q)
                for d in sorted(met):
                    f.write("%s\t%s\n" % (q, d))
                    n += 1
        print("%d (query word, document word) pairs meet; written to %s"
              % (n, a.pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Relevance suite: the judged queries of tests/data/relevance.tsv over our
own articles/ folder.  The real daleel-index indexes articles/ into a
temporary directory; each judged query runs through the real daleel-search
--json, and the expected article must be first (1) or in the top 3 (3).
Every judged query is asserted: a judgment changes only when it is plainly
wrong, never to make the run pass.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daleel_e2e as e2e  # noqa: E402

JUDGED = os.path.join(e2e.SRC, "tests", "data", "relevance.tsv")
ARTICLES = os.path.join(e2e.SRC, "articles")

def judged():
    with open(JUDGED, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            q, slug, top, kind = line.split("\t")
            yield n, q, slug, int(top), kind


class Relevance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import shutil
        import tempfile
        cls.dir = tempfile.mkdtemp(prefix="daleel-relevance-")
        cls.index = os.path.join(cls.dir, "index")
        e2e.index(ARTICLES, cls.index)
        cls.shutil = shutil

    @classmethod
    def tearDownClass(cls):
        cls.shutil.rmtree(cls.dir, True)

    def search(self, q):
        r = e2e.run([e2e.program("daleel-search"), "--index", self.index,
                     "--json", "--limit", "10", "--", q])
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return [h["slug"] for h in json.loads(r.stdout)["hits"]]

    def test_judged_queries(self):
        failed, total = [], 0
        by_kind = {}
        for n, q, slug, top, kind in judged():
            total += 1
            slugs = self.search(q)
            rank = slugs.index(slug) + 1 if slug in slugs else None
            ok = rank is not None and rank <= top
            k = by_kind.setdefault(kind, [0, 0])
            k[0] += ok
            k[1] += 1
            line = "%d: %r wants %s in the top %d, got rank %s (%s)" % (
                n, q, slug, top, rank, ", ".join(slugs[:3]))
            if not ok:
                failed.append(line)
        print("\nrelevance: %d/%d judged queries pass" % (
            total - len(failed), total))
        for kind, (ok, n) in sorted(by_kind.items()):
            print("  %-10s %d/%d" % (kind, ok, n))
        self.assertGreater(total, 0, "no judged queries read")
        self.assertEqual(failed, [], "judged queries that fail")


if __name__ == "__main__":
    e2e.main()

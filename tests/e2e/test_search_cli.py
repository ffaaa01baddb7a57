"""End-to-end tests of daleel-search: a small folder of articles written
here, indexed with the real daleel-index; then the text and --json output,
suggestions, related articles, filters, exit codes and bad input of the
real daleel-search.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daleel_e2e as e2e  # noqa: E402

ARTICLES = {
    "en/returns/refund-times.md": """---
title: Refund times
lang: en
category: returns
translation: refund-times
summary: How long a refund takes to reach you.
---
# Refund times

How long a refund takes depends on how you paid.

## Card payments

A refund to your card arrives within 5 business days. Refunds to the wallet
arrive within minutes.
""",
    "en/account/reset-password.md": """---
title: Reset a forgotten password
lang: en
category: account
translation: reset-password
---
# Reset a forgotten password

Forgot your password? You can set a new one in two minutes.

## Reset your password

Open the sign-in page and select Forgot password. We send a reset link to
your email address. The link works once and expires after one hour.
""",
    "en/returns/refund-override.md": """---
title: Override a refund limit
lang: en
category: returns
audience: internal
---
# Override a refund limit

Agents can override the refund limit in the admin console.
""",
    "ar/returns/refund-times.md": """---
title: مدة استرداد المبلغ
lang: ar
category: returns
translation: refund-times
---
# مدة استرداد المبلغ

تعتمد مدة الاسترداد على طريقة الدفع.

## الدفع بالبطاقة

يصل الاسترداد إلى بطاقتك خلال خمسة أيام عمل.
""",
}


class SearchCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="daleel-search-cli-")
        cls.articles = os.path.join(cls.dir, "articles")
        for path, text in ARTICLES.items():
            e2e.write(os.path.join(cls.articles, path), text)
        cls.index = os.path.join(cls.dir, "index")
        e2e.index(cls.articles, cls.index)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, True)

    def cli(self, *args, index=True):
        cmd = [e2e.program("daleel-search")]
        if index:
            cmd += ["--index", self.index]
        return e2e.run(cmd + list(args))

    def json_of(self, *args):
        r = self.cli("--json", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r.returncode, json.loads(r.stdout)

    # ---- output ----------------------------------------------------------

    def test_text_output(self):
        r = self.cli("card", "refund")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "1 result")
        self.assertEqual(lines[1], "1. Refund times")
        self.assertEqual(lines[2], "   en/returns/refund-times.md#card-payments")
        self.assertEqual(lines[3], "   A [refund] to your [card] arrives within "
                                   "5 business days. [Refunds] to the wallet "
                                   "arrive within minutes.")

    def test_json_output(self):
        code, d = self.json_of("refund", "card")
        self.assertEqual(code, 0)
        self.assertEqual(d["query"], "refund card")
        self.assertEqual(d["query_lang"], "en")
        self.assertEqual(d["total"], 1)
        self.assertIsNone(d["did_you_mean"])
        self.assertFalse(d["corrected"])
        self.assertEqual(d["categories"], [{"value": "returns", "count": 1}])
        h = d["hits"][0]
        self.assertEqual(h["rank"], 1)
        self.assertEqual(h["slug"], "en/returns/refund-times")
        self.assertEqual(h["title"], "Refund times")
        self.assertEqual(h["lang"], "en")
        self.assertEqual(h["path"], "en/returns/refund-times.md")
        self.assertEqual(h["category"], "returns")
        self.assertEqual(h["section_id"], "card-payments")
        self.assertEqual(h["section_heading"], "Card payments")
        self.assertFalse(h["internal"])
        snippet = h["snippet"].encode()
        words = [snippet[s:s + n].decode() for s, n in h["marks"]]
        self.assertEqual(words, ["refund", "card", "Refunds"])

    def test_arabic_marks_are_byte_ranges(self):
        code, d = self.json_of("الاسترداد", "بطاقتك")
        self.assertEqual(code, 0)
        self.assertEqual(d["query_lang"], "ar")
        h = d["hits"][0]
        self.assertEqual(h["slug"], "ar/returns/refund-times")
        self.assertEqual(h["section_id"], "الدفع-بالبطاقة")
        self.assertEqual(h["marks"], [[7, 18], [33, 12]])
        b = h["snippet"].encode()
        self.assertEqual([b[s:s + n].decode() for s, n in h["marks"]],
                         ["الاسترداد", "بطاقتك"])

    def test_language_preference_and_filter(self):
        _, d = self.json_of("refund")
        self.assertEqual(d["hits"][0]["slug"], "en/returns/refund-times")
        self.assertNotIn("ar/returns/refund-times",
                         [h["slug"] for h in d["hits"]],
                         "the Arabic translation collapses into the English")
        _, d = self.json_of("الاسترداد")
        self.assertEqual(d["hits"][0]["slug"], "ar/returns/refund-times")
        code, d = self.json_of("--lang", "ar", "refund")
        self.assertEqual(code, 1)
        self.assertEqual(d["hits"], [])

    def test_category_and_internal(self):
        code, _ = self.json_of("--category", "account", "refund")
        self.assertEqual(code, 1, "no refund article in account")
        _, d = self.json_of("override")
        self.assertEqual(d["hits"], [], "internal articles are hidden")
        _, d = self.json_of("--internal", "override")
        self.assertEqual(d["hits"][0]["slug"], "en/returns/refund-override")
        self.assertTrue(d["hits"][0]["internal"])
        r = self.cli("--internal", "override")
        self.assertIn("(internal)", r.stdout)

    def test_did_you_mean(self):
        r = self.cli("refnd")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith(
            "No results for the query as typed; showing results for: refund\n"),
            r.stdout)
        _, d = self.json_of("refnd")
        self.assertEqual(d["did_you_mean"], "refund")
        self.assertTrue(d["corrected"])

    def test_prefix_and_no_prefix(self):
        code, d = self.json_of("refu")
        self.assertEqual(code, 0)
        self.assertEqual(d["hits"][0]["slug"], "en/returns/refund-times")
        code, d = self.json_of("--no-prefix", "refu")
        self.assertEqual(code, 1)

    def test_limit_offset(self):
        _, d = self.json_of("--internal", "--limit", "1", "refund")
        self.assertEqual(len(d["hits"]), 1)
        _, d2 = self.json_of("--internal", "--limit", "1", "--offset", "1",
                             "refund")
        self.assertEqual(len(d2["hits"]), 1)
        self.assertNotEqual(d["hits"][0]["slug"], d2["hits"][0]["slug"])
        self.assertEqual(d2["hits"][0]["rank"], 2)

    def test_explain(self):
        r = self.cli("--explain", "password")
        self.assertIn("Query: Query((((password@1 OR 1.5 * Spassword@1 OR", r.stdout)

    def test_suggest(self):
        r = self.cli("--suggest", "ref")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "Refund times\ten/returns/refund-times\n")
        _, d = self.json_of("--suggest", "استر")
        self.assertEqual(d["suggestions"], [{"slug": "ar/returns/refund-times",
                                             "title": "مدة استرداد المبلغ",
                                             "lang": "ar", "internal": False}])
        r = self.cli("--suggest", "zzz")
        self.assertEqual(r.returncode, 1)

    def test_related(self):
        code, d = self.json_of("--related", "en/returns/refund-times")
        self.assertEqual(code, 0)
        slugs = [h["slug"] for h in d["related"]]
        self.assertIn("en/account/reset-password", slugs)
        self.assertNotIn("en/returns/refund-times", slugs)
        self.assertNotIn("en/returns/refund-override", slugs)
        r = self.cli("--related", "no/such")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no article", r.stderr)

    # ---- exit codes and bad input ---------------------------------------

    def test_nothing_found(self):
        r = self.cli("xylophone")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "No results.\n")

    def test_usage_errors(self):
        for args, msg in [((), "no query given"),
                          (("--limit", "0", "x"), "--limit"),
                          (("--limit", "abc", "x"), "--limit"),
                          (("--limit",), "needs a value"),
                          (("--lang", "fr", "x"), "not ar or en"),
                          (("--bogus", "x"), "unknown option")]:
            r = self.cli(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(msg, r.stderr, args)
            self.assertEqual(r.stdout, "", args)

    def test_missing_index(self):
        r = e2e.run([e2e.program("daleel-search"), "--index",
                     os.path.join(self.dir, "none"), "refund"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("no index at", r.stderr)

    def test_help_version(self):
        r = self.cli("--help", index=False)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("usage: daleel-search"))
        r = self.cli("--version", index=False)
        self.assertRegex(r.stdout, r"^daleel-search \d+\.\d+\.\d+\n$")

    def test_bad_queries(self):
        for q in ["-", '"', '"reset password', "?!... ،؛", "the of and",
                  "كيف", "((( OR )))", "x" * 10000, "refund " * 2000]:
            r = self.cli("--json", "--", q)
            self.assertIn(r.returncode, (0, 1), (q[:20], r.stderr))
            json.loads(r.stdout)
        # Invalid UTF-8 on the command line: JSON stays valid.
        import subprocess
        p = subprocess.run([e2e.program("daleel-search"), "--index",
                            self.index, "--json", b"\xff\xferefund\xc3"],
                           capture_output=True)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        d = json.loads(p.stdout.decode("utf-8"))
        self.assertEqual(d["query"], "\ufffd\ufffdrefund\ufffd")


if __name__ == "__main__":
    e2e.main()

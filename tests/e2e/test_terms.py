"""End-to-end: `daleel-index --terms` and `--query`, the analyzer's view of
a text as a writer uses it (issue 2).

SPDX-License-Identifier: GPL-2.0-or-later
"""
import subprocess
import unittest

import daleel_e2e


def terms(*args, stdin=None):
    r = subprocess.run([daleel_e2e.program("daleel-index"), *args],
                       input=stdin, capture_output=True, text=True,
                       timeout=60)
    return r


class TermsTest(unittest.TestCase):
    def test_index_terms(self):
        r = terms("--terms", "نسخ", "والملفات", "لـgit-commit")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("# analyzer "), lines[0])
        self.assertIn("language ar", lines[0])
        self.assertEqual(lines[1], "نسخ\t[ar] E:نسخ@1 Zنسخ")
        self.assertEqual(lines[2], "والملفات\t[ar] E:والملفات@2 Zملف")
        self.assertEqual(lines[3], "لـ\t[ar stop] E:ل@3")
        self.assertEqual(lines[4], "git\t[en code 1] E:git@4 Zgit")
        self.assertEqual(lines[5],
                         "commit\t[en code 1] E:commit@5 Zcommit XCgit-commit")
        self.assertEqual(len(lines), 6)

    def test_query_terms(self):
        r = terms("--query", "كيف خدمه اعاد")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertIn("last word may be a prefix", lines[0])
        self.assertEqual(lines[1], "كيف\t[ar stop dropped] E:كيف@1")
        self.assertEqual(lines[2], "خدمه\t[ar] E:خدمه@2 Zخدم alt:XAخدم "
                         "alt:Zخدمه alt:XAخدمه")
        self.assertTrue(lines[3].endswith(" prefix:اعاد"), lines[3])

    def test_stdin_and_quotes(self):
        r = terms("--query", "-", stdin='"إلى ملف"\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[1], "إلى\t[ar stop quote 1] E:الي@1")
        self.assertEqual(lines[2], "ملف\t[ar quote 1] E:ملف@2 Zملف alt:XAملف")
        self.assertNotIn("prefix", r.stdout)

    def test_bad_bytes(self):
        r = subprocess.run([daleel_e2e.program("daleel-index"), "--terms",
                            "-"], input=b"ab\xff\x00cd\xd9", capture_output=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertIn("E:ab@1", out)
        self.assertIn("E:cd@2", out)

    def test_usage(self):
        r = terms("--terms")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage:", r.stderr)


if __name__ == "__main__":
    daleel_e2e.main()

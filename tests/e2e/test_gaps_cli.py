"""daleel-gaps, the gap report from the command line: options, the three
formats, the default database beside the index, purging, and its exit
statuses.  The rows are written with Python's sqlite3 in the shape
lib/feedback.c writes them (the library itself is tested in
tests/unit/test_feedback.c); the report is the real program's.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import csv
import io
import json
import os
import sqlite3
import subprocess
import time
import unittest

import daleel_e2e as e2e

DAY = 86400


def gaps(*args):
    return e2e.run([e2e.program("daleel-gaps"), *args], timeout=60)


class GapsCli(unittest.TestCase):
    def setUp(self):
        self.dir = e2e.tmpdir(self)
        self.db = os.path.join(self.dir, "feedback.db")
        open(self.db, "w").close()      # an empty file is an empty database
        r = gaps("--db", self.db, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.now = int(time.time())
        self.fill()

    def fill(self):
        """Searches as lib/feedback.c records them: today three Arabic
        no-result searches in two word forms, one English search with
        results and no click, and one no-result search 200 days ago."""
        now, today = self.now, self.now // DAY
        old = now - 200 * DAY
        c = sqlite3.connect(self.db)
        rows = [(now - 30, "ar", "استرداد المبلغ", "استرداد مبلغ", 0),
                (now - 20, "ar", "استرداد مبلغ", "استرداد مبلغ", 0),
                (now - 10, "ar", "الاسترداد", "استرداد", 0),
                (now - 5, "en", "shipping time", "ship time", 4),
                (old, "en", "old question", "old question", 0)]
        for t, lang, q, normal, n in rows:
            c.execute("INSERT INTO searches (time, lang, query, normal, n_results)"
                      " VALUES (?, ?, ?, ?, ?)", (t, lang, q, normal, n))
            c.execute("INSERT INTO daily (day, lang, searches, no_result)"
                      " VALUES (?, ?, 1, ?) ON CONFLICT (day, lang) DO UPDATE"
                      " SET searches = searches + 1,"
                      " no_result = no_result + excluded.no_result",
                      (t // DAY, lang, int(n == 0)))
            c.execute("INSERT INTO daily_normal (day, lang, normal, searches,"
                      " no_result, last_no_result) VALUES (?, ?, ?, 1, ?, ?)"
                      " ON CONFLICT (day, lang, normal) DO UPDATE"
                      " SET searches = searches + 1,"
                      " no_result = no_result + excluded.no_result,"
                      " last_no_result = max(last_no_result,"
                      " excluded.last_no_result)",
                      (t // DAY, lang, normal, int(n == 0), t if n == 0 else 0))
        c.commit()
        c.close()
        self.assertEqual(today, now // DAY)

    def test_json(self):
        r = gaps("--db", self.db, "--format", "json", "--days", "7")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertEqual(j["lang"], "all")
        self.assertEqual(len(j["days"]), 7)
        self.assertEqual(j["days"][-1]["searches"], 4)
        self.assertEqual(j["days"][-1]["no_result"], 3)
        # The two Arabic forms are one group: {استرداد} is inside {استرداد مبلغ}.
        self.assertEqual(len(j["no_result"]), 1, j["no_result"])
        g = j["no_result"][0]
        self.assertEqual((g["lang"], g["normal"], g["count"]),
                         ("ar", "استرداد مبلغ", 3))
        self.assertEqual(g["examples"],
                         ["الاسترداد", "استرداد مبلغ", "استرداد المبلغ"])
        self.assertEqual([u["normal"] for u in j["unclicked"]], ["ship time"])
        # The old search is outside the period.
        r = gaps("--db", self.db, "--format", "json", "--days", "365")
        self.assertEqual(len(json.loads(r.stdout)["no_result"]), 2)

    def test_lang(self):
        r = gaps("--db", self.db, "--format", "json", "--lang", "en")
        j = json.loads(r.stdout)
        self.assertEqual(j["lang"], "en")
        self.assertEqual(j["no_result"], [])
        self.assertEqual(len(j["unclicked"]), 1)

    def test_csv_matches_json(self):
        j = json.loads(gaps("--db", self.db, "--format", "json").stdout)
        # Bytes, not text: universal newlines would hide the CRLF.
        r = subprocess.run([e2e.program("daleel-gaps"), "--db", self.db,
                            "--format", "csv"], capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode("utf-8")
        self.assertTrue(out.startswith("list,lang,key,time,count,"), out)
        self.assertEqual(out.count("\r\n"), out.count("\n") - 2,
                         "CRLF ends every row; the two LFs inside the "
                         "examples cell stay bare")
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        groups = [x for x in rows if x["list"] == "no_result"]
        self.assertEqual(len(groups), len(j["no_result"]))
        for row, g in zip(groups, j["no_result"]):
            self.assertEqual(row["key"], g["normal"])
            self.assertEqual(int(row["count"]), g["count"])
            self.assertEqual(row["time"], g["last_seen"])
            self.assertEqual(row["text"].split("\n"), g["examples"])
        days = [x for x in rows if x["list"] == "day"]
        self.assertEqual([d["key"] for d in days], [d["day"] for d in j["days"]])
        self.assertEqual([int(d["searches"]) for d in days],
                         [d["searches"] for d in j["days"]])

    def test_text(self):
        r = gaps("--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Searches with no results (1)", r.stdout)
        self.assertIn("استرداد مبلغ", r.stdout)

    def test_purge(self):
        r = gaps("--db", self.db, "--purge-days", "180", "--format", "json",
                 "--days", "365")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("purged 1 rows older than 180 days", r.stderr)
        c = sqlite3.connect(self.db)
        self.assertEqual(c.execute("SELECT count(*) FROM searches WHERE query"
                                   " = 'old question'").fetchone()[0], 0)
        c.close()
        # The counts survive; the example is gone.
        j = json.loads(r.stdout)
        old = [g for g in j["no_result"] if g["normal"] == "old question"]
        self.assertEqual(len(old), 1)
        self.assertEqual((old[0]["count"], old[0]["examples"]), (1, []))

    def test_default_db_beside_index(self):
        r = gaps("--index", os.path.join(self.dir, "index"), "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(json.loads(r.stdout)["no_result"]), 1)
        r = gaps("--index", os.path.join(self.dir, "index") + "/", "--format",
                 "json")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_errors(self):
        missing = os.path.join(self.dir, "nope", "feedback.db")
        r = gaps("--db", missing)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no feedback database at " + missing, r.stderr)
        for bad in (["--days", "0"], ["--days", "x"], ["--lang", "fr"],
                    ["--format", "xml"], ["--limit", "-1"], ["extra"],
                    ["--bogus"]):
            r = gaps("--db", self.db, *bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertTrue(r.stderr, bad)
        r = gaps("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: daleel-gaps", r.stdout)
        with open(os.path.join(self.dir, "junk.db"), "w") as f:
            f.write("this is not a database, just text long enough to read\n" * 20)
        r = gaps("--db", os.path.join(self.dir, "junk.db"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("file is not a database", r.stderr)

    def test_busy(self):
        # Another writer holds the lock: the purge waits its 2 s and gives
        # up with exit status 1 (retry), and the report alone still works.
        c = sqlite3.connect(self.db, isolation_level=None)
        c.execute("BEGIN EXCLUSIVE")
        try:
            r = gaps("--db", self.db, "--purge-days", "1")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("database is locked", r.stderr)
            r = gaps("--db", self.db, "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            c.execute("ROLLBACK")
            c.close()


if __name__ == "__main__":
    e2e.main()

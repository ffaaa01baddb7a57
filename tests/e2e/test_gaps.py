"""The writers' gap report over HTTP: /gaps, /gaps.csv and /gaps.json only
with the admin token (login cookie or Bearer), no-result searches grouped
across Arabic word forms, articles in Wilson order, CSV and JSON equal to the
HTML, personal data scrubbed, translations older than their source, and the
retention purge.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import csv
import io
import json
import re
import sqlite3
import time
import unittest

import daleel_e2e as e2e
from test_server import ADMIN, AGENT, SITE, Site, q

BEARER = {"Authorization": "Bearer " + ADMIN}
NO_RESULT_AR = ["التلسكوب الفلكي", "تلسكوب فلكي", "التلسكوبات", "تلسكوب"]


def wait_searches(db, n, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        c = sqlite3.connect(db, timeout=10)
        k = c.execute("SELECT count(*) FROM searches").fetchone()[0]
        c.close()
        if k >= n:
            return
        time.sleep(0.05)


class GapsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site(SITE)
        s = cls.s = cls.site.start("--vote-limit", "100000",
                                   "--search-log-limit", "100000")
        for query in NO_RESULT_AR:
            s.get("/search?q=" + q(query))
        s.get("/search?q=" + q("quantum teleport ali@example.com"))
        s.get("/search?q=" + q("refund"))       # has results, nobody clicks
        wait_searches(cls.site.db, len(NO_RESULT_AR) + 2)
        # Votes: reset-password 1 yes of 1, refund 9 yes of 10, markup 0 of 3.
        for slug, yes, no in (("en/account/reset-password", 1, 0),
                              ("en/returns/refund", 9, 1),
                              ("en/test/markup", 0, 3)):
            _, _, body = s.get("/a/" + slug)
            tok = re.search(r'name="token" value="([^"]+)"', body.decode()).group(1)
            for i in range(yes + no):
                st, _, _ = s.post("/feedback", {
                    "slug": slug, "token": tok, "vote": "yes" if i < yes else "no",
                    "reason": "" if i < yes else "outdated",
                    "comment": "" if i < yes else "old prices, call 0501234567"},
                    {"User-Agent": "voter %s %d" % (slug, i)})
                assert st == 200, st

    @classmethod
    def tearDownClass(cls):
        cls.site.close()

    def report_json(self, extra=""):
        st, h, body = self.s.get("/gaps.json" + extra, BEARER)
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "application/json; charset=utf-8")
        return json.loads(body)

    def report_html(self, extra=""):
        st, h, body = self.s.get("/gaps" + extra, BEARER)
        self.assertEqual(st, 200)
        self.assertEqual(h["cache-control"], "private, no-store")
        return body.decode()

    def test_refused_without_token(self):
        st, h, _ = self.s.get("/gaps")
        self.assertEqual(st, 303)
        self.assertEqual(h["location"], "/gaps/login?next=%2Fgaps")
        st, h, _ = self.s.get("/gaps?lang=ar")
        self.assertEqual(h["location"], "/gaps/login?next=%2Fgaps%3Flang%3Dar")
        for path in ("/gaps.csv", "/gaps.json"):
            st, h, body = self.s.get(path)
            self.assertEqual(st, 401, path)
            self.assertEqual(h["www-authenticate"], 'Bearer realm="daleel"')
            self.assertNotIn(b"quantum", body)
        for bad in ({"Authorization": "Bearer " + AGENT}, {"Authorization": "Bearer x"},
                    {"Cookie": "daleel_admin=forged.token"}):
            st, _, _ = self.s.get("/gaps.json", bad)
            self.assertEqual(st, 401, bad)

    def test_login_sets_strict_cookie(self):
        st, _, body = self.s.get("/gaps/login")
        self.assertEqual(st, 200)
        self.assertIn('type="password"', body.decode())
        st, _, body = self.s.post("/gaps/login", {"token": "wrong", "next": "/gaps"})
        self.assertEqual(st, 403)
        self.assertIn("This token is not valid", body.decode())
        st, h, _ = self.s.post("/gaps/login", {"token": ADMIN, "next": "/gaps"})
        self.assertEqual(st, 303)
        self.assertEqual(h["location"], "/gaps")
        cookie = h["set-cookie"]
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, cookie)
        self.assertNotIn(ADMIN, cookie)
        st, _, body = self.s.get("/gaps", {"Cookie": cookie.split(";")[0]})
        self.assertEqual(st, 200)
        self.assertIn("Content gaps", body.decode())

    def test_arabic_no_result_searches_grouped(self):
        j = self.report_json("?lang=ar")
        groups = j["no_result"]
        self.assertEqual(len(groups), 1, groups)
        self.assertEqual(groups[0]["count"], 4)
        self.assertEqual(groups[0]["lang"], "ar")
        self.assertEqual(groups[0]["normal"], "تلسكوب فلك")
        self.assertTrue(set(groups[0]["examples"]) <= set(NO_RESULT_AR))
        html = self.report_html("?lang=ar")
        self.assertIn('<html lang="ar" dir="rtl">', html)
        self.assertIn("<bdi>تلسكوب فلك</bdi></a></th><td>4</td>", html)

    def test_unclicked_and_scrubbed(self):
        j = self.report_json("?lang=en")
        self.assertIn("refund", [g["normal"] for g in j["unclicked"]])
        raw = json.dumps(j, ensure_ascii=False) + self.report_html()
        self.assertNotIn("ali@example.com", raw)
        self.assertNotIn("0501234567", raw)
        self.assertIn("quantum teleport [email]", raw)
        self.assertIn("old prices, call [number]", raw)

    def test_wilson_order(self):
        j = self.report_json()
        order = [a["slug"] for a in j["articles"]]
        self.assertEqual(order, ["en/test/markup", "en/account/reset-password",
                                 "en/returns/refund"])
        self.assertEqual([(a["yes"], a["no"]) for a in j["articles"]],
                         [(0, 3), (1, 0), (9, 1)])
        html = self.report_html()
        titles = re.findall(r'<tr lang="en"><th scope="row"><a href="[^"]+/a/([^"]+)">',
                            html)
        self.assertEqual(titles, order)
        self.assertIn("<td>0.21</td>", html)

    def test_csv_and_json_equal_html(self):
        j = self.report_json()
        html = self.report_html()
        st, h, body = self.s.get("/gaps.csv", BEARER)
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "text/csv; charset=utf-8")
        table = list(csv.DictReader(io.StringIO(body.decode())))
        csv_groups = {(r["lang"], r["key"], int(r["count"]))
                      for r in table if r["list"] == "no_result"}
        json_groups = {(g["lang"], g["normal"], g["count"]) for g in j["no_result"]}
        html_groups = {(lang, norm, int(n)) for lang, norm, n in re.findall(
            r'<tr lang="(\w+)"><th scope="row"><a href="[^"]*"><bdi>([^<]*)</bdi></a>'
            r'</th><td>(\d+)</td><td><bdi>', html.split('id="noclick-title"')[0])}
        self.assertEqual(csv_groups, json_groups)
        self.assertEqual(html_groups, json_groups)
        csv_articles = [(r["key"], int(r["yes"]), int(r["no"]))
                        for r in table if r["list"] == "article"]
        self.assertEqual(csv_articles, [(a["slug"], a["yes"], a["no"]) for a in j["articles"]])

    def test_stale_translations(self):
        j = self.report_json()
        stale = [(x["slug"], x["source_slug"]) for x in j["stale_translations"]]
        self.assertEqual(stale, [("ar/returns/refund", "en/returns/refund")])
        html = self.report_html()
        self.assertIn("<bdi>استرداد المبلغ لطرد مرتجع</bdi>", html.split('id="stale-title"')[1])
        self.assertEqual(self.report_json("?lang=en")["stale_translations"], [])

    def test_period_and_bad_parameters(self):
        j = self.report_json("?days=7")
        self.assertEqual(len(j["days"]), 7)
        st, _, _ = self.s.get("/gaps.json?days=0", BEARER)
        self.assertEqual(st, 400)
        html = self.report_html("?days=7")
        self.assertIn('<svg class="chart-svg"', html)


class RetentionTest(unittest.TestCase):
    def test_purge_at_start_keeps_counts(self):
        site = Site(SITE)
        self.addCleanup(site.close)
        s = site.start("--search-log-limit", "1000")
        s.get("/search?q=" + q("ancient query"))
        s.get("/search?q=" + q("fresh query"))
        wait_searches(site.db, 2)
        _, _, body = s.get("/a/en/returns/refund")
        tok = re.search(r'name="token" value="([^"]+)"', body.decode()).group(1)
        s.post("/feedback", {"slug": "en/returns/refund", "token": tok, "vote": "no",
                             "comment": "ancient comment"})
        site.stop()
        old = int(time.time()) - 400 * 86400
        c = sqlite3.connect(site.db)
        c.execute("UPDATE searches SET time = ? WHERE query = 'ancient query'", (old,))
        c.execute("UPDATE votes SET time = ?", (old,))
        c.commit()
        daily_before = c.execute("SELECT sum(searches) FROM daily").fetchone()[0]
        c.close()
        site.start("--retention-days", "180")
        c = sqlite3.connect(site.db)
        queries = [r[0] for r in c.execute("SELECT query FROM searches")]
        comments = [r[0] for r in c.execute("SELECT comment FROM votes")]
        daily_after = c.execute("SELECT sum(searches) FROM daily").fetchone()[0]
        c.close()
        self.assertEqual(queries, ["fresh query"])
        self.assertEqual(comments, [])
        self.assertEqual(daily_after, daily_before)
        self.assertIn("retention purge", site.server.output())


if __name__ == "__main__":
    e2e.main()

"""daleel-serve's JSON API (docs/api.md): /api/search, /api/articles/<slug>,
/api/suggest, with their stable fields, limits, filters and the agent view.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import json
import re
import unittest

import daleel_e2e as e2e
from test_server import ADMIN, AGENT, ARTICLES, Site, q


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site(ARTICLES)
        cls.s = cls.site.start("--base-url", "https://help.example.com/")

    @classmethod
    def tearDownClass(cls):
        cls.site.close()

    def api(self, path, headers=None, status=200):
        st, h, body = self.s.get(path, headers)
        self.assertEqual(st, status, body[:300])
        self.assertEqual(h["content-type"], "application/json; charset=utf-8")
        return json.loads(body)

    def test_search_fields(self):
        j = self.api("/api/search?q=" + q("refund times"))
        for k in ("query", "query_lang", "total", "page", "limit", "did_you_mean",
                  "corrected", "search_id", "categories", "results"):
            self.assertIn(k, j)
        self.assertEqual(j["query"], "refund times")
        self.assertEqual(j["query_lang"], "en")
        self.assertEqual(j["limit"], 10)
        self.assertEqual(len(j["results"]), 10)
        self.assertIsInstance(j["search_id"], int)
        r = j["results"][0]
        self.assertEqual(r["slug"], "en/returns/refund-times")
        self.assertEqual(r["title"], "Refund times: when you get your money back")
        self.assertEqual(r["lang"], "en")
        self.assertEqual(r["category"], "returns")
        self.assertEqual(r["url"], "https://help.example.com/a/en/returns/refund-times")
        self.assertEqual(r["path"], "en/returns/refund-times.md")
        self.assertRegex(r["updated"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(r["audience"], "public")
        self.assertEqual(set(r["section"]), {"id", "title", "url"})
        self.assertTrue(r["section"]["url"].startswith(r["url"]))
        self.assertEqual(set(r["snippet"]), {"text", "marked", "marks"})
        self.assertIn("<mark>", r["snippet"]["marked"])
        for start, length in r["snippet"]["marks"]:
            piece = r["snippet"]["text"].encode()[start:start + length].decode()
            self.assertIn("<mark>%s</mark>" % piece, r["snippet"]["marked"])
        self.assertEqual(r["translations"],
                         [{"lang": "ar", "slug": "ar/returns/refund-times",
                           "url": "https://help.example.com/a/ar/returns/refund-times"}])
        self.assertRegex(r["click_url"], r"^https://help\.example\.com/a/en/returns/"
                                         r"refund-times\?s=\d+&r=1$")

    def test_section_anchor(self):
        j = self.api("/api/search?q=" + q("refund to a wallet"))
        secs = [r["section"] for r in j["results"] if r["section"]["id"]]
        self.assertTrue(secs)
        for s in secs:
            self.assertTrue(s["url"].endswith("#" + q(s["id"])), s)
            self.assertTrue(s["title"])

    def test_arabic_search(self):
        j = self.api("/api/search?q=" + q("استرداد المبلغ"))
        self.assertEqual(j["query_lang"], "ar")
        self.assertEqual(j["results"][0]["slug"], "ar/returns/refund-times")
        self.assertEqual(j["results"][0]["lang"], "ar")

    def test_limit_page_and_filters(self):
        j = self.api("/api/search?q=order&limit=3")
        self.assertEqual(len(j["results"]), 3)
        j2 = self.api("/api/search?q=order&limit=3&page=2")
        self.assertEqual(j2["results"][0]["rank"], 4)
        self.assertFalse({r["slug"] for r in j["results"]} & {r["slug"] for r in j2["results"]})
        j = self.api("/api/search?q=order&limit=500")
        self.assertEqual(j["limit"], 50)
        self.api("/api/search?q=order&limit=abc", status=400)
        self.api("/api/search?q=order&page=0", status=400)
        self.api("/api/search?q=order&lang=fr", status=400)
        # A Latin name that Arabic articles mention too.
        j = self.api("/api/search?q=" + q("Apple Pay") + "&lang=ar")
        self.assertTrue(j["results"])
        self.assertTrue(all(r["lang"] == "ar" for r in j["results"]))
        j = self.api("/api/search?q=refund&category=payment")
        self.assertTrue(all(r["category"] == "payment" for r in j["results"]))

    def test_empty_query(self):
        j = self.api("/api/search")
        self.assertEqual(j["results"], [])
        self.assertEqual(j["total"], 0)
        self.assertIsNone(j["search_id"])

    def test_internal_needs_token(self):
        j = self.api("/api/search?q=goodwill&audience=internal")
        self.assertNotIn("en/returns/goodwill-refund", [r["slug"] for r in j["results"]])
        for token in (ADMIN, AGENT):
            j = self.api("/api/search?q=goodwill&audience=internal",
                         {"Authorization": "Bearer " + token})
            hits = [r for r in j["results"] if r["slug"] == "en/returns/goodwill-refund"]
            self.assertTrue(hits, token)
            self.assertEqual(hits[0]["audience"], "internal")
        self.api("/api/articles/en/returns/goodwill-refund", status=404)
        j = self.api("/api/articles/en/returns/goodwill-refund",
                     {"Authorization": "Bearer " + AGENT})
        self.assertEqual(j["audience"], "internal")
        self.assertTrue(j["feedback_links"]["yes"].startswith("https://help.example.com/f/"))

    def test_article(self):
        st, h, body = self.s.get("/api/articles/en/returns/refund-times")
        self.assertEqual(st, 200)
        self.assertIn("etag", h)
        j = json.loads(body)
        self.assertEqual(j["slug"], "en/returns/refund-times")
        self.assertEqual(j["url"], "https://help.example.com/a/en/returns/refund-times")
        self.assertEqual(j["lang"], "en")
        self.assertEqual(j["path"], "en/returns/refund-times.md")
        self.assertEqual(j["audience"], "public")
        self.assertIn("<h2 id=", j["html"])
        self.assertTrue(j["sections"])
        for s in j["sections"]:
            self.assertEqual(s["url"], j["url"] + "#" + q(s["id"]))
        self.assertEqual([t["lang"] for t in j["translations"]], ["ar"])
        self.assertTrue(j["related"])
        self.assertNotIn("feedback_links", j)
        st, _, _ = self.s.get("/api/articles/en/returns/refund-times",
                              {"If-None-Match": h["etag"]})
        self.assertEqual(st, 304)

    def test_article_missing(self):
        j = self.api("/api/articles/en/none", status=404)
        self.assertEqual(j["error"]["status"], 404)

    def test_suggest(self):
        j = self.api("/api/suggest?q=refu")
        self.assertEqual(j["query"], "refu")
        self.assertTrue(j["suggestions"])
        s = j["suggestions"][0]
        self.assertEqual(set(s), {"title", "slug", "lang", "url"})
        self.assertTrue(s["url"].startswith("https://help.example.com/a/"))
        j = self.api("/api/suggest?q=" + q("استر"))
        self.assertTrue(all(x["lang"] == "ar" for x in j["suggestions"]))
        self.assertEqual(self.api("/api/suggest")["suggestions"], [])

    def test_api_method_not_allowed_is_json(self):
        st, h, body = self.s.request("POST", "/api/search", body="")
        self.assertEqual(st, 405)
        self.assertEqual(h["allow"], "GET, HEAD")
        self.assertEqual(json.loads(body)["error"]["status"], 405)

    def test_script_in_query_is_inert_json(self):
        j = self.api("/api/search?q=" + q("<script>alert(1)</script>"))
        self.assertEqual(j["query"], "<script>alert(1)</script>")
        for r in j["results"]:
            self.assertNotIn("<script", r["snippet"]["marked"])

    def test_opensearch_uses_base_url(self):
        st, _, body = self.s.get("/opensearch.xml")
        self.assertIn('template="https://help.example.com/search?q={searchTerms}',
                      body.decode())

    def test_gzip_json(self):
        import gzip
        st, h, body = self.s.get("/api/search?q=order&limit=20",
                                 {"Accept-Encoding": "gzip"})
        self.assertEqual(h["content-encoding"], "gzip")
        self.assertIn("results", json.loads(gzip.decompress(body)))


if __name__ == "__main__":
    e2e.main()

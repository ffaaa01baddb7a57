"""daleel-serve's "Did this help?" (issue 6) end to end: votes stored in
SQLite (read back with sqlite3), deduplication, tokens (missing, forged,
for another article, expired), the honeypot, comments trimmed, invalid
UTF-8, rate limits, signed reply links (GET records nothing), 503 when the
database is locked, search and click logging with personal data scrubbed,
"didn't find it" reports, and a crash test: every vote answered with
success survives a SIGKILL.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import sqlite3
import threading
import time
import unittest
import urllib.parse

import daleel_e2e as e2e
from test_server import AGENT, SITE, Site, q

SECRET = b"a test secret that is longer than thirty-two bytes\n"
SLUG = "en/returns/refund"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(payload, expires, secret=SECRET):
    """A token as crypto.h makes them, signed with the key the server derives
    from --secret-file (SHA-256 of the file)."""
    key = hashlib.sha256(secret).digest()
    first = b64(b"%d.%s" % (expires, payload.encode()))
    mac = hmac.new(key, first.encode(), hashlib.sha256).digest()
    return first + "." + b64(mac)


def rows(db, sql, *args):
    c = sqlite3.connect(db, timeout=10)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def wait_rows(db, sql, *args, n=1, timeout=5):
    deadline = time.time() + timeout
    while True:
        r = rows(db, sql, *args)
        if len(r) >= n or time.time() > deadline:
            return r
        time.sleep(0.05)


class FeedbackBase(unittest.TestCase):
    args = ()

    @classmethod
    def setUpClass(cls):
        cls.site = Site(SITE)
        cls.secret_file = os.path.join(cls.site.dir, "secret")
        with open(cls.secret_file, "wb") as f:
            f.write(SECRET)
        cls.s = cls.site.start("--secret-file", cls.secret_file, *cls.args)

    @classmethod
    def tearDownClass(cls):
        cls.site.close()

    def form_token(self, slug=SLUG):
        _, _, body = self.s.get("/a/" + slug)
        m = re.search(r'name="token" value="([^"]+)"', body.decode())
        return m.group(1)

    def vote(self, fields, ua="test-agent/1", accept=None):
        h = {"User-Agent": ua}
        if accept:
            h["Accept"] = accept
        return self.s.post("/feedback", fields, h)

    def votes(self, slug=SLUG):
        return rows(self.site.db, "SELECT helpful, reason, comment, search_id FROM votes "
                    "WHERE slug = ? ORDER BY id", slug)

    def clear(self):
        c = sqlite3.connect(self.site.db, timeout=10)
        c.execute("DELETE FROM votes")
        c.execute("DELETE FROM gaps")
        c.commit()
        c.close()


class VoteTest(FeedbackBase):
    args = ("--vote-limit", "1000")

    def setUp(self):
        self.clear()

    def test_yes_vote_stored(self):
        st, h, body = self.vote({"slug": SLUG, "token": self.form_token(), "vote": "yes"})
        self.assertEqual(st, 200)
        html = body.decode()
        self.assertIn("glad this article helped", html)
        self.assertNotIn('class="search-again"', html)
        self.assertIn('id="q-top"', html)   # the header's form: no search-again below
        self.assertEqual(self.votes(), [(1, "", None, None)])

    def test_no_vote_with_reason_and_comment(self):
        st, _, body = self.vote({"slug": SLUG, "token": self.form_token(), "vote": "no",
                                 "reason": "not_answered",
                                 "comment": "It does not say how to refund a gift"})
        self.assertEqual(st, 200)
        html = body.decode()
        self.assertIn("didn&#39;t help", html)
        self.assertIn('class="search-again"', html)
        self.assertNotIn('id="q-top"', html)   # search-again only, none in the header
        self.assertIn('Back to the article: <bdi>Get a refund', html)
        self.assertEqual(self.votes(),
                         [(0, "unanswered", "It does not say how to refund a gift", None)])

    def test_no_vote_without_comment_each_reason(self):
        for i, (form, stored) in enumerate((("outdated", "outdated"),
                                            ("hard_to_follow", "unclear"),
                                            ("other", "other"), ("", ""))):
            st, _, _ = self.vote({"slug": SLUG, "token": self.form_token(),
                                  "vote": "no", "reason": form}, ua="ua-%d" % i)
            self.assertEqual(st, 200, form)
        self.assertEqual([(r[0], r[1], r[2]) for r in self.votes()],
                         [(0, "outdated", None), (0, "unclear", None),
                          (0, "other", None), (0, "", None)])

    def test_arabic_vote(self):
        slug = "ar/returns/refund"
        st, _, body = self.vote({"slug": slug, "token": self.form_token(slug),
                                 "vote": "no", "comment": "لم أجد طريقة الاسترداد"})
        self.assertEqual(st, 200)
        self.assertIn('<html lang="ar" dir="rtl">', body.decode())
        self.assertEqual(self.votes(slug), [(0, "", "لم أجد طريقة الاسترداد", None)])
        self.assertEqual(rows(self.site.db, "SELECT lang FROM votes"), [("ar",)])

    def test_dedup_per_visitor_per_day(self):
        tok = self.form_token()
        self.vote({"slug": SLUG, "token": tok, "vote": "yes"})
        st, _, body = self.vote({"slug": SLUG, "token": tok, "vote": "no",
                                 "reason": "outdated"})
        self.assertEqual(st, 200)
        self.assertIn("earlier answer for this article was replaced", body.decode())
        self.assertEqual([(r[0], r[1]) for r in self.votes()], [(0, "outdated")])
        # Another browser (another user agent) is another visitor.
        self.vote({"slug": SLUG, "token": tok, "vote": "yes"}, ua="other-browser")
        self.assertEqual(len(self.votes()), 2)
        # No raw address or user agent is stored anywhere in the row.
        row = rows(self.site.db, "SELECT * FROM votes")[0]
        self.assertNotIn("127.0.0.1", repr(row))
        self.assertNotIn("test-agent", repr(row))

    def test_json_answer(self):
        st, h, body = self.vote({"slug": SLUG, "token": self.form_token(), "vote": "yes"},
                                accept="application/json")
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "application/json; charset=utf-8")
        self.assertEqual(json.loads(body), {"ok": True, "stored": True, "helpful": True,
                                            "replaced": False, "trimmed": False})

    def test_long_comment_trimmed_with_notice(self):
        comment = "ب" * 600
        st, _, body = self.vote({"slug": SLUG, "token": self.form_token(), "vote": "no",
                                 "comment": comment})
        self.assertEqual(st, 200)
        self.assertIn("kept the first 500", body.decode())
        self.assertEqual(self.votes()[0][2], "ب" * 500)

    def test_honeypot_thanks_but_stores_nothing(self):
        st, _, body = self.vote({"slug": SLUG, "token": self.form_token(), "vote": "yes",
                                 "website": "http://spam.example"})
        self.assertEqual(st, 200)
        self.assertIn("Thank you", body.decode())
        self.assertEqual(self.votes(), [])

    def test_unknown_and_missing_article(self):
        st, _, _ = self.vote({"slug": "en/none", "token": self.form_token(), "vote": "yes"})
        self.assertEqual(st, 404)
        st, _, _ = self.vote({"token": self.form_token(), "vote": "yes"})
        self.assertEqual(st, 400)
        # An internal article is unknown to readers.
        st, _, _ = self.vote({"slug": "en/agents/escalation", "token": "x", "vote": "yes"})
        self.assertEqual(st, 404)

    def test_bad_fields_400(self):
        tok = self.form_token()
        st, _, _ = self.vote({"slug": SLUG, "token": tok, "vote": "maybe"})
        self.assertEqual(st, 400)
        st, _, _ = self.vote({"slug": SLUG, "token": tok, "vote": "no", "reason": "bored"})
        self.assertEqual(st, 400)
        body = "slug=%s&token=%s&vote=no&comment=caf%%E9" % (q(SLUG), q(tok))
        st, _, _ = self.s.request("POST", "/feedback", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(st, 400)
        self.assertEqual(self.votes(), [])

    def test_missing_forged_other_article_and_expired_tokens_403(self):
        now = int(time.time())
        cases = {
            "missing": None,
            "garbage": "not-a-token",
            "other key": mint("fb:" + SLUG, now + 3600, b"another secret, also long enough!!"),
            "other article": mint("fb:en/account/reset-password", now + 3600),
            "tampered": self.form_token()[:-2] + "AA",
            "expired": mint("fb:" + SLUG, now - 10),
        }
        for name, tok in cases.items():
            fields = {"slug": SLUG, "vote": "yes"}
            if tok:
                fields["token"] = tok
            st, _, body = self.vote(fields)
            self.assertEqual(st, 403, name)
            html = body.decode()
            self.assertIn('href="/a/en/returns/refund">Go back to the article', html, name)
        self.assertEqual(self.votes(), [])
        # The same way of minting, with the right key and time, is accepted.
        st, _, _ = self.vote({"slug": SLUG, "vote": "yes",
                              "token": mint("fb:" + SLUG, now + 3600)})
        self.assertEqual(st, 200)
        self.assertEqual(len(self.votes()), 1)

    def test_forms_survive_a_restart_with_the_secret_file(self):
        tok = self.form_token()
        s = self.site.restart("--secret-file", self.secret_file, *self.args)
        type(self).s = s
        st, _, _ = self.vote({"slug": SLUG, "token": tok, "vote": "yes"})
        self.assertEqual(st, 200)

    def test_gap_report(self):
        _, _, body = self.s.get("/search?q=" + q("flying carpet delivery"))
        html = body.decode()
        self.assertIn('<form method="post" action="/gap"', html)
        tok = re.search(r'action="/gap"[^>]*>.*?name="token" value="([^"]+)"', html,
                        re.S).group(1)
        st, _, body = self.s.post("/gap", {"q": "flying carpet delivery", "lang": "en",
                                           "token": tok,
                                           "text": "write to me: me@example.com"})
        self.assertEqual(st, 200)
        self.assertIn("Our writers will see", body.decode())
        self.assertEqual(rows(self.site.db, "SELECT lang, query, comment FROM gaps"),
                         [("en", "flying carpet delivery", "write to me: [email]")])
        st, _, _ = self.s.post("/gap", {"q": "x", "lang": "en", "token": "forged"})
        self.assertEqual(st, 403)
        st, _, _ = self.s.post("/gap", {"q": "x", "lang": "en", "token": tok,
                                        "website": "spam"})
        self.assertEqual(st, 200)
        self.assertEqual(len(rows(self.site.db, "SELECT id FROM gaps")), 1)


class SearchLogTest(FeedbackBase):
    def test_search_logged_scrubbed(self):
        self.s.get("/search?q=" + q("refund to ali@example.com card 4111 1111 1111 1111"))
        r = wait_rows(self.site.db, "SELECT query, lang FROM searches WHERE query LIKE "
                      "'%refund to%'")
        self.assertEqual(r, [("refund to [email] card [number]", "en")])
        self.s.get("/api/search?q=" + q("password 0501234567"))
        r = wait_rows(self.site.db, "SELECT query FROM searches WHERE query LIKE 'password%'")
        self.assertEqual(r, [("password [number]",)])
        # Suggestions and later pages are not searches.
        before = len(rows(self.site.db, "SELECT id FROM searches"))
        self.s.get("/api/suggest?q=refu")
        self.s.get("/search?q=refund&page=2")
        time.sleep(0.3)
        self.assertEqual(len(rows(self.site.db, "SELECT id FROM searches")), before)

    def test_click_and_vote_linked_to_search(self):
        _, _, body = self.s.get("/search?q=" + q("wallet refund"))
        href = re.search(r'<h2 class="result-title"><a href="([^"]+)"',
                         body.decode()).group(1).replace("&amp;", "&")
        slug = urllib.parse.urlparse(href).path[3:]
        st, h, _ = self.s.get(href)
        self.assertEqual(st, 302)
        r = wait_rows(self.site.db, "SELECT c.slug, c.rank, s.query FROM clicks c "
                      "JOIN searches s ON s.id = c.search_id")
        self.assertEqual(r, [(slug, 1, "wallet refund")])
        cookie = h["set-cookie"].split(";")[0]
        _, _, body = self.s.get("/a/" + slug, {"Cookie": cookie})
        html = body.decode()
        sid = re.search(r'name="s" value="(\d+)"', html).group(1)
        tok = re.search(r'name="token" value="([^"]+)"', html).group(1)
        st, _, _ = self.vote({"slug": slug, "token": tok, "vote": "yes", "s": sid})
        self.assertEqual(st, 200)
        r = rows(self.site.db, "SELECT s.query FROM votes v JOIN searches s "
                 "ON s.id = v.search_id WHERE v.slug = ?", slug)
        self.assertEqual(r, [("wallet refund",)])

    def test_no_search_log_option(self):
        s = self.site.restart("--secret-file", self.secret_file, "--no-search-log")
        type(self).s = s
        before = len(rows(self.site.db, "SELECT id FROM searches"))
        _, _, body = s.get("/search?q=refund")
        self.assertRegex(body.decode(), r'href="/a/en/returns/refund"')
        time.sleep(0.3)
        self.assertEqual(len(rows(self.site.db, "SELECT id FROM searches")), before)
        type(self).s = self.site.restart("--secret-file", self.secret_file)


class ReplyLinkTest(FeedbackBase):
    def links(self):
        _, _, body = self.s.get("/a/%s?audience=internal" % SLUG,
                                {"Authorization": "Bearer " + AGENT})
        html = body.decode()
        yes = re.search(r'Yes: <span class="url" dir="ltr">([^<]+)</span>', html).group(1)
        no = re.search(r'No: <span class="url" dir="ltr">([^<]+)</span>', html).group(1)
        md = re.search(r'data-markdown="(Did this answer help\? [^"]+)"', html)
        self.assertIsNotNone(md)
        return yes, no

    def test_get_records_nothing_post_records(self):
        self.clear()
        yes, no = self.links()
        path = urllib.parse.urlparse(no).path
        for _ in range(3):      # previewers and scanners fetch it
            st, h, body = self.s.get(path)
            self.assertEqual(st, 200)
        html = body.decode()
        self.assertIn("You chose: <strong>No</strong>", html)
        self.assertIn('<form method="post" action="%s">' % path, html)
        self.assertEqual(self.votes(), [])
        st, _, body = self.s.post(path, {"token": path[3:], "comment": "too vague"})
        self.assertEqual(st, 200)
        self.assertEqual(self.votes(), [(0, "", "too vague", None)])
        st, _, _ = self.s.post(urllib.parse.urlparse(yes).path, {})
        self.assertEqual(st, 200)
        self.assertEqual([v[0] for v in self.votes()], [1])   # replaced, same visitor

    def test_tampered_and_expired_links_refused(self):
        self.clear()
        yes, _ = self.links()
        tok = urllib.parse.urlparse(yes).path[3:]
        first, mac = tok.split(".")
        inner = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))
        flipped = b64(inner.replace(b"r:1:", b"r:0:")) + "." + mac
        for bad in (flipped, tok[:-1] + ("A" if tok[-1] != "A" else "B"), "x.y"):
            st, _, _ = self.s.get("/f/" + bad)
            self.assertEqual(st, 403, bad)
            st, _, _ = self.s.post("/f/" + bad, {})
            self.assertEqual(st, 403, bad)
        old = mint("r:1:" + SLUG, int(time.time()) - 60)
        st, _, body = self.s.get("/f/" + old)
        self.assertEqual(st, 403)
        self.assertIn('href="/a/en/returns/refund"', body.decode())
        self.assertEqual(self.votes(), [])

    def test_link_honeypot(self):
        self.clear()
        yes, _ = self.links()
        st, _, _ = self.s.post(urllib.parse.urlparse(yes).path, {"website": "x"})
        self.assertEqual(st, 200)
        self.assertEqual(self.votes(), [])


class RateLimitTest(FeedbackBase):
    args = ("--vote-limit", "4")

    def test_votes_429_with_retry_after(self):
        tok = self.form_token()
        statuses = []
        for i in range(6):
            st, h, body = self.vote({"slug": SLUG, "token": tok, "vote": "yes"},
                                    ua="ua-%d" % i)
            statuses.append(st)
        self.assertEqual(statuses[:4], [200] * 4)
        self.assertEqual(statuses[4:], [429, 429])
        self.assertGreaterEqual(int(h["retry-after"]), 1)
        self.assertIn("Too many requests", body.decode())
        self.assertEqual(len(self.votes()), 4)


class LockedDatabaseTest(FeedbackBase):
    def test_locked_database_503_and_article_still_renders(self):
        tok = self.form_token()
        lock = sqlite3.connect(self.site.db, timeout=10, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            st, _, _ = self.s.get("/a/" + SLUG)
            self.assertEqual(st, 200)
            st, h, body = self.vote({"slug": SLUG, "token": tok, "vote": "yes"})
            self.assertEqual(st, 503)
            self.assertEqual(h["retry-after"], "5")
            self.assertIn("try again", body.decode())
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        self.assertEqual(self.votes(), [])
        st, _, _ = self.vote({"slug": SLUG, "token": tok, "vote": "yes"})
        self.assertEqual(st, 200)


class CrashTest(unittest.TestCase):
    def test_sigkill_loses_no_answered_vote(self):
        site = Site(SITE)
        self.addCleanup(site.close)
        s = site.start("--vote-limit", "1000000")
        _, _, body = s.get("/a/" + SLUG)
        tok = re.search(r'name="token" value="([^"]+)"', body.decode()).group(1)
        answered = []
        lock = threading.Lock()
        stop = threading.Event()

        def voter(k):
            n = 0
            while not stop.is_set():
                n += 1
                comment = "crash t%d n%d" % (k, n)
                try:
                    st, _, b = s.post("/feedback", {"slug": SLUG, "token": tok, "vote": "no",
                                                    "comment": comment},
                                      {"User-Agent": "voter-%d-%d" % (k, n),
                                       "Accept": "application/json"})
                except Exception:  # noqa: BLE001 - the server died under us
                    return
                if st == 200 and json.loads(b).get("stored"):
                    with lock:
                        answered.append(comment)
        threads = [threading.Thread(target=voter, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        self.assertGreater(len(answered), 5)
        s = site.start()      # opens (and checks) the database again
        stored = {r[0] for r in rows(site.db, "SELECT comment FROM votes")}
        self.assertEqual([c for c in answered if c not in stored], [])
        self.assertEqual(rows(site.db, "PRAGMA integrity_check"), [("ok",)])


if __name__ == "__main__":
    e2e.main()

"""daleel-serve end to end: start-up and options, the pages in English and
Arabic (right article first, lang/dir, highlights, did-you-mean, facets,
pagination, translations), static files, HTTP caching and compression,
HEAD, the access log, a clean stop, and a reindex while serving.

The helpers at the top (Site) are shared by test_api, test_security,
test_feedback and test_gaps.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

import daleel_e2e as e2e

ARTICLES = os.path.join(e2e.SRC, "articles")
SITE = os.path.join(e2e.FIXTURES, "site")
ADMIN = "admin-token-for-tests"
AGENT = "agent-token-for-tests"


def q(s):
    return urllib.parse.quote(s, safe="")


class Site:
    """A temporary folder with an index of 'articles' and a server on it.
    Use from setUpClass: Site(ARTICLES).start(); site.close() at the end."""

    def __init__(self, articles, copy=False):
        self.dir = tempfile.mkdtemp(prefix="daleel-serve-")
        self.articles = articles
        if copy:
            self.articles = os.path.join(self.dir, "articles")
            shutil.copytree(articles, self.articles)
        self.index = os.path.join(self.dir, "index")
        e2e.index(self.articles, self.index)
        self.server = None

    def start(self, *args):
        self.server = e2e.Server(self.index, "--admin-token", ADMIN,
                                 "--agent-token", AGENT, *args)
        self.server.start()
        return self.server

    def restart(self, *args):
        self.stop()
        return self.start(*args)

    def stop(self):
        if self.server:
            self.server.stop()
            self.server = None

    @property
    def db(self):
        return os.path.join(self.dir, "feedback.db")

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, True)


def text(body):
    return body.decode("utf-8")


def first_result_href(html):
    m = re.search(r'<h2 class="result-title"><a href="([^"]+)"', html)
    return m.group(1).replace("&amp;", "&") if m else None


def result_slugs(html):
    return [m.group(1) for m in
            re.finditer(r'<h2 class="result-title"><a href="/a/([^"?#]+)', html)]


class StartTest(unittest.TestCase):
    def test_help_and_version(self):
        r = e2e.run([e2e.program("daleel-serve"), "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--index DIR", r.stdout)
        self.assertIn("--max-conn-per-ip", r.stdout)
        r = e2e.run([e2e.program("daleel-serve"), "--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^daleel-serve \d+\.\d+\.\d+\n$")

    def test_installed_binary_uses_installed_templates(self):
        """meson install --destdir, then the installed daleel-serve, run from
        another folder, serves the installed templates, not the checkout's.
        The data folder is compiled in (prefix/datadir), so a private mount
        namespace puts DESTDIR's copy there; skipped where that is refused."""
        meson = shutil.which("meson")
        unshare = shutil.which("unshare")
        if not meson or not unshare:
            self.skipTest("meson or unshare is missing")
        import json
        with open(os.path.join(e2e.BUILD, "meson-info", "intro-buildoptions.json")) as f:
            opts = {o["name"]: o["value"] for o in json.load(f)}
        share = os.path.join(opts["prefix"], opts["datadir"])
        if not os.path.isdir(share):
            self.skipTest(share + " does not exist to mount over")
        probe = e2e.run([unshare, "--mount", "--map-root-user", "sh", "-c",
                         'mount --bind "$1" "$2"', "sh", tempfile.gettempdir(), share])
        if probe.returncode != 0:
            self.skipTest("no private mount namespace here: " + probe.stderr.strip())
        d = e2e.tmpdir(self)
        dest = os.path.join(d, "dest")
        r = e2e.run([meson, "install", "-C", e2e.BUILD, "--no-rebuild", "--quiet",
                     "--destdir", dest])
        self.assertEqual(r.returncode, 0, r.stderr)
        installed = dest + os.path.join(opts["prefix"], opts["bindir"], "daleel-serve")
        data = dest + share
        footer = os.path.join(data, "daleel", "templates", "footer.html")
        with open(footer, "a") as f:
            f.write("<!-- installed copy -->\n")
        idx = os.path.join(d, "index")
        e2e.index(SITE, idx)
        env = dict(os.environ, INSTALLED=installed)
        script = 'mount --bind "$1" "$2" && shift 3 && cd / && exec "$INSTALLED" "$@"'
        with e2e.Server(idx, env=env, wrapper=[unshare, "--mount", "--map-root-user",
                                               "sh", "-c", script, "sh", data, share]) as s:
            _, _, body = s.get("/")
            self.assertIn("<!-- installed copy -->", text(body))
            st, _, _ = s.get("/static/style.css")
            self.assertEqual(st, 200)
        # The build folder's binary keeps using the checkout's templates.
        with e2e.Server(idx) as s:
            self.assertNotIn("<!-- installed copy -->", text(s.get("/")[2]))

    def test_bad_option(self):
        r = e2e.run([e2e.program("daleel-serve"), "--threads", "zero"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--threads", r.stderr)

    def test_missing_index_refuses_to_start(self):
        d = e2e.tmpdir(self)
        r = e2e.run([e2e.program("daleel-serve"), "--index",
                     os.path.join(d, "nothing"), "--listen",
                     "127.0.0.1:%d" % e2e.free_port()], timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("daleel-index", r.stderr)
        self.assertIn("nothing", r.stderr)

    def test_defaults_and_random_admin_token(self):
        """No --templates, no --feedback-db, no --admin-token: templates are
        found in the source tree, feedback.db lands beside the index, and a
        random admin token is printed once."""
        d = e2e.tmpdir(self)
        idx = os.path.join(d, "index")
        e2e.index(SITE, idx)
        t0 = time.time()
        with e2e.Server(idx) as s:
            started = time.time() - t0
            st, h, body = s.get("/")
            self.assertEqual(st, 200)
            self.assertTrue(os.path.exists(os.path.join(d, "feedback.db")))
            m = re.search(r"admin token for /gaps[^:]*: (\S+)", s.output())
            self.assertIsNotNone(m, s.output())
            st, _, _ = s.get("/gaps.json")
            self.assertEqual(st, 401)
            st, _, _ = s.get("/gaps.json", {"Authorization": "Bearer " + m.group(1)})
            self.assertEqual(st, 200)
        self.assertLess(started, 5.0)

    def test_sigterm_finishes_request_in_flight(self):
        d = e2e.tmpdir(self)
        idx = os.path.join(d, "index")
        e2e.index(SITE, idx)
        s = e2e.Server(idx, "--admin-token", ADMIN).start()
        # A POST whose body arrives after the signal: the request is in
        # flight when SIGTERM comes, and must still be answered.
        c = socket.create_connection(("127.0.0.1", s.port))
        body = b"q=x&lang=en"
        c.sendall(b"POST /gap HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
                  % len(body))
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        c.sendall(body)
        c.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        c.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 403"), data[:200])
        self.assertEqual(s.proc.wait(20), 0)
        self.assertIn("stopped", s.output())


class PagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site(ARTICLES)
        cls.s = cls.site.start()

    @classmethod
    def tearDownClass(cls):
        cls.site.close()

    def get(self, path, headers=None):
        return self.s.get(path, headers)

    def test_home_english_and_arabic(self):
        st, h, body = self.get("/")
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "text/html; charset=utf-8")
        html = text(body)
        self.assertIn('<html lang="en" dir="ltr">', html)
        self.assertIn('href="/search?lang=en&amp;category=returns"', html)
        st, h, body = self.get("/?lang=ar")
        html = text(body)
        self.assertIn('<html lang="ar" dir="rtl">', html)
        self.assertIn("<title>مركز مساعدة سوق دليل</title>", html)
        self.assertIn('<bdi>الإرجاع والاسترداد</bdi>', html)   # site.yaml

    def test_home_newest_articles_before_any_votes(self):
        # No votes yet: the newest articles of the page's language instead,
        # under their own heading, with localized dates.
        for lang, title, date in (("en", "Recently updated articles", "12 October 2026"),
                                  ("ar", "أحدث المقالات تحديثًا", "12 أكتوبر 2026")):
            html = text(self.get("/?lang=" + lang)[2])
            self.assertNotIn('id="popular-title"', html)
            self.assertIn('<h2 id="newest-title">%s</h2>' % title, html)
            section = html[html.index('id="newest-title"'):]
            section = section[:section.index("</section>")]
            links = re.findall(r'<li lang="(\w+)"><a href="(/a/[^"]+)"', section)
            self.assertEqual(len(links), 5, section)
            self.assertTrue(all(l == lang and u.startswith("/a/%s/" % lang)
                                for l, u in links), links)
            self.assertIn('<time class="updated" datetime="2026-10-12">%s</time>' % date,
                          section)

    def test_article_date_localized(self):
        html = text(self.get("/a/ar/returns/refund-times")[2])
        self.assertRegex(html, r'<time datetime="\d{4}-\d\d-\d\d">\d{1,2} '
                               r'(يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|'
                               r'سبتمبر|أكتوبر|نوفمبر|ديسمبر) \d{4}</time>')
        html = text(self.get("/a/en/returns/refund-times")[2])
        self.assertRegex(html, r'<time datetime="(\d{4})-\d\d-\d\d">\d{1,2} [A-Z][a-z]+ \1</time>')

    def test_home_follows_accept_language(self):
        _, _, body = self.get("/", {"Accept-Language": "fr;q=1, ar;q=0.8, en;q=0.5"})
        self.assertIn('<html lang="ar" dir="rtl">', text(body))
        _, _, body = self.get("/", {"Accept-Language": "ar;q=0.2, en"})
        self.assertIn('<html lang="en" dir="ltr">', text(body))

    def test_search_english_right_article_first(self):
        st, h, body = self.get("/search?q=" + q("refund times"))
        self.assertEqual(st, 200)
        html = text(body)
        self.assertEqual(result_slugs(html)[0], "en/returns/refund-times")
        self.assertIn('<html lang="en" dir="ltr">', html)
        self.assertIn("<mark>refund</mark>", html.lower())
        # The result links carry the search for click logging.
        self.assertRegex(first_result_href(html), r"^/a/en/returns/refund-times\?s=\d+&r=1$")
        self.assertEqual(h["cache-control"], "no-store")

    def test_search_arabic_right_article_first(self):
        st, _, body = self.get("/search?q=" + q("استرداد المبلغ"))
        html = text(body)
        self.assertEqual(st, 200)
        self.assertEqual(result_slugs(html)[0], "ar/returns/refund-times")
        self.assertIn('<html lang="ar" dir="rtl">', html)
        self.assertIn("<mark>", html)

    def test_arabic_results_localized_names(self):
        # articles/site.yaml: category and site names in the page's language.
        _, _, body = self.get("/search?q=" + q("استرداد المبلغ"))
        html = text(body)
        self.assertIn("<title>استرداد المبلغ · مركز مساعدة سوق دليل</title>", html)
        self.assertIn('<a class="brand" href="/?lang=ar">مركز مساعدة سوق دليل</a>', html)
        self.assertIn('category=returns"><bdi>الإرجاع والاسترداد</bdi></a>', html)
        self.assertIn('<bdi>الدفع</bdi> <span class="count">', html)   # facets
        self.assertNotIn("<bdi>returns</bdi>", html)
        _, _, body = self.get("/a/ar/returns/refund-times")
        html = text(body)
        self.assertIn('category=returns"><bdi>الإرجاع والاسترداد</bdi></a></li>', html)
        _, _, body = self.get("/search?q=refund&lang=en")
        self.assertIn("<title>refund · Souq Daleel Help Center</title>", text(body))
        _, _, body = self.get("/opensearch.xml?lang=ar")
        self.assertIn("<ShortName>مركز مساعدة سوق دليل</ShortName>", text(body))

    def test_category_browse_heading(self):
        html = text(self.get("/search?lang=ar&category=returns")[2])
        self.assertIn('<h1 class="results-title"><bdi>الإرجاع والاسترداد</bdi></h1>', html)
        self.assertIn("<title>الإرجاع والاسترداد · مركز مساعدة سوق دليل</title>", html)
        self.assertNotIn("اكتب سؤالك أو بضع كلمات في مربع البحث.", html)

    def test_result_link_readable_iri_copy_encoded(self):
        _, _, body = self.get("/search?q=" + q("استرداد المبلغ"))
        html = text(body)
        m = re.search(r'<p class="result-link"><bdi class="url" dir="ltr">([^<]+)</bdi>\s*'
                      r'<button type="button" class="copy" data-url="([^"]+)"', html)
        self.assertIsNotNone(m)
        shown, copied = m.group(1), m.group(2)
        self.assertTrue(shown.endswith("/a/ar/returns/refund-times#كم-يستغرق-استرداد-المبلغ"), shown)
        self.assertNotIn("%", shown)
        self.assertTrue(copied.endswith("/a/ar/returns/refund-times#" + q("كم-يستغرق-استرداد-المبلغ")),
                        copied)
        self.assertEqual(urllib.parse.unquote(copied), shown)
        self.assertIn("(" + copied + ")", html)   # the Markdown link, encoded too

    def test_arabic_query_on_english_page_finds_arabic(self):
        # The header form sends the page's language; an Arabic query wins.
        _, _, body = self.get("/search?lang=en&q=" + q("استرداد"))
        slugs = result_slugs(text(body))
        self.assertTrue(slugs and slugs[0].startswith("ar/"), slugs)

    def test_did_you_mean(self):
        _, _, body = self.get("/search?q=" + q("refnd"))
        html = text(body)
        self.assertRegex(html, r'(Did you mean|Showing results for) <a href="/search\?q=refund')

    def test_facets_and_category_filter(self):
        _, _, body = self.get("/search?q=refund&lang=en")
        html = text(body)
        self.assertIn('<nav class="facets"', html)
        self.assertIn('href="/search?q=refund&amp;lang=en&amp;category=returns"', html)
        _, _, body = self.get("/search?q=refund&lang=en&category=returns")
        html = text(body)
        slugs = result_slugs(html)
        self.assertTrue(slugs)
        self.assertTrue(all(s.startswith("en/returns/") for s in slugs), slugs)
        # site.yaml names the folder.
        self.assertIn('<span aria-current="true"><bdi>Returns and refunds</bdi>', html)

    def test_language_filter(self):
        _, _, body = self.get("/search?q=refund&lang=en")
        self.assertTrue(all(s.startswith("en/") for s in result_slugs(text(body))))

    def test_pagination(self):
        _, _, body = self.get("/search?q=order&lang=en")
        html = text(body)
        self.assertIn('<nav class="pagination"', html)
        self.assertIn('rel="next"', html)
        first = result_slugs(html)
        self.assertEqual(len(first), 10)
        _, _, body = self.get("/search?q=order&lang=en&page=2")
        html2 = text(body)
        second = result_slugs(html2)
        self.assertTrue(second)
        self.assertFalse(set(first) & set(second))
        self.assertIn('<ol class="results" start="11">', html2)
        self.assertIn('rel="prev"', html2)

    def test_category_browse_without_query(self):
        _, _, body = self.get("/search?category=returns&lang=en")
        slugs = result_slugs(text(body))
        self.assertIn("en/returns/refund-times", slugs)
        self.assertTrue(all(s.startswith("en/returns/") for s in slugs))
        self.assertNotIn("en/returns/goodwill-refund", slugs)  # internal

    def test_empty_search(self):
        st, _, body = self.get("/search")
        self.assertEqual(st, 200)
        self.assertIn("Type a question", text(body))

    def test_article_english_with_translation(self):
        st, h, body = self.get("/a/en/returns/refund-times")
        self.assertEqual(st, 200)
        html = text(body)
        self.assertIn('<html lang="en" dir="ltr">', html)
        self.assertIn('<h1 id="article-title">Refund times', html)
        self.assertIn('href="/a/ar/returns/refund-times" lang="ar" hreflang="ar"', html)
        self.assertIn('<link rel="canonical" href="http://127.0.0.1:%d/a/en/returns/refund-times">'
                      % self.s.port, html)
        self.assertIn('<nav class="toc"', html)
        self.assertIn('<form class="fb-form" method="post" action="/feedback"', html)
        self.assertIn('<section class="related"', html)
        self.assertIn("etag", h)

    def test_article_arabic_is_rtl(self):
        _, _, body = self.get("/a/ar/returns/refund-times")
        html = text(body)
        self.assertIn('<html lang="ar" dir="rtl">', html)
        self.assertIn('<article class="article" lang="ar" dir="rtl"', html)
        self.assertIn('href="/a/en/returns/refund-times" lang="en"', html)

    def test_click_redirects_to_clean_url(self):
        _, _, body = self.get("/search?q=" + q("refund times"))
        href = first_result_href(text(body))
        st, h, _ = self.get(href)
        self.assertEqual(st, 302)
        self.assertEqual(h["location"], "/a/en/returns/refund-times")
        self.assertIn("daleel_s=", h.get("set-cookie", ""))
        self.assertIn("HttpOnly", h.get("set-cookie", ""))

    def test_click_to_missing_article_is_404(self):
        st, h, body = self.get("/a/en/returns/refund-timez?s=1&r=2")
        self.assertEqual(st, 404)
        self.assertNotIn("set-cookie", h)
        self.assertNotIn("location", h)
        self.assertIn('value="returns refund timez"', text(body))

    def test_missing_article_offers_search(self):
        st, _, body = self.get("/a/en/returns/refund-timez")
        self.assertEqual(st, 404)
        html = text(body)
        self.assertIn('href="/search?q=returns%20refund%20timez"', html)
        self.assertIn('value="returns refund timez"', html)

    def test_unknown_path_404_page(self):
        st, h, body = self.get("/no/such/page")
        self.assertEqual(st, 404)
        self.assertEqual(h["content-type"], "text/html; charset=utf-8")
        self.assertIn('<form class="search-form search-big"', text(body))
        self.assertNotIn('id="q-top"', text(body))   # one search form, not two

    def test_arabic_404(self):
        st, _, body = self.get("/a/ar/nothing-here")
        self.assertEqual(st, 404)
        self.assertIn('<html lang="ar" dir="rtl">', text(body))

    def test_opensearch(self):
        st, h, body = self.get("/opensearch.xml?lang=ar")
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"],
                         "application/opensearchdescription+xml; charset=utf-8")
        self.assertIn("search?q={searchTerms}&amp;lang=ar", text(body))

    def test_static_file_etag_and_304(self):
        st, h, body = self.get("/static/style.css")
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "text/css; charset=utf-8")
        self.assertIn("max-age", h["cache-control"])
        etag = h["etag"]
        st, h2, body2 = self.get("/static/style.css", {"If-None-Match": etag})
        self.assertEqual(st, 304)
        self.assertEqual(body2, b"")
        self.assertEqual(h2["etag"], etag)

    def test_article_etag_and_304(self):
        st, h, _ = self.get("/a/en/returns/refund-times")
        st, _, body = self.get("/a/en/returns/refund-times",
                               {"If-None-Match": 'W/"nope", ' + h["etag"]})
        self.assertEqual(st, 304)
        self.assertEqual(body, b"")

    def test_gzip(self):
        st, h, body = self.get("/a/en/returns/refund-times", {"Accept-Encoding": "gzip"})
        self.assertEqual(st, 200)
        self.assertEqual(h.get("content-encoding"), "gzip")
        self.assertEqual(h.get("vary"), "Accept-Encoding")
        html = gzip.decompress(body).decode()
        self.assertIn("Refund times", html)
        st, h, body = self.get("/static/style.css", {"Accept-Encoding": "br, gzip;q=0.5"})
        self.assertEqual(h.get("content-encoding"), "gzip")
        gzip.decompress(body)
        st, h, body = self.get("/a/en/returns/refund-times",
                               {"Accept-Encoding": "gzip;q=0, identity"})
        self.assertNotIn("content-encoding", h)

    def test_head(self):
        st, h, body = self.s.request("HEAD", "/a/en/returns/refund-times")
        self.assertEqual(st, 200)
        self.assertEqual(body, b"")
        _, hg, bg = self.get("/a/en/returns/refund-times")
        self.assertEqual(h["content-length"], str(len(bg)))
        self.assertEqual(h["etag"], hg["etag"])

    def test_security_headers_everywhere(self):
        for path in ("/", "/search?q=x", "/static/style.css", "/nope",
                     "/api/search?q=x", "/a/en/returns/refund-times"):
            _, h, _ = self.get(path)
            self.assertEqual(h["content-security-policy"],
                             "default-src 'self'; script-src 'self'; style-src 'self'; "
                             "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                             "frame-ancestors 'none'; form-action 'self'", path)
            self.assertEqual(h["x-content-type-options"], "nosniff")
            self.assertEqual(h["x-frame-options"], "DENY")
            self.assertEqual(h["referrer-policy"], "strict-origin-when-cross-origin")

    def test_access_log_line(self):
        self.get("/search?q=secret+words&lang=en")
        time.sleep(0.1)
        out = self.s.output()
        m = re.search(r'127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                      r'"GET /search\?q&lang HTTP/1\.1" 200 \d+ \d+\.\d\dms', out)
        self.assertIsNotNone(m, out[-2000:])
        self.assertNotIn("secret", out)

    def test_keep_alive(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=5)
        for _ in range(3):
            c.request("GET", "/static/style.css")
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            self.assertNotEqual(r.getheader("Connection"), "close")
        c.close()


class ReindexTest(unittest.TestCase):
    def test_reindex_while_serving(self):
        site = Site(SITE, copy=True)
        self.addCleanup(site.close)
        s = site.start()
        failures = []
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                for path in ("/search?q=refund", "/api/search?q=password",
                             "/a/en/returns/refund"):
                    try:
                        st, _, _ = s.get(path)
                        if st != 200:
                            failures.append((path, st))
                    except Exception as e:  # noqa: BLE001
                        failures.append((path, repr(e)))
        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            e2e.write(os.path.join(site.articles, "en", "returns", "quokka.md"),
                      "---\ntitle: Returning a quokka plush\nupdated: 2026-11-01\n---\n\n"
                      "A quokka plush can be returned within thirty days.\n")
            e2e.index(site.articles, site.index)
            deadline = time.time() + 10
            found = False
            while time.time() < deadline and not found:
                _, _, body = s.get("/search?q=quokka")
                found = "en/returns/quokka" in text(body)
                time.sleep(0.1)
            self.assertTrue(found, "the new article never appeared")
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(failures, [])

    def test_site_names_follow_a_reindex(self):
        site = Site(SITE, copy=True)
        self.addCleanup(site.close)
        s = site.start()
        _, _, body = s.get("/?lang=en")
        self.assertIn("<title>Help Center</title>", text(body))   # no site.yaml
        e2e.write(os.path.join(site.articles, "site.yaml"),
                  "name: {en: Quokka Help, ar: مساعدة الكوكا}\n")
        e2e.index(site.articles, site.index)
        deadline = time.time() + 10
        html = ""
        while time.time() < deadline and "<title>Quokka Help</title>" not in html:
            time.sleep(0.1)
            html = text(s.get("/?lang=en")[2])
        self.assertIn("<title>Quokka Help</title>", html)


if __name__ == "__main__":
    e2e.main()

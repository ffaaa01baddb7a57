"""The request mix for tests/valgrind/run: every handler once or more,
with the server under valgrind.  SPDX-License-Identifier: GPL-2.0-or-later"""
import os
import re
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
os.environ.setdefault("DALEEL_BUILD", os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build-test"))
import daleel_e2e as e2e  # noqa: E402

REQUESTS = [
    ("GET", "/"), ("GET", "/?lang=ar"), ("GET", "/search?q=refund"),
    ("GET", "/search?q=%D8%A7%D8%B3%D8%AA%D8%B1%D8%AF%D8%A7%D8%AF"),
    ("GET", "/search?q=refnd"), ("GET", "/search?q=%3Cscript%3E"),
    ("GET", "/search?q=password&page=2"), ("GET", "/api/search?q=order&limit=3"),
    ("GET", "/api/suggest?q=ref"), ("GET", "/api/articles/en/returns/refund-times"),
    ("GET", "/a/en/returns/refund-times"), ("GET", "/a/ar/returns/refund-times"),
    ("GET", "/a/nope"), ("GET", "/static/style.css"), ("GET", "/static/../x"),
    ("GET", "/search?q=%ff"), ("GET", "/search?q=" + "a" * 1200),
    ("DELETE", "/"), ("HEAD", "/"), ("GET", "/gaps"), ("GET", "/opensearch.xml"),
]


def main():
    d = tempfile.mkdtemp(prefix="daleel-vg-")
    try:
        idx = os.path.join(d, "index")
        e2e.index(os.path.join(e2e.SRC, "articles"), idx)
        log = os.path.join(d, "vg.log")
        wrapper = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                   "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
                   "--log-file=" + log]
        srv = e2e.Server(idx, "--threads", "2", "--feedback-db", os.path.join(d, "fb.db"),
                         wrapper=wrapper)
        srv.start(timeout=120)
        statuses = []
        for _ in range(2):
            for method, path in REQUESTS:
                st, _, _ = srv.request(method, path, timeout=60)
                statuses.append(st)
        st, _, body = srv.get("/a/en/returns/refund-times")
        m = re.search(rb'name="token" value="([^"]+)"', body)
        if m:
            srv.post("/feedback", {"slug": "en/returns/refund-times", "helpful": "no",
                                   "reason": "outdated", "comment": "x", "token": m.group(1).decode()})
        rc = srv.stop(timeout=120)
        text = open(log).read()
        errors = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
        ok = rc == 0 and errors and errors[-1] == "0" and all(s < 500 for s in statuses)
        if not ok:
            print(text[-6000:])
            print("server exit code %s, statuses %s" % (rc, statuses))
        leaks = re.findall(r"(definitely|indirectly) lost: ([0-9,]+) bytes", text)
        print("valgrind: %d requests (statuses %s), exit %s, %s errors, leaks %s"
              % (len(statuses) + 2, sorted(set(statuses)), rc,
                 errors[-1] if errors else "?", leaks or "none"))
        print("%d passed, %d failed" % ((1, 0) if ok else (0, 1)))
        return 0 if ok else 1
    finally:
        shutil.rmtree(d, True)


if __name__ == "__main__":
    sys.exit(main())

"""Shared helpers of the end-to-end tests: run the real daleel-index, start
the real daleel-serve on a free 127.0.0.1 port, talk HTTP to it.

Python standard library only.  Each test file is a unittest module whose
`if __name__ == "__main__": daleel_e2e.main()` prints "N passed, N failed"
(and skipped) as its last line, which .ci/run adds up.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SRC = os.environ.get("DALEEL_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("DALEEL_BUILD") or os.path.join(SRC, "build")
FIXTURES = os.path.join(SRC, "tests", "fixtures")
# The shared corpora sit beside the checkout; a fresh clone has none.
CORPORA = os.path.abspath(os.path.join(SRC, "..", "shared", "corpora"))


def program(name):
    """Path of a built program (daleel-index, daleel-serve, ...)."""
    for sub in ("indexer", "server", "tools"):
        p = os.path.join(BUILD, sub, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(name + " is not built in " + BUILD)


def tmpdir(test):
    """A temporary directory removed when 'test' ends."""
    d = tempfile.mkdtemp(prefix="daleel-e2e-")
    test.addCleanup(shutil.rmtree, d, True)
    return d


def run(args, **kw):
    """Run a command; return CompletedProcess with text stdout/stderr."""
    kw.setdefault("timeout", 300)
    return subprocess.run(args, capture_output=True, text=True, **kw)


def index(articles, index_dir, *extra, check=True):
    """Run daleel-index on 'articles' into 'index_dir'."""
    r = run([program("daleel-index"), "--articles", articles,
             "--index", index_dir, "--quiet", *extra])
    if check and r.returncode != 0:
        raise AssertionError("daleel-index failed (%d):\n%s%s"
                             % (r.returncode, r.stdout, r.stderr))
    return r


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """daleel-serve on a free 127.0.0.1 port.  Use as a context manager or
    call start()/stop().  Extra command-line arguments pass through."""

    def __init__(self, index_dir, *args, env=None, wrapper=()):
        self.index_dir = index_dir
        self.args = list(args)
        self.env = env
        self.wrapper = list(wrapper)
        self.port = None
        self.proc = None
        self.log = None

    def start(self, timeout=20):
        self.port = free_port()
        self.log = tempfile.TemporaryFile(mode="w+")
        cmd = self.wrapper + [program("daleel-serve"), "--index", self.index_dir,
                              "--listen", "127.0.0.1:%d" % self.port] + self.args
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("daleel-serve exited with %d:\n%s"
                                     % (self.proc.returncode, self.output()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("daleel-serve did not answer:\n" + self.output())

    def output(self):
        if not self.log:
            return ""
        self.log.seek(0)
        return self.log.read()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stop the server we started (by its PID); return its exit code."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, headers=None, timeout=10):
        """One HTTP request; returns (status, headers dict lower-cased, body bytes)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = dict(headers or {})
            if isinstance(body, str):
                body = body.encode()
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, form=None, headers=None):
        import urllib.parse
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        body = urllib.parse.urlencode(form or {})
        return self.request("POST", path, body=body, headers=h)


def write(path, text):
    """Write 'text' (str or bytes) to 'path', creating folders."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(path, mode) as f:
        f.write(text)


class _Result(unittest.TextTestResult):
    pass


def main():
    """Run the calling module's tests; print 'N passed, N failed' last.

    A test counts once: it fails when it or any of its subtests failed
    (unittest reports each failed subtest separately)."""
    prog = unittest.main(module="__main__", exit=False, verbosity=2,
                         testRunner=unittest.TextTestRunner(
                             stream=sys.stdout, verbosity=2, resultclass=_Result))
    r = prog.result
    bad = set()
    for test, _ in r.failures + r.errors:
        bad.add(getattr(test, "test_case", test).id())
    for test in r.unexpectedSuccesses:
        bad.add(test.id())
    failed = len(bad)
    skipped = len(r.skipped)
    passed = max(r.testsRun - failed - skipped, 0)
    sys.stdout.flush()
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    sys.exit(1 if failed or r.testsRun == 0 else 0)

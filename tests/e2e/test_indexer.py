"""End-to-end tests of daleel-index: a folder of Markdown articles -> a
Xapian index.  Each test builds its articles in a temporary folder, runs the
real program and checks the index with Xapian's own tools (xapian-delve,
xapian-check, xapian-metadata from xapian-tools), so the tests do not trust
the code they test to read back what it wrote.

SPDX-License-Identifier: GPL-2.0-or-later
"""
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daleel_e2e as e2e  # noqa: E402

SUMMARY = re.compile(
    r"^indexed (\d+) articles: (\d+) added, (\d+) updated, (\d+) removed, "
    r"(\d+) unchanged, (\d+) errors in (\d+\.\d\d) s$")

HAVE_XAPIAN_TOOLS = shutil.which("xapian-delve") and shutil.which("xapian-check")


def article(title, body="Some text about the store.", **front):
    """Markdown text of one article, with front matter when given."""
    fm = ""
    if front:
        fm = "---\n" + "".join("%s: %s\n" % kv for kv in front.items()) + "---\n"
    return "%s# %s\n\n%s\n" % (fm, title, body)


def delve(index_dir, *args):
    r = e2e.run(["xapian-delve", *args, index_dir])
    if r.returncode != 0:
        raise AssertionError("xapian-delve %s failed: %s" % (args, r.stderr))
    return r.stdout


def doccount(index_dir):
    return int(re.search(r"number of documents = (\d+)", delve(index_dir)).group(1))


def revision(index_dir):
    return int(re.search(r"revision = (\d+)", delve(index_dir)).group(1))


def terms(index_dir, prefix):
    """The set of terms with 'prefix' in the index."""
    out = delve(index_dir, "-1", "-A", prefix)
    return {t for t in out.splitlines()[1:] if t}


def slugs(index_dir):
    return {t[1:] for t in terms(index_dir, "Q")}


def docid_of(index_dir, term):
    out = delve(index_dir, "-1", "-t", term)
    ids = [int(x) for x in out.splitlines()[1:] if x.strip().isdigit()]
    if len(ids) != 1:
        raise AssertionError("term %r is in %d documents" % (term, len(ids)))
    return ids[0]


def data_of(index_dir, slug):
    """The JSON document data of the article 'slug'."""
    out = delve(index_dir, "-r", str(docid_of(index_dir, "Q" + slug)), "-d")
    m = re.search(r"^Data for record #\d+:\n(.*)$", out, re.S | re.M)
    return json.loads(m.group(1).strip().splitlines()[0])


def meta(index_dir, key):
    r = e2e.run(["xapian-metadata", "get", index_dir, key])
    return r.stdout.rstrip("\n")


def analyzer_version():
    """DALEEL_ANALYZER_VERSION, as include/daleel/text.h defines it."""
    with open(os.path.join(e2e.SRC, "include", "daleel", "text.h")) as f:
        return re.search(r"^#define DALEEL_ANALYZER_VERSION (\d+)$", f.read(),
                         re.M).group(1)


def table_items(index_dir, table):
    """Entries of one table (spelling, synonym) by xapian-check."""
    out = e2e.run(["xapian-check", index_dir]).stdout
    m = re.search(r"^%s:\n(?:blocksize=\S+ items=(\d+)|Lazily created)" % table,
                  out, re.M)
    return int(m.group(1)) if m and m.group(1) else 0


def check_ok(index_dir):
    r = e2e.run(["xapian-check", index_dir])
    if r.returncode != 0 or "No errors found" not in r.stdout:
        raise AssertionError("xapian-check:\n" + r.stdout + r.stderr)


def indexer(articles, index_dir, *extra, quiet=False, wrapper=()):
    args = list(wrapper) + [e2e.program("daleel-index"), "--articles", articles,
                            "--index", index_dir]
    if quiet:
        args.append("--quiet")
    return e2e.run(args + list(extra))


def summary(r):
    """The summary line of a run as a dict, checking its format."""
    lines = r.stdout.strip().splitlines()
    if not lines:
        raise AssertionError("no summary; stderr:\n" + r.stderr)
    m = SUMMARY.match(lines[-1])
    if not m:
        raise AssertionError("bad summary line %r" % lines[-1])
    keys = ("articles", "added", "updated", "removed", "unchanged", "errors")
    return dict(zip(keys, map(int, m.groups()[:6])))


def generate(folder, n, variant="", start=0):
    """'n' small articles under 'folder' (en/ and ar/ halves)."""
    for i in range(start, start + n):
        lang = "ar" if i % 2 else "en"
        if lang == "en":
            text = article("Topic %d %s" % (i, variant),
                           "How to manage order %d and its refund %s.\n\n"
                           "## Details\n\nShipping takes %d days.\n"
                           % (i, variant, i % 9))
        else:
            text = article("الموضوع %d %s" % (i, variant),
                           "كيفية إدارة الطلب %d واسترداد المبلغ %s.\n\n"
                           "## التفاصيل\n\nيستغرق الشحن %d أيام.\n"
                           % (i, variant, i % 9))
        e2e.write(os.path.join(folder, lang, "group%d" % (i % 10),
                               "topic-%d.md" % i), text)


@unittest.skipUnless(HAVE_XAPIAN_TOOLS, "xapian-tools is not installed")
class Basics(unittest.TestCase):
    def setUp(self):
        self.tmp = e2e.tmpdir(self)
        self.art = os.path.join(self.tmp, "articles")
        self.idx = os.path.join(self.tmp, "index")
        e2e.write(os.path.join(self.art, "en", "account", "reset-password.md"),
                  article("Reset your password",
                          "Open **Settings** and choose *Reset password*."))
        e2e.write(os.path.join(self.art, "en", "orders", "track.md"),
                  article("Track an order", "Your order ships in two days."))
        e2e.write(os.path.join(self.art, "ar", "account", "reset-password.md"),
                  article("إعادة تعيين كلمة المرور",
                          "افتح الإعدادات ثم اختر إعادة تعيين كلمة المرور."))
        # Not articles: skipped silently.
        e2e.write(os.path.join(self.art, ".git", "x.md"), article("Hidden"))
        e2e.write(os.path.join(self.art, "node_modules", "pkg", "README.md"),
                  article("A package"))
        os.symlink("root@host.1234", os.path.join(self.art, "en", ".#track.md"))
        e2e.write(os.path.join(self.art, "en", "._track.md"), b"\x00\x05\x16\x07")
        e2e.write(os.path.join(self.art, "en", "notes.txt"), "not markdown")
        e2e.write(os.path.join(self.art, "en", "includes", "banner.md"),
                  "A DocFX fragment, pulled into pages by [!include].\n")

    def test_first_run_indexes_everything(self):
        r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertEqual(summary(r), dict(articles=3, added=3, updated=0,
                                          removed=0, unchanged=0, errors=0))
        self.assertEqual(doccount(self.idx), 3)
        self.assertEqual(slugs(self.idx), {"en/account/reset-password",
                                           "en/orders/track",
                                           "ar/account/reset-password"})
        check_ok(self.idx)
        self.assertEqual(meta(self.idx, "analyzer_version"),
                         analyzer_version())
        self.assertEqual(meta(self.idx, "article_count"), "3")
        self.assertRegex(meta(self.idx, "built_at"),
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        d = data_of(self.idx, "ar/account/reset-password")
        self.assertEqual(d["title"], "إعادة تعيين كلمة المرور")
        self.assertEqual(d["lang"], "ar")
        self.assertEqual(d["path"], "ar/account/reset-password.md")
        self.assertIn("Lar", terms(self.idx, "L"))
        self.assertGreater(table_items(self.idx, "spelling"), 0)

    def test_unchanged_run_changes_nothing(self):
        indexer(self.art, self.idx)
        rev = revision(self.idx)
        built = meta(self.idx, "built_at")
        r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(summary(r), dict(articles=3, added=0, updated=0,
                                          removed=0, unchanged=3, errors=0))
        # No new revision: servers have nothing to reopen.
        self.assertEqual(revision(self.idx), rev)
        self.assertEqual(meta(self.idx, "built_at"), built)

    def test_touch_without_change_is_unchanged(self):
        indexer(self.art, self.idx)
        p = os.path.join(self.art, "en", "orders", "track.md")
        os.utime(p, (time.time() + 100, time.time() + 100))
        self.assertEqual(summary(indexer(self.art, self.idx))["unchanged"], 3)

    def test_add_change_delete_follow(self):
        indexer(self.art, self.idx)
        self.assertEqual(terms(self.idx, "parcel"), set())
        e2e.write(os.path.join(self.art, "en", "orders", "track.md"),
                  article("Track an order", "Follow your parcel online."))
        e2e.write(os.path.join(self.art, "en", "payment", "cards.md"),
                  article("Pay by card", "We take debit cards."))
        os.remove(os.path.join(self.art, "en", "account", "reset-password.md"))
        r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(summary(r), dict(articles=3, added=1, updated=1,
                                          removed=1, unchanged=1, errors=0))
        self.assertEqual(slugs(self.idx), {"en/orders/track", "en/payment/cards",
                                           "ar/account/reset-password"})
        self.assertEqual(terms(self.idx, "parcel"), {"parcel"})
        self.assertEqual(terms(self.idx, "ships"), set())
        self.assertEqual(meta(self.idx, "article_count"), "3")
        check_ok(self.idx)

    def test_slug_change_replaces_old_document(self):
        indexer(self.art, self.idx)
        e2e.write(os.path.join(self.art, "en", "orders", "track.md"),
                  article("Track an order", "Ships soon.", slug="track-order"))
        r = indexer(self.art, self.idx)
        self.assertEqual(summary(r)["updated"], 1)
        self.assertIn("track-order", slugs(self.idx))
        self.assertNotIn("en/orders/track", slugs(self.idx))
        self.assertEqual(doccount(self.idx), 3)

    def test_rename_keeping_slug_is_an_update(self):
        e2e.write(os.path.join(self.art, "en", "orders", "track.md"),
                  article("Track an order", "Ships soon.", slug="track-order"))
        indexer(self.art, self.idx)
        os.rename(os.path.join(self.art, "en", "orders", "track.md"),
                  os.path.join(self.art, "en", "orders", "tracking.md"))
        r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(summary(r), dict(articles=3, added=0, updated=1,
                                          removed=0, unchanged=2, errors=0))
        self.assertEqual(data_of(self.idx, "track-order")["path"],
                         "en/orders/tracking.md")

    def test_drafts_are_not_indexed_and_are_removed(self):
        e2e.write(os.path.join(self.art, "en", "new.md"),
                  article("Coming soon", draft="true"))
        indexer(self.art, self.idx)
        self.assertNotIn("en/new", slugs(self.idx))
        e2e.write(os.path.join(self.art, "en", "orders", "track.md"),
                  article("Track an order", draft="true"))
        r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(summary(r)["removed"], 1)
        self.assertNotIn("en/orders/track", slugs(self.idx))
        self.assertEqual(doccount(self.idx), 2)

    def test_full_rebuilds(self):
        indexer(self.art, self.idx)
        r = indexer(self.art, self.idx, "--full")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(summary(r), dict(articles=3, added=3, updated=0,
                                          removed=0, unchanged=0, errors=0))
        self.assertEqual(doccount(self.idx), 3)
        check_ok(self.idx)

    def test_quiet_prints_nothing(self):
        r = indexer(self.art, self.idx, quiet=True)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))

    def test_json(self):
        e2e.write(os.path.join(self.art, "en", "bad.md"), "no title here\n")
        r = indexer(self.art, self.idx, "--json")
        self.assertEqual(r.returncode, 1)
        o = json.loads(r.stdout)
        self.assertEqual(r.stdout.count("\n"), 1)
        for k, v in dict(articles=3, added=3, updated=0, removed=0,
                         unchanged=0, error_count=1).items():
            self.assertEqual(o[k], v, k)
        self.assertIsInstance(o["seconds"], float)
        self.assertEqual(len(o["errors"]), 1)
        e = o["errors"][0]
        self.assertEqual(e["path"], "en/bad.md")
        self.assertIn("title", e["message"])
        self.assertIn("line", e)
        # The error also went to stderr, for people.
        self.assertIn("en/bad.md", r.stderr)

    def test_defaults_are_relative_to_cwd(self):
        r = e2e.run([e2e.program("daleel-index"), "--quiet"], cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(doccount(self.idx), 3)

    def test_help_version_and_bad_usage(self):
        r = e2e.run([e2e.program("daleel-index"), "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--articles DIR", r.stdout)
        r = e2e.run([e2e.program("daleel-index"), "--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^daleel-index \d+\.\d+\.\d+")
        r = e2e.run([e2e.program("daleel-index"), "--bogus"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown argument '--bogus'", r.stderr)
        r = e2e.run([e2e.program("daleel-index"), "--articles"])
        self.assertEqual(r.returncode, 2)

    def test_progress_bar_only_on_a_terminal(self):
        r = indexer(self.art, self.idx)
        self.assertNotIn("indexing [", r.stderr)
        # stderr on a pseudo-terminal: the bar is drawn and cleared.
        master, slave = pty.openpty()
        p = subprocess.Popen([e2e.program("daleel-index"), "--articles", self.art,
                              "--index", self.idx, "--full"],
                             stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        out = b""
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        stdout = p.communicate(timeout=30)[0]
        os.close(master)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"indexing [", out)
        self.assertIn(b"3/3", out)
        self.assertNotIn(b"indexing", stdout)


@unittest.skipUnless(HAVE_XAPIAN_TOOLS, "xapian-tools is not installed")
class BadInput(unittest.TestCase):
    """Every bad article gets its message with file (and line), is skipped,
    and the rest are indexed: exit 1."""

    def setUp(self):
        self.tmp = e2e.tmpdir(self)
        self.art = os.path.join(self.tmp, "articles")
        self.idx = os.path.join(self.tmp, "index")
        e2e.write(os.path.join(self.art, "good.md"), article("A good article"))

    wrapper = ()

    def unprivileged(self):
        """Permissions only stop a user who is not root: as root (as in CI),
        run the indexer as 'nobody' through setpriv, or skip."""
        if os.geteuid() != 0:
            return
        if not shutil.which("setpriv"):
            self.skipTest("running as root without setpriv: chmod 000 does "
                          "not stop reads")
        self.wrapper = ("setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups", "--")
        probe = e2e.run(list(self.wrapper) + [e2e.program("daleel-index"),
                                              "--version"])
        if probe.returncode != 0:
            self.skipTest("running as root, and 'nobody' cannot run %s: %s"
                          % (e2e.program("daleel-index"), probe.stderr.strip()))
        os.chmod(self.tmp, 0o777)
        os.makedirs(self.idx, exist_ok=True)
        for d in (self.art, self.idx):
            for dirpath, dirnames, filenames in os.walk(d):
                os.chmod(dirpath, 0o777)
                for f in filenames:
                    os.chmod(os.path.join(dirpath, f), 0o666)

    def run_bad(self, files, expect_indexed=1):
        for name, content in files.items():
            e2e.write(os.path.join(self.art, name), content)
        r = indexer(self.art, self.idx, quiet=True, wrapper=self.wrapper)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("good", slugs(self.idx))
        self.assertEqual(doccount(self.idx), expect_indexed)
        return r.stderr

    def assertLine(self, stderr, pattern):
        """Some line of stderr matches 'pattern' (a regex, from the start)."""
        for line in stderr.splitlines():
            if re.match(pattern, line):
                return
        self.fail("no line matches %r in:\n%s" % (pattern, stderr))

    def test_malformed_yaml(self):
        err = self.run_bad({"yaml.md": "---\nslug: x\ntitle: a: b\n---\n# T\n"})
        self.assertLine(err, r"yaml\.md:3: .*YAML")

    def test_front_matter_not_a_mapping(self):
        err = self.run_bad({"list.md": "---\n- a\n- b\n---\n# T\n"})
        self.assertLine(err, r"list\.md:2: .*mapping")

    def test_unknown_lang(self):
        err = self.run_bad({"lang.md": "---\ntitle: T\nlang: fr\n---\nText.\n"})
        self.assertLine(err, r"lang\.md:3: .*fr")

    def test_invalid_utf8_gives_byte_offset(self):
        err = self.run_bad({"utf8.md": b"# Title\n\nabc \xff\xfe def\n"})
        self.assertLine(err, r"utf8\.md:(3:)? .*UTF-8.*\b13\b")

    def test_duplicate_slug_names_both_files(self):
        err = self.run_bad({"a.md": article("First", slug="same"),
                            "b.md": article("Second", slug="same")},
                           expect_indexed=2)
        self.assertLine(err, r"b\.md: duplicate slug 'same': a\.md already has it$")
        self.assertEqual(data_of(self.idx, "same")["title"], "First")

    def test_duplicate_slug_keeps_the_indexed_owner(self):
        e2e.write(os.path.join(self.art, "z.md"), article("Owner", slug="same"))
        indexer(self.art, self.idx, quiet=True)
        # A new file sorting before the owner still does not take its slug.
        err = self.run_bad({"a.md": article("Intruder", slug="same")},
                           expect_indexed=2)
        self.assertLine(err, r"a\.md: duplicate slug 'same': z\.md already has it$")
        self.assertEqual(data_of(self.idx, "same")["title"], "Owner")

    def test_no_title(self):
        err = self.run_bad({"untitled.md": "Just a paragraph.\n"})
        self.assertLine(err, r"untitled\.md(:\d+)?: .*title")

    def test_empty_file(self):
        err = self.run_bad({"empty.md": ""})
        self.assertLine(err, r"empty\.md: .*empty")

    def test_over_2_mib(self):
        err = self.run_bad({"big.md": "# Big\n\n" + "x" * (2 * 1024 * 1024)})
        self.assertLine(err, r"big\.md: file is over 2 MiB \(\d+ bytes\)$")

    def test_exactly_2_mib_is_fine(self):
        body = "# Big\n\n"
        text = body + ("word " * (2 * 1024 * 1024))[: 2 * 1024 * 1024 - len(body)]
        e2e.write(os.path.join(self.art, "big.md"), text)
        r = indexer(self.art, self.idx, quiet=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(doccount(self.idx), 2)

    def test_unreadable_file(self):
        p = os.path.join(self.art, "secret.md")
        e2e.write(p, article("Secret"))
        self.unprivileged()
        os.chmod(p, 0)
        self.addCleanup(os.chmod, p, 0o644)
        err = self.run_bad({})
        self.assertLine(err, r"secret\.md: cannot read: Permission denied$")

    def test_unreadable_folder_keeps_its_articles(self):
        sub = os.path.join(self.art, "sub")
        e2e.write(os.path.join(sub, "inner.md"), article("Inner"))
        self.unprivileged()
        r = indexer(self.art, self.idx, quiet=True, wrapper=self.wrapper)
        self.assertEqual(r.returncode, 0, r.stderr)
        os.chmod(sub, 0)
        self.addCleanup(os.chmod, sub, 0o755)
        err = self.run_bad({}, expect_indexed=2)
        self.assertLine(err, r"sub/: cannot open folder: Permission denied$")
        self.assertIn("sub/inner", slugs(self.idx))

    def test_fifo_is_refused_without_blocking(self):
        os.mkfifo(os.path.join(self.art, "pipe.md"))
        err = self.run_bad({})
        self.assertLine(err, r"pipe\.md: cannot read: not a regular file$")

    def test_dangling_link(self):
        os.symlink("nowhere.md", os.path.join(self.art, "link.md"))
        err = self.run_bad({})
        self.assertLine(err, r"link\.md: cannot read: No such file or directory$")

    def test_all_at_once(self):
        """One run with every bad case: each reported once, in path order."""
        err = self.run_bad({
            "a-yaml.md": "---\ntitle: \"unclosed\n---\n# T\n",
            "b-list.md": "---\n- a\n---\n# T\n",
            "c-lang.md": "---\ntitle: T\nlang: xx\n---\nText.\n",
            "d-utf8.md": b"# T\n\n\xc3\x28\n",
            "e-untitled.md": "Text only.\n",
            "f-empty.md": "",
            "g-big.md": "x" * (2 * 1024 * 1024 + 1),
            "h-dup.md": article("Dup", slug="good"),
        })
        lines = err.splitlines()
        self.assertEqual(len(lines), 8, err)
        for line, name in zip(lines, "abcdefgh"):
            self.assertRegex(line, r"^%s-[a-z0-9]+\.md(:\d+)?: \S" % name)

    def test_broken_edit_keeps_the_previous_version(self):
        e2e.write(os.path.join(self.art, "page.md"), article("Page v1"))
        indexer(self.art, self.idx, quiet=True)
        err = self.run_bad({"page.md": "---\n- not a mapping\n---\n# Page v2\n"},
                           expect_indexed=2)
        self.assertLine(err, r"page\.md:2: ")
        self.assertEqual(data_of(self.idx, "page")["title"], "Page v1")
        # Reported again on the next run until fixed.
        r = indexer(self.art, self.idx, quiet=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("page.md:2:", r.stderr)
        e2e.write(os.path.join(self.art, "page.md"), article("Page v3"))
        r = indexer(self.art, self.idx, quiet=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(data_of(self.idx, "page")["title"], "Page v3")


@unittest.skipUnless(HAVE_XAPIAN_TOOLS, "xapian-tools is not installed")
class Synonyms(unittest.TestCase):
    def setUp(self):
        self.tmp = e2e.tmpdir(self)
        self.art = os.path.join(self.tmp, "articles")
        self.idx = os.path.join(self.tmp, "index")
        e2e.write(os.path.join(self.art, "en", "refunds.md"),
                  article("Refunds", "Get your money back."))

    def test_groups_fill_the_synonym_table(self):
        e2e.write(os.path.join(self.art, "synonyms.txt"),
                  "# Synonym groups, one a line.\n"
                  "\n"
                  "en: refund = money back = reimbursement\n"
                  "ar: استرداد = استرجاع = إرجاع المبلغ\n")
        r = indexer(self.art, self.idx, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["synonym_groups"], 2)
        # One key per distinct phrase: 3 English + 3 Arabic.
        self.assertEqual(table_items(self.idx, "synonym"), 6)
        self.assertEqual(doccount(self.idx), 1)   # not an article

    def test_bad_lines_are_reported_and_the_rest_used(self):
        e2e.write(os.path.join(self.art, "synonyms.txt"),
                  "en: refund = reimbursement\n"
                  "no language here\n"
                  "fr: remboursement = argent\n"
                  "en: lonely\n"
                  "en: shipping =  = delivery\n"
                  "en: the = delivery\n"
                  "en: parcel = package\n")
        r = indexer(self.art, self.idx, "--json")
        self.assertEqual(r.returncode, 1)
        o = json.loads(r.stdout)
        self.assertEqual(o["synonym_groups"], 2)
        self.assertEqual([(e["path"], e["line"]) for e in o["errors"]],
                         [("synonyms.txt", n) for n in (2, 3, 4, 5, 6)])
        self.assertIn("synonyms.txt:3: unknown language 'fr' (expected en or ar)",
                      r.stderr)
        self.assertIn("synonyms.txt:6: 'the' has no searchable words", r.stderr)
        self.assertEqual(table_items(self.idx, "synonym"), 4)

    def test_table_follows_the_file(self):
        p = os.path.join(self.art, "synonyms.txt")
        e2e.write(p, "en: refund = reimbursement\n")
        indexer(self.art, self.idx, quiet=True)
        self.assertEqual(table_items(self.idx, "synonym"), 2)
        e2e.write(p, "en: parcel = package = box\n")
        r = indexer(self.art, self.idx)
        self.assertEqual(summary(r)["unchanged"], 1)
        self.assertEqual(table_items(self.idx, "synonym"), 3)
        os.remove(p)
        indexer(self.art, self.idx, quiet=True)
        self.assertEqual(table_items(self.idx, "synonym"), 0)


class SiteNames(unittest.TestCase):
    def setUp(self):
        self.tmp = e2e.tmpdir(self)
        self.art = os.path.join(self.tmp, "articles")
        self.idx = os.path.join(self.tmp, "index")
        self.site = os.path.join(self.art, "site.yaml")
        e2e.write(os.path.join(self.art, "en", "payment", "cards.md"),
                  article("Cards", "Pay by card."))

    def test_site_file_stored_as_compact_json(self):
        e2e.write(self.site, "name:\n  en: Souq Help\n  ar: مساعدة سوق\n"
                  "categories:\n  payment: {en: Payment, ar: الدفع}\n")
        r = indexer(self.art, self.idx, quiet=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(meta(self.idx, "site")),
                         {"name": {"en": "Souq Help", "ar": "مساعدة سوق"},
                          "categories": {"payment": {"en": "Payment", "ar": "الدفع"}}})
        self.assertEqual(doccount(self.idx), 1)   # not an article
        # Unchanged: no new revision.
        rev = revision(self.idx)
        indexer(self.art, self.idx, quiet=True)
        self.assertEqual(revision(self.idx), rev)
        os.remove(self.site)
        indexer(self.art, self.idx, quiet=True)
        self.assertEqual(meta(self.idx, "site"), "")

    def test_malformed_site_file_reported_and_articles_still_indexed(self):
        e2e.write(self.site, "name: {en: Good Name}\n")
        indexer(self.art, self.idx, quiet=True)
        good = meta(self.idx, "site")
        e2e.write(self.site, "name:\n  en: Souq\n  fr: Souk\n"
                  "categories:\n  payment: [Payment]\ncolour: red\n")
        e2e.write(os.path.join(self.art, "en", "payment", "cash.md"),
                  article("Cash", "Pay on delivery."))
        r = indexer(self.art, self.idx, "--json")
        self.assertEqual(r.returncode, 1)
        self.assertEqual([(e["path"], e["line"]) for e in json.loads(r.stdout)["errors"]],
                         [("site.yaml", 3), ("site.yaml", 5), ("site.yaml", 6)])
        self.assertIn("site.yaml:3: unknown language (en or ar) 'fr'", r.stderr)
        self.assertEqual(doccount(self.idx), 2)
        self.assertEqual(meta(self.idx, "site"), good)   # the old names stay
        e2e.write(self.site, "name: {en: [unclosed\n")
        r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"site\.yaml:[12]: ")


@unittest.skipUnless(HAVE_XAPIAN_TOOLS, "xapian-tools is not installed")
class Fatal(unittest.TestCase):
    """Usage and fatal errors: exit 2, and the index is not changed."""

    def setUp(self):
        self.tmp = e2e.tmpdir(self)
        self.art = os.path.join(self.tmp, "articles")
        self.idx = os.path.join(self.tmp, "index")
        e2e.write(os.path.join(self.art, "one.md"), article("One"))

    def indexed(self):
        r = indexer(self.art, self.idx, quiet=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        e2e.write(os.path.join(self.art, "two.md"), article("Two"))
        return revision(self.idx)

    def test_missing_articles_folder(self):
        r = indexer(os.path.join(self.tmp, "nope"), self.idx)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertRegex(r.stderr, r"^daleel-index: articles folder \S*nope: "
                                   r"No such file or directory\n$")
        self.assertFalse(os.path.exists(self.idx))

    def test_articles_is_a_file(self):
        r = indexer(os.path.join(self.art, "one.md"), self.idx)
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not a folder", r.stderr)

    def test_locked_index(self):
        rev = self.indexed()
        # Xapian's writer lock is an fcntl lock on 'flintlock'; holding it
        # here is what another running daleel-index looks like.
        with open(os.path.join(self.idx, "flintlock"), "r+") as f:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, "daleel-index: %s: index is locked by another "
                                   "daleel-index\n" % self.idx)
        self.assertEqual(revision(self.idx), rev)
        self.assertEqual(doccount(self.idx), 1)

    def test_other_analyzer_version(self):
        self.indexed()
        e2e.run(["xapian-metadata", "set", self.idx, "analyzer_version", "0"])
        rev = revision(self.idx)
        r = indexer(self.art, self.idx, "--json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("run daleel-index --full", r.stderr)
        self.assertIn("run daleel-index --full", json.loads(r.stdout)["fatal"])
        self.assertEqual(revision(self.idx), rev)
        self.assertEqual(doccount(self.idx), 1)
        r = indexer(self.art, self.idx, "--full")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(meta(self.idx, "analyzer_version"),
                         analyzer_version())
        self.assertEqual(doccount(self.idx), 2)

    def test_unwritable_index(self):
        blocker = os.path.join(self.tmp, "file")
        e2e.write(blocker, "not a folder")
        r = indexer(self.art, os.path.join(blocker, "index"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot open index", r.stderr)
        # Xapian's own words, and the system's reason.
        self.assertIn("mkdir failed (Not a directory)", r.stderr)

    def test_unopenable_lock_file_is_not_another_writer(self):
        rev = self.indexed()
        os.chmod(os.path.join(self.idx, "flintlock"), 0o444)
        wrapper = ()
        if os.geteuid() == 0:
            # Root opens any file: run as 'nobody', who can read the
            # articles and the index but not write the lock file.
            if not shutil.which("setpriv"):
                self.skipTest("running as root without setpriv")
            wrapper = ("setpriv", "--reuid=65534", "--regid=65534",
                       "--clear-groups", "--")
            os.chmod(self.tmp, 0o755)
        r = indexer(self.art, self.idx, wrapper=wrapper)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertNotIn("locked by another", r.stderr)
        self.assertRegex(r.stderr, r"^daleel-index: cannot open index \S+ for "
                                   r"writing: cannot lock the index: .*"
                                   r"Permission denied\n$")
        self.assertEqual(revision(self.idx), rev)

    def test_refuses_a_folder_that_is_not_an_index(self):
        # --articles and --index swapped by mistake.
        r = indexer(self.tmp, self.art)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a Xapian database", r.stderr)
        self.assertEqual(os.listdir(self.art), ["one.md"])


@unittest.skipUnless(HAVE_XAPIAN_TOOLS, "xapian-tools is not installed")
class Crash(unittest.TestCase):
    """SIGKILL at any moment leaves the previous revision readable; readers
    are never disturbed by a commit."""

    N = 2000

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmp = tempfile.mkdtemp(prefix="daleel-e2e-")
        cls.art = os.path.join(cls.tmp, "articles")
        cls.idx = os.path.join(cls.tmp, "index")
        generate(cls.art, cls.N)
        r = indexer(cls.art, cls.idx, quiet=True)
        if r.returncode != 0:
            raise AssertionError(r.stderr)
        # Every article changes and some are new: the next run is a big one.
        generate(cls.art, cls.N, variant="v2")
        generate(cls.art, 500, variant="new", start=cls.N)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def start(self):
        return subprocess.Popen([e2e.program("daleel-index"), "--articles",
                                 self.art, "--index", self.idx, "--quiet"],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)

    # Numbered: unittest runs methods alphabetically, and the reader test
    # needs the kill test's final state.
    def test_1_sigkill_keeps_previous_revision(self):
        base_rev = revision(self.idx)
        # Time one complete run on a copy to spread the kills over it.
        copy = os.path.join(self.tmp, "copy")
        shutil.copytree(self.idx, copy)
        t = time.time()
        r = indexer(self.art, copy, quiet=True)
        full = time.time() - t
        self.assertEqual(r.returncode, 0, r.stderr)
        shutil.rmtree(copy)
        killed = 0
        for frac in (0.02, 0.2, 0.5, 0.8, 0.95):
            p = self.start()
            time.sleep(full * frac)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed += 1
            p.wait()
            p.stderr.close()
            if p.returncode == 0:
                break   # finished before the kill: the new revision is whole
            self.assertEqual(p.returncode, -signal.SIGKILL)
            check_ok(self.idx)
            if revision(self.idx) != base_rev:
                # Killed after its commit was durable but before it exited:
                # then the whole new revision must be there, never a part.
                self.assertEqual(doccount(self.idx), self.N + 500)
                self.assertEqual(meta(self.idx, "article_count"),
                                 str(self.N + 500))
                break
            self.assertEqual(doccount(self.idx), self.N)
            self.assertEqual(meta(self.idx, "article_count"), str(self.N))
        self.assertGreater(killed, 0, "every run finished before its kill")
        # The lock died with the process: the next run completes.
        r = indexer(self.art, self.idx)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = summary(r)
        if s["added"]:   # not already done by an unkilled run above
            self.assertEqual((s["added"], s["updated"]), (500, self.N))
        self.assertEqual(doccount(self.idx), self.N + 500)
        check_ok(self.idx)

    def test_2_readers_during_a_commit(self):
        # Every article changes again: the run has a big commit to make.
        generate(self.art, self.N, variant="v3")
        before = doccount(self.idx)
        p = self.start()
        reads = 0
        counts = set()
        while p.poll() is None:
            r = e2e.run(["xapian-delve", self.idx])
            self.assertEqual(r.returncode, 0, r.stderr)
            counts.add(int(re.search(r"number of documents = (\d+)",
                                     r.stdout).group(1)))
            reads += 1
        self.assertEqual(p.wait(), 0, p.stderr.read())
        p.stderr.close()
        self.assertGreater(reads, 3)
        self.assertLessEqual(counts, {before, self.N + 500})
        self.assertEqual(doccount(self.idx), self.N + 500)
        check_ok(self.idx)


@unittest.skipUnless(HAVE_XAPIAN_TOOLS, "xapian-tools is not installed")
class Corpora(unittest.TestCase):
    """The shared corpora beside the checkout index without a crash and with
    sensible titles (skipped when absent, as in a fresh clone)."""

    def corpus(self, name):
        path = os.path.join(e2e.CORPORA, name)
        if not os.path.isdir(path):
            self.skipTest("corpus %s not found at %s" % (name, path))
        return path

    def count_md(self, root):
        n = 0
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")
                           and d not in ("node_modules", "includes", "_includes")]
            n += sum(1 for f in filenames if f.endswith(".md")
                     and not f.startswith((".#", "._")))
        return n

    def index_corpus(self, name):
        root = self.corpus(name)
        idx = os.path.join(e2e.tmpdir(self), "index")
        r = indexer(root, idx, "--json")
        self.assertIn(r.returncode, (0, 1), r.stderr[-2000:])
        o = json.loads(r.stdout)
        self.assertEqual(o["articles"] + o["error_count"], self.count_md(root),
                         r.stderr[-2000:])
        self.assertEqual(doccount(idx), o["articles"])
        check_ok(idx)
        return idx, o

    def test_tldr(self):
        idx, o = self.index_corpus("tldr")
        self.assertGreater(o["articles"], 7000)
        # The page of the "." command is a file named "..md"; its slug is
        # spelled out (a "." segment never reaches the server) and does not
        # take the slug of Graphviz's dot.md.
        self.assertEqual(data_of(idx, "pages/common/_dot")["title"], ".")
        self.assertEqual(data_of(idx, "pages/common/dot")["title"], "dot")
        self.assertNotIn("pages/common/.", slugs(idx))
        self.assertEqual(data_of(idx, "pages/common/tar")["title"], "tar")
        d = data_of(idx, "pages.ar/common/tar")
        self.assertEqual((d["title"], d["lang"]), ("tar", "ar"))

    def test_d365(self):
        idx, o = self.index_corpus("d365-projops")
        self.assertGreater(o["articles"], 1000)
        langs = terms(idx, "L")
        self.assertEqual(langs, {"Lar", "Len"})
        # Titles are plain text: no Markdown, HTML anchors or front matter.
        for slug in sorted(slugs(idx))[::100]:
            t = data_of(idx, slug)["title"]
            self.assertTrue(t.strip(), slug)
            self.assertNotRegex(t, r"^#|<a |^---|\[!", slug)


if __name__ == "__main__":
    e2e.main()

/* test_article.c: lib/article against golden files, bad input and the
 * shared corpora.
 *
 * Golden cases: every *.md under tests/data/article is parsed with its path
 * relative to that folder (so folders exercise the path defaults) and an
 * mtime of 1700000000; the result, written out by dump() below, must equal
 * the NAME.out beside it byte for byte.  To add a case, add NAME.md, run
 * with DALEEL_UPDATE_GOLDEN=1 to write NAME.out, and read it before
 * committing: the .out is the specification.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "daleel/article.h"
#include "daleel/buf.h"
#include "harness.h"

#define MTIME 1700000000

static const char *status_name(daleel_status st)
{
    switch (st) {
    case DALEEL_OK: return "OK";
    case DALEEL_EPARSE: return "EPARSE";
    case DALEEL_ETOOBIG: return "ETOOBIG";
    case DALEEL_ENOMEM: return "ENOMEM";
    case DALEEL_EINVAL: return "EINVAL";
    default: return "other";
    }
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    daleel_buf b;
    daleel_buf_init(&b, 64u * 1024 * 1024);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        daleel_buf_append(&b, chunk, n);
    fclose(f);
    if (!b.len)
        daleel_buf_append(&b, "", 0);
    daleel_buf_putc(&b, '\0');     /* so that an empty file is not NULL */
    b.len--;
    return daleel_buf_steal(&b, len);
}

/* The golden text of one parse. */
static void dump(daleel_buf *o, daleel_status st, const daleel_article *a,
                 const daleel_article_error *e)
{
    daleel_buf_printf(o, "status: %s\n", status_name(st));
    if (st != DALEEL_OK) {
        daleel_buf_printf(o, "line: %d\noffset: %ld\nmessage: %s\n", e->line,
                          e->offset, e->msg);
        return;
    }
    daleel_buf_printf(o, "path: %s\ntitle: %s\nslug: %s\nlang: %s\n"
                      "category: %s\ntags:", a->path, a->title, a->slug,
                      daleel_lang_code(a->lang), a->category);
    for (size_t k = 0; k < a->n_tags; k++)
        daleel_buf_printf(o, " [%s]", a->tags[k]);
    daleel_buf_printf(o, "\nsummary: %s\ntranslation: %s\nupdated: %lld\n"
                      "audience: %s\ndraft: %s\n", a->summary, a->translation,
                      (long long)a->updated,
                      a->internal ? "internal" : "public",
                      a->draft ? "true" : "false");
    for (size_t k = 0; k < a->n_sections; k++) {
        const daleel_section *s = &a->sections[k];
        daleel_buf_printf(o, "=== section %zu: level %d, id \"%s\", heading "
                          "\"%s\"\n", k, s->level, s->id, s->heading);
        if (s->text[0])
            daleel_buf_printf(o, "%s\n", s->text);
    }
    daleel_buf_printf(o, "=== html\n%s=== text\n%s\n=== end\n", a->html,
                      a->text);
}

/* Compare line by line, so a failure shows the first line that differs. */
static void compare(const char *name, const char *got, const char *exp)
{
    int line = 1;
    while (*got || *exp) {
        size_t gl = strcspn(got, "\n"), el = strcspn(exp, "\n");
        if (gl != el || memcmp(got, exp, gl) != 0) {
            char *g = strndup(got, gl), *x = strndup(exp, el);
            CHECK_STR(g, x, "%s.out line %d", name, line);
            free(g);
            free(x);
            return;
        }
        got += gl + (got[gl] == '\n');
        exp += el + (exp[el] == '\n');
        line++;
    }
    CHECK(1, "%s matches", name);
}

typedef struct {
    char **v;
    size_t n, cap;
} names;

static void add_name(names *ns, const char *s)
{
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 64;
        ns->v = realloc(ns->v, ns->cap * sizeof *ns->v);
        if (!ns->v)
            abort();
    }
    ns->v[ns->n++] = strdup(s);
}

/* Relative paths of the *.md files under root/rel, recursively. */
static void find_md(const char *root, const char *rel, names *ns)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char sub[4096], full[8192];
        snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
        snprintf(full, sizeof full, "%s/%s", root, sub);
        struct stat st;
        if (stat(full, &st) != 0)
            continue;
        size_t n = strlen(sub);
        if (S_ISDIR(st.st_mode))
            find_md(root, sub, ns);
        else if (n > 3 && strcmp(sub + n - 3, ".md") == 0)
            add_name(ns, sub);
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden(void)
{
    char root[4096];
    snprintf(root, sizeof root, "%s", harness_src("tests/data/article"));
    names ns = { NULL, 0, 0 };
    find_md(root, "", &ns);
    qsort(ns.v, ns.n, sizeof *ns.v, cmp_str);
    CHECK(ns.n >= 20, "golden cases found: %zu", ns.n);
    int update = getenv("DALEEL_UPDATE_GOLDEN") != NULL;
    for (size_t k = 0; k < ns.n; k++) {
        char md[8192], outp[8192];
        snprintf(md, sizeof md, "%s/%s", root, ns.v[k]);
        snprintf(outp, sizeof outp, "%.*s.out", (int)(strlen(md) - 3), md);
        size_t len;
        char *data = read_all(md, &len);
        CHECK(data != NULL, "read %s", md);
        if (!data)
            continue;
        daleel_article *a = NULL;
        daleel_article_error e;
        daleel_status st = daleel_article_parse(data, len, ns.v[k], MTIME, &a,
                                                &e);
        daleel_buf o;
        daleel_buf_init(&o, 64u * 1024 * 1024);
        dump(&o, st, a, &e);
        if (update) {
            FILE *f = fopen(outp, "wb");
            if (f) {
                fwrite(o.data, 1, o.len, f);
                fclose(f);
            }
        }
        char *exp = read_all(outp, NULL);
        CHECK(exp != NULL, "expected output %s exists", outp);
        if (exp)
            compare(ns.v[k], o.data, exp);
        free(exp);
        daleel_buf_free(&o);
        daleel_article_free(a);
        free(data);
        free(ns.v[k]);
    }
    free(ns.v);
}

static daleel_status parse(const char *s, size_t n, const char *path,
                           daleel_article **a, daleel_article_error *e)
{
    return daleel_article_parse(s, n, path, MTIME, a, e);
}

/* Input a fuzzer would try: it must come back OK or EPARSE, never crash
 * (the sanitizer build checks the memory side). */
static void test_hostile(void)
{
    daleel_article *a = NULL;
    daleel_article_error e;
    size_t max = DALEEL_MAX_ARTICLE;
    char *big = malloc(max + 1);
    if (!big)
        abort();

    memset(big, 'a', max + 1);
    CHECK_INT(parse(big, max + 1, "x.md", &a, &e), DALEEL_ETOOBIG,
              "one byte over the cap");
    CHECK_STR(e.msg, "file too big: 2097153 bytes, over the limit of "
              "2097152 (2 MiB)", "too-big message");
    CHECK(a == NULL, "no article on error");

    /* Exactly at the cap: one 2 MiB line after a title. */
    memcpy(big, "# Big\n", 6);
    clock_t t0 = clock();
    CHECK_INT(parse(big, max, "big.md", &a, &e), DALEEL_OK, "2 MiB line");
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(secs < 5, "2 MiB line parsed in %.2f s", secs);
    CHECK(a && strlen(a->text) == max - 6, "the whole line is text");
    CHECK(a && strlen(a->summary) < 210, "summary is cut");
    daleel_article_free(a);

    /* Deep nesting of quotes, lists, brackets and emphasis. */
    static const char *const units[] = { ">", "- ", "[", "*", "<a>", "`",
                                         "1. ", "> - ", "![", "\t", "#", "|" };
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t ul = strlen(units[u]), n = 6;
        memcpy(big, "# T\n\n", 5);
        n = 5;
        while (n + ul + 8 < 1000000) {
            memcpy(big + n, units[u], ul);
            n += ul;
        }
        memcpy(big + n, "deep\n", 5);
        n += 5;
        daleel_status st = parse(big, n, "deep.md", &a, &e);
        CHECK(st == DALEEL_OK, "deep nesting of \"%s\": %s", units[u],
              daleel_status_str(st));
        daleel_article_free(a);
        a = NULL;
    }

    /* 100,000 headings of the same text: ids stay unique and it stays fast. */
    size_t n = 0;
    for (int k = 0; k < 100000; k++) {
        memcpy(big + n, "## Same\n", 8);
        n += 8;
    }
    t0 = clock();
    CHECK_INT(parse(big, n, "same.md", &a, &e), DALEEL_EPARSE,
              "no h1: no title");
    CHECK_STR(e.msg, "no title: add \"title:\" to the front matter or start "
              "with a \"# \" heading", "no title message");
    memcpy(big, "# Same\n", 7);
    big[7] = '\n';
    CHECK_INT(parse(big, n, "same.md", &a, &e), DALEEL_OK, "100k headings");
    secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(secs < 5, "100k headings in %.2f s", secs);
    if (a) {
        CHECK_INT(a->n_sections, 100000, "sections");
        CHECK_STR(a->sections[1].id, "same", "first id");
        CHECK_STR(a->sections[2].id, "same-2", "second id");
        CHECK_STR(a->sections[99999].id, "same-99999", "last id");
    }
    daleel_article_free(a);
    a = NULL;

    /* NUL bytes: fine in the body (cmark makes them U+FFFD), an error in
     * the front matter (YAML forbids them). */
    static const char nul_body[] = "# T\n\nab\0cd\n";
    CHECK_INT(parse(nul_body, sizeof nul_body - 1, "nul.md", &a, &e),
              DALEEL_OK, "NUL in the body");
    CHECK(a && strcmp(a->text, "ab\xef\xbf\xbd" "cd") == 0,
          "NUL became U+FFFD: %s", a ? a->text : "");
    daleel_article_free(a);
    static const char nul_fm[] = "---\ntitle: a\0b\n---\nx\n";
    CHECK_INT(parse(nul_fm, sizeof nul_fm - 1, "nul.md", &a, &e),
              DALEEL_EPARSE, "NUL in the front matter");
    CHECK_INT(e.line, 2, "NUL line");

    /* libyaml's scanner is quadratic in flow nesting; the reader stops
     * at 32 levels, so 2 MiB of "[" is quick. */
    memcpy(big, "---\nx: ", 7);
    memset(big + 7, '[', max - 7);
    memcpy(big + max - 6, "\n---\n", 5);
    t0 = clock();
    CHECK_INT(parse(big, max, "deep.md", &a, &e), DALEEL_EPARSE,
              "deep YAML");
    secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(secs < 1, "deep YAML rejected in %.3f s", secs);
    CHECK_STR(e.msg, "front matter: nested more than 32 levels deep",
              "deep YAML message");

    /* Random bytes from Markdown's alphabet and a little UTF-8: a cheap
     * fuzz run (the libFuzzer target goes further). */
    static const char *const alpha[] = { "#", " ", "\n", "-", "*", "_", "[",
        "]", "(", ")", "<", ">", "!", "`", "|", ":", "---\n", "...", "a",
        "ب", "\xd9\x8e", "<a name=\"x\">", "[!include[a](b)]", "> [!NOTE]",
        "\t", "1.", "&amp;", "&#0;", "\r\n", "~~~", "```", "\\", "\"", "'",
        "title: ", "lang: ", "{", "}", "%", "&" };
    uint32_t seed = 12345;
    int ok = 0, bad = 0, other = 0;
    for (int it = 0; it < 3000; it++) {
        n = 0;
        int parts = 1 + (int)(seed % 200);
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *s = alpha[(seed >> 16) % (sizeof alpha / sizeof *alpha)];
            size_t l = strlen(s);
            memcpy(big + n, s, l);
            n += l;
        }
        daleel_status st = parse(big, n, "fuzz/ar/x.md", &a, &e);
        if (st == DALEEL_OK) {
            ok++;
            if (a->html && strstr(a->html, "<a name"))
                other++;
        } else if (st == DALEEL_EPARSE) {
            bad++;
        } else {
            other++;
        }
        daleel_article_free(a);
        a = NULL;
    }
    CHECK(other == 0, "fuzz: %d ok, %d EPARSE, %d other", ok, bad, other);
    free(big);

    CHECK_INT(daleel_article_parse("# T", 3, "t.md", 0, &a, NULL), DALEEL_OK,
              "err may be NULL");
    daleel_article_free(a);
    CHECK_INT(daleel_article_parse("", 0, "t.md", 0, &a, NULL), DALEEL_EPARSE,
              "err may be NULL on error");
    CHECK(a == NULL, "out is NULL on error");
    daleel_article_free(NULL);
}

/* Things the golden files cannot show as directly. */
static void test_api(void)
{
    daleel_article *a = NULL;
    daleel_article_error e;
    const char *s = "# Title\n\n"
                    "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) "
                    "[z](java&#115;cript:alert(1)) [w](vbscript:x) "
                    "[v](data:text/html;base64,PHNjcmlwdD4=) "
                    "<script>alert(1)</script> <img src=x onerror=alert(1)>\n";
    CHECK_INT(parse(s, strlen(s), "x.md", &a, &e), DALEEL_OK, "unsafe");
    if (a) {
        CHECK(!strstr(a->html, "javascript") && !strstr(a->html, "JaVaScRiPt")
              && !strstr(a->html, "vbscript") && !strstr(a->html, "data:"),
              "dangerous URLs gone: %s", a->html);
        CHECK(!strstr(a->html, "<script") && !strstr(a->html, "<img"),
              "raw HTML gone: %s", a->html);
        CHECK(strstr(a->html, "<!-- raw HTML omitted -->") != NULL,
              "raw HTML leaves a comment");
    }
    daleel_article_free(a);

    /* The <script> of a front matter title is text: it never reaches the
     * HTML (the title is not in the body). */
    s = "---\ntitle: <script>alert(1)</script>\n---\nBody.\n";
    CHECK_INT(parse(s, strlen(s), "x.md", &a, &e), DALEEL_OK, "script title");
    if (a) {
        CHECK_STR(a->title, "<script>alert(1)</script>", "title kept as text");
        CHECK_STR(a->html, "<p>Body.</p>\n", "html has no title");
    }
    daleel_article_free(a);

    /* A heading with characters that need escaping in the id attribute:
     * ids never contain them, and a non-plain <a name> is slugified. */
    s = "# T\n\n## <a name='\"><script>'></a>x\n";
    CHECK_INT(parse(s, strlen(s), "x.md", &a, &e), DALEEL_OK, "odd anchor");
    if (a) {
        CHECK_STR(a->sections[1].id, "script", "anchor slugified");
        CHECK_STR(a->html, "<h2 id=\"script\">x</h2>\n", "heading html");
    }
    daleel_article_free(a);
}

/* Sample the shared corpora (when present): every page parses, with a
 * sensible title and the path defaults right. */
static void corpus(const char *rel, const char *sub, daleel_lang want)
{
    char root[4096], dir[8192];
    snprintf(root, sizeof root, "%s", harness_src(rel));
    snprintf(dir, sizeof dir, "%s/%s", root, sub);
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        printf("skip: corpus %s/%s not found\n", rel, sub);
        return;
    }
    names ns = { NULL, 0, 0 };
    find_md(root, sub, &ns);
    qsort(ns.v, ns.n, sizeof *ns.v, cmp_str);
    size_t step = ns.n > 200 ? ns.n / 200 : 1, parsed = 0, errors = 0,
           includes = 0;
    double secs = 0;
    for (size_t k = 0; k < ns.n; k++) {
        if (k % step != 0 && !strstr(ns.v[k], "/includes/"))
            goto next;
        char full[8192];
        snprintf(full, sizeof full, "%s/%s", root, ns.v[k]);
        size_t len;
        char *data = read_all(full, &len);
        if (!data)
            goto next;
        daleel_article *a = NULL;
        daleel_article_error e;
        clock_t t0 = clock();
        daleel_status st = daleel_article_parse(data, len, ns.v[k], MTIME, &a,
                                                &e);
        secs += (double)(clock() - t0) / CLOCKS_PER_SEC;
        free(data);
        if (strstr(ns.v[k], "/includes/")) {
            /* DocFX snippets, not articles: most have no title. */
            includes++;
            CHECK(st == DALEEL_OK || st == DALEEL_EPARSE, "%s: %s", ns.v[k],
                  daleel_status_str(st));
            daleel_article_free(a);
            goto next;
        }
        parsed++;
        if (st != DALEEL_OK) {
            errors++;
            CHECK(0, "%s: %s (line %d)", ns.v[k], e.msg, e.line);
            goto next;
        }
        CHECK(a->title[0] && !strchr(a->title, '#') &&
              !strstr(a->title, "---") && !strstr(a->title, "title:") &&
              !strchr(a->title, '<') && !strchr(a->title, '\n') &&
              strlen(a->title) < 200, "%s: sensible title \"%s\"", ns.v[k],
              a->title);
        CHECK(!strstr(a->text, "[!include") && !strstr(a->text, "[!INCLUDE")
              && !strstr(a->text, "[!NOTE]") && !strstr(a->text, "ms.date"),
              "%s: no DocFX markers or front matter in the text", ns.v[k]);
        CHECK(a->lang == want || strstr(ns.v[k], "/includes/"),
              "%s: lang %s", ns.v[k], daleel_lang_code(a->lang));
        CHECK(a->summary[0], "%s: has a summary", ns.v[k]);
        daleel_article_free(a);
    next:
        free(ns.v[k]);
    }
    free(ns.v);
    printf("corpus %s/%s: %zu pages parsed, %zu errors, %zu include snippets, "
           "%.3f s\n", rel, sub, parsed, errors, includes, secs);
    CHECK(parsed > 0, "some %s pages parsed", sub);
}

/* Default slugs never hold a segment made only of dots, which browsers
 * would remove from /a/<slug> (tldr's "..md" is the page of "."); other
 * names are kept as they are. */
static void default_slugs(void)
{
    struct { const char *path, *slug; } cases[] = {
        { "pages/common/..md", "pages/common/_dot" },
        { "pages.ar/common/..md", "pages.ar/common/_dot" },
        { "pages/common/dot.md", "pages/common/dot" },
        { "...md", "_dot-dot" },
        { "a/..../b.md", "a/_dot-dot-dot-dot/b" },
        { "./..md", "_dot" },
        { "x/.hidden.md", "x/.hidden" },
        { "x/a..b.md", "x/a..b" },
        { "x/._.md", "x/._" },
        { "a//b.md", "a//b" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        daleel_article *a = NULL;
        CHECK_INT(daleel_article_parse("# A\n", 4, cases[k].path, 0, &a, NULL),
                  DALEEL_OK, "parsed %s", cases[k].path);
        if (a)
            CHECK_STR(a->slug, cases[k].slug, "default slug of %s",
                      cases[k].path);
        daleel_article_free(a);
    }
    /* The translation key is no URL: it keeps the dots, and the two
     * versions of the "." page still find each other. */
    daleel_article *en = NULL, *ar = NULL;
    daleel_article_parse("# .\n", 4, "pages/common/..md", 0, &en, NULL);
    daleel_article_parse("# .\n", 4, "pages.ar/common/..md", 0, &ar, NULL);
    if (en && ar) {
        CHECK_STR(en->translation, "pages/common/.", "translation key of ..md");
        CHECK_STR(ar->translation, en->translation, "same key in Arabic");
    } else {
        CHECK(0, "parsed both versions of ..md");
    }
    daleel_article_free(en);
    daleel_article_free(ar);
    /* A front matter slug with a "." or ".." part is refused, not renamed. */
    const char *fm = "---\nslug: pages/common/.\n---\n# A\n";
    daleel_article_error e;
    daleel_article *bad = NULL;
    CHECK_INT(daleel_article_parse(fm, strlen(fm), "x.md", 0, &bad, &e),
              DALEEL_EPARSE, "front matter slug with a \".\" part");
    CHECK_INT(e.line, 2, "on the slug's line");
    daleel_article_free(bad);
}

/* The same page in both languages shares its translation key. */
static void translations(void)
{
    struct { const char *en, *ar; } pairs[] = {
        { "pages/common/tar.md", "pages.ar/common/tar.md" },
        { "en/articles/x/y.md", "ar/articles/x/y.md" },
        { "docs/en-us/a.md", "docs/ar-sa/a.md" },
        { "help/reset.en.md", "help/reset.ar.md" },
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        daleel_article *en = NULL, *ar = NULL;
        daleel_article_parse("# A\n", 4, pairs[k].en, 0, &en, NULL);
        daleel_article_parse("# A\n", 4, pairs[k].ar, 0, &ar, NULL);
        CHECK(en && ar, "parsed %s", pairs[k].en);
        if (en && ar) {
            CHECK_STR(en->translation, ar->translation, "%s ~ %s",
                      pairs[k].en, pairs[k].ar);
            CHECK_INT(ar->lang, DALEEL_LANG_AR, "%s is Arabic", pairs[k].ar);
            CHECK_INT(en->lang, DALEEL_LANG_EN, "%s is English", pairs[k].en);
        }
        daleel_article_free(en);
        daleel_article_free(ar);
    }
}

int main(void)
{
    test_golden();
    test_api();
    translations();
    default_slugs();
    test_hostile();
    corpus("../shared/corpora/tldr", "pages", DALEEL_LANG_EN);
    corpus("../shared/corpora/tldr", "pages.ar", DALEEL_LANG_AR);
    corpus("../shared/corpora/d365-projops", "en", DALEEL_LANG_EN);
    corpus("../shared/corpora/d365-projops", "ar", DALEEL_LANG_AR);
    return harness_done();
}

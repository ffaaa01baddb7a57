/* test_text.c: the analyzer (text.h).  Golden files in tests/data hold one
 * case a line, input TAB expected terms; the rest checks what a golden
 * line cannot show: byte offsets, bad input, huge input, weights,
 * determinism, the diacritics and hamza properties, the helpers.
 *
 * Golden line format.  Input escapes: \uXXXX, \UXXXXXXXX (a code point),
 * \xHH (a raw byte, possibly invalid UTF-8), \0, \t, \n, \\.  Expected:
 * the terms in order, separated by spaces:
 *   text@pos   the exact term E, then its token's flags: /s stopword,
 *              /d dropped (query), /q1 in quoted phrase 1, /c1 in code
 *              compound 1
 *   Z:x XA:x XC:x   stem, alternative stem (index), code compound
 *   A:Zx A:XAx      query-side alternative candidates
 *   P:x             query-side prefix term of the last word
 * A line "#" starts a comment.  Set DALEEL_REGEN=<file name> to print that
 * file with the terms the analyzer gives now (to review a rule change).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daleel/text.h"
#include "harness.h"

typedef struct {
    char *s;
    size_t len, cap;
} str;

static void put(str *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        while (nc < b->len + n + 1)
            nc *= 2;
        b->s = realloc(b->s, nc);
        if (!b->s) {
            fputs("out of memory\n", stderr);
            exit(2);
        }
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(str *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_cp(str *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put(b, u, n);
}

/* Decode the escapes of a golden input into 'out'. */
static void unescape(const char *in, str *out)
{
    out->len = 0;
    put(out, "", 0);
    for (const char *p = in; *p; p++) {
        if (*p != '\\' || !p[1]) {
            put(out, p, 1);
            continue;
        }
        p++;
        char hex[9] = {0};
        switch (*p) {
        case 'u': case 'U': {
            size_t n = *p == 'u' ? 4 : 8;
            memcpy(hex, p + 1, n);
            put_cp(out, strtoul(hex, NULL, 16));
            p += n;
            break;
        }
        case 'x': {
            memcpy(hex, p + 1, 2);
            char c = (char)strtoul(hex, NULL, 16);
            put(out, &c, 1);
            p += 2;
            break;
        }
        case '0': put(out, "\0", 1); break;
        case 't': put(out, "\t", 1); break;
        case 'n': put(out, "\n", 1); break;
        default: put(out, p, 1); break;
        }
    }
}

/* The golden form of an analysis (see the file comment). */
static void render(const daleel_analysis *a, daleel_analyze_mode mode,
                   str *out)
{
    char num[64];
    out->len = 0;
    put(out, "", 0);
    for (size_t k = 0; k < a->n_tokens; k++) {
        const daleel_token *t = &a->tokens[k];
        for (size_t j = t->first_term; j < t->first_term + t->n_terms; j++) {
            const daleel_term *m = &a->terms[j];
            if (out->len)
                puts_(out, " ");
            switch (m->kind) {
            case DALEEL_TERM_EXACT:
                puts_(out, m->text);
                snprintf(num, sizeof num, "@%u", m->pos);
                puts_(out, num);
                if (t->stop)
                    puts_(out, "/s");
                if (t->dropped)
                    puts_(out, "/d");
                if (t->quote) {
                    snprintf(num, sizeof num, "/q%u", t->quote);
                    puts_(out, num);
                }
                if (t->compound) {
                    snprintf(num, sizeof num, "/c%u", t->compound);
                    puts_(out, num);
                }
                break;
            case DALEEL_TERM_STEM:
                puts_(out, "Z:");
                puts_(out, m->text + 1);
                break;
            case DALEEL_TERM_ALT:
                if (mode == DALEEL_ANALYZE_INDEX) {
                    puts_(out, "XA:");
                    puts_(out, m->text + 2);
                } else {
                    puts_(out, "A:");
                    puts_(out, m->text);
                }
                break;
            case DALEEL_TERM_CODE:
                puts_(out, "XC:");
                puts_(out, m->text + 2);
                break;
            case DALEEL_TERM_PREFIX:
                puts_(out, "P:");
                puts_(out, m->text);
                break;
            }
        }
    }
}

/* Structural checks every analysis must pass: terms within the size cap
 * and NUL-terminated, tokens in order and inside the input, positions
 * consecutive, term ranges contiguous. */
static int valid(const daleel_analysis *a, size_t len, unsigned first_pos)
{
    size_t next_term = 0, prev_start = 0, prev_end = 0;
    for (size_t k = 0; k < a->n_tokens; k++) {
        const daleel_token *t = &a->tokens[k];
        /* Non-decreasing, not disjoint: one input character may expand
         * to several words (ﷺ is four). */
        if (t->start >= t->end || t->end > len || t->start < prev_start ||
            t->end < prev_end ||
            t->pos != first_pos + k || t->first_term != next_term ||
            t->n_terms == 0 || a->terms[t->first_term].kind !=
            DALEEL_TERM_EXACT)
            return 0;
        prev_start = t->start;
        prev_end = t->end;
        next_term += t->n_terms;
    }
    if (next_term != a->n_terms)
        return 0;
    for (size_t j = 0; j < a->n_terms; j++) {
        const daleel_term *m = &a->terms[j];
        if (m->len == 0 || m->len > DALEEL_MAX_TERM ||
            strlen(m->text) != m->len || m->token >= a->n_tokens)
            return 0;
    }
    return 1;
}

static void run_golden(daleel_analyzer *an, const char *name,
                       daleel_analyze_mode mode, int min_cases)
{
    const char *path = harness_src(name);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "%s opens", name);
    if (!f)
        return;
    const char *regen = getenv("DALEEL_REGEN");
    int regen_this = regen && strcmp(regen, name) == 0;
    char line[8192];
    int lineno = 0, cases = 0;
    str in = {0}, got = {0};
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\n')
            line[--l] = '\0';
        if (l == 0 || line[0] == '#') {
            if (regen_this)
                printf("%s\n", line);
            continue;
        }
        char *tab = strchr(line, '\t');
        const char *expected = tab ? tab + 1 : "";
        if (tab)
            *tab = '\0';
        unescape(line, &in);
        const daleel_analysis *a;
        daleel_status st = daleel_analyze(an, in.s, in.len, mode, 1, &a);
        CHECK_INT(st, DALEEL_OK, "%s:%d analyzes", name, lineno);
        if (st != DALEEL_OK)
            continue;
        CHECK(valid(a, in.len, 1), "%s:%d structure", name, lineno);
        render(a, mode, &got);
        if (regen_this)
            printf("%s\t%s\n", line, got.s);
        else
            CHECK_STR(got.s, expected, "%s:%d %s", name, lineno, line);
        cases++;
    }
    fclose(f);
    free(in.s);
    free(got.s);
    CHECK(cases >= min_cases, "%s has %d cases (at least %d)", name, cases,
          min_cases);
}

/* Analyze a NUL-terminated text; returns NULL on error. */
static const daleel_analysis *an_str(daleel_analyzer *an, const char *s,
                                     daleel_analyze_mode mode)
{
    const daleel_analysis *a;
    if (daleel_analyze(an, s, strlen(s), mode, 1, &a) != DALEEL_OK)
        return NULL;
    return a;
}

static const char *rendered(daleel_analyzer *an, const char *s,
                            daleel_analyze_mode mode)
{
    static str b;
    const daleel_analysis *a = an_str(an, s, mode);
    if (!a)
        return "(error)";
    render(a, mode, &b);
    return b.s;
}

/* The token at index k as it is written in 's'. */
static const char *span(const char *s, const daleel_analysis *a, size_t k)
{
    static char b[256];
    if (k >= a->n_tokens)
        return "(none)";
    size_t n = a->tokens[k].end - a->tokens[k].start;
    if (n >= sizeof b)
        n = sizeof b - 1;
    memcpy(b, s + a->tokens[k].start, n);
    b[n] = '\0';
    return b;
}

static void test_offsets(daleel_analyzer *an)
{
    const char *s = "نسخ المُجَلَّدات لـgit \xE2\x80\x8F" "ﻹدارة";
    const daleel_analysis *a = an_str(an, s, DALEEL_ANALYZE_INDEX);
    CHECK(a && a->n_tokens == 5, "offsets: 5 tokens");
    if (!a || a->n_tokens != 5)
        return;
    CHECK_STR(span(s, a, 0), "نسخ", "offsets: plain word");
    CHECK_STR(span(s, a, 1), "المُجَلَّدات", "offsets: marks inside the token");
    CHECK_STR(span(s, a, 2), "لـ", "offsets: tatweel stays on its token");
    CHECK_STR(span(s, a, 3), "git", "offsets: script change");
    CHECK_STR(span(s, a, 4), "ﻹدارة", "offsets: a presentation form, "
              "without the deleted RLM before it");

    /* A composition keeps the bytes of both characters. */
    s = "x \xD8\xA7\xD9\x94\xD9\x85\xD8\xB1 y";   /* ا + U+0654 + مر */
    a = an_str(an, s, DALEEL_ANALYZE_INDEX);
    CHECK(a && a->n_tokens == 3, "offsets: composed word");
    if (a && a->n_tokens == 3) {
        CHECK_STR(span(s, a, 1), "\xD8\xA7\xD9\x94\xD9\x85\xD8\xB1",
                  "offsets: composed alef + hamza covers both");
        CHECK_STR(a->terms[a->tokens[1].first_term].text, "امر",
                  "offsets: composed word's exact term");
    }
    /* Code compound parts. */
    s = "run git-commit now";
    a = an_str(an, s, DALEEL_ANALYZE_INDEX);
    CHECK(a && a->n_tokens == 4, "offsets: compound parts");
    if (a && a->n_tokens == 4) {
        CHECK_STR(span(s, a, 1), "git", "offsets: first part");
        CHECK_STR(span(s, a, 2), "commit", "offsets: second part");
        CHECK(a->tokens[1].code && a->tokens[2].code &&
              a->tokens[1].compound == 1 && a->tokens[2].compound == 1,
              "offsets: parts flagged as code compound 1");
    }
    s = "use C++ and --force";
    a = an_str(an, s, DALEEL_ANALYZE_INDEX);
    if (a && a->n_tokens == 4) {
        CHECK_STR(span(s, a, 1), "C++", "offsets: suffix on the token");
        CHECK_STR(span(s, a, 3), "force", "offsets: option without hyphens");
    } else {
        CHECK(0, "offsets: 4 tokens in 'use C++ and --force'");
    }
    /* first_pos */
    const daleel_analysis *b;
    CHECK_INT(daleel_analyze(an, "a b c", 5, DALEEL_ANALYZE_INDEX, 100, &b),
              DALEEL_OK, "first_pos: analyzes");
    CHECK(b->n_tokens == 3 && b->tokens[0].pos == 100 &&
          b->tokens[2].pos == 102 && b->terms[0].pos == 100,
          "first_pos: positions start at 100");
}

static void test_bad_input(daleel_analyzer *an)
{
    const daleel_analysis *a;
    /* Every truncation of a multi-byte character at the very end. */
    const char *full[] = { "\xD9\x85", "\xE2\x80\x99", "\xF0\x9F\x98\x80",
                           "\xEF\xBB\xBF" };
    for (size_t k = 0; k < sizeof full / sizeof full[0]; k++) {
        for (size_t cut = 1; cut < strlen(full[k]); cut++) {
            char buf[16] = "abc ";
            memcpy(buf + 4, full[k], cut);
            CHECK_INT(daleel_analyze(an, buf, 4 + cut, DALEEL_ANALYZE_INDEX, 1,
                                     &a), DALEEL_OK, "truncated %zu/%zu",
                      cut, strlen(full[k]));
            CHECK(a->n_tokens == 1 && a->tokens[0].end == 3 &&
                  valid(a, 4 + cut, 1), "truncated %zu/%zu: only abc", cut,
                  strlen(full[k]));
        }
    }
    /* A truncated sequence glued to a word: the word ends before it. */
    CHECK_INT(daleel_analyze(an, "abc\xD9", 4, DALEEL_ANALYZE_INDEX, 1, &a),
              DALEEL_OK, "truncated glued");
    CHECK(a->n_tokens == 1 && a->tokens[0].end == 3, "truncated glued: abc");
    /* NUL bytes separate. */
    CHECK_INT(daleel_analyze(an, "ab\0cd\0", 6, DALEEL_ANALYZE_INDEX, 1, &a),
              DALEEL_OK, "NUL");
    CHECK(a->n_tokens == 2 && strcmp(a->terms[0].text, "ab") == 0 &&
          a->tokens[1].start == 3, "NUL: two tokens");
    /* Random bytes: deterministic pseudo-random input, many lengths. */
    unsigned long x = 12345;
    char buf[512];
    int ok = 1;
    for (int round = 0; round < 2000 && ok; round++) {
        size_t n = (size_t)(round % 509) + 1;
        for (size_t k = 0; k < n; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            unsigned v = (unsigned)(x >> 33);
            /* Mix ASCII, Arabic lead bytes, continuation and junk. */
            static const unsigned char pool[] = { 'a', 'z', '-', '.', '+',
                '#', ' ', '"', 0xD8, 0xD9, 0xDB, 0x80, 0xA7, 0x85, 0xE2,
                0xEF, 0xF0, 0xFF, 0xC0, 0x00, '7', '_', '/', 0xCC, 0x81 };
            buf[k] = (char)pool[v % sizeof pool];
        }
        for (int mode = 0; mode < 2 && ok; mode++) {
            if (daleel_analyze(an, buf, n, (daleel_analyze_mode)mode, 1, &a) !=
                    DALEEL_OK || !valid(a, n, 1))
                ok = 0;
        }
    }
    CHECK(ok, "random bytes: always valid output");

    /* Only marks, only tatweel, marks at the start. */
    a = an_str(an, "\xD9\x8E\xD9\x8F\xD9\x91", DALEEL_ANALYZE_INDEX);
    CHECK(a && a->n_tokens == 0, "only harakat: no token");
    a = an_str(an, "ـــ ـ", DALEEL_ANALYZE_INDEX);
    CHECK(a && a->n_tokens == 0, "only tatweel: no token");
    a = an_str(an, "\xCC\x81\xCC\x81" "abc", DALEEL_ANALYZE_INDEX);
    CHECK(a && a->n_tokens == 1 && a->tokens[0].start == 4 &&
          strcmp(a->terms[0].text, "abc") == 0,
          "combining marks at the start are dropped");
    a = an_str(an, "\xD9\x8E" "ملف", DALEEL_ANALYZE_INDEX);
    CHECK(a && a->n_tokens == 1 && strcmp(a->terms[0].text, "ملف") == 0,
          "a haraka at the start joins the word and is removed");
    a = an_str(an, "", DALEEL_ANALYZE_QUERY);
    CHECK(a && a->n_tokens == 0 && !a->prefix_last, "empty text");
    CHECK_INT(daleel_analyze(an, NULL, 0, DALEEL_ANALYZE_INDEX, 1, &a),
              DALEEL_OK, "NULL text of length 0");
    CHECK_INT(daleel_analyze(an, NULL, 3, DALEEL_ANALYZE_INDEX, 1, &a),
              DALEEL_EINVAL, "NULL text of length 3");
    CHECK_INT(daleel_analyze(an, "x", 1, DALEEL_ANALYZE_INDEX, 1, NULL),
              DALEEL_EINVAL, "NULL out");

    /* A 10,000-letter token is not indexed; its neighbours are, with
     * consecutive positions. */
    for (int ar = 0; ar < 2; ar++) {
        str b = {0};
        puts_(&b, ar ? "ملف " : "one ");
        for (int k = 0; k < 10000; k++)
            puts_(&b, ar ? "ب" : "x");
        puts_(&b, ar ? " مجلد" : " two");
        a = NULL;
        CHECK_INT(daleel_analyze(an, b.s, b.len, DALEEL_ANALYZE_INDEX, 1, &a),
                  DALEEL_OK, "long token (%s)", ar ? "ar" : "en");
        CHECK(a && a->n_tokens == 2 && a->tokens[1].pos == 2 &&
              valid(a, b.len, 1), "long token (%s): only its neighbours",
              ar ? "ar" : "en");
        free(b.s);
    }
    /* A letter with 10,000 marks (no stream-safe limit in the input). */
    {
        str b = {0};
        puts_(&b, "a");
        for (int k = 0; k < 10000; k++)
            puts_(&b, "\xCC\x81");
        puts_(&b, " b");
        a = NULL;
        CHECK_INT(daleel_analyze(an, b.s, b.len, DALEEL_ANALYZE_INDEX, 1, &a),
                  DALEEL_OK, "10,000 marks");
        CHECK(a && a->n_tokens == 1 && strcmp(a->terms[0].text, "b") == 0,
              "10,000 marks: the overlong word is dropped");
        b.len = 0;
        puts_(&b, "م");
        for (int k = 0; k < 10000; k++)
            puts_(&b, "\xD9\x8E");
        a = NULL;
        CHECK_INT(daleel_analyze(an, b.s, b.len, DALEEL_ANALYZE_INDEX, 1, &a),
                  DALEEL_OK, "10,000 harakat");
        CHECK(a && a->n_tokens == 1 && strcmp(a->terms[0].text, "م") == 0,
              "10,000 harakat: one letter left");
        free(b.s);
    }
}

static void test_big(daleel_analyzer *an)
{
    /* 10 MB of mixed text. */
    const char *unit = "نسخ الملفات بالإعدادات git-commit c++ ٢٠٢٢ Refunds. ";
    size_t ul = strlen(unit), n = (10u << 20) / ul;
    char *b = malloc(n * ul + 1);
    CHECK(b != NULL, "10 MB: allocates");
    if (!b)
        return;
    for (size_t k = 0; k < n; k++)
        memcpy(b + k * ul, unit, ul);
    const daleel_analysis *a;
    clock_t t0 = clock();
    CHECK_INT(daleel_analyze(an, b, n * ul, DALEEL_ANALYZE_INDEX, 1, &a),
              DALEEL_OK, "10 MB: analyzes");
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK_INT(a->n_tokens, n * 8, "10 MB: 8 tokens per sentence");
    CHECK(valid(a, n * ul, 1), "10 MB: structure");
    CHECK_STR(a->terms[a->n_terms - 1].text, "Zrefund", "10 MB: last term");
    printf("# 10 MB analyzed in %.2f s\n", secs);
    free(b);
}

static const daleel_term *find(const daleel_analysis *a, const char *text)
{
    for (size_t j = 0; j < a->n_terms; j++)
        if (strcmp(a->terms[j].text, text) == 0)
            return &a->terms[j];
    return NULL;
}

static void test_weights(daleel_analyzer *an)
{
    const daleel_analysis *a = an_str(an, "خدمه git-commit",
                                      DALEEL_ANALYZE_QUERY);
    CHECK(a != NULL, "weights: query");
    if (!a)
        return;
    const daleel_term *t;
    CHECK((t = find(a, "خدمه")) && t->kind == DALEEL_TERM_EXACT &&
          t->weight == 1.0, "weights: E 1.0");
    CHECK((t = find(a, "Zخدم")) && t->kind == DALEEL_TERM_STEM &&
          t->weight == 1.0, "weights: Z 1.0");
    CHECK((t = find(a, "XAخدم")) && t->kind == DALEEL_TERM_ALT &&
          t->weight == 0.5, "weights: ALT 0.5");
    CHECK((t = find(a, "XCgit-commit")) && t->kind == DALEEL_TERM_CODE &&
          t->weight == 1.5, "weights: CODE 1.5");
    CHECK((t = find(a, "commit")) && t->kind == DALEEL_TERM_EXACT,
          "weights: code part");
    CHECK(a->prefix_last && (t = find(a, "commit")) &&
          a->terms[a->n_terms - 1].kind == DALEEL_TERM_PREFIX &&
          a->terms[a->n_terms - 1].weight == 1.0,
          "weights: prefix of the last word 1.0");
    a = an_str(an, "خدمه git-commit", DALEEL_ANALYZE_INDEX);
    int all_one = a != NULL;
    for (size_t j = 0; a && j < a->n_terms; j++)
        if (a->terms[j].weight != 1.0 || a->terms[j].kind ==
                DALEEL_TERM_PREFIX)
            all_one = 0;
    CHECK(all_one, "weights: index terms all 1.0, no prefixes");
    CHECK(a && a->lang == DALEEL_LANG_AR, "analysis carries the language");
}

/* Z terms of a text, sorted and joined, for the property tests. */
static void z_terms(daleel_analyzer *an, const char *s, str *out)
{
    out->len = 0;
    put(out, "", 0);
    const daleel_analysis *a = an_str(an, s, DALEEL_ANALYZE_INDEX);
    if (!a)
        return;
    for (size_t j = 0; j < a->n_terms; j++) {
        if (a->terms[j].kind != DALEEL_TERM_STEM)
            continue;
        puts_(out, a->terms[j].text);
        puts_(out, " ");
    }
}

/* The Z terms of each token: " z1 z2 |" per token. */
static void z_by_token(daleel_analyzer *an, const char *s, str *out)
{
    out->len = 0;
    put(out, "", 0);
    const daleel_analysis *a = an_str(an, s, DALEEL_ANALYZE_INDEX);
    if (!a)
        return;
    for (size_t i = 0; i < a->n_tokens; i++) {
        puts_(out, " ");
        for (size_t j = 0; j < a->tokens[i].n_terms; j++) {
            const daleel_term *term = &a->terms[a->tokens[i].first_term + j];
            if (term->kind != DALEEL_TERM_STEM)
                continue;
            puts_(out, term->text);
            puts_(out, " ");
        }
        puts_(out, "|");
    }
}

/* Is every Z of each token of 'sub' (z_by_token) a Z of the same token of
 * 'all'?  The first token that is not, else "". */
static const char *z_subset(const char *sub, const char *all)
{
    static char bad[256];
    while (*sub && *all) {
        const char *se = strchr(sub, '|'), *ae = strchr(all, '|');
        if (!se || !ae)
            break;
        for (const char *w = sub + 1; w < se;) {
            const char *sp = memchr(w, ' ', (size_t)(se - w));
            if (!sp)
                break;
            int found = 0;
            size_t wl = (size_t)(sp - w);
            for (const char *p = all; p + wl + 1 < ae; p++)
                if (p[0] == ' ' && memcmp(p + 1, w, wl) == 0 &&
                    p[wl + 1] == ' ')
                    found = 1;
            if (!found) {
                snprintf(bad, sizeof bad, "%.*s", (int)(se - sub), sub);
                return bad;
            }
            w = sp + 1;
        }
        sub = se + 1;
        all = ae + 1;
    }
    return *sub || *all ? "(token counts differ)" : "";
}

/* Remove the harakat U+064B-U+0652 and replace أ إ آ with ا. */
static void plain(const char *s, str *out, int marks, int hamza)
{
    out->len = 0;
    put(out, "", 0);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (marks && p[0] == 0xD9 && p[1] >= 0x8B && p[1] <= 0x92) {
            p += 2;
            continue;
        }
        if (hamza && p[0] == 0xD8 && (p[1] == 0xA3 || p[1] == 0xA5 ||
                                      p[1] == 0xA2)) {
            put(out, "ا", 2);
            p += 2;
            continue;
        }
        put(out, (const char *)p, 1);
        p++;
    }
}

static void test_properties(daleel_analyzer *an)
{
    static const char *const texts[] = {
        "إِعَادَةُ تَعْيِينِ كَلِمَةِ المُرُورِ",
        "أَنْشِئْ مُجَلَّدًا جَدِيدًا ثُمَّ انْسَخِ المَلَفَّاتِ إِلَيْهِ",
        "يُمْكِنُكَ اسْتِرْدَادُ المَبْلَغِ خِلَالَ أُسْبُوعٍ",
        "اِحْذِفِ الإِعْدَادَاتِ القَدِيمَةَ وَأَعِدْ تَشْغِيلَ الخِدْمَةِ",
        "التّذاكر المفتوحة لدى فريق الدعم الفنّي",
        "أَيْنَ أَجِدُ سِجِلَّ الأَخْطَاءِ؟",
        "الأسئلة الشائعة حول الإشعارات والتنبيهات",
        "آلِيَّةُ الإِرْجَاعِ وَالاسْتِبْدَالِ",
    };
    str a = {0}, b = {0}, c = {0}, v = {0};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        const char *t = texts[k];
        z_terms(an, t, &a);
        z_terms(an, t, &b);
        CHECK_STR(b.s, a.s, "deterministic: %s", t);
        v.len = 0;
        puts_(&v, rendered(an, t, DALEEL_ANALYZE_QUERY));
        CHECK_STR(rendered(an, t, DALEEL_ANALYZE_QUERY), v.s,
                  "deterministic query: %s", t);
        plain(t, &v, 1, 0);
        z_terms(an, v.s, &c);
        CHECK_STR(c.s, a.s, "diacritics do not change Z: %s", t);
        /* A word with a hamza on the alef where an article would be
         * (إليه, آلية) has a second Z, the one its hamza-dropped spelling
         * gets; otherwise the Z terms are the same. */
        z_by_token(an, t, &a);
        plain(t, &v, 1, 1);
        z_by_token(an, v.s, &c);
        CHECK_STR(z_subset(c.s, a.s), "",
                  "hamza-dropped alef keeps to the Z terms: %s", t);
    }
    /* The same analyzer and a fresh one agree, after other work. */
    daleel_analyzer *fresh = daleel_analyzer_new();
    CHECK(fresh != NULL, "second analyzer");
    if (fresh) {
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
            z_terms(an, texts[k], &a);
            z_terms(fresh, texts[k], &b);
            CHECK_STR(b.s, a.s, "two analyzers agree: %s", texts[k]);
        }
        daleel_analyzer_free(fresh);
    }
    /* The caches never change a result: 20,000 distinct made-up words
     * (more than the caches hold, so slots get reused), analyzed by a warm
     * analyzer twice and by a fresh one. */
    static const char *const letters[] = { "ا", "ب", "ت", "ل", "م", "و",
        "ف", "ك", "ة", "ي", "ن", "س", "أ", "ى" };
    str big = {0};
    unsigned long x = 7;
    for (int w = 0; w < 20000; w++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        int len = 2 + (int)((x >> 40) % 6);
        for (int k = 0; k < len; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            puts_(&big, letters[(x >> 33) % 14]);
        }
        puts_(&big, (x >> 20) % 7 ? " " : " refunds running ");
    }
    fresh = daleel_analyzer_new();
    const daleel_analysis *r;
    for (int mode = 0; mode < 2 && fresh; mode++) {
        for (int round = 0; round < 2; round++) {
            CHECK_INT(daleel_analyze(an, big.s, big.len,
                                     (daleel_analyze_mode)mode, 1, &r),
                      DALEEL_OK, "cache test: warm analyzer");
            render(r, (daleel_analyze_mode)mode, &a);
        }
        daleel_analyzer *f2 = daleel_analyzer_new();
        CHECK_INT(daleel_analyze(f2, big.s, big.len, (daleel_analyze_mode)mode,
                                 1, &r), DALEEL_OK, "cache test: fresh");
        render(r, (daleel_analyze_mode)mode, &b);
        CHECK(a.len > 100000 && strcmp(a.s, b.s) == 0,
              "caches do not change the terms (%s mode)",
              mode ? "query" : "index");
        daleel_analyzer_free(f2);
    }
    daleel_analyzer_free(fresh);
    free(big.s);
    free(a.s);
    free(b.s);
    free(c.s);
    free(v.s);
}

static void test_normal_form(daleel_analyzer *an)
{
    char *f = NULL, *g = NULL;
    CHECK_INT(daleel_normal_form(an, "استرداد المبلغ", strlen("استرداد المبلغ"),
                                 &f), DALEEL_OK, "normal form");
    CHECK_INT(daleel_normal_form(an, "استرداد مبلغ", strlen("استرداد مبلغ"), &g),
              DALEEL_OK, "normal form 2");
    CHECK(f && g && strcmp(f, g) == 0, "normal form: with and without ال");
    CHECK_STR(f, "استرداد مبلغ", "normal form: sorted stems");
    free(f);
    free(g);
    const char *q = "How do I get a Refund?  refunds";
    CHECK_INT(daleel_normal_form(an, q, strlen(q), &f), DALEEL_OK, "nf en");
    CHECK_STR(f, "get refund", "normal form: dropped words gone, unique");
    free(f);
    CHECK_INT(daleel_normal_form(an, "كيف", strlen("كيف"), &f), DALEEL_OK,
              "nf only a question word");
    CHECK_STR(f, "كيف", "normal form: a lone question word is kept");
    free(f);
    CHECK_INT(daleel_normal_form(an, "  ", 2, &f), DALEEL_OK, "nf blank");
    CHECK_STR(f, "", "normal form: blank text");
    free(f);
    CHECK_INT(daleel_normal_form(an, "x", 1, NULL), DALEEL_EINVAL,
              "normal form: NULL out");
}

static void test_normalize_word(daleel_analyzer *an)
{
    char out[DALEEL_MAX_TERM + 1];
    size_t n = daleel_normalize_word(an, "الإعْدادات", strlen("الإعْدادات"),
                                     out, sizeof out);
    CHECK_STR(out, "الاعدادات", "normalize word: Arabic");
    CHECK_INT(n, strlen("الاعدادات"), "normalize word: length");
    n = daleel_normalize_word(an, "Refunds", 7, out, sizeof out);
    CHECK_STR(out, "refunds", "normalize word: English lower-cased, unstemmed");
    n = daleel_normalize_word(an, "خدمة", strlen("خدمة"), out, sizeof out);
    CHECK_STR(out, "خدمه", "normalize word: ة folded");
    CHECK_INT(daleel_normalize_word(an, "...", 3, out, sizeof out), 0,
              "normalize word: no word");
    CHECK_STR(out, "", "normalize word: empty result");
    CHECK_INT(daleel_normalize_word(an, "refund", 6, out, 4), 0,
              "normalize word: does not fit");
}

static void test_lang(void)
{
    CHECK_INT(daleel_guess_lang("كيف أسترد المبلغ", strlen("كيف أسترد المبلغ")),
              DALEEL_LANG_AR, "lang: Arabic");
    CHECK_INT(daleel_guess_lang("How to refund", 13), DALEEL_LANG_EN,
              "lang: English");
    CHECK_INT(daleel_guess_lang("123 -- !!", 9), DALEEL_LANG_NONE,
              "lang: no letters");
    const char *s = "استخدم الأمر `git commit --amend --no-edit` لتعديل "
                    "node.js و package.json و git-rebase";
    CHECK_INT(daleel_guess_lang(s, strlen(s)), DALEEL_LANG_AR,
              "lang: code spans and compounds ignored");
    s = "ثبّت git-commit node.js c++ --recursive";
    CHECK_INT(daleel_guess_lang(s, strlen(s)), DALEEL_LANG_AR,
              "lang: the Latin letters of code compounds do not count");
    s = "ثبّت git commit node js";
    CHECK_INT(daleel_guess_lang(s, strlen(s)), DALEEL_LANG_EN,
              "lang: the same Latin words as prose count");
    s = "Run `كود عربي طويل جدا جدا جدا` now";
    CHECK_INT(daleel_guess_lang(s, strlen(s)), DALEEL_LANG_EN,
              "lang: Arabic inside code ignored");
    CHECK_STR(daleel_lang_code(DALEEL_LANG_AR), "ar", "lang code ar");
    CHECK_INT(daleel_lang_from_code("EN"), DALEEL_LANG_EN, "lang from EN");
}

static void test_query_flags(daleel_analyzer *an)
{
    const daleel_analysis *a = an_str(an, "كيف \"إلى ملف\" الإعدادات",
                                      DALEEL_ANALYZE_QUERY);
    CHECK(a && a->n_tokens == 4, "query flags: 4 tokens");
    if (!a || a->n_tokens != 4)
        return;
    CHECK(a->tokens[0].stop && a->tokens[0].dropped, "question word dropped");
    CHECK(a->tokens[1].stop && !a->tokens[1].dropped &&
          a->tokens[1].quote == 1, "quoted stopword kept");
    CHECK(a->tokens[2].quote == 1 && !a->tokens[3].quote, "quote ends");
    CHECK(a->prefix_last, "prefix_last without a final space");
    a = an_str(an, "ملف ", DALEEL_ANALYZE_QUERY);
    CHECK(a && !a->prefix_last, "no prefix_last after a space");
    a = an_str(an, "ملف؟", DALEEL_ANALYZE_QUERY);
    CHECK(a && !a->prefix_last, "no prefix_last after punctuation");
    a = an_str(an, "ملف\xE2\x80\x8F", DALEEL_ANALYZE_QUERY);
    CHECK(a && a->prefix_last, "prefix_last: a trailing RLM is invisible");
    a = an_str(an, "كيف ملف", DALEEL_ANALYZE_INDEX);
    CHECK(a && !a->tokens[0].stop && !a->prefix_last,
          "index mode: question words are words, no prefix");
}

int main(void)
{
    daleel_analyzer *an = daleel_analyzer_new();
    CHECK(an != NULL, "analyzer_new");
    if (!an)
        return harness_done();
    run_golden(an, "tests/data/analyzer_ar.tsv", DALEEL_ANALYZE_INDEX, 120);
    run_golden(an, "tests/data/analyzer_en.tsv", DALEEL_ANALYZE_INDEX, 40);
    run_golden(an, "tests/data/analyzer_query.tsv", DALEEL_ANALYZE_QUERY, 30);
    if (getenv("DALEEL_REGEN")) {
        daleel_analyzer_free(an);
        return 0;
    }
    test_offsets(an);
    test_bad_input(an);
    test_big(an);
    test_weights(an);
    test_properties(an);
    test_normal_form(an);
    test_normalize_word(an);
    test_lang();
    test_query_flags(an);
    daleel_analyzer_free(an);
    daleel_analyzer_free(NULL);
    return harness_done();
}

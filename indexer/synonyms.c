/* synonyms.c: the writers' synonyms file (synonyms.txt at the root of the
 * articles folder) -> pairs for Xapian's synonym table.  One group a line:
 *
 *     en: refund = money back = reimbursement
 *     ar: استرداد = استرجاع = إرجاع المبلغ
 *
 * Each phrase goes through the analyzer exactly as article text does, and
 * its key is the space-joined stem terms of its non-stop words ("Zrefund",
 * "Zmoney Zback"): the search side builds the same keys from a query, so a
 * query matches a group whatever inflection the writer or reader used.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "daleel/buf.h"
#include "ix.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

/* The key of one phrase: '*out' is NULL when no word of it is searchable
 * (only stopwords or punctuation).  The caller frees it. */
static daleel_status phrase_key(daleel_analyzer *an, const char *s, size_t len,
                                char **out)
{
    const daleel_analysis *res;
    daleel_buf b;

    *out = NULL;
    daleel_status st = daleel_analyze(an, s, len, DALEEL_ANALYZE_INDEX, 1, &res);
    if (st != DALEEL_OK)
        return st;
    daleel_buf_init(&b, 4096);
    for (size_t i = 0; i < res->n_tokens; i++) {
        const daleel_token *tok = &res->tokens[i];
        if (tok->stop)
            continue;
        /* One stem per word: the first Z term is the word's stem. */
        for (size_t k = 0; k < tok->n_terms; k++) {
            const daleel_term *t = &res->terms[tok->first_term + k];
            if (t->kind != DALEEL_TERM_STEM)
                continue;
            if (b.len)
                daleel_buf_putc(&b, ' ');
            daleel_buf_append(&b, t->text, t->len);
            break;
        }
    }
    if (b.err == DALEEL_ENOMEM) {
        daleel_buf_free(&b);
        return DALEEL_ENOMEM;
    }
    /* ETOOBIG: a "phrase" of hundreds of words is no synonym; treat it as
     * having no key rather than store a truncated one. */
    if (b.err != DALEEL_OK) {
        daleel_buf_free(&b);
        return DALEEL_OK;
    }
    *out = daleel_buf_steal(&b, NULL);
    return DALEEL_OK;
}

static daleel_status add_pair(ix_synonyms *s, const char *key, const char *syn)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **k = realloc(s->keys, cap * sizeof *k);
        if (!k)
            return DALEEL_ENOMEM;
        s->keys = k;
        char **v = realloc(s->syns, cap * sizeof *v);
        if (!v)
            return DALEEL_ENOMEM;
        s->syns = v;
        s->cap = cap;
    }
    char *a = strdup(key), *b = strdup(syn);
    if (!a || !b) {
        free(a);
        free(b);
        return DALEEL_ENOMEM;
    }
    s->keys[s->n] = a;
    s->syns[s->n] = b;
    s->n++;
    return DALEEL_OK;
}

#define MAX_MEMBERS 64

/* One non-blank, non-comment line [s, e) at 'line'. */
static daleel_status parse_line(const char *s, const char *e, int line,
                                const char *path, daleel_analyzer *an,
                                ix_synonyms *out, ix_errors *errs)
{
    char *keys[MAX_MEMBERS];
    size_t n = 0;
    daleel_status st = DALEEL_OK;

    const char *colon = memchr(s, ':', (size_t)(e - s));
    if (!colon) {
        ix_error_add(errs, path, line,
                     "expected 'en: phrase = phrase' or 'ar: phrase = phrase'");
        return DALEEL_OK;
    }
    const char *ls = s, *le = colon;
    trim(&ls, &le);
    char code[8];
    size_t cl = (size_t)(le - ls);
    if (cl == 0 || cl >= sizeof code) {
        ix_error_add(errs, path, line, "unknown language '%.*s' (expected en or ar)",
                     (int)(cl > 40 ? 40 : cl), ls);
        return DALEEL_OK;
    }
    memcpy(code, ls, cl);
    code[cl] = '\0';
    if (daleel_lang_from_code(code) == DALEEL_LANG_NONE) {
        ix_error_add(errs, path, line, "unknown language '%s' (expected en or ar)",
                     code);
        return DALEEL_OK;
    }

    const char *p = colon + 1;
    for (;;) {
        const char *q = memchr(p, '=', (size_t)(e - p));
        const char *ms = p, *me = q ? q : e;
        trim(&ms, &me);
        if (ms == me) {
            ix_error_add(errs, path, line, "empty phrase in a synonym group");
            goto out;
        }
        if (n == MAX_MEMBERS) {
            ix_error_add(errs, path, line, "more than %d phrases in one group",
                         MAX_MEMBERS);
            goto out;
        }
        st = phrase_key(an, ms, (size_t)(me - ms), &keys[n]);
        if (st != DALEEL_OK)
            goto out;
        if (!keys[n]) {
            ix_error_add(errs, path, line, "'%.*s' has no searchable words",
                         (int)(me - ms > 80 ? 80 : me - ms), ms);
            goto out;
        }
        n++;
        if (!q)
            break;
        p = q + 1;
    }
    if (n < 2) {
        ix_error_add(errs, path, line,
                     "a synonym group needs two phrases or more, joined by '='");
        goto out;
    }

    for (size_t i = 0; i < n && st == DALEEL_OK; i++)
        for (size_t j = 0; j < n && st == DALEEL_OK; j++)
            if (strcmp(keys[i], keys[j]) != 0)
                st = add_pair(out, keys[i], keys[j]);
    if (st == DALEEL_OK)
        out->n_groups++;
out:
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    return st;
}

daleel_status ix_synonyms_parse(const char *data, size_t len, const char *path,
                                daleel_analyzer *an, ix_synonyms *out,
                                ix_errors *errs)
{
    memset(out, 0, sizeof *out);
    const char *p = data, *end = data + len;
    int line = 0;

    /* A UTF-8 byte order mark, as some editors write. */
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *e = nl ? nl : end;
        line++;
        p = nl ? nl + 1 : end;
        trim(&s, &e);
        /* Only whole-line comments: '#' inside a phrase is text ("c#"). */
        if (s == e || *s == '#')
            continue;
        daleel_status st = parse_line(s, e, line, path, an, out, errs);
        if (st != DALEEL_OK) {
            ix_synonyms_free(out);
            return st;
        }
    }
    return DALEEL_OK;
}

void ix_synonyms_free(ix_synonyms *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->keys[i]);
        free(s->syns[i]);
    }
    free(s->keys);
    free(s->syns);
    memset(s, 0, sizeof *s);
}

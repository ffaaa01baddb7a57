/* document.c: what an article becomes in the index (DESIGN.md "The
 * index").  The analyzer's terms of the title, the headings and the body,
 * with positions for the exact forms; the title's and headings' terms
 * again under "S" so the search can weight them; filter terms; values for
 * sorting, facets, collapsing and skipping unchanged files; the document
 * data, a JSON object from which the server shows a result or the whole
 * article without reading the Markdown again; and the same fields a hit
 * shows in a record a search reads without inflating or parsing.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "daleel/document.h"

/* Xapian's limit on a term's length in bytes (glass backend). */
#define MAX_TERM_BYTES 245

/* Positions left free between fields and sections, so a phrase cannot
 * match across the end of one and the start of the next. */
#define POS_GAP DALEEL_DOC_POS_GAP

/* Within-document frequency added per occurrence, by field: BM25 then
 * prefers articles whose title, then headings, contain the query's words. */
#define WDF_TITLE DALEEL_DOC_WDF_TITLE
#define WDF_HEADING DALEEL_DOC_WDF_HEADING
#define WDF_BODY DALEEL_DOC_WDF_BODY

/* Words kept for the spelling table, in bytes. */
#define SPELL_MIN 3
#define SPELL_MAX 40

/* Run 'expr', a daleel_status; on failure leave through 'out'. */
#define TRY(expr)                  \
    do {                           \
        st = (expr);               \
        if (st != DALEEL_OK)       \
            goto out;              \
    } while (0)

typedef struct {
    daleel_doc *doc;
    daleel_analyzer *an;
    unsigned next_pos;    /* first position of the next field */
} builder;

/* Add 'text' (NUL-terminated, may be NULL) as one field: every analyzer
 * term with 'wdf' per occurrence, exact forms with their positions; with
 * 'weighted' the same terms again with the title prefix "S". */
static daleel_status add_field(builder *b, const char *text, unsigned wdf,
                               int weighted)
{
    if (!text || !*text)
        return DALEEL_OK;
    const daleel_analysis *res;
    daleel_status st = daleel_analyze(b->an, text, strlen(text),
                                      DALEEL_ANALYZE_INDEX, b->next_pos, &res);
    if (st != DALEEL_OK)
        return st;
    char sterm[MAX_TERM_BYTES + 1];
    for (size_t i = 0; i < res->n_terms; i++) {
        const daleel_term *t = &res->terms[i];
        if (t->len == 0 || t->len > MAX_TERM_BYTES)
            continue;
        unsigned pos = t->kind == DALEEL_TERM_EXACT ? t->pos : 0;
        st = daleel_doc_add_term(b->doc, t->text, t->len, pos, wdf);
        if (st != DALEEL_OK && st != DALEEL_EINVAL)
            return st;
        if (!weighted || t->len + 1 > MAX_TERM_BYTES)
            continue;
        sterm[0] = DALEEL_PREFIX_TITLE[0];
        memcpy(sterm + 1, t->text, t->len);
        st = daleel_doc_add_term(b->doc, sterm, t->len + 1, pos, wdf);
        if (st != DALEEL_OK && st != DALEEL_EINVAL)
            return st;
    }
    unsigned last = b->next_pos;
    for (size_t i = 0; i < res->n_tokens; i++)
        if (res->tokens[i].pos > last)
            last = res->tokens[i].pos;
    b->next_pos = last + POS_GAP;
    return DALEEL_OK;
}

/* Add the filter term 'prefix' + 'value' (nothing when 'value' is empty
 * or the term would be too long to index). */
static daleel_status add_filter(daleel_doc *doc, const char *prefix,
                                const char *value)
{
    if (!value || !*value)
        return DALEEL_OK;
    size_t pl = strlen(prefix), vl = strlen(value);
    if (pl + vl > MAX_TERM_BYTES)
        return DALEEL_OK;
    char term[MAX_TERM_BYTES + 1];
    memcpy(term, prefix, pl);
    memcpy(term + pl, value, vl);
    term[pl + vl] = '\0';
    return daleel_doc_add_boolean(doc, term);
}

char *daleel_document_tag(const char *tag)
{
    utf8proc_uint8_t *out = NULL;
    /* Case-folded NFC: "Refunds", "REFUNDS" and "refunds" are one tag,
     * and Arabic tags pass through unchanged. */
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)tag, 0, &out,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                                      UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n < 0)
        return NULL;
    return (char *)out;
}

static daleel_status set_str_value(daleel_doc *doc, unsigned slot,
                                   const char *v)
{
    if (!v || !*v)
        return DALEEL_OK;
    return daleel_doc_set_value(doc, slot, v, strlen(v));
}

/* A JSON string for 's' (NULL becomes ""); text that is not valid UTF-8,
 * which the article parser does not let through, becomes "" rather than
 * failing the document. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("");
}

/* Build the document data (see document.h).  Returns NULL on OOM. */
static char *build_data(const daleel_article *a, size_t *len)
{
    json_t *o = json_object();
    json_t *tags = json_array();
    json_t *secs = json_array();
    char *out = NULL;
    int bad = !o || !tags || !secs;

    for (size_t i = 0; !bad && i < a->n_tags; i++)
        bad |= json_array_append_new(tags, jstr(a->tags[i])) != 0;
    for (size_t i = 0; !bad && i < a->n_sections; i++) {
        const daleel_section *s = &a->sections[i];
        json_t *so = json_object();
        if (!so) {
            bad = 1;
            break;
        }
        bad |= json_object_set_new(so, "id", jstr(s->id)) != 0;
        bad |= json_object_set_new(so, "heading", jstr(s->heading)) != 0;
        bad |= json_object_set_new(so, "level", json_integer(s->level)) != 0;
        bad |= json_object_set_new(so, "text", jstr(s->text)) != 0;
        bad |= json_array_append_new(secs, so) != 0;
    }
    if (!bad) {
        bad |= json_object_set_new(o, "slug", jstr(a->slug)) != 0;
        bad |= json_object_set_new(o, "title", jstr(a->title)) != 0;
        bad |= json_object_set_new(o, "lang", jstr(daleel_lang_code(a->lang))) != 0;
        bad |= json_object_set_new(o, "category", jstr(a->category)) != 0;
        bad |= json_object_set(o, "tags", tags) != 0;
        bad |= json_object_set_new(o, "summary", jstr(a->summary)) != 0;
        bad |= json_object_set_new(o, "path", jstr(a->path)) != 0;
        bad |= json_object_set_new(o, "translation", jstr(a->translation)) != 0;
        bad |= json_object_set_new(o, "updated",
                                   json_integer((json_int_t)a->updated)) != 0;
        bad |= json_object_set_new(o, "audience",
                                   jstr(a->internal ? "internal" : "public")) != 0;
        bad |= json_object_set(o, "sections", secs) != 0;
    }
    if (!bad) {
        out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (out)
            *len = strlen(out);
    }
    json_decref(tags);
    json_decref(secs);
    json_decref(o);
    return out;
}

/* The hit record (document.h) under construction. */
typedef struct {
    char *v;
    size_t len, cap;
    int oom;
} record;

static void rec_put(record *r, const void *p, size_t n)
{
    if (r->oom)
        return;
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 1024;
        while (cap < r->len + n)
            cap *= 2;
        char *v = realloc(r->v, cap);
        if (!v) {
            r->oom = 1;
            return;
        }
        r->v = v;
        r->cap = cap;
    }
    memcpy(r->v + r->len, p, n);
    r->len += n;
}

static void rec_u32(record *r, size_t n)
{
    unsigned char b[4] = {(unsigned char)n, (unsigned char)(n >> 8),
                          (unsigned char)(n >> 16), (unsigned char)(n >> 24)};
    rec_put(r, b, 4);
}

static void rec_str(record *r, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    rec_u32(r, n);
    rec_put(r, s ? s : "", n);
    rec_put(r, "", 1);
}

/* Build the hit record (document.h).  NULL on OOM. */
static char *build_record(const daleel_article *a, size_t *len)
{
    record r = {0};
    char updated[24];
    snprintf(updated, sizeof updated, "%lld", (long long)a->updated);
    rec_put(&r, "D1", 2);
    rec_str(&r, a->slug);
    rec_str(&r, a->title);
    rec_str(&r, daleel_lang_code(a->lang));
    rec_str(&r, a->category);
    rec_str(&r, a->summary);
    rec_str(&r, a->path);
    rec_str(&r, a->translation);
    rec_str(&r, a->internal ? "internal" : "public");
    rec_str(&r, updated);
    rec_u32(&r, a->n_sections);
    for (size_t i = 0; i < a->n_sections; i++) {
        rec_str(&r, a->sections[i].id);
        rec_str(&r, a->sections[i].heading);
        rec_str(&r, a->sections[i].text);
    }
    if (r.oom) {
        free(r.v);
        return NULL;
    }
    *len = r.len;
    return r.v;
}

daleel_status daleel_document_build(const daleel_article *a,
                                    daleel_analyzer *an, const char *hash,
                                    daleel_doc **out)
{
    daleel_status st = DALEEL_ENOMEM;
    builder b = {daleel_doc_new(), an, 1};
    char *data = NULL, *tag = NULL;
    size_t len = 0;

    *out = NULL;
    if (!b.doc)
        goto out;

    /* Filter terms. */
    TRY(add_filter(b.doc, DALEEL_PREFIX_ID, a->slug));
    TRY(add_filter(b.doc, DALEEL_PREFIX_LANG, daleel_lang_code(a->lang)));
    TRY(add_filter(b.doc, DALEEL_PREFIX_CATEGORY, a->category));
    TRY(add_filter(b.doc, DALEEL_PREFIX_AUDIENCE,
                   a->internal ? "internal" : "public"));
    TRY(add_filter(b.doc, DALEEL_PREFIX_TRANS, a->translation));
    for (size_t i = 0; i < a->n_tags; i++) {
        /* NULL only for invalid UTF-8, which the article parser rejects,
         * or OOM, which the next allocation reports. */
        tag = daleel_document_tag(a->tags[i]);
        if (tag)
            TRY(add_filter(b.doc, DALEEL_PREFIX_TAG, tag));
        free(tag);
        tag = NULL;
    }

    /* Text: the title, then each section's heading and body, each its own
     * field so phrases stay inside one. */
    TRY(add_field(&b, a->title, WDF_TITLE, 1));
    for (size_t i = 0; i < a->n_sections; i++) {
        TRY(add_field(&b, a->sections[i].heading, WDF_HEADING, 1));
        TRY(add_field(&b, a->sections[i].text, WDF_BODY, 0));
    }
    /* A summary written in the front matter describes the article in the
     * writer's words; one taken from the first paragraph is already in. */
    if (a->summary && *a->summary && !(a->text && strstr(a->text, a->summary)))
        TRY(add_field(&b, a->summary, WDF_BODY, 0));
    /* Tags as words, too: a reader searching "refunds" finds the article
     * tagged so. */
    for (size_t i = 0; i < a->n_tags; i++)
        TRY(add_field(&b, a->tags[i], WDF_BODY, 0));

    /* Values. */
    TRY(daleel_doc_set_number(b.doc, DALEEL_SLOT_UPDATED, (double)a->updated));
    TRY(set_str_value(b.doc, DALEEL_SLOT_LANG, daleel_lang_code(a->lang)));
    TRY(set_str_value(b.doc, DALEEL_SLOT_CATEGORY, a->category));
    TRY(set_str_value(b.doc, DALEEL_SLOT_HASH, hash));
    TRY(set_str_value(b.doc, DALEEL_SLOT_HTML, a->html));
    TRY(set_str_value(b.doc, DALEEL_SLOT_SLUG, a->slug));
    TRY(set_str_value(b.doc, DALEEL_SLOT_PATH, a->path));
    TRY(set_str_value(b.doc, DALEEL_SLOT_TRANSLATION, a->translation));

    st = DALEEL_ENOMEM;
    data = build_data(a, &len);
    if (!data)
        goto out;
    TRY(daleel_doc_set_data(b.doc, data, len));
    free(data);
    st = DALEEL_ENOMEM;
    data = build_record(a, &len);
    if (!data)
        goto out;
    TRY(daleel_doc_set_value(b.doc, DALEEL_SLOT_HIT, data, len));

    *out = b.doc;
    b.doc = NULL;
    st = DALEEL_OK;
out:
    free(tag);
    free(data);
    daleel_doc_free(b.doc);
    return st;
}

/* ---- Spelling ---------------------------------------------------------- */

typedef struct {
    char **v;
    size_t n, cap;
} wordlist;

static int word_ok(const char *s, size_t len)
{
    if (len < SPELL_MIN || len > SPELL_MAX)
        return 0;
    /* Alphabetic: ASCII letters, or any non-ASCII (Arabic letters; the
     * analyzer has already split off digits and punctuation). */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return 1;
}

static daleel_status collect(wordlist *w, daleel_analyzer *an, const char *text)
{
    if (!text || !*text)
        return DALEEL_OK;
    const daleel_analysis *res;
    daleel_status st = daleel_analyze(an, text, strlen(text),
                                      DALEEL_ANALYZE_INDEX, 1, &res);
    if (st != DALEEL_OK)
        return st;
    for (size_t i = 0; i < res->n_tokens; i++) {
        const daleel_token *tok = &res->tokens[i];
        if (tok->stop || tok->code)
            continue;
        for (size_t j = tok->first_term; j < tok->first_term + tok->n_terms &&
                                         j < res->n_terms; j++) {
            const daleel_term *t = &res->terms[j];
            if (t->kind != DALEEL_TERM_EXACT || !word_ok(t->text, t->len))
                continue;
            if (w->n == w->cap) {
                size_t cap = w->cap ? w->cap * 2 : 256;
                char **v = realloc(w->v, cap * sizeof *v);
                if (!v)
                    return DALEEL_ENOMEM;
                w->v = v;
                w->cap = cap;
            }
            w->v[w->n] = strndup(t->text, t->len);
            if (!w->v[w->n])
                return DALEEL_ENOMEM;
            w->n++;
        }
    }
    return DALEEL_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

daleel_status daleel_document_spelling(const daleel_article *a,
                                       daleel_analyzer *an,
                                       daleel_status (*cb)(void *ctx,
                                                           const char *word),
                                       void *ctx)
{
    wordlist w = {NULL, 0, 0};
    daleel_status st = collect(&w, an, a->title);
    for (size_t i = 0; st == DALEEL_OK && i < a->n_sections; i++) {
        st = collect(&w, an, a->sections[i].heading);
        if (st == DALEEL_OK)
            st = collect(&w, an, a->sections[i].text);
    }
    if (st == DALEEL_OK && w.n) {
        /* Once per article: the spelling table's frequencies then count
         * articles, so one long page cannot outvote many short ones. */
        qsort(w.v, w.n, sizeof *w.v, cmp_str);
        for (size_t i = 0; st == DALEEL_OK && i < w.n; i++)
            if (i == 0 || strcmp(w.v[i], w.v[i - 1]) != 0)
                st = cb(ctx, w.v[i]);
    }
    for (size_t i = 0; i < w.n; i++)
        free(w.v[i]);
    free(w.v);
    return st;
}

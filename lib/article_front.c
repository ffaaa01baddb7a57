/* article_front.c: the YAML front matter of an article, read with libyaml's
 * event API.  It finds the block between a first line "---" and a closing
 * "---" (or "..."), checks that it is a mapping and picks the keys Daleel
 * knows (docs/articles.md); every other key is ignored, so DocFX or Jekyll
 * front matter indexes as it is.
 *
 * Events rather than yaml_parser_load(): libyaml's scanner is quadratic in
 * the nesting depth of flow collections ("[[[[..."), and a loaded document
 * is only available once all of it has been scanned.  Reading events lets
 * us stop at MAX_DEPTH, so a hostile front matter costs microseconds.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "article_priv.h"

/* The front matter's first line is line 1 of the file, so the YAML text
 * starts on line 2; libyaml counts lines from 0. */
#define YAML_FIRST_LINE 2

/* Front matter is a flat mapping; nothing real nests this deep. */
#define MAX_DEPTH 32
#define MAX_TAGS 100

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Does the line [s, e) hold only 'mark' (3 bytes) and trailing blanks? */
static int is_fence_line(const char *s, const char *e, const char *mark)
{
    if (e - s < 3 || memcmp(s, mark, 3) != 0)
        return 0;
    for (s += 3; s < e; s++)
        if (!is_blank(*s))
            return 0;
    return 1;
}

/* The event stream, with the nesting depth of the current event. */
typedef struct {
    yaml_parser_t parser;
    yaml_event_t ev;
    int has_ev;        /* 'ev' holds an event to delete */
    int depth;
    daleel_article_error *err;
} reader;

static int ev_line(const yaml_event_t *ev)
{
    return YAML_FIRST_LINE + (int)ev->start_mark.line;
}

static const char *ev_kind(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SEQUENCE_START_EVENT: return "a list";
    case YAML_MAPPING_START_EVENT: return "a mapping";
    case YAML_ALIAS_EVENT: return "an alias";
    default: return "text";
    }
}

static int is_start(const yaml_event_t *ev)
{
    return ev->type == YAML_SEQUENCE_START_EVENT ||
           ev->type == YAML_MAPPING_START_EVENT;
}

/* YAML 1.2 core schema: a plain "", "~" or "null" is null.  Daleel treats a
 * null value as if the key were absent, so "summary:" with nothing after it
 * does not blank the summary. */
static int is_null(const yaml_event_t *ev)
{
    if (ev->type != YAML_SCALAR_EVENT ||
        ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)ev->data.scalar.value;
    return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
           strcasecmp(v, "null") == 0;
}

/* A libyaml error as one of our messages. */
static daleel_status yaml_fail(const yaml_parser_t *p,
                               daleel_article_error *err)
{
    if (p->error == YAML_MEMORY_ERROR)
        return DALEEL_ENOMEM;
    const char *problem = p->problem ? p->problem : "unknown error";
    int line = YAML_FIRST_LINE + (int)p->problem_mark.line;
    /* The context says where the construct that went wrong began, which
     * is often the line to fix ("tags: [a, b" with no "]"). */
    if (p->context)
        return dli_article_fail(err, line, -1,
                                "front matter: malformed YAML: %s (%s "
                                "that starts on line %d)", problem,
                                p->context,
                                YAML_FIRST_LINE + (int)p->context_mark.line);
    return dli_article_fail(err, line, -1, "front matter: malformed YAML: %s",
                            problem);
}

/* Read the next event into r->ev, deleting the previous one. */
static daleel_status next(reader *r)
{
    if (r->has_ev)
        yaml_event_delete(&r->ev);
    r->has_ev = 0;
    if (!yaml_parser_parse(&r->parser, &r->ev))
        return yaml_fail(&r->parser, r->err);
    r->has_ev = 1;
    if (is_start(&r->ev) && ++r->depth > MAX_DEPTH)
        return dli_article_fail(r->err, ev_line(&r->ev), -1,
                                "front matter: nested more than %d levels "
                                "deep", MAX_DEPTH);
    if (r->ev.type == YAML_SEQUENCE_END_EVENT ||
        r->ev.type == YAML_MAPPING_END_EVENT)
        r->depth--;
    return DALEEL_OK;
}

/* r->ev starts a list or mapping: read up to its end. */
static daleel_status skip(reader *r)
{
    int outer = r->depth - 1;
    daleel_status st = DALEEL_OK;
    while (st == DALEEL_OK && r->depth > outer)
        st = next(r);
    return st;
}

/* The scalar r->ev as a new string with white space squeezed (so a folded
 * multi-line title reads as one line); NULL with '*st' set on error. */
static char *scalar_text(reader *r, const char *key, daleel_status *st)
{
    if (r->ev.type != YAML_SCALAR_EVENT) {
        *st = dli_article_fail(r->err, ev_line(&r->ev), -1,
                               "front matter: %s: expected text, got %s",
                               key, ev_kind(&r->ev));
        return NULL;
    }
    char *s = dli_squeeze((const char *)r->ev.data.scalar.value,
                          r->ev.data.scalar.length);
    if (!s)
        *st = DALEEL_ENOMEM;
    return s;
}

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian), after
 * Howard Hinnant's days_from_civil; avoids timegm() and the time zone. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly 'n' digits at s[*i]. */
static int digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return 0;
        v = v * 10 + (s[*i] - '0');
    }
    *out = v;
    return 1;
}

/* 'updated': RFC 3339 / ISO 8601 as writers type it: "2024-05-01",
 * "2024-05-01T10:00:00Z", "2024-05-01 10:00", "2024-05-01T10:00:00.5+03:00"
 * (no zone means UTC), or Unix seconds ("1714557600"). */
static int parse_time(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    if (len > 0 && len <= 12 && strspn(s, "0123456789") == len) {
        int64_t v = 0;
        for (; i < len; i++)
            v = v * 10 + (s[i] - '0');
        *out = v;
        return 1;
    }
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' ||
        !digits(s, len, &i, 2, &mo) || i >= len || s[i++] != '-' ||
        !digits(s, len, &i, 2, &d))
        return 0;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !leap))
        return 0;
    long zone = 0;
    if (i < len) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
            return 0;
        i++;
        if (!digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
            !digits(s, len, &i, 2, &mi))
            return 0;
        if (i < len && s[i] == ':') {
            i++;
            if (!digits(s, len, &i, 2, &sec))
                return 0;
            if (i < len && s[i] == '.')
                for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
                    ;
        }
        if (h > 23 || mi > 59 || sec > 60)
            return 0;
        while (i < len && s[i] == ' ')
            i++;
        if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1, zh, zm = 0;
            if (!digits(s, len, &i, 2, &zh))
                return 0;
            if (i < len && s[i] == ':')
                i++;
            if (i < len && !digits(s, len, &i, 2, &zm))
                return 0;
            if (zh > 23 || zm > 59)
                return 0;
            zone = sign * (zh * 3600L + zm * 60L);
        }
        if (i != len)
            return 0;
    }
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
           h * 3600 + mi * 60 + sec - zone;
    return 1;
}

/* YAML 1.1 booleans, which is what writers use ("draft: yes"). */
static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    for (size_t k = 0; k < 4; k++) {
        if (strcasecmp(v, yes[k]) == 0)
            return *out = 1, 1;
        if (strcasecmp(v, no[k]) == 0)
            return *out = 0, 1;
    }
    return 0;
}

/* Add one tag (trimmed, skipped when empty or already there).  At most
 * MAX_TAGS: they are filters, not content, and the duplicate check is
 * quadratic. */
static daleel_status add_tag(dli_front *fm, const char *s, size_t n,
                             int line, daleel_article_error *err)
{
    if (fm->n_tags == MAX_TAGS)
        return dli_article_fail(err, line, -1, "front matter: tags: more "
                                "than %d tags", MAX_TAGS);
    char *t = dli_squeeze(s, n);
    if (!t)
        return DALEEL_ENOMEM;
    int dup = !t[0];
    for (size_t k = 0; k < fm->n_tags && !dup; k++)
        dup = strcmp(fm->tags[k], t) == 0;
    if (dup) {
        free(t);
        return DALEEL_OK;
    }
    char **p = realloc(fm->tags, (fm->n_tags + 1) * sizeof *p);
    if (!p) {
        free(t);
        return DALEEL_ENOMEM;
    }
    fm->tags = p;
    fm->tags[fm->n_tags++] = t;
    return DALEEL_OK;
}

/* 'tags' is a list ("tags: [a, b]") or a comma-separated string
 * ("tags: a, b"); both are common in docs front matter. */
static daleel_status read_tags(reader *r, dli_front *fm)
{
    daleel_status st = DALEEL_OK;
    fm->has_tags = 1;
    if (r->ev.type == YAML_SCALAR_EVENT) {
        const char *s = (const char *)r->ev.data.scalar.value;
        size_t n = r->ev.data.scalar.length, start = 0, k = 0;
        for (;;) {
            /* Separators: ',' and U+060C ARABIC COMMA (D8 8C). */
            size_t sep = k == n ? 0 : s[k] == ',' ? 1
                       : k + 1 < n && memcmp(s + k, "\xd8\x8c", 2) == 0 ? 2
                       : SIZE_MAX;
            if (sep == SIZE_MAX) {
                k++;
                continue;
            }
            st = add_tag(fm, s + start, k - start, ev_line(&r->ev), r->err);
            if (k == n || st != DALEEL_OK)
                break;
            k += sep;
            start = k;
        }
        return st;
    }
    if (r->ev.type != YAML_SEQUENCE_START_EVENT)
        return dli_article_fail(r->err, ev_line(&r->ev), -1,
                                "front matter: tags: expected a list or "
                                "text, got %s", ev_kind(&r->ev));
    while ((st = next(r)) == DALEEL_OK &&
           r->ev.type != YAML_SEQUENCE_END_EVENT) {
        if (is_start(&r->ev))
            return dli_article_fail(r->err, ev_line(&r->ev), -1,
                                    "front matter: tags: expected text "
                                    "items, got %s", ev_kind(&r->ev));
        if (r->ev.type == YAML_SCALAR_EVENT && !is_null(&r->ev))
            st = add_tag(fm, (const char *)r->ev.data.scalar.value,
                         r->ev.data.scalar.length, ev_line(&r->ev), r->err);
        if (st != DALEEL_OK)
            break;
    }
    return st;
}

/* Set '*field' to the text of r->ev (a repeated key: the last one wins,
 * as in most YAML loaders). */
static daleel_status read_text(reader *r, const char *key, char **field)
{
    daleel_status st = DALEEL_OK;
    char *s = scalar_text(r, key, &st);
    if (!s)
        return st;
    free(*field);
    *field = s;
    return DALEEL_OK;
}

/* A slug names the article in URLs (/a/<slug>): outer slashes go, and it
 * must not be empty, hold control characters or backslashes, or have
 * empty, "." or ".." segments, so it can never climb out of a path. */
static daleel_status read_slug(reader *r, dli_front *fm)
{
    daleel_status st = read_text(r, "slug", &fm->slug);
    if (st != DALEEL_OK)
        return st;
    char *s = fm->slug;
    size_t start = strspn(s, "/"), n = strlen(s);
    while (n > start && s[n - 1] == '/')
        n--;
    memmove(s, s + start, n - start);
    s[n - start] = '\0';
    int ok = s[0] != '\0';
    for (const char *seg = s; ok && *seg;) {
        size_t len = strcspn(seg, "/");
        ok = len && !(len == 1 && seg[0] == '.') &&
             !(len == 2 && seg[0] == '.' && seg[1] == '.');
        seg += len + (seg[len] == '/');
    }
    for (const char *p = s; ok && *p; p++)
        ok = (unsigned char)*p >= 0x20 && *p != 0x7f && *p != '\\';
    if (!ok)
        return dli_article_fail(r->err, ev_line(&r->ev), -1,
                                "front matter: slug: \"%.64s\" is not a "
                                "usable slug (no \".\" or \"..\" or "
                                "empty parts, no backslash)",
                                (const char *)r->ev.data.scalar.value);
    return DALEEL_OK;
}

/* "ar", "en", and their regional forms ("ar-SA", "en_US"). */
static daleel_lang lang_from_tag(const char *v)
{
    size_t n = strlen(v);
    if (n < 2)
        return DALEEL_LANG_NONE;
    if (n > 2 && v[2] != '-' && v[2] != '_')
        return DALEEL_LANG_NONE;
    if (n > 2 && (n < 5 || n > 11))
        return DALEEL_LANG_NONE;
    for (size_t k = 3; k < n; k++)
        if (!((v[k] >= 'a' && v[k] <= 'z') || (v[k] >= 'A' && v[k] <= 'Z') ||
              (v[k] >= '0' && v[k] <= '9') || v[k] == '-'))
            return DALEEL_LANG_NONE;
    char code[3] = { v[0], v[1], '\0' };
    return daleel_lang_from_code(code);
}

/* The value of 'key' is r->ev. */
static daleel_status read_field(reader *r, const char *key, dli_front *fm)
{
    daleel_status st = DALEEL_OK;
    if (strcmp(key, "title") == 0)
        return read_text(r, key, &fm->title);
    if (strcmp(key, "slug") == 0)
        return read_slug(r, fm);
    if (strcmp(key, "category") == 0)
        return read_text(r, key, &fm->category);
    if (strcmp(key, "summary") == 0)
        return read_text(r, key, &fm->summary);
    if (strcmp(key, "description") == 0)
        return read_text(r, key, &fm->description);
    if (strcmp(key, "translation") == 0)
        return read_text(r, key, &fm->translation);
    if (strcmp(key, "tags") == 0)
        return read_tags(r, fm);
    if (strcmp(key, "lang") != 0 && strcmp(key, "updated") != 0 &&
        strcmp(key, "audience") != 0 && strcmp(key, "draft") != 0)
        return is_start(&r->ev) ? skip(r) : DALEEL_OK;   /* ignored */

    char *v = scalar_text(r, key, &st);
    if (!v)
        return st;
    int line = ev_line(&r->ev);
    if (strcmp(key, "lang") == 0) {
        fm->lang = lang_from_tag(v);
        if (fm->lang == DALEEL_LANG_NONE)
            st = dli_article_fail(r->err, line, -1,
                                  "front matter: lang: unknown language "
                                  "\"%.64s\" (expected ar or en)", v);
    } else if (strcmp(key, "updated") == 0) {
        if (parse_time(v, strlen(v), &fm->updated))
            fm->has_updated = 1;
        else
            st = dli_article_fail(r->err, line, -1,
                                  "front matter: updated: \"%.64s\" is not "
                                  "a date like 2024-05-01 or "
                                  "2024-05-01T10:00:00Z", v);
    } else if (strcmp(key, "audience") == 0) {
        /* Only "internal" hides an article from the public.  DocFX uses
         * 'audience' for the reader's role ("Admin", "Application User"),
         * so any other value means public rather than an error. */
        fm->internal = strcasecmp(v, "internal") == 0;
    } else if (!parse_bool(v, &fm->draft)) {
        st = dli_article_fail(r->err, line, -1,
                              "front matter: draft: expected true or false, "
                              "got \"%.64s\"", v);
    }
    free(v);
    return st;
}

/* The root must be a mapping (or nothing); read its pairs. */
static daleel_status read_mapping(reader *r, dli_front *fm)
{
    daleel_status st;
    if ((st = next(r)) != DALEEL_OK)              /* stream start */
        return st;
    if ((st = next(r)) != DALEEL_OK || r->ev.type == YAML_STREAM_END_EVENT)
        return st;                                /* only comments */
    if ((st = next(r)) != DALEEL_OK)              /* after document start */
        return st;
    if (is_null(&r->ev))
        return DALEEL_OK;
    if (r->ev.type != YAML_MAPPING_START_EVENT)
        return dli_article_fail(r->err, ev_line(&r->ev), -1,
                                "front matter: expected a mapping of "
                                "\"key: value\" lines, got %s",
                                ev_kind(&r->ev));
    for (;;) {
        if ((st = next(r)) != DALEEL_OK)
            return st;
        if (r->ev.type == YAML_MAPPING_END_EVENT)
            break;
        char *key = NULL;
        if (r->ev.type == YAML_SCALAR_EVENT) {
            key = dli_strndup((const char *)r->ev.data.scalar.value,
                              r->ev.data.scalar.length);
            if (!key)
                return DALEEL_ENOMEM;
        } else if (is_start(&r->ev) && (st = skip(r)) != DALEEL_OK) {
            return st;                            /* a complex key */
        }
        st = next(r);
        if (st == DALEEL_OK && key && !is_null(&r->ev))
            st = read_field(r, key, fm);
        else if (st == DALEEL_OK && is_start(&r->ev))
            st = skip(r);
        free(key);
        if (st != DALEEL_OK)
            return st;
    }
    return next(r);          /* document end: errors after the mapping */
}

static daleel_status read_yaml(const char *yaml, size_t len, dli_front *fm,
                               daleel_article_error *err)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.err = err;
    if (!yaml_parser_initialize(&r.parser))
        return DALEEL_ENOMEM;
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)yaml, len);
    daleel_status st = read_mapping(&r, fm);
    if (r.has_ev)
        yaml_event_delete(&r.ev);
    yaml_parser_delete(&r.parser);
    return st;
}

daleel_status dli_front_parse(const char *data, size_t len, dli_front *fm,
                              daleel_article_error *err)
{
    memset(fm, 0, sizeof *fm);
    const char *end = data + len;
    const char *nl = memchr(data, '\n', len);
    const char *first_end = nl ? nl : end;
    if (!is_fence_line(data, first_end, "---"))
        return DALEEL_OK;    /* no front matter */

    const char *yaml = nl ? nl + 1 : end;
    for (const char *line = yaml; line < end;) {
        const char *e = memchr(line, '\n', (size_t)(end - line));
        const char *line_end = e ? e : end;
        if (is_fence_line(line, line_end, "---") ||
            is_fence_line(line, line_end, "...")) {
            fm->body_off = (size_t)((e ? e + 1 : end) - data);
            daleel_status st = read_yaml(yaml, (size_t)(line - yaml), fm, err);
            if (st != DALEEL_OK)
                dli_front_free(fm);
            return st;
        }
        line = e ? e + 1 : end;
    }
    return dli_article_fail(err, 1, -1,
                            "front matter: the \"---\" on line 1 is never "
                            "closed by a \"---\" line");
}

void dli_front_free(dli_front *fm)
{
    free(fm->title);
    free(fm->slug);
    free(fm->category);
    free(fm->summary);
    free(fm->description);
    free(fm->translation);
    for (size_t k = 0; k < fm->n_tags; k++)
        free(fm->tags[k]);
    free(fm->tags);
    memset(fm, 0, sizeof *fm);
}

/* article_body.c: the Markdown body of an article, with cmark.  Strips the
 * DocFX markers cmark does not know, finds the title heading, gives every
 * other heading a unique anchor id, renders safe HTML with those ids and
 * collects each section's plain text.
 *
 * cmark runs without CMARK_OPT_UNSAFE, so raw HTML becomes a comment and
 * javascript:, vbscript:, file: and data: links (but data:image/png, gif,
 * jpeg, webp images) lose their URL.  CMARK_OPT_SMART is off: help pages
 * quote commands, and "--force" must not become an en dash.
 *
 * Nothing here recurses: cmark's iterator walks the tree, so deep nesting
 * costs heap, not stack.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark.h>
#include <utf8proc.h>

#include "daleel/buf.h"
#include "article_priv.h"

/* Anchor ids are cut at this many bytes (at a character boundary). */
#define MAX_ID 100
/* Summaries taken from the first paragraph: code points. */
#define SUMMARY_MAX 200
#define SUMMARY_MIN_CUT 100

/* ---- DocFX markers ------------------------------------------------------ */

/* Length of a DocFX include "[!include[label](path)]" (any case, spaces
 * allowed after "include") at p, or 0. */
static size_t match_include(const char *p, const char *e)
{
    const char *q = p;
    if (e - q < 9 || strncasecmp(q, "[!include", 9) != 0)
        return 0;
    /* Labels and paths are short; a bound keeps a 2 MiB line of
     * "[!include[" from being scanned to its end for every one. */
    if (e - p > 2048)
        e = p + 2048;
    for (q += 9; q < e && *q == ' '; q++)
        ;
    if (q >= e || *q != '[' || !(q = memchr(q, ']', (size_t)(e - q))))
        return 0;
    if (++q >= e || *q != '(' || !(q = memchr(q, ')', (size_t)(e - q))))
        return 0;
    for (q++; q < e && *q == ' '; q++)
        ;
    if (q >= e || *q != ']')
        return 0;
    return (size_t)(q + 1 - p);
}

/* First 'needle' (m bytes) in 'hay' (n bytes), or NULL.  memchr() rather
 * than memmem() or strstr(): the sanitizers' versions of those check the
 * whole haystack on every call, which turns a scan into quadratic time. */
static const char *find(const char *hay, size_t n, const char *needle,
                        size_t m)
{
    const char *end = hay + n;
    while ((size_t)(end - hay) >= m) {
        const char *p = memchr(hay, needle[0], (size_t)(end - hay) - m + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        hay = p + 1;
    }
    return NULL;
}

static int all_blank(const char *s, const char *e)
{
    for (; s < e; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

/* DocFX (Microsoft Learn) extends Markdown with "[!include[...](...)]"
 * directives and "> [!NOTE]" alert markers; cmark would show both as text.
 * The includes are dropped (the library reads no other files), and so are
 * the markers, keeping the quote around them.  Fenced code is left alone
 * so that a page documenting this very syntax still shows it. */
static void strip_docfx(const char *md, size_t len, daleel_buf *out)
{
    const char *end = md + len;
    char fence = 0;
    size_t fence_n = 0;
    for (const char *line = md; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end, *next = nl ? nl + 1 : end;
        const char *p = line;
        int quoted = 0;
        for (;;) {
            while (p < le && (*p == ' ' || *p == '\t'))
                p++;
            if (p < le && *p == '>') {
                p++;
                quoted = 1;
                continue;
            }
            break;
        }
        if (le - p >= 3 && (*p == '`' || *p == '~') && p[1] == *p &&
            p[2] == *p) {
            size_t n = 3;
            while (p + n < le && p[n] == *p)
                n++;
            if (!fence) {
                fence = *p;
                fence_n = n;
            } else if (*p == fence && n >= fence_n && all_blank(p + n, le)) {
                fence = 0;
            }
            daleel_buf_append(out, line, (size_t)(next - line));
            line = next;
            continue;
        }
        if (fence) {
            daleel_buf_append(out, line, (size_t)(next - line));
            line = next;
            continue;
        }
        size_t line_start = out->len;
        daleel_buf_append(out, line, (size_t)(p - line));
        if (quoted && le - p > 2 && p[0] == '[' && p[1] == '!' &&
            ((p[2] | 0x20) >= 'a' && (p[2] | 0x20) <= 'z')) {
            const char *q = memchr(p, ']', (size_t)(le - p));
            if (q) {
                p = q + 1;
            } else {
                /* "> [!NOTE" with its ']' forgotten (it happens in d365):
                 * the marker word still goes. */
                for (p += 2; p < le && (((*p | 0x20) >= 'a' &&
                                         (*p | 0x20) <= 'z') || *p == '-');)
                    p++;
            }
        }
        int dropped = 0;
        size_t tick_run = 0;   /* open code span's backtick count, or 0 */
        const char *run = p;
        while (p < le) {
            if (*p == '`') {
                size_t n = 1;
                while (p + n < le && p[n] == '`')
                    n++;
                tick_run = !tick_run ? n : n == tick_run ? 0 : tick_run;
                p += n;
                continue;
            }
            size_t n = !tick_run && *p == '[' ? match_include(p, le) : 0;
            if (n) {
                daleel_buf_append(out, run, (size_t)(p - run));
                p += n;
                run = p;
                dropped = 1;
                continue;
            }
            p++;
        }
        daleel_buf_append(out, run, (size_t)(le - run));
        /* A line that held only includes goes, so it does not split the
         * paragraph around it. */
        if (dropped && out->err == DALEEL_OK &&
            all_blank(out->data + line_start, out->data + out->len)) {
            out->len = line_start;
            out->data[out->len] = '\0';
        } else if (nl) {
            daleel_buf_putc(out, '\n');
        }
        line = next;
    }
}

/* ---- plain text --------------------------------------------------------- */

/* The value of the name= (or id=) attribute of an "<a ...>" tag, or NULL.
 * DocFX Arabic headings start with <a name="english-slug"></a>. */
static char *anchor_name(const char *tag)
{
    if (strncasecmp(tag, "<a", 2) != 0 || (tag[2] != ' ' && tag[2] != '\t' &&
                                            tag[2] != '\n'))
        return NULL;
    for (const char *p = tag + 2; *p; p++) {
        size_t k = strncasecmp(p, "name=", 5) == 0 ? 5
                 : strncasecmp(p, "id=", 3) == 0 ? 3 : 0;
        if (!k || (p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n'))
            continue;
        p += k;
        char q = *p == '"' || *p == '\'' ? *p++ : 0;
        size_t n = q ? strcspn(p, q == '"' ? "\"" : "'") : strcspn(p, " \t\n>");
        return n ? dli_strndup(p, n) : NULL;
    }
    return NULL;
}

/* The next node that 'it' enters, or NULL when the walk is over.  Every
 * walk here acts on entering a node only (and skips a node's insides with
 * cmark_iter_reset() to its exit), so the exit events are passed over. */
static cmark_node *next_entered(cmark_iter *it)
{
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
        if (ev == CMARK_EVENT_ENTER)
            return cmark_iter_get_node(it);
    return NULL;
}

/* Append the text of the inlines under 'node': text, code spans and link
 * and image text; line breaks as '\n'; raw HTML dropped (a <br> is a line
 * break).  When 'anchor' is given, the first <a name> found is stored
 * there. */
static void inline_text(cmark_node *node, daleel_buf *b, char **anchor)
{
    cmark_iter *it = cmark_iter_new(node);
    for (cmark_node *n = next_entered(it); n; n = next_entered(it)) {
        const char *lit;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            lit = cmark_node_get_literal(n);
            if (lit)
                daleel_buf_puts(b, lit);
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            daleel_buf_putc(b, '\n');
            break;
        case CMARK_NODE_HTML_INLINE:
            lit = cmark_node_get_literal(n);
            if (!lit)
                break;
            if (strncasecmp(lit, "<br", 3) == 0)
                daleel_buf_putc(b, '\n');
            else if (anchor && !*anchor)
                *anchor = anchor_name(lit);
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

static int is_delimiter_row(const char *s, size_t n)
{
    int dash = 0, pipe = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '-')
            dash = 1;
        else if (s[k] == '|')
            pipe = 1;
        else if (s[k] != ':' && s[k] != ' ' && s[k] != '\t')
            return 0;
    }
    return dash && pipe;
}

/* cmark (unlike cmark-gfm) has no tables: a pipe table is a paragraph
 * whose second line is a delimiter row such as "|---|:--|".  Its rows
 * become lines of cells joined by " | ", without the outer pipes and the
 * delimiter row. */
static int table_text(const char *s, size_t n, daleel_buf *out)
{
    const char *nl = memchr(s, '\n', n);
    if (!nl || !memchr(s, '|', (size_t)(nl - s)))
        return 0;
    const char *l2 = nl + 1, *e2 = memchr(l2, '\n', (size_t)(s + n - l2));
    if (!is_delimiter_row(l2, (size_t)((e2 ? e2 : s + n) - l2)))
        return 0;
    for (const char *line = s; line < s + n;) {
        const char *e = memchr(line, '\n', (size_t)(s + n - line));
        const char *le = e ? e : s + n;
        if (!is_delimiter_row(line, (size_t)(le - line))) {
            int first = 1;
            for (const char *c = line; c <= le;) {
                const char *ce = memchr(c, '|', (size_t)(le - c));
                if (!ce)
                    ce = le;
                char *cell = dli_squeeze(c, (size_t)(ce - c));
                if (!cell) {
                    out->err = DALEEL_ENOMEM;
                    return 1;
                }
                if (cell[0]) {
                    if (!first)
                        daleel_buf_puts(out, " | ");
                    daleel_buf_puts(out, cell);
                    first = 0;
                }
                free(cell);
                c = ce + 1;
            }
            if (!first && e)
                daleel_buf_putc(out, '\n');
        }
        line = e ? e + 1 : s + n;
    }
    while (out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
    return 1;
}

/* Decode the HTML character reference at s[*i] ('&') into 'b'; advances
 * past it, or past the '&' alone when it is not one we know. */
static void html_entity(const char *s, size_t n, size_t *i, daleel_buf *b)
{
    static const struct { const char *name; const char *utf8; } named[] = {
        { "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" }, { "quot;", "\"" },
        { "apos;", "'" }, { "nbsp;", " " },
    };
    size_t k = *i + 1;
    if (k < n && s[k] == '#') {
        int hex = k + 1 < n && (s[k + 1] == 'x' || s[k + 1] == 'X');
        uint32_t cp = 0;
        size_t j = k + 1 + (size_t)hex, digits = 0;
        for (; j < n && digits < 7; j++, digits++) {
            char c = s[j];
            int v = c >= '0' && c <= '9' ? c - '0'
                  : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
                  ? (c | 0x20) - 'a' + 10 : -1;
            if (v < 0)
                break;
            cp = cp * (hex ? 16 : 10) + (uint32_t)v;
        }
        if (digits && j < n && s[j] == ';' && cp > 0 && cp <= 0x10FFFF &&
            (cp < 0xD800 || cp > 0xDFFF)) {
            utf8proc_uint8_t u[4];
            utf8proc_ssize_t len = utf8proc_encode_char((utf8proc_int32_t)cp, u);
            daleel_buf_append(b, (const char *)u, (size_t)len);
            *i = j + 1;
            return;
        }
    } else {
        for (size_t e = 0; e < sizeof named / sizeof named[0]; e++) {
            size_t len = strlen(named[e].name);
            if (n - k >= len && memcmp(s + k, named[e].name, len) == 0) {
                daleel_buf_puts(b, named[e].utf8);
                *i = k + len;
                return;
            }
        }
    }
    daleel_buf_putc(b, '&');
    *i += 1;
}

/* Tags after which the text goes on a new line. */
static int is_block_tag(const char *name, size_t n)
{
    static const char *const tags[] = { "br", "p", "div", "tr", "li", "table",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dt", "dd",
        "blockquote", "pre", "hr", "section" };
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++)
        if (strlen(tags[k]) == n && strncasecmp(name, tags[k], n) == 0)
            return 1;
    return 0;
}

/* The text of a raw HTML block (d365 pages hold HTML tables): tags become
 * spaces or line breaks, comments and script/style contents go, common
 * character references are decoded.  The HTML itself is not shown (safe
 * mode), but its words should still be found. */
static void html_text(const char *s, size_t n, daleel_buf *b)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == '&') {
            html_entity(s, n, &i, b);
            continue;
        }
        if (s[i] != '<') {
            daleel_buf_putc(b, s[i++]);
            continue;
        }
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = find(s + i + 4, n - i - 4, "-->", 3);
            i = e ? (size_t)(e - s) + 3 : n;
            continue;
        }
        size_t j = i + 1 + (i + 1 < n && s[i + 1] == '/');
        size_t name = j;
        while (j < n && (((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z') ||
                         (s[j] >= '0' && s[j] <= '9')))
            j++;
        if (j == name) {
            daleel_buf_putc(b, s[i++]);   /* a lone '<' is text */
            continue;
        }
        const char *gt = memchr(s + j, '>', n - j);
        size_t after = gt ? (size_t)(gt - s) + 1 : n;
        size_t name_len = j - name;
        int closing = s[i + 1] == '/';
        if (!closing && (name_len == 6 || name_len == 5) &&
            (strncasecmp(s + name, "script", name_len) == 0 ||
             strncasecmp(s + name, "style", name_len) == 0)) {
            char close[9] = "</";
            memcpy(close + 2, s + name, name_len);
            size_t k = after, cl = name_len + 2;
            while (k + cl <= n && strncasecmp(s + k, close, cl) != 0)
                k++;
            const char *e = k + cl <= n ? memchr(s + k, '>', n - k) : NULL;
            after = e ? (size_t)(e - s) + 1 : n;
        }
        daleel_buf_putc(b, is_block_tag(s + name, name_len) ? '\n' : ' ');
        i = after;
    }
}

/* ---- sections ----------------------------------------------------------- */

typedef struct {
    cmark_node *node;
    char *text;      /* plain text, squeezed */
    char *anchor;    /* <a name> in the heading, or NULL */
    int level;
    int top;         /* a child of the document (not in a list or quote) */
} heading;

typedef struct {
    heading *v;
    size_t n, cap;
} headings;

/* Headings in document order, with their text.  Errors: DALEEL_ENOMEM. */
static daleel_status collect_headings(cmark_node *doc, headings *hs)
{
    daleel_status st = DALEEL_OK;
    daleel_buf b;
    daleel_buf_init(&b, DLI_ARTICLE_BUF_MAX);
    cmark_iter *it = cmark_iter_new(doc);
    for (cmark_node *n = next_entered(it); st == DALEEL_OK && n;
         n = next_entered(it)) {
        cmark_node_type t = cmark_node_get_type(n);
        if (t != CMARK_NODE_HEADING) {
            /* Leaf blocks and inlines hold no headings: skip their insides. */
            if (t == CMARK_NODE_PARAGRAPH)
                cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
            continue;
        }
        if (hs->n == hs->cap) {
            size_t cap = hs->cap ? hs->cap * 2 : 16;
            heading *v = realloc(hs->v, cap * sizeof *v);
            if (!v) {
                st = DALEEL_ENOMEM;
                break;
            }
            hs->v = v;
            hs->cap = cap;
        }
        heading *h = &hs->v[hs->n];
        memset(h, 0, sizeof *h);
        h->node = n;
        h->level = cmark_node_get_heading_level(n);
        h->top = cmark_node_parent(n) == doc;
        daleel_buf_reset(&b);
        inline_text(n, &b, &h->anchor);
        h->text = dli_squeeze(b.data ? b.data : "", b.len);
        hs->n++;
        if (b.err != DALEEL_OK || !h->text)
            st = b.err != DALEEL_OK ? b.err : DALEEL_ENOMEM;
        cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
    }
    cmark_iter_free(it);
    daleel_buf_free(&b);
    return st;
}

/* Arabic: harakat (U+064B..U+065F), superscript alef (U+0670), tatweel
 * (U+0640) and the Quranic annotation marks (U+06D6..U+06ED) are not part
 * of a word's spelling, so an id must not depend on them. */
static int arabic_ignorable(uint32_t cp)
{
    return cp == 0x0640 || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 ||
           (cp >= 0x06D6 && cp <= 0x06ED);
}

/* The anchor id for heading text 's': lower-cased letters and digits of
 * any script, '_' kept, runs of spaces and '-' as one '-', everything else
 * (punctuation, symbols, format characters) dropped.  GitHub's rule, but
 * without its doubled dashes, and cut at MAX_ID bytes. */
static void slugify(const char *s, size_t n, daleel_buf *b)
{
    size_t i = 0;
    int dash = 0;
    while (i < n && b->len < MAX_ID) {
        uint32_t cp = dli_utf8_next(s, n, &i);
        if (arabic_ignorable(cp))
            continue;
        utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
        if (cp == '-' || cat == UTF8PROC_CATEGORY_ZS || cp == '\t' ||
            cp == '\n' || cp == '\r') {
            dash = b->len > 0;
            continue;
        }
        int keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO)
                   || cp == '_';
        if (!keep)
            continue;
        utf8proc_uint8_t u[4];
        utf8proc_ssize_t len = utf8proc_encode_char(
            utf8proc_tolower((utf8proc_int32_t)cp), u);
        if (b->len + (size_t)dash + (size_t)len > MAX_ID)
            break;
        if (dash)
            daleel_buf_putc(b, '-');
        dash = 0;
        daleel_buf_append(b, (const char *)u, (size_t)len);
    }
}

/* An explicit anchor is used as it is when it is a plain token, so links
 * written against it (d365's Arabic pages link to "#english-slug") keep
 * working; anything else goes through slugify(). */
static int plain_anchor(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > MAX_ID)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
              (s[k] >= '0' && s[k] <= '9') || s[k] == '-' || s[k] == '_' ||
              s[k] == '.'))
            return 0;
    return 1;
}

/* A set of ids, open addressing; each entry remembers the next suffix to
 * try, so 10,000 headings called "Example" cost linear time. */
typedef struct {
    char *id;          /* owned by the sections */
    unsigned long next;
} id_slot;

typedef struct {
    id_slot *v;
    size_t cap;        /* a power of two, at least twice the ids */
} id_set;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static id_slot *id_find(id_set *set, const char *id)
{
    size_t k = (size_t)fnv1a(id) & (set->cap - 1);
    while (set->v[k].id && strcmp(set->v[k].id, id) != 0)
        k = (k + 1) & (set->cap - 1);
    return &set->v[k];
}

/* Make 'base' unique in 'set' ("x", "x-2", "x-3"...) and add it; returns
 * the id (taking ownership of 'base'), NULL when out of memory. */
static char *unique_id(id_set *set, char *base)
{
    id_slot *slot = id_find(set, base);
    if (!slot->id) {
        slot->id = base;
        slot->next = 2;
        return base;
    }
    id_slot *orig = slot;
    size_t n = strlen(base);
    char *id = malloc(n + 24);
    if (!id) {
        free(base);
        return NULL;
    }
    for (;;) {
        snprintf(id, n + 24, "%s-%lu", base, orig->next++);
        slot = id_find(set, id);
        if (!slot->id)
            break;
    }
    free(base);
    slot->id = id;
    slot->next = 2;
    return id;
}

/* Cut 's' to about SUMMARY_MAX code points at a word boundary, adding an
 * ellipsis when anything was cut. */
static char *summary_of(const char *s)
{
    size_t n = strlen(s), i = 0, cps = 0, space = 0;
    while (i < n && cps < SUMMARY_MAX) {
        if (s[i] == ' ' && cps >= SUMMARY_MIN_CUT)
            space = i;
        dli_utf8_next(s, n, &i);
        cps++;
    }
    if (i >= n)
        return dli_strndup(s, n);
    size_t cut = space ? space : i;
    char *out = malloc(cut + 4);
    if (!out)
        return NULL;
    memcpy(out, s, cut);
    memcpy(out + cut, "\xe2\x80\xa6", 4);   /* U+2026 HORIZONTAL ELLIPSIS */
    return out;
}

/* Is 'para' only images (and space between them)?  Such a paragraph is a
 * screenshot, not the first paragraph a summary should come from. */
static int only_images(cmark_node *para)
{
    int images = 0;
    for (cmark_node *c = cmark_node_first_child(para); c;
         c = cmark_node_next(c)) {
        cmark_node_type t = cmark_node_get_type(c);
        if (t == CMARK_NODE_IMAGE) {
            images = 1;
        } else if (t == CMARK_NODE_TEXT) {
            const char *lit = cmark_node_get_literal(c);
            if (lit && lit[strspn(lit, " \t")])
                return 0;
        } else if (t != CMARK_NODE_SOFTBREAK && t != CMARK_NODE_LINEBREAK) {
            return 0;
        }
    }
    return images;
}

typedef struct {
    daleel_buf *texts;     /* one per section */
    size_t n;
    char *summary;
    daleel_buf tmp, line;
} walker;

/* Add one line (squeezed or table text) to the current section. */
static void add_line(walker *w, const char *s, size_t n)
{
    if (!n)
        return;
    daleel_buf *t = &w->texts[w->n - 1];
    if (t->len)
        daleel_buf_putc(t, '\n');
    daleel_buf_append(t, s, n);
}

static void add_squeezed(walker *w, const char *s, size_t n)
{
    char *q = dli_squeeze(s, n);
    if (!q) {
        w->texts[w->n - 1].err = DALEEL_ENOMEM;
        return;
    }
    add_line(w, q, strlen(q));
    free(q);
}

static void add_paragraph(walker *w, cmark_node *para)
{
    daleel_buf_reset(&w->tmp);
    daleel_buf_reset(&w->line);
    inline_text(para, &w->tmp, NULL);
    const char *s = w->tmp.data ? w->tmp.data : "";
    if (table_text(s, w->tmp.len, &w->line)) {
        add_line(w, w->line.data ? w->line.data : "", w->line.len);
        return;
    }
    char *q = dli_squeeze(s, w->tmp.len);
    if (!q) {
        w->texts[w->n - 1].err = DALEEL_ENOMEM;
        return;
    }
    if (!w->summary && q[0] && !only_images(para)) {
        w->summary = summary_of(q);
        if (!w->summary)
            w->texts[w->n - 1].err = DALEEL_ENOMEM;
    }
    add_line(w, q, strlen(q));
    free(q);
}

/* Add the lines of a code block or raw HTML block. */
static void add_lines(walker *w, const char *s, size_t n)
{
    for (const char *line = s; line < s + n;) {
        const char *e = memchr(line, '\n', (size_t)(s + n - line));
        const char *le = e ? e : s + n;
        add_squeezed(w, line, (size_t)(le - line));
        line = e ? e + 1 : s + n;
    }
}

/* Walk the tree once more (title heading gone), putting each leaf block's
 * text into the section it belongs to. */
static daleel_status walk_sections(cmark_node *doc, walker *w)
{
    cmark_iter *it = cmark_iter_new(doc);
    for (cmark_node *n = next_entered(it); n; n = next_entered(it)) {
        const char *lit;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_HEADING:
            w->n++;
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
            break;
        case CMARK_NODE_PARAGRAPH:
            add_paragraph(w, n);
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
            break;
        case CMARK_NODE_CODE_BLOCK:
            lit = cmark_node_get_literal(n);
            if (lit) {
                /* Code keeps its lines and indentation. */
                size_t len = strlen(lit);
                while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
                    len--;
                add_line(w, lit, len);
            }
            break;
        case CMARK_NODE_HTML_BLOCK:
            lit = cmark_node_get_literal(n);
            if (lit) {
                daleel_buf_reset(&w->tmp);
                html_text(lit, strlen(lit), &w->tmp);
                add_lines(w, w->tmp.data ? w->tmp.data : "", w->tmp.len);
            }
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    if (w->tmp.err != DALEEL_OK)
        return w->tmp.err;
    if (w->line.err != DALEEL_OK)
        return w->line.err;
    return DALEEL_OK;
}

/* cmark writes a heading as "<hN>" (no attributes without
 * CMARK_OPT_SOURCEPOS), and in safe mode every '<' of text, code or raw
 * HTML is escaped or omitted, so each "<hN>" in its output is a heading,
 * in document order: put the ids in. */
static daleel_status add_ids(const char *html, const daleel_section *secs,
                             size_t n_secs, daleel_buf *out)
{
    size_t k = 1;   /* sections[0] has no heading */
    size_t len = strlen(html);
    const char *run = html, *p = html, *end = html + len;
    while ((p = find(p, (size_t)(end - p), "<h", 2))) {
        if (end - p >= 4 && p[2] >= '1' && p[2] <= '6' && p[3] == '>' &&
            k < n_secs) {
            daleel_buf_append(out, run, (size_t)(p - run));
            daleel_buf_append(out, p, 3);
            daleel_buf_puts(out, " id=\"");
            daleel_buf_append_html(out, secs[k].id, strlen(secs[k].id));
            daleel_buf_puts(out, "\">");
            k++;
            p += 4;
            run = p;
        } else {
            p += 2;
        }
    }
    daleel_buf_puts(out, run);
    return out->err;
}

/* Choose the title heading: with a front matter title, the first heading
 * when it is a top-level h1 (the page repeats the title, so it goes);
 * else the first top-level h1 anywhere.  Returns its index or -1. */
static long title_heading(const headings *hs, int have_title)
{
    if (have_title)
        return hs->n && hs->v[0].level == 1 && hs->v[0].top ? 0 : -1;
    for (size_t k = 0; k < hs->n; k++)
        if (hs->v[k].level == 1 && hs->v[k].top)
            return (long)k;
    return -1;
}

/* Remove raw HTML from a heading: it only ever held the <a name> anchor,
 * now its id, and a "<!-- raw HTML omitted -->" inside an <h2> helps no
 * reader. */
static void drop_html_inlines(cmark_node *heading)
{
    cmark_node *c = cmark_node_first_child(heading);
    while (c) {
        cmark_node *next = cmark_node_next(c);
        if (cmark_node_get_type(c) == CMARK_NODE_HTML_INLINE)
            cmark_node_free(c);
        c = next;
    }
}

/* Fill sections 1.. from the headings but the title heading 't' (-1 for
 * none): heading text (moved out of 'hs'), level and an id unique in the
 * page, the explicit anchor when there is one, else made from the text.
 * 'tmp' is scratch.  Also takes the raw HTML out of the headings, so the
 * render that follows does not show it.  Errors: DALEEL_ENOMEM. */
static daleel_status name_sections(headings *hs, long t, daleel_buf *tmp,
                                   dli_body *body)
{
    daleel_status st = DALEEL_ENOMEM;
    id_set ids = { NULL, 0 };
    for (ids.cap = 16; ids.cap < 2 * body->n_sections; ids.cap *= 2)
        ;
    ids.v = calloc(ids.cap, sizeof *ids.v);
    if (!ids.v)
        return st;
    for (size_t k = 0, s = 1; k < hs->n; k++) {
        if ((long)k == t)
            continue;
        heading *h = &hs->v[k];
        daleel_section *sec = &body->sections[s];
        daleel_buf_reset(tmp);
        if (h->anchor && plain_anchor(h->anchor))
            daleel_buf_puts(tmp, h->anchor);
        else if (h->anchor)
            slugify(h->anchor, strlen(h->anchor), tmp);
        if (!tmp->len)
            slugify(h->text, strlen(h->text), tmp);
        if (!tmp->len)
            daleel_buf_printf(tmp, "section-%zu", s);
        char *base = tmp->err == DALEEL_OK ? strdup(tmp->data) : NULL;
        sec->id = base ? unique_id(&ids, base) : NULL;
        sec->heading = h->text;
        h->text = NULL;
        sec->level = h->level;
        if (!sec->id)
            goto out;
        drop_html_inlines(h->node);
        s++;
    }
    st = DALEEL_OK;
out:
    free(ids.v);    /* the ids themselves belong to the sections */
    return st;
}

/* Move each section's text out of 'texts' (one buffer per section) and
 * join them into the body's text: section 0's text, then each section's
 * heading and text, as lines.  Errors: DALEEL_ENOMEM, DALEEL_ETOOBIG. */
static daleel_status join_texts(daleel_buf *texts, dli_body *body)
{
    daleel_status st = DALEEL_ENOMEM;
    daleel_buf all;
    daleel_buf_init(&all, DLI_ARTICLE_BUF_MAX);
    for (size_t k = 0; k < body->n_sections; k++) {
        daleel_buf *tb = &texts[k];
        if (tb->err != DALEEL_OK) {
            st = tb->err;
            goto out;
        }
        if (k > 0 && body->sections[k].heading[0]) {
            if (all.len)
                daleel_buf_putc(&all, '\n');
            daleel_buf_puts(&all, body->sections[k].heading);
        }
        if (tb->len) {
            if (all.len)
                daleel_buf_putc(&all, '\n');
            daleel_buf_append(&all, tb->data, tb->len);
        }
        body->sections[k].text = tb->len ? daleel_buf_steal(tb, NULL)
                                         : strdup("");
        if (!body->sections[k].text)
            goto out;
    }
    if (all.err != DALEEL_OK) {
        st = all.err;
        goto out;
    }
    body->text = all.len ? daleel_buf_steal(&all, NULL) : strdup("");
    if (body->text)
        st = DALEEL_OK;
out:
    daleel_buf_free(&all);
    return st;
}

daleel_status dli_body_parse(const char *md, size_t len, int have_title,
                             dli_body *body)
{
    daleel_status st = DALEEL_ENOMEM;
    memset(body, 0, sizeof *body);
    headings hs = { NULL, 0, 0 };
    walker w;
    memset(&w, 0, sizeof w);
    daleel_buf_init(&w.tmp, DLI_ARTICLE_BUF_MAX);
    daleel_buf_init(&w.line, DLI_ARTICLE_BUF_MAX);
    daleel_buf src, out;
    daleel_buf_init(&src, DLI_ARTICLE_BUF_MAX);
    daleel_buf_init(&out, DLI_ARTICLE_BUF_MAX);
    cmark_node *doc = NULL;
    char *html = NULL;

    strip_docfx(md, len, &src);
    if (src.err != DALEEL_OK) {
        st = src.err;
        goto out;
    }
    /* cmark aborts when out of memory (its default allocator); there is
     * nothing better to do from inside its parser. */
    doc = cmark_parse_document(src.data ? src.data : "", src.len,
                               CMARK_OPT_DEFAULT);
    if (!doc)
        goto out;
    st = collect_headings(doc, &hs);
    if (st != DALEEL_OK)
        goto out;
    st = DALEEL_ENOMEM;

    long t = title_heading(&hs, have_title);
    if (t >= 0) {
        body->title = strdup(hs.v[t].text);
        if (!body->title)
            goto out;
        cmark_node_free(hs.v[t].node);
    }

    /* Sections: [0] for the text before the first heading, then one per
     * heading but the title. */
    size_t n_secs = 1 + hs.n - (t >= 0);
    body->sections = calloc(n_secs, sizeof *body->sections);
    w.texts = calloc(n_secs, sizeof *w.texts);
    if (!body->sections || !w.texts)
        goto out;
    body->n_sections = n_secs;
    for (size_t k = 0; k < n_secs; k++)
        daleel_buf_init(&w.texts[k], DLI_ARTICLE_BUF_MAX);
    body->sections[0].id = strdup("");
    body->sections[0].heading = strdup("");
    if (!body->sections[0].id || !body->sections[0].heading)
        goto out;
    if (name_sections(&hs, t, &w.tmp, body) != DALEEL_OK)
        goto out;

    html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
    if (!html)
        goto out;
    st = add_ids(html, body->sections, n_secs, &out);
    if (st != DALEEL_OK)
        goto out;
    body->html = daleel_buf_steal(&out, NULL);
    if (!body->html && !(body->html = strdup("")))
        goto out;

    w.n = 1;
    st = walk_sections(doc, &w);
    if (st != DALEEL_OK)
        goto out;
    st = join_texts(w.texts, body);
    if (st != DALEEL_OK)
        goto out;
    st = DALEEL_ENOMEM;
    body->summary = w.summary ? w.summary : strdup("");
    w.summary = NULL;
    if (!body->summary)
        goto out;
    st = DALEEL_OK;
out:
    for (size_t k = 0; k < hs.n; k++) {
        free(hs.v[k].text);
        free(hs.v[k].anchor);
    }
    free(hs.v);
    if (w.texts)
        for (size_t k = 0; k < body->n_sections; k++)
            daleel_buf_free(&w.texts[k]);
    free(w.texts);
    free(w.summary);
    daleel_buf_free(&w.tmp);
    daleel_buf_free(&w.line);
    daleel_buf_free(&src);
    daleel_buf_free(&out);
    free(html);    /* cmark's default allocator is malloc */
    if (doc)
        cmark_node_free(doc);
    if (st != DALEEL_OK)
        dli_body_free(body);
    return st;
}

void dli_sections_free(daleel_section *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(v[k].id);
        free(v[k].heading);
        free(v[k].text);
    }
    free(v);
}

void dli_body_free(dli_body *body)
{
    free(body->title);
    free(body->summary);
    free(body->html);
    free(body->text);
    dli_sections_free(body->sections, body->n_sections);
    memset(body, 0, sizeof *body);
}

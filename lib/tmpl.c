/* tmpl.c: the template engine (see tmpl.h).  A template is compiled once,
 * when it is added, into a flat array of nodes (text, variable, raw
 * variable, section, inverted section, partial) that point into the
 * template's own copy of its source; names are split into their dotted
 * parts in place, by writing NULs over the dots inside the tags.  Rendering
 * walks the array with a stack of contexts that lives in the C stack
 * frames of the recursion, so a render allocates nothing but the output.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daleel/tmpl.h"

enum node_type { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
    unsigned char type;
    unsigned line;       /* 1-based line of the tag, for messages */
    const char *s;       /* text bytes, or the name: its parts NUL-separated */
    uint32_t len;        /* text: bytes; name: number of parts (0 for ".") */
    uint32_t name_len;   /* name: bytes in all, separators included */
    uint32_t end;        /* sections: index of the node after the body */
};

struct tmpl {
    char *name;
    char *file;          /* what messages call it: the name or the path */
    char *src;           /* private copy; nodes point into it */
    struct node *nodes;
    size_t n_nodes;
};

struct daleel_tmpl_set {
    struct tmpl *v;
    size_t n, cap;
    char errmsg[256];
};

/* ---- the set ---- */

daleel_tmpl_set *daleel_tmpl_new(void)
{
    return calloc(1, sizeof(daleel_tmpl_set));
}

static void tmpl_clear(struct tmpl *t)
{
    free(t->name);
    free(t->file);
    free(t->src);
    free(t->nodes);
}

void daleel_tmpl_free(daleel_tmpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        tmpl_clear(&set->v[i]);
    free(set->v);
    free(set);
}

const char *daleel_tmpl_errmsg(const daleel_tmpl_set *set)
{
    return set ? set->errmsg : "";
}

static daleel_status set_err(daleel_tmpl_set *set, daleel_status st,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static daleel_status set_err(daleel_tmpl_set *set, daleel_status st,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(set->errmsg, sizeof set->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

static const struct tmpl *find(const daleel_tmpl_set *set, const char *name)
{
    /* A set holds a dozen templates: a linear scan beats hashing. */
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i].name, name) == 0)
            return &set->v[i];
    return NULL;
}

int daleel_tmpl_has(const daleel_tmpl_set *set, const char *name)
{
    return set && name && find(set, name) != NULL;
}

/* ---- compiling ---- */

struct compiler {
    daleel_tmpl_set *set;
    const char *file;
    char *src;
    size_t len;
    size_t counted;      /* src[0..counted) has been counted into 'line' */
    unsigned line;
    struct node *nodes;
    size_t n, cap;
    size_t open[DALEEL_TMPL_MAX_NESTING];   /* indexes of open sections */
    size_t n_open;
};

/* The line of byte 'pos'.  Positions only move forward, so counting the
 * newlines since the last call keeps compiling linear. */
static unsigned line_at(struct compiler *c, size_t pos)
{
    for (; c->counted < pos; c->counted++)
        if (c->src[c->counted] == '\n')
            c->line++;
    return c->line;
}

static struct node *push(struct compiler *c, int type, unsigned line)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct node *p = realloc(c->nodes, cap * sizeof *p);
        if (!p)
            return NULL;
        c->nodes = p;
        c->cap = cap;
    }
    struct node *n = &c->nodes[c->n++];
    memset(n, 0, sizeof *n);
    n->type = (unsigned char)type;
    n->line = line;
    return n;
}

static int is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Check the name at s[0..n) and split it in place into NUL-separated
 * parts.  Returns the number of parts (0 for "."), or -1 if it is not a
 * name.  s[n] is inside the tag (a space or a brace) and becomes the final
 * NUL. */
static int split_name(char *s, size_t n)
{
    if (n == 1 && s[0] == '.') {
        s[1] = '\0';
        return 0;
    }
    if (n == 0 || n > 200 || s[0] == '.' || s[n - 1] == '.')
        return -1;
    int parts = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return -1;
            parts++;
        } else if (!is_name_char(s[i])) {
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.')
            s[i] = '\0';
    s[n] = '\0';
    return parts;
}

/* The dotted form of a split name, for messages. */
static const char *name_str(const struct node *n, char *buf, size_t size)
{
    size_t k = n->name_len < size - 1 ? n->name_len : size - 1;
    for (size_t i = 0; i < k; i++)
        buf[i] = n->s[i] ? n->s[i] : '.';
    buf[k] = '\0';
    return buf;
}

static daleel_status add_text(struct compiler *c, size_t from, size_t to)
{
    if (to <= from)
        return DALEEL_OK;
    struct node *n = push(c, N_TEXT, 0);
    if (!n)
        return DALEEL_ENOMEM;
    n->s = c->src + from;
    n->len = (uint32_t)(to - from);
    return DALEEL_OK;
}

/* Find "}}" (or "}}}" when 'triple') at or after 'from'. */
static const char *find_close(const struct compiler *c, size_t from, int triple)
{
    const char *end = c->src + c->len;
    for (const char *p = c->src + from; p + 1 < end; p++) {
        p = memchr(p, '}', (size_t)(end - p));
        if (!p || p + 1 >= end)
            return NULL;
        if (p[1] == '}' && (!triple || (p + 2 < end && p[2] == '}')))
            return p;
    }
    return NULL;
}

/* The node of the tag whose name is src[a..b), its sigil already read
 * ('#', '^', '/', '>' or 0; never '!'): a variable, raw output, a partial,
 * an opening section, or the close of the innermost open one. */
static daleel_status add_tag(struct compiler *c, char sigil, int triple,
                             size_t a, size_t b, unsigned line)
{
    char nb[64];
    int parts = split_name(c->src + a, b - a);
    if (parts < 0) {
        size_t n = b - a < 40 ? b - a : 40;
        return set_err(c->set, DALEEL_EPARSE, "%s:%u: bad name \"%.*s\"",
                       c->file, line, (int)n, c->src + a);
    }
    struct node tmp = { .s = c->src + a, .len = (uint32_t)parts,
                        .name_len = (uint32_t)(b - a), .line = line };
    if (sigil == '/') {
        if (c->n_open == 0)
            return set_err(c->set, DALEEL_EPARSE,
                           "%s:%u: {{/%s}} without an open section",
                           c->file, line, name_str(&tmp, nb, sizeof nb));
        struct node *op = &c->nodes[c->open[c->n_open - 1]];
        if (op->name_len != tmp.name_len ||
            memcmp(op->s, tmp.s, tmp.name_len) != 0) {
            char ob[64];
            return set_err(c->set, DALEEL_EPARSE,
                           "%s:%u: {{/%s}} closes {{%c%s}} of line %u",
                           c->file, line, name_str(&tmp, nb, sizeof nb),
                           op->type == N_SECTION ? '#' : '^',
                           name_str(op, ob, sizeof ob), op->line);
        }
        op->end = (uint32_t)c->n;
        c->n_open--;
        return DALEEL_OK;
    }
    int type = sigil == '#' ? N_SECTION : sigil == '^' ? N_INVERTED :
               sigil == '>' ? N_PARTIAL : triple ? N_RAW : N_VAR;
    if (type == N_PARTIAL && parts == 0)
        return set_err(c->set, DALEEL_EPARSE,
                       "%s:%u: bad name \".\"", c->file, line);
    if ((type == N_SECTION || type == N_INVERTED) &&
        c->n_open == DALEEL_TMPL_MAX_NESTING)
        return set_err(c->set, DALEEL_EPARSE,
                       "%s:%u: sections nested deeper than %d",
                       c->file, line, DALEEL_TMPL_MAX_NESTING);
    struct node *n = push(c, type, line);
    if (!n)
        return DALEEL_ENOMEM;
    n->s = tmp.s;
    n->len = tmp.len;
    n->name_len = tmp.name_len;
    if (type == N_PARTIAL)
        /* A partial's name is one word, dots and all. */
        for (uint32_t i = 0; i < n->name_len; i++)
            if (!c->src[a + i])
                c->src[a + i] = '.';
    if (type == N_SECTION || type == N_INVERTED)
        c->open[c->n_open++] = c->n - 1;
    return DALEEL_OK;
}

static daleel_status compile(struct compiler *c)
{
    /* Start of the text not yet emitted, which is also where the next tag
     * is looked for: a tag never starts inside text already emitted. */
    size_t p = 0;
    while (p < c->len) {
        const char *o = memmem(c->src + p, c->len - p, "{{", 2);
        if (!o)
            break;
        size_t ts = (size_t)(o - c->src);   /* tag start */
        unsigned line = line_at(c, ts);
        int triple = ts + 2 < c->len && c->src[ts + 2] == '{';
        size_t body = ts + (triple ? 3 : 2);
        const char *cl = find_close(c, body, triple);
        if (!cl)
            return set_err(c->set, DALEEL_EPARSE, "%s:%u: unclosed tag",
                           c->file, line);
        size_t be = (size_t)(cl - c->src);      /* end of the tag's content */
        size_t te = be + (triple ? 3 : 2);      /* just after the tag */

        /* The sigil, then the name with spaces trimmed. */
        size_t a = body, b = be;
        while (a < b && is_space(c->src[a]))
            a++;
        char sigil = 0;
        if (!triple && a < b && strchr("#^/>!=&<$", c->src[a]))
            sigil = c->src[a++];
        if (sigil == '!') {
            /* comment: anything up to the first "}}" */
        } else if (sigil == '&') {
            /* Raw output stays greppable: only triple braces give it. */
            return set_err(c->set, DALEEL_EPARSE, "%s:%u: {{&...}} is not "
                           "supported: use {{{name}}} for raw output",
                           c->file, line);
        } else if (sigil == '=' || sigil == '<' || sigil == '$') {
            return set_err(c->set, DALEEL_EPARSE, "%s:%u: unsupported tag {{%c",
                           c->file, line, sigil);
        } else {
            while (a < b && is_space(c->src[a]))
                a++;
            while (b > a && is_space(c->src[b - 1]))
                b--;
            if (a == b)
                return set_err(c->set, DALEEL_EPARSE, "%s:%u: empty tag",
                               c->file, line);
        }

        /* Control tags alone on their line take the line with them. */
        size_t text_end = ts, next = te;
        if (sigil) {
            size_t ls = ts;
            while (ls > p && (c->src[ls - 1] == ' ' || c->src[ls - 1] == '\t'))
                ls--;
            size_t ae = te;
            while (ae < c->len && (c->src[ae] == ' ' || c->src[ae] == '\t'))
                ae++;
            int nl_after = ae == c->len ? 0 : c->src[ae] == '\n' ? 1 :
                           c->src[ae] == '\r' && ae + 1 < c->len &&
                           c->src[ae + 1] == '\n' ? 2 : -1;
            if ((ls == 0 || c->src[ls - 1] == '\n') && nl_after >= 0) {
                text_end = ls;
                next = ae + (size_t)nl_after;
            }
        }
        daleel_status st = add_text(c, p, text_end);
        if (st != DALEEL_OK)
            return st;
        /* Count the tag's own lines before its bytes get NULs. */
        line_at(c, te);

        if (sigil != '!' &&
            (st = add_tag(c, sigil, triple, a, b, line)) != DALEEL_OK)
            return st;
        p = next;
    }
    if (c->n_open) {
        char nb[64];
        const struct node *op = &c->nodes[c->open[c->n_open - 1]];
        return set_err(c->set, DALEEL_EPARSE, "%s:%u: unclosed section \"%s\"",
                       c->file, op->line, name_str(op, nb, sizeof nb));
    }
    return add_text(c, p, c->len);
}

static daleel_status add_file(daleel_tmpl_set *set, const char *name,
                              const char *file, const char *src, size_t len)
{
    if (!name[0])
        return set_err(set, DALEEL_EINVAL, "empty template name");
    if (len > DALEEL_TMPL_MAX_SIZE)
        return set_err(set, DALEEL_ETOOBIG, "%s: template over %u bytes",
                       file, DALEEL_TMPL_MAX_SIZE);
    struct compiler c = { .set = set, .file = file, .line = 1, .len = len };
    struct tmpl t = { 0 };
    daleel_status st = DALEEL_ENOMEM;
    c.src = malloc(len + 1);
    if (!c.src)
        goto fail;
    if (len)
        memcpy(c.src, src, len);
    c.src[len] = '\0';
    st = compile(&c);
    if (st != DALEEL_OK)
        goto fail;
    st = DALEEL_ENOMEM;
    t.name = strdup(name);
    t.file = strdup(file);
    if (!t.name || !t.file)
        goto fail;
    t.src = c.src;
    t.nodes = c.nodes;
    t.n_nodes = c.n;

    for (size_t i = 0; i < set->n; i++) {
        if (strcmp(set->v[i].name, name) == 0) {
            tmpl_clear(&set->v[i]);
            set->v[i] = t;
            set->errmsg[0] = '\0';
            return DALEEL_OK;
        }
    }
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        struct tmpl *v = realloc(set->v, cap * sizeof *v);
        if (!v)
            goto fail;
        set->v = v;
        set->cap = cap;
    }
    set->v[set->n++] = t;
    set->errmsg[0] = '\0';
    return DALEEL_OK;
fail:
    if (st == DALEEL_ENOMEM)
        set_err(set, st, "out of memory");
    free(c.src);
    free(c.nodes);
    free(t.name);
    free(t.file);
    return st;
}

daleel_status daleel_tmpl_add(daleel_tmpl_set *set, const char *name,
                              const char *src, size_t len)
{
    assert(set);
    if (!name || (!src && len))
        return set_err(set, DALEEL_EINVAL, "NULL template name or source");
    return add_file(set, name, name, src ? src : "", len);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static daleel_status read_file(daleel_tmpl_set *set, const char *path,
                               char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return set_err(set, DALEEL_EIO, "%s: %s", path, strerror(errno));
    daleel_buf b;
    daleel_buf_init(&b, DALEEL_TMPL_MAX_SIZE);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (daleel_buf_append(&b, chunk, n) != DALEEL_OK)
            break;
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        daleel_buf_free(&b);
        return set_err(set, DALEEL_EIO, "%s: read error", path);
    }
    if (b.err != DALEEL_OK) {
        daleel_status st = b.err;
        daleel_buf_free(&b);
        return st == DALEEL_ETOOBIG
                   ? set_err(set, st, "%s: template over %u bytes", path,
                             DALEEL_TMPL_MAX_SIZE)
                   : set_err(set, st, "out of memory");
    }
    *out = daleel_buf_steal(&b, len);
    return DALEEL_OK;
}

daleel_status daleel_tmpl_load_dir(daleel_tmpl_set *set, const char *dir)
{
    assert(set && dir);
    daleel_status st = DALEEL_OK;
    char **names = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir(dir);
    if (!d)
        return set_err(set, DALEEL_EIO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t k = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        if (!(k > 5 && strcmp(e->d_name + k - 5, ".html") == 0) &&
            !(k > 4 && strcmp(e->d_name + k - 4, ".xml") == 0))
            continue;
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 16;
            char **v = realloc(names, c2 * sizeof *v);
            if (!v) {
                st = set_err(set, DALEEL_ENOMEM, "out of memory");
                goto out;
            }
            names = v;
            cap = c2;
        }
        if (!(names[n] = strdup(e->d_name))) {
            st = set_err(set, DALEEL_ENOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && st == DALEEL_OK; i++) {
        char path[4096];
        int w = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (w < 0 || (size_t)w >= sizeof path) {
            st = set_err(set, DALEEL_EIO, "%s/%s: path too long", dir, names[i]);
            break;
        }
        struct stat sb;
        if (stat(path, &sb) != 0) {
            st = set_err(set, DALEEL_EIO, "%s: %s", path, strerror(errno));
            break;
        }
        if (!S_ISREG(sb.st_mode))
            continue;
        char *src;
        size_t len;
        st = read_file(set, path, &src, &len);
        if (st != DALEEL_OK)
            break;
        *strrchr(names[i], '.') = '\0';
        st = add_file(set, names[i], path, src ? src : "", len);
        free(src);
    }
out:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

daleel_status daleel_tmpl_check(daleel_tmpl_set *set)
{
    assert(set);
    for (size_t i = 0; i < set->n; i++) {
        const struct tmpl *t = &set->v[i];
        for (size_t k = 0; k < t->n_nodes; k++) {
            const struct node *n = &t->nodes[k];
            if (n->type == N_PARTIAL && !find(set, n->s))
                return set_err(set, DALEEL_ENOTFOUND,
                               "%s:%u: no template \"%s\" for the partial",
                               t->file, n->line, n->s);
        }
    }
    set->errmsg[0] = '\0';
    return DALEEL_OK;
}

/* ---- rendering ---- */

/* One level of the context stack; the levels live in the frames of
 * render_nodes(), innermost first. */
struct frame {
    json_t *v;
    const struct frame *up;
};

struct render {
    const daleel_tmpl_set *set;
    daleel_buf *out;
    unsigned depth;      /* partials inside partials */
    unsigned long steps;
    char *msg;
    size_t msg_len;
};

static daleel_status render_err(struct render *r, daleel_status st,
                                const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static daleel_status render_err(struct render *r, daleel_status st,
                                const char *fmt, ...)
{
    if (r->msg && r->msg_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->msg, r->msg_len, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* What a name refers to: a JSON value, or the length of an array (for
 * "list.length"), or nothing (v NULL, len NOT_LEN). */
#define NOT_LEN ((size_t)-1)

/* Mustache: the first part of a name is looked up from the innermost
 * context outwards; the other parts only inside what the first found.
 * "length" after an array is its number of elements (mustache.js does the
 * same), so a list can have a heading shown only when it is not empty. */
static json_t *lookup(const struct frame *f, const struct node *n, size_t *len)
{
    *len = NOT_LEN;
    if (n->len == 0)
        return f ? f->v : NULL;
    const char *part = n->s;
    json_t *v = NULL;
    for (; f; f = f->up)
        if (json_is_object(f->v) && (v = json_object_get(f->v, part)))
            break;
    for (uint32_t i = 1; v && i < n->len; i++) {
        part += strlen(part) + 1;
        if (json_is_array(v) && i + 1 == n->len && strcmp(part, "length") == 0) {
            *len = json_array_size(v);
            return NULL;
        }
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
    }
    return v;
}

static int truthy(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:  return json_object_size(v) > 0;
    case JSON_ARRAY:   return json_array_size(v) > 0;
    case JSON_STRING:  return json_string_length(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL:    return json_real_value(v) != 0.0;
    case JSON_TRUE:    return 1;
    default:           return 0;
    }
}

static void emit(daleel_buf *out, const json_t *v, int raw)
{
    char num[40];
    const char *s;
    size_t n;
    switch (json_typeof(v)) {
    case JSON_STRING:
        s = json_string_value(v);
        n = json_string_length(v);
        break;
    case JSON_INTEGER:
        n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
                             json_integer_value(v));
        s = num;
        break;
    case JSON_REAL: {
        double d = json_real_value(v);
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
            n = (size_t)snprintf(num, sizeof num, "%lld", (long long)d);
        } else {
            /* The shortest of 15 or 17 digits that reads back the same:
             * 0.42 stays "0.42" rather than "0.41999999999999998". */
            n = (size_t)snprintf(num, sizeof num, "%.15g", d);
            if (strtod(num, NULL) != d)
                n = (size_t)snprintf(num, sizeof num, "%.17g", d);
        }
        s = num;
        break;
    }
    case JSON_TRUE:
        s = "true";
        n = 4;
        break;
    case JSON_FALSE:
        s = "false";
        n = 5;
        break;
    default:
        return;
    }
    if (raw)
        daleel_buf_append(out, s, n);
    else
        daleel_buf_append_html(out, s, n);
}

static daleel_status render_nodes(struct render *r, const struct tmpl *t,
                                  size_t from, size_t to,
                                  const struct frame *f)
{
    daleel_status st;
    for (size_t i = from; i < to; i++) {
        if (++r->steps > DALEEL_TMPL_MAX_STEPS)
            return render_err(r, DALEEL_EPARSE,
                              "%s: more than %u steps: a template recurses "
                              "without end", t->file, DALEEL_TMPL_MAX_STEPS);
        if (r->out->err != DALEEL_OK)
            return r->out->err;
        const struct node *n = &t->nodes[i];
        json_t *v;
        switch (n->type) {
        case N_TEXT:
            daleel_buf_append(r->out, n->s, n->len);
            break;
        case N_VAR:
        case N_RAW: {
            size_t len;
            v = lookup(f, n, &len);
            if (len != NOT_LEN)
                daleel_buf_printf(r->out, "%zu", len);
            else if (v)
                emit(r->out, v, n->type == N_RAW);
            break;
        }
        case N_SECTION: {
            size_t len;
            v = lookup(f, n, &len);
            if (len != NOT_LEN) {
                /* "list.length": once, in the same context. */
                if (len > 0) {
                    st = render_nodes(r, t, i + 1, n->end, f);
                    if (st != DALEEL_OK)
                        return st;
                }
            } else if (json_is_array(v)) {
                size_t k;
                json_t *e;
                json_array_foreach(v, k, e) {
                    struct frame nf = { e, f };
                    st = render_nodes(r, t, i + 1, n->end, &nf);
                    if (st != DALEEL_OK)
                        return st;
                }
            } else if (v && truthy(v)) {
                struct frame nf = { v, f };
                st = render_nodes(r, t, i + 1, n->end, &nf);
                if (st != DALEEL_OK)
                    return st;
            }
            i = n->end - 1;
            break;
        }
        case N_INVERTED: {
            size_t len;
            v = lookup(f, n, &len);
            if (len != NOT_LEN ? len == 0 : !v || !truthy(v)) {
                st = render_nodes(r, t, i + 1, n->end, f);
                if (st != DALEEL_OK)
                    return st;
            }
            i = n->end - 1;
            break;
        }
        case N_PARTIAL: {
            const struct tmpl *p = find(r->set, n->s);
            if (!p)
                return render_err(r, DALEEL_ENOTFOUND,
                                  "%s:%u: no template \"%s\" for the partial",
                                  t->file, n->line, n->s);
            if (r->depth >= DALEEL_TMPL_MAX_PARTIALS)
                return render_err(r, DALEEL_EPARSE,
                                  "%s:%u: partials nested deeper than %d",
                                  t->file, n->line, DALEEL_TMPL_MAX_PARTIALS);
            r->depth++;
            st = render_nodes(r, p, 0, p->n_nodes, f);
            r->depth--;
            if (st != DALEEL_OK)
                return st;
            break;
        }
        }
    }
    return r->out->err;
}

daleel_status daleel_tmpl_render_msg(const daleel_tmpl_set *set,
                                     const char *name, json_t *ctx,
                                     daleel_buf *out, char *msg,
                                     size_t msg_len)
{
    assert(set && name && out);
    struct render r = { .set = set, .out = out, .msg = msg,
                        .msg_len = msg_len };
    if (msg && msg_len)
        msg[0] = '\0';
    if (out->err != DALEEL_OK)
        return render_err(&r, out->err, "%s", daleel_status_str(out->err));
    const struct tmpl *t = find(set, name);
    if (!t)
        return render_err(&r, DALEEL_ENOTFOUND, "no template \"%s\"", name);
    size_t start = out->len;
    struct frame top = { ctx, NULL };
    daleel_status st = render_nodes(&r, t, 0, t->n_nodes, ctx ? &top : NULL);
    if (st != DALEEL_OK && out->err == DALEEL_OK) {
        /* A template error: take back the half page. */
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    } else if (st != DALEEL_OK) {
        render_err(&r, st, "%s: %s", t->file, daleel_status_str(st));
    }
    return st;
}

daleel_status daleel_tmpl_render(const daleel_tmpl_set *set, const char *name,
                                 json_t *ctx, daleel_buf *out)
{
    return daleel_tmpl_render_msg(set, name, ctx, out, NULL, 0);
}

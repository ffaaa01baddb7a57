/* run.c: daleel-index's main mode: a folder of Markdown help articles -> the
 * Xapian index the server reads, incrementally and safely.
 *
 * A run has two passes over the sorted file list.  The first reads and
 * hashes only the files the index already knows, to find the unchanged ones
 * (skipped without parsing) and reserve their slugs; the second parses,
 * builds and replaces the changed and new ones.  Reserving first makes
 * duplicate slugs deterministic: a slug already indexed from an unchanged
 * file keeps its owner, and among new files the first in path order wins.
 * Documents whose files are gone are deleted last.  Everything happens in
 * one Xapian transaction committed at the very end, so a killed indexer
 * leaves the previous revision intact and the server never sees half a run.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daleel/article.h"
#include "daleel/document.h"
#include "daleel/index.h"
#include "daleel/text.h"
#include "indexer.h"
#include "ix.h"

#define SYNONYMS_FILE "synonyms.txt"
#define SITE_FILE "site.yaml"
#define MAX_SITE_FILE (64u * 1024)
#define MAX_SYNONYMS_FILE (1024u * 1024)

/* Metadata keys (docs/indexer.md lists them for the server and tools). */
#define META_ANALYZER "analyzer_version"
#define META_COUNT    "article_count"
#define META_BUILT    "built_at"
#define META_SYNHASH  "synonyms_hash"
#define META_SITE     "site"

typedef struct {
    const char *articles;
    const char *index;
    int full, quiet, json;
} options;

/* A document found in the index at the start of the run. */
typedef struct {
    char *path;
    char *slug;
    char *hash;
    int seen;         /* its file still exists (changed or not) */
} stored_doc;

enum { F_NEW, F_CHANGED, F_UNCHANGED, F_ERROR };

typedef struct {
    options opt;
    daleel_index *idx;
    daleel_analyzer *an;
    ix_errors errs;
    ix_tree tree;
    unsigned char *fstate;     /* F_* per tree file */

    stored_doc *docs;
    size_t n_docs;
    ix_strmap by_path;         /* stored path -> docs[] index */
    ix_strmap by_slug;         /* stored slug -> docs[] index */
    /* Slugs owned by a file in this run -> its tree index.  The keys are
     * either stored slugs or strings kept in 'owned'. */
    ix_strmap claimed;
    char **owned;
    size_t n_owned, cap_owned;

    /* Spelling words of this run -> count, added to the index once at
     * the end: one Xapian call per distinct word instead of one per word
     * per article (a full tldr run has ~40 times fewer). */
    ix_strmap spell;
    char **spell_words;
    size_t n_spell, cap_spell;
    unsigned *spell_freq;

    char *buf;                 /* one file, DALEEL_MAX_ARTICLE + 1 bytes */
    int modified;              /* anything written in the transaction */
    unsigned added, updated, removed, unchanged, drafts;
    size_t n_synonym_groups;

    int progress;              /* draw a progress bar on stderr */
    int bar_shown;
    double bar_last;
    double t0;
    char *ver;                 /* the index's analyzer_version, or NULL */
} run_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Output --------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: daleel-index [--articles DIR] [--index DIR] [--full] [--quiet] [--json]\n"
          "       daleel-index --terms TEXT... | --query TEXT...\n"
          "\n"
          "Index the Markdown help articles under DIR (default articles/) into the\n"
          "Xapian database DIR (default index/), skipping unchanged files.\n"
          "\n"
          "  --articles DIR  the articles folder (default: articles)\n"
          "  --index DIR     the index, a Xapian database folder (default: index)\n"
          "  --full          re-index everything from an empty index\n"
          "  --quiet         print only errors\n"
          "  --json          print the result as one JSON object on stdout\n"
          "  --terms TEXT    show the analyzer's terms for TEXT (--query: as a query)\n"
          "  --help, --version\n"
          "\n"
          "Exit status: 0 all indexed, 1 some articles had errors (the others were\n"
          "indexed), 2 usage or fatal error (the index was not changed).\n", f);
}

static void clear_bar(void *ctx)
{
    run_state *r = ctx;
    if (r->bar_shown) {
        fputs("\r\033[K", stderr);
        r->bar_shown = 0;
    }
}

static void draw_bar(run_state *r, size_t done, size_t total, int force)
{
    if (!r->progress || total == 0)
        return;
    double t = now_s();
    if (!force && t - r->bar_last < 0.1)
        return;
    r->bar_last = t;
    char bar[31];
    size_t fill = done * 30 / total;
    for (size_t i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\rindexing [%s] %zu/%zu", bar, done, total);
    r->bar_shown = 1;
}

static json_t *errors_json(const ix_errors *e)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < e->n; i++) {
        json_t *o = json_pack("{s:s, s:s}", "path", e->v[i].path,
                              "message", e->v[i].msg);
        if (!o)
            continue;
        json_object_set_new(o, "line", e->v[i].line > 0
                                       ? json_integer(e->v[i].line) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

/* A fatal error: the transaction (if any) is dropped, nothing was committed.
 * With --json the message also goes to stdout as {"fatal": ...}, so a
 * machine reading stdout always gets one object. */
static int fatal(run_state *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fatal(run_state *r, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clear_bar(r);
    fprintf(stderr, "daleel-index: %s\n", msg);
    if (r->opt.json) {
        json_t *o = json_pack("{s:s, s:o}", "fatal", msg, "errors",
                              errors_json(&r->errs));
        if (o) {
            json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
            fputc('\n', stdout);
            json_decref(o);
        }
    }
    return 2;
}

/* ---- Options -------------------------------------------------------------- */

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, options *o)
{
    o->articles = "articles";
    o->index = "index";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        size_t n = 0;
        if (strncmp(a, "--articles", n = 10) == 0 && (a[n] == '\0' || a[n] == '='))
            target = &o->articles;
        else if (strncmp(a, "--index", n = 7) == 0 && (a[n] == '\0' || a[n] == '='))
            target = &o->index;
        if (target) {
            if (a[n] == '=') {
                *target = a + n + 1;
            } else if (i + 1 < argc) {
                *target = argv[++i];
            } else {
                fprintf(stderr, "daleel-index: %s needs a folder\n", a);
                return 2;
            }
            if (!**target) {
                fprintf(stderr, "daleel-index: %.*s needs a folder\n", (int)n, a);
                return 2;
            }
        } else if (strcmp(a, "--full") == 0) {
            o->full = 1;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("daleel-index %s (analyzer version %d)\n", DALEEL_VERSION,
                   DALEEL_ANALYZER_VERSION);
            return 0;
        } else {
            fprintf(stderr, "daleel-index: unknown argument '%s'\n"
                    "Try 'daleel-index --help'.\n", a);
            return 2;
        }
    }
    return -1;
}

/* ---- Reading the index's state ------------------------------------------ */

typedef struct {
    unsigned *v;
    size_t n, cap;
    int oom;
} docid_list;

static int collect_docid(void *ctx, unsigned docid)
{
    docid_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        unsigned *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = 1;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = docid;
    return 0;
}

/* Load every document's path, slug and hash (values, not the data: the
 * data holds the whole article and would make a no-change run slow). */
static daleel_status load_stored(run_state *r)
{
    docid_list l = { 0 };
    daleel_status st = daleel_index_postings(r->idx, "", collect_docid, &l);
    if (st == DALEEL_OK && l.oom)
        st = DALEEL_ENOMEM;
    if (st != DALEEL_OK)
        goto out;
    r->docs = calloc(l.n ? l.n : 1, sizeof *r->docs);
    if (!r->docs) {
        st = DALEEL_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < l.n; i++) {
        stored_doc *d = &r->docs[r->n_docs];
        size_t len;
        st = daleel_index_get_value(r->idx, l.v[i], DALEEL_SLOT_PATH, &d->path, &len);
        if (st == DALEEL_OK)
            st = daleel_index_get_value(r->idx, l.v[i], DALEEL_SLOT_SLUG, &d->slug, &len);
        if (st == DALEEL_OK)
            st = daleel_index_get_value(r->idx, l.v[i], DALEEL_SLOT_HASH, &d->hash, &len);
        if (st != DALEEL_OK) {
            free(d->path);
            free(d->slug);
            free(d->hash);
            goto out;
        }
        r->n_docs++;
        /* A document without a slug was not written by daleel-index; it
         * cannot be replaced or deleted by its Q term, so leave it be. */
        if (!*d->slug)
            continue;
        if (ix_strmap_put(&r->by_slug, d->slug, r->n_docs - 1) != DALEEL_OK
            || (*d->path && ix_strmap_put(&r->by_path, d->path, r->n_docs - 1)
                                != DALEEL_OK)) {
            st = DALEEL_ENOMEM;
            goto out;
        }
    }
    st = DALEEL_OK;
out:
    free(l.v);
    return st;
}

/* ---- Slugs ------------------------------------------------------------------ */

/* Give 'slug' to tree file 'file' for this run.  'keep' is a string that
 * outlives the run (a stored slug), else 'slug' is copied. */
static daleel_status claim(run_state *r, const char *slug, size_t file, int keep)
{
    const char *key = slug;
    if (!keep) {
        if (r->n_owned == r->cap_owned) {
            size_t cap = r->cap_owned ? r->cap_owned * 2 : 256;
            char **v = realloc(r->owned, cap * sizeof *v);
            if (!v)
                return DALEEL_ENOMEM;
            r->owned = v;
            r->cap_owned = cap;
        }
        char *copy = strdup(slug);
        if (!copy)
            return DALEEL_ENOMEM;
        r->owned[r->n_owned++] = copy;
        key = copy;
    }
    return ix_strmap_put(&r->claimed, key, file);
}

static int is_claimed(run_state *r, const char *slug)
{
    size_t v;
    return ix_strmap_get(&r->claimed, slug, &v);
}

/* The stored document of tree file 'file', or NULL. */
static stored_doc *stored_of(run_state *r, size_t file)
{
    size_t i;
    if (!ix_strmap_get(&r->by_path, r->tree.files[file], &i))
        return NULL;
    return &r->docs[i];
}

/* A file that exists but could not be indexed this run keeps its previous
 * version in the index, if it has one: a broken edit must not make a live
 * article vanish.  The error is reported again on every run until fixed. */
static daleel_status keep_old(run_state *r, size_t file)
{
    stored_doc *d = stored_of(r, file);
    if (!d)
        return DALEEL_OK;
    d->seen = 1;
    if (is_claimed(r, d->slug))
        return DALEEL_OK;   /* another file took the slug: its doc replaced ours */
    return claim(r, d->slug, file, 1);
}

static daleel_status delete_slug(run_state *r, const char *slug)
{
    char term[512];
    if (snprintf(term, sizeof term, "%s%s", DALEEL_PREFIX_ID, slug) >= (int)sizeof term)
        return DALEEL_OK;   /* could never have been indexed */
    r->modified = 1;
    return daleel_index_delete(r->idx, term);
}

/* ---- Indexing one file -------------------------------------------------- */

static char *full_path(run_state *r, const char *rel)
{
    size_t la = strlen(r->opt.articles), lb = strlen(rel);
    char *s = malloc(la + lb + 2);
    if (!s)
        return NULL;
    memcpy(s, r->opt.articles, la);
    s[la] = '/';
    memcpy(s + la + 1, rel, lb + 1);
    return s;
}

/* Read tree file 'file' into r->buf and hash it.  On a read error the error
 * is reported and DALEEL_EIO returned; DALEEL_ENOMEM is the only other. */
static daleel_status read_hashed(run_state *r, size_t file, size_t *len,
                                 int64_t *mtime, char hash[17])
{
    const char *rel = r->tree.files[file];
    char msg[300];
    char *full = full_path(r, rel);
    if (!full)
        return DALEEL_ENOMEM;
    daleel_status st = ix_read_file(full, r->buf, DALEEL_MAX_ARTICLE + 1, len,
                                    mtime, msg, sizeof msg);
    free(full);
    if (st != DALEEL_OK) {
        ix_error_add(&r->errs, rel, 0, "%s", msg);
        return DALEEL_EIO;
    }
    ix_hash_hex(r->buf, *len, hash);
    return DALEEL_OK;
}

static daleel_status add_spelling_word(void *ctx, const char *word)
{
    run_state *r = ctx;
    size_t i;
    if (ix_strmap_get(&r->spell, word, &i)) {
        r->spell_freq[i]++;
        return DALEEL_OK;
    }
    if (r->n_spell == r->cap_spell) {
        size_t cap = r->cap_spell ? r->cap_spell * 2 : 4096;
        char **w = realloc(r->spell_words, cap * sizeof *w);
        if (!w)
            return DALEEL_ENOMEM;
        r->spell_words = w;
        unsigned *f = realloc(r->spell_freq, cap * sizeof *f);
        if (!f)
            return DALEEL_ENOMEM;
        r->spell_freq = f;
        r->cap_spell = cap;
    }
    char *copy = strdup(word);
    if (!copy)
        return DALEEL_ENOMEM;
    if (ix_strmap_put(&r->spell, copy, r->n_spell) != DALEEL_OK) {
        free(copy);
        return DALEEL_ENOMEM;
    }
    r->spell_words[r->n_spell] = copy;
    r->spell_freq[r->n_spell++] = 1;
    return DALEEL_OK;
}

static daleel_status flush_spelling(run_state *r)
{
    for (size_t i = 0; i < r->n_spell; i++) {
        daleel_status st = daleel_index_add_spelling(r->idx, r->spell_words[i],
                                                     r->spell_freq[i]);
        if (st != DALEEL_OK)
            return st;
    }
    return DALEEL_OK;
}

static void report_parse_error(run_state *r, const char *rel,
                               const daleel_article_error *err)
{
    const char *msg = err->msg[0] ? err->msg : "cannot parse the article";
    /* Invalid UTF-8 is located by byte offset; say it unless the message
     * already does. */
    if (err->offset >= 0 && !strstr(msg, "byte"))
        ix_error_add(&r->errs, rel, err->line, "%s (at byte %ld)", msg, err->offset);
    else
        ix_error_add(&r->errs, rel, err->line, "%s", msg);
}

/* Parse and index tree file 'file' (new or changed).  Per-article problems
 * are reported and return DALEEL_OK; any other status is fatal. */
static daleel_status index_file(run_state *r, size_t file)
{
    const char *rel = r->tree.files[file];
    size_t len;
    int64_t mtime;
    char hash[17];
    daleel_article *a = NULL;
    daleel_article_error err;
    daleel_doc *doc = NULL;
    stored_doc *old = stored_of(r, file);
    char *term = NULL;

    if (old)
        old->seen = 1;
    daleel_status st = read_hashed(r, file, &len, &mtime, hash);
    if (st == DALEEL_EIO)
        return keep_old(r, file);
    if (st != DALEEL_OK)
        return st;

    memset(&err, 0, sizeof err);
    err.offset = -1;
    st = daleel_article_parse(r->buf, len, rel, mtime, &a, &err);
    if (st == DALEEL_ENOMEM)
        return st;
    if (st != DALEEL_OK) {
        if (st == DALEEL_ETOOBIG && !err.msg[0])
            snprintf(err.msg, sizeof err.msg, "file is over 2 MiB");
        report_parse_error(r, rel, &err);
        return keep_old(r, file);
    }

    if (a->draft) {
        r->drafts++;
        if (old && !is_claimed(r, old->slug)) {
            st = delete_slug(r, old->slug);
            r->removed++;
        }
        goto out;
    }

    size_t owner;
    if (ix_strmap_get(&r->claimed, a->slug, &owner) && owner != file) {
        ix_error_add(&r->errs, rel, 0, "duplicate slug '%s': %s already has it",
                     a->slug, r->tree.files[owner]);
        st = keep_old(r, file);
        goto out;
    }
    size_t tl = strlen(DALEEL_PREFIX_ID) + strlen(a->slug);
    if (tl > 240) {
        ix_error_add(&r->errs, rel, 0, "slug is too long (%zu bytes, at most 239)",
                     strlen(a->slug));
        st = keep_old(r, file);
        goto out;
    }
    if ((st = claim(r, a->slug, file, 0)) != DALEEL_OK)
        goto out;

    size_t i;
    int existed = old || ix_strmap_get(&r->by_slug, a->slug, &i);
    if ((st = daleel_document_build(a, r->an, hash, &doc)) != DALEEL_OK)
        goto out;
    term = malloc(tl + 1);
    if (!term) {
        st = DALEEL_ENOMEM;
        goto out;
    }
    snprintf(term, tl + 1, "%s%s", DALEEL_PREFIX_ID, a->slug);
    r->modified = 1;
    if ((st = daleel_index_replace(r->idx, term, doc)) != DALEEL_OK)
        goto out;
    /* The file's old slug (its front matter changed it) is now stale,
     * unless another file of this run has taken it over. */
    if (old && strcmp(old->slug, a->slug) != 0 && !is_claimed(r, old->slug)
        && (st = delete_slug(r, old->slug)) != DALEEL_OK)
        goto out;
    if ((st = daleel_document_spelling(a, r->an, add_spelling_word, r)) != DALEEL_OK)
        goto out;
    if (existed)
        r->updated++;
    else
        r->added++;
out:
    free(term);
    daleel_doc_free(doc);
    daleel_article_free(a);
    return st;
}

/* ---- Synonyms ------------------------------------------------------------- */

/* Read and parse synonyms.txt; rebuild the synonym table when the file
 * changed since the last run (or on --full).  Comparing a hash stored in
 * the metadata keeps a no-change run from writing a new revision, which
 * would make every server reopen the index for nothing. */
static daleel_status do_synonyms(run_state *r)
{
    daleel_status st;
    /* Xapian deletes a metadata key set to "": "none" marks "no file". */
    char hash[17] = "none";
    size_t len = 0;
    int64_t mtime;
    char msg[300];
    ix_synonyms syn = { 0 };
    char *old_hash = NULL;
    char *buf = NULL;
    char *full = full_path(r, SYNONYMS_FILE);
    if (!full)
        return DALEEL_ENOMEM;

    struct stat sb;
    int present = stat(full, &sb) == 0;
    if (present) {
        buf = malloc(MAX_SYNONYMS_FILE + 1);
        if (!buf) {
            st = DALEEL_ENOMEM;
            goto out;
        }
        st = ix_read_file(full, buf, MAX_SYNONYMS_FILE + 1, &len, &mtime, msg,
                          sizeof msg);
        if (st != DALEEL_OK) {
            if (st == DALEEL_ETOOBIG)
                snprintf(msg, sizeof msg, "file is over 1 MiB");
            ix_error_add(&r->errs, SYNONYMS_FILE, 0, "%s", msg);
            /* Keep the table as it is rather than empty it. */
            st = DALEEL_OK;
            goto out;
        }
        ix_hash_hex(buf, len, hash);
        if ((st = ix_synonyms_parse(buf, len, SYNONYMS_FILE, r->an, &syn,
                                    &r->errs)) != DALEEL_OK)
            goto out;
        r->n_synonym_groups = syn.n_groups;
    }

    if ((st = daleel_index_get_meta(r->idx, META_SYNHASH, &old_hash)) != DALEEL_OK)
        goto out;
    if (old_hash && strcmp(old_hash, hash) == 0)
        goto out;
    r->modified = 1;
    if ((st = daleel_index_clear_synonyms(r->idx)) != DALEEL_OK)
        goto out;
    for (size_t i = 0; i < syn.n; i++)
        if ((st = daleel_index_add_synonym(r->idx, syn.keys[i], syn.syns[i]))
            != DALEEL_OK)
            goto out;
    st = daleel_index_set_meta(r->idx, META_SYNHASH, hash);
out:
    free(old_hash);
    free(buf);
    free(full);
    ix_synonyms_free(&syn);
    return st;
}

/* ---- Site names ------------------------------------------------------------ */

/* Read site.yaml (the localized site and category names) into the "site"
 * metadata key; written only when it changed.  A file with mistakes is
 * reported and leaves the stored names as they were. */
static daleel_status do_site(run_state *r)
{
    daleel_status st = DALEEL_OK;
    char msg[300];
    char *json = NULL, *old = NULL, *buf = NULL;
    char *full = full_path(r, SITE_FILE);
    if (!full)
        return DALEEL_ENOMEM;
    struct stat sb;
    if (stat(full, &sb) == 0) {
        size_t len = 0;
        int64_t mtime;
        if (!(buf = malloc(MAX_SITE_FILE + 1))) {
            st = DALEEL_ENOMEM;
            goto out;
        }
        st = ix_read_file(full, buf, MAX_SITE_FILE + 1, &len, &mtime, msg,
                          sizeof msg);
        if (st != DALEEL_OK) {
            if (st == DALEEL_ETOOBIG)
                snprintf(msg, sizeof msg, "file is over 64 KiB");
            ix_error_add(&r->errs, SITE_FILE, 0, "%s", msg);
            st = DALEEL_OK;
            goto out;
        }
        if ((st = ix_site_parse(buf, len, SITE_FILE, &json, &r->errs))
            != DALEEL_OK || !json)
            goto out;
    }
    if ((st = daleel_index_get_meta(r->idx, META_SITE, &old)) != DALEEL_OK)
        goto out;
    if ((old ? old : "")[0] == '\0' && !json)
        goto out;
    if (old && json && strcmp(old, json) == 0)
        goto out;
    r->modified = 1;
    /* "" removes the key: no file, no names. */
    st = daleel_index_set_meta(r->idx, META_SITE, json ? json : "");
out:
    free(old);
    free(json);
    free(buf);
    free(full);
    return st;
}

/* ---- The run ---------------------------------------------------------------- */

/* Refuse to create an index inside a folder that holds something else: a
 * swapped --articles/--index must not scatter Xapian files over the
 * articles.  An existing Xapian database (glass or older backends) or an
 * empty or missing folder is fine. */
static int index_folder_ok(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 1;   /* missing (created by Xapian) or unusable (Xapian says why) */
    /* Read to the end: the version file may come after other files. */
    int other = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        if (strcmp(n, "iamglass") == 0 || strcmp(n, "iamchert") == 0
            || strcmp(n, "iamhoney") == 0) {
            closedir(d);
            return 1;
        }
        other = 1;
    }
    closedir(d);
    return !other;
}

static int print_summary(run_state *r, unsigned count, double secs)
{
    int code = r->errs.n ? 1 : 0;
    clear_bar(r);
    if (r->opt.json) {
        json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:b}",
                              "articles", (json_int_t)count,
                              "added", (json_int_t)r->added,
                              "updated", (json_int_t)r->updated,
                              "removed", (json_int_t)r->removed,
                              "unchanged", (json_int_t)r->unchanged,
                              "drafts", (json_int_t)r->drafts,
                              "error_count", (json_int_t)r->errs.n,
                              "synonym_groups", (json_int_t)r->n_synonym_groups,
                              "seconds", secs,
                              "full", r->opt.full);
        if (o) {
            json_object_set_new(o, "errors", errors_json(&r->errs));
            json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
            fputc('\n', stdout);
            json_decref(o);
        }
    } else if (!r->opt.quiet) {
        printf("indexed %u articles: %u added, %u updated, %u removed, "
               "%u unchanged, %zu errors in %.2f s\n", count, r->added,
               r->updated, r->removed, r->unchanged, r->errs.n, secs);
    }
    return code;
}

static int under_bad_dir(run_state *r, const char *path)
{
    for (size_t i = 0; i < r->tree.n_bad_dirs; i++) {
        const char *b = r->tree.bad_dirs[i];
        if (strncmp(path, b, strlen(b)) == 0)
            return 1;
    }
    return 0;
}

/* Open the index for writing (wiped with --full) and check that it was
 * built by this analyzer.  Returns -1 to go on, else the exit status. */
static int open_index(run_state *r)
{
    const options *o = &r->opt;
    daleel_status st;

    /* With --full the library opens the transaction itself, so the wipe
     * is as invisible to readers as the rest of the run.  A failed open
     * has no handle to ask: open_ex() hands over Xapian's message, with
     * the system's reason when there is one. */
    char why[256];
    st = daleel_index_open_ex(o->index, DALEEL_OPEN_WRITABLE
                              | (o->full ? DALEEL_OPEN_WIPE : 0u),
                              &r->idx, why, sizeof why);
    if (st == DALEEL_ELOCKED)
        return fatal(r, "%s: index is locked by another daleel-index", o->index);
    if (st != DALEEL_OK)
        return fatal(r, "cannot open index %s for writing: %s", o->index,
                     why[0] ? why : daleel_status_str(st));

    /* Terms from two analyzer versions in one index would match some
     * queries and silently miss others: refuse, and say how to fix it. */
    if ((st = daleel_index_get_meta(r->idx, META_ANALYZER, &r->ver)) != DALEEL_OK)
        return fatal(r, "%s: %s", o->index, daleel_index_errmsg(r->idx));
    if (!o->full) {
        char want[16];
        snprintf(want, sizeof want, "%d", DALEEL_ANALYZER_VERSION);
        if (r->ver ? strcmp(r->ver, want) != 0 : daleel_index_doccount(r->idx) > 0)
            return fatal(r, "%s was built by analyzer version %s, this is version "
                         "%s: run daleel-index --full", o->index,
                         r->ver ? r->ver : "(none)", want);
    }
    return -1;
}

/* Stamp the metadata and commit, or cancel a run that changed nothing;
 * then print the summary.  Returns the exit status. */
static int finish(run_state *r)
{
    const options *o = &r->opt;
    daleel_status st;
    unsigned count = daleel_index_doccount(r->idx);
    int write = r->modified || o->full || !r->ver;
    if (write) {
        char v[32], when[32];
        time_t t = time(NULL);
        struct tm tm;
        snprintf(v, sizeof v, "%d", DALEEL_ANALYZER_VERSION);
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        char n[16];
        snprintf(n, sizeof n, "%u", count);
        if ((st = daleel_index_set_meta(r->idx, META_ANALYZER, v)) != DALEEL_OK
            || (st = daleel_index_set_meta(r->idx, META_COUNT, n)) != DALEEL_OK
            || (st = daleel_index_set_meta(r->idx, META_BUILT, when)) != DALEEL_OK)
            return fatal(r, "%s: %s", o->index, daleel_index_errmsg(r->idx));
    }

    /* Xapian writes a new revision for any committed transaction, even an
     * empty one, and every server would then reopen for nothing. */
    if (!write)
        st = daleel_index_cancel(r->idx);
    else
        st = daleel_index_commit(r->idx);
    if (st != DALEEL_OK)
        return fatal(r, "cannot write index %s: %s", o->index,
                     daleel_index_errmsg(r->idx));
    return print_summary(r, count, now_s() - r->t0);
}

static int run(run_state *r)
{
    const options *o = &r->opt;
    daleel_status st;
    struct stat sb;
    int code;

    r->t0 = now_s();
    r->errs.clear_line = clear_bar;
    r->errs.clear_ctx = r;
    r->progress = !o->quiet && !o->json && isatty(STDERR_FILENO);

    /* Check everything that can be checked before touching the index. */
    if (stat(o->articles, &sb) != 0)
        return fatal(r, "articles folder %s: %s", o->articles, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return fatal(r, "articles folder %s is not a folder", o->articles);
    if (!index_folder_ok(o->index))
        return fatal(r, "%s is not a Xapian database and not empty: "
                     "refusing to write an index there", o->index);
    if ((st = ix_walk(o->articles, &r->tree, &r->errs)) != DALEEL_OK)
        return fatal(r, "articles folder %s: %s", o->articles,
                     st == DALEEL_EIO ? strerror(errno) : daleel_status_str(st));
    r->fstate = calloc(r->tree.n_files ? r->tree.n_files : 1, 1);
    r->an = daleel_analyzer_new();
    r->buf = malloc(DALEEL_MAX_ARTICLE + 1);
    if (!r->fstate || !r->an || !r->buf)
        return fatal(r, "out of memory");

    if ((code = open_index(r)) >= 0)
        return code;
    if ((st = daleel_index_begin(r->idx)) != DALEEL_OK)
        return fatal(r, "%s: %s", o->index, daleel_index_errmsg(r->idx));
    if (!o->full && (st = load_stored(r)) != DALEEL_OK)
        return fatal(r, "%s: cannot read the index: %s", o->index,
                     st == DALEEL_ENOMEM ? "out of memory"
                                         : daleel_index_errmsg(r->idx));

    /* Pass 1: files the index knows.  Unchanged ones are done; their slugs
     * are reserved before any new file can take them. */
    for (size_t f = 0; f < r->tree.n_files; f++) {
        stored_doc *d = stored_of(r, f);
        if (!d) {
            r->fstate[f] = F_NEW;
            continue;
        }
        size_t len;
        int64_t mtime;
        char hash[17];
        st = read_hashed(r, f, &len, &mtime, hash);
        if (st == DALEEL_EIO) {
            r->fstate[f] = F_ERROR;
            st = keep_old(r, f);
        } else if (st == DALEEL_OK && strcmp(hash, d->hash) == 0) {
            r->fstate[f] = F_UNCHANGED;
            d->seen = 1;
            r->unchanged++;
            st = claim(r, d->slug, f, 1);
        } else {
            r->fstate[f] = F_CHANGED;
        }
        if (st != DALEEL_OK)
            return fatal(r, "out of memory");
    }

    /* Pass 2: parse, build and replace the new and changed files. */
    size_t done = r->unchanged;
    for (size_t f = 0; f < r->tree.n_files; f++) {
        if (r->fstate[f] != F_NEW && r->fstate[f] != F_CHANGED)
            continue;
        if ((st = index_file(r, f)) != DALEEL_OK)
            return fatal(r, "%s: %s", r->tree.files[f],
                         st == DALEEL_ENOMEM ? "out of memory"
                                             : daleel_index_errmsg(r->idx));
        draw_bar(r, ++done, r->tree.n_files, 0);
    }
    if (r->bar_shown)
        draw_bar(r, r->tree.n_files, r->tree.n_files, 1);

    /* Documents whose files are gone (not merely unreadable this time). */
    for (size_t i = 0; i < r->n_docs; i++) {
        stored_doc *d = &r->docs[i];
        if (d->seen || !*d->slug || is_claimed(r, d->slug)
            || under_bad_dir(r, d->path))
            continue;
        if ((st = delete_slug(r, d->slug)) != DALEEL_OK)
            return fatal(r, "%s: %s", o->index, daleel_index_errmsg(r->idx));
        r->removed++;
    }

    if ((st = flush_spelling(r)) != DALEEL_OK)
        return fatal(r, "%s: spelling: %s", o->index, daleel_index_errmsg(r->idx));

    if ((st = do_synonyms(r)) != DALEEL_OK)
        return fatal(r, "%s: synonyms: %s", o->index,
                     st == DALEEL_ENOMEM ? "out of memory"
                                         : daleel_index_errmsg(r->idx));

    if ((st = do_site(r)) != DALEEL_OK)
        return fatal(r, "%s: site names: %s", o->index,
                     st == DALEEL_ENOMEM ? "out of memory"
                                         : daleel_index_errmsg(r->idx));

    return finish(r);
}

static void run_free(run_state *r)
{
    /* Closing without a commit drops the transaction: the fatal paths rely
     * on it. */
    daleel_index_close(r->idx);
    daleel_analyzer_free(r->an);
    for (size_t i = 0; i < r->n_docs; i++) {
        free(r->docs[i].path);
        free(r->docs[i].slug);
        free(r->docs[i].hash);
    }
    free(r->docs);
    for (size_t i = 0; i < r->n_owned; i++)
        free(r->owned[i]);
    free(r->owned);
    ix_strmap_free(&r->by_path);
    ix_strmap_free(&r->by_slug);
    ix_strmap_free(&r->claimed);
    ix_strmap_free(&r->spell);
    for (size_t i = 0; i < r->n_spell; i++)
        free(r->spell_words[i]);
    free(r->spell_words);
    free(r->spell_freq);
    ix_tree_free(&r->tree);
    ix_errors_free(&r->errs);
    free(r->fstate);
    free(r->buf);
    free(r->ver);
}

int indexer_run_main(int argc, char **argv)
{
    run_state r;
    memset(&r, 0, sizeof r);
    int code = parse_options(argc, argv, &r.opt);
    if (code >= 0)
        return code;
    code = run(&r);
    run_free(&r);
    fflush(stdout);
    return code;
}

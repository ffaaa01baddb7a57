/* index.cc: the C API of include/daleel/index.h over Xapian 1.4, and the
 * only C++ file of Daleel.  Every exported function catches everything at
 * the boundary and turns it into a daleel_status with a message on the
 * handle (notmuch's Lippincott idiom, STYLE.md section 6); results are
 * copied into malloc'd memory, so no C++ object or exception ever reaches
 * the C side.  This file attaches no Xapian::Stem: only text.c stems.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <xapian.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "daleel/index.h"

/* Xapian's glass backend refuses terms longer than this many bytes. */
#define MAX_TERM_BYTES 245

/* The values of one slot of every document, as small numbers: id[docid]
 * is 0 for no value, else 1 + the value's index in 'names'.  A search
 * counts facets and collapses by these instead of asking Xapian for two
 * values of every document it examines (measured on tldr: the match spy
 * reading them was 13% of a search).  'stamp' and 'gen' mark the ids seen
 * by one search without clearing anything. */
struct SlotTable {
    Xapian::valueno slot = 0;
    Xapian::rev rev = 0;
    std::vector<uint32_t> id;
    std::vector<std::string> names;
    std::vector<Xapian::doccount> count;   /* documents per id */
    std::vector<uint32_t> stamp;
    uint32_t gen = 0;
};

struct daleel_index {
    Xapian::Database rdb;          /* read-only handles */
    Xapian::WritableDatabase wdb;  /* writable handles */
    bool writable = false;
    bool in_txn = false;
    bool wipe_txn = false;   /* in_txn was opened by a wiping open */
    /* Spelling additions not yet given to Xapian.  The indexer adds each
     * word once per article; summing here first and calling
     * add_spelling() once per distinct word at commit saves Xapian's
     * ordered-map and table lookups for every repeat. */
    std::unordered_map<std::string, unsigned> spelling;
    /* A wiping open: the documents of the old revision that no
     * daleel_index_replace() has overwritten yet; deleted at commit (or
     * before the first read of documents). */
    std::unordered_set<Xapian::docid> stale;
    std::string path;
    char errmsg[256] = "";
    /* Read-only handles: the facet and collapse slots' values of every
     * document, for the revision they were read from (see SlotTable). */
    std::deque<SlotTable> slot_tables;   /* pointers stay valid */

    /* The database to read from: a writable handle reads its own
     * uncommitted changes, so a wiping one first deletes what is stale
     * (defined below the struct). */
    Xapian::Database &db();
    /* The same for the spelling, synonym and metadata tables and the
     * revision, which a wipe empties at once: no need to settle. */
    Xapian::Database &tables() { return writable ? wdb : rdb; }
};

static void settle(daleel_index *idx);
static SlotTable *slot_table(daleel_index *idx, Xapian::valueno slot);

Xapian::Database &daleel_index::db()
{
    if (!writable)
        return rdb;
    settle(this);
    return wdb;
}

struct daleel_doc {
    Xapian::Document doc;
};

struct daleel_query {
    Xapian::Query q;
};

/* ---- Errors ------------------------------------------------------------ */

static daleel_status set_err(daleel_index *idx, daleel_status st,
                             const char *fmt, ...) noexcept
    __attribute__((format(printf, 3, 4)));

static daleel_status set_err(daleel_index *idx, daleel_status st,
                             const char *fmt, ...) noexcept
{
    if (idx) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(idx->errmsg, sizeof idx->errmsg, fmt, ap);
        va_end(ap);
    }
    return st;
}

static void clear_err(daleel_index *idx) noexcept
{
    if (idx)
        idx->errmsg[0] = '\0';
}

/* Whether 'path' names nothing at all: a Xapian opening error on a missing
 * path is "not found", on an existing one it is a broken index. */
static bool path_missing(const std::string &path) noexcept
{
    struct stat st;
    return stat(path.c_str(), &st) != 0 && errno == ENOENT;
}

/* Record Xapian's message for 'e', after "what: " unless 'what' is "",
 * and with the system's reason when Xapian kept one: get_msg() says
 * "mkdir failed", get_error_string() says why ("Not a directory"). */
static daleel_status xapian_err(daleel_index *idx, daleel_status st,
                                const char *what,
                                const Xapian::Error &e) noexcept
{
    const char *why = NULL;
    try {
        why = e.get_error_string();   /* builds a std::string: may throw */
    } catch (...) {
    }
    return set_err(idx, st, "%s%s%s%s%s%s", what, what[0] ? ": " : "",
                   e.get_msg().c_str(), why ? " (" : "", why ? why : "",
                   why ? ")" : "");
}

static bool ends_with(const std::string &s, const char *tail) noexcept
{
    size_t n = strlen(tail);
    return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

/* Classify the exception being handled.  Must be called from a catch
 * block; it rethrows and catches, so nothing escapes it. */
static daleel_status status_from_exception(daleel_index *idx) noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        /* Only "already locked" (Xapian's FlintLock::INUSE, the same words
         * since flint) means another writer holds the lock.  The lock file
         * may also fail to open (permissions, a read-only file system, too
         * many open files): telling the user to wait for another writer
         * then would send them the wrong way. */
        if (ends_with(e.get_msg(), ": already locked"))
            return xapian_err(idx, DALEEL_ELOCKED,
                              "index is locked by another writer", e);
        return xapian_err(idx, DALEEL_EIO, "cannot lock the index", e);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return xapian_err(idx, DALEEL_ENOTFOUND, "no index there", e);
    } catch (const Xapian::DatabaseVersionError &e) {
        return xapian_err(idx, DALEEL_EINDEX, "unsupported index format", e);
    } catch (const Xapian::DatabaseOpeningError &e) {
        if (idx && path_missing(idx->path))
            return set_err(idx, DALEEL_ENOTFOUND, "no index at '%s'",
                           idx->path.c_str());
        return xapian_err(idx, DALEEL_EINDEX, "cannot open the index", e);
    } catch (const Xapian::DatabaseCreateError &e) {
        return xapian_err(idx, DALEEL_EIO, "cannot create the index", e);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return xapian_err(idx, DALEEL_EINDEX, "index is corrupt", e);
    } catch (const Xapian::DocNotFoundError &e) {
        return xapian_err(idx, DALEEL_ENOTFOUND, "", e);
    } catch (const Xapian::QueryParserError &e) {
        return xapian_err(idx, DALEEL_EPARSE, "", e);
    } catch (const Xapian::InvalidArgumentError &e) {
        return xapian_err(idx, DALEEL_EINVAL, "", e);
    } catch (const Xapian::InvalidOperationError &e) {
        return xapian_err(idx, DALEEL_EINVAL, "", e);
    } catch (const Xapian::Error &e) {
        return xapian_err(idx, DALEEL_EINDEX, e.get_type(), e);
    } catch (const std::bad_alloc &) {
        return set_err(idx, DALEEL_ENOMEM, "out of memory");
    } catch (const std::exception &e) {
        return set_err(idx, DALEEL_EINDEX, "%s", e.what());
    } catch (...) {
        return set_err(idx, DALEEL_EINDEX, "unknown C++ exception");
    }
}

/* A copy of 's' in malloc'd memory, NUL-terminated.  Throws bad_alloc so
 * the boundary reports DALEEL_ENOMEM. */
static char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

/* Copy 'v' into a malloc'd array of malloc'd strings; NULL when empty. */
static char **dup_strv(const std::vector<std::string> &v)
{
    if (v.empty())
        return NULL;
    char **out = static_cast<char **>(calloc(v.size(), sizeof *out));
    if (!out)
        throw std::bad_alloc();
    for (size_t i = 0; i < v.size(); i++) {
        out[i] = static_cast<char *>(malloc(v[i].size() + 1));
        if (!out[i]) {
            daleel_strv_free(out, i);
            throw std::bad_alloc();
        }
        memcpy(out[i], v[i].data(), v[i].size());
        out[i][v[i].size()] = '\0';
    }
    return out;
}

/* Give the buffered spelling additions to Xapian. */
static void flush_spelling(daleel_index *idx)
{
    for (const auto &wf : idx->spelling)
        idx->wdb.add_spelling(wf.first, wf.second);
    idx->spelling.clear();
}

/* Delete the documents a wiping open left stale (see wipe_all()). */
static void settle(daleel_index *idx)
{
    if (idx->stale.empty())
        return;
    for (Xapian::docid id : idx->stale) {
        try {
            idx->wdb.delete_document(id);
        } catch (const Xapian::DocNotFoundError &) {
            /* Deleted meanwhile by daleel_index_delete(). */
        }
    }
    idx->stale.clear();
}

static daleel_status need_writable(daleel_index *idx) noexcept
{
    if (!idx->writable)
        return set_err(idx, DALEEL_EINVAL, "the index is open read-only");
    return DALEEL_OK;
}

/* Run the read 'f' (a lambda returning daleel_status, with no effect on
 * its out-parameters before it succeeds); when a commit has overwritten
 * blocks of the revision this handle reads (Xapian::DatabaseModifiedError),
 * move to the latest revision and run it once more. */
template <typename F>
static daleel_status with_retry(daleel_index *idx, F f)
{
    try {
        return f();
    } catch (const Xapian::DatabaseModifiedError &) {
        idx->db().reopen();
        return f();
    }
}

/* ---- Opening ------------------------------------------------------------ */

/* Empty the database inside the transaction just begun: documents,
 * spelling, synonyms and metadata.  Xapian's DB_CREATE_OR_OVERWRITE is no
 * use here: it writes an empty revision at once (measured with 1.4.22: a
 * reader opened after it sees 0 documents), so a server reopening, or an
 * indexer killed, during a full run would leave an empty index.  Inside
 * the transaction the old revision stays readable until commit and intact
 * after a crash.
 *
 * Documents are not deleted here but remembered as stale: a full run
 * replaces most of them by unique term, and Xapian's replace_document()
 * of an existing document only writes what changed, while delete + add
 * rewrites everything (measured on tldr, 7,863 pages: about 3 s more CPU
 * for a --full run).  Whatever is left stale is deleted by settle(). */
static void wipe_all(daleel_index *idx)
{
    Xapian::WritableDatabase &w = idx->wdb;
    for (Xapian::PostingIterator p = w.postlist_begin(""); p != w.postlist_end("");
         ++p)
        idx->stale.insert(*p);

    std::vector<std::pair<std::string, Xapian::termcount>> words;
    for (Xapian::TermIterator t = w.spellings_begin(); t != w.spellings_end(); ++t)
        words.emplace_back(*t, t.get_termfreq());
    for (const auto &wf : words)
        w.remove_spelling(wf.first, wf.second);

    std::vector<std::string> keys;
    for (Xapian::TermIterator k = w.synonym_keys_begin(); k != w.synonym_keys_end();
         ++k)
        keys.push_back(*k);
    for (const std::string &k : keys)
        w.clear_synonyms(k);

    keys.clear();
    for (Xapian::TermIterator k = w.metadata_keys_begin(); k != w.metadata_keys_end();
         ++k)
        keys.push_back(*k);
    for (const std::string &k : keys)
        w.set_metadata(k, "");
}

extern "C" daleel_status daleel_index_open_ex(const char *path,
                                              unsigned flags,
                                              daleel_index **out,
                                              char *errbuf, size_t errbuf_len)
{
    *out = NULL;
    if (errbuf && errbuf_len)
        errbuf[0] = '\0';
    daleel_index *idx = new (std::nothrow) daleel_index;
    if (!idx) {
        if (errbuf && errbuf_len)
            snprintf(errbuf, errbuf_len, "out of memory");
        return DALEEL_ENOMEM;
    }
    daleel_status st = DALEEL_OK;
    try {
        idx->path = path;
        if (flags & DALEEL_OPEN_WRITABLE) {
            idx->wdb = Xapian::WritableDatabase(idx->path,
                                                Xapian::DB_CREATE_OR_OPEN |
                                                Xapian::DB_BACKEND_GLASS);
            idx->writable = true;
            if (flags & DALEEL_OPEN_WIPE) {
                /* The wipe must not be visible before the caller's
                 * commit, so it opens the transaction that
                 * daleel_index_begin() then adopts. */
                idx->wdb.begin_transaction(true);
                idx->in_txn = true;
                idx->wipe_txn = true;
                wipe_all(idx);
            }
        } else {
            if (path_missing(idx->path)) {
                st = set_err(idx, DALEEL_ENOTFOUND, "no index at '%s'", path);
            } else {
                idx->rdb = Xapian::Database(idx->path);
            }
        }
    } catch (...) {
        st = status_from_exception(idx);
    }
    if (st != DALEEL_OK) {
        if (errbuf && errbuf_len)
            snprintf(errbuf, errbuf_len, "%s", idx->errmsg);
        daleel_index_close(idx);
        return st;
    }
    *out = idx;
    return DALEEL_OK;
}

extern "C" daleel_status daleel_index_open(const char *path, daleel_index **out)
{
    return daleel_index_open_ex(path, 0, out, NULL, 0);
}

extern "C" daleel_status daleel_index_open_writable(const char *path, int wipe,
                                                   daleel_index **out)
{
    return daleel_index_open_ex(path,
                                DALEEL_OPEN_WRITABLE | (wipe ? DALEEL_OPEN_WIPE : 0),
                                out, NULL, 0);
}

extern "C" void daleel_index_close(daleel_index *idx)
{
    if (!idx)
        return;
    try {
        /* Closing a writable database commits unless a transaction is
         * open; the header promises that uncommitted changes are
         * discarded, so cancel or leave them unflushed. */
        if (idx->writable && idx->in_txn)
            idx->wdb.cancel_transaction();
        else if (idx->writable)
            flush_spelling(idx);   /* Xapian commits them on close */
    } catch (...) {
        /* Nothing to report to: the handle is going away. */
    }
    try {
        delete idx;
    } catch (...) {
    }
}

extern "C" const char *daleel_index_errmsg(const daleel_index *idx)
{
    return idx ? idx->errmsg : "";
}

extern "C" int daleel_index_writable(const daleel_index *idx)
{
    return idx && idx->writable;
}

extern "C" daleel_status daleel_index_reopen(daleel_index *idx, int *changed)
{
    *changed = 0;
    clear_err(idx);
    if (idx->writable)
        return DALEEL_OK;
    try {
        Xapian::rev before = idx->rdb.get_revision();
        if (idx->rdb.reopen())
            *changed = idx->rdb.get_revision() != before;
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" unsigned daleel_index_doccount(daleel_index *idx)
{
    clear_err(idx);
    try {
        return idx->db().get_doccount();
    } catch (...) {
        status_from_exception(idx);
        return 0;
    }
}

extern "C" unsigned long daleel_index_revision(daleel_index *idx)
{
    clear_err(idx);
    try {
        return idx->tables().get_revision();
    } catch (...) {
        status_from_exception(idx);
        return 0;
    }
}

/* ---- Building documents --------------------------------------------------- */

static daleel_status doc_status() noexcept
{
    try {
        throw;
    } catch (const std::bad_alloc &) {
        return DALEEL_ENOMEM;
    } catch (const Xapian::InvalidArgumentError &) {
        return DALEEL_EINVAL;
    } catch (...) {
        return DALEEL_EINDEX;
    }
}

extern "C" daleel_doc *daleel_doc_new(void)
{
    try {
        return new daleel_doc;
    } catch (...) {
        return NULL;
    }
}

extern "C" void daleel_doc_free(daleel_doc *doc)
{
    try {
        delete doc;
    } catch (...) {
    }
}

extern "C" daleel_status daleel_doc_add_term(daleel_doc *doc, const char *term,
                                            size_t len, unsigned pos,
                                            unsigned wdf)
{
    if (len == 0 || len > MAX_TERM_BYTES)
        return DALEEL_EINVAL;
    try {
        std::string t(term, len);
        if (pos > 0)
            doc->doc.add_posting(t, pos, wdf);
        else
            doc->doc.add_term(t, wdf);
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_add_boolean(daleel_doc *doc,
                                               const char *term)
{
    size_t len = strlen(term);
    if (len == 0 || len > MAX_TERM_BYTES)
        return DALEEL_EINVAL;
    try {
        doc->doc.add_boolean_term(std::string(term, len));
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_set_value(daleel_doc *doc, unsigned slot,
                                             const char *v, size_t len)
{
    try {
        doc->doc.add_value(slot, std::string(v, len));
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_set_number(daleel_doc *doc, unsigned slot,
                                              double v)
{
    try {
        doc->doc.add_value(slot, Xapian::sortable_serialise(v));
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_set_data(daleel_doc *doc, const char *data,
                                            size_t len)
{
    try {
        doc->doc.set_data(std::string(data, len));
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_terms(const daleel_doc *doc, char ***out,
                                         size_t *n)
{
    *out = NULL;
    *n = 0;
    try {
        std::vector<std::string> v;
        for (Xapian::TermIterator t = doc->doc.termlist_begin();
             t != doc->doc.termlist_end(); ++t)
            v.push_back(*t);
        *out = dup_strv(v);
        *n = v.size();
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_term_info(const daleel_doc *doc,
                                             const char *term, unsigned *wdf,
                                             unsigned **pos, size_t *n_pos)
{
    *wdf = 0;
    if (pos)
        *pos = NULL;
    if (n_pos)
        *n_pos = 0;
    try {
        Xapian::TermIterator t = doc->doc.termlist_begin();
        t.skip_to(term);
        if (t == doc->doc.termlist_end() || *t != term)
            return DALEEL_ENOTFOUND;
        *wdf = t.get_wdf();
        if (pos && n_pos) {
            std::vector<unsigned> v;
            for (Xapian::PositionIterator p = t.positionlist_begin();
                 p != t.positionlist_end(); ++p)
                v.push_back(*p);
            if (!v.empty()) {
                *pos = static_cast<unsigned *>(malloc(v.size() * sizeof **pos));
                if (!*pos)
                    throw std::bad_alloc();
                std::copy(v.begin(), v.end(), *pos);
                *n_pos = v.size();
            }
        }
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_get_value(const daleel_doc *doc,
                                             unsigned slot, char **out,
                                             size_t *len)
{
    *out = NULL;
    *len = 0;
    try {
        std::string v = doc->doc.get_value(slot);
        *out = dup_string(v);
        *len = v.size();
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

extern "C" daleel_status daleel_doc_get_data(const daleel_doc *doc, char **out,
                                            size_t *len)
{
    *out = NULL;
    *len = 0;
    try {
        std::string v = doc->doc.get_data();
        *out = dup_string(v);
        *len = v.size();
        return DALEEL_OK;
    } catch (...) {
        return doc_status();
    }
}

/* ---- Writing ------------------------------------------------------------- */

extern "C" daleel_status daleel_index_begin(daleel_index *idx)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    if (idx->in_txn && idx->wipe_txn) {
        idx->wipe_txn = false;
        return DALEEL_OK;
    }
    if (idx->in_txn)
        return set_err(idx, DALEEL_EINVAL, "a transaction is already open");
    try {
        /* flushed=true: commit_transaction() makes one new revision, and
         * until then nothing reaches the version file, so a crash leaves
         * the previous revision as it was. */
        idx->wdb.begin_transaction(true);
        idx->in_txn = true;
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_commit(daleel_index *idx)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    try {
        if (idx->in_txn) {
            /* Whatever happens, the transaction is over: Xapian ends it
             * even when the commit fails. */
            flush_spelling(idx);
            settle(idx);
            idx->in_txn = false;
            idx->wipe_txn = false;
            idx->wdb.commit_transaction();
        } else {
            flush_spelling(idx);
            idx->wdb.commit();
        }
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_cancel(daleel_index *idx)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    if (!idx->in_txn)
        return set_err(idx, DALEEL_EINVAL, "no transaction is open");
    try {
        idx->spelling.clear();
        idx->stale.clear();
        idx->in_txn = false;
        idx->wipe_txn = false;
        idx->wdb.cancel_transaction();
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_replace(daleel_index *idx,
                                             const char *unique_term,
                                             const daleel_doc *doc)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    if (!unique_term[0] || strlen(unique_term) > MAX_TERM_BYTES)
        return set_err(idx, DALEEL_EINVAL, "bad unique term '%.64s'",
                       unique_term);
    try {
        Xapian::docid id = idx->wdb.replace_document(unique_term, doc->doc);
        if (!idx->stale.empty())
            idx->stale.erase(id);
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_delete(daleel_index *idx,
                                            const char *unique_term)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    if (!unique_term[0])
        return set_err(idx, DALEEL_EINVAL, "empty unique term");
    try {
        idx->wdb.delete_document(unique_term);
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_add_spelling(daleel_index *idx,
                                                  const char *word,
                                                  unsigned freq)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    if (!word[0] || freq == 0)
        return DALEEL_OK;
    try {
        idx->spelling[word] += freq;
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_clear_synonyms(daleel_index *idx)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    try {
        /* Xapian clears one key at a time; collect the keys first so the
         * iterator does not walk a table being changed. */
        std::vector<std::string> keys;
        for (Xapian::TermIterator k = idx->wdb.synonym_keys_begin();
             k != idx->wdb.synonym_keys_end(); ++k)
            keys.push_back(*k);
        for (const std::string &k : keys)
            idx->wdb.clear_synonyms(k);
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_add_synonym(daleel_index *idx,
                                                 const char *key,
                                                 const char *synonym)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    if (!key[0] || !synonym[0])
        return set_err(idx, DALEEL_EINVAL, "empty synonym key or synonym");
    try {
        idx->wdb.add_synonym(key, synonym);
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_set_meta(daleel_index *idx,
                                              const char *key,
                                              const char *value)
{
    clear_err(idx);
    daleel_status st = need_writable(idx);
    if (st != DALEEL_OK)
        return st;
    if (!key[0])
        return set_err(idx, DALEEL_EINVAL, "empty metadata key");
    try {
        idx->wdb.set_metadata(key, value ? value : "");
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_get_meta(daleel_index *idx,
                                              const char *key, char **value)
{
    *value = NULL;
    clear_err(idx);
    if (!key[0])
        return set_err(idx, DALEEL_EINVAL, "empty metadata key");
    try {
        return with_retry(idx, [&]() -> daleel_status {
            /* Xapian does not tell an unset key from an empty value; neither
             * do we. */
            std::string v = idx->tables().get_metadata(key);
            if (!v.empty())
                *value = dup_string(v);
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

/* ---- Reading ---------------------------------------------------------------- */

extern "C" daleel_status daleel_index_postings(daleel_index *idx,
                                              const char *term,
                                              int (*cb)(void *ctx,
                                                        unsigned docid),
                                              void *ctx)
{
    clear_err(idx);
    try {
        Xapian::Database &db = idx->db();
        for (Xapian::PostingIterator p = db.postlist_begin(term);
             p != db.postlist_end(term); ++p)
            if (cb(ctx, *p))
                break;
        return DALEEL_OK;
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_find(daleel_index *idx,
                                          const char *unique_term,
                                          unsigned *docid)
{
    *docid = 0;
    clear_err(idx);
    if (!unique_term[0])
        return set_err(idx, DALEEL_EINVAL, "empty unique term");
    try {
        return with_retry(idx, [&]() -> daleel_status {
            Xapian::Database &db = idx->db();
            Xapian::PostingIterator p = db.postlist_begin(unique_term);
            if (p == db.postlist_end(unique_term))
                return set_err(idx, DALEEL_ENOTFOUND, "no document has '%.200s'",
                               unique_term);
            *docid = *p;
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_get_data(daleel_index *idx,
                                              unsigned docid, char **out,
                                              size_t *len)
{
    *out = NULL;
    *len = 0;
    clear_err(idx);
    try {
        return with_retry(idx, [&]() -> daleel_status {
            std::string d = idx->db().get_document(docid).get_data();
            *out = dup_string(d);
            *len = d.size();
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_get_value(daleel_index *idx,
                                               unsigned docid, unsigned slot,
                                               char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    clear_err(idx);
    try {
        return with_retry(idx, [&]() -> daleel_status {
            std::string v = idx->db().get_document(docid).get_value(slot);
            *out = dup_string(v);
            *len = v.size();
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" double daleel_index_get_number(daleel_index *idx, unsigned docid,
                                         unsigned slot)
{
    clear_err(idx);
    try {
        std::string v;
        with_retry(idx, [&]() -> daleel_status {
            v = idx->db().get_document(docid).get_value(slot);
            return DALEEL_OK;
        });
        return v.empty() ? 0.0 : Xapian::sortable_unserialise(v);
    } catch (...) {
        status_from_exception(idx);
        return 0.0;
    }
}

extern "C" unsigned daleel_index_termfreq(daleel_index *idx, const char *term)
{
    clear_err(idx);
    try {
        Xapian::doccount tf = 0;
        if (term[0])
            with_retry(idx, [&]() -> daleel_status {
                tf = idx->db().get_termfreq(term);
                return DALEEL_OK;
            });
        return tf;
    } catch (...) {
        status_from_exception(idx);
        return 0;
    }
}

extern "C" daleel_status daleel_index_terms_with_prefix(daleel_index *idx,
                                                       const char *prefix,
                                                       size_t max, char ***out,
                                                       size_t *n)
{
    *out = NULL;
    *n = 0;
    clear_err(idx);
    try {
        return with_retry(idx, [&]() -> daleel_status {
            Xapian::Database &db = idx->db();
            std::vector<std::pair<Xapian::doccount, std::string>> all;
            for (Xapian::TermIterator t = db.allterms_begin(prefix);
                 t != db.allterms_end(prefix); ++t)
                all.emplace_back(t.get_termfreq(), *t);
            /* Most frequent first; ties in byte order, so results are
             * stable across runs. */
            std::sort(all.begin(), all.end(),
                      [](const std::pair<Xapian::doccount, std::string> &a,
                         const std::pair<Xapian::doccount, std::string> &b) {
                          if (a.first != b.first)
                              return a.first > b.first;
                          return a.second < b.second;
                      });
            std::vector<std::string> v;
            for (size_t i = 0; i < all.size() && i < max; i++)
                v.push_back(all[i].second);
            *out = dup_strv(v);
            *n = v.size();
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_spell(daleel_index *idx,
                                           const char *word, char **out)
{
    *out = NULL;
    clear_err(idx);
    if (!word[0])
        return DALEEL_OK;
    try {
        return with_retry(idx, [&]() -> daleel_status {
            if (idx->writable)
                flush_spelling(idx);
            std::string s = idx->tables().get_spelling_suggestion(word, 2);
            if (!s.empty() && s != word)
                *out = dup_string(s);
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_synonyms(daleel_index *idx,
                                              const char *key, char ***out,
                                              size_t *n)
{
    *out = NULL;
    *n = 0;
    clear_err(idx);
    if (!key[0])
        return DALEEL_OK;
    try {
        return with_retry(idx, [&]() -> daleel_status {
            Xapian::Database &db = idx->tables();
            std::vector<std::string> v;
            for (Xapian::TermIterator t = db.synonyms_begin(key);
                 t != db.synonyms_end(key); ++t)
                v.push_back(*t);
            *out = dup_strv(v);
            *n = v.size();
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" daleel_status daleel_index_synonym_keys(daleel_index *idx,
                                                  const char *prefix,
                                                  char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    clear_err(idx);
    try {
        return with_retry(idx, [&]() -> daleel_status {
            Xapian::Database &db = idx->tables();
            std::vector<std::string> v;
            for (Xapian::TermIterator t = db.synonym_keys_begin(prefix);
                 t != db.synonym_keys_end(prefix); ++t)
                v.push_back(*t);
            *out = dup_strv(v);
            *n = v.size();
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

namespace {

/* Keeps expansion terms that start with one of the given prefixes; ""
 * stands for unprefixed terms (Xapian convention: prefixes are ASCII
 * capitals, so an unprefixed term does not start with one). */
class PrefixDecider : public Xapian::ExpandDecider {
  public:
    explicit PrefixDecider(const char *const *prefixes)
    {
        for (size_t i = 0; prefixes[i]; i++)
            prefixes_.push_back(prefixes[i]);
    }
    bool operator()(const std::string &term) const override
    {
        for (const std::string &p : prefixes_) {
            if (p.empty()) {
                if (!term.empty() && !(term[0] >= 'A' && term[0] <= 'Z'))
                    return true;
            } else if (term.compare(0, p.size(), p) == 0) {
                return true;
            }
        }
        return false;
    }

  private:
    std::vector<std::string> prefixes_;
};

/* The sort key for "preferred value first": "0" for documents whose value
 * in 'slot' equals 'value', "1" for the others; with
 * set_sort_by_key_then_relevance() that puts them first, each group by
 * relevance. */
class PreferKeyMaker : public Xapian::KeyMaker {
  public:
    PreferKeyMaker(Xapian::valueno slot, const std::string &value)
        : slot_(slot), value_(value) {}
    std::string operator()(const Xapian::Document &doc) const override
    {
        return doc.get_value(slot_) == value_ ? "0" : "1";
    }

  private:
    Xapian::valueno slot_;
    std::string value_;
};

} // namespace

extern "C" daleel_status daleel_index_expand(daleel_index *idx,
                                            const unsigned *docids,
                                            size_t n_docids,
                                            const char *const *prefixes,
                                            size_t max, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    clear_err(idx);
    if (n_docids == 0 || max == 0)
        return DALEEL_OK;
    try {
        return with_retry(idx, [&]() -> daleel_status {
            Xapian::Database &db = idx->db();
            Xapian::RSet rset;
            for (size_t i = 0; i < n_docids; i++)
                rset.add_document(docids[i]);
            Xapian::Enquire enq(db);
            static const char *const none[] = {NULL};
            PrefixDecider decider(prefixes ? prefixes : none);
            Xapian::ESet eset = enq.get_eset(static_cast<Xapian::termcount>(max),
                                             rset, prefixes ? &decider : NULL);
            std::vector<std::string> v;
            for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t)
                v.push_back(*t);
            *out = dup_strv(v);
            *n = v.size();
            return DALEEL_OK;
        });
    } catch (...) {
        return status_from_exception(idx);
    }
}

extern "C" void daleel_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- Queries ------------------------------------------------------------- */

static daleel_query *new_query(const Xapian::Query &q)
{
    try {
        return new daleel_query{q};
    } catch (...) {
        return NULL;
    }
}

extern "C" daleel_query *daleel_query_term(const char *term, size_t len,
                                          unsigned wqf, unsigned pos)
{
    try {
        return new_query(Xapian::Query(std::string(term, len),
                                       wqf ? wqf : 1, pos));
    } catch (...) {
        return NULL;
    }
}

extern "C" daleel_query *daleel_query_wildcard(const char *prefix, size_t len,
                                              unsigned max_expansion)
{
    try {
        return new_query(Xapian::Query(Xapian::Query::OP_WILDCARD,
                                       std::string(prefix, len),
                                       max_expansion,
                                       Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
    } catch (...) {
        return NULL;
    }
}

static Xapian::Query::op xapian_op(daleel_qop op)
{
    switch (op) {
    case DALEEL_Q_AND: return Xapian::Query::OP_AND;
    case DALEEL_Q_OR: return Xapian::Query::OP_OR;
    case DALEEL_Q_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case DALEEL_Q_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case DALEEL_Q_FILTER: return Xapian::Query::OP_FILTER;
    case DALEEL_Q_PHRASE: return Xapian::Query::OP_PHRASE;
    case DALEEL_Q_NEAR: return Xapian::Query::OP_NEAR;
    case DALEEL_Q_SYNONYM: return Xapian::Query::OP_SYNONYM;
    case DALEEL_Q_MAX: return Xapian::Query::OP_MAX;
    case DALEEL_Q_ELITE_SET: return Xapian::Query::OP_ELITE_SET;
    }
    return Xapian::Query::OP_OR;
}

extern "C" daleel_query *daleel_query_combine(daleel_qop op,
                                             daleel_query *const *subs,
                                             size_t n, unsigned window)
{
    try {
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            if (subs[i])
                v.push_back(subs[i]->q);
        return new_query(Xapian::Query(xapian_op(op), v.begin(), v.end(),
                                       window));
    } catch (...) {
        return NULL;
    }
}

extern "C" daleel_query *daleel_query_scale(const daleel_query *q,
                                           double factor)
{
    try {
        return new_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q,
                                       factor));
    } catch (...) {
        return NULL;
    }
}

extern "C" daleel_query *daleel_query_match_all(void)
{
    try {
        return new_query(Xapian::Query::MatchAll);
    } catch (...) {
        return NULL;
    }
}

extern "C" daleel_query *daleel_query_constant(const daleel_query *filter,
                                              double weight)
{
    try {
        /* release(): the query owns the source and deletes it. */
        Xapian::PostingSource *ps = new Xapian::FixedWeightPostingSource(weight);
        Xapian::Query fixed(ps->release());
        return new_query(Xapian::Query(Xapian::Query::OP_FILTER, fixed,
                                       filter->q));
    } catch (...) {
        return NULL;
    }
}

/* The documents whose value in 'slot' is 'value', each with weight
 * 'weight', read from the slot table (see SlotTable) rather than from a
 * posting list: AND_MAYBE asks for every document the query matches, and
 * skipping through the postings of a term that most documents have (Len)
 * was 6% of a search.  Only for read-only handles. */
class PreferSource : public Xapian::PostingSource {
  public:
    PreferSource(daleel_index *idx, Xapian::valueno slot,
                 const std::string &value, const std::string &term,
                 double weight)
        : idx_(idx), slot_(slot), value_(value), term_(term), weight_(weight)
    {
        set_maxweight(weight);
    }
    Xapian::PostingSource *clone() const override
    {
        return new PreferSource(idx_, slot_, value_, term_, weight_);
    }
    void init(const Xapian::Database &) override
    {
        t_ = slot_table(idx_, slot_);
        want_ = 0;
        n_ = 0;
        if (t_) {
            for (size_t i = 0; i < t_->names.size(); i++)
                if (t_->names[i] == value_)
                    want_ = (uint32_t)i + 1;
            if (want_)
                n_ = t_->count[want_];
        }
        did_ = 0;
        set_maxweight(want_ ? weight_ : 0);
    }
    Xapian::doccount get_termfreq_min() const override { return n_; }
    Xapian::doccount get_termfreq_est() const override { return n_; }
    Xapian::doccount get_termfreq_max() const override { return n_; }
    void next(double) override { advance(did_ + 1); }
    void skip_to(Xapian::docid did, double) override
    {
        if (did > did_)
            advance(did);
    }
    bool check(Xapian::docid did, double) override
    {
        /* An indeterminate position when it does not match: next() and
         * skip_to() go on from there. */
        if (did > did_)
            did_ = did;
        return matches(did_);
    }
    bool at_end() const override { return !t_ || did_ >= t_->id.size(); }
    Xapian::docid get_docid() const override { return did_; }
    double get_weight() const override { return weight_; }
    std::string get_description() const override
    {
        char w[32];
        snprintf(w, sizeof w, "%.17g", weight_);
        return std::string("PreferSource(wt=") + w + ", " + term_ + ")";
    }

  private:
    bool matches(Xapian::docid did) const
    {
        return t_ && did < t_->id.size() && t_->id[did] == want_ && want_;
    }
    void advance(Xapian::docid from)
    {
        did_ = from;
        if (!t_ || !want_) {
            did_ = t_ ? (Xapian::docid)t_->id.size() : did_;
            return;
        }
        while (did_ < t_->id.size() && t_->id[did_] != want_)
            did_++;
    }
    daleel_index *idx_;
    Xapian::valueno slot_;
    std::string value_, term_;
    double weight_;
    SlotTable *t_ = NULL;
    uint32_t want_ = 0;
    Xapian::doccount n_ = 0;
    Xapian::docid did_ = 0;
};

extern "C" daleel_query *daleel_query_prefer_value(daleel_index *idx,
                                                  unsigned slot,
                                                  const char *value,
                                                  const char *term,
                                                  double weight)
{
    try {
        if (idx && !idx->writable && value && slot_table(idx, slot)) {
            Xapian::PostingSource *ps =
                new PreferSource(idx, slot, value, term ? term : "", weight);
            return new_query(Xapian::Query(ps->release()));
        }
        /* A writable handle has no slot table: the postings of 'term'. */
        Xapian::PostingSource *ps = new Xapian::FixedWeightPostingSource(weight);
        Xapian::Query fixed(ps->release());
        return new_query(Xapian::Query(Xapian::Query::OP_FILTER, fixed,
                                       Xapian::Query(term ? term : "")));
    } catch (...) {
        if (idx)
            status_from_exception(idx);
        return NULL;
    }
}

extern "C" daleel_query *daleel_query_copy(const daleel_query *q)
{
    return new_query(q->q);
}

extern "C" int daleel_query_empty(const daleel_query *q)
{
    return q->q.empty();
}

extern "C" char *daleel_query_describe(const daleel_query *q)
{
    try {
        return dup_string(q->q.get_description());
    } catch (...) {
        return NULL;
    }
}

extern "C" void daleel_query_free(daleel_query *q)
{
    try {
        delete q;
    } catch (...) {
    }
}

/* ---- Searching ------------------------------------------------------------ */

/* A bigger index is searched without slot tables (building one would
 * take a while at every new revision). */
#define SLOT_TABLE_MAX_DOCS 2000000u

/* The slot table of 'slot' for the revision 'idx' reads, built when
 * missing or older; NULL for writable handles (their documents change
 * without a new revision) and very large indexes. */
static SlotTable *slot_table(daleel_index *idx, Xapian::valueno slot)
{
    if (idx->writable)
        return NULL;
    Xapian::Database &db = idx->rdb;
    Xapian::rev rev = db.get_revision();
    SlotTable *t = NULL;
    for (SlotTable &x : idx->slot_tables)
        if (x.slot == slot)
            t = &x;
    if (t && t->rev == rev && !t->id.empty())
        return t;
    Xapian::docid last = db.get_lastdocid();
    if (last > SLOT_TABLE_MAX_DOCS)
        return NULL;
    if (!t) {
        idx->slot_tables.emplace_back();
        t = &idx->slot_tables.back();
        t->slot = slot;
    }
    t->id.assign((size_t)last + 1, 0);
    t->names.clear();
    std::unordered_map<std::string, uint32_t> ids;
    for (Xapian::ValueIterator v = db.valuestream_begin(slot);
         v != db.valuestream_end(slot); ++v) {
        auto r = ids.emplace(*v, (uint32_t)t->names.size() + 1);
        if (r.second)
            t->names.push_back(*v);
        if (v.get_docid() <= last)
            t->id[v.get_docid()] = r.first->second;
    }
    t->stamp.assign(t->names.size() + 1, 0);
    t->count.assign(t->names.size() + 1, 0);
    for (uint32_t v : t->id)
        t->count[v]++;
    t->gen = 0;
    t->rev = rev;
    return t;
}

static uint32_t table_id(const SlotTable *t, Xapian::docid did)
{
    return did < t->id.size() ? t->id[did] : 0;
}

/* A new generation of t's stamps: no id is marked seen. */
static void table_new_gen(SlotTable *t)
{
    if (++t->gen == 0) {
        std::fill(t->stamp.begin(), t->stamp.end(), 0);
        t->gen = 1;
    }
}

/* Facet counts, and with a collapse slot, one count per collapse key: a
 * translated article is one result, and the match spy runs before any
 * collapsing (Xapian's own ValueCountMatchSpy counted each version).  The
 * first version seen stands for the article (versions of one article share
 * their category, the folder).  'seen' and 'dups' (documents whose key was
 * seen before) scale the estimated total.  With slot tables ('ft' for the
 * facet, 'kt' for the key) nothing is read from the database. */
class FacetSpy : public Xapian::MatchSpy {
  public:
    FacetSpy(int facet_slot, int key_slot, SlotTable *ft, SlotTable *kt)
        : facet_slot_(facet_slot), key_slot_(key_slot), ft_(ft), kt_(kt)
    {
        if (ft_)
            table_counts.assign(ft_->names.size() + 1, 0);
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        seen++;
        if (kt_) {
            uint32_t k = table_id(kt_, doc.get_docid());
            if (k) {
                if (kt_->stamp[k] == kt_->gen) {
                    dups++;
                    return;
                }
                kt_->stamp[k] = kt_->gen;
            }
        } else if (key_slot_ >= 0) {
            std::string k = doc.get_value(key_slot_);
            if (!k.empty() && !keys_.insert(std::move(k)).second) {
                dups++;
                return;
            }
        }
        if (ft_) {
            table_counts[table_id(ft_, doc.get_docid())]++;
        } else if (facet_slot_ >= 0) {
            std::string v = doc.get_value(facet_slot_);
            if (!v.empty())
                counts[std::move(v)]++;
        }
    }
    void reset()
    {
        seen = dups = 0;
        keys_.clear();
        counts.clear();
        std::fill(table_counts.begin(), table_counts.end(), 0);
        if (kt_)
            table_new_gen(kt_);
    }
    /* The counts by value (empty values left out). */
    void collect(std::vector<std::pair<Xapian::doccount, std::string>> &f)
    {
        for (const auto &c : counts)
            f.emplace_back(c.second, c.first);
        for (size_t i = 1; i < table_counts.size(); i++)
            if (table_counts[i] && !ft_->names[i - 1].empty())
                f.emplace_back(table_counts[i], ft_->names[i - 1]);
    }
    unsigned long seen = 0, dups = 0;

  private:
    int facet_slot_, key_slot_;
    SlotTable *ft_, *kt_;
    std::unordered_set<std::string> keys_;
    std::unordered_map<std::string, Xapian::doccount> counts;
    std::vector<Xapian::doccount> table_counts;
};

/* One attempt at the search; throws, the caller classifies.
 *
 * Collapsing is done here on the top of the ranking rather than by
 * Xapian's collapse key: Xapian reads the key of every document it
 * examines and prunes less (measured on tldr: 14% of a search with 200
 * documents examined for the facets), while only the page and the
 * documents ranked before it need it.  The first document of each key in
 * rank order stays (the best one, the reader's language first); the window
 * fetched grows until the page is full or the matches run out. */
static void run_search(daleel_index *idx, const daleel_search_params *p,
                       daleel_mset *ms)
{
    Xapian::Database &db = idx->db();
    Xapian::Enquire enq(db);
    enq.set_weighting_scheme(Xapian::BM25Weight());
    if (p->filter)
        enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, p->query->q,
                                    p->filter->q));
    else
        enq.set_query(p->query->q);

    /* Both live until get_mset() returns: Enquire keeps only pointers. */
    PreferKeyMaker prefer(p->prefer_slot >= 0 ? p->prefer_slot : 0,
                          p->prefer_value ? p->prefer_value : "");
    if (p->prefer_slot >= 0 && p->prefer_value)
        enq.set_sort_by_key_then_relevance(&prefer, false);
    bool collapse = p->collapse_slot >= 0;
    SlotTable *ft = p->facet_slot >= 0 ? slot_table(idx, p->facet_slot) : NULL;
    SlotTable *kt = collapse ? slot_table(idx, p->collapse_slot) : NULL;
    FacetSpy spy(p->facet_slot, collapse ? p->collapse_slot : -1, ft, kt);
    if (p->facet_slot >= 0 || collapse)
        enq.add_matchspy(&spy);

    Xapian::doccount want = p->offset + p->limit;
    std::vector<daleel_match> kept;
    Xapian::MSet mset;
    if (!collapse) {
        mset = enq.get_mset(p->offset, p->limit, p->check_at_least);
        ms->estimated = mset.get_matches_estimated();
        for (Xapian::MSetIterator m = mset.begin(); m != mset.end(); ++m)
            kept.push_back(daleel_match{*m, m.get_rank(), m.get_weight(),
                                        m.get_percent()});
    } else {
        /* Room for some versions dropped before the page ends. */
        Xapian::doccount fetch = want + want / 2 + 4;
        std::unordered_set<std::string> keys;
        std::unordered_set<uint32_t> key_ids;
        for (;;) {
            spy.reset();
            mset = enq.get_mset(0, fetch, p->check_at_least);
            std::vector<daleel_match> all;
            keys.clear();
            key_ids.clear();
            for (Xapian::MSetIterator m = mset.begin(); m != mset.end(); ++m) {
                if (kt) {
                    uint32_t k = table_id(kt, *m);
                    if (k && !key_ids.insert(k).second)
                        continue;
                } else {
                    std::string k =
                        m.get_document().get_value(p->collapse_slot);
                    if (!k.empty() && !keys.insert(std::move(k)).second)
                        continue;
                }
                all.push_back(daleel_match{*m, (unsigned)all.size(),
                                           m.get_weight(), m.get_percent()});
                if (all.size() >= want && want > 0)
                    break;
            }
            bool exhausted = mset.size() < fetch;
            if (all.size() >= want || exhausted) {
                for (size_t i = p->offset; i < all.size() && i < want; i++)
                    kept.push_back(all[i]);
                if (exhausted) {
                    ms->estimated = (unsigned)all.size();
                } else {
                    /* Xapian's estimate counts every version: take out the
                     * share of repeated keys among the documents the spy
                     * saw. */
                    double est = mset.get_matches_estimated();
                    if (spy.seen)
                        est -= est * (double)spy.dups / (double)spy.seen;
                    ms->estimated = est < all.size() ? (unsigned)all.size()
                                                     : (unsigned)(est + 0.5);
                }
                break;
            }
            fetch *= 2;
        }
    }
    if (!kept.empty()) {
        ms->matches = static_cast<daleel_match *>(
            calloc(kept.size(), sizeof *ms->matches));
        if (!ms->matches)
            throw std::bad_alloc();
        memcpy(ms->matches, kept.data(), kept.size() * sizeof *ms->matches);
        ms->n_matches = kept.size();
    }
    if (p->facet_slot >= 0) {
        std::vector<std::pair<Xapian::doccount, std::string>> f;
        spy.collect(f);
        std::sort(f.begin(), f.end(),
                  [](const std::pair<Xapian::doccount, std::string> &a,
                     const std::pair<Xapian::doccount, std::string> &b) {
                      if (a.first != b.first)
                          return a.first > b.first;
                      return a.second < b.second;
                  });
        if (!f.empty()) {
            ms->facets = static_cast<daleel_count *>(
                calloc(f.size(), sizeof *ms->facets));
            if (!ms->facets)
                throw std::bad_alloc();
            for (const auto &c : f) {
                daleel_count *d = &ms->facets[ms->n_facets];
                d->value = dup_string(c.second);
                d->count = c.first;
                ms->n_facets++;
            }
        }
    }
}

static void mset_clear(daleel_mset *ms)
{
    free(ms->matches);
    for (size_t i = 0; i < ms->n_facets; i++)
        free(ms->facets[i].value);
    free(ms->facets);
    memset(ms, 0, sizeof *ms);
}

extern "C" daleel_status daleel_index_search(daleel_index *idx,
                                            const daleel_search_params *p,
                                            daleel_mset **out)
{
    *out = NULL;
    clear_err(idx);
    if (!p || !p->query)
        return set_err(idx, DALEEL_EINVAL, "a search needs a query");
    daleel_mset *ms = static_cast<daleel_mset *>(calloc(1, sizeof *ms));
    if (!ms)
        return set_err(idx, DALEEL_ENOMEM, "out of memory");
    daleel_status st = DALEEL_OK;
    try {
        try {
            run_search(idx, p, ms);
        } catch (const Xapian::DatabaseModifiedError &) {
            /* A commit overwrote blocks this revision needed: move to the
             * new revision and try once more. */
            mset_clear(ms);
            idx->db().reopen();
            run_search(idx, p, ms);
        }
    } catch (...) {
        st = status_from_exception(idx);
    }
    if (st != DALEEL_OK) {
        daleel_mset_free(ms);
        return st;
    }
    *out = ms;
    return DALEEL_OK;
}

extern "C" void daleel_mset_free(daleel_mset *ms)
{
    if (!ms)
        return;
    mset_clear(ms);
    free(ms);
}

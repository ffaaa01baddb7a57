/* text.c: the analyzer, ANALYSIS.md steps 2-9 in one pass over the text.
 *
 * The input flows through three stages, each pulling from the one before:
 *   1. decode UTF-8 (a bad byte or a NUL is a separator) and apply the
 *      table of ANALYSIS.md 2 that must run before NFKC (deletions of
 *      invisible and bidi characters and of U+FE70-U+FE7F, digits, ٫ ٬ ٪,
 *      quotes);
 *   2. NFKC, one composition segment (a starter and the marks after it) at
 *      a time, with utf8proc_decompose_char() into fixed buffers, canonical
 *      ordering, and utf8proc_normalize_utf32() only when something can
 *      compose: so no allocation per character, and every output character
 *      keeps the byte range of the input it came from (the search side
 *      highlights snippets with it);
 *   3. the tokenizer, which classifies the characters (Arabic letters and
 *      marks, other letters and digits, separators), cuts tokens at every
 *      change of script, recognizes code compounds, and turns each token
 *      into terms: the exact term E, the stem Z (libstemmer, called
 *      directly), the alternatives XA, the code term XC.
 * Results live in arrays owned by the analyzer and reused by every call.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "daleel/text.h"
#include "text_stop.h"

enum {
    SEG_CAP = 32,       /* longest composition segment kept together (UAX 15
                           stream-safe text has at most 30 non-starters) */
    RING = 256,         /* normalized characters waiting for the tokenizer */
    MAX_LETTERS = DALEEL_MAX_TERM, /* letters of one Arabic token */
    TERM_BUF = DALEEL_MAX_TERM + 8,
    MAX_ALTS = 8
};

/* Character classes seen by the tokenizer (ANALYSIS.md 5.1). */
enum {
    C_SEP,      /* separates tokens */
    C_AL,       /* Arabic letter */
    C_AM,       /* Arabic mark or tatweel: joins an Arabic token */
    C_WL,       /* other letter */
    C_WD,       /* digit */
    C_MARK      /* other combining mark: joins the token before it */
};

typedef struct {
    uint32_t cp;
    int cls;
    size_t start, end;  /* byte range in the input */
} item;

/* A stem cache: direct-mapped, fixed size, allocated with the analyzer.
 * Words follow Zipf's law, so a few thousand slots catch most of them;
 * libstemmer costs half the time of an Arabic text without it (an Arabic
 * word is stemmed up to four times, for Z and the alternatives). */
enum { CACHE_SLOTS = 8192, CACHE_WORD = 46 };  /* 8192 * 100 bytes */
typedef struct {
    uint32_t hash;
    uint8_t klen, vlen;     /* klen 0: empty slot */
    char key[CACHE_WORD];   /* longer words (23 Arabic letters) are not */
    char val[CACHE_WORD];   /* cached */
} cache_entry;

/* The stem terms of an Arabic word (Z and the alternatives (a)-(c)), so
 * a word seen before costs one lookup instead of one per stem. */
enum { WORD_SLOTS = 4096, WORD_VAL = 122 };     /* 4096 * 172 bytes */
typedef struct {
    uint32_t hash;
    uint8_t klen, vlen;
    char key[CACHE_WORD];
    unsigned char val[WORD_VAL];    /* zlen z n_alts (len alt)... */
} word_entry;

/* A set of words: open addressing over a power-of-two table, so a lookup
 * costs one hash and usually one memcmp (a sorted array cost a tenth of
 * the time of an English text in strcmp). */
typedef struct {
    char **w;           /* slots: NULL or a NUL-terminated word */
    uint8_t *len;       /* its length */
    size_t mask;
    size_t max_len;     /* of the longest word */
} wordset;

struct daleel_analyzer {
    struct sb_stemmer *ar, *en;

    /* Stage 1 and 2: input and the pending composition segment. */
    const unsigned char *s;
    size_t len, i;
    int32_t seg[SEG_CAP];
    size_t seg_start[SEG_CAP], seg_end[SEG_CAP];
    size_t seg_n;

    /* Stage 3 input: normalized characters. */
    item q[RING];
    size_t q_head, q_n;
    uint32_t prev_cp;       /* last character consumed, 0 at the start */
    int prev_cls;
    size_t last_end;        /* end of the last character consumed */

    /* The current call. */
    daleel_analyze_mode mode;
    unsigned pos;
    unsigned n_compounds;
    unsigned n_quotes;
    int in_quote;
    int oom;

    /* Results. Term texts live in 'pool'; 'term_off' holds their offsets
     * until the end of the call, because the pool may move as it grows. */
    daleel_token *tokens;
    size_t n_tokens, cap_tokens;
    daleel_term *terms;
    size_t *term_off;
    size_t n_terms, cap_terms;
    char *pool;
    size_t pool_len, pool_cap;
    daleel_analysis res;

    wordset stop_ar, question_ar, stop_en, question_en;
    cache_entry *stems;     /* stem cache, Arabic and English words */
    word_entry *words;      /* Arabic words */
    char wkey[4 * (MAX_LETTERS + 2) + 1];   /* word_get() to word_put() */
    size_t wkey_len;
    uint32_t wkey_hash;
};

/* ---- UTF-8 ---- */

/* Decode one code point at s[*i]; an invalid or truncated sequence gives
 * U+FFFD and consumes one byte, so the bytes after it are looked at again
 * (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
static uint32_t decode(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t n;
    uint32_t cp;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (*i + n > len) {
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k < n; k++) {
        unsigned b = s[*i + k];
        if (b < lo || b > hi) {
            (*i)++;
            return 0xFFFD;
        }
        lo = 0x80;
        hi = 0xBF;
        cp = (cp << 6) | (b & 0x3F);
    }
    *i += n;
    return cp;
}

static size_t encode(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static size_t u8len(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* ---- Stage 1: the table applied before NFKC (ANALYSIS.md 2) ---- */

/* The character 'cp' maps to, or -1 when it is deleted.  Deleting joins
 * the two sides, as Xapian does across ZWNJ/ZWJ. */
static int32_t premap(uint32_t cp)
{
    if (cp < 0x80)
        return (int32_t)cp;
    if (cp == 0x00AD || cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) ||
        (cp >= 0x202A && cp <= 0x202E) || cp == 0x2060 ||
        (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
        return -1;
    /* Isolated harakat forms: NFKC would make them space + mark and so
     * split the word they sit in. */
    if (cp >= 0xFE70 && cp <= 0xFE7F)
        return -1;
    /* Arabic-Indic and Eastern Arabic-Indic digits: Snowball and Xapian
     * leave them alone, readers type either kind. */
    if (cp >= 0x0660 && cp <= 0x0669)
        return (int32_t)('0' + (cp - 0x0660));
    if (cp >= 0x06F0 && cp <= 0x06F9)
        return (int32_t)('0' + (cp - 0x06F0));
    switch (cp) {
    case 0x066B: return '.';    /* Arabic decimal separator */
    case 0x066C: return ',';    /* Arabic thousands separator */
    case 0x066A: return '%';    /* Arabic percent sign */
    case 0x2018: case 0x2019: return '\'';
    default: break;
    }
    return (int32_t)cp;
}

/* ---- Stage 2: NFKC by segments ---- */

static int is_hangul_vt(int32_t c)
{
    return (c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2);
}

/* utf8proc marks the second character of a composition pair with a
 * comb_index of 0x8000 and above (0xFFFF: none). */
static int is_second(int32_t c)
{
    if (c < 0x300)
        return 0;
    if (is_hangul_vt(c))
        return 1;
    uint16_t ci = utf8proc_get_property(c)->comb_index;
    return ci != UINT16_MAX && ci >= 0x8000;
}

static int ccc(int32_t c)
{
    return c < 0x300 ? 0 : utf8proc_get_property(c)->combining_class;
}

/* Whether 'c' starts a new segment: a starter that cannot compose with
 * what comes before it. */
static int starts_segment(int32_t c)
{
    if (c < 0x300)
        return 1;
    return ccc(c) == 0 && !is_second(c);
}

static int is_ar_letter(uint32_t c)
{
    return (c >= 0x0620 && c <= 0x063F) || (c >= 0x0641 && c <= 0x064A) ||
           c == 0x066E || c == 0x066F || (c >= 0x0671 && c <= 0x06D3) ||
           c == 0x06D5 || c == 0x06EE || c == 0x06EF ||
           (c >= 0x06FA && c <= 0x06FC) || c == 0x06FF ||
           (c >= 0x0750 && c <= 0x077F) || (c >= 0x0870 && c <= 0x0887) ||
           (c >= 0x0889 && c <= 0x088E) || (c >= 0x08A0 && c <= 0x08C9);
}

/* Harakat, superscript alef, Quranic marks, tatweel: fold_pre deletes
 * them, and they never split an Arabic word. */
static int is_ar_mark(uint32_t c)
{
    return c == 0x0640 || (c >= 0x0610 && c <= 0x061A) ||
           (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
           (c >= 0x06D6 && c <= 0x06DC) || (c >= 0x06DF && c <= 0x06E8) ||
           (c >= 0x06EA && c <= 0x06ED) || (c >= 0x0898 && c <= 0x089F) ||
           (c >= 0x08CA && c <= 0x08FF && c != 0x08E2);
}

static int classify(uint32_t c)
{
    if (c < 0x80) {
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            return C_WL;
        return c >= '0' && c <= '9' ? C_WD : C_SEP;
    }
    if ((c >= 0x0621 && c <= 0x063A) || (c >= 0x0641 && c <= 0x064A))
        return C_AL;
    if (c >= 0x0600 && c <= 0x08FF) {
        if (is_ar_letter(c))
            return C_AL;
        if (is_ar_mark(c))
            return C_AM;
    }
    switch (utf8proc_category((utf8proc_int32_t)c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return C_WL;
    case UTF8PROC_CATEGORY_ND:
        return C_WD;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    default:
        return C_SEP;
    }
}

static inline void push(daleel_analyzer *an, uint32_t cp, size_t start,
                        size_t end)
{
    assert(an->q_n < RING);
    item *it = &an->q[(an->q_head + an->q_n) % RING];
    it->cp = cp;
    it->cls = classify(cp);
    it->start = start;
    it->end = end;
    an->q_n++;
}

/* Normalize the pending segment and hand it to the tokenizer. */
static void seg_flush(daleel_analyzer *an)
{
    size_t n = an->seg_n;
    int32_t *c = an->seg;
    an->seg_n = 0;
    if (n == 1) {
        push(an, (uint32_t)c[0], an->seg_start[0], an->seg_end[0]);
        return;
    }
    /* Canonical ordering of the marks (stable, as utf8proc_decompose
     * does), carrying their byte ranges along. */
    int compose = 0;
    for (size_t k = 1; k < n; k++) {
        if (is_second(c[k]))
            compose = 1;
        for (size_t j = k; j > 0; j--) {
            int cj = ccc(c[j]);
            if (cj == 0 || ccc(c[j - 1]) <= cj)
                break;
            int32_t t = c[j]; c[j] = c[j - 1]; c[j - 1] = t;
            size_t s = an->seg_start[j];
            an->seg_start[j] = an->seg_start[j - 1];
            an->seg_start[j - 1] = s;
            s = an->seg_end[j];
            an->seg_end[j] = an->seg_end[j - 1];
            an->seg_end[j - 1] = s;
        }
    }
    if (compose) {
        utf8proc_ssize_t m = utf8proc_normalize_utf32(c, (utf8proc_ssize_t)n,
                                                      UTF8PROC_COMPOSE);
        if (m > 0 && (size_t)m < n) {
            /* Characters merged: each result covers the whole segment. */
            size_t lo = an->seg_start[0], hi = an->seg_end[0];
            for (size_t k = 1; k < n; k++) {
                if (an->seg_start[k] < lo)
                    lo = an->seg_start[k];
                if (an->seg_end[k] > hi)
                    hi = an->seg_end[k];
            }
            for (size_t k = 0; k < (size_t)m; k++)
                push(an, (uint32_t)c[k], lo, hi);
            return;
        }
    }
    for (size_t k = 0; k < n; k++)
        push(an, (uint32_t)c[k], an->seg_start[k], an->seg_end[k]);
}

static void seg_add(daleel_analyzer *an, int32_t c, size_t start, size_t end)
{
    if (an->seg_n && (an->seg_n == SEG_CAP || starts_segment(c)))
        seg_flush(an);
    an->seg[an->seg_n] = c;
    an->seg_start[an->seg_n] = start;
    an->seg_end[an->seg_n] = end;
    an->seg_n++;
}

/* Make at least 'want' normalized characters available; 0 at the end of
 * the text when fewer remain. */
static int fill(daleel_analyzer *an, size_t want)
{
    while (an->q_n < want) {
        if (an->i >= an->len) {
            if (!an->seg_n)
                return 0;
            seg_flush(an);
            continue;
        }
        size_t start = an->i;
        int32_t m = an->s[start];
        if (m < 0x80) {
            an->i++;
        } else {
            m = premap(decode(an->s, an->len, &an->i));
            if (m < 0)
                continue;
        }
        /* ASCII and the basic Arabic letters have no decomposition and
         * start a segment: the pending one is complete. */
        if (m < 0x80 || (m >= 0x0621 && m <= 0x064A && m != 0x0640)) {
            if (an->seg_n == 1) {
                push(an, (uint32_t)an->seg[0], an->seg_start[0],
                     an->seg_end[0]);
                an->seg_n = 0;
            } else if (an->seg_n) {
                seg_flush(an);
            }
            an->seg[0] = m;
            an->seg_start[0] = start;
            an->seg_end[0] = an->i;
            an->seg_n = 1;
            continue;
        }
        utf8proc_int32_t d[SEG_CAP];
        int bc = 0;
        utf8proc_ssize_t n = utf8proc_decompose_char(
            m, d, SEG_CAP, UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE, &bc);
        if (n <= 0 || n > SEG_CAP) {
            d[0] = m;
            n = 1;
        }
        for (utf8proc_ssize_t k = 0; k < n; k++)
            seg_add(an, d[k], start, an->i);
    }
    return 1;
}

/* The k-th next normalized character, or NULL at the end.  The pointer
 * stays valid until the character is consumed. */
static inline const item *peek(daleel_analyzer *an, size_t k)
{
    if (an->q_n <= k && !fill(an, k + 1))
        return NULL;
    return &an->q[(an->q_head + k) % RING];
}

static inline void advance(daleel_analyzer *an)
{
    assert(an->q_n > 0);
    const item *it = &an->q[an->q_head];
    an->prev_cp = it->cp;
    an->prev_cls = it->cls;
    an->last_end = it->end;
    an->q_head = (an->q_head + 1) % RING;
    an->q_n--;
}

/* ---- Results ---- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, nc * size);
    if (!q)
        return 0;
    *p = q;
    *cap = nc;
    return 1;
}

/* terms and term_off grow together. */
static int grow_terms(daleel_analyzer *an, size_t need)
{
    if (need <= an->cap_terms)
        return 1;
    size_t nc = an->cap_terms ? an->cap_terms : 256;
    while (nc < need)
        nc *= 2;
    daleel_term *t = realloc(an->terms, nc * sizeof *t);
    if (!t)
        return 0;
    an->terms = t;
    size_t *o = realloc(an->term_off, nc * sizeof *o);
    if (!o)
        return 0;
    an->term_off = o;
    an->cap_terms = nc;
    return 1;
}

static daleel_token *new_token(daleel_analyzer *an, size_t start, size_t end,
                               daleel_lang lang)
{
    if (!grow((void **)&an->tokens, &an->cap_tokens, an->n_tokens + 1,
              sizeof *an->tokens)) {
        an->oom = 1;
        return NULL;
    }
    daleel_token *t = &an->tokens[an->n_tokens++];
    memset(t, 0, sizeof *t);
    t->start = start;
    t->end = end;
    t->pos = an->pos++;
    t->lang = lang;
    t->quote = an->in_quote ? an->n_quotes : 0;
    t->first_term = an->n_terms;
    return t;
}

static const char *term_text(const daleel_analyzer *an, size_t k)
{
    return an->pool + an->term_off[k];
}

/* Add prefix+text as a term of the last token, unless it is too long or
 * that token already has the same term of the same kind. */
static void add_term(daleel_analyzer *an, daleel_term_kind kind,
                     const char *prefix, const char *text, size_t len,
                     double weight)
{
    size_t pl = prefix[0] ? prefix[1] ? 2 : 1 : 0;
    assert(pl == strlen(prefix));
    if (pl + len > DALEEL_MAX_TERM || len == 0 || an->n_tokens == 0)
        return;
    daleel_token *t = &an->tokens[an->n_tokens - 1];
    /* Only alternatives and prefixes can repeat a term of their token. */
    size_t from = kind == DALEEL_TERM_ALT || kind == DALEEL_TERM_PREFIX
                  ? t->first_term : an->n_terms;
    for (size_t k = from; k < an->n_terms; k++) {
        const char *o = term_text(an, k);
        if (an->terms[k].kind == kind && an->terms[k].len == pl + len &&
            memcmp(o, prefix, pl) == 0 &&
            memcmp(o + pl, text, len) == 0)
            return;
    }
    if (!grow((void **)&an->pool, &an->pool_cap, an->pool_len + pl + len + 1,
              1) ||
        !grow_terms(an, an->n_terms + 1)) {
        an->oom = 1;
        return;
    }
    size_t off = an->pool_len;
    memcpy(an->pool + off, prefix, pl);
    memcpy(an->pool + off + pl, text, len);
    an->pool[off + pl + len] = '\0';
    an->pool_len += pl + len + 1;
    daleel_term *tm = &an->terms[an->n_terms];
    an->term_off[an->n_terms] = off;
    tm->text = NULL;
    tm->len = pl + len;
    tm->kind = kind;
    tm->pos = kind == DALEEL_TERM_EXACT ? t->pos : 0;
    tm->weight = an->mode == DALEEL_ANALYZE_QUERY ? weight : 1.0;
    tm->token = an->n_tokens - 1;
    an->n_terms++;
    t->n_terms++;
}

/* ---- Word sets ---- */

static uint32_t fnv1a(const char *s, size_t n);

static int ws_has(const wordset *ws, const char *w, size_t n)
{
    if (n > ws->max_len)
        return 0;
    for (size_t k = fnv1a(w, n) & ws->mask;; k = (k + 1) & ws->mask) {
        if (!ws->w[k])
            return 0;
        if (ws->len[k] == n && memcmp(ws->w[k], w, n) == 0)
            return 1;
    }
}

static void ws_free(wordset *ws)
{
    if (ws->w)
        for (size_t k = 0; k <= ws->mask; k++)
            free(ws->w[k]);
    free(ws->w);
    free(ws->len);
    ws->w = NULL;
    ws->len = NULL;
}

/* ---- Stem cache ---- */

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t k = 0; k < n; k++)
        h = (h ^ (unsigned char)s[k]) * 16777619u;
    return h;
}

/* The cached value for key, copied NUL-terminated to 'out' (TERM_BUF
 * bytes); returns its length, or -1 when it is not cached. */
static long cache_get(const cache_entry *c, uint32_t h, const char *key,
                      size_t klen, char *out)
{
    const cache_entry *e = &c[h % CACHE_SLOTS];
    if (e->klen != klen || e->hash != h || memcmp(e->key, key, klen) != 0)
        return -1;
    memcpy(out, e->val, e->vlen);
    out[e->vlen] = '\0';
    return e->vlen;
}

static void cache_put(cache_entry *c, uint32_t h, const char *key,
                      size_t klen, const char *val, size_t vlen)
{
    if (klen == 0 || klen > CACHE_WORD || vlen > CACHE_WORD)
        return;
    cache_entry *e = &c[h % CACHE_SLOTS];
    e->hash = h;
    e->klen = (uint8_t)klen;
    e->vlen = (uint8_t)vlen;
    memcpy(e->key, key, klen);
    memcpy(e->val, val, vlen);
}

/* ---- Arabic (ANALYSIS.md 1.6, 2, 3) ---- */

#define AR_ALEF         0x0627
#define AR_ALEF_MADDA   0x0622
#define AR_ALEF_HAMZA_A 0x0623
#define AR_ALEF_HAMZA_B 0x0625
#define AR_ALEF_WASLA   0x0671
#define AR_ALEF_MAKSURA 0x0649
#define AR_YEH          0x064A
#define AR_TEH_MARBUTA  0x0629
#define AR_HEH          0x0647
#define AR_WAW          0x0648
#define AR_FEH          0x0641
#define AR_BEH          0x0628
#define AR_LAM          0x0644
#define AR_KAF          0x0643
#define AR_TEH          0x062A
#define AR_WAW_HAMZA    0x0624
#define AR_YEH_HAMZA    0x0626
#define AR_HAMZA        0x0621
#define AR_NOON         0x0646
#define AR_SEEN         0x0633

/* fold_pre on one letter (marks and tatweel are dropped by the caller):
 * Persian and Urdu keyboard letters to their Arabic forms.  Persian ی is
 * ي inside a word and ى at its end, but both become ي in the exact term
 * and in the stemmer input, so it maps to ي here. */
static uint32_t fold_pre(uint32_t c)
{
    switch (c) {
    case 0x06A9: return AR_KAF;             /* ک keheh */
    case 0x06CC: return AR_YEH;             /* ی farsi yeh */
    case AR_ALEF_WASLA: return AR_ALEF;
    case 0x06BE: case 0x06C1: return AR_HEH; /* ھ ہ */
    case 0x06C0: return AR_TEH_MARBUTA;     /* ۀ */
    default: return c;
    }
}

/* alef_fold: the stemmer input keeps ة, which Snowball's noun rules need. */
static uint32_t alef_fold(uint32_t c)
{
    switch (c) {
    case AR_ALEF_MADDA: case AR_ALEF_HAMZA_A: case AR_ALEF_HAMZA_B:
    case AR_ALEF_WASLA:
        return AR_ALEF;
    case AR_ALEF_MAKSURA:
        return AR_YEH;
    default:
        return c;
    }
}

/* fold_post: the exact term and the stems also fold ة to ه, the way
 * readers type it. */
static uint32_t fold_post(uint32_t c)
{
    c = alef_fold(c);
    return c == AR_TEH_MARBUTA ? AR_HEH : c;
}

static size_t encode_ar(char *out, const uint32_t *s, size_t n, int post)
{
    size_t len = 0;
    for (size_t k = 0; k < n; k++)
        len += encode(out + len, post ? fold_post(s[k]) : s[k]);
    out[len] = '\0';
    return len;
}

/* Starts with the article: ال, or لل بال كال (preposition + article). */
static int has_article(const uint32_t *s, size_t n)
{
    if (n >= 2 && s[0] == AR_ALEF && s[1] == AR_LAM)
        return 1;
    if (n >= 2 && s[0] == AR_LAM && s[1] == AR_LAM)
        return 1;
    return n >= 3 && (s[0] == AR_BEH || s[0] == AR_KAF) && s[1] == AR_ALEF &&
           s[2] == AR_LAM;
}

/* Article-initial, also after a conjunction و or ف (وال فال وبال ولل). */
static int article_initial(const uint32_t *s, size_t n)
{
    return has_article(s, n) ||
           (n >= 2 && (s[0] == AR_WAW || s[0] == AR_FEH) &&
            has_article(s + 1, n - 1));
}

/* The alef of what reads like an article at the start of 's': its index
 * (0 in ال, 1 in بال كال وال فال, 2 in وبال وكال فبال فكال), or -1 (no
 * article, or لل, which has no alef). */
static int article_alef(const uint32_t *s, size_t n)
{
    size_t p = 0;
    if (n >= 2 && (s[0] == AR_WAW || s[0] == AR_FEH))
        p = 1;
    for (size_t k = 0; k <= p; k++) {
        if (k + 2 <= n && s[k] == AR_ALEF && s[k + 1] == AR_LAM)
            return (int)k;
        if (k + 3 <= n && (s[k] == AR_BEH || s[k] == AR_KAF) &&
            s[k + 1] == AR_ALEF && s[k + 2] == AR_LAM)
            return (int)k + 1;
    }
    return -1;
}

static int is_hamza_alef(uint32_t c)
{
    return c == AR_ALEF_HAMZA_A || c == AR_ALEF_HAMZA_B || c == AR_ALEF_MADDA;
}

/* The stem of 's' (alef-folded letters): fold_post(snowball(R2(R1(s)))),
 * or the exact form of 's' when Snowball leaves one letter or none.
 * Writes NUL-terminated UTF-8 to 'out' (TERM_BUF bytes) and returns its
 * length. */
static size_t stem_ar(daleel_analyzer *an, const uint32_t *s, size_t n,
                      char *out)
{
    char in[4 * (MAX_LETTERS + 2) + 1];
    size_t il = encode_ar(in, s, n, 0);
    uint32_t h = fnv1a(in, il);
    long cached = cache_get(an->stems, h, in, il, out);
    if (cached >= 0)
        return (size_t)cached;
    /* R1 drops the first letter and R2 the last two, so Snowball's input
     * is a piece of 'in'. */
    size_t from = 0, to = il, m = n;
    /* R1: Snowball strips a conjunction or an article but not both. */
    if (m >= 6 && (s[0] == AR_WAW || s[0] == AR_FEH) &&
        has_article(s + 1, m - 1)) {
        from = u8len(s[0]);
        s++;
        m--;
    }
    /* R2: Snowball strips ات only from definite nouns. */
    if (!has_article(s, m) && m >= 5 && s[m - 2] == AR_ALEF &&
        s[m - 1] == AR_TEH)
        to -= u8len(AR_ALEF) + u8len(AR_TEH);
    const sb_symbol *r = sb_stemmer_stem(an->ar,
                                         (const sb_symbol *)in + from,
                                         (int)(to - from));
    size_t rl = r ? (size_t)sb_stemmer_length(an->ar) : 0;
    if (!r)
        an->oom = 1;
    /* Decode, fold and count the letters of the stem. */
    size_t len = 0, letters = 0, k = 0;
    uint32_t st[TERM_BUF];
    while (k < rl && len + 4 < TERM_BUF) {
        st[letters] = fold_post(decode(r, rl, &k));
        len += encode(out + len, st[letters]);
        letters++;
    }
    /* R3: in a definite noun Snowball drops a final ن as if it were the
     * ن of a dual or plural, but those follow a long vowel (ـان ـين ـون);
     * after a consonant the ن is the root's: الأردن, المخزن (else الاردن
     * meets أردت in ارد).  Put it back when Snowball took only the ن.
     * (Not in indefinite words, where Snowball's verb rules take it too:
     * يمكن يمكنك يمكننا all give يمك, and putting it back there made تشحنون
     * meet تُشحن but not نشحن, since Snowball leaves the imperfect's
     * prefix: measured worse.) */
    if (has_article(s, m) && m >= 4 && s[m - 1] == AR_NOON &&
        s[m - 2] != AR_ALEF && s[m - 2] != AR_WAW && s[m - 2] != AR_YEH &&
        letters >= 2 && k == rl && letters <= m - 1 && len + 4 < TERM_BUF) {
        /* The stem must be the letters just before that ن. */
        size_t at = m - 1, j = 0;
        while (j < letters && st[j] == fold_post(s[at - letters + j]))
            j++;
        if (j == letters)
            len += encode(out + len, AR_NOON);
    }
    if (letters <= 1 || k < rl) {
        /* The exact form of the whole input: fold_post of 'in'. */
        len = 0;
        for (size_t j = 0; j < il;) {
            uint32_t c = decode((const unsigned char *)in, il, &j);
            len += encode(out + len, fold_post(c));
        }
    }
    out[len] = '\0';
    if (r)
        cache_put(an->stems, h, in, il, out, len);
    return len;
}

static int same(const char *a, size_t al, const char *b, size_t bl)
{
    return al == bl && memcmp(a, b, al) == 0;
}

typedef struct {
    char t[MAX_ALTS][TERM_BUF];
    size_t len[MAX_ALTS];
    size_t n;
    int second_z;   /* t[0] is (f), a text's second Z (see emit_ar) */
} alts;

/* Add the stem of s[0..n) as an alternative unless it equals the main
 * stem z or an alternative already there. */
static void add_alt(daleel_analyzer *an, alts *a, const char *z, size_t zl,
                    const uint32_t *s, size_t n)
{
    if (a->n == MAX_ALTS || n == 0)
        return;
    size_t l = stem_ar(an, s, n, a->t[a->n]);
    if (same(a->t[a->n], l, z, zl))
        return;
    for (size_t k = 0; k < a->n; k++)
        if (same(a->t[k], a->len[k], a->t[a->n], l))
            return;
    a->len[a->n++] = l;
}

/* Look the word s[0..n) up in the word cache: on a hit, fill its stem
 * and alternatives and return 1.  On a miss remember the key for
 * word_put(). */
static int word_get(daleel_analyzer *an, const uint32_t *s, size_t n,
                    char *z, size_t *zl, alts *a)
{
    an->wkey_len = encode_ar(an->wkey, s, n, 0);
    an->wkey_hash = fnv1a(an->wkey, an->wkey_len);
    const word_entry *e = &an->words[an->wkey_hash % WORD_SLOTS];
    if (e->klen == 0 || e->klen != an->wkey_len || e->hash != an->wkey_hash ||
        memcmp(e->key, an->wkey, e->klen) != 0)
        return 0;
    const unsigned char *v = e->val;
    *zl = *v++;
    memcpy(z, v, *zl);
    z[*zl] = '\0';
    v += *zl;
    a->second_z = *v >> 7;
    a->n = *v++ & 0x7f;
    for (size_t k = 0; k < a->n; k++) {
        a->len[k] = *v++;
        memcpy(a->t[k], v, a->len[k]);
        a->t[k][a->len[k]] = '\0';
        v += a->len[k];
    }
    return 1;
}

static void word_put(daleel_analyzer *an, const char *z, size_t zl,
                     const alts *a)
{
    size_t need = 2 + zl;
    for (size_t k = 0; k < a->n; k++)
        need += 1 + a->len[k];
    if (an->wkey_len == 0 || an->wkey_len > CACHE_WORD || need > WORD_VAL ||
        an->oom)
        return;
    word_entry *e = &an->words[an->wkey_hash % WORD_SLOTS];
    unsigned char *v = e->val;
    *v++ = (unsigned char)zl;
    memcpy(v, z, zl);
    v += zl;
    *v++ = (unsigned char)(a->n | (a->second_z ? 0x80 : 0));
    for (size_t k = 0; k < a->n; k++) {
        *v++ = (unsigned char)a->len[k];
        memcpy(v, a->t[k], a->len[k]);
        v += a->len[k];
    }
    e->hash = an->wkey_hash;
    e->klen = (uint8_t)an->wkey_len;
    e->vlen = (uint8_t)need;
    memcpy(e->key, an->wkey, an->wkey_len);
}

/* Does s[0..n) equal the letters of 'lit' (UTF-8 Arabic, "" matches 0)? */
static int is_lit(const uint32_t *s, size_t n, const char *lit)
{
    size_t i = 0, k = 0, ll = strlen(lit);
    while (i < ll) {
        if (k == n || s[k++] != decode((const unsigned char *)lit, ll, &i))
            return 0;
    }
    return k == n;
}

static int in_list(const uint32_t *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (is_lit(s, n, *list))
            return 1;
    return 0;
}

/* A root consonant of the patterns below: not a long vowel or a hamza. */
static int is_radical(uint32_t c)
{
    return c != AR_ALEF && c != AR_HAMZA && c != AR_WAW_HAMZA &&
           c != AR_YEH_HAMZA && c != AR_TEH_MARBUTA;
}

/* Form IV of a defective root: the verb (أَلغى, أُلغي يُلغي تُلغي نُلغي,
 * ألغيت ألغينا ألغوا, يلغون) and its masdar إفعاء (إلغاء, لإلغاء, إلغاؤه)
 * have no letters in common after the first two radicals, so Snowball gives
 * them no common stem (الغ, يلغ, نلغ / الغاء).  For either, write the
 * letters of the definite masdar (ال ا C1 C2 ا ء) to 'out' and return 1:
 * its stem, the Z of الإلغاء and إلغاء, is the alternative (g) this word
 * gets (the "key"; a query's alternatives are matched as Z and XA).  's'
 * is alef-folded, 'L' the letters before folding: a masdar is spelt with
 * إ or a bare ا, never أ, so the plurals أفعاء (أخطاء أسماء) get no key;
 * their Z is still the key of a verb of the same two radicals (تخطي →
 * اخطاء), a rare meeting at the alternatives' weight.  In a text only an
 * active verb ending in ي counts (query: 'query' set, ى as well). */
static int form4_defective(const uint32_t *s, const uint32_t *L, size_t n,
                           int query, uint32_t *out)
{
    static const char *const masdar_pre[] = {
        "", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "ال", "وال",
        "فال", "بال", "كال", "لل", "وبال", "ولل", "فلل", "فبال", NULL
    };
    static const char *const masdar_suf[] = {
        "", "ه", "ها", "هم", "هما", "ك", "كم", "نا", "ي", "ات", NULL
    };
    static const char *const verb_pre[] = {
        "", "و", "ف", "س", "وس", "فس", NULL
    };
    for (size_t p = 0; p <= 4 && p + 4 <= n; p++) {
        const uint32_t *c = s + p;
        size_t m = n - p;
        int hit = 0;
        if (m >= 5 && (L[p] == AR_ALEF || L[p] == AR_ALEF_HAMZA_B) &&
            c[3] == AR_ALEF &&
            (c[4] == AR_HAMZA ||
             (m > 5 && (c[4] == AR_WAW_HAMZA || c[4] == AR_YEH_HAMZA))) &&
            in_list(c + 5, m - 5, masdar_suf) && in_list(s, p, masdar_pre))
            hit = 1;
        else if (m <= 6 && in_list(s, p, verb_pre)) {
            /* In a text, the active أُلغي يُلغي ends in ي; ى ends the
             * passive يُلغى and the perfect ألغى, and so also form I's
             * passive يُرجى (please), whose masdar is no إفعاء.  A
             * reader's ى or ي says nothing. */
            if (m == 4)
                hit = (c[0] == AR_ALEF || c[0] == AR_YEH || c[0] == AR_TEH ||
                       c[0] == AR_NOON) && c[3] == AR_YEH &&
                      (query || L[n - 1] == AR_YEH);
            else if (m == 5)
                hit = (c[0] == AR_ALEF &&
                       ((c[3] == AR_YEH && c[4] == AR_TEH) ||
                        (c[3] == AR_WAW && c[4] == AR_ALEF))) ||
                      ((c[0] == AR_YEH || c[0] == AR_TEH) && c[3] == AR_WAW &&
                       (c[4] == AR_NOON || c[4] == AR_ALEF));
            else if (m == 6)
                hit = c[0] == AR_ALEF && c[3] == AR_YEH &&
                      ((c[4] == AR_NOON && c[5] == AR_ALEF) ||
                       (c[4] == AR_TEH && c[5] == 0x0645));
        }
        if (hit && is_radical(c[1]) && is_radical(c[2]) &&
            c[1] != AR_YEH && c[1] != AR_WAW) {
            out[0] = AR_ALEF;
            out[1] = AR_LAM;
            out[2] = AR_ALEF;
            out[3] = c[1];
            out[4] = c[2];
            out[5] = AR_ALEF;
            out[6] = AR_HAMZA;
            return 1;
        }
    }
    return 0;
}

/* A noun in ة with a pronoun, ة written ت (بطاقتك, حالتها, محفظتنا): the
 * number of letters before that ت, else 0.  Not after ا (ات, the plural:
 * طلباتك) and with three letters at least before it. */
static size_t construct_pronoun(const uint32_t *s, size_t n)
{
    static const char *const pron[] = {
        "ك", "كم", "كما", "كن", "ه", "ها", "هم", "هما", "هن", "نا", "ي", NULL
    };
    for (size_t p = 3; p + 2 <= n && p + 4 >= n; p++)
        if (s[p] == AR_TEH && s[p - 1] != AR_ALEF &&
            in_list(s + p + 1, n - p - 1, pron))
            return p;
    return 0;
}

/* A definite word ending in ه (البطاقه, الاتجاه). */
static int ends_definite_heh(const uint32_t *s, size_t n)
{
    return n >= 4 && s[n - 1] == AR_HEH && article_initial(s, n);
}

/* The Z of the letters w[0..n) ('s': the same alef-folded; 'hal': w keeps
 * the hamza of an alef that is not the article's).  A definite noun takes
 * no possessive pronoun, so a final ه after the article is a root ه
 * (الاتجاه) or, far more often, a ة typed as ه (البطاقه; 40 of the 46 such
 * word types in the corpora).  Snowball keeps that ه in a definite word
 * (بطاقه) but takes it for a pronoun in an indefinite one (خدمه: خدم), so
 * the word gets the stem of its ة reading (بطاق, as البطاقة); the ه as
 * written gives an alternative. */
static size_t stem_word(daleel_analyzer *an, const uint32_t *w,
                        const uint32_t *s, size_t n, int hal, char *out)
{
    if (hal || !ends_definite_heh(s, n))
        return stem_ar(an, w, n, out);
    uint32_t v[MAX_LETTERS + 2];
    memcpy(v, w, n * sizeof *w);
    v[n - 1] = AR_TEH_MARBUTA;
    return stem_ar(an, v, n, out);
}

/* Terms of one Arabic token: 'L' holds its letters after fold_pre. */
static void emit_ar(daleel_analyzer *an, const uint32_t *L, size_t n,
                    size_t start, size_t end)
{
    int query = an->mode == DALEEL_ANALYZE_QUERY;
    uint32_t s[MAX_LETTERS + 2];
    for (size_t k = 0; k < n; k++)
        s[k] = alef_fold(L[k]);
    char e[TERM_BUF];
    size_t el = encode_ar(e, L, n, 1);

    daleel_token *t = new_token(an, start, end, DALEEL_LANG_AR);
    if (!t)
        return;
    add_term(an, DALEEL_TERM_EXACT, "", e, el, 1.0);
    /* Stopwords: the normalized Savoy list, single letters (و ف ب ل ك
     * written apart, لـ before a Latin word) and a bare ال (الـgit). */
    int stop = n == 1 || ws_has(&an->stop_ar, e, el) ||
               (n == 2 && s[0] == AR_ALEF && s[1] == AR_LAM) ||
               (query && ws_has(&an->question_ar, e, el));
    t = &an->tokens[an->n_tokens - 1];
    t->stop = stop;
    if (stop)
        return;

    /* An alef with a hamza is never the article's: إلغاء ألوان إلكتروني
     * بإلغاء are not ال + غاء, وان, كتروني.  Snowball knows (it strips
     * only a bare ال), so for such a word its input 'w' keeps that hamza,
     * and إلغاء الإلغاء إلغاؤه ألغينا share their stems.  But readers drop
     * the hamza, and then الغاء is as ambiguous to us as to Snowball and
     * gets the article reading (غاء).  So in a text the word also gets the
     * stem of that reading (f) as a second Z: the reader who typed الغاء
     * meets it with full weight, as before.  The same reader meets the
     * definite الإلغاء الإلكتروني through their second Z, the stem of the
     * word after the article as he types it (الغاء, الكتروني). */
    int ap = article_alef(s, n);
    int hal = ap >= 0 && is_hamza_alef(L[ap]);
    int dhal = ap >= 0 && !hal && n >= (size_t)ap + 5 &&
               is_hamza_alef(L[ap + 2]) && s[ap + 3] == AR_LAM;
    uint32_t hs[MAX_LETTERS + 2];
    const uint32_t *w = s;
    if (hal) {
        memcpy(hs, s, n * sizeof *s);
        hs[ap] = L[ap];
        w = hs;
    }

    char z[TERM_BUF];
    size_t zl;
    alts a;
    /* The cache key is the word before alef folding: hamzas and a final ى
     * change its alternatives (f) and (g). */
    if (!word_get(an, L, n, z, &zl, &a)) {
        a.n = 0;
        a.second_z = 0;
        zl = stem_word(an, w, s, n, hal, z);
        /* (f) the hamza-dropped reading, always first. */
        if (hal || dhal) {
            const uint32_t *r = hal ? s : s + ap + 2;
            size_t rn = hal ? n : n - (size_t)ap - 2;
            char f[TERM_BUF];
            size_t fl = stem_word(an, r, r, rn, 0, f);
            if (!same(f, fl, z, zl)) {
                memcpy(a.t[0], f, fl + 1);
                a.len[0] = fl;
                a.n = 1;
                a.second_z = 1;
            }
        }
        /* The ه as written of a definite word (see stem_word()). */
        if (!hal && ends_definite_heh(s, n))
            add_alt(an, &a, z, zl, w, n);
        int art = !hal && article_initial(s, n);
        /* (a) a proclitic و ف ب ل ك stuck to the front. */
        if (n >= 4 && !art &&
            (s[0] == AR_WAW || s[0] == AR_FEH || s[0] == AR_BEH ||
             s[0] == AR_LAM || s[0] == AR_KAF))
            add_alt(an, &a, z, zl, w + 1, n - 1);
        /* (b) imperative or af'al form: احذف → حذف. */
        if (n == 4 && s[0] == AR_ALEF)
            add_alt(an, &a, z, zl, w + 1, n - 1);
        /* (c) the definite form, which keeps Snowball from taking the word
         * for a verb or stripping a root letter: فريق/الفريق. */
        if (n >= 4 && !art) {
            uint32_t d[MAX_LETTERS + 2];
            d[0] = AR_ALEF;
            d[1] = AR_LAM;
            memcpy(d + 2, w, n * sizeof *w);
            add_alt(an, &a, z, zl, d, n + 2);
        }
        /* (g) form IV of a defective root: verb ↔ masdar (الغي ↔ إلغاء). */
        uint32_t f4[7];
        if (form4_defective(s, L, n, 0, f4))
            add_alt(an, &a, z, zl, f4, 7);
        /* (i) ة becomes ت before a pronoun (بطاقتك, حالتها), and Snowball
         * then strips a root-initial ب/ف/و as a proclitic (بطاقتك: طاق):
         * the stem of the definite singular, البطاقة (بطاق). */
        size_t p = construct_pronoun(s, n);
        if (p && !art && p + 2 <= MAX_LETTERS) {
            uint32_t d[MAX_LETTERS + 2];
            d[0] = AR_ALEF;
            d[1] = AR_LAM;
            memcpy(d + 2, w, p * sizeof *w);
            d[p + 2] = AR_TEH_MARBUTA;
            add_alt(an, &a, z, zl, d, p + 3);
        }
        word_put(an, z, zl, &a);
    }
    add_term(an, DALEEL_TERM_STEM, DALEEL_PREFIX_STEM, z, zl, 1.0);

    if (query) {
        uint32_t v[MAX_LETTERS + 2];
        /* (d) a final ه typed for ة: خدمه → خدمة. */
        if (w[n - 1] == AR_HEH) {
            memcpy(v, w, n * sizeof *w);
            v[n - 1] = AR_TEH_MARBUTA;
            add_alt(an, &a, z, zl, v, n);
        }
        /* (e) the other hamza seat: مسؤول ↔ مسئول. */
        int swapped = 0;
        for (size_t k = 0; k < n; k++) {
            v[k] = w[k] == AR_WAW_HAMZA ? AR_YEH_HAMZA
                 : w[k] == AR_YEH_HAMZA ? AR_WAW_HAMZA : w[k];
            swapped |= v[k] != w[k];
        }
        if (swapped)
            add_alt(an, &a, z, zl, v, n);
        /* (g) also for a verb a reader ends with ى. */
        uint32_t f4[7];
        if (L[n - 1] == AR_ALEF_MAKSURA && form4_defective(s, L, n, 1, f4))
            add_alt(an, &a, z, zl, f4, 7);

        /* The search keeps the candidates the index has: an alternative
         * may be a document's main stem or its alternative, and our main
         * stem may be a document's alternative. */
        add_term(an, DALEEL_TERM_ALT, DALEEL_PREFIX_ALT, z, zl, 0.5);
        for (size_t k = 0; k < a.n; k++) {
            add_term(an, DALEEL_TERM_ALT, DALEEL_PREFIX_STEM, a.t[k],
                     a.len[k], 0.5);
            add_term(an, DALEEL_TERM_ALT, DALEEL_PREFIX_ALT, a.t[k],
                     a.len[k], 0.5);
        }
    } else {
        size_t k = 0;
        if (a.second_z) {
            add_term(an, DALEEL_TERM_STEM, DALEEL_PREFIX_STEM, a.t[0],
                     a.len[0], 1.0);
            k = 1;
        }
        for (; k < a.n; k++)
            add_term(an, DALEEL_TERM_ALT, DALEEL_PREFIX_ALT, a.t[k], a.len[k],
                     1.0);
    }
}

/* An Arabic-script token: letters, marks and tatweel, up to the next
 * character of another class (ANALYSIS.md 5.2: a script change splits). */
static void lex_ar(daleel_analyzer *an)
{
    const item *it = peek(an, 0);
    size_t start = it->start, end = it->end;
    uint32_t L[MAX_LETTERS];
    size_t n = 0, bytes = 0;
    int over = 0;
    while ((it = peek(an, 0)) &&
           (it->cls == C_AL || it->cls == C_AM || it->cls == C_MARK)) {
        end = it->end;
        if (it->cls == C_AL) {
            uint32_t c = fold_pre(it->cp);
            if (bytes + u8len(c) <= DALEEL_MAX_TERM && n < MAX_LETTERS) {
                L[n++] = c;
                bytes += u8len(c);
            } else {
                over = 1;
            }
        }
        advance(an);
    }
    /* A token of only marks or tatweel has no letters and so no term; a
     * token over DALEEL_MAX_TERM bytes is not indexed (base64, hashes). */
    if (n && !over)
        emit_ar(an, L, n, start, end);
}

/* ---- English and code (ANALYSIS.md 1.7, 5.3-5.5) ---- */

static int is_w(const item *it)
{
    return it && (it->cls == C_WL || it->cls == C_WD);
}

static int is_connector(uint32_t c)
{
    return c == '.' || c == '-' || c == '_' || c == '/';
}

static void emit_w(daleel_analyzer *an, const char *w, size_t wl,
                   size_t start, size_t end, int has_digit, int suffix)
{
    int query = an->mode == DALEEL_ANALYZE_QUERY;
    daleel_token *t = new_token(an, start, end, DALEEL_LANG_EN);
    if (!t)
        return;
    add_term(an, DALEEL_TERM_EXACT, "", w, wl, 1.0);
    char buf[TERM_BUF];
    int stop = ws_has(&an->stop_en, w, wl) ||
               (query && ws_has(&an->question_en, w, wl));
    t = &an->tokens[an->n_tokens - 1];
    t->stop = stop;
    /* Numbers and words with digits are matched exactly; Porter2 would
     * cut c++ and c# down to c. */
    if (stop || has_digit)
        return;
    if (suffix) {
        add_term(an, DALEEL_TERM_STEM, DALEEL_PREFIX_STEM, w, wl, 1.0);
        return;
    }
    uint32_t h = fnv1a(w, wl);
    long cached = cache_get(an->stems, h, w, wl, buf);
    if (cached >= 0) {
        add_term(an, DALEEL_TERM_STEM, DALEEL_PREFIX_STEM, buf,
                 (size_t)cached, 1.0);
        return;
    }
    const sb_symbol *r = sb_stemmer_stem(an->en, (const sb_symbol *)w,
                                         (int)wl);
    if (!r) {
        an->oom = 1;
        return;
    }
    size_t rl = (size_t)sb_stemmer_length(an->en);
    const char *z = rl ? (const char *)r : w;
    if (!rl)
        rl = wl;
    cache_put(an->stems, h, w, wl, z, rl);
    add_term(an, DALEEL_TERM_STEM, DALEEL_PREFIX_STEM, z, rl, 1.0);
}

/* A word, or a code compound `[-|--]part ([.-_/]part)* [+|++|#]`: every
 * part is a token of its own (so `git commit` finds git-commit), and the
 * whole compound, lower-cased, is one XC term on its last part.  'prefix'
 * is the number of leading hyphens (0, 1 or 2). */
static void lex_w(daleel_analyzer *an, int prefix)
{
    char xc[DALEEL_MAX_TERM];
    size_t xl = 0;
    int xc_ok = 1;
    size_t first_tok = an->n_tokens;
    unsigned parts = 0;
    int suffix = 0;

#define XC_PUT(src, n) do { \
        if (xl + (n) <= sizeof xc - strlen(DALEEL_PREFIX_CODE)) { \
            memcpy(xc + xl, (src), (n)); xl += (n); \
        } else { xc_ok = 0; } \
    } while (0)

    for (int k = 0; k < prefix; k++) {
        XC_PUT("-", 1);
        advance(an);
    }
    for (;;) {
        char w[TERM_BUF];
        size_t wl = 0;
        int over = 0, has_digit = 0, last_letter = 0;
        const item *it = peek(an, 0);
        size_t start = it->start, end = it->end;
        while ((it = peek(an, 0))) {
            char u[4];
            size_t ul;
            /* Lower-case ASCII, the common case, is copied as it is. */
            if (it->cp < 0x80 && it->cls != C_SEP) {
                char c = (char)(it->cls == C_WL ? it->cp | 0x20 : it->cp);
                if (it->cls == C_WD) {
                    has_digit = 1;
                    last_letter = 0;
                } else {
                    last_letter = 1;
                }
                if (wl < DALEEL_MAX_TERM)
                    w[wl++] = c;
                else
                    over = 1;
                XC_PUT(&c, 1);
                end = it->end;
                advance(an);
                continue;
            }
            if (it->cls == C_WL || it->cls == C_WD || it->cls == C_MARK) {
                uint32_t c = it->cp;
                if (it->cls == C_WL) {
                    if (c < 0x80)
                        c |= 0x20;
                    else
                        c = (uint32_t)utf8proc_tolower((utf8proc_int32_t)c);
                    last_letter = 1;
                } else if (it->cls == C_WD) {
                    has_digit = 1;
                    last_letter = 0;
                }
                ul = encode(u, c);
            } else if (it->cp == '\'' && last_letter &&
                       peek(an, 1) && peek(an, 1)->cls == C_WL) {
                /* ANALYSIS.md 5.4: don't, user's (Porter2 strips 's). */
                u[0] = '\'';
                ul = 1;
            } else {
                break;
            }
            if (wl + ul <= DALEEL_MAX_TERM) {
                memcpy(w + wl, u, ul);
                wl += ul;
            } else {
                over = 1;
            }
            XC_PUT(u, ul);
            end = it->end;
            advance(an);
        }
        /* c++ g++ c# f#: the suffix stays on the token, as in Xapian. */
        if (it && last_letter && (it->cp == '+' || it->cp == '#')) {
            size_t k = 1;
            if (it->cp == '+' && peek(an, 1) && peek(an, 1)->cp == '+')
                k = 2;
            if (!is_w(peek(an, k))) {
                for (size_t j = 0; j < k; j++) {
                    it = peek(an, 0);
                    char c = (char)it->cp;
                    if (wl + 1 <= DALEEL_MAX_TERM)
                        w[wl++] = c;
                    else
                        over = 1;
                    XC_PUT(&c, 1);
                    end = it->end;
                    advance(an);
                }
                suffix = 1;
            }
        }
        if (!over)
            emit_w(an, w, wl, start, end, has_digit, suffix);
        parts++;
        if (suffix)
            break;
        it = peek(an, 0);
        if (it && is_connector(it->cp) && is_w(peek(an, 1))) {
            char c = (char)it->cp;
            XC_PUT(&c, 1);
            advance(an);
            continue;
        }
        break;
    }
#undef XC_PUT
    if (parts < 2 && !prefix && !suffix)
        return;
    an->n_compounds++;
    for (size_t k = first_tok; k < an->n_tokens; k++) {
        an->tokens[k].code = 1;
        an->tokens[k].compound = an->n_compounds;
    }
    if (xc_ok && an->n_tokens > first_tok)
        add_term(an, DALEEL_TERM_CODE, DALEEL_PREFIX_CODE, xc, xl, 1.5);
}

/* A hyphen starts an option (-v, --recursive) only after a space, the
 * start of the text or opening punctuation, not inside a word. */
static int option_start(uint32_t prev)
{
    return prev <= 0x20 ||
           (prev < 0x80 && strchr("([{<\"'`=,;:|", (int)prev) != NULL);
}

static int is_quote(uint32_t c)
{
    return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E ||
           c == 0x00AB || c == 0x00BB;
}

/* ---- Query mode (ANALYSIS.md 9) ---- */

static void add_prefix_terms(daleel_analyzer *an)
{
    daleel_token *t = &an->tokens[an->n_tokens - 1];
    const char *e = term_text(an, t->first_term);
    size_t el = an->terms[t->first_term].len;
    char buf[TERM_BUF];
    memcpy(buf, e, el);
    add_term(an, DALEEL_TERM_PREFIX, "", buf, el, 1.0);
    if (t->lang != DALEEL_LANG_AR)
        return;
    /* The word being typed may carry a proclitic or the article that the
     * document form lacks (or the other way round): also look for it
     * without them.  Longest forms first; the rest keeps two letters. */
    static const char *const clitics[] = {
        "وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل",
        "لل", "ال", "و", "ف", "ب", "ل", "ك",
    };
    for (size_t k = 0; k < sizeof clitics / sizeof clitics[0]; k++) {
        size_t cl = strlen(clitics[k]);
        if (el >= cl + 4 && memcmp(buf, clitics[k], cl) == 0)
            add_term(an, DALEEL_TERM_PREFIX, "", buf + cl, el - cl, 0.5);
    }
}

static void finish_query(daleel_analyzer *an)
{
    int content = 0;
    for (size_t k = 0; k < an->n_tokens; k++)
        if (!an->tokens[k].stop || an->tokens[k].quote)
            content = 1;
    for (size_t k = 0; k < an->n_tokens; k++) {
        daleel_token *t = &an->tokens[k];
        t->dropped = t->stop && !t->quote && content;
    }
    if (an->n_tokens && an->tokens[an->n_tokens - 1].end == an->last_end &&
        an->last_end > 0) {
        an->res.prefix_last = 1;
        add_prefix_terms(an);
    }
}

/* ---- Public API ---- */

/* Fill 'ws' with the n words of 'raw'; Arabic words are normalized with
 * the exact-term fold first, so أن and ان, إلى and الى meet.  Returns 0
 * when out of memory. */
static int build_set(wordset *ws, const char *const *raw, size_t n, int ar)
{
    size_t size = 16;
    while (size < 4 * n)
        size *= 2;
    ws->mask = size - 1;
    ws->w = calloc(size, sizeof *ws->w);
    ws->len = calloc(size, 1);
    if (!ws->w || !ws->len)
        return 0;
    for (size_t k = 0; k < n; k++) {
        size_t rl = strlen(raw[k]), len = 0;
        char *w = malloc(rl + 1);
        if (!w)
            return 0;
        if (ar) {
            size_t i = 0;
            while (i < rl) {
                uint32_t c = decode((const unsigned char *)raw[k], rl, &i);
                len += encode(w + len, fold_post(fold_pre(c)));
            }
        } else {
            memcpy(w, raw[k], rl);
            len = rl;
        }
        w[len] = '\0';
        if (len > UINT8_MAX || ws_has(ws, w, len)) {
            free(w);
            continue;
        }
        size_t slot = fnv1a(w, len) & ws->mask;
        while (ws->w[slot])
            slot = (slot + 1) & ws->mask;
        ws->w[slot] = w;
        ws->len[slot] = (uint8_t)len;
        if (len > ws->max_len)
            ws->max_len = len;
    }
    return 1;
}

daleel_analyzer *daleel_analyzer_new(void)
{
    daleel_analyzer *an = calloc(1, sizeof *an);
    if (!an)
        return NULL;
    an->ar = sb_stemmer_new("arabic", "UTF_8");
    an->en = sb_stemmer_new("english", "UTF_8");
    an->stems = calloc(CACHE_SLOTS, sizeof *an->stems);
    an->words = calloc(WORD_SLOTS, sizeof *an->words);
    if (!an->ar || !an->en || !an->stems || !an->words ||
        !build_set(&an->stop_ar, dli_stop_ar, dli_n_stop_ar, 1) ||
        !build_set(&an->question_ar, dli_question_ar, dli_n_question_ar, 1) ||
        !build_set(&an->stop_en, dli_stop_en, dli_n_stop_en, 0) ||
        !build_set(&an->question_en, dli_question_en, dli_n_question_en, 0)) {
        daleel_analyzer_free(an);
        return NULL;
    }
    return an;
}

void daleel_analyzer_free(daleel_analyzer *an)
{
    if (!an)
        return;
    sb_stemmer_delete(an->ar);
    sb_stemmer_delete(an->en);
    ws_free(&an->stop_ar);
    ws_free(&an->question_ar);
    ws_free(&an->stop_en);
    ws_free(&an->question_en);
    free(an->tokens);
    free(an->terms);
    free(an->term_off);
    free(an->pool);
    free(an->stems);
    free(an->words);
    free(an);
}

daleel_status daleel_analyze(daleel_analyzer *an, const char *text, size_t len,
                             daleel_analyze_mode mode, unsigned first_pos,
                             const daleel_analysis **out)
{
    if (out)
        *out = NULL;
    if (!an || !out || (!text && len))
        return DALEEL_EINVAL;
    an->s = (const unsigned char *)(text ? text : "");
    an->len = len;
    an->i = 0;
    an->seg_n = 0;
    an->q_head = an->q_n = 0;
    an->prev_cp = 0;
    an->prev_cls = C_SEP;
    an->last_end = 0;
    an->mode = mode;
    an->pos = first_pos;
    an->n_compounds = an->n_quotes = 0;
    an->in_quote = 0;
    an->oom = 0;
    an->n_tokens = an->n_terms = an->pool_len = 0;
    memset(&an->res, 0, sizeof an->res);

    const item *it;
    while ((it = peek(an, 0))) {
        switch (it->cls) {
        case C_AL: case C_AM:
            lex_ar(an);
            continue;
        case C_WL: case C_WD:
            lex_w(an, 0);
            continue;
        default:
            break;
        }
        if (it->cp == '-' && option_start(an->prev_cp)) {
            if (is_w(peek(an, 1))) {
                lex_w(an, 1);
                continue;
            }
            const item *n1 = peek(an, 1);
            if (n1 && n1->cp == '-' && is_w(peek(an, 2))) {
                lex_w(an, 2);
                continue;
            }
        }
        if (mode == DALEEL_ANALYZE_QUERY && is_quote(it->cp)) {
            an->in_quote = !an->in_quote;
            if (an->in_quote)
                an->n_quotes++;
        }
        advance(an);
    }
    if (mode == DALEEL_ANALYZE_QUERY)
        finish_query(an);
    if (an->oom)
        return DALEEL_ENOMEM;
    for (size_t k = 0; k < an->n_terms; k++)
        an->terms[k].text = an->pool + an->term_off[k];
    an->res.tokens = an->tokens;
    an->res.n_tokens = an->n_tokens;
    an->res.terms = an->terms;
    an->res.n_terms = an->n_terms;
    an->res.lang = daleel_guess_lang(text ? text : "", len);
    *out = &an->res;
    return DALEEL_OK;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

daleel_status daleel_normal_form(daleel_analyzer *an, const char *text,
                                 size_t len, char **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return DALEEL_EINVAL;
    const daleel_analysis *a;
    daleel_status st = daleel_analyze(an, text, len, DALEEL_ANALYZE_QUERY, 1,
                                      &a);
    if (st != DALEEL_OK)
        return st;
    const char **w = malloc((a->n_tokens + 1) * sizeof *w);
    if (!w)
        return DALEEL_ENOMEM;
    size_t n = 0, total = 1;
    for (size_t k = 0; k < a->n_tokens; k++) {
        const daleel_token *t = &a->tokens[k];
        if (t->dropped || !t->n_terms)
            continue;
        /* The stem when there is one, else the exact term (numbers,
         * stopwords of an all-stopword query). */
        const char *s = a->terms[t->first_term].text;
        for (size_t j = t->first_term; j < t->first_term + t->n_terms; j++)
            if (a->terms[j].kind == DALEEL_TERM_STEM)
                s = a->terms[j].text + strlen(DALEEL_PREFIX_STEM);
        w[n++] = s;
        total += strlen(s) + 1;
    }
    qsort(w, n, sizeof *w, cmp_cstr);
    char *r = malloc(total);
    if (!r) {
        free(w);
        return DALEEL_ENOMEM;
    }
    size_t rl = 0;
    for (size_t k = 0; k < n; k++) {
        if (k && strcmp(w[k - 1], w[k]) == 0)
            continue;
        if (rl)
            r[rl++] = ' ';
        size_t l = strlen(w[k]);
        memcpy(r + rl, w[k], l);
        rl += l;
    }
    r[rl] = '\0';
    free(w);
    *out = r;
    return DALEEL_OK;
}

size_t daleel_normalize_word(daleel_analyzer *an, const char *word, size_t len,
                             char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
    const daleel_analysis *a;
    if (daleel_analyze(an, word, len, DALEEL_ANALYZE_INDEX, 1, &a) !=
            DALEEL_OK || a->n_tokens == 0)
        return 0;
    const daleel_term *e = &a->terms[a->tokens[0].first_term];
    if (e->len + 1 > cap)
        return 0;
    memcpy(out, e->text, e->len + 1);
    return e->len;
}

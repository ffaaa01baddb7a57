/* search_snippet.c: from a matching document to a hit: its fields from the
 * document data (JSON, see document.h) and the snippet, the sentence-level
 * passage of about 200 characters with the most query words, the anchor of
 * the section holding it, and the byte ranges of the matched words in it
 * (ranges, not markup, so the server escapes first and highlights after).
 * Only the returned page of hits gets here.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/index.h"
#include "search_int.h"

#define SNIPPET_CHARS 200
/* A match this far into a long sentence moves the window's start, so the
 * match shows with some words before it. */
#define LEAD_CHARS 60
/* Section text is analyzed this many bytes (of whole sentences) at a time. */
#define CHUNK_BYTES 250
/* A long article: once this much text is analyzed and some sentence
 * matches, the best so far is good enough (the analyzer's time on the
 * hits is most of a snippet's cost). */
#define ANALYZE_BUDGET 2048

/* ---- UTF-8 --------------------------------------------------------------- */

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t dli_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += !is_cont((unsigned char)s[i]);
    return n;
}

/* The byte offset 'nchars' code points after 'from' (or 'len'). */
static size_t fwd_chars(const char *s, size_t len, size_t from, size_t nchars)
{
    size_t i = from;
    while (i < len && nchars > 0) {
        i++;
        while (i < len && is_cont((unsigned char)s[i]))
            i++;
        nchars--;
    }
    return i;
}

/* The byte offset 'nchars' code points before 'from' (or 0). */
static size_t back_chars(const char *s, size_t from, size_t nchars)
{
    size_t i = from;
    while (i > 0 && nchars > 0) {
        i--;
        while (i > 0 && is_cont((unsigned char)s[i]))
            i--;
        nchars--;
    }
    return i;
}

static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* ---- The matcher --------------------------------------------------------- */

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u;  /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

void dli_matcher_init(dli_matcher *m)
{
    memset(m, 0, sizeof *m);
}

void dli_matcher_clear(dli_matcher *m)
{
    free(m->needles);
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].text);
    free(m->slots);
    for (size_t i = 0; i < m->n_prefixes; i++)
        free(m->prefixes[i].text);
    free(m->prefixes);
    memset(m, 0, sizeof *m);
}

static struct dli_mterm *slot_of(struct dli_mterm *slots, size_t cap,
                                 const char *t, size_t len)
{
    size_t i = (size_t)hash(t, len) & (cap - 1);
    while (slots[i].text &&
           !(slots[i].len == len && memcmp(slots[i].text, t, len) == 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* The needle of a term (search_screen.c): its text without the prefix
 * (capitals), folded and cut short. */
static daleel_status add_needle(dli_matcher *m, const char *t, size_t len)
{
    while (len && *t >= 'A' && *t <= 'Z') {
        t++;
        len--;
    }
    if (m->no_screen)
        return DALEEL_OK;
    char fold[DALEEL_MAX_TERM + 1];
    int unscreenable;
    size_t n = dli_fold_needle(t, len, fold, sizeof fold, &unscreenable);
    if (unscreenable) {
        m->no_screen = 1;
        return DALEEL_OK;
    }
    for (size_t i = 0; i < m->n_needles; i++)
        if (m->needles[i].len == n && memcmp(m->needles[i].text, fold, n) == 0)
            return DALEEL_OK;
    if (m->n_needles == m->cap_needles) {
        size_t cap = m->cap_needles ? 2 * m->cap_needles : 8;
        struct dli_needle *v = realloc(m->needles, cap * sizeof *v);
        if (!v)
            return DALEEL_ENOMEM;
        m->needles = v;
        m->cap_needles = cap;
    }
    struct dli_needle *nd = &m->needles[m->n_needles++];
    memcpy(nd->text, fold, n + 1);
    nd->len = n;
    return DALEEL_OK;
}

daleel_status dli_matcher_add(dli_matcher *m, const char *term, size_t len,
                              unsigned word)
{
    if (add_needle(m, term, len) != DALEEL_OK)
        return DALEEL_ENOMEM;
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 32;
        struct dli_mterm *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return DALEEL_ENOMEM;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].text)
                *slot_of(slots, cap, m->slots[i].text, m->slots[i].len) =
                    m->slots[i];
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    struct dli_mterm *sl = slot_of(m->slots, m->cap, term, len);
    if (sl->text)
        return DALEEL_OK;  /* the first word that has a term keeps it */
    sl->text = malloc(len + 1);
    if (!sl->text)
        return DALEEL_ENOMEM;
    memcpy(sl->text, term, len);
    sl->text[len] = '\0';
    sl->len = len;
    sl->word = word;
    m->n++;
    return DALEEL_OK;
}

daleel_status dli_matcher_add_prefix(dli_matcher *m, const char *prefix,
                                     size_t len, unsigned word)
{
    if (add_needle(m, prefix, len) != DALEEL_OK)
        return DALEEL_ENOMEM;
    if (m->n_prefixes == m->cap_prefixes) {
        size_t cap = m->cap_prefixes ? 2 * m->cap_prefixes : 4;
        struct dli_mterm *v = realloc(m->prefixes, cap * sizeof *v);
        if (!v)
            return DALEEL_ENOMEM;
        m->prefixes = v;
        m->cap_prefixes = cap;
    }
    struct dli_mterm *p = &m->prefixes[m->n_prefixes];
    p->text = malloc(len + 1);
    if (!p->text)
        return DALEEL_ENOMEM;
    memcpy(p->text, prefix, len);
    p->text[len] = '\0';
    p->len = len;
    p->word = word;
    m->n_prefixes++;
    return DALEEL_OK;
}

int dli_matcher_find(const dli_matcher *m, const char *term, size_t len)
{
    if (!m->cap)
        return -1;
    const struct dli_mterm *sl =
        slot_of(m->slots, m->cap, term, len);
    return sl->text ? (int)sl->word : -1;
}

/* The query word a token of analyzed text stands for, or -1. */
static int token_word(const dli_matcher *m, const daleel_analysis *a,
                      const daleel_token *t)
{
    const daleel_term *e = NULL;
    for (size_t k = 0; k < t->n_terms; k++) {
        const daleel_term *term = &a->terms[t->first_term + k];
        if (term->kind == DALEEL_TERM_EXACT)
            e = term;
        int w = dli_matcher_find(m, term->text, term->len);
        if (w >= 0)
            return w;
    }
    if (e)
        for (size_t i = 0; i < m->n_prefixes; i++)
            if (e->len >= m->prefixes[i].len &&
                memcmp(e->text, m->prefixes[i].text, m->prefixes[i].len) == 0)
                return (int)m->prefixes[i].word;
    return -1;
}

/* ---- Choosing the passage ------------------------------------------------ */

typedef struct {
    size_t start, end;   /* bytes in the section text */
    unsigned word;
} mtok;

typedef struct {
    mtok *v;
    size_t n, cap;
} mtoks;

static int mtoks_push(mtoks *l, size_t start, size_t end, unsigned word)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        mtok *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].start = start;
    l->v[l->n].end = end;
    l->v[l->n].word = word;
    l->n++;
    return 0;
}

/* Where the sentence starting at 'from' ends (just after its . ! ? ؟ ۔
 * or newline).  A full stop ends a sentence only before a space or the
 * end, so node.js and 1.4.22 stay whole. */
static size_t sentence_end(const char *s, size_t len, size_t from)
{
    /* The bytes that may end a sentence, to skip the others quickly (the
     * chunks of every hit's text are found by this scan). */
    static const unsigned char maybe[256] = {
        ['\n'] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1, [0xD8] = 1, [0xDB] = 1};
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = from; i < len; i++) {
        while (i < len && !maybe[u[i]])
            i++;
        if (i == len)
            break;
        unsigned char c = u[i];
        if (c == '\n')
            return i + 1;
        if ((c == '.' || c == '!' || c == '?') &&
            (i + 1 == len || is_space(s[i + 1])))
            return i + 1;
        /* U+061F ARABIC QUESTION MARK, U+06D4 ARABIC FULL STOP */
        if (i + 1 < len && ((c == 0xD8 && u[i + 1] == 0x9F) ||
                            (c == 0xDB && u[i + 1] == 0x94)))
            return i + 2;
    }
    return len;
}

/* The best passage so far. */
typedef struct {
    int found;
    size_t section;          /* index into the sections, or SIZE_MAX for the
                                summary */
    size_t start, end;       /* the sentence */
    unsigned words, heading_words, total;
    mtoks toks;              /* the matched tokens of its text */
} best_passage;

typedef struct {
    daleel_searcher *s;
    const dli_matcher *m;
    unsigned *stamp;         /* per word: the last sentence that counted it */
    unsigned gen;
    mtoks cur;
    best_passage best;
    int best_here;           /* the best passage is in the section at hand */
    size_t analyzed;         /* bytes of text analyzed so far */
} chooser;

/* Analyze the words first..last-1 the pre-screen found in 'text' (which
 * starts at byte 'base' of its section), joined into one text by newlines
 * (which the analyzer splits at), and append their matched tokens to
 * ch->cur. */
static daleel_status analyze_words(chooser *ch, const char *text,
                                   size_t first, size_t last, size_t base)
{
    dli_screen_buf *sc = &ch->s->screen;
    size_t need = 0;
    for (size_t i = first; i < last; i++)
        need += sc->words[i].end - sc->words[i].start + 1;
    if (need > sc->cap_scratch) {
        size_t cap = sc->cap_scratch ? sc->cap_scratch : 256;
        while (cap < need)
            cap *= 2;
        char *v = realloc(sc->scratch, cap);
        if (!v)
            return DALEEL_ENOMEM;
        sc->scratch = v;
        sc->cap_scratch = cap;
    }
    if (sc->cap_words > sc->cap_scratch_at) {
        size_t *v = realloc(sc->scratch_at, sc->cap_words * sizeof *v);
        if (!v)
            return DALEEL_ENOMEM;
        sc->scratch_at = v;
        sc->cap_scratch_at = sc->cap_words;
    }
    size_t o = 0;
    for (size_t i = first; i < last; i++) {
        size_t n = sc->words[i].end - sc->words[i].start;
        sc->scratch_at[i] = o;
        memcpy(sc->scratch + o, text + sc->words[i].start, n);
        o += n;
        sc->scratch[o++] = '\n';
    }
    const daleel_analysis *a;
    daleel_status st = daleel_analyze(ch->s->an, sc->scratch, o,
                                      DALEEL_ANALYZE_INDEX, 1, &a);
    if (st != DALEEL_OK)
        return st;
    size_t k = first;
    for (size_t i = 0; i < a->n_tokens; i++) {
        const daleel_token *t = &a->tokens[i];
        int w = token_word(ch->m, a, t);
        if (w < 0)
            continue;
        /* Which word of the scratch: tokens never go backwards. */
        while (k + 1 < last && t->start >= sc->scratch_at[k + 1])
            k++;
        size_t start = sc->words[k].start + (t->start - sc->scratch_at[k]);
        size_t end = sc->words[k].start + (t->end - sc->scratch_at[k]);
        if (mtoks_push(&ch->cur, base + start, base + end, (unsigned)w) != 0)
            return DALEEL_ENOMEM;
    }
    return DALEEL_OK;
}

/* Analyze all of 'len' bytes of 'text' (starting at byte 'base' of its
 * section) and append the matched tokens to ch->cur. */
static daleel_status analyze_all(chooser *ch, const char *text, size_t len,
                                 size_t base)
{
    const daleel_analysis *a;
    daleel_status st = daleel_analyze(ch->s->an, text, len,
                                      DALEEL_ANALYZE_INDEX, 1, &a);
    if (st != DALEEL_OK)
        return st;
    for (size_t i = 0; i < a->n_tokens; i++) {
        int w = token_word(ch->m, a, &a->tokens[i]);
        if (w >= 0 && mtoks_push(&ch->cur, base + a->tokens[i].start,
                                 base + a->tokens[i].end, (unsigned)w) != 0)
            return DALEEL_ENOMEM;
    }
    return DALEEL_OK;
}

/* Find the query words in a short text (a heading, the summary): the
 * matched tokens go to ch->cur. */
static daleel_status match_text(chooser *ch, const char *text, size_t len)
{
    dli_screen_buf *sc = &ch->s->screen;
    daleel_status st = dli_screen(ch->m, sc, text, len);
    if (st != DALEEL_OK)
        return st;
    if (sc->words_all)
        return analyze_all(ch, text, len, 0);
    return sc->n_words ? analyze_words(ch, text, 0, sc->n_words, 0)
                       : DALEEL_OK;
}

/* How many distinct words the tokens in cur[*k ..] before 'end' hold;
 * advances *k past them. */
static unsigned count_words(chooser *ch, size_t *k, size_t end,
                            unsigned *total)
{
    unsigned n = 0;
    ch->gen++;
    *total = 0;
    for (; *k < ch->cur.n && ch->cur.v[*k].start < end; (*k)++) {
        unsigned w = ch->cur.v[*k].word;
        (*total)++;
        if (ch->stamp[w] != ch->gen) {
            ch->stamp[w] = ch->gen;
            n++;
        }
    }
    return n;
}

/* Score the sentences of text[from, to) of section 'section' (its
 * matched tokens are in ch->cur); keep the best.  Returns 1 when a
 * sentence holds every query word (no need to look further). */
static int score_sentences(chooser *ch, size_t section, const char *text,
                           size_t from, size_t to, unsigned heading_words)
{
    size_t k = 0;
    while (k < ch->cur.n && ch->cur.v[k].start < from)
        k++;
    while (from < to && k < ch->cur.n) {
        size_t end = sentence_end(text, to, from);
        unsigned total;
        while (k < ch->cur.n && ch->cur.v[k].start < from)
            k++;
        unsigned words = count_words(ch, &k, end, &total);
        best_passage *b = &ch->best;
        if (words > 0 &&
            (!b->found || words > b->words ||
             (words == b->words && heading_words > b->heading_words) ||
             (words == b->words && heading_words == b->heading_words &&
              total > b->total))) {
            b->found = 1;
            b->section = section;
            b->start = from;
            b->end = end;
            b->words = words;
            b->heading_words = heading_words;
            b->total = total;
            ch->best_here = 1;
        }
        from = end;
    }
    return ch->best.found && ch->best.words >= ch->m->n_want;
}

/* The end of the chunk of whole sentences of about CHUNK_BYTES starting
 * at 'from'. */
static size_t chunk_end(const char *text, size_t len, size_t from)
{
    size_t e = from;
    while (e < len && e - from < CHUNK_BYTES)
        e = sentence_end(text, len, e);
    return e;
}

/* Look through one section's text for the best passage, a chunk of
 * sentences at a time, so that a long section whose first sentences hold
 * every query word is not analyzed to its end.  The chunk after the best
 * sentence is analyzed too: the snippet may run into it. */
static daleel_status scan_section(chooser *ch, size_t section,
                                  const char *text, size_t len,
                                  unsigned heading_words, int *done)
{
    dli_screen_buf *sc = &ch->s->screen;
    ch->cur.n = 0;
    ch->best_here = 0;
    *done = 0;
    /* The pre-screen over the whole section: its words in order, so each
     * chunk takes those that start in it, and the scan ends with the last
     * (the chunks after it cannot match). */
    daleel_status st = dli_screen(ch->m, sc, text, len);
    if (st != DALEEL_OK)
        return st;
    int all = sc->words_all;
    size_t w = 0, n_words = all ? 0 : sc->n_words;
    for (size_t from = 0; from < len && (all || w < n_words);) {
        size_t to = chunk_end(text, len, from);
        size_t w_end = w;
        if (all) {
            st = analyze_all(ch, text + from, to - from, from);
        } else {
            while (w_end < n_words && sc->words[w_end].start < to)
                w_end++;
            if (w_end == w) {
                from = to;
                continue;
            }
            st = analyze_words(ch, text, w, w_end, 0);
            w = w_end;
        }
        if (st != DALEEL_OK)
            return st;
        ch->analyzed += to - from;
        if (score_sentences(ch, section, text, from, to, heading_words) ||
            (ch->best.found && ch->analyzed >= ANALYZE_BUDGET)) {
            /* The chunk after the best sentence too: the snippet may run
             * into it. */
            size_t next = to < len ? chunk_end(text, len, to) : to;
            if (next > to && all) {
                st = analyze_all(ch, text + to, next - to, to);
            } else if (next > to) {
                while (w_end < n_words && sc->words[w_end].start < next)
                    w_end++;
                st = w_end > w ? analyze_words(ch, text, w, w_end, 0)
                               : DALEEL_OK;
            }
            if (st != DALEEL_OK)
                return st;
            *done = 1;
            break;
        }
        from = to;
    }
    if (ch->best_here) {
        /* Keep this section's matched tokens for the marks. */
        ch->best.toks.n = 0;
        for (size_t i = 0; i < ch->cur.n; i++)
            if (mtoks_push(&ch->best.toks, ch->cur.v[i].start, ch->cur.v[i].end,
                           ch->cur.v[i].word) != 0)
                return DALEEL_ENOMEM;
    }
    return DALEEL_OK;
}

/* The window of about SNIPPET_CHARS characters around the sentence
 * [start, end) of 'text', cut at spaces (never inside a UTF-8 sequence),
 * extended with the following sentences while they fit. */
static void window(const char *text, size_t len, size_t start, size_t end,
                   size_t first_match, size_t *ws, size_t *we)
{
    size_t a = start;
    while (a < len && is_space(text[a]))
        a++;
    if (first_match > a &&
        dli_utf8_chars(text + a, first_match - a) > SNIPPET_CHARS - LEAD_CHARS) {
        /* A long sentence with its match late: start a little before the
         * match, at a word boundary. */
        a = back_chars(text, first_match, LEAD_CHARS);
        while (a < first_match && !is_space(text[a]))
            a++;
        while (a < first_match && is_space(text[a]))
            a++;
    }
    size_t limit = fwd_chars(text, len, a, SNIPPET_CHARS);
    size_t b;
    if (limit >= len) {
        b = len;
    } else {
        /* Whole sentences when they fit, else up to the last space. */
        b = 0;
        for (size_t e = end; e <= limit && e > a;) {
            b = e;
            if (e >= len)
                break;
            e = sentence_end(text, len, e);
        }
        if (b <= a || b < end) {
            b = limit;
            while (b > a && !is_space(text[b]))
                b--;
            if (b == a)
                b = limit;
        }
    }
    while (b > a && is_space(text[b - 1]))
        b--;
    *ws = a;
    *we = b;
}

/* ---- Hits ---------------------------------------------------------------- */

void dli_hit_clear(daleel_hit *h)
{
    free(h->slug);
    free(h->title);
    free(h->category);
    free(h->path);
    free(h->summary);
    free(h->translation);
    free(h->section_id);
    free(h->section_heading);
    free(h->snippet);
    free(h->marks);
    memset(h, 0, sizeof *h);
}

/* Set the hit's snippet to text[ws, we) with the marks of 'toks'. */
static daleel_status set_snippet(daleel_hit *h, const char *text, size_t ws,
                                 size_t we, const mtoks *toks)
{
    free(h->snippet);
    h->snippet = malloc(we - ws + 1);
    if (!h->snippet)
        return DALEEL_ENOMEM;
    for (size_t i = ws; i < we; i++) {
        char c = text[i];
        /* Paragraphs are joined by newlines; a snippet is one line.  Same
         * byte count, so the marks stay put. */
        h->snippet[i - ws] = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    }
    h->snippet[we - ws] = '\0';
    size_t n = 0;
    for (size_t i = 0; toks && i < toks->n; i++)
        n += toks->v[i].start >= ws && toks->v[i].end <= we;
    if (n) {
        h->marks = calloc(n, sizeof *h->marks);
        if (!h->marks)
            return DALEEL_ENOMEM;
        for (size_t i = 0; i < toks->n; i++) {
            const mtok *t = &toks->v[i];
            if (t->start >= ws && t->end <= we) {
                h->marks[h->n_marks].start = t->start - ws;
                h->marks[h->n_marks].len = t->end - t->start;
                h->n_marks++;
            }
        }
    }
    return DALEEL_OK;
}

static daleel_status choose_snippet(daleel_searcher *s, const dli_matcher *m,
                                    const dli_docdata *doc, daleel_hit *h)
{
    daleel_status st = DALEEL_ENOMEM;
    chooser ch = {0};
    ch.s = s;
    ch.m = m;
    ch.stamp = calloc(m->n_words ? m->n_words : 1, sizeof *ch.stamp);
    if (!ch.stamp)
        goto out;
    for (size_t i = 0; i < doc->n_sections; i++) {
        const dli_section *sec = &doc->sections[i];
        if (!sec->text_len)
            continue;
        unsigned hw = 0;
        if (sec->heading_len) {
            ch.cur.n = 0;
            st = match_text(&ch, sec->heading, sec->heading_len);
            if (st != DALEEL_OK)
                goto out;
            size_t k = 0;
            unsigned total;
            hw = count_words(&ch, &k, SIZE_MAX, &total);
        }
        int done;
        st = scan_section(&ch, i, sec->text, sec->text_len, hw, &done);
        if (st != DALEEL_OK)
            goto out;
        if (done)
            break;
    }
    const char *text;
    size_t len;
    st = DALEEL_ENOMEM;
    if (ch.best.found) {
        const dli_section *sec = &doc->sections[ch.best.section];
        text = sec->text;
        len = sec->text_len;
        free(h->section_id);
        free(h->section_heading);
        h->section_id = strdup(sec->id);
        h->section_heading = strdup(sec->heading);
        if (!h->section_id || !h->section_heading)
            goto out;
    } else {
        /* No query word in the body (a title match): the summary, with
         * whatever it matches marked. */
        text = doc->summary;
        len = doc->summary_len;
        if (!len) {
            st = DALEEL_OK;
            goto out;
        }
        ch.cur.n = 0;
        st = match_text(&ch, text, len);
        if (st != DALEEL_OK)
            goto out;
        st = DALEEL_ENOMEM;
        ch.best.toks.n = 0;
        for (size_t i = 0; i < ch.cur.n; i++)
            if (mtoks_push(&ch.best.toks, ch.cur.v[i].start, ch.cur.v[i].end,
                           ch.cur.v[i].word) != 0)
                goto out;
        ch.best.start = 0;
        ch.best.end = sentence_end(text, len, 0);
    }
    size_t first_match = ch.best.end;
    for (size_t i = 0; i < ch.best.toks.n; i++)
        if (ch.best.toks.v[i].start >= ch.best.start) {
            first_match = ch.best.toks.v[i].start;
            break;
        }
    size_t ws, we;
    window(text, len, ch.best.start, ch.best.end, first_match, &ws, &we);
    st = set_snippet(h, text, ws, we, &ch.best.toks);
out:
    free(ch.stamp);
    free(ch.cur.v);
    free(ch.best.toks.v);
    return st;
}

/* Fill 'h' from parsed document fields 'd' (and choose its snippet with
 * 'm'); frees what 'd' holds. */
static daleel_status hit_from_doc(daleel_searcher *s, dli_docdata *d,
                                  const dli_matcher *m, daleel_hit *h)
{
    daleel_status st = DALEEL_ENOMEM;
    h->slug = strdup(d->slug);
    h->title = strdup(d->title);
    h->category = strdup(d->category);
    h->path = strdup(d->path);
    h->summary = strdup(d->summary);
    h->section_id = strdup("");
    h->section_heading = strdup("");
    h->snippet = strdup("");
    if (!h->slug || !h->title || !h->category || !h->path || !h->summary ||
        !h->section_id || !h->section_heading || !h->snippet)
        goto out;
    h->lang = daleel_lang_from_code(d->lang);
    h->updated = (int64_t)d->updated;
    h->internal = strcmp(d->audience, "internal") == 0;
    if (d->translation[0] && !(h->translation = strdup(d->translation)))
        goto out;
    st = m ? choose_snippet(s, m, d, h) : DALEEL_OK;
out:
    dli_docdata_clear(d);
    if (st != DALEEL_OK) {
        dli_hit_clear(h);
        if (st == DALEEL_ENOMEM)
            dli_search_err(s, st, "out of memory");
    }
    return st;
}

daleel_status dli_hit_from_data(daleel_searcher *s, char *data, size_t len,
                                const dli_matcher *m, daleel_hit *h)
{
    dli_docdata d;
    memset(h, 0, sizeof *h);
    daleel_status st = dli_docdata_parse(data, len, m != NULL, &d);
    if (st != DALEEL_OK)
        return dli_search_err(s, st, st == DALEEL_ENOMEM
                                         ? "out of memory"
                                         : "document data is not a JSON object");
    return hit_from_doc(s, &d, m, h);
}

daleel_status dli_hit_from_docid(daleel_searcher *s, unsigned docid,
                                 const dli_matcher *m, daleel_hit *h)
{
    char *data = NULL;
    size_t len = 0;
    memset(h, 0, sizeof *h);
    /* The hit record first (an index made before it existed has none):
     * no inflating, no JSON. */
    daleel_status st = daleel_index_get_value(s->idx, docid, DALEEL_SLOT_HIT,
                                              &data, &len);
    if (st != DALEEL_OK)
        return dli_search_index_err(s, st);
    if (len) {
        dli_docdata d;
        st = dli_docrec_parse(data, len, m != NULL, &d);
        if (st == DALEEL_OK)
            st = hit_from_doc(s, &d, m, h);
        else
            dli_search_err(s, st, st == DALEEL_ENOMEM ? "out of memory"
                                                     : "bad hit record");
        free(data);
        return st;
    }
    free(data);
    data = NULL;
    st = daleel_index_get_data(s->idx, docid, &data, &len);
    if (st != DALEEL_OK)
        return dli_search_index_err(s, st);
    st = dli_hit_from_data(s, data, len, m, h);
    free(data);
    return st;
}

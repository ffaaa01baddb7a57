/* search_screen.c: the snippets' pre-screen.  Choosing a snippet means
 * finding the query's words in a hit's text, and the analyzer is the only
 * judge of what a word's terms are; but it costs about 230 instructions a
 * byte, and a hit's text is mostly words the query does not have.  So the
 * text is first folded (ASCII lower-cased; Arabic without marks, tatweel
 * and invisible joiners, the letters the analyzer or Snowball may
 * exchange, alef and hamza forms, waw and ya, ta marbuta and ha, put in one
 * class each; Arabic-Indic digits as ASCII) and searched for the query's
 * terms folded the same way and cut short by a letter (an English stem
 * may end otherwise than its word: happy, Zhappi).  Only the words
 * (between ASCII white space) holding such a needle are analyzed.  A word
 * the fold cannot judge (characters that NFKC rewrites: ligatures,
 * presentation forms, combining marks after Latin letters, fullwidth) is
 * analyzed too, and a query term with letters outside ASCII and Arabic
 * turns the screen off.  The screen only ever skips words that cannot
 * match, so the snippet is the one full analysis would choose.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search_int.h"

/* What the fold makes of one code point. */
enum {
    F_SKIP,      /* nothing: a mark, tatweel, an invisible format character */
    F_BYTE,      /* one byte ('b') */
    F_CP,        /* the code point 'cp' as UTF-8 */
    F_OTHER,     /* a character no needle holds */
    F_UNSURE     /* the analyzer may make a letter of it: analyze its word */
};

#define AR_ALEF 0x0627u   /* the alef, hamza, waw and ya class */
#define AR_HA 0x0647u     /* the ta marbuta and ha class */

/* Decode one code point of 'len' > 0 bytes at 's'; '*n' gets its length.
 * An invalid sequence is one byte, returned as 0xFFFFFFFF. */
static uint32_t decode(const unsigned char *s, size_t len, size_t *n)
{
    uint32_t c = s[0];
    if (c < 0x80) {
        *n = 1;
        return c;
    }
    size_t more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more == 0 || more >= len || c > 0xF4) {
        *n = 1;
        return 0xFFFFFFFFu;
    }
    c &= 0x3Fu >> more;
    for (size_t i = 1; i <= more; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *n = 1;
            return 0xFFFFFFFFu;
        }
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    *n = more + 1;
    return c;
}

static int in(uint32_t c, uint32_t lo, uint32_t hi)
{
    return c >= lo && c <= hi;
}

/* The fold of code point 'c' (docs/analysis.md sections 2 and 4 list what
 * the analyzer folds; the classes here are wider, never narrower). */
static int fold_cp(uint32_t c, unsigned char *b, uint32_t *cp)
{
    if (c < 0x80) {
        *b = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        return F_BYTE;
    }
    if (in(c, 0x0600, 0x06FF) || in(c, 0x0750, 0x077F) ||
        in(c, 0x0870, 0x08FF)) {
        if (in(c, 0x064B, 0x065F) || c == 0x0670 || in(c, 0x0610, 0x061A) ||
            in(c, 0x06D6, 0x06DC) || in(c, 0x06DF, 0x06E8) ||
            in(c, 0x06EA, 0x06ED) || c == 0x0640 || c == 0x061C ||
            in(c, 0x0898, 0x089F) || in(c, 0x08CA, 0x08E1) ||
            in(c, 0x08E3, 0x08FF))
            return F_SKIP;
        if (in(c, 0x0660, 0x0669) || in(c, 0x06F0, 0x06F9)) {
            *b = (unsigned char)('0' + (c & 0xF));
            return F_BYTE;
        }
        switch (c) {
        case 0x066A:
            *b = '%';
            return F_BYTE;
        case 0x066B:
            *b = '.';
            return F_BYTE;
        case 0x066C:
            *b = ',';
            return F_BYTE;
        case 0x0621: case 0x0622: case 0x0623: case 0x0624: case 0x0625:
        case 0x0626: case 0x0627: case 0x0648: case 0x0649: case 0x064A:
        case 0x0671: case 0x0672: case 0x0673: case 0x0675: case 0x06CC:
        case 0x06D2: case 0x06D3:
            *cp = AR_ALEF;
            return F_CP;
        case 0x0629: case 0x0647: case 0x06BE: case 0x06C0: case 0x06C1:
        case 0x06C2: case 0x06C3: case 0x06D5:
            *cp = AR_HA;
            return F_CP;
        case 0x06A9:
            *cp = 0x0643;   /* keheh -> kaf */
            return F_CP;
        default:
            *cp = c;
            return F_CP;
        }
    }
    /* Invisible characters the analyzer deletes, joining their sides. */
    if (c == 0x00AD || in(c, 0x200B, 0x200F) || in(c, 0x202A, 0x202E) ||
        c == 0x2060 || in(c, 0x2066, 0x2069) || c == 0xFEFF ||
        in(c, 0xFE70, 0xFE7F))
        return F_SKIP;
    if (c == 0x2018 || c == 0x2019) {
        *b = '\'';
        return F_BYTE;
    }
    if (c == 0x0130) {      /* İ lower-cases to i */
        *b = 'i';
        return F_BYTE;
    }
    /* What NFKC or the lower-casing may turn into ASCII or Arabic letters,
     * digits or joiners. */
    if (in(c, 0xFB00, 0xFDFF) || in(c, 0xFE80, 0xFEFC) ||
        in(c, 0xFF00, 0xFFEF) || in(c, 0x0300, 0x036F) ||
        in(c, 0x2070, 0x209F) || in(c, 0x2100, 0x24FF) ||
        in(c, 0x3200, 0x33FF) || in(c, 0x1D400, 0x1D7FF) ||
        in(c, 0x2024, 0x2026) || in(c, 0x02B0, 0x02B8) || c == 0x00AA ||
        c == 0x00B2 || c == 0x00B3 || c == 0x00B5 || c == 0x00B9 ||
        c == 0x00BA || in(c, 0x00BC, 0x00BE) || c == 0x0132 || c == 0x0133 ||
        c == 0x013F || c == 0x0140 || c == 0x0149 || c == 0x017F ||
        in(c, 0x01C4, 0x01CC) || in(c, 0x01F1, 0x01F3) || c == 0x1E9B ||
        c == 0x212A || c == 0x212B)
        return F_UNSURE;
    return F_OTHER;
}

static size_t put_utf8(uint32_t c, unsigned char *o)
{
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    o[0] = (unsigned char)(0xE0 | (c >> 12));
    o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (c & 0x3F));
    return 3;
}

size_t dli_fold_needle(const char *t, size_t len, char *out, size_t cap,
                       int *unscreenable)
{
    const unsigned char *s = (const unsigned char *)t;
    size_t o = 0, chars = 0, last = 0;
    *unscreenable = 0;
    for (size_t i = 0; i < len;) {
        size_t n;
        uint32_t c = decode(s + i, len - i, &n);
        i += n;
        unsigned char b;
        uint32_t cp;
        unsigned char tmp[4];
        size_t k = 0;
        switch (fold_cp(c, &b, &cp)) {
        case F_SKIP:
            continue;
        case F_BYTE:
            tmp[k++] = b;
            break;
        case F_CP:
            k = put_utf8(cp, tmp);
            break;
        default:
            /* A letter the fold keeps no class for: the text's forms of
             * it are not known here. */
            *unscreenable = 1;
            return 0;
        }
        if (o + k >= cap) {
            *unscreenable = 1;
            return 0;
        }
        last = o;
        memcpy(out + o, tmp, k);
        o += k;
        chars++;
    }
    /* An English stem may end otherwise than the word (happy: happi; use:
     * using; argue: argu), an Arabic one with a letter Snowball changed:
     * the last letter is left out of long needles and of those ending in a
     * vowel the stemmer may have added or kept. */
    if (chars > 4 || (chars >= 3 && o == last + 1 &&
                      (out[last] == 'e' || out[last] == 'i' ||
                       out[last] == 'y')))
        o = last;
    if (o == 0)
        *unscreenable = 1;
    out[o] = '\0';
    return o;
}

/* Fold text[0, len) into sc->fold, with the text offset of each folded
 * byte in sc->at; the offsets of characters the fold cannot judge go to
 * sc->unsure. */
static daleel_status fold_text(dli_screen_buf *sc, const char *text,
                               size_t len)
{
    if (len + 1 > sc->cap) {
        size_t cap = sc->cap ? sc->cap : 1024;
        while (cap < len + 1)
            cap *= 2;
        char *f = realloc(sc->fold, cap);
        if (!f)
            return DALEEL_ENOMEM;
        sc->fold = f;
        uint32_t *at = realloc(sc->at, cap * sizeof *at);
        if (!at)
            return DALEEL_ENOMEM;
        sc->at = at;
        sc->cap = cap;
    }
    const unsigned char *s = (const unsigned char *)text;
    size_t o = 0, i = 0;
    sc->n_unsure = 0;
    /* ASCII (most English text) folds byte for byte: the offsets are
     * written once something is not ASCII. */
    while (i + 8 <= len) {
        /* Eight bytes at a time while they are ASCII: a byte from 'A' to
         * 'Z' gets 0x20 (each lane's sum stays below 0x100). */
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080u)
            break;
        uint64_t ge_a = w + 0x3F3F3F3F3F3F3F3Fu;    /* 0x80 - 'A' */
        uint64_t gt_z = w + 0x2525252525252525u;    /* 0x80 - 'Z' - 1 */
        w |= ((ge_a ^ gt_z) & 0x8080808080808080u) >> 2;
        memcpy(sc->fold + i, &w, 8);
        i += 8;
    }
    while (i < len && s[i] < 0x80) {
        unsigned char c = s[i];
        sc->fold[i++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    o = i;
    sc->identity = i == len;
    if (sc->identity) {
        sc->fold[o] = '\0';
        sc->len = o;
        return DALEEL_OK;
    }
    for (size_t k = 0; k < o; k++)
        sc->at[k] = (uint32_t)k;
    while (i < len) {
        if (s[i] < 0x80) {
            /* The common case, inline. */
            unsigned char c = s[i];
            sc->fold[o] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            sc->at[o++] = (uint32_t)i++;
            continue;
        }
        size_t n;
        uint32_t c = decode(s + i, len - i, &n);
        unsigned char b, tmp[4];
        uint32_t cp;
        switch (fold_cp(c, &b, &cp)) {
        case F_SKIP:
            break;
        case F_BYTE:
            sc->fold[o] = (char)b;
            sc->at[o++] = (uint32_t)i;
            break;
        case F_CP: {
            /* Arabic letters are two bytes and fold to two bytes. */
            size_t k = put_utf8(cp, tmp);
            for (size_t j = 0; j < k && o < sc->cap - 1; j++) {
                sc->fold[o] = (char)tmp[j];
                sc->at[o++] = (uint32_t)i;
            }
            break;
        }
        case F_UNSURE:
            if (sc->n_unsure < DLI_SCREEN_UNSURE)
                sc->unsure[sc->n_unsure++] = i;
            else
                sc->unsure_overflow = 1;
            /* fall through */
        default:
            sc->fold[o] = (char)0xFF;   /* in no needle */
            sc->at[o++] = (uint32_t)i;
            break;
        }
        i += n;
    }
    sc->fold[o] = '\0';
    sc->len = o;
    return DALEEL_OK;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
           c == '\v';
}

static daleel_status push_word(dli_screen_buf *sc, const char *text,
                               size_t len, size_t at)
{
    size_t a = at, b = at;
    while (a > 0 && !is_ws(text[a - 1]))
        a--;
    while (b < len && !is_ws(text[b]))
        b++;
    /* Hits come in text order per needle: the same word as the last one
     * is common (several needles, or one twice in a word). */
    if (sc->n_words && sc->words[sc->n_words - 1].start == a)
        return DALEEL_OK;
    if (sc->n_words == sc->cap_words) {
        size_t cap = sc->cap_words ? 2 * sc->cap_words : 32;
        dli_range *v = realloc(sc->words, cap * sizeof *v);
        if (!v)
            return DALEEL_ENOMEM;
        sc->words = v;
        sc->cap_words = cap;
    }
    sc->words[sc->n_words].start = a;
    sc->words[sc->n_words].end = b;
    sc->n_words++;
    return DALEEL_OK;
}

static int cmp_range(const void *x, const void *y)
{
    const dli_range *a = x, *b = y;
    return (a->start > b->start) - (a->start < b->start);
}

daleel_status dli_screen(const dli_matcher *m, dli_screen_buf *sc,
                         const char *text, size_t len)
{
    sc->n_words = 0;
    sc->unsure_overflow = 0;
    if (len == 0)
        return DALEEL_OK;
    if (m->no_screen) {
        sc->words_all = 1;
        return DALEEL_OK;
    }
    sc->words_all = 0;
    daleel_status st = fold_text(sc, text, len);
    if (st != DALEEL_OK)
        return st;
    if (sc->unsure_overflow) {
        sc->words_all = 1;
        return DALEEL_OK;
    }
    for (size_t k = 0; k < sc->n_unsure; k++)
        if ((st = push_word(sc, text, len, sc->unsure[k])) != DALEEL_OK)
            return st;
    for (size_t k = 0; k < m->n_needles; k++) {
        const struct dli_needle *nd = &m->needles[k];
        const char *p = sc->fold, *end = sc->fold + sc->len;
        while ((size_t)(end - p) >= nd->len &&
               (p = memmem(p, (size_t)(end - p), nd->text, nd->len)) != NULL) {
            size_t at = sc->identity ? (size_t)(p - sc->fold)
                                     : sc->at[p - sc->fold];
            if ((st = push_word(sc, text, len, at)) != DALEEL_OK)
                return st;
            /* On to the next word: a word is analyzed once. */
            const dli_range *w = &sc->words[sc->n_words - 1];
            if (sc->identity)
                p = sc->fold + w->end;
            else
                while (p < end && sc->at[p - sc->fold] < w->end)
                    p++;
        }
    }
    if (sc->n_words > 1) {
        qsort(sc->words, sc->n_words, sizeof *sc->words, cmp_range);
        size_t o = 0;
        for (size_t i = 1; i < sc->n_words; i++) {
            if (sc->words[i].start < sc->words[o].end) {
                if (sc->words[i].end > sc->words[o].end)
                    sc->words[o].end = sc->words[i].end;
            } else {
                sc->words[++o] = sc->words[i];
            }
        }
        sc->n_words = o + 1;
    }
    return DALEEL_OK;
}

void dli_screen_buf_free(dli_screen_buf *sc)
{
    free(sc->fold);
    free(sc->at);
    free(sc->words);
    free(sc->scratch);
    free(sc->scratch_at);
    memset(sc, 0, sizeof *sc);
}

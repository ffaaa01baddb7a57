/* lang.c: language codes and the whole-text language guess.  Part of the
 * text module (text.h); kept apart from the analyzer pipeline because it
 * only counts letters.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <strings.h>

#include "daleel/text.h"

const char *daleel_lang_code(daleel_lang lang)
{
    switch (lang) {
    case DALEEL_LANG_EN: return "en";
    case DALEEL_LANG_AR: return "ar";
    case DALEEL_LANG_NONE: break;
    }
    return "";
}

daleel_lang daleel_lang_from_code(const char *code)
{
    if (!code)
        return DALEEL_LANG_NONE;
    if (strcasecmp(code, "ar") == 0)
        return DALEEL_LANG_AR;
    if (strcasecmp(code, "en") == 0)
        return DALEEL_LANG_EN;
    return DALEEL_LANG_NONE;
}

/* Decode one UTF-8 sequence at s[*i] (len bytes in all); return the code
 * point, or 0xFFFD for an invalid byte (consumed alone). */
static uint32_t next_cp(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[*i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
             : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || *i + n > len) {
        (*i)++;
        return 0xFFFD;
    }
    uint32_t cp = n == 1 ? c : (uint32_t)(c & (0x7F >> n));
    for (size_t k = 1; k < n; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    *i += n;
    return cp;
}

static int is_alnum_ascii(uint32_t c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
}

/* Arabic: a text is Arabic when at least a quarter of its prose letters
 * are Arabic.  Arabic help pages are full of Latin command and product
 * names, so a majority rule would call many of them English.  Code is not
 * prose: spans between backticks are skipped, and so are the Latin letters
 * of a word that looks like a code compound (text.h's rules: a connector
 * . - _ / between letters or digits, a leading - or --, a trailing + or #
 * after a letter: node.js, git-commit, --force, c++). */
daleel_lang daleel_guess_lang(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t arabic = 0, latin = 0, i = 0;
    size_t word_latin = 0;      /* Latin letters of the current word */
    int word_code = 0, in_code = 0;
    uint32_t prev = ' ';
    while (i < len) {
        unsigned c = s[i];
        uint32_t cp;
        /* Fast paths for ASCII and the two-byte Arabic block. */
        if (c < 0x80) {
            cp = c;
            i++;
        } else if (c >= 0xD8 && c <= 0xDB && i + 1 < len &&
                   (s[i + 1] & 0xC0) == 0x80) {
            cp = ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
            i += 2;
        } else {
            cp = next_cp(s, len, &i);
        }
        if (cp == '`' || cp <= 0x20 || cp == 0xA0) {
            if (!word_code)
                latin += word_latin;
            word_latin = 0;
            word_code = 0;
            prev = ' ';
            if (cp == '`')
                in_code = !in_code;
            continue;
        }
        if (in_code)
            continue;
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
            word_latin++;
        } else if ((cp >= 0x0621 && cp <= 0x064A) ||
                   (cp >= 0x066E && cp <= 0x06D3) ||
                   (cp >= 0x0750 && cp <= 0x077F) ||
                   (cp >= 0xFB50 && cp <= 0xFEFC)) {
            arabic++;
        } else if (cp == '.' || cp == '-' || cp == '_' || cp == '/') {
            uint32_t next = i < len ? s[i] : ' ';
            if ((is_alnum_ascii(prev) || (cp == '-' && (prev == ' ' ||
                 prev == '-'))) && (is_alnum_ascii(next) || next == '-'))
                word_code = 1;
        } else if ((cp == '+' || cp == '#') &&
                   ((prev | 0x20) >= 'a' && (prev | 0x20) <= 'z')) {
            word_code = 1;
        }
        prev = cp;
    }
    if (!word_code)
        latin += word_latin;
    if (arabic && arabic * 4 >= arabic + latin)
        return DALEEL_LANG_AR;
    if (latin || arabic)
        return latin ? DALEEL_LANG_EN : DALEEL_LANG_AR;
    return DALEEL_LANG_NONE;
}

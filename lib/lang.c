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

/* Arabic: a text is Arabic when at least a quarter of its prose letters
 * are Arabic.  Arabic help pages are full of Latin command and product
 * names, so a majority rule would call many of them English; code spans
 * (between backticks) are not prose and are skipped. */
daleel_lang daleel_guess_lang(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t arabic = 0, latin = 0, i = 0;
    int in_code = 0;
    while (i < len) {
        uint32_t cp = next_cp(s, len, &i);
        if (cp == '`') {
            in_code = !in_code;
            continue;
        }
        if (in_code)
            continue;
        if ((cp >= 0x0621 && cp <= 0x064A) || (cp >= 0x066E && cp <= 0x06D3) ||
            (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0xFB50 && cp <= 0xFEFC))
            arabic++;
        else if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            latin++;
    }
    if (arabic && arabic * 4 >= arabic + latin)
        return DALEEL_LANG_AR;
    if (latin || arabic)
        return latin ? DALEEL_LANG_EN : DALEEL_LANG_AR;
    return DALEEL_LANG_NONE;
}

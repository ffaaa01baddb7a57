/* feedback_scrub.c: removing personal data from what readers type before
 * it is stored (daleel_scrub_pii(), see feedback.h for the rules).  Three
 * passes over the text: make it valid, printable UTF-8; replace e-mail
 * addresses; replace long digit runs.  Each pass works on the output of the
 * one before, so "[email]" is never looked at as digits.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/buf.h"
#include "feedback_int.h"

/* Scrubbing never needs more than this (inputs are capped far below). */
#define SCRUB_MAX (64u << 20)

/* Decode one UTF-8 character at 's' (at most 'n' bytes).  Returns its
 * length and sets '*cp', or returns 0 for an invalid sequence: overlong
 * forms, surrogates and code points past U+10FFFF are invalid (RFC 3629
 * section 3). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2; c = s[0] & 0x1f; min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3; c = s[0] & 0x0f; min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4; c = s[0] & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Pass 1: invalid bytes become U+FFFD, C0 and C1 controls and DEL become
 * a space (a stored query or comment is shown in HTML, CSV and terminals,
 * where controls do harm). */
static daleel_status sanitize(const char *text, size_t len, daleel_buf *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            daleel_buf_append(out, "\xef\xbf\xbd", 3);
            i++;
        } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            daleel_buf_putc(out, ' ');
            i += n;
        } else {
            daleel_buf_append(out, text + i, n);
            i += n;
        }
    }
    return out->err;
}

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 5322's dot-atom is wider; these are the characters real addresses
 * use, and a wider set would only eat neighbouring punctuation. */
static int is_local(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-';
}

/* The end of a domain name starting at s[i]: labels of letters, digits and
 * '-' joined by dots, at least two labels, the last one (the top-level
 * domain) of two or more letters.  Returns 0 when there is none. */
static size_t domain_end(const unsigned char *s, size_t n, size_t i)
{
    size_t end = 0, labels = 0;
    while (i < n && (is_alnum(s[i]) || s[i] == '-')) {
        size_t start = i, alpha = 1;
        while (i < n && (is_alnum(s[i]) || s[i] == '-')) {
            if (!is_alpha(s[i]))
                alpha = 0;
            i++;
        }
        labels++;
        if (labels >= 2 && alpha && i - start >= 2)
            end = i;
        if (i + 1 < n && s[i] == '.' && (is_alnum(s[i + 1]) || s[i + 1] == '-'))
            i++;
        else
            break;
    }
    return end;
}

/* Pass 2: e-mail addresses. */
static daleel_status scrub_email(const char *text, size_t len,
                                 const char *repl, daleel_buf *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t copied = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '@')
            continue;
        size_t start = i;
        while (start > copied && is_local(s[start - 1]))
            start--;
        if (start == i)
            continue;
        size_t end = domain_end(s, len, i + 1);
        if (!end)
            continue;
        daleel_buf_append(out, text + copied, start - copied);
        daleel_buf_puts(out, repl);
        copied = end;
        i = end - 1;
    }
    daleel_buf_append(out, text + copied, len - copied);
    return out->err;
}

static int is_digit(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0x660 && c <= 0x669) ||
           (c >= 0x6f0 && c <= 0x6f9);
}

/* What may sit between the digit groups of a phone or card number. */
static int is_sep(uint32_t c)
{
    return c == ' ' || c == 0xa0 || c == '-' || c == '.' || c == '(' ||
           c == ')';
}

/* A digit glued to one of these is part of a code (KB5034441,
 * 0x80070005, build_20240115), which readers search for. */
static int is_glue(uint32_t c)
{
    return (c < 0x80 && is_alpha((unsigned char)c)) || c == '_';
}

/* An ISO 8601 date, dddd-dd-dd, at cps[i], not followed by another digit. */
static int is_date(const uint32_t *cps, size_t n, size_t i)
{
    if (i + 10 > n || (i + 10 < n && is_digit(cps[i + 10])))
        return 0;
    for (size_t k = 0; k < 10; k++) {
        if (k == 4 || k == 7) {
            if (cps[i + k] != '-')
                return 0;
        } else if (!is_digit(cps[i + k])) {
            return 0;
        }
    }
    return 1;
}

/* Pass 3: runs of 7 or more digits (see feedback.h).  The text is valid
 * UTF-8 by now, so it is decoded once into code points and byte offsets. */
static daleel_status scrub_numbers(const char *text, size_t len,
                                   const char *repl, daleel_buf *out)
{
    const unsigned char *s = (const unsigned char *)text;
    uint32_t *cps = malloc((len + 1) * sizeof *cps);
    size_t *offs = malloc((len + 1) * sizeof *offs);
    size_t n = 0;

    if (!cps || !offs) {
        free(cps);
        free(offs);
        return out->err = DALEEL_ENOMEM;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0xfffd;
        size_t k = utf8_decode(s + i, len - i, &cp);
        offs[n] = i;
        cps[n++] = cp;
        i += k ? k : 1;
    }
    offs[n] = len;

    size_t copied = 0;  /* byte offset copied to 'out' so far */
    size_t i = 0;
    while (i < n) {
        if (!is_digit(cps[i])) {
            i++;
            continue;
        }
        if (i > 0 && is_glue(cps[i - 1])) {
            while (i < n && is_digit(cps[i]))
                i++;
            continue;
        }
        if (is_date(cps, n, i)) {
            i += 10;
            continue;
        }
        size_t j = i, n_digits = 0, end = i;
        int has_sep = 0;
        for (;;) {
            while (j < n && is_digit(cps[j])) {
                n_digits++;
                j++;
            }
            end = j;
            size_t k = j;
            while (k < n && k - j < 2 && is_sep(cps[k]))
                k++;
            if (k > j && k < n && is_digit(cps[k])) {
                has_sep = 1;
                j = k;
                continue;
            }
            break;
        }
        int glued_after = end < n && is_glue(cps[end]) && !has_sep;
        if (n_digits >= 7 && !glued_after) {
            size_t start = i;
            if (start > 0 && cps[start - 1] == '(')
                start--;
            if (start > 0 && cps[start - 1] == '+')
                start--;
            if (offs[start] < copied)   /* never reach back into output */
                start = i;
            daleel_buf_append(out, text + copied, offs[start] - copied);
            daleel_buf_puts(out, repl);
            copied = offs[end];
        }
        i = end;
    }
    daleel_buf_append(out, text + copied, len - copied);
    free(cps);
    free(offs);
    return out->err;
}

daleel_status dli_scrub(const char *text, size_t len, const char *email_repl,
                        const char *number_repl, char **out)
{
    daleel_buf a, b;
    daleel_status st;

    *out = NULL;
    daleel_buf_init(&a, SCRUB_MAX);
    daleel_buf_init(&b, SCRUB_MAX);
    /* Start every buffer non-empty so that steal() never sees "nothing
     * appended" for an empty input. */
    daleel_buf_append(&a, "", 0);
    daleel_buf_append(&b, "", 0);
    if ((st = sanitize(text, len, &a)) != DALEEL_OK)
        goto out;
    if ((st = scrub_email(a.data ? a.data : "", a.len, email_repl, &b)) !=
        DALEEL_OK)
        goto out;
    daleel_buf_reset(&a);
    if ((st = scrub_numbers(b.data ? b.data : "", b.len, number_repl, &a)) !=
        DALEEL_OK)
        goto out;
    if (!a.data) {
        *out = strdup("");
        st = *out ? DALEEL_OK : DALEEL_ENOMEM;
        goto out;
    }
    *out = daleel_buf_steal(&a, NULL);
    st = *out ? DALEEL_OK : DALEEL_ENOMEM;
out:
    daleel_buf_free(&a);
    daleel_buf_free(&b);
    return st;
}

daleel_status daleel_scrub_pii(const char *text, size_t len, char **out)
{
    return dli_scrub(text, len, "[email]", "[number]", out);
}

void dli_utf8_truncate(char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return;
    /* Step back over continuation bytes to the start of a character. */
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    s[max] = '\0';
}

/* crypto.c: SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104), constant-time
 * comparison, hex and base64url, kernel random bytes and signed tokens
 * (see crypto.h).  Written from the standards because Daleel's allowed
 * Debian packages include no crypto library; the unit test checks the
 * NIST and RFC 4231 vectors.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "daleel/crypto.h"

/* ---- SHA-256 ----------------------------------------------------------- */

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* FIPS 180-4 6.2.2: process one 512-bit block. */
static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[t] + w[t];
        uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void daleel_sha256_init(daleel_sha256_ctx *c)
{
    /* FIPS 180-4 5.3.3: the initial hash value. */
    static const uint32_t h0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    memcpy(c->h, h0, sizeof h0);
    c->n_bytes = 0;
    c->used = 0;
}

void daleel_sha256_update(daleel_sha256_ctx *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->n_bytes += len;
    if (c->used) {
        size_t take = DALEEL_SHA256_BLOCK - c->used;
        if (take > len)
            take = len;
        memcpy(c->block + c->used, p, take);
        c->used += take;
        p += take;
        len -= take;
        if (c->used < DALEEL_SHA256_BLOCK)
            return;
        sha256_block(c->h, c->block);
        c->used = 0;
    }
    for (; len >= DALEEL_SHA256_BLOCK; p += DALEEL_SHA256_BLOCK,
                                       len -= DALEEL_SHA256_BLOCK)
        sha256_block(c->h, p);
    memcpy(c->block, p, len);
    c->used = len;
}

void daleel_sha256_final(daleel_sha256_ctx *c,
                         unsigned char out[DALEEL_SHA256_LEN])
{
    /* FIPS 180-4 5.1.1: a 1 bit, zeros, then the length in bits as a
     * 64-bit big-endian number, ending on a block boundary. */
    uint64_t bits = c->n_bytes * 8;
    c->block[c->used++] = 0x80;
    if (c->used > DALEEL_SHA256_BLOCK - 8) {
        memset(c->block + c->used, 0, DALEEL_SHA256_BLOCK - c->used);
        sha256_block(c->h, c->block);
        c->used = 0;
    }
    memset(c->block + c->used, 0, DALEEL_SHA256_BLOCK - 8 - c->used);
    for (int i = 0; i < 8; i++)
        c->block[DALEEL_SHA256_BLOCK - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha256_block(c->h, c->block);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
    /* The context held key material when used for HMAC. */
    memset(c, 0, sizeof *c);
}

void daleel_sha256(const void *data, size_t len,
                   unsigned char out[DALEEL_SHA256_LEN])
{
    daleel_sha256_ctx c;
    daleel_sha256_init(&c);
    daleel_sha256_update(&c, data, len);
    daleel_sha256_final(&c, out);
}

/* ---- HMAC -------------------------------------------------------------- */

void daleel_hmac_sha256(const void *key, size_t key_len, const void *msg,
                        size_t msg_len, unsigned char out[DALEEL_SHA256_LEN])
{
    /* RFC 2104 section 2: H(K ^ opad, H(K ^ ipad, text)), with K padded
     * with zeros to the block size, or hashed first when longer. */
    unsigned char k[DALEEL_SHA256_BLOCK] = {0};
    unsigned char pad[DALEEL_SHA256_BLOCK];
    unsigned char inner[DALEEL_SHA256_LEN];
    daleel_sha256_ctx c;

    if (key_len > DALEEL_SHA256_BLOCK)
        daleel_sha256(key, key_len, k);
    else if (key_len)
        memcpy(k, key, key_len);

    for (int i = 0; i < DALEEL_SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    daleel_sha256_init(&c);
    daleel_sha256_update(&c, pad, sizeof pad);
    daleel_sha256_update(&c, msg, msg_len);
    daleel_sha256_final(&c, inner);

    for (int i = 0; i < DALEEL_SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    daleel_sha256_init(&c);
    daleel_sha256_update(&c, pad, sizeof pad);
    daleel_sha256_update(&c, inner, sizeof inner);
    daleel_sha256_final(&c, out);

    memset(k, 0, sizeof k);
    memset(pad, 0, sizeof pad);
}

/* ---- Comparison and codings -------------------------------------------- */

int daleel_ct_equal(const void *a, const void *b, size_t len)
{
    /* Accumulate the differences instead of returning at the first one;
     * the volatile read stops the compiler from short-circuiting. */
    const volatile unsigned char *x = a, *y = b;
    unsigned char d = 0;
    for (size_t i = 0; i < len; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}

void daleel_hex(const void *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = in;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t daleel_base64url_encode(const void *in, size_t len, char *out,
                               size_t cap)
{
    const unsigned char *p = in;
    size_t need = len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
    if (cap == 0)
        return 0;
    if (need + 1 > cap) {
        out[0] = '\0';
        return 0;
    }
    size_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    out[o] = '\0';
    return o;
}

static int b64url_value(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '-')
        return 62;
    if (ch == '_')
        return 63;
    return -1;
}

daleel_status daleel_base64url_decode(const char *in, size_t len, void *out,
                                      size_t cap, size_t *out_len)
{
    unsigned char *o = out;
    size_t n = 0;
    uint32_t acc = 0;
    unsigned bits = 0;

    *out_len = 0;
    if (len % 4 == 1)
        return DALEEL_EPARSE;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value((unsigned char)in[i]);
        if (v < 0)
            return DALEEL_EPARSE;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == cap)
                return DALEEL_ETOOBIG;
            o[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* RFC 4648 3.5: the unused low bits of the last character must be zero
     * for the encoding to be canonical. */
    if (acc != 0)
        return DALEEL_EPARSE;
    *out_len = n;
    return DALEEL_OK;
}

daleel_status daleel_random_bytes(void *out, size_t len)
{
    unsigned char *p = out;
    while (len) {
        /* getrandom() blocks only until the pool is initialized at boot,
         * and never returns fewer than 256 bytes unless interrupted. */
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return DALEEL_EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return DALEEL_OK;
}

/* ---- Tokens ------------------------------------------------------------ */

daleel_status daleel_token_make(const void *key, size_t key_len,
                                const char *payload, int64_t expires,
                                char **out)
{
    daleel_status st = DALEEL_ENOMEM;
    char *inner = NULL, *tok = NULL;
    unsigned char mac[DALEEL_SHA256_LEN];

    *out = NULL;
    size_t plen = strlen(payload);
    if (key_len == 0 || plen > DALEEL_TOKEN_MAX_PAYLOAD || expires < 0)
        return DALEEL_EINVAL;

    size_t inner_cap = 24 + plen;
    inner = malloc(inner_cap);
    if (!inner)
        goto out;
    int n = snprintf(inner, inner_cap, "%" PRId64 ".%s", expires, payload);
    if (n < 0 || (size_t)n >= inner_cap) {
        st = DALEEL_EINVAL;
        goto out;
    }
    size_t b1_cap = DALEEL_BASE64URL_SIZE((size_t)n);
    size_t tok_cap = b1_cap + 1 + DALEEL_BASE64URL_SIZE(DALEEL_SHA256_LEN);
    tok = malloc(tok_cap);
    if (!tok)
        goto out;
    size_t b1 = daleel_base64url_encode(inner, (size_t)n, tok, b1_cap);
    daleel_hmac_sha256(key, key_len, tok, b1, mac);
    tok[b1] = '.';
    daleel_base64url_encode(mac, sizeof mac, tok + b1 + 1, tok_cap - b1 - 1);
    *out = tok;
    tok = NULL;
    st = DALEEL_OK;
out:
    free(inner);
    free(tok);
    return st;
}

daleel_token_verdict daleel_token_check(const void *key, size_t key_len,
                                        const char *token, int64_t now,
                                        char **payload, int64_t *expires)
{
    unsigned char mac[DALEEL_SHA256_LEN], want[DALEEL_SHA256_LEN];
    unsigned char inner[DALEEL_TOKEN_MAX];
    size_t mac_len, inner_len;

    if (payload)
        *payload = NULL;
    if (expires)
        *expires = 0;
    if (!token || key_len == 0)
        return DALEEL_TOKEN_FORGED;
    size_t len = strnlen(token, DALEEL_TOKEN_MAX + 1);
    if (len > DALEEL_TOKEN_MAX)
        return DALEEL_TOKEN_FORGED;
    const char *dot = memchr(token, '.', len);
    if (!dot)
        return DALEEL_TOKEN_FORGED;
    size_t b1 = (size_t)(dot - token);
    if (daleel_base64url_decode(dot + 1, len - b1 - 1, mac, sizeof mac,
                                &mac_len) != DALEEL_OK ||
        mac_len != sizeof mac)
        return DALEEL_TOKEN_FORGED;
    daleel_hmac_sha256(key, key_len, token, b1, want);
    if (!daleel_ct_equal(mac, want, sizeof mac))
        return DALEEL_TOKEN_FORGED;

    /* The signature is ours from here on, so the contents were made by
     * daleel_token_make(); still parse them defensively. */
    if (daleel_base64url_decode(token, b1, inner, sizeof inner - 1,
                                &inner_len) != DALEEL_OK)
        return DALEEL_TOKEN_FORGED;
    inner[inner_len] = '\0';
    char *sep = memchr(inner, '.', inner_len);
    if (!sep || sep == (char *)inner)
        return DALEEL_TOKEN_FORGED;
    int64_t exp = 0;
    for (unsigned char *p = inner; p < (unsigned char *)sep; p++) {
        if (*p < '0' || *p > '9' || exp > (INT64_MAX - 9) / 10)
            return DALEEL_TOKEN_FORGED;
        exp = exp * 10 + (*p - '0');
    }
    if (payload) {
        size_t plen = inner_len - (size_t)(sep + 1 - (char *)inner);
        *payload = malloc(plen + 1);
        if (!*payload)
            return DALEEL_TOKEN_FORGED;
        memcpy(*payload, sep + 1, plen + 1);
    }
    if (expires)
        *expires = exp;
    return now > exp ? DALEEL_TOKEN_EXPIRED : DALEEL_TOKEN_VALID;
}

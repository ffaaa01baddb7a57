/* crypto.h: the few cryptographic pieces Daleel needs, written by hand
 * because no crypto library is in our Debian set: SHA-256 (FIPS 180-4),
 * HMAC-SHA256 (RFC 2104), a constant-time comparison, hex and base64url
 * (RFC 4648 section 5) codings, random bytes from the kernel, and signed
 * tokens with an expiry for the server's forms and reply links.
 * Everything here is thread-safe: there is no shared state.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_CRYPTO_H
#define DALEEL_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "daleel/daleel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DALEEL_SHA256_LEN 32
#define DALEEL_SHA256_BLOCK 64

/* An incremental SHA-256 computation.  The fields are private. */
typedef struct {
    uint32_t h[8];
    uint64_t n_bytes;
    unsigned char block[DALEEL_SHA256_BLOCK];
    size_t used;
} daleel_sha256_ctx;

void daleel_sha256_init(daleel_sha256_ctx *c);
void daleel_sha256_update(daleel_sha256_ctx *c, const void *data, size_t len);
/* Write the digest to 'out' and wipe the context. */
void daleel_sha256_final(daleel_sha256_ctx *c,
                         unsigned char out[DALEEL_SHA256_LEN]);
/* One-shot SHA-256 of 'len' bytes of 'data'. */
void daleel_sha256(const void *data, size_t len,
                   unsigned char out[DALEEL_SHA256_LEN]);

/* HMAC-SHA256 (RFC 2104) of 'msg' under 'key'.  Keys longer than the
 * block size are hashed first, as the RFC says. */
void daleel_hmac_sha256(const void *key, size_t key_len, const void *msg,
                        size_t msg_len, unsigned char out[DALEEL_SHA256_LEN]);

/* 1 when the 'len' bytes at 'a' and 'b' are equal, else 0.  The time taken
 * depends only on 'len', never on where the bytes differ, so comparing a
 * secret (an admin token, a MAC) leaks nothing about it. */
int daleel_ct_equal(const void *a, const void *b, size_t len);

/* Lower-case hex of 'len' bytes into 'out', which must hold 2 * len + 1
 * bytes; NUL-terminated. */
void daleel_hex(const void *in, size_t len, char *out);

/* Bytes needed by daleel_base64url_encode() for 'len' input bytes,
 * including the NUL. */
#define DALEEL_BASE64URL_SIZE(len) ((((len) + 2) / 3) * 4 + 1)

/* base64url without padding (RFC 4648 section 5) of 'len' bytes into 'out'
 * ('cap' bytes, at least DALEEL_BASE64URL_SIZE(len)); NUL-terminated.
 * Returns the length written, or 0 when 'cap' is too small (and 'out' is
 * then "" if cap > 0). */
size_t daleel_base64url_encode(const void *in, size_t len, char *out,
                               size_t cap);

/* Decode 'len' characters of unpadded base64url into 'out' ('cap' bytes;
 * len * 3 / 4 is always enough) and set '*out_len'.  Padding '=',
 * whitespace, characters outside the alphabet, a dangling single character
 * and non-zero unused bits are all refused, so each byte string has exactly
 * one encoding.  Errors: DALEEL_EPARSE (bad input), DALEEL_ETOOBIG ('cap'
 * too small). */
daleel_status daleel_base64url_decode(const char *in, size_t len, void *out,
                                      size_t cap, size_t *out_len);

/* Fill 'len' bytes with random bytes from the kernel (getrandom(2)).
 * Errors: DALEEL_EIO (the kernel refused; never returns weak bytes). */
daleel_status daleel_random_bytes(void *out, size_t len);

/* ---- Signed tokens ------------------------------------------------------
 *
 * A token carries a short text (the payload, for example "vote:en/reset:1")
 * and an expiry time, signed with a secret key so that the server can hand
 * it out in a form or a link and later know it made it.  The format is
 *
 *     base64url(expiry "." payload) "." base64url(HMAC-SHA256(key, that))
 *
 * where 'expiry' is the decimal Unix time after which the token is refused
 * and the MAC is computed over the first base64url part exactly as it
 * appears.  Tokens are URL-, cookie- and HTML-attribute-safe.  The payload
 * is readable by anyone holding the token: sign, do not hide. */

/* Longest payload a token may carry, in bytes. */
#define DALEEL_TOKEN_MAX_PAYLOAD 1024
/* Longest token daleel_token_check() looks at; longer ones are forged. */
#define DALEEL_TOKEN_MAX 2048

typedef enum {
    DALEEL_TOKEN_VALID = 0,
    DALEEL_TOKEN_EXPIRED,   /* genuine, but 'now' is past its expiry */
    DALEEL_TOKEN_FORGED     /* malformed, or not signed with this key */
} daleel_token_verdict;

/* Sign 'payload' (NUL-terminated, at most DALEEL_TOKEN_MAX_PAYLOAD bytes)
 * to be valid until 'expires' (Unix seconds, inclusive).  '*out' is the
 * token; the caller frees it with free().  Errors: DALEEL_EINVAL (empty
 * key, payload too long, negative expiry), DALEEL_ENOMEM. */
daleel_status daleel_token_make(const void *key, size_t key_len,
                                const char *payload, int64_t expires,
                                char **out);

/* Verify 'token' at time 'now'.  The MAC is checked first and in constant
 * time, so a forged token is told apart from an expired one only after its
 * signature is proven.  When 'payload' is not NULL and the verdict is
 * VALID or EXPIRED, '*payload' is the signed text (the caller frees it
 * with free()); otherwise it is set to NULL.  The caller then checks that
 * the payload is the one it expects (the right article, the right form).
 * Also sets '*expires' when not NULL (0 when forged).  Out of memory while
 * copying the payload counts as FORGED, so the caller always fails closed. */
daleel_token_verdict daleel_token_check(const void *key, size_t key_len,
                                        const char *token, int64_t now,
                                        char **payload, int64_t *expires);

#ifdef __cplusplus
}
#endif
#endif

/* test_crypto.c: SHA-256 against the NIST examples, HMAC-SHA256 against
 * RFC 4231, the codings against RFC 4648, and signed tokens: valid,
 * expired, forged in every way we could think of.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/crypto.h"
#include "harness.h"

static const char *sha_hex(const void *data, size_t len)
{
    static char hex[2 * DALEEL_SHA256_LEN + 1];
    unsigned char d[DALEEL_SHA256_LEN];
    daleel_sha256(data, len, d);
    daleel_hex(d, sizeof d, hex);
    return hex;
}

static void test_sha256(void)
{
    /* FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional"). */
    CHECK_STR(sha_hex("", 0),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              "SHA-256 of the empty string");
    CHECK_STR(sha_hex("abc", 3),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
              "SHA-256 of abc (one block)");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK_STR(sha_hex(two, strlen(two)),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
              "SHA-256 of the 448-bit message (two blocks)");
    const char *long896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                          "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    CHECK_STR(sha_hex(long896, strlen(long896)),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
              "SHA-256 of the 896-bit message");

    /* Padding edges: 55 bytes fit one block with the length, 56 do not. */
    static const struct { size_t n; const char *hex; } edges[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    };
    char a[128];
    memset(a, 'a', sizeof a);
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        CHECK_STR(sha_hex(a, edges[i].n), edges[i].hex,
                  "SHA-256 of %zu times 'a'", edges[i].n);

    /* One million 'a', fed in uneven pieces to exercise the buffering. */
    char *m = malloc(1000000);
    memset(m, 'a', 1000000);
    daleel_sha256_ctx c;
    daleel_sha256_init(&c);
    size_t off = 0, step = 1;
    while (off < 1000000) {
        size_t n = step < 1000000 - off ? step : 1000000 - off;
        daleel_sha256_update(&c, m + off, n);
        off += n;
        step = step * 7 % 997 + 1;
    }
    unsigned char d[DALEEL_SHA256_LEN];
    char hex[65];
    daleel_sha256_final(&c, d);
    daleel_hex(d, sizeof d, hex);
    CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
              "SHA-256 of a million 'a' fed in uneven pieces");
    CHECK_STR(sha_hex(m, 1000000), hex, "one-shot equals incremental");
    free(m);
}

static const char *hmac_hex(const void *key, size_t key_len, const void *msg,
                            size_t msg_len)
{
    static char hex[2 * DALEEL_SHA256_LEN + 1];
    unsigned char d[DALEEL_SHA256_LEN];
    daleel_hmac_sha256(key, key_len, msg, msg_len, d);
    daleel_hex(d, sizeof d, hex);
    return hex;
}

static void test_hmac(void)
{
    unsigned char k[131], data[50];

    memset(k, 0x0b, 20);
    CHECK_STR(hmac_hex(k, 20, "Hi There", 8),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
              "RFC 4231 test case 1");
    const char *w = "what do ya want for nothing?";
    CHECK_STR(hmac_hex("Jefe", 4, w, strlen(w)),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
              "RFC 4231 test case 2 (key shorter than the output)");
    memset(k, 0xaa, 20);
    memset(data, 0xdd, 50);
    CHECK_STR(hmac_hex(k, 20, data, 50),
              "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
              "RFC 4231 test case 3");
    for (int i = 0; i < 25; i++)
        k[i] = (unsigned char)(i + 1);
    memset(data, 0xcd, 50);
    CHECK_STR(hmac_hex(k, 25, data, 50),
              "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
              "RFC 4231 test case 4");
    memset(k, 0x0c, 20);
    char trunc[33];
    memcpy(trunc, hmac_hex(k, 20, "Test With Truncation", 20), 32);
    trunc[32] = '\0';
    CHECK_STR(trunc, "a3b6167473100ee06e0c796c2955552b",
              "RFC 4231 test case 5 (first 128 bits)");
    memset(k, 0xaa, 131);
    const char *t6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK_STR(hmac_hex(k, 131, t6, strlen(t6)),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
              "RFC 4231 test case 6 (key hashed first)");
    const char *t7 = "This is a test using a larger than block-size key and a "
                     "larger than block-size data. The key needs to be hashed "
                     "before being used by the HMAC algorithm.";
    CHECK_STR(hmac_hex(k, 131, t7, strlen(t7)),
              "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
              "RFC 4231 test case 7");
}

static void test_codings(void)
{
    CHECK(daleel_ct_equal("abcd", "abcd", 4), "equal bytes compare equal");
    CHECK(!daleel_ct_equal("abcd", "abce", 4), "last byte differs");
    CHECK(!daleel_ct_equal("xbcd", "abcd", 4), "first byte differs");
    CHECK(daleel_ct_equal("a", "b", 0), "zero length is equal");

    char hex[9];
    daleel_hex("\x00\x0f\xf0\xff", 4, hex);
    CHECK_STR(hex, "000ff0ff", "hex is lower-case, two digits per byte");

    /* RFC 4648 section 10 vectors, without padding. */
    static const struct { const char *in, *out; } v[] = {
        {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
        {"\xfb\xff\xfe", "-__-"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[16];
        unsigned char back[16];
        size_t n = daleel_base64url_encode(v[i].in, strlen(v[i].in), out,
                                           sizeof out);
        CHECK_STR(out, v[i].out, "base64url of \"%s\"", v[i].in);
        CHECK_INT(n, strlen(v[i].out), "its length");
        size_t blen = 99;
        CHECK_INT(daleel_base64url_decode(out, n, back, sizeof back, &blen),
                  DALEEL_OK, "decode \"%s\"", v[i].out);
        CHECK(blen == strlen(v[i].in) && memcmp(back, v[i].in, blen) == 0,
              "decode gives back \"%s\"", v[i].in);
    }
    char small[4];
    CHECK_INT(daleel_base64url_encode("foo", 3, small, sizeof small), 0,
              "encode refuses a buffer without room for the NUL");
    CHECK_STR(small, "", "and leaves an empty string");

    unsigned char b[8];
    size_t bl;
    CHECK_INT(daleel_base64url_decode("Zm9v=", 5, b, sizeof b, &bl),
              DALEEL_EPARSE, "padding is refused");
    CHECK_INT(daleel_base64url_decode("Zm+v", 4, b, sizeof b, &bl),
              DALEEL_EPARSE, "'+' (plain base64) is refused");
    CHECK_INT(daleel_base64url_decode("Zm9vY", 5, b, sizeof b, &bl),
              DALEEL_EPARSE, "a dangling character is refused");
    CHECK_INT(daleel_base64url_decode("Zh", 2, b, sizeof b, &bl),
              DALEEL_EPARSE, "non-zero unused bits are refused");
    CHECK_INT(daleel_base64url_decode("Zm9vYmFy", 8, b, 5, &bl),
              DALEEL_ETOOBIG, "output over the cap");

    unsigned char r1[32] = {0}, r2[32] = {0}, zero[32] = {0};
    CHECK_INT(daleel_random_bytes(r1, sizeof r1), DALEEL_OK, "random bytes");
    CHECK_INT(daleel_random_bytes(r2, sizeof r2), DALEEL_OK, "random bytes again");
    CHECK(!daleel_ct_equal(r1, zero, 32) && !daleel_ct_equal(r1, r2, 32),
          "random bytes are not zero and differ between calls");
}

static void test_tokens(void)
{
    const char key[] = "0123456789abcdef0123456789abcdef";
    const size_t kl = sizeof key - 1;
    char *tok = NULL, *payload = NULL;
    int64_t exp = 0;

    CHECK_INT(daleel_token_make(key, kl, "vote:en/reset-password", 2000000000,
                                &tok), DALEEL_OK, "make a token");
    CHECK(tok && strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789-_.") == strlen(tok),
          "a token uses only URL-safe characters");
    CHECK_INT(daleel_token_check(key, kl, tok, 1999999999, &payload, &exp),
              DALEEL_TOKEN_VALID, "valid before its expiry");
    CHECK_STR(payload, "vote:en/reset-password", "the payload comes back");
    CHECK_INT(exp, 2000000000, "and the expiry");
    free(payload);
    CHECK_INT(daleel_token_check(key, kl, tok, 2000000000, NULL, NULL),
              DALEEL_TOKEN_VALID, "valid at its expiry second");
    CHECK_INT(daleel_token_check(key, kl, tok, 2000000001, &payload, NULL),
              DALEEL_TOKEN_EXPIRED, "expired one second later");
    CHECK_STR(payload, "vote:en/reset-password", "an expired token still shows "
              "its payload (to offer a new vote on that article)");
    free(payload);

    CHECK_INT(daleel_token_check("other key", 9, tok, 0, &payload, &exp),
              DALEEL_TOKEN_FORGED, "another key: forged");
    CHECK(payload == NULL && exp == 0, "a forged token gives no payload");

    /* Flip each character in turn: every change must be caught. */
    size_t n = strlen(tok);
    int all_forged = 1;
    for (size_t i = 0; i < n; i++) {
        char *t = strdup(tok);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        if (t[i] == '.' || daleel_token_check(key, kl, t, 0, NULL, NULL) !=
                               DALEEL_TOKEN_FORGED)
            all_forged = 0;
        free(t);
    }
    CHECK(all_forged, "changing any one character makes the token forged");

    /* A token re-signed with a later expiry by someone without the key. */
    char *other = NULL;
    daleel_token_make("guess", 5, "vote:en/reset-password", 4000000000, &other);
    const char *dot = strchr(other, '.');
    const char *mac = strchr(tok, '.');
    char spliced[512];
    snprintf(spliced, sizeof spliced, "%.*s%s", (int)(dot - other), other, mac);
    CHECK_INT(daleel_token_check(key, kl, spliced, 0, NULL, NULL),
              DALEEL_TOKEN_FORGED, "a new payload under an old MAC is forged");
    free(other);

    CHECK_INT(daleel_token_check(key, kl, "", 0, NULL, NULL),
              DALEEL_TOKEN_FORGED, "empty token");
    CHECK_INT(daleel_token_check(key, kl, "abc", 0, NULL, NULL),
              DALEEL_TOKEN_FORGED, "no dot");
    CHECK_INT(daleel_token_check(key, kl, NULL, 0, NULL, NULL),
              DALEEL_TOKEN_FORGED, "NULL token");
    CHECK_INT(daleel_token_check(key, kl, ".", 0, NULL, NULL),
              DALEEL_TOKEN_FORGED, "only a dot");
    char *huge = malloc(DALEEL_TOKEN_MAX + 10);
    memset(huge, 'A', DALEEL_TOKEN_MAX + 9);
    huge[DALEEL_TOKEN_MAX + 9] = '\0';
    CHECK_INT(daleel_token_check(key, kl, huge, 0, NULL, NULL),
              DALEEL_TOKEN_FORGED, "over-long token");
    free(huge);
    free(tok);

    CHECK_INT(daleel_token_make(key, 0, "x", 1, &tok), DALEEL_EINVAL,
              "an empty key is refused");
    CHECK(tok == NULL, "and gives no token");
    char big[DALEEL_TOKEN_MAX_PAYLOAD + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(daleel_token_make(key, kl, big, 1, &tok), DALEEL_EINVAL,
              "a payload over the cap is refused");
    big[DALEEL_TOKEN_MAX_PAYLOAD] = '\0';
    CHECK_INT(daleel_token_make(key, kl, big, 1, &tok), DALEEL_OK,
              "a payload at the cap is signed");
    char *back = NULL;
    CHECK_INT(daleel_token_check(key, kl, tok, 0, &back, NULL),
              DALEEL_TOKEN_VALID, "and verifies");
    CHECK(back && strlen(back) == DALEEL_TOKEN_MAX_PAYLOAD, "with its payload");
    free(back);
    free(tok);

    CHECK_INT(daleel_token_make(key, kl, "", 5, &tok), DALEEL_OK,
              "an empty payload is fine");
    CHECK_INT(daleel_token_check(key, kl, tok, 5, &back, NULL),
              DALEEL_TOKEN_VALID, "and verifies");
    CHECK_STR(back, "", "as empty");
    free(back);
    free(tok);
}

int main(void)
{
    test_sha256();
    test_hmac();
    test_codings();
    test_tokens();
    return harness_done();
}

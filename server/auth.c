/* auth.c: who may see what.  Two secrets come from the command line (or
 * are made at start): the admin token (the gap report, and the agent
 * view) and an optional agent token (the agent view only).  Scripts send
 * them as "Authorization: Bearer <token>"; browsers log in once and then
 * carry a signed session cookie, never the token itself.  Tokens are
 * compared in constant time, over their SHA-256 so that not even their
 * length leaks.  Forms, reply links and cookies are signed with the
 * server's secret (crypto.h tokens).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "daleel/crypto.h"
#include "server.h"

static int same_secret(const char *given, const char *secret)
{
    if (!given || !secret || !*secret)
        return 0;
    unsigned char a[DALEEL_SHA256_LEN], b[DALEEL_SHA256_LEN];
    daleel_sha256(given, strlen(given), a);
    daleel_sha256(secret, strlen(secret), b);
    return daleel_ct_equal(a, b, sizeof a);
}

int srv_token_is_admin(const char *t)
{
    return same_secret(t, srv.admin_token);
}

int srv_token_is_agent(const char *t)
{
    return same_secret(t, srv.admin_token) || same_secret(t, srv.agent_token);
}

char *srv_sign(const char *payload, int64_t expires)
{
    char *out = NULL;
    if (daleel_token_make(srv.secret, sizeof srv.secret, payload, expires,
                          &out) != DALEEL_OK)
        return NULL;
    return out;
}

int srv_verify(const char *token, char **payload)
{
    if (payload)
        *payload = NULL;
    if (!token)
        return DALEEL_TOKEN_FORGED;
    return (int)daleel_token_check(srv.secret, sizeof srv.secret, token,
                                   (int64_t)time(NULL), payload, NULL);
}

char *srv_session_make(const char *who, int64_t ttl_s)
{
    char payload[32];
    snprintf(payload, sizeof payload, "session:%s", who);
    return srv_sign(payload, (int64_t)time(NULL) + ttl_s);
}

static int session_ok(srv_req *r, const char *cookie, const char *who)
{
    const char *v = srv_cookie(r, cookie);
    if (!v)
        return 0;
    char *p = NULL;
    int ok = srv_verify(v, &p) == DALEEL_TOKEN_VALID && p &&
             strncmp(p, "session:", 8) == 0 && strcmp(p + 8, who) == 0;
    free(p);
    return ok;
}

static const char *bearer(srv_req *r)
{
    const char *h = srv_header(r, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

int srv_is_admin(srv_req *r)
{
    const char *b = bearer(r);
    if (b)
        return srv_token_is_admin(b);
    return session_ok(r, "daleel_admin", "admin");
}

int srv_is_agent(srv_req *r)
{
    const char *b = bearer(r);
    if (b)
        return srv_token_is_agent(b);
    const char *t = srv_q(r, "token");
    if (t && srv_token_is_agent(t))
        return 1;
    return session_ok(r, "daleel_agent", "agent") ||
           session_ok(r, "daleel_admin", "admin");
}

/* daleel.h: status codes and version of libdaleel, the core library shared
 * by daleel-index and daleel-serve.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_DALEEL_H
#define DALEEL_DALEEL_H

#ifdef __cplusplus
extern "C" {
#endif

#define DALEEL_VERSION "0.1.0"

/* Every fallible function of libdaleel returns one of these.  The message
 * that goes with an error lives on the handle it came from (for example
 * daleel_index_errmsg()), never in a global. */
typedef enum {
    DALEEL_OK = 0,
    DALEEL_ENOMEM,
    DALEEL_EIO,        /* file or directory unreadable or unwritable */
    DALEEL_EPARSE,     /* bad article, front matter, template or query */
    DALEEL_ENOTFOUND,
    DALEEL_ELOCKED,    /* index or database held by another writer */
    DALEEL_EINDEX,     /* other Xapian error */
    DALEEL_EDB,        /* SQLite error */
    DALEEL_EINVAL,     /* caller broke the API contract */
    DALEEL_ETOOBIG,    /* input or output over its size cap */
    DALEEL_EVERSION,   /* index built by another analyzer version */
    DALEEL_EBUSY       /* temporarily unavailable (locked database, full disk): retry */
} daleel_status;

/* A short English description of 'st', such as "out of memory".  Static
 * storage; never NULL. */
const char *daleel_status_str(daleel_status st);

#ifdef __cplusplus
}
#endif
#endif

/* status.c: names of daleel_status codes.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "daleel/daleel.h"

const char *daleel_status_str(daleel_status st)
{
    switch (st) {
    case DALEEL_OK:        return "ok";
    case DALEEL_ENOMEM:    return "out of memory";
    case DALEEL_EIO:       return "input/output error";
    case DALEEL_EPARSE:    return "parse error";
    case DALEEL_ENOTFOUND: return "not found";
    case DALEEL_ELOCKED:   return "locked by another writer";
    case DALEEL_EINDEX:    return "index error";
    case DALEEL_EDB:       return "database error";
    case DALEEL_EINVAL:    return "invalid argument";
    case DALEEL_ETOOBIG:   return "too big";
    case DALEEL_EVERSION:  return "index built by another analyzer version";
    case DALEEL_EBUSY:     return "temporarily unavailable";
    }
    return "unknown status";
}

/* search.c: stub, to be written.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "daleel/search.h"

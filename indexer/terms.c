/* terms.c: stub, to be written.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "indexer.h"

int indexer_terms_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("daleel-index: --terms is not built yet\n", stderr);
    return 2;
}

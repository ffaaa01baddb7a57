/* main.c: daleel-index entry point.  It only picks the mode: the analyzer's
 * view of a text (terms.c) or indexing a folder of articles (run.c).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "indexer.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--terms") == 0 || strcmp(argv[i], "--query") == 0)
            return indexer_terms_main(argc, argv);
        if (strcmp(argv[i], "--") == 0)
            break;
    }
    return indexer_run_main(argc, argv);
}

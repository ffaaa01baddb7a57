/* indexer.h: the modes of daleel-index.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_INDEXER_H
#define DALEEL_INDEXER_H

/* daleel-index --terms TEXT... | --query TEXT...: print each token with its
 * E, Z, XA and XC terms.  Returns the exit status. */
int indexer_terms_main(int argc, char **argv);

/* daleel-index [--articles DIR] [--index DIR] [--full] [--quiet] [--json].
 * Returns the exit status: 0 all indexed, 1 some articles had errors,
 * 2 usage or fatal error. */
int indexer_run_main(int argc, char **argv);

#endif

/* main.c: stub, to be written.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

int main(void)
{
    fputs("daleel-serve: not built yet\n", stderr);
    return 2;
}

#!/usr/bin/env bash
# bench/search.sh: in-process search and suggestion latency on the tldr
# corpus (../shared/corpora/tldr, English pages/ and Arabic pages.ar/).
#
# Indexes the corpus with the real daleel-index into a temporary folder,
# then runs bench_search (bench/bench_search.c: a few hundred queries made
# from the index with a fixed seed, EN and AR, 1-4 words, typos, questions;
# search with snippets and category facets, and suggestions for prefixes)
# RUNS times (default 3) and prints each run and the median p50/p99.
# BENCH_CPU=1 measures the thread's CPU time instead of wall-clock time
# (steadier on a loaded machine).  Say how loaded the machine was.
#
# Usage: bench/search.sh [BUILD_DIR] [N_QUERIES]   (default: build, 400)
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
nq=${2:-400}
runs=${RUNS:-3}
corpus=../shared/corpora/tldr
index_prog="$build/indexer/daleel-index"
bench_prog="$build/bench/bench_search"

if [ ! -d "$corpus" ]; then
    echo "bench/search.sh: $corpus not found, skipped"
    exit 0
fi
for p in "$index_prog" "$bench_prog"; do
    if [ ! -x "$p" ]; then
        echo "bench/search.sh: $p is not built (ninja -C $build)" >&2
        exit 2
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/daleel-bench-search.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -r "$corpus" "$tmp/articles"
# Exit 1 means some files were not articles (LICENSE.md has no title).
"$index_prog" --articles "$tmp/articles" --index "$tmp/index" --quiet \
    >/dev/null 2>&1 || [ $? -eq 1 ]

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

echo "search benchmark on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$tmp/all"
for i in $(seq "$runs"); do
    "$bench_prog" "$tmp/index" "$nq" 3 | tee -a "$tmp/all"
done
for what in search suggest; do
    p50=$(awk -v w="$what" '$1 == w { print $4 }' "$tmp/all" | median)
    p99=$(awk -v w="$what" '$1 == w { print $10 }' "$tmp/all" | median)
    printf 'median of %d runs: %-8s p50 %s ms  p99 %s ms\n' "$runs" "$what" "$p50" "$p99"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

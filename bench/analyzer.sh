#!/usr/bin/env bash
# bench/analyzer.sh: analyzer throughput on the shared corpora.
#
# Runs bench_analyzer (index mode, one core) over each language folder of
# ../shared/corpora: tldr (English pages/, Arabic pages.ar/) and
# d365-projops (en/, ar/), then over everything together, and prints the
# median MB/s and tokens/s of PASSES passes (default 5), by CPU time of the
# analyzing thread and by wall-clock time.  Corpora that are absent are
# skipped with a message.  The target is at least 20 MB/s; numbers depend
# on the machine's load, so say how loaded it was.
#
# Usage: bench/analyzer.sh [BUILD_DIR]   (default: build)
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
passes=${PASSES:-5}
prog="$build/bench/bench_analyzer"
corpora=../shared/corpora

if [ ! -x "$prog" ]; then
    echo "bench/analyzer.sh: $prog is not built (ninja -C $build bench/bench_analyzer)" >&2
    exit 2
fi
all=()
for dir in tldr/pages tldr/pages.ar d365-projops/en d365-projops/ar; do
    if [ ! -d "$corpora/$dir" ]; then
        echo "== $dir: absent ($corpora/$dir), skipped"
        continue
    fi
    echo "== $dir"
    "$prog" --passes "$passes" "$corpora/$dir"
    all+=("$corpora/$dir")
done
if [ ${#all[@]} -gt 1 ]; then
    echo "== all of the above"
    "$prog" --passes "$passes" "${all[@]}"
    echo "== all of the above, query mode"
    "$prog" --passes "$passes" --query "${all[@]}"
fi
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"

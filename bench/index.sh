#!/usr/bin/env bash
# bench/index.sh: how fast daleel-index is on the shared corpora.
#
# For each corpus in ../shared/corpora (tldr: English pages/ and Arabic
# pages.ar/; d365-projops: en/ and ar/) it copies the corpus into a temporary
# folder (so one file can be changed), then times with /usr/bin/time -v:
#   full     into a new index               (everything parsed and indexed)
#   wipe     daleel-index --full over the existing index (old documents
#            deleted in the same transaction, then everything indexed)
#   one      after appending a line to one article (one parsed, rest skipped)
#   none     nothing changed (every file read and hashed, none parsed)
# Each is run RUNS times (default 3) and the median is printed, with
# articles/s, the index size (du) and the peak RSS.  Corpora that are absent
# are skipped with a message.  Numbers depend on the machine's load: run it
# on a quiet machine and say how loaded it was.
#
# Usage: bench/index.sh [BUILD_DIR]   (default: build)
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${RUNS:-3}
prog="$build/indexer/daleel-index"
corpora=../shared/corpora

if [ ! -x "$prog" ]; then
    echo "bench/index.sh: $prog is not built (ninja -C $build)" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "bench/index.sh: /usr/bin/time is missing (apt-get install time)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/daleel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# timed LABEL ARGS...: run daleel-index RUNS times (the caller's 'prepare'
# function runs before each); print the median seconds and peak RSS.
timed() {
    local label=$1; shift
    local secs=() rss=() json=""
    for _ in $(seq "$runs"); do
        prepare
        /usr/bin/time -v -o "$tmp/time" "$prog" --json "$@" >"$tmp/out" \
            2>"$tmp/err" || [ $? -eq 1 ]
        json=$(cat "$tmp/out")
        secs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {
                    n = split($2, p, ":"); s = 0
                    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tmp/time")")
        rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")")
    done
    local s r n
    s=$(printf '%s\n' "${secs[@]}" | median)
    r=$(printf '%s\n' "${rss[@]}" | median)
    n=$(python3 -c 'import json, sys; o = json.loads(sys.argv[1]);
print(o["articles"], o["added"] + o["updated"], o["error_count"])' "$json")
    set -- $n
    printf '  %-5s %6.2f s  %8.0f articles/s  %4d parsed  %3d errors  peak RSS %6.1f MiB\n' \
        "$label" "$s" "$(awk -v n="$1" -v s="$s" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
        "$2" "$3" "$(awk -v k="$r" 'BEGIN { print k / 1024 }')"
}

bench_corpus() {
    local name=$1
    local src="$corpora/$name"
    if [ ! -d "$src" ]; then
        echo "$name: skipped ($src not found)"
        return
    fi
    rm -rf "$tmp/articles" "$tmp/index"
    cp -r "$src" "$tmp/articles"
    local files victim
    files=$(find "$tmp/articles" -name '*.md' -not -path '*/.*/*' -not -name '.#*' -not -name '._*' -not -path '*/includes/*' -not -path '*/_includes/*' | wc -l)
    victim=$(find "$tmp/articles" -name '*.md' -not -path '*/.*/*' | sort | sed -n '100p')
    echo "$name: $files Markdown files ($(du -sh "$src" | cut -f1) on disk), $runs runs each, median"

    prepare() { rm -rf "$tmp/index"; }
    timed full --articles "$tmp/articles" --index "$tmp/index"
    echo "  index size: $(du -sh "$tmp/index" | cut -f1)"

    prepare() { :; }
    timed wipe --articles "$tmp/articles" --index "$tmp/index" --full

    local k=0
    prepare() { k=$((k + 1)); printf '\nA changed line %d.\n' "$k" >>"$victim"; }
    timed one --articles "$tmp/articles" --index "$tmp/index"

    prepare() { :; }
    timed none --articles "$tmp/articles" --index "$tmp/index"
}

echo "daleel-index benchmark on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench_corpus tldr
bench_corpus d365-projops

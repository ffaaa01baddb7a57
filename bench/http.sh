#!/usr/bin/env bash
# bench/http.sh: daleel-serve under load, with wrk on 127.0.0.1, over an index
# of the tldr corpus (../shared/corpora/tldr; skipped with a message when
# absent).  It measures requests/s, p50 and p99 latency for
#   /api/search and /search at 1, 2 and 16 connections (bench/search.lua
#   rotates 18 English and Arabic queries, which the server's per-thread
#   cache answers after their first time, as a help center's repeated
#   questions are), an article page and a static file at 16 connections
#   (bench/get.lua), /api/search at 16 connections with and without search
#   logging, /api/search at 1 and 16 connections with the cache off
#   (--no-search-cache: every request searches), and votes/s
#   (bench/vote.lua, POST /feedback, each request a new visitor, so each is
#   an fsync'ed insert);
# then the server's resident memory (VmRSS, and its peak VmHWM).
# Each measurement runs RUNS times (default 3) for DURATION (default 4s) and
# the median run (by requests/s) is printed.  The server runs with --quiet
# (no access log) and --threads THREADS (default: cores).  wrk shares the
# machine with the server: on 2 cores the numbers are a lower bound; say how
# loaded the machine was when you quote them.
#
# Usage: bench/http.sh [BUILD_DIR]   (default: build)
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${RUNS:-3}
duration=${DURATION:-4s}
threads=${THREADS:-$(nproc)}
corpus=../shared/corpora/tldr
serve="$build/server/daleel-serve"
index_prog="$build/indexer/daleel-index"

if [ ! -d "$corpus" ]; then
    echo "bench/http.sh: $corpus is absent: skipped"
    exit 0
fi
for p in "$serve" "$index_prog"; do
    [ -x "$p" ] || { echo "bench/http.sh: $p is not built (ninja -C $build)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "bench/http.sh: wrk is not installed" >&2; exit 2; }

tmp=$(mktemp -d /tmp/daleel-bench-http.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "indexing $corpus ..."
"$index_prog" --articles "$corpus" --index "$tmp/index" --quiet || true
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

stop() {    # stop the server; say how many searches the log had to drop
    if [ -n "$pid" ]; then
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        pid=
        grep -h "not logged" "$tmp/serve.log" || true
    fi
}

start() {   # start [extra options]
    stop
    "$serve" --index "$tmp/index" --listen "127.0.0.1:$port" --quiet \
        --threads "$threads" --admin-token bench --max-conn-per-ip 1000 \
        --vote-limit 10000000 --search-log-limit 100000000 "$@" \
        2>"$tmp/serve.log" &
    pid=$!
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$base/healthz" && return 0
        sleep 0.05
    done
    echo "daleel-serve did not start:" >&2
    cat "$tmp/serve.log" >&2
    exit 1
}

# measure LABEL CONNECTIONS SCRIPT URL: print the median of $runs runs.
measure() {
    local label=$1 conns=$2 script=$3 url=$4 t=$(( $2 < 2 ? 1 : 2 ))
    local results=()
    for _ in $(seq "$runs"); do
        results+=("$(wrk -t"$t" -c"$conns" -d"$duration" -s "$script" "$url" \
                     | awk '/^RESULT/ {print $2, $3, $4, $5}')")
    done
    printf '%s\n' "${results[@]}" | sort -n | awk -v label="$label" -v c="$conns" '
        { line[NR] = $0 }
        END { split(line[int((NR + 1) / 2)], f, " ");
              printf "%-34s %4d conn %8d req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d\n",
                     label, c, f[1], f[2], f[3], f[4] }'
}

rss() {
    awk '/^VmRSS|^VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$pid/status"
    echo
}

echo "daleel-serve: $threads threads, wrk: ${duration} x $runs runs (median), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
start
article=$(curl -fs "$base/api/search?q=tar&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["slug"])')
for c in 1 2 16; do
    DALEEL_PATH=/api/search measure "/api/search (logging)" "$c" bench/search.lua "$base"
done
for c in 1 2 16; do
    DALEEL_PATH=/search measure "/search (logging)" "$c" bench/search.lua "$base"
done
measure "/a/$article" 16 bench/get.lua "$base/a/$article"
measure "/static/style.css" 16 bench/get.lua "$base/static/style.css"
echo "after searches: $(rss)"
token=$(curl -fs "$base/a/$article" | sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' | head -1)
DALEEL_SLUG=$article DALEEL_TOKEN=$token measure "POST /feedback (votes)" 16 bench/vote.lua "$base"
DALEEL_SLUG=$article DALEEL_TOKEN=$token measure "POST /feedback (votes)" 1 bench/vote.lua "$base"
echo "after votes: $(rss)"
start --no-search-log
DALEEL_PATH=/api/search measure "/api/search (no logging)" 16 bench/search.lua "$base"
# Every request a search of its own: the per-thread cache of results and
# answers (server/cache.c) off, so these rows are the cost of searching.
start --no-search-cache
for c in 1 16; do
    DALEEL_PATH=/api/search measure "/api/search (no cache)" "$c" bench/search.lua "$base"
done
start
DALEEL_PATH=/api/search measure "/api/search (logging)" 16 bench/search.lua "$base"
stop
if command -v sqlite3 >/dev/null; then
    echo "searches logged in total: $(sqlite3 "$tmp/feedback.db" 'SELECT count(*) FROM searches')"
fi

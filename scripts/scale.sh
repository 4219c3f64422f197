#!/usr/bin/env bash
# Scale: generate planted-pair corpora of each size, scan each, print a table
# of documents/s, MB/s, peak RSS, candidates and planted-pair recall and
# precision, then the speed-up of the whole scan by thread count.
#
#   scripts/scale.sh [SIZES]            # default 10000,100000 (e.g. 10000,100000,1000000)
#   SCAN_ARGS="--radius 4" scripts/scale.sh 10000,100000
#   WORK=/big/disk scripts/scale.sh     # where corpora go (default /tmp/wenshan-scale; kept, reused)
#   THREADS_AT=10000                    # size for the thread table (default: the smallest)
#   THREADS_DIR=../shared/real/docs     # or any folder for the thread table instead
#   THREADS="1 2 4 8 16"                # thread counts (default: 1 and powers of 2 up to the cores)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${1:-10000,100000}
WORK=${WORK:-/tmp/wenshan-scale}
SCAN_ARGS=${SCAN_ARGS:-}
cargo build --release --quiet
BIN=target/release/wenshan
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time (apt-get install time)"; exit 2; }
mkdir -p "$WORK"

corpus() { # size → folder, generated once
    local dir="$WORK/gen-$1"
    if [ ! -f "$dir/labels.jsonl" ]; then
        rm -rf "$dir"
        "$BIN" gen --docs "$1" --out "$dir" --seed 1 >&2
    fi
    echo "$dir"
}

# scan DIR THREADS → "seconds peak_kib candidates", report in $WORK/report.json,
# stage times and memory (WENSHAN_TIMINGS) in $WORK/stages-<folder>-<threads>.log
scan() {
    local log="$WORK/stages-$(basename "$1")-$2.log"
    WENSHAN_TIMINGS=1 "$TIME" -f "%e %M" "$BIN" --threads "$2" scan "$1" --format json -o "$WORK/report.json" \
        $SCAN_ARGS 2>"$log"
    local cand
    cand=$(grep -o 'candidates ([0-9]*)' "$log" | tr -dc 0-9)
    echo "$(tail -1 "$log") ${cand:-?}"
}

echo "| documents | MB | scan s | documents/s | MB/s | peak RSS MiB | KiB/document | candidates | planted recall | precision (family / pair) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in ${SIZES//,/ }; do
    dir=$(corpus "$n")
    bytes=$(find "$dir" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END {print s}')
    read -r secs kib cand < <(scan "$dir" "$(nproc)")
    eval_line=$("$BIN" eval planted --report "$WORK/report.json" --labels "$dir/labels.jsonl" | head -1)
    recall=$(sed -E 's/.*recall ([0-9.]+).*/\1/' <<<"$eval_line")
    prec=$(sed -E 's/.*precision ([0-9.]+) \(same planted family\) \/ ([0-9.]+).*/\1 \/ \2/' <<<"$eval_line")
    awk -v n="$n" -v b="$bytes" -v s="$secs" -v k="$kib" -v c="$cand" -v r="$recall" -v p="$prec" 'BEGIN {
        printf "| %d | %.0f | %.1f | %.0f | %.1f | %.0f | %.1f | %s | %s | %s |\n", n, b/1e6, s, n/s, b/1e6/s, k/1024, k/n, c, r, p }'
done

last=$(tr ',' '\n' <<<"$SIZES" | sort -n | tail -1)
echo
echo "Stages of the $last-document scan (time, RSS then, peak RSS so far):"
grep -E '^(map|reduce):' "$WORK/stages-gen-$last-$(nproc).log" | sed 's/^/    /'

at=${THREADS_AT:-$(tr ',' '\n' <<<"$SIZES" | sort -n | head -1)}
dir=${THREADS_DIR:-$(corpus "$at")}
cores=$(nproc)
counts=${THREADS:-$(t=1; while [ "$t" -lt "$cores" ]; do printf '%s ' "$t"; t=$((t * 2)); done; echo "$cores")}
echo
echo "Whole scan of $dir by thread count ($cores cores; rounds alternate the counts, best of 2 each):"
declare -A best
for _ in 1 2; do
    for t in $counts; do
        s=$(scan "$dir" "$t" | awk '{print $1}')
        best[$t]=$(awk -v a="${best[$t]:-999999}" -v b="$s" 'BEGIN {print (b < a ? b : a)}')
    done
done
one=${best[$(awk '{print $1}' <<<"$counts")]}
echo "| threads | scan s | speed-up | per thread |"
echo "|---|---|---|---|"
for t in $counts; do
    awk -v t="$t" -v a="$one" -v b="${best[$t]}" 'BEGIN { printf "| %d | %.2f | %.2f× | %.0f %% |\n", t, b, a/b, 100*a/b/t }'
done

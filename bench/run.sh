#!/usr/bin/env bash
# Scale benchmark of bms2intune (issue 8). From the repository root:
#
#     bench/run.sh
#
# Builds the release binary, synthesizes a 100,000-user and a 1,000,000-user tenant (cached
# under target/bench-data/, keyed by the generator's parameters and source), then measures wall
# time and peak memory (`/usr/bin/time -v`, "Maximum resident set size") of
# `bms2intune snapshot check` (the parse-and-validate floor) and `bms2intune plan` on both, and
# prints one table with the snapshot's size on disk (`du -sb`) and the three targets:
#
#   1. plan costs at most 2x the snapshot check of the same files;
#   2. peak memory stays below the snapshot's size on disk;
#   3. going from 100,000 to 1,000,000 users costs at most 11x the time.
#
# Each command runs BENCH_RUNS times (default 3) and the fastest run counts (the machine may be
# shared; the minimum is the least disturbed). The exit code is 1 when a target is missed.
#
# Environment: BENCH_SIZES (default "100000 1000000"; the ratio target needs both),
# BENCH_RUNS (3), BENCH_DATA (target/bench-data), BENCH_SEED (1), BENCH_DEVICES_PER_USER (1.5),
# BENCH_POLICIES (8), BENCH_BIN (measure this binary instead of building target/release's, e.g.
# an older build for a before/after). Needs about 8 GB of disk for the 1M tenant and 8 GB of
# free memory.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=${BENCH_SIZES:-"100000 1000000"}
RUNS=${BENCH_RUNS:-3}
DATA=${BENCH_DATA:-target/bench-data}
SEED=${BENCH_SEED:-1}
DPU=${BENCH_DEVICES_PER_USER:-1.5}
POLICIES=${BENCH_POLICIES:-8}
BIN=${BENCH_BIN:-$ROOT/target/release/bms2intune}

if ! command -v /usr/bin/time >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (/usr/bin/time) ..." >&2
    apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

if [ -z "${BENCH_BIN:-}" ]; then
    echo "building release ..." >&2
    cargo build --release -p bms2intune >&2
fi

# The generator: `bms2intune synth` once the CLI has it, else the synth crate's example (same
# library, same bytes).
if "$ROOT/target/release/bms2intune" synth --help >/dev/null 2>&1; then
    SYNTH=("$ROOT/target/release/bms2intune" synth)
else
    cargo build --release -p bms2intune-synth --example synth >&2
    SYNTH=("$ROOT/target/release/examples/synth")
fi
GENERATOR=$(cat crates/synth/src/*.rs | sha256sum | cut -c1-12)

mkdir -p "$DATA"

# seconds from "h:mm:ss" or "m:ss.ss"
to_seconds() {
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"
}

# measure <command...>: sets M_WALL (best wall time, s) and M_RSS (peak RSS of that run, MB);
# BEFORE_EACH is evaluated before every run, outside the timing.
measure() {
    local best_wall="" best_rss="" log wall rss
    log=$(mktemp)
    for _ in $(seq "$RUNS"); do
        [ -n "${BEFORE_EACH:-}" ] && eval "$BEFORE_EACH"
        if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
            if ! grep -q "Exit status: 3" "$log"; then   # 3 = --fail-on gate, output written
                echo "command failed: $*" >&2
                tail -20 "$log" >&2
                exit 2
            fi
        fi
        wall=$(to_seconds "$(grep 'Elapsed (wall clock) time' "$log" | awk '{print $NF}')")
        rss=$(grep 'Maximum resident set size' "$log" | awk '{printf "%.0f", $NF / 1024}')
        if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
            best_wall=$wall
            best_rss=$rss
        fi
    done
    rm -f "$log"
    M_WALL=$best_wall
    M_RSS=$best_rss
}

declare -A WALL RSS DISK USERS
for N in $SIZES; do
    NGROUPS=$(( N / 100 > 20 ? N / 100 : 20 ))
    SNAP="$DATA/tenant-u$N-d$DPU-g$NGROUPS-p$POLICIES-s$SEED-$GENERATOR"
    if [ ! -f "$SNAP/.complete" ]; then
        echo "synthesizing $N users into $SNAP ..." >&2
        rm -rf "$SNAP"
        "${SYNTH[@]}" --users "$N" --devices-per-user "$DPU" --groups "$NGROUPS" \
            --policies "$POLICIES" --seed "$SEED" --out "$SNAP" >&2
        touch "$SNAP/.complete"
    fi
    DISK[$N]=$(du -sb "$SNAP" | awk '{printf "%.0f", $1 / 1048576}')
    # Warm the page cache so that every run reads the same way.
    find "$SNAP" -type f -print0 | xargs -0 cat >/dev/null

    echo "measuring snapshot check on $N users ($RUNS runs) ..." >&2
    BEFORE_EACH="" measure "$BIN" snapshot check --snapshot "$SNAP"
    WALL[check,$N]=$M_WALL; RSS[check,$N]=$M_RSS

    OUT="$DATA/plan-out-$N"
    echo "measuring plan on $N users ($RUNS runs) ..." >&2
    BEFORE_EACH="rm -rf '$OUT'" measure "$BIN" plan --snapshot "$SNAP" --out "$OUT"
    WALL[plan,$N]=$M_WALL; RSS[plan,$N]=$M_RSS
    rm -rf "$OUT"
    USERS[$N]=1
done

FAILED=0
# target <label> <value> <1 when met>
target() {
    local verdict=met
    if [ "$3" != 1 ]; then verdict=MISSED; FAILED=1; fi
    printf '  %-50s %-24s %s\n' "$1" "$2" "$verdict"
}

echo
echo "$("$BIN" --version 2>/dev/null || echo bms2intune) at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, best of $RUNS runs"
printf '%-10s %-16s %9s %15s %15s\n' "users" "command" "wall (s)" "peak RSS (MiB)" "on disk (MiB)"
for N in $SIZES; do
    for c in check plan; do
        name=$([ $c = check ] && echo "snapshot check" || echo "plan")
        printf '%-10s %-16s %9s %15s %15s\n' "$N" "$name" "${WALL[$c,$N]}" "${RSS[$c,$N]}" "${DISK[$N]}"
    done
done

echo
echo "targets:"
for N in $SIZES; do
    ratio=$(awk -v p="${WALL[plan,$N]}" -v c="${WALL[check,$N]}" 'BEGIN { printf "%.2f", p / c }')
    target "plan <= 2x snapshot check ($N users)" "${ratio}x" \
        "$(awk -v r="$ratio" 'BEGIN { print (r <= 2.0) ? 1 : 0 }')"
done
for N in $SIZES; do
    for c in check plan; do
        target "peak memory < size on disk ($c, $N users)" "${RSS[$c,$N]} < ${DISK[$N]} MiB" \
            "$(awk -v r="${RSS[$c,$N]}" -v d="${DISK[$N]}" 'BEGIN { print (r < d) ? 1 : 0 }')"
    done
done
if [ -n "${USERS[100000]:-}" ] && [ -n "${USERS[1000000]:-}" ]; then
    for c in check plan; do
        ratio=$(awk -v a="${WALL[$c,1000000]}" -v b="${WALL[$c,100000]}" 'BEGIN { printf "%.2f", a / b }')
        target "1M / 100k users time <= 11x ($c)" "${ratio}x" \
            "$(awk -v r="$ratio" 'BEGIN { print (r <= 11.0) ? 1 : 0 }')"
    done
fi
exit $FAILED

#!/usr/bin/env bash
# Builds the libFuzzer binary (outside SwiftPM: the normal build is untouched) and runs every
# fuzz target, or those of FUZZ_TARGETS=a,b, for FUZZ_SECONDS each (default 60) from its seed
# corpus in Fuzz/Corpus/<target>/ (plus Fuzz/Regressions/<target>/).
#   new inputs found:  .build-fuzz/corpus/<target>/   (scratch, not in git)
#   crashes:           Fuzz/Crashes/<target>/         (not in git; replay one with
#                      FUZZ_TARGET=<target> .build-fuzz/chan-fuzz <file>)
#   logs:              .build-fuzz/logs/<target>.log
#   totals over runs:  .build-fuzz/totals.tsv (target, runs, seconds, executions)
# Usage: Tools/fuzz.sh [build|run|list]  (default: build, then run)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/.build-fuzz
BIN=$BUILD/chan-fuzz
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
SWIFTC=${SWIFTC:-swiftc}
FLAGS=(-O -wmo -parse-as-library -swift-version 6 -sanitize=fuzzer,address
       -I "$BUILD/modules" -I Sources/CSecp256k1 -I Sources/COpenSSL -I Sources/CZlib)
# Every module the targets need, lowest first; all instrumented, so coverage sees the decoders.
MODULES=(ChanCrypto ChanLedger ChanCore ChanSim ChanAPI ChanGzip ChanFuzz)

build() {
    mkdir -p "$BUILD/modules" "$BUILD/objects"
    local stale=0 module
    for module in "${MODULES[@]}"; do
        local object=$BUILD/objects/$module.o
        if [[ $stale == 1 || ! -f $object || -n $(find "Sources/$module" -name '*.swift' -newer "$object" | head -1) ]]; then
            stale=1
            echo "fuzz build: $module" >&2
            "$SWIFTC" "${FLAGS[@]}" -module-name "$module" -emit-module -emit-module-path "$BUILD/modules/$module.swiftmodule" \
                -c $(find "Sources/$module" -name '*.swift' | sort) -o "$object"
        fi
    done
    if [[ $stale == 1 || ! -x $BIN || Fuzz/Entry/LibFuzzerEntry.swift -nt $BIN ]]; then
        echo "fuzz build: link $BIN" >&2
        # ld.gold warns once per sanitizer helper symbol; nothing to act on.
        "$SWIFTC" "${FLAGS[@]}" Fuzz/Entry/LibFuzzerEntry.swift "$BUILD"/objects/*.o -lsecp256k1 -lcrypto -lz -o "$BIN" \
            2> >(grep -v "Cannot export local symbol" >&2)
    fi
}

targets() {
    if [[ -n ${FUZZ_TARGETS:-} ]]; then tr ',' '\n' <<<"$FUZZ_TARGETS"; else FUZZ_TARGET=list "$BIN"; fi
}

stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

run() {
    mkdir -p "$BUILD/logs"
    touch "$BUILD/totals.tsv"
    local failed=0 target
    printf '%-20s %12s %10s %8s %8s\n' target executions execs/s new crashes
    for target in $(targets); do
        local scratch=$BUILD/corpus/$target crashes=$ROOT/Fuzz/Crashes/$target log=$BUILD/logs/$target.log
        mkdir -p "$scratch" "$crashes"
        local before; before=$(ls "$crashes" | wc -l)
        local inputs=("$scratch" "Fuzz/Corpus/$target")
        [[ -d Fuzz/Regressions/$target ]] && inputs+=("Fuzz/Regressions/$target")
        # The process stops at its first crash; its exit status says so, the crash file which input.
        # Swift's own backtracer fights ASan over a crashing process; libFuzzer reports enough.
        SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target "$BIN" -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
            -artifact_prefix="$crashes/" "${inputs[@]}" >"$log" 2>&1 || true
        local executions rate added found
        executions=$(stat number_of_executed_units "$log"); rate=$(stat average_exec_per_sec "$log")
        added=$(stat new_units_added "$log"); found=$(( $(ls "$crashes" | wc -l) - before ))
        printf '%-20s %12s %10s %8s %8s\n' "$target" "${executions:-?}" "${rate:-?}" "${added:-?}" "$found"
        [[ $found == 0 && -n $executions ]] || failed=1
        awk -v t="$target" -v s="$FUZZ_SECONDS" -v e="${executions:-0}" -F'\t' -v OFS='\t' '
            $1 == t { $2 += 1; $3 += s; $4 += e; done = 1 } { print }
            END { if (!done) print t, 1, s, e }' "$BUILD/totals.tsv" >"$BUILD/totals.tmp" && mv "$BUILD/totals.tmp" "$BUILD/totals.tsv"
    done
    if [[ $failed == 1 ]]; then echo "fuzz: crashes (or a target that did not run): see Fuzz/Crashes/ and .build-fuzz/logs/" >&2; return 1; fi
}

case ${1:-all} in
    build) build ;;
    run) run ;;
    list) build; targets ;;
    all) build; run ;;
    *) echo "usage: Tools/fuzz.sh [build|run|list]" >&2; exit 64 ;;
esac

#!/usr/bin/env bash
# Fuzzes one decoder of outside data with libFuzzer.
#
#   Tests/KimpleFuzz/fuzz.sh <journal|outbox|moments|submission|participations> <seconds> [libFuzzer options...]
#
# Builds `kimple-fuzz` with the fuzzer and address sanitizers (release, scratch path
# .build-fuzz), then runs it for <seconds>. The committed corpus
# (Tests/KimpleFuzzTests/Corpus/<target>) seeds the run; the inputs libFuzzer keeps go to
# .build-fuzz/corpus/<target>; an input that crashes, breaks an invariant, times out or runs
# out of memory is written to the committed corpus (crash-*, timeout-*, oom-*), where
# `swift test --filter KimpleFuzzTests` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/../.."

target=${1:?usage: fuzz.sh <journal|outbox|moments|submission|participations> <seconds> [libFuzzer options...]}
seconds=${2:?usage: fuzz.sh <target> <seconds>}
shift 2

swift build -c release --product kimple-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DKIMPLE_FUZZ \
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld

committed="Tests/KimpleFuzzTests/Corpus/$target"
work=".build-fuzz/corpus/$target"
mkdir -p "$committed" "$work"

# The Swift backtracer and ASan both want the crash signal: let ASan have it. Leak reports
# are off: the Swift runtime keeps metadata caches that LeakSanitizer reports at exit.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export KIMPLE_FUZZ_TARGET="$target"
exec .build-fuzz/release/kimple-fuzz "$work" "$committed" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$committed/" -print_final_stats=1 "$@"

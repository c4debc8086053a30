#!/usr/bin/env bash
# Fuzz every C entry point under AddressSanitizer + UndefinedBehaviorSanitizer.
#
#   fuzz/run.sh [SECONDS]        build, then fuzz for SECONDS (default 60)
#   fuzz/run.sh --build          build only; prints the binary's path
#   fuzz/run.sh --replay PATH..  build, then run each input once (reproduce a crash)
#
# With a clang that has libFuzzer it builds a libFuzzer binary
# (-fsanitize=fuzzer,address,undefined); otherwise gcc's ASan/UBSan build with
# fuzz/driver.c, a coverage-guided mutator over -fsanitize-coverage=trace-pc.
# Exit status 0: no crash, leak, UB or failed check.  A failing input lands in
# build/fuzz/artifacts/ (FUZZ_OUT=DIR: everything goes to DIR instead, so a
# checkout stays clean).  FUZZ_TARGET=tr_a,tr_b restricts the entry points;
# CC picks the compiler; FUZZ_SEED fixes the random seed.
#
# One input running longer than FUZZ_TIMEOUT seconds counts as a hang.  The
# default is 20 s scaled by the machine's load (20 x (1 + load / CPUs)), so
# a busy machine does not turn a slow run into a false "timeout".
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${FUZZ_OUT:-$ROOT/build/fuzz}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT/obj" "$OUT/corpus" "$OUT/artifacts"

MODE=run; TIME=60
case "${1:-}" in
  --build) MODE=build ;;
  --replay) MODE=replay; shift ;;
  "") ;;
  *) TIME="$1" ;;
esac

# Generated sources: the entry-point registry, the data tables, the seeds.
"$PYTHON" "$ROOT/fuzz/gen_targets.py" "$OUT/registry.c"
"$PYTHON" "$ROOT/native/gen_tables.py" "$OUT/tables.c" >/dev/null
"$PYTHON" "$ROOT/fuzz/make_corpus.py" "$OUT/seeds"

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-std=c99 -g -O1 -Wall -Wextra -I$ROOT/native -I$ROOT/fuzz"
CORE=("$ROOT"/native/*.c "$OUT/tables.c")
HARNESS=("$ROOT/fuzz/harness.c" "$ROOT"/fuzz/targets*.c "$OUT/registry.c")

have_libfuzzer() {  # does $1 link -fsanitize=fuzzer?
  command -v "$1" >/dev/null 2>&1 || return 1
  printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n){(void)d;(void)n;return 0;}\n' >"$OUT/probe.c"
  "$1" -fsanitize=fuzzer,address,undefined "$OUT/probe.c" -o "$OUT/probe" >/dev/null 2>&1
}

CC_USED="${CC:-}"
if [ -z "$CC_USED" ]; then
  for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
    if have_libfuzzer "$c"; then CC_USED="$c"; break; fi
  done
fi
if [ -n "$CC_USED" ] && have_libfuzzer "$CC_USED"; then
  ENGINE=libfuzzer
  BIN="$OUT/fuzz-libfuzzer"
  # shellcheck disable=SC2086
  "$CC_USED" $CFLAGS $SAN -fsanitize=fuzzer "${CORE[@]}" "${HARNESS[@]}" -o "$BIN" -lm
else
  ENGINE=driver
  if [ -z "$CC_USED" ]; then  # gcc, or a clang without libFuzzer (both have trace-pc)
    for c in gcc clang cc; do
      if command -v "$c" >/dev/null 2>&1; then CC_USED="$c"; break; fi
    done
  fi
  CC_USED="${CC_USED:-gcc}"
  if ! command -v "$CC_USED" >/dev/null 2>&1; then
    echo "fuzz/run.sh: no C compiler ($CC_USED)" >&2; exit 3
  fi
  BIN="$OUT/fuzz-driver"
  objs=()
  # Only the C core is instrumented for coverage: the harness's own loops
  # would drown its edges.
  for src in "${CORE[@]}"; do
    obj="$OUT/obj/core-$(basename "$src" .c).o"
    # shellcheck disable=SC2086
    "$CC_USED" $CFLAGS $SAN -fsanitize-coverage=trace-pc -c "$src" -o "$obj"
    objs+=("$obj")
  done
  for src in "${HARNESS[@]}" "$ROOT/fuzz/driver.c"; do
    obj="$OUT/obj/harness-$(basename "$src" .c).o"
    # shellcheck disable=SC2086
    "$CC_USED" $CFLAGS $SAN -c "$src" -o "$obj"
    objs+=("$obj")
  done
  # shellcheck disable=SC2086
  "$CC_USED" $SAN "${objs[@]}" -o "$BIN" -lm
fi
echo "fuzz/run.sh: $ENGINE engine built with $CC_USED: $BIN" >&2

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
SEED_FLAG=()
[ -n "${FUZZ_SEED:-}" ] && SEED_FLAG=("-seed=$FUZZ_SEED")

scaled_timeout() {  # 20 s x (1 + load average / CPUs), rounded up
  local load cpus
  load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)"
  cpus="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
  awk -v l="$load" -v c="$cpus" 'BEGIN { t = 20 * (1 + l / c); printf "%d\n", (t == int(t)) ? t : int(t) + 1 }'
}
TIMEOUT="${FUZZ_TIMEOUT:-$(scaled_timeout)}"

case "$MODE" in
  build) echo "$BIN"; exit 0 ;;
  replay)
    if [ "$ENGINE" = libfuzzer ]; then exec "$BIN" -runs=1 -artifact_prefix="$OUT/artifacts/" "$@"; fi
    exec "$BIN" -replay -timeout=0 -artifact_prefix="$OUT/artifacts/" "$@" ;;
esac

echo "fuzz/run.sh: fuzzing for ${TIME}s (corpus $OUT/corpus, seeds $OUT/seeds, ${TIMEOUT}s per input)" >&2
exec nice -n 19 "$BIN" -max_total_time="$TIME" -timeout="$TIMEOUT" -max_len=65536 \
  -dict="$ROOT/fuzz/textrepair.dict" -artifact_prefix="$OUT/artifacts/" "${SEED_FLAG[@]}" \
  "$OUT/corpus" "$OUT/seeds"

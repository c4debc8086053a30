#!/usr/bin/env bash
# Memory check of the C core: every fuzz target (every entry point) over the
# seed corpus, plus any files or directories given, under
# valgrind --tool=memcheck (a plain -O1 -g build), or under AddressSanitizer
# + LeakSanitizer when valgrind is absent (or MEMCHECK=lsan).
#
#   fuzz/memcheck.sh [PATH...]      exit 0: no leak, no invalid access
#
# MEMCHECK_OUT=DIR puts the build and any failing input there (default
# build/memcheck; the tests use a temporary folder).  No input has a
# wall-clock limit (valgrind runs 20-50 times slower, more on a loaded
# machine); instead the whole replay may use MEMCHECK_CPU_SECONDS of CPU time
# (default 3600), a limit on work done, which a busy machine does not make
# it reach sooner, and which still ends a hang.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${MEMCHECK_OUT:-$ROOT/build/memcheck}"
PYTHON="${PYTHON:-python3}"
CC="${CC:-gcc}"
mkdir -p "$OUT/artifacts"
# The driver's per-input alarm is wall-clock time: off.  Failing inputs go to $OUT.
REPLAY=(-replay -timeout=0 "-artifact_prefix=$OUT/artifacts/")
ulimit -t "${MEMCHECK_CPU_SECONDS:-3600}"

"$PYTHON" "$ROOT/fuzz/gen_targets.py" "$OUT/registry.c" 2>/dev/null
"$PYTHON" "$ROOT/native/gen_tables.py" "$OUT/tables.c" >/dev/null
"$PYTHON" "$ROOT/fuzz/make_corpus.py" "$OUT/seeds" 2>/dev/null

TOOL="${MEMCHECK:-}"
if [ -z "$TOOL" ]; then
  if command -v valgrind >/dev/null 2>&1; then TOOL=valgrind; else TOOL=lsan; fi
fi
SRCS=("$ROOT"/native/*.c "$OUT/tables.c" "$ROOT/fuzz/harness.c" "$ROOT"/fuzz/targets*.c
      "$OUT/registry.c" "$ROOT/fuzz/driver.c")
CFLAGS="-std=c99 -g -O1 -Wall -Wextra -I$ROOT/native -I$ROOT/fuzz"
case "$TOOL" in
  valgrind)
    # shellcheck disable=SC2086
    "$CC" $CFLAGS "${SRCS[@]}" -o "$OUT/replay" -lm
    echo "memcheck: valgrind over $OUT/replay" >&2
    exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all \
      --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
      --error-exitcode=99 --quiet "$OUT/replay" "${REPLAY[@]}" "$OUT/seeds" "$@" ;;
  lsan)
    # shellcheck disable=SC2086
    "$CC" $CFLAGS -fsanitize=address,undefined -fno-sanitize-recover=all "${SRCS[@]}" -o "$OUT/replay-asan" -lm
    echo "memcheck: AddressSanitizer + LeakSanitizer over $OUT/replay-asan" >&2
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      exec "$OUT/replay-asan" "${REPLAY[@]}" "$OUT/seeds" "$@" ;;
  *) echo "memcheck: MEMCHECK must be valgrind or lsan" >&2; exit 2 ;;
esac

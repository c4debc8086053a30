/* harness.h -- the fuzz targets of textrepair's C core.
 *
 * One target per C entry point.  A target takes the fuzz input (any bytes,
 * in a buffer of exactly that size so AddressSanitizer sees every overread),
 * calls its entry point the ways callers may, and checks what the header
 * promises with FUZZ_CHECK.  Hand-written targets live in targets.c, each
 * spelled FUZZ_TARGET(entry_point_name); gen_targets.py writes the registry
 * (build/fuzz/registry.c) from the CDEF block of native/textrepair.h and
 * synthesises a generic target for every prototype that has none. */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

typedef void (*fuzz_fn)(const uint8_t *data, size_t size);

typedef struct {
    const char *name;   /* the entry point */
    fuzz_fn fn;
    int generic;        /* 1: synthesised from the prototype by gen_targets.py */
} fuzz_target;

extern const fuzz_target fuzz_targets[];
extern const size_t fuzz_target_count;

#define FUZZ_TARGET(name) void fuzz_##name(const uint8_t *data, size_t size)

/* A broken promise: report it and abort, so the fuzzer saves the input. */
void fuzz_fail(const char *what, const char *file, int line);
#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) fuzz_fail(#cond, __FILE__, __LINE__); \
    } while (0)

/* A heap copy of exactly n bytes (malloc(0) safe): out-of-bounds writes to
 * buffers the targets allocate are caught the same way. */
void *fuzz_alloc(size_t n);

/* Is s[0..n) UTF-8 as Python's encode("utf-8", "surrogatepass") writes it? */
int fuzz_valid_utf8(const uint8_t *s, size_t n);

/* Code points in s[0..n) of valid text (bytes that are not continuations). */
size_t fuzz_count_chars(const uint8_t *s, size_t n);

/* The input decoded as the core's decoder does (tr_utf8_decode), into a
 * malloc'd array of exactly *count code points. */
uint32_t *fuzz_decode(const uint8_t *s, size_t n, size_t *count);

#endif

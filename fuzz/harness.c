/* harness.c -- the libFuzzer entry point and helpers shared by the targets.
 * FUZZ_TARGET=name1,name2 in the environment restricts the run to those
 * entry points (default: every target on every input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textrepair.h"

void fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "FUZZ CHECK FAILED: %s (%s:%d)\n", what, file, line);
    fflush(stderr);
    abort();
}

void *fuzz_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "fuzz: out of memory\n");
        abort();
    }
    return p;
}

int fuzz_valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t len;
        uint32_t min;
        if (b < 0x80) { i++; continue; }
        if (b >= 0xC2 && b < 0xE0) { len = 2; min = 0x80; }
        else if (b >= 0xE0 && b < 0xF0) { len = 3; min = 0x800; }
        else if (b >= 0xF0 && b < 0xF5) { len = 4; min = 0x10000; }
        else return 0;
        if (i + len > n) return 0;
        uint32_t cp = b & (0x7F >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF) return 0;  /* surrogates pass */
        i += len;
    }
    return 1;
}

size_t fuzz_count_chars(const uint8_t *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += (s[i] & 0xC0) != 0x80;
    return count;
}

uint32_t *fuzz_decode(const uint8_t *s, size_t n, size_t *count)
{
    size_t len = 0;
    for (size_t i = 0, l; i < n; i += l) {
        tr_utf8_decode(s, n, i, &l);
        len++;
    }
    uint32_t *t = fuzz_alloc(len * sizeof *t);
    size_t k = 0;
    for (size_t i = 0, l; i < n; i += l)
        t[k++] = tr_utf8_decode(s, n, i, &l);
    *count = len;
    return t;
}

/* Is name in the comma-separated list? */
static int listed(const char *list, const char *name)
{
    size_t want = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == want && memcmp(p, name, len) == 0) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *only;
    static int looked;
    if (!looked) {
        only = getenv("FUZZ_TARGET");
        looked = 1;
    }
    for (size_t k = 0; k < fuzz_target_count; k++)
        if (!only || !*only || listed(only, fuzz_targets[k].name))
            fuzz_targets[k].fn(data, size);
    return 0;
}

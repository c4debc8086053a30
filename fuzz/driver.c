/* driver.c -- a small coverage-guided fuzzer for compilers without libFuzzer.
 *
 * gcc has no -fsanitize=fuzzer, but it has -fsanitize-coverage=trace-pc,
 * which calls __sanitizer_cov_trace_pc() at every basic block of the code
 * compiled with it (the C core).  That callback, below, counts edges into a
 * map the way AFL does; an input that reaches a new edge, or an edge a new
 * number of times (in AFL's buckets), joins the corpus.  Mutations are
 * libFuzzer's usual ones plus dictionary tokens and UTF-8 aware ones.  The
 * same LLVMFuzzerTestOneInput runs under either, with the same flags:
 *
 *   driver [-max_total_time=S] [-seed=N] [-dict=FILE] [-max_len=N]
 *          [-timeout=S] [-artifact_prefix=DIR/] [-runs=N] OUT_DIR [SEED_DIR|FILE...]
 *   driver -replay FILE|DIR...     run each input once (crash reproduction, valgrind)
 *
 * A crash (sanitizer report, failed check, timeout) writes the input to
 * ARTIFACT_PREFIX crash-<hash> before the process dies. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAP_SIZE (1u << 16)

/* ---- coverage ------------------------------------------------------------ */
static uint8_t edges[MAP_SIZE];    /* hit counts of the current input */
static uint8_t seen[MAP_SIZE];     /* every bucket any input reached */
static uintptr_t previous_block;

__attribute__((no_sanitize_address, no_sanitize_undefined))
void __sanitizer_cov_trace_pc(void)
{
    uintptr_t pc = (uintptr_t)__builtin_return_address(0);
    pc = (pc >> 4) ^ (pc << 8);
    edges[(pc ^ previous_block) & (MAP_SIZE - 1)]++;
    previous_block = pc >> 1;
}

static uint8_t bucket(uint8_t hits)
{
    if (hits <= 3) return hits == 3 ? 4 : hits;
    if (hits < 8) return 8;
    if (hits < 16) return 16;
    if (hits < 32) return 32;
    if (hits < 128) return 64;
    return 128;
}

/* Fold the current input's edges into seen; the number of new buckets. */
static size_t new_coverage(void)
{
    size_t fresh = 0;
    for (size_t k = 0; k < MAP_SIZE; k++) {
        if (!edges[k]) continue;
        uint8_t b = bucket(edges[k]);
        if (!(seen[k] & b)) {
            seen[k] |= b;
            fresh++;
        }
    }
    return fresh;
}

static size_t edges_seen(void)
{
    size_t count = 0;
    for (size_t k = 0; k < MAP_SIZE; k++) count += seen[k] != 0;
    return count;
}

/* ---- random numbers (xorshift64*) ----------------------------------------- */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_random(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}
static size_t below(size_t n) { return n ? (size_t)(next_random() % n) : 0; }

/* ---- buffers, corpus, dictionary ------------------------------------------ */
typedef struct { uint8_t *data; size_t size; } buffer;
typedef struct { buffer *items; size_t count, cap; } buffer_list;

static void push(buffer_list *list, const uint8_t *data, size_t size)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? 2 * list->cap : 64;
        list->items = realloc(list->items, list->cap * sizeof *list->items);
        if (!list->items) abort();
    }
    buffer *b = &list->items[list->count++];
    b->data = malloc(size ? size : 1);
    if (!b->data) abort();
    memcpy(b->data, data, size);
    b->size = size;
}

static void free_list(buffer_list *list)
{
    for (size_t k = 0; k < list->count; k++) free(list->items[k].data);
    free(list->items);
}

static int read_file(const char *path, buffer *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 4096, size = 0;
    uint8_t *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + size, 1, cap - size, f)) > 0) {
        size += got;
        if (size == cap) data = realloc(data, cap *= 2);
    }
    fclose(f);
    if (!data) return -1;
    out->data = data;
    out->size = size;
    return 0;
}

/* Calls fn for each regular file of path (a file or a directory). */
static void each_file(const char *path, void (*fn)(const char *, void *), void *ctx)
{
    struct stat st;
    if (stat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        fn(path, ctx);
        return;
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    for (int k = 0; k < n; k++) {
        if (names[k]->d_name[0] != '.') {
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", path, names[k]->d_name);
            if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) fn(full, ctx);
        }
        free(names[k]);
    }
    free(names);
}

static int unhex(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* libFuzzer/AFL dictionary lines: name="token" with \\ \" \xNN escapes. */
static void load_dict(const char *path, buffer_list *dict)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    if (!f) {
        fprintf(stderr, "cannot read dictionary %s\n", path);
        exit(2);
    }
    while (fgets(line, sizeof line, f)) {
        char *q = strchr(line, '"'), *end = strrchr(line, '"');
        if (line[0] == '#' || !q || end == q) continue;
        uint8_t token[512];
        size_t len = 0;
        for (char *p = q + 1; p < end && len < sizeof token; p++) {
            if (*p == '\\' && p + 1 < end) {
                p++;
                if (*p == 'x' && p + 2 < end && unhex(p[1]) >= 0 && unhex(p[2]) >= 0) {
                    token[len++] = (uint8_t)(unhex(p[1]) * 16 + unhex(p[2]));
                    p += 2;
                    continue;
                }
            }
            token[len++] = (uint8_t)*p;
        }
        if (len) push(dict, token, len);
    }
    fclose(f);
}

/* ---- the input being run, for the crash handlers --------------------------- */
static const uint8_t *current_data;
static size_t current_size;
static char artifact_prefix[2048] = "./";

static uint64_t hash_bytes(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t k = 0; k < size; k++) h = (h ^ data[k]) * 1099511628211ull;
    return h;
}

static void save_input(const char *kind, const uint8_t *data, size_t size)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%s-%016llx", artifact_prefix, kind,
             (unsigned long long)hash_bytes(data, size));
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
        fprintf(stderr, "==driver== input written to %s (%zu bytes)\n", path, size);
    }
}

static void on_death(void)
{
    if (current_data) save_input("crash", current_data, current_size);
}

static void on_signal(int sig)
{
    fprintf(stderr, "==driver== %s\n", sig == SIGALRM ? "timeout: one input ran too long" : "fatal signal");
    if (current_data) save_input(sig == SIGALRM ? "timeout" : "crash", current_data, current_size);
    current_data = NULL;  /* the death callback may run too */
    _exit(sig == SIGALRM ? 70 : 71);
}

/* Sanitizer runtimes call this before they abort (weak: absent without one). */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static unsigned timeout_seconds = 20;

/* Run one input from a heap copy of exactly its size (so overreads show). */
static void execute(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) abort();
    memcpy(copy, data, size);
    memset(edges, 0, sizeof edges);
    previous_block = 0;
    current_data = copy;
    current_size = size;
    alarm(timeout_seconds);
    LLVMFuzzerTestOneInput(copy, size);
    alarm(0);
    current_data = NULL;
    free(copy);
}

/* ---- mutation ---------------------------------------------------------- */
static const char *const interesting_utf8[] = {
    "(", ")", "?", "!", ";", "<", ">", "&", " ", "\n", "\r", "\t", "\x00", "\x7f",
    "\xc2\xa0", "\xc3\xa9", "\xc2\x85", "\xe3\x80\x80", "\xe2\x80\x8b", "\xef\xbb\xbf",
    "\xef\xbf\xbd", "\xee\x80\x80", "\xee\x86\xa2", "\xef\xa3\xbf", "\xf3\xb0\x80\x80",
    "\xed\xa0\x80", "\xed\xbf\xbf", "\xe6\x95\xb8", "\xe7\xbb\x8f", "\xe2\x82\xac",
    "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xe4", "\xe4\xb8", "\xf0\x9f", "\xff", "\xc0\x80",
    "\xe0\x80\x80", "\xf8\x88\x80\x80\x80", "\xef\xbc\x81", "\xc7\x9c", "\xcc\x80",
};

static size_t mutate(uint8_t *data, size_t size, size_t max_len, const buffer_list *corpus,
                     const buffer_list *dict)
{
    size_t rounds = 1 + below(8);
    for (size_t r = 0; r < rounds; r++) {
        switch (below(11)) {
        case 0: /* flip a bit */
            if (size) data[below(size)] ^= (uint8_t)(1u << below(8));
            break;
        case 1: /* set a byte */
            if (size) data[below(size)] = (uint8_t)next_random();
            break;
        case 2: /* erase a range */
            if (size) {
                size_t at = below(size), len = 1 + below(size - at < 16 ? size - at : 16);
                memmove(data + at, data + at + len, size - at - len);
                size -= len;
            }
            break;
        case 3: /* insert random bytes */
        {
            size_t len = 1 + below(8);
            if (size + len > max_len) break;
            size_t at = below(size + 1);
            memmove(data + at + len, data + at, size - at);
            for (size_t k = 0; k < len; k++) data[at + k] = (uint8_t)next_random();
            size += len;
            break;
        }
        case 4: /* duplicate a range (runs of the same thing) */
            if (size) {
                size_t at = below(size), len = 1 + below(size - at < 64 ? size - at : 64);
                size_t times = 1 + below(16);
                for (size_t t = 0; t < times && size + len <= max_len; t++) {
                    memmove(data + at + len, data + at, size - at);
                    size += len;
                }
            }
            break;
        case 5: case 6: /* insert or overwrite with a token */
        {
            const uint8_t *tok;
            size_t len;
            if (dict->count && below(2)) {
                const buffer *b = &dict->items[below(dict->count)];
                tok = b->data;
                len = b->size;
            } else {
                const char *t = interesting_utf8[below(sizeof interesting_utf8 / sizeof *interesting_utf8)];
                tok = (const uint8_t *)t;
                len = t[0] ? strlen(t) : 1;
            }
            size_t at = below(size + 1);
            if (below(2) && at + len <= size) {
                memcpy(data + at, tok, len);
            } else if (size + len <= max_len) {
                memmove(data + at + len, data + at, size - at);
                memcpy(data + at, tok, len);
                size += len;
            }
            break;
        }
        case 7: /* splice in a piece of another input */
            if (corpus->count) {
                const buffer *b = &corpus->items[below(corpus->count)];
                if (!b->size) break;
                size_t from = below(b->size), len = 1 + below(b->size - from < 256 ? b->size - from : 256);
                size_t at = below(size + 1);
                if (size + len > max_len) break;
                memmove(data + at + len, data + at, size - at);
                memcpy(data + at, b->data + from, len);
                size += len;
            }
            break;
        case 8: /* truncate (cuts UTF-8 sequences) */
            if (size) size = below(size + 1);
            break;
        case 9: /* replace a character with a random code point, well formed */
        {
            uint32_t cp = (uint32_t)below(4) == 0 ? (uint32_t)below(0x110000)
                                                  : 0x4E00 + (uint32_t)below(0x5200);
            uint8_t enc[4];
            size_t len;
            if (cp < 0x80) { enc[0] = (uint8_t)cp; len = 1; }
            else if (cp < 0x800) { enc[0] = 0xC0 | cp >> 6; enc[1] = 0x80 | (cp & 0x3F); len = 2; }
            else if (cp < 0x10000) {
                enc[0] = 0xE0 | cp >> 12; enc[1] = 0x80 | ((cp >> 6) & 0x3F); enc[2] = 0x80 | (cp & 0x3F); len = 3;
            } else {
                enc[0] = 0xF0 | cp >> 18; enc[1] = 0x80 | ((cp >> 12) & 0x3F);
                enc[2] = 0x80 | ((cp >> 6) & 0x3F); enc[3] = 0x80 | (cp & 0x3F); len = 4;
            }
            if (size + len > max_len) break;
            size_t at = below(size + 1);
            memmove(data + at + len, data + at, size - at);
            memcpy(data + at, enc, len);
            size += len;
            break;
        }
        default: /* swap two bytes */
            if (size > 1) {
                size_t a = below(size), b = below(size);
                uint8_t t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
            break;
        }
    }
    return size;
}

/* ---- main ---------------------------------------------------------------- */
typedef struct { buffer_list *list; } load_ctx;

static void load_one(const char *path, void *ctx_)
{
    load_ctx *ctx = ctx_;
    buffer b;
    if (read_file(path, &b) != 0) return;
    push(ctx->list, b.data, b.size);
    free(b.data);
}

static void replay_one(const char *path, void *ctx_)
{
    size_t *count = ctx_;
    buffer b;
    if (read_file(path, &b) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    execute(b.data, b.size);
    free(b.data);
    ++*count;
}

static const char *flag_value(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return strncmp(arg, name, len) == 0 && arg[len] == '=' ? arg + len + 1 : NULL;
}

int main(int argc, char **argv)
{
    double max_time = 60;
    size_t max_len = 65536, max_runs = 0;
    const char *v, *dirs[256];
    int ndirs = 0, replay = 0;
    buffer_list dict = {0}, corpus = {0}, seeds = {0};
    rng_state ^= (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull;

    for (int k = 1; k < argc; k++) {
        if ((v = flag_value(argv[k], "-max_total_time"))) max_time = atof(v);
        else if ((v = flag_value(argv[k], "-seed"))) rng_state = strtoull(v, NULL, 10) | 1;
        else if ((v = flag_value(argv[k], "-dict"))) load_dict(v, &dict);
        else if ((v = flag_value(argv[k], "-max_len"))) max_len = strtoull(v, NULL, 10);
        else if ((v = flag_value(argv[k], "-runs"))) max_runs = strtoull(v, NULL, 10);
        else if ((v = flag_value(argv[k], "-timeout"))) timeout_seconds = (unsigned)atoi(v);
        else if ((v = flag_value(argv[k], "-artifact_prefix"))) snprintf(artifact_prefix, sizeof artifact_prefix, "%s", v);
        else if (strcmp(argv[k], "-replay") == 0) replay = 1;
        else if (argv[k][0] == '-') { fprintf(stderr, "unknown flag %s\n", argv[k]); return 2; }
        else if (ndirs < 256) dirs[ndirs++] = argv[k];
    }
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(on_death);
    signal(SIGALRM, on_signal);
    signal(SIGSEGV, on_signal);  /* without a sanitizer runtime */
    signal(SIGABRT, on_signal);  /* a failed FUZZ_CHECK, or a sanitizer's abort_on_error */

    if (replay) {
        size_t count = 0;
        for (int k = 0; k < ndirs; k++) each_file(dirs[k], replay_one, &count);
        fprintf(stderr, "==driver== replayed %zu inputs: no crash\n", count);
        free_list(&dict);
        return 0;
    }
    if (ndirs == 0) {
        fprintf(stderr, "usage: %s [flags] OUT_DIR [SEED_DIR|FILE...]\n", argv[0]);
        return 2;
    }

    /* Every seed runs once (large ones too); those that reach new coverage,
     * cut to max_len, are the corpus that mutation starts from. */
    load_ctx ctx = {&seeds};
    for (int k = 0; k < ndirs; k++) each_file(dirs[k], load_one, &ctx);
    if (seeds.count == 0) push(&seeds, (const uint8_t *)"", 0);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t execs = 0;
    for (size_t k = 0; k < seeds.count; k++) {
        execute(seeds.items[k].data, seeds.items[k].size);
        execs++;
        if (new_coverage() || seeds.items[k].size <= max_len)
            push(&corpus, seeds.items[k].data, seeds.items[k].size < max_len ? seeds.items[k].size : max_len);
    }
    fprintf(stderr, "==driver== INITED: %zu seeds, corpus %zu, edges %zu\n", seeds.count, corpus.count, edges_seen());

    uint8_t *work = malloc(max_len ? max_len : 1);
    size_t added = 0;
    double elapsed = 0, last_report = 0;
    while (elapsed < max_time && (!max_runs || execs < max_runs)) {
        const buffer *parent = &corpus.items[below(corpus.count)];
        size_t size = parent->size;
        memcpy(work, parent->data, size);
        size = mutate(work, size, max_len, &corpus, &dict);
        execute(work, size);
        execs++;
        if (new_coverage()) {
            push(&corpus, work, size);
            added++;
            if (dirs[0]) {
                char path[4200];
                snprintf(path, sizeof path, "%s/%016llx", dirs[0], (unsigned long long)hash_bytes(work, size));
                FILE *f = fopen(path, "wb");
                if (f) { fwrite(work, 1, size, f); fclose(f); }
            }
        }
        if ((execs & 255) == 0) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            elapsed = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
            if (elapsed - last_report >= 10) {
                fprintf(stderr, "==driver== #%zu %.0fs corpus %zu (+%zu) edges %zu exec/s %.0f\n", execs, elapsed,
                        corpus.count, added, edges_seen(), execs / elapsed);
                last_report = elapsed;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    elapsed = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "==driver== DONE: %zu execs in %.0f s (%.0f exec/s), corpus %zu (+%zu new), edges %zu; no crash\n",
            execs, elapsed, execs / (elapsed > 0 ? elapsed : 1), corpus.count, added, edges_seen());
    free(work);
    free_list(&corpus);
    free_list(&seeds);
    free_list(&dict);
    return 0;  /* LeakSanitizer checks at exit: whatever the core leaked shows */
}

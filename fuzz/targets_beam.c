/* targets_beam.c -- fuzz targets of mojibake_beam.c (tr_mojibake_best,
 * tr_char_logp, tr_char_score).
 *
 * Both read a tr_char_model, which Python builds from data/char_model.txt;
 * here a small synthetic model stands in (a few hundred characters, bigrams
 * by a fixed rule, authored pairs on two thirds of the GBK codes, all landing
 * on modelled characters), built per input in fuzz_alloc'd buffers.  The
 * input then drives a well-formed program (so the search runs deep) and is
 * also read raw as a program (so validation meets garbage). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textrepair.h"

#define N_HAN 64
#define N_CHARS (0x7F - 0x20 + N_HAN)

typedef struct {
    tr_char_model m;
    uint32_t *cp, *uni, *followers, *preceders, *bi_start, *bi_next, *bi_count, *pair;
    int32_t *bmp;
} synth_model;

static uint32_t synth_cp(size_t i)
{
    return i < 0x7F - 0x20 ? (uint32_t)(0x20 + i) : (uint32_t)(0x4E00 + (i - (0x7F - 0x20)));
}

static int synth_bigram(size_t i, size_t j)
{
    return (i * 7 + j * 3) % 5 == 0;
}

static void synth_build(synth_model *s, uint8_t salt)
{
    size_t i, j, nb = 0;
    for (i = 0; i < N_CHARS; i++)
        for (j = 0; j < N_CHARS; j++)
            nb += synth_bigram(i, j);
    s->cp = fuzz_alloc(N_CHARS * sizeof *s->cp);
    s->uni = fuzz_alloc(N_CHARS * sizeof *s->uni);
    s->followers = fuzz_alloc(N_CHARS * sizeof *s->followers);
    s->preceders = fuzz_alloc(N_CHARS * sizeof *s->preceders);
    s->bi_start = fuzz_alloc((N_CHARS + 1) * sizeof *s->bi_start);
    s->bi_next = fuzz_alloc(nb * sizeof *s->bi_next);
    s->bi_count = fuzz_alloc(nb * sizeof *s->bi_count);
    s->pair = fuzz_alloc(65536 * sizeof *s->pair);
    s->bmp = fuzz_alloc(65536 * sizeof *s->bmp);
    for (i = 0; i < 65536; i++)  /* some entries stale on purpose: the index is checked */
        s->bmp[i] = (int32_t)(i % 3 ? -1 : (long)(i % (N_CHARS + 7)));
    memset(s->followers, 0, N_CHARS * sizeof *s->followers);
    memset(s->preceders, 0, N_CHARS * sizeof *s->preceders);
    memset(s->pair, 0, 65536 * sizeof *s->pair);
    nb = 0;
    for (i = 0; i < N_CHARS; i++) {
        s->cp[i] = synth_cp(i);
        s->bmp[s->cp[i]] = (int32_t)i;
        s->uni[i] = (uint32_t)((i * 2654435761u + salt) % 5000);  /* some zero: seen only in bigrams */
        s->bi_start[i] = (uint32_t)nb;
        for (j = 0; j < N_CHARS; j++) {
            if (!synth_bigram(i, j))
                continue;
            s->bi_next[nb] = synth_cp(j);
            s->bi_count[nb] = (uint32_t)(1 + (i + j + salt) % 90);
            s->followers[i]++;
            s->preceders[j]++;
            nb++;
        }
    }
    s->bi_start[N_CHARS] = (uint32_t)nb;
    for (i = 0x81; i <= 0xFE; i++)
        for (j = 0x40; j <= 0xFE; j++)
            if (j != 0x7F && (i + j + salt) % 3)
                s->pair[i << 8 | j] = 0x4E00 + (uint32_t)((i * 31 + j) % N_HAN);
    s->m.chars = N_CHARS;
    s->m.cp = s->cp;
    s->m.bmp_index = s->bmp;
    s->m.uni = s->uni;
    s->m.followers = s->followers;
    s->m.preceders = s->preceders;
    s->m.bi_start = s->bi_start;
    s->m.bigrams = nb;
    s->m.bi_next = s->bi_next;
    s->m.bi_count = s->bi_count;
    s->m.total = 303015126;
    s->m.vocab = N_CHARS + 1;
    s->m.types = nb;
    s->m.pair = s->pair;
}

static void synth_free(synth_model *s)
{
    free(s->cp);
    free(s->uni);
    free(s->followers);
    free(s->preceders);
    free(s->bi_start);
    free(s->bi_next);
    free(s->bi_count);
    free(s->pair);
    free(s->bmp);
}

/* A reader of the input that yields 0 once it runs out. */
typedef struct {
    const uint8_t *data;
    size_t size, at;
} reader;

static uint8_t next_byte(reader *r)
{
    return r->at < r->size ? r->data[r->at++] : 0;
}

/* Grows a malloc'd array of int32/uint32 (same size) by one value. */
static void append(uint32_t **a, size_t *len, size_t *cap, uint32_t v)
{
    if (*len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        uint32_t *na = realloc(*a, ncap * sizeof *na);
        FUZZ_CHECK(na != NULL);
        *a = na;
        *cap = ncap;
    }
    (*a)[(*len)++] = v;
}

/* Runs the search with out buffers of 0, a few and plenty of pieces and
 * checks the header's promises; returns the status with plenty of room. */
static int search(const tr_char_model *m, const int32_t *prog, size_t prog_len, const uint32_t *ann,
                  size_t ann_len, int32_t before, int32_t after, int lost)
{
    size_t caps[3] = {0, 3, 4 * prog_len + 16}, k, len = 0;
    int status = 0;
    for (k = 0; k < 3; k++) {
        int32_t *out = fuzz_alloc(caps[k] * sizeof *out);
        double score = 1.0;
        int64_t guesses = -1;
        status = tr_mojibake_best(m, prog, prog_len, ann, ann_len, before, after, lost, out, caps[k], &len,
                                  &score, &guesses);
        FUZZ_CHECK(status >= -2 && status <= 2);
        if (status == 0) {
            FUZZ_CHECK(len <= caps[k] && guesses >= 0 && !isnan(score));
            for (size_t i = 0; i < len; i++)
                FUZZ_CHECK(out[i] >= TR_PIECE_ANN - (int32_t)ann_len && out[i] <= 0x10FFFF);
        }
        if (status == 2)
            FUZZ_CHECK(len > caps[k]);
        free(out);
    }
    FUZZ_CHECK(status != 2);  /* 4 pieces per program entry is always room enough */
    return status;
}

FUZZ_TARGET(tr_mojibake_best)
{
    reader r = {data, size, 0};
    synth_model s;
    uint32_t *prog = NULL, *ann = NULL, offs[4];
    size_t prog_len = 0, prog_cap = 0, ann_len = 0, ann_cap = 0, nrec, k, i;
    uint8_t head = next_byte(&r);
    int32_t before = head & 1 ? -1 : (int32_t)synth_cp(next_byte(&r) % N_CHARS);
    int32_t after = head & 2 ? -1 : (int32_t)synth_cp(next_byte(&r) % N_CHARS);
    int lost = (head >> 2) & 1;
    synth_build(&s, head);

    /* Annotation records: characters of the model (or not), GBK codes from the input. */
    nrec = next_byte(&r) % 4;
    for (k = 0; k < nrec; k++) {
        size_t n = next_byte(&r) % 5;
        offs[k] = (uint32_t)ann_len;
        append(&ann, &ann_len, &ann_cap, (uint32_t)n);
        for (i = 0; i < n; i++) {
            uint8_t c = next_byte(&r);
            append(&ann, &ann_len, &ann_cap, c & 0x80 ? 0x4E00u + (uint32_t)(c % N_HAN) : synth_cp(c % N_CHARS));
            append(&ann, &ann_len, &ann_cap, (uint32_t)(0x81 + next_byte(&r) % 0x7E) << 8 | next_byte(&r));
        }
    }
    /* A well-formed program. */
    {
        size_t ntok = next_byte(&r) % 24, t, o, a;
        append(&prog, &prog_len, &prog_cap, (uint32_t)ntok);
        for (t = 0; t < ntok; t++) {
            size_t nopt = 1 + next_byte(&r) % 3;
            append(&prog, &prog_len, &prog_cap, (uint32_t)nopt);
            for (o = 0; o < nopt; o++) {
                size_t natom = next_byte(&r) % 5;
                append(&prog, &prog_len, &prog_cap, (uint32_t)natom);
                for (a = 0; a < natom; a++) {
                    uint8_t kind = next_byte(&r);
                    uint32_t atom;
                    if (kind < 160)
                        atom = next_byte(&r);
                    else if (kind < 180)
                        atom = TR_ATOM_U;
                    else if (kind < 200)
                        atom = TR_ATOM_PIECE;
                    else if (kind < 215)
                        atom = TR_ATOM_LOST;
                    else if (nrec)
                        atom = (kind & 1 ? TR_ATOM_ANN : TR_ATOM_ANNCHAR) + offs[kind % nrec];
                    else
                        atom = TR_ATOM_U;
                    append(&prog, &prog_len, &prog_cap, atom);
                }
            }
        }
    }
    FUZZ_CHECK(search(&s.m, (const int32_t *)prog, prog_len, ann, ann_len, before, after, lost) != -2);
    /* A truncated program, and one with an entry too many, are malformed. */
    if (prog_len > 1)
        FUZZ_CHECK(search(&s.m, (const int32_t *)prog, prog_len - 1, ann, ann_len, before, after, lost) == -2);
    append(&prog, &prog_len, &prog_cap, 0);
    FUZZ_CHECK(search(&s.m, (const int32_t *)prog, prog_len, ann, ann_len, before, after, lost) == -2);
    free(prog);
    free(ann);

    /* The raw input as a program and as an annotation table: garbage in, no crash. */
    {
        size_t words = size / 4, half = words / 2;
        uint32_t *raw = fuzz_alloc(words * sizeof *raw);
        if (words)
            memcpy(raw, data, words * sizeof *raw);
        (void)search(&s.m, (const int32_t *)raw, half, raw + half, words - half, before, after, lost);
        free(raw);
    }
    synth_free(&s);
}

FUZZ_TARGET(tr_char_logp)
{
    synth_model s;
    size_t i;
    synth_build(&s, size ? data[0] : 0);
    for (i = 0; i + 8 <= size; i += 8) {
        int32_t prev;
        uint32_t ch;
        double p;
        memcpy(&prev, data + i, 4);
        memcpy(&ch, data + i + 4, 4);
        p = tr_char_logp(&s.m, prev, ch);
        FUZZ_CHECK(!isnan(p) && p < INFINITY);
        /* A modelled pair too, so the bigram path runs. */
        p = tr_char_logp(&s.m, (int32_t)synth_cp(prev & 0x7F), synth_cp(ch % N_CHARS));
        FUZZ_CHECK(!isnan(p) && p < INFINITY);
    }
    synth_free(&s);
}

FUZZ_TARGET(tr_char_score)
{
    synth_model s;
    size_t words = size / 4, i;
    uint32_t *text;
    int32_t before = -1, after = -1;
    double whole, terms = 0.0;
    synth_build(&s, size ? data[0] : 0);
    /* The input as code points (any value, in range or not) in a buffer of its own size. */
    text = fuzz_alloc(words * sizeof *text);
    if (words)
        memcpy(text, data, words * sizeof *text);
    for (i = 0; i < words; i++)
        if (i % 2)  /* every other one a modelled character, so bigrams are met */
            text[i] = synth_cp(text[i] % N_CHARS);
    if (words >= 2) {
        before = (int32_t)synth_cp(text[0] % N_CHARS);
        after = (int32_t)(text[words - 1] & 0x1FFFFF) - 1;
    }
    whole = tr_char_score(&s.m, text, words, before, after);
    FUZZ_CHECK(!isnan(whole) && whole < INFINITY);
    /* The sum of the terms tr_char_logp gives, in order, to the bit. */
    for (i = 0; i < words; i++)
        terms = terms + tr_char_logp(&s.m, i ? (int32_t)text[i - 1] : before, text[i]);
    if (after >= 0)
        terms = terms + tr_char_logp(&s.m, words ? (int32_t)text[words - 1] : before, (uint32_t)after);
    FUZZ_CHECK(memcmp(&whole, &terms, sizeof whole) == 0 || (isinf(whole) && isinf(terms)));
    free(text);
    synth_free(&s);
}

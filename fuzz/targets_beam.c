/* targets_beam.c -- fuzz target of mojibake_beam.c (tr_mojibake_best).
 *
 * The search reads a tr_char_model, which Python points into the mapped
 * data/char_model.bin; here the small synthetic model of synth_lm.h stands
 * in (its authored pairs all land on modelled characters).  The input then
 * drives a well-formed program (so the search runs deep) and is also read
 * raw as a program (so validation meets garbage). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "synth_lm.h"
#include "textrepair.h"

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

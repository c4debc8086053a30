/* synth_lm.h -- a small synthetic language model for the fuzz targets of
 * lm.c and shift.c (included by targets_lm.c and targets_shift.c).
 *
 * The real tables are the data files Python maps (data/char_model.bin,
 * word_model.bin, fold_table.bin); here a model of a few hundred characters
 * stands in, built per input in fuzz_alloc'd buffers so AddressSanitizer
 * sees every overread: bigrams by a fixed rule in a hash table laid out as
 * the generator lays it out (some BMP index entries stale on purpose, as a
 * broken file could have them), words of two and three Han characters in
 * the trie table, a fold table that also maps into the fullwidth forms,
 * and authored GBK pairs on two thirds of the codes.  The salt varies the
 * values; salt & 1 fills every slot of the word table (no free slot). */
#ifndef FUZZ_SYNTH_LM_H
#define FUZZ_SYNTH_LM_H

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textrepair.h"

#define N_HAN 64
#define N_CHARS (0x7F - 0x20 + N_HAN)
#define N_FOLDS 16

typedef struct {
    tr_char_model m;
    tr_word_model w;
    uint32_t *cp, *bi_key, *pair, *slot, *fold_from, *fold_to;
    uint32_t *fold_bmp, *child_at, *child;  /* synth_index's look-ups, or NULL */
    uint32_t *next_at, *next, *prev_at, *prev;
    uint16_t *bmp;
    double *ln_uni, *ln_cont, *ln_gamma, *bi_logp;
} synth_model;

static uint32_t synth_cp(size_t i)
{
    return i < 0x7F - 0x20 ? (uint32_t)(0x20 + i) : (uint32_t)(0x4E00 + (i - (0x7F - 0x20)));
}

static int synth_bigram(size_t i, size_t j)
{
    return (i * 7 + j * 3) % 5 == 0;
}

/* lm.c's word_slot (the generator's child_slot). */
static size_t synth_word_slot(uint32_t parent, uint32_t cp, size_t slots)
{
    uint32_t x = parent ^ (cp * 0x9E3779B1u);
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return (size_t)(((uint64_t)x * (uint64_t)slots) >> 32);
}

/* The node (parent, cp), inserted when missing; its flags or'ed in. */
static uint32_t synth_node(synth_model *s, uint32_t parent, uint32_t cp, uint32_t flags, float logp)
{
    size_t k = synth_word_slot(parent, cp, s->w.slots), n;
    for (n = 0; n < s->w.slots; n++) {
        uint32_t *e = &s->slot[3 * k];
        if (e[0] == TR_SLOT_EMPTY) {
            e[0] = parent;
            e[1] = cp;
            e[2] = 0;
        }
        if (e[0] == parent && (e[1] & TR_WORD_CP_MASK) == cp) {
            e[1] |= flags;
            if (flags & TR_WORD_IS_WORD)
                memcpy(&e[2], &logp, sizeof logp);
            return (uint32_t)k;
        }
        k = k + 1 < s->w.slots ? k + 1 : 0;
    }
    return TR_SLOT_EMPTY;  /* full */
}

static void synth_word(synth_model *s, const uint32_t *cps, size_t len, float logp)
{
    uint32_t node = TR_WORD_ROOT;
    size_t i;
    for (i = 0; i < len && node != TR_SLOT_EMPTY; i++)
        node = synth_node(s, node, cps[i], i + 1 == len ? TR_WORD_IS_WORD : TR_WORD_HAS_CHILDREN, logp);
}

static void synth_build(synth_model *s, uint8_t salt)
{
    size_t i, j, nb = 0, slots;
    for (i = 0; i < N_CHARS; i++)
        for (j = 0; j < N_CHARS; j++)
            nb += synth_bigram(i, j);
    slots = nb + nb / 2 + 1;
    s->cp = fuzz_alloc(N_CHARS * sizeof *s->cp);
    s->bmp = fuzz_alloc(65536 * sizeof *s->bmp);
    s->ln_uni = fuzz_alloc(N_CHARS * sizeof *s->ln_uni);
    s->ln_cont = fuzz_alloc(N_CHARS * sizeof *s->ln_cont);
    s->ln_gamma = fuzz_alloc(N_CHARS * sizeof *s->ln_gamma);
    s->bi_key = fuzz_alloc(slots * sizeof *s->bi_key);
    s->bi_logp = fuzz_alloc(slots * sizeof *s->bi_logp);
    s->pair = fuzz_alloc(65536 * sizeof *s->pair);
    for (i = 0; i < 65536; i++)  /* some entries stale on purpose: the index is checked */
        s->bmp[i] = (uint16_t)(i % 3 ? TR_CHAR_NONE : i % (N_CHARS + 7));
    for (i = 0; i < slots; i++) {
        s->bi_key[i] = TR_SLOT_EMPTY;
        s->bi_logp[i] = 0.0;
    }
    memset(s->pair, 0, 65536 * sizeof *s->pair);
    for (i = 0; i < N_CHARS; i++) {
        s->cp[i] = synth_cp(i);
        s->bmp[s->cp[i]] = (uint16_t)i;
        s->ln_uni[i] = -1.0 - (double)((i * 2654435761u + salt) % 5000) / 300.0;
        s->ln_cont[i] = s->ln_uni[i] - 2.5;
        s->ln_gamma[i] = -0.25 - (double)(i % 13) / 7.0;
        for (j = 0; j < N_CHARS; j++) {
            uint32_t key = (uint32_t)i << 16 | (uint32_t)j;
            size_t k;
            if (!synth_bigram(i, j))
                continue;
            k = tr_bigram_slot(key, slots);
            while (s->bi_key[k] != TR_SLOT_EMPTY)
                k = k + 1 < slots ? k + 1 : 0;
            s->bi_key[k] = key;
            s->bi_logp[k] = -0.5 - (double)((i + j + salt) % 90) / 9.0;
        }
    }
    for (i = 0x81; i <= 0xFE; i++)
        for (j = 0x40; j <= 0xFE; j++)
            if (j != 0x7F && (i + j + salt) % 3)
                s->pair[i << 8 | j] = 0x4E00 + (uint32_t)((i * 31 + j) % N_HAN);
    s->m.chars = N_CHARS;
    s->m.cp = s->cp;
    s->m.bmp_index = s->bmp;
    s->m.ln_uni = s->ln_uni;
    s->m.ln_cont = s->ln_cont;
    s->m.ln_gamma = s->ln_gamma;
    s->m.slots = slots;
    s->m.bi_key = s->bi_key;
    s->m.bi_logp = s->bi_logp;
    s->m.ln_uni_unknown = -20.5;
    s->m.ln_cont_unknown = -23.0;
    s->m.pair = s->pair;
    s->m.next_at = NULL;  /* the probe; synth_index adds the bigram index */
    s->m.next = NULL;
    s->m.prev_at = NULL;
    s->m.prev = NULL;

    /* Words: pairs and triples of Han characters by a rule, and their prefixes. */
    s->w.chars = &s->m;
    s->w.slots = salt & 1 ? 96 : 3 * N_HAN * 4 + 1;
    s->w.ln_beta = 1.25;
    s->w.max_len = 3;
    s->slot = fuzz_alloc(3 * s->w.slots * sizeof *s->slot);
    for (i = 0; i < 3 * s->w.slots; i++)
        s->slot[i] = TR_SLOT_EMPTY;
    s->w.slot = s->slot;
    for (i = 0; i < N_HAN; i++) {
        uint32_t word[3] = {0x4E00 + (uint32_t)i, 0x4E00 + (uint32_t)((i * 5 + salt) % N_HAN),
                            0x4E00 + (uint32_t)((i * 11 + 3) % N_HAN)};
        if (i % 4)
            synth_word(s, word, 1, -3.0f - (float)(i % 7));
        synth_word(s, word, 2, -6.0f - (float)((i + salt) % 5));
        if (i % 3 == 0)
            synth_word(s, word, 3, -8.5f - (float)(i % 3));
    }
    for (i = 0; i < s->w.slots; i++)  /* a full table: every free slot taken by a node no path reaches */
        if ((salt & 1) && s->slot[3 * i] == TR_SLOT_EMPTY) {
            s->slot[3 * i] = (uint32_t)(s->w.slots + 7);
            s->slot[3 * i + 1] = 0x4E00;
            s->slot[3 * i + 2] = 0;
        }
    s->fold_from = fuzz_alloc(N_FOLDS * sizeof *s->fold_from);
    s->fold_to = fuzz_alloc(N_FOLDS * sizeof *s->fold_to);
    for (i = 0; i < N_FOLDS; i++) {
        s->fold_from[i] = 0x4E00 + (uint32_t)(3 * i + 1);
        s->fold_to[i] = i % 5 == 0 ? 0xFF21 + (uint32_t)i : 0x4E00 + (uint32_t)((i * 7 + salt) % N_HAN);
    }
    s->w.folds = N_FOLDS;
    s->w.fold_from = s->fold_from;
    s->w.fold_to = s->fold_to;
    s->w.fold_bmp = NULL;  /* the search and the probe; synth_index adds the look-ups */
    s->w.child_at = NULL;
    s->w.child = NULL;
    s->fold_bmp = s->child_at = s->child = NULL;
    s->next_at = s->next = s->prev_at = s->prev = NULL;
}

/* The look-ups the C core may be given (tr_word_model.fold_bmp, child_at,
 * child), made as _cext makes them and attached to the model: every result
 * must stay the same to the bit. */
static inline void synth_index(synth_model *s)
{
    uint32_t *every = fuzz_alloc(0x10000 * sizeof *every);
    size_t c, n;
    for (c = 0; c < 0x10000; c++)
        every[c] = (uint32_t)c;
    s->fold_bmp = fuzz_alloc(0x10000 * sizeof *s->fold_bmp);
    tr_lm_fold(&s->w, every, 0x10000, s->fold_bmp);
    free(every);
    s->child_at = fuzz_alloc((s->w.slots + 1) * sizeof *s->child_at);
    s->child = fuzz_alloc(2 * s->w.slots * sizeof *s->child);
    n = tr_word_children(&s->w, s->child_at, s->child, s->w.slots);
    FUZZ_CHECK(n <= s->w.slots);
    s->w.fold_bmp = s->fold_bmp;
    s->w.child_at = s->child_at;
    s->w.child = s->child;
    s->next_at = fuzz_alloc((s->m.chars + 1) * sizeof *s->next_at);
    s->next = fuzz_alloc(2 * s->m.slots * sizeof *s->next);
    s->prev_at = fuzz_alloc((s->m.chars + 1) * sizeof *s->prev_at);
    s->prev = fuzz_alloc(2 * s->m.slots * sizeof *s->prev);
    n = tr_char_bigrams(&s->m, s->next_at, s->next, s->prev_at, s->prev, s->m.slots);
    FUZZ_CHECK(n <= s->m.slots);  /* the synthetic table holds each key once */
    s->m.next_at = s->next_at;
    s->m.next = s->next;
    s->m.prev_at = s->prev_at;
    s->m.prev = s->prev;
}

/* Back to the search and the probe. */
static inline void synth_unindex(synth_model *s)
{
    s->w.fold_bmp = s->w.child_at = s->w.child = NULL;
    s->m.next_at = s->m.next = s->m.prev_at = s->m.prev = NULL;
}

static void synth_free(synth_model *s)
{
    free(s->fold_bmp);
    free(s->child_at);
    free(s->child);
    free(s->next_at);
    free(s->next);
    free(s->prev_at);
    free(s->prev);
    free(s->cp);
    free(s->bmp);
    free(s->ln_uni);
    free(s->ln_cont);
    free(s->ln_gamma);
    free(s->bi_key);
    free(s->bi_logp);
    free(s->pair);
    free(s->slot);
    free(s->fold_from);
    free(s->fold_to);
}

#endif

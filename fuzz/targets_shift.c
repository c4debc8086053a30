/* targets_shift.c -- fuzz targets of shift.c (tr_shift_judge, tr_shift_paths,
 * tr_slot_fillers).
 *
 * They read the synthetic model of synth_lm.h (its authored pairs all land
 * on modelled characters; tr_shift_judge's encoder is their inverse, with
 * the marks and fullwidth forms on codes of their own).  tr_shift_judge:
 * the input picks a run, its contexts and the constants from a palette of
 * what damaged runs hold (modelled characters, ?!;, annotations with real
 * syllables, private-use characters, paired marks, any code point), and is
 * also read raw as text; each call is made twice, first with no room to
 * learn the size, and the target checks what the header promises of the
 * verdict (its fields agree, its reading fits the promised room, a second
 * call gives the same bits).  tr_shift_paths: the input drives well-formed
 * annotation records and a well-formed program (so the search runs deep),
 * and is also read raw as a program and a table (so validation meets
 * garbage); each call is made twice, first with no room to learn the size,
 * and the target checks what the header promises of the paths and records.
 * tr_slot_fillers: readings are checked against the slots and their order
 * against scores recomputed term by term, to the bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "synth_lm.h"
#include "textrepair.h"

typedef struct {
    const uint8_t *data;
    size_t size, at;
} reader;

static uint8_t next_byte(reader *r)
{
    return r->at < r->size ? r->data[r->at++] : 0;
}

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

/* Checks the output of a successful call: items in range, records
 * well-formed and exactly filling the rest, paths distinct and ordered. */
static void check_paths(const tr_shift_path *paths, size_t npaths, const int32_t *out, size_t len, uint32_t texts)
{
    size_t k, i, at = 0, nrec = 0, maxslot = 0, start[TR_SHIFT_PATHS + 1];
    int any_slot = 0;
    FUZZ_CHECK(npaths <= TR_SHIFT_PATHS);
    start[0] = 0;
    for (k = 0; k < npaths; k++) {
        double adj = paths[k].score - (double)TR_SHIFT_GUESS_COST * (double)paths[k].guesses;
        FUZZ_CHECK(paths[k].guesses >= 0 && !isnan(paths[k].score));
        if (k) {
            double prev = paths[k - 1].score - (double)TR_SHIFT_GUESS_COST * (double)paths[k - 1].guesses;
            FUZZ_CHECK(!(adj > prev));  /* best first */
        }
        FUZZ_CHECK(paths[k].items <= len - at);
        for (i = at; i < at + paths[k].items; i++) {
            int32_t v = out[i];
            if (v <= TR_ITEM_SLOT) {
                size_t id = (size_t)(TR_ITEM_SLOT - v);
                FUZZ_CHECK(id <= maxslot + (any_slot ? 1 : 0));  /* numbered in order of first use */
                if (!any_slot || id > maxslot)
                    maxslot = id;
                any_slot = 1;
            } else if (v < 0) {
                FUZZ_CHECK((uint32_t)(TR_ITEM_TEXT - v) < texts);
            } else {
                FUZZ_CHECK(v <= 0x10FFFF);
            }
        }
        at += paths[k].items;
        start[k + 1] = at;
    }
    for (k = 0; k < npaths; k++)  /* distinct */
        for (i = 0; i < k; i++)
            FUZZ_CHECK(start[k + 1] - start[k] != start[i + 1] - start[i] ||
                       memcmp(out + start[k], out + start[i], (start[k + 1] - start[k]) * sizeof *out) != 0);
    while (at < len) {  /* the slot records fill the rest exactly */
        size_t n;
        FUZZ_CHECK(len - at >= 3);
        FUZZ_CHECK(out[at] >= TR_SLOT_LEAD && out[at] <= TR_SLOT_HITRAIL && out[at + 1] >= 0 && out[at + 1] <= 255);
        n = (size_t)out[at + 2];
        FUZZ_CHECK(out[at + 2] >= 0 && n <= 190 && n <= len - at - 3);
        for (i = 0; i < n; i++)
            FUZZ_CHECK(out[at + 3 + i] > 0);
        at += 3 + n;
        nrec++;
    }
    FUZZ_CHECK(at == len && nrec == (any_slot ? maxslot + 1 : 0));
}

/* Runs the search with no room, then with exactly the room it asked for;
 * returns the status. */
static int search(const tr_char_model *m, const int32_t *prog, size_t prog_len, const uint32_t *ann,
                  size_t ann_len, int32_t before, int32_t after, int lost, uint32_t texts)
{
    tr_shift_path paths[TR_SHIFT_PATHS];
    size_t npaths = 99, need = 0, len = 0;
    int32_t *out = fuzz_alloc(0);
    int status = tr_shift_paths(m, prog, prog_len, ann, ann_len, before, after, lost, paths, &npaths, out, 0, &need);
    free(out);
    FUZZ_CHECK(status >= -2 && status <= 2 && status != 1);
    if (status == -2 || status == -1)
        return status;
    FUZZ_CHECK(status == 2 ? need > 0 : need == 0);
    out = fuzz_alloc(need * sizeof *out);
    status = tr_shift_paths(m, prog, prog_len, ann, ann_len, before, after, lost, paths, &npaths, out, need, &len);
    FUZZ_CHECK(status == 0 || status == -1);
    if (status == 0) {
        FUZZ_CHECK(len == need);
        check_paths(paths, npaths, out, len, texts);
    }
    free(out);
    return status;
}

/* A character for a record or a slot: a modelled Han character mostly (the
 * synthetic pairs decode to them), sometimes another modelled one or any. */
static uint32_t some_char(reader *r)
{
    uint8_t c = next_byte(r);
    if (c < 200)
        return 0x4E00u + (uint32_t)(c % N_HAN);
    if (c < 240)
        return synth_cp(c % N_CHARS);
    return 0xFF01u + (uint32_t)(c % 0x5E);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

FUZZ_TARGET(tr_shift_paths)
{
    reader r = {data, size, 0};
    synth_model s;
    uint32_t *prog = NULL, *ann = NULL, offs[4], chars[8];
    size_t prog_len = 0, prog_cap = 0, ann_len = 0, ann_cap = 0, nrec, k, i;
    uint8_t head = next_byte(&r);
    int32_t before = head & 1 ? -1 : (int32_t)synth_cp(next_byte(&r) % N_CHARS);
    int32_t after = head & 2 ? -1 : (int32_t)synth_cp(next_byte(&r) % N_CHARS);
    int lost = (head >> 2) & 1;
    uint32_t texts = 3;
    synth_build(&s, head);

    /* Records: sorted distinct characters with their bytes, an item each. */
    nrec = next_byte(&r) % 4;
    for (k = 0; k < nrec; k++) {
        size_t n = next_byte(&r) % 7, m = 0;
        uint8_t it = next_byte(&r);
        for (i = 0; i < n; i++)
            chars[i] = some_char(&r);
        qsort(chars, n, sizeof *chars, cmp_u32);
        for (i = 0; i < n; i++)
            if (!m || chars[i] != chars[m - 1])
                chars[m++] = chars[i];
        offs[k] = (uint32_t)ann_len;
        append(&ann, &ann_len, &ann_cap, (uint32_t)m);
        append(&ann, &ann_len, &ann_cap, it & 1 ? TR_SHIFT_TEXT + it % texts : synth_cp(it % N_CHARS));
        for (i = 0; i < m; i++) {
            uint8_t b = next_byte(&r);
            append(&ann, &ann_len, &ann_cap, chars[i]);
            append(&ann, &ann_len, &ann_cap, b < 16 ? 1u << 16 | next_byte(&r)
                                                     : 2u << 16 | (uint32_t)(0x81 + b % 0x7E) << 8 | next_byte(&r));
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
                    if (kind < 140)
                        atom = next_byte(&r);
                    else if (kind < 158)
                        atom = TR_ATOM_U;
                    else if (kind < 165)
                        atom = TR_ATOM_UHI;
                    else if (kind < 185)
                        atom = TR_ATOM_PIECE;
                    else if (kind < 195)
                        atom = TR_ATOM_LOST;
                    else if (kind < 205)
                        atom = TR_ATOM_ALONE;
                    else if (kind < 220)
                        atom = TR_ATOM_DROPPAIR;
                    else if (nrec)
                        atom = (kind & 1 ? TR_ATOM_ANN : TR_ATOM_ANNCHAR) + offs[kind % nrec];
                    else
                        atom = TR_ATOM_U;
                    append(&prog, &prog_len, &prog_cap, atom);
                }
            }
        }
    }
    FUZZ_CHECK(search(&s.m, (const int32_t *)prog, prog_len, ann, ann_len, before, after, lost, texts) != -2);
    /* A truncated program, one with an entry too many, and a record offset
     * that is no record's start are malformed. */
    if (prog_len > 1)
        FUZZ_CHECK(search(&s.m, (const int32_t *)prog, prog_len - 1, ann, ann_len, before, after, lost, texts) == -2);
    if (ann_len > 1) {
        uint32_t bad[4] = {1, 1, 1, TR_ATOM_ANN + 1};
        FUZZ_CHECK(search(&s.m, (const int32_t *)bad, 4, ann, ann_len, before, after, lost, texts) == -2);
    }
    append(&prog, &prog_len, &prog_cap, 0);
    FUZZ_CHECK(search(&s.m, (const int32_t *)prog, prog_len, ann, ann_len, before, after, lost, texts) == -2);
    free(prog);
    free(ann);

    /* The raw input as a program and as a table: garbage in, no crash. */
    {
        size_t words = size / 4, half = words / 2;
        uint32_t *raw = fuzz_alloc(words * sizeof *raw);
        if (words)
            memcpy(raw, data, words * sizeof *raw);
        (void)search(&s.m, (const int32_t *)raw, half, raw + half, words - half, before, after, lost, texts);
        free(raw);
    }
    synth_free(&s);
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static uint32_t fold_cp(uint32_t c)
{
    return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
}

FUZZ_TARGET(tr_slot_fillers)
{
    reader r = {data, size, 0};
    synth_model s;
    uint8_t head = next_byte(&r);
    size_t slots = next_byte(&r) % 5, width = next_byte(&r) % 80, k, i, j, count = 99, total = 0, from;
    size_t *ends = fuzz_alloc(slots * sizeof *ends);
    uint32_t *chars, *out;
    int32_t prev = head & 1 ? -1 : (int32_t)synth_cp(next_byte(&r) % N_CHARS);
    int32_t next = head & 2 ? -1 : (int32_t)some_char(&r);
    double last_score = 0.0;
    synth_build(&s, head);
    for (k = 0; k < slots; k++) {
        total += next_byte(&r) % 9;
        ends[k] = total;
    }
    chars = fuzz_alloc(total * sizeof *chars);
    for (i = 0; i < total; i++)
        chars[i] = some_char(&r);
    out = fuzz_alloc(width * slots * sizeof *out);
    FUZZ_CHECK(tr_slot_fillers(&s.m, chars, ends, slots, prev, next, width, out, &count) == 0);
    if (!slots) {
        FUZZ_CHECK(count == 1);
    } else {
        FUZZ_CHECK(count <= width);
    }
    for (j = 0; j < (slots ? count : 0); j++) {
        /* Each character is a folded character of its slot; the score of each
         * reading, recomputed term by term, does not rise down the list. */
        double score = 0.0, lp;
        int32_t last = prev;
        for (k = 0, from = 0; k < slots; from = ends[k], k++) {
            uint32_t c = out[j * slots + k];
            int found = 0;
            for (i = from; i < ends[k] && !found; i++)
                found = fold_cp(chars[i]) == c;
            FUZZ_CHECK(found);
            lp = tr_char_logp(&s.m, last, c);
            score = score + lp;
            last = (int32_t)c;
        }
        if (next >= 0) {
            lp = tr_char_logp(&s.m, last, (uint32_t)next);
            score = score + lp;
        }
        FUZZ_CHECK(!isnan(score));
        FUZZ_CHECK(j == 0 || !(score > last_score) || same_bits(score, last_score));
        last_score = score;
        for (i = 0; i < j; i++)  /* distinct */
            FUZZ_CHECK(memcmp(&out[i * slots], &out[j * slots], slots * sizeof *out) != 0);
    }
    {  /* the same readings with the bigram index */
        uint32_t *again = fuzz_alloc(width * slots * sizeof *again);
        size_t count2 = 99;
        synth_index(&s);
        FUZZ_CHECK(tr_slot_fillers(&s.m, chars, ends, slots, prev, next, width, again, &count2) == 0);
        FUZZ_CHECK(count2 == count && (!slots || !count || !memcmp(again, out, count * slots * sizeof *out)));
        synth_unindex(&s);
        free(again);
    }
    if (slots > 1 && ends[0] > 0) {  /* decreasing ends are refused */
        size_t bad[2] = {ends[0], ends[0] - 1};
        FUZZ_CHECK(tr_slot_fillers(&s.m, chars, bad, 2, prev, next, width, out, &count) == -2);
    }
    free(out);
    free(chars);
    free(ends);
    synth_free(&s);
}


/* ---- tr_shift_judge ------------------------------------------------------------ */

typedef struct {
    uint32_t *v;
    size_t len, cap;
} cps;

static void put_cp(cps *c, uint32_t v)
{
    append(&c->v, &c->len, &c->cap, v);
}

static void put_text(cps *c, const char *utf8)
{
    size_t n = strlen(utf8), i = 0, len;
    while (i < n) {
        put_cp(c, tr_utf8_decode((const uint8_t *)utf8, n, i, &len));
        i += len;
    }
}

/* Up to max characters of what damaged runs hold, picked by the input. */
static void palette(reader *r, cps *c, size_t max)
{
    static const char *snippets[] = {"(shù)", "?shu)", "(jīng)", "?!?", "(wù)", "(Shu)", "?jing)", "(\xcc\x81)",
                                     "(bào)", "?!", "\xe3\x80\x82\xe2\x80\x9d", "(zh\xc7\x8eng)"};
    static const char letters[] = "shujingwbaoZ";
    static const uint32_t marks[] = {0x3002, 0x3001, 0x201C, 0x201D, 0x300C, 0x300D, 0x3010, 0x3011, 0x300A,
                                     0x300B, 0xFF0C, 0xFF01, 0xE0, 0x16B, 0x1D0, 0xF9};
    size_t n = next_byte(r) % (max + 1), k;
    for (k = 0; k < n && r->at < r->size; k++) {
        uint8_t b = next_byte(r);
        if (b < 64)
            put_cp(c, 0x4E00u + (uint32_t)(b % N_HAN));
        else if (b < 80)
            put_cp(c, '?');
        else if (b < 88)
            put_cp(c, '!');
        else if (b < 92)
            put_cp(c, ';');
        else if (b < 96)
            put_cp(c, ',');
        else if (b < 102)
            put_cp(c, '(');
        else if (b < 106)
            put_cp(c, ')');
        else if (b < 122)
            put_cp(c, (uint32_t)letters[b % (sizeof letters - 1)]);
        else if (b < 126)
            put_cp(c, b & 1 ? '\n' : '\r');
        else if (b < 140)
            put_cp(c, (uint32_t)"aZ09Xb<>/ "[b % 10]);
        else if (b < 148)
            put_cp(c, 0xE000u + b);
        else if (b < 152)
            put_cp(c, 0x20AC);
        else if (b < 160)
            put_cp(c, 0xFF01u + (uint32_t)(b * 7 % 0x5E));
        else if (b < 176)
            put_cp(c, marks[b % 16]);
        else if (b < 200)
            put_text(c, snippets[b % 12]);
        else if (b < 250)
            put_cp(c, 0x4E00u + (uint32_t)next_byte(r) * 37u);  /* a character the model's codec cannot write */
        else
            put_cp(c, ((uint32_t)next_byte(r) << 16 | (uint32_t)next_byte(r) << 8 | next_byte(r)) % 0x110000u);
    }
}

/* synth_build's pairs inverted, with codes for €, the marks, fullwidth and private-use forms. */
static uint16_t *synth_encoder(const synth_model *s)
{
    uint16_t *enc = fuzz_alloc(65536 * sizeof *enc);
    uint32_t code, k;
    memset(enc, 0, 65536 * sizeof *enc);
    for (code = 0x8140; code <= 0xFEFE; code++)
        if (s->pair[code] >= 0x80 && s->pair[code] < 0x10000)
            enc[s->pair[code]] = (uint16_t)code;
    enc[0x20AC] = 0x80;
    enc[0x3001] = 0xA1A2;
    enc[0x3002] = 0xA1A3;
    enc[0x201C] = 0xA1B0;
    enc[0x201D] = 0xA1B1;
    for (k = 0; k < 0x5E; k++)
        enc[0xFF01 + k] = (uint16_t)(0xA3A1 + k);
    for (k = 0; k < 0x5E; k++)
        enc[0xE000 + k] = (uint16_t)(0xAAA1 + k);
    return enc;
}

static int is_opener(uint32_t c)
{
    static const uint32_t open[] = {0x201C, 0x2018, 0x300C, 0x300E, 0x3010, 0x300A, 0x3008, 0x3014, 0x3016, '(', '['};
    size_t k;
    for (k = 0; k < sizeof open / sizeof open[0]; k++)
        if (open[k] == c)
            return 1;
    return 0;
}

static int in_range(const cps *c)
{
    size_t k;
    for (k = 0; k < c->len; k++)
        if (c->v[k] > 0x10FFFF)
            return 0;
    return 1;
}

/* Judges the run twice (no room, then the room it asked for) and checks the verdict. */
/* sm2: the same model with the word model's look-ups (synth_index), for the repeat. */
static void judge(const tr_shift_model *sm, const tr_shift_model *sm2, const cps *run, const cps *left, const cps *right,
                  const cps *opened, int keeps_pua)
{
    tr_shift_verdict v, w;
    size_t need = 99, len = 0, k;
    uint32_t *out = fuzz_alloc(0), *again;
    int valid = sm->params.fillers > 0 && in_range(run) && in_range(left) && in_range(right);
    int status = tr_shift_judge(sm, run->v, run->len, left->v, left->len, right->v, right->len, opened->v,
                                opened->len, keeps_pua, &v, out, 0, &need);
    free(out);
    for (k = 0; k < opened->len; k++)
        valid = valid && is_opener(opened->v[k]);
    FUZZ_CHECK(status >= -2 && status <= 2);
    FUZZ_CHECK(valid ? status != -2 : status == -2);
    if (status < 0 || status == 1) {
        FUZZ_CHECK(need == 0 && !v.apply && !v.near_cut && v.reason == 0);
        return;
    }
    FUZZ_CHECK(status == 2 ? need > 0 : need == 0);
    FUZZ_CHECK(need <= 3 * run->len + 16);
    out = fuzz_alloc(need * sizeof *out);
    status = tr_shift_judge(sm, run->v, run->len, left->v, left->len, right->v, right->len, opened->v, opened->len,
                            keeps_pua, &v, out, need, &len);
    FUZZ_CHECK(status == 0 || status == -1);
    if (status == 0) {
        FUZZ_CHECK(len == need);
        FUZZ_CHECK(v.apply == 0 || v.apply == 1);
        FUZZ_CHECK(v.certain == v.apply && (v.near_cut == 0 || v.near_cut == 1) && !(v.apply && v.near_cut));
        FUZZ_CHECK(v.reason >= TR_SHIFT_REASON_NONE && v.reason <= TR_SHIFT_REASON_NO_BYTE);
        FUZZ_CHECK((v.reason != TR_SHIFT_REASON_NONE) == (v.near_cut != 0));
        FUZZ_CHECK(v.apply || v.near_cut || (len == 0 && v.score == -INFINITY && v.confidence == 0.0));
        FUZZ_CHECK(!(v.confidence < 0.0) && !(v.confidence > 1.0 + 1e-9));
        for (k = 0; k < len; k++)
            FUZZ_CHECK(out[k] <= 0x10FFFF);
        /* The same bits again, with the look-ups. */
        again = fuzz_alloc(need * sizeof *again);
        if (tr_shift_judge(sm2, run->v, run->len, left->v, left->len, right->v, right->len, opened->v, opened->len,
                           keeps_pua, &w, again, need, &len) == 0) {
            FUZZ_CHECK(len == need && !memcmp(out, again, need * sizeof *out));
            FUZZ_CHECK(w.apply == v.apply && w.certain == v.certain && w.near_cut == v.near_cut &&
                       w.reason == v.reason && same_bits(w.confidence, v.confidence) && same_bits(w.score, v.score));
        }
        free(again);
    }
    free(out);
}

FUZZ_TARGET(tr_shift_judge)
{
    reader r = {data, size, 0};
    synth_model s;
    tr_shift_model sm, sm2;
    tr_word_model plain, indexed;
    tr_char_model plain_m, indexed_m;
    cps run = {NULL, 0, 0}, left = {NULL, 0, 0}, right = {NULL, 0, 0}, opened = {NULL, 0, 0}, raw = {NULL, 0, 0};
    uint8_t head = next_byte(&r), knobs = next_byte(&r);
    size_t k, n;
    synth_build(&s, head);
    sm.chars = &s.m;
    sm.words = &s.w;
    sm.encode = synth_encoder(&s);
    sm.params.margin = 10.0;
    sm.params.salad = head & 2 ? 12.0 : -3.0;
    sm.params.page_prior = head & 4 ? 10.0 : 0.5;
    sm.params.pua_gap = head & 32 ? 8.0 : 1.9;
    sm.params.share_temperature = head & 16 ? 2.0 : 1.0;
    sm.params.bigram_weight = head & 8 ? 0.25 : 1.5;
    sm.params.context = knobs & 16 ? knobs % 11 : 8;
    sm.params.judged_paths = knobs & 32 ? knobs % 9 : 4;
    sm.params.fillers = knobs == 255 ? 0 : knobs & 64 ? 1 + knobs % 80 : 64;
    sm.params.word_reach = knobs & 128 ? knobs % 8 : 6;
    sm.params.free_slots = knobs & 64 ? 0 : 2;
    plain = s.w;
    plain_m = s.m;
    synth_index(&s);
    indexed = s.w;
    indexed_m = s.m;
    s.w = plain;
    s.m = plain_m;
    sm2 = sm;
    sm2.words = &indexed;
    sm2.chars = &indexed_m;
    palette(&r, &run, 40);
    palette(&r, &left, 8);
    palette(&r, &right, 8);
    n = next_byte(&r) % 4;
    for (k = 0; k < n; k++) {
        uint8_t b = next_byte(&r);
        put_cp(&opened, b == 255 ? 'a' : (uint32_t[]){0x201C, 0x2018, 0x300C, 0x300E, 0x3010, 0x300A, 0x3008,
                                                      0x3014, 0x3016, '(', '['}[b % 11]);
    }
    if (!opened.v)
        opened.v = fuzz_alloc(0);
    if (!run.v)
        run.v = fuzz_alloc(0);
    if (!left.v)
        left.v = fuzz_alloc(0);
    if (!right.v)
        right.v = fuzz_alloc(0);
    judge(&sm, &sm2, &run, &left, &right, &opened, head & 16);
    /* The raw input as the run: garbage in, no crash. */
    raw.v = fuzz_decode(data, size < 2048 ? size : 2048, &raw.len);
    judge(&sm, &sm2, &raw, &left, &right, &opened, head & 32);
    free(raw.v);
    free(run.v);
    free(left.v);
    free(right.v);
    free(opened.v);
    free((void *)sm.encode);
    synth_free(&s);
}

/* ---- tr_shift_quiet ------------------------------------------------------------ */

/* Calls it on t with runs from the input (some outside t: refused) and checks
 * what the header promises: 1 or 0 for runs inside t, -2 for one outside, the
 * same answer twice, and "not quiet" whenever one run alone is not. */
static void quiet(const tr_char_model *m, reader *r, const cps *t, int marks)
{
    size_t runs[2 * 6], nruns = next_byte(r) % 7, k, n = t->len, piece;
    uint8_t weak[6];
    int outside = 0, status, alone;
    for (k = 0; k < nruns; k++) {
        size_t a = n ? next_byte(r) % (n + 2) : next_byte(r) % 2, b = a + next_byte(r) % 48;
        runs[2 * k] = a;
        runs[2 * k + 1] = b;
        outside = outside || b > n;
    }
    piece = next_byte(r) % 64;
    status = tr_shift_quiet(m, t->v, n, runs, nruns, marks, next_byte(r) % 12, piece, -8.0);
    FUZZ_CHECK(status >= -2 && status <= 1);
    FUZZ_CHECK(outside || piece < 2 ? status == -2 : status != -2);
    if (piece < 2 && !outside)
        status = tr_shift_quiet(m, t->v, n, runs, nruns, marks, 8, 48, -8.0);
    FUZZ_CHECK(tr_shift_weak(m, t->v, n, runs, nruns, weak, next_byte(r) % 12, -8.0) == (outside ? -2 : 0));
    if (status < 0)
        return;
    FUZZ_CHECK(tr_shift_quiet(m, t->v, n, runs, nruns, marks, 8, 48, -8.0) ==
               tr_shift_quiet(m, t->v, n, runs, nruns, marks, 8, 48, -8.0));
    /* tr_shift_alone finds a run alone exactly when tr_shift_quiet says a page with no runs is not quiet */
    {
        size_t pairs[2 * 4], count = 99;
        int st = tr_shift_alone(m, t->v, n, NULL, 0, 48, -8.0, pairs, 4, &count);
        FUZZ_CHECK(st == 0 || st == 2);
        FUZZ_CHECK(st == 2 ? count > 4 : count <= 4);
        FUZZ_CHECK((count == 0) == (tr_shift_quiet(m, t->v, n, NULL, 0, 1, 8, 48, -8.0) == 1));
        for (k = 0; k < count && k < 4; k++)
            FUZZ_CHECK(pairs[2 * k] < pairs[2 * k + 1] && pairs[2 * k + 1] <= n && (!k || pairs[2 * k] > pairs[2 * k - 2]));
        st = tr_shift_alone(m, t->v, n, runs, nruns, 48, -8.0, pairs, 4, &count);  /* runs as taken: any order */
        FUZZ_CHECK(st == 0 || st == 2);
    }
    /* tr_shift_weak says of each run what tr_shift_quiet says of it alone */
    FUZZ_CHECK(tr_shift_weak(m, t->v, n, runs, nruns, weak, 8, -8.0) == 0 || nruns == 0);
    for (k = 0; k < nruns; k++) {
        alone = tr_shift_quiet(m, t->v, n, runs + 2 * k, 1, 0, 8, 48, -8.0);
        FUZZ_CHECK(alone == 0 || alone == 1);
        FUZZ_CHECK(weak[k] == alone);
        if (!alone)
            FUZZ_CHECK(tr_shift_quiet(m, t->v, n, runs, nruns, marks, 8, 48, -8.0) == 0);
    }
}

void fuzz_tr_shift_quiet(const uint8_t *data, size_t size);

FUZZ_TARGET(tr_shift_alone)
{
    fuzz_tr_shift_quiet(data, size);
}

FUZZ_TARGET(tr_shift_weak)
{
    fuzz_tr_shift_quiet(data, size);  /* the same checks cover both */
}

FUZZ_TARGET(tr_shift_quiet)
{
    reader r = {data, size, 0};
    synth_model s;
    cps text = {NULL, 0, 0}, raw = {NULL, 0, 0};
    uint8_t head = next_byte(&r);
    synth_build(&s, head);
    palette(&r, &text, 80);
    if (!text.v)
        text.v = fuzz_alloc(0);
    quiet(&s.m, &r, &text, head & 1);
    /* The raw input as the text: garbage in, no crash. */
    raw.v = fuzz_decode(data, size < 2048 ? size : 2048, &raw.len);
    if (raw.v && in_range(&raw))
        quiet(&s.m, &r, &raw, head & 2);
    free(raw.v);
    free(text.v);
    synth_free(&s);
}

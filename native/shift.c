/* shift.c -- the structure search of a GBK byte-shift run (tr_shift_paths)
 * and the bigram beam over a group of slots (tr_slot_fillers).
 *
 * Twin: textrepair._fallback.shift (the specification; its docstring explains
 * states, atoms and slots).  This file adds the same doubles of the model
 * (data/char_model.bin) in the same order, so scores agree to the bit, and it
 * reproduces Python's tie-breaking: _merge keeps, per key, the first state of
 * the lowest rank at the key's first position (a dict keeps insertion order),
 * and sorted() is stable, so ties in rank go by that position; max() keeps
 * the first of equal values.
 *
 * Floating point: every multiply and add below is its own statement, so no
 * compiler may fuse one into an FMA (Python rounds each step too).
 *
 * A slot (a character whose bytes are partly lost) is interned per call by
 * value -- kind, byte and characters, as the twin's Slot compares -- so two
 * slots are equal exactly when their ids are.  A state's output is a chain
 * of arena nodes (parent, item), as the twin's cons list.  No globals: all
 * memory hangs off one context that the entry point frees before it returns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "textrepair.h"

#define P_NONE (-1) /* pending: the decoder is in step */
#define P_U (-2)    /* pending: an unknown lead byte */
#define NONE (-1)   /* prevbyte, lastpair, need: None; prevchar: "" */
/* lastpair, prevchar and items name slot id as TR_ITEM_SLOT - id. */
#define SLOT_REF(id) (TR_ITEM_SLOT - (int32_t)(id))
#define IS_SLOT(v) ((v) <= TR_ITEM_SLOT)
#define SLOT_ID(v) ((size_t)(TR_ITEM_SLOT - (v)))
#define MAX_SLOTS ((size_t)1 << 24)
#define MAX_TEXTS ((uint32_t)1 << 24)
#define NO_SLOT (-2)  /* full[][]: the kind and byte allow no character */

typedef struct {
    double score;
    int64_t guesses;
    int32_t pending;   /* P_NONE, P_U or a lead byte */
    int32_t prevbyte;  /* the byte before the pending lead, or NONE */
    int32_t lastpair;  /* the character (raw) or slot the last step's pair formed, or NONE */
    int32_t prevchar;  /* the last character (shown) or slot, or NONE for "" */
    int32_t need;      /* the byte the next piece must start with, or NONE */
    int32_t out;       /* arena node of the last item, or -1 */
} sstate;

typedef struct {
    sstate *v;
    size_t len, cap;
} svec;

typedef struct {
    int32_t *v;
    size_t len, cap;
} ivec;

typedef struct {
    uint8_t kind, byte;
    size_t start, len;   /* characters in the pool */
    int32_t next;        /* the next slot of this kind and byte, or -1 */
    int32_t best_uni;    /* the first character of the highest unigram (shown), or -1: not yet */
} slot_info;

typedef struct {
    const tr_char_model *m;
    const uint32_t *ann;
    int32_t *parent, *item;  /* the output arena */
    size_t nodes, node_cap;
    slot_info *slots;
    size_t nslots, slot_cap;
    ivec pool;               /* characters of the slots */
    int32_t full[4][256];    /* Slot.of(kind, byte): an id, NO_SLOT, or -1: not yet made */
    int32_t head[4][256];    /* the first slot of each kind and byte, or -1 */
    uint32_t *slot_stamp, *slot_index;  /* the merge's hash table */
    size_t slot_cap_tbl;
    uint32_t stamp;
    uint64_t *memo_keys;        /* logp terms with a slot: prev << 32 | ch, or MEMO_EMPTY */
    double *memo_values;
    size_t memo_len, memo_cap;
    svec merged, byte1, byte2;  /* scratch */
    int failed;                 /* an allocation failed: the result is void */
} sctx;

/* ---- small helpers --------------------------------------------------------- */

static uint32_t fold_cp(uint32_t c)
{
    return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
}

/* original_pair: the authored character of two bytes, or 0. */
static uint32_t pair_of(const tr_char_model *m, int32_t lead, int32_t trail)
{
    if (lead < 0 || lead > 255 || trail < 0 || trail > 255)
        return 0;
    return m->pair[(uint32_t)lead << 8 | (uint32_t)trail];
}

static int grow(sctx *x, void **v, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *nv;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 4 / size) {
            x->failed = 1;
            return -1;
        }
        ncap *= 2;
    }
    nv = realloc(*v, ncap * size);
    if (!nv) {
        x->failed = 1;
        return -1;
    }
    *v = nv;
    *cap = ncap;
    return 0;
}

static int reserve(sctx *x, svec *v, size_t need)
{
    return grow(x, (void **)&v->v, &v->cap, need, sizeof *v->v);
}

static void push(sctx *x, svec *v, const sstate *s)
{
    if (x->failed || reserve(x, v, v->len + 1))
        return;
    v->v[v->len++] = *s;
}

static void ipush(sctx *x, ivec *v, int32_t value)
{
    if (x->failed || grow(x, (void **)&v->v, &v->cap, v->len + 1, sizeof *v->v))
        return;
    v->v[v->len++] = value;
}

/* A new output node: item after the chain ending at parent. */
static int32_t node(sctx *x, int32_t parent, int32_t item)
{
    if (x->failed)
        return -1;
    if (x->nodes == x->node_cap) {
        size_t cap = x->node_cap ? x->node_cap * 2 : 1024;
        int32_t *np, *ni;
        if (cap > (size_t)INT32_MAX) {
            x->failed = 1;
            return -1;
        }
        np = realloc(x->parent, cap * sizeof *np);
        if (!np) {
            x->failed = 1;
            return -1;
        }
        x->parent = np;
        ni = realloc(x->item, cap * sizeof *ni);
        if (!ni) {
            x->failed = 1;
            return -1;
        }
        x->item = ni;
        x->node_cap = cap;
    }
    x->parent[x->nodes] = parent;
    x->item[x->nodes] = item;
    return (int32_t)x->nodes++;
}

/* ---- slots ------------------------------------------------------------------- */

/* The slot of this kind, byte and characters (pool[start..start+len), just
 * appended by the caller), interned: an existing equal slot's id (the pool
 * is given back), a new id, or -1 on failure. */
static int32_t intern(sctx *x, int kind, int byte, size_t start, size_t len)
{
    int32_t id;
    slot_info *s;
    for (id = x->head[kind][byte]; id >= 0; id = x->slots[id].next) {
        s = &x->slots[id];
        if (s->len == len && !memcmp(&x->pool.v[s->start], &x->pool.v[start], len * sizeof *x->pool.v)) {
            x->pool.len = start;
            return id;
        }
    }
    if (x->nslots >= MAX_SLOTS || grow(x, (void **)&x->slots, &x->slot_cap, x->nslots + 1, sizeof *x->slots)) {
        x->failed = 1;
        return -1;
    }
    id = (int32_t)x->nslots++;
    s = &x->slots[id];
    s->kind = (uint8_t)kind;
    s->byte = (uint8_t)byte;
    s->start = start;
    s->len = len;
    s->next = x->head[kind][byte];
    s->best_uni = -1;
    x->head[kind][byte] = id;
    return id;
}

/* TRAILS, in order: 0x40-0x7E, then 0x80-0xFE. */
#define N_TRAILS (0x3F + 0x7F)
static int trail_at(int k)
{
    return k < 0x3F ? 0x40 + k : 0x80 + (k - 0x3F);
}

/* _UDA_FIRST: first bytes of the pairs cp936 reads as private-use characters. */
static int uda_first(int b)
{
    return (b >= 0xA1 && b <= 0xA7) || (b >= 0xAA && b <= 0xAF) || (b >= 0xF8 && b <= 0xFE);
}

/* Slot.of(kind, byte): its id, or NO_SLOT when it has no character (or on failure). */
static int32_t slot_of(sctx *x, int kind, int32_t byte)
{
    size_t start;
    int k;
    int32_t id;
    if (byte < 0 || byte > 255 || x->failed)
        return NO_SLOT;
    if (x->full[kind][byte] != -1)
        return x->full[kind][byte];
    start = x->pool.len;
    if (kind == TR_SLOT_LEAD || kind == TR_SLOT_PAIR) {
        for (k = 0x81; k <= 0xFE; k++) {  /* _pairs_ending(byte): leads in order */
            uint32_t ch = pair_of(x->m, k, byte);
            if (ch)
                ipush(x, &x->pool, (int32_t)ch);
        }
    } else {
        for (k = 0; k < N_TRAILS; k++) {  /* _pairs_starting(byte): trails in order */
            int trail = trail_at(k);
            uint32_t ch = pair_of(x->m, byte, trail);
            if (ch && (kind == TR_SLOT_TRAIL || uda_first(trail)))
                ipush(x, &x->pool, (int32_t)ch);
        }
    }
    if (x->failed)
        return NO_SLOT;
    if (x->pool.len == start) {
        x->full[kind][byte] = NO_SLOT;
        return NO_SLOT;
    }
    id = intern(x, kind, byte, start, x->pool.len - start);
    x->full[kind][byte] = id < 0 ? NO_SLOT : id;
    return x->full[kind][byte];
}

/* ---- annotation records -------------------------------------------------- */

static size_t rec_chars(const sctx *x, size_t off)
{
    return x->ann[off];
}

static uint32_t rec_cp(const sctx *x, size_t off, size_t i)
{
    return x->ann[off + 2 + 2 * i];
}

/* Is ch one of the record's characters (they are sorted)? */
static int in_chars(const sctx *x, size_t off, uint32_t ch)
{
    size_t lo = 0, hi = rec_chars(x, off);
    if (!ch)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t c = rec_cp(x, off, mid);
        if (c == ch)
            return 1;
        if (c < ch)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The item a path shows for the annotation at off. */
static int32_t rec_item(const sctx *x, size_t off)
{
    uint32_t v = x->ann[off + 1];
    return v < TR_SHIFT_TEXT ? (int32_t)v : TR_ITEM_TEXT - (int32_t)(v - TR_SHIFT_TEXT);
}

/* Slot.narrowed: the slot with only the record's characters, or NO_SLOT. */
static int32_t narrowed(sctx *x, int32_t id, size_t off)
{
    size_t start = x->pool.len, i, len, from;
    int32_t nid;
    if (x->failed)
        return NO_SLOT;
    len = x->slots[id].len;
    from = x->slots[id].start;
    for (i = 0; i < len && !x->failed; i++) {
        int32_t c = x->pool.v[from + i];
        if (in_chars(x, off, (uint32_t)c))
            ipush(x, &x->pool, c);
    }
    if (x->failed || x->pool.len == start)
        return NO_SLOT;
    nid = intern(x, x->slots[id].kind, x->slots[id].byte, start, x->pool.len - start);
    return nid < 0 ? NO_SLOT : nid;
}

/* ---- the bigram model with slots (the twin's logp) -------------------------- */

static double cp_logp(const tr_char_model *m, int32_t prev, uint32_t ch)
{
    tr_char_prev p;
    tr_char_prev_of(m, prev, &p);
    return tr_char_logp_after(m, &p, ch);
}

/* max(slot.chars, key=lambda c: logp("", _shown(c))), shown. */
static int32_t best_unigram(sctx *x, size_t id)
{
    slot_info *s = &x->slots[id];
    if (s->best_uni < 0) {
        double best = 0.0;
        size_t i;
        int32_t chosen = -1;
        for (i = 0; i < s->len; i++) {
            uint32_t c = (uint32_t)x->pool.v[s->start + i];
            double v = cp_logp(x->m, -1, fold_cp(c));
            if (chosen < 0 || v > best) {
                best = v;
                chosen = (int32_t)c;
            }
        }
        s->best_uni = (int32_t)fold_cp((uint32_t)chosen);
    }
    return s->best_uni;
}

/* logp(prev, ch) when prev or ch is a slot: prev NONE (""), a character or a
 * slot; ch a character or a slot. */
static double slot_logp(sctx *x, int32_t prev, int32_t ch)
{
    const tr_char_model *m = x->m;
    tr_char_prev p;
    double best = 0.0, v;
    size_t i;
    if (IS_SLOT(ch)) {
        const slot_info *s = &x->slots[SLOT_ID(ch)];
        int32_t before;
        if (IS_SLOT(prev))
            before = best_unigram(x, SLOT_ID(prev));
        else
            before = prev == NONE ? NONE : (int32_t)fold_cp((uint32_t)prev);
        tr_char_prev_of(m, before, &p);
        for (i = 0; i < s->len; i++) {
            v = tr_char_logp_after(m, &p, fold_cp((uint32_t)x->pool.v[s->start + i]));
            if (i == 0 || v > best)
                best = v;
        }
        return best;
    }
    if (IS_SLOT(prev)) {
        const slot_info *s = &x->slots[SLOT_ID(prev)];
        for (i = 0; i < s->len; i++) {
            v = cp_logp(m, (int32_t)fold_cp((uint32_t)x->pool.v[s->start + i]), (uint32_t)ch);
            if (i == 0 || v > best)
                best = v;
        }
        return best;
    }
    return cp_logp(m, prev, (uint32_t)ch);
}

#define MEMO_EMPTY UINT64_MAX /* ch is never NONE, so no key is this */

static uint64_t memo_key(int32_t prev, int32_t ch)
{
    return (uint64_t)(uint32_t)prev << 32 | (uint32_t)ch;
}

static size_t memo_slot(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

/* Room for one more memo entry (a table at most half full); -1 when there is
 * none (the memo only saves work: without it, values are computed again). */
static int memo_room(sctx *x)
{
    size_t cap, i;
    uint64_t *keys;
    double *values;
    if (2 * (x->memo_len + 1) <= x->memo_cap)
        return 0;
    cap = x->memo_cap ? 2 * x->memo_cap : 1024;
    if (cap > SIZE_MAX / 4 / sizeof *keys)
        return -1;
    keys = malloc(cap * sizeof *keys);
    values = malloc(cap * sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    memset(keys, 0xFF, cap * sizeof *keys);
    for (i = 0; i < x->memo_cap; i++) {
        size_t h;
        if (x->memo_keys[i] == MEMO_EMPTY)
            continue;
        h = memo_slot(x->memo_keys[i], cap);
        while (keys[h] != MEMO_EMPTY)
            h = (h + 1) & (cap - 1);
        keys[h] = x->memo_keys[i];
        values[h] = x->memo_values[i];
    }
    free(x->memo_keys);
    free(x->memo_values);
    x->memo_keys = keys;
    x->memo_values = values;
    x->memo_cap = cap;
    return 0;
}

/* The twin's logp (lru_cached there): a term with a slot is the best of up
 * to ~190 look-ups and recurs across states, so it is remembered per call. */
static double logp(sctx *x, int32_t prev, int32_t ch)
{
    uint64_t key;
    size_t h;
    double v;
    if (!IS_SLOT(prev) && !IS_SLOT(ch))
        return cp_logp(x->m, prev, (uint32_t)ch);
    key = memo_key(prev, ch);
    if (x->memo_cap) {
        for (h = memo_slot(key, x->memo_cap); x->memo_keys[h] != MEMO_EMPTY; h = (h + 1) & (x->memo_cap - 1))
            if (x->memo_keys[h] == key)
                return x->memo_values[h];
    }
    v = slot_logp(x, prev, ch);
    if (memo_room(x) == 0) {
        for (h = memo_slot(key, x->memo_cap); x->memo_keys[h] != MEMO_EMPTY; h = (h + 1) & (x->memo_cap - 1))
            ;
        x->memo_keys[h] = key;
        x->memo_values[h] = v;
        x->memo_len++;
    }
    return v;
}

/* ---- steps ------------------------------------------------------------------- */

/* _emit: the state after the decoder showed item (a raw character or a slot). */
static void emitted(sctx *x, sstate *t, const sstate *s, int32_t item, int32_t pending, int32_t prevbyte,
                    int32_t lastpair, int64_t guesses, int32_t need)
{
    int32_t shown = IS_SLOT(item) ? item : (int32_t)fold_cp((uint32_t)item);
    double lp = logp(x, s->prevchar, shown);
    t->score = s->score + lp;
    t->pending = pending;
    t->prevbyte = prevbyte;
    t->lastpair = lastpair;
    t->prevchar = shown;
    t->out = node(x, s->out, shown);
    t->guesses = s->guesses + guesses;
    t->need = need;
}

static void emit(sctx *x, svec *to, const sstate *s, int32_t item, int32_t pending, int32_t prevbyte,
                 int32_t lastpair, int64_t guesses, int32_t need)
{
    sstate t;
    emitted(x, &t, s, item, pending, prevbyte, lastpair, guesses, need);
    push(x, to, &t);
}

static void step_byte(sctx *x, svec *to, const sstate *state, int32_t b)
{
    sstate s = *state;
    if (s.need != NONE) {
        if (b != s.need)
            return;
        s.need = NONE;
    }
    if (s.pending == P_NONE) {
        if (b < 0x80) {
            emit(x, to, &s, b, P_NONE, b, NONE, 0, NONE);
        } else if (b != 0x80 && b != 0xFF) {
            s.pending = b;
            s.lastpair = NONE;
            push(x, to, &s);
        }
        return;
    }
    if (s.pending == P_U) {
        int32_t id = slot_of(x, TR_SLOT_LEAD, b);
        if (id >= 0)
            emit(x, to, &s, SLOT_REF(id), P_NONE, b, SLOT_REF(id), 1, NONE);
    } else {
        uint32_t ch = pair_of(x->m, s.pending, b);
        if (ch)
            emit(x, to, &s, (int32_t)ch, P_NONE, b, (int32_t)ch, 0, NONE);
    }
}

static void step_unknown(sctx *x, svec *to, const sstate *s)
{
    int32_t id;
    if (s->need != NONE)
        return;  /* the next piece starts with a known byte, not a lost one */
    if (s->pending == P_NONE) {
        sstate t = *s;
        t.pending = P_U;
        t.lastpair = NONE;
        push(x, to, &t);
        return;
    }
    if (s->pending == P_U) {
        /* Two lone bytes in a row: the second was a piece of its own (A1 or A3). */
        static const int32_t trails[2] = {0xA1, 0xA3};
        int k;
        for (k = 0; k < 2; k++) {
            id = slot_of(x, TR_SLOT_PAIR, trails[k]);
            if (id >= 0)
                emit(x, to, s, SLOT_REF(id), P_NONE, trails[k], SLOT_REF(id), 2, 0x144 - trails[k]);
        }
        return;
    }
    id = slot_of(x, TR_SLOT_TRAIL, s->pending);
    if (id >= 0)
        emit(x, to, s, SLOT_REF(id), P_NONE, NONE, SLOT_REF(id), 1, NONE);
}

static void step_droppair(sctx *x, svec *to, const sstate *s)
{
    /* The trail of the pending character and the next lead were a private-use pair, dropped. */
    int32_t id;
    sstate t;
    if (s->pending < 0 || s->need != NONE)
        return;
    id = slot_of(x, TR_SLOT_UDA, s->pending);
    if (id < 0)
        return;
    emitted(x, &t, s, SLOT_REF(id), P_NONE, NONE, SLOT_REF(id), 2, NONE);
    t.pending = P_U;
    push(x, to, &t);
}

static void step_ann(sctx *x, svec *to, const sstate *s, size_t off)
{
    sstate t;
    if (s->need != NONE)
        return;
    if (s->pending == P_NONE) {
        /* In step: the annotation follows the whole character it names; keep it. */
        if (IS_SLOT(s->lastpair)) {
            int32_t id = narrowed(x, (int32_t)SLOT_ID(s->lastpair), off);
            if (id < 0 || s->out < 0)
                return;
            t = *s;
            t.lastpair = NONE;
            t.prevchar = SLOT_REF(id);
            t.out = node(x, node(x, x->parent[s->out], SLOT_REF(id)), rec_item(x, off));
            push(x, to, &t);
        } else if (s->lastpair >= 0 && in_chars(x, off, (uint32_t)s->lastpair)) {
            t = *s;
            t.lastpair = NONE;
            t.out = node(x, s->out, rec_item(x, off));
            push(x, to, &t);
        }
        return;
    }
    if (s->prevbyte == NONE)
        return;
    if (s->pending == P_U) {
        /* The lead byte is pinned by the reading. */
        int32_t lead;
        for (lead = 0x81; lead <= 0xFE; lead++) {
            if (in_chars(x, off, pair_of(x->m, s->prevbyte, lead))) {
                t = *s;
                t.pending = lead;
                t.lastpair = NONE;
                push(x, to, &t);
            }
        }
        return;
    }
    /* Inside a character: the converter saw the two bytes straddling two characters. */
    if (in_chars(x, off, pair_of(x->m, s->prevbyte, s->pending)))
        push(x, to, s);
}

static void swap(svec *a, svec *b)
{
    svec t = *a;
    *a = *b;
    *b = t;
}

/* Each of the annotation's characters spelled out in bytes, then the annotation. */
static void step_annchar(sctx *x, svec *to, const sstate *s, size_t off)
{
    size_t i, j, n = rec_chars(x, off);
    for (i = 0; i < n && !x->failed; i++) {
        uint32_t enc = x->ann[off + 3 + 2 * i];
        uint32_t nbytes = enc >> 16, k;
        x->byte1.len = 0;
        push(x, &x->byte1, s);
        for (k = 0; k < nbytes; k++) {
            int32_t b = (int32_t)(enc >> (8 * (nbytes - 1 - k)) & 0xFF);
            x->byte2.len = 0;
            for (j = 0; j < x->byte1.len; j++)
                step_byte(x, &x->byte2, &x->byte1.v[j], b);
            swap(&x->byte1, &x->byte2);
        }
        for (j = 0; j < x->byte1.len; j++)
            step_ann(x, to, &x->byte1.v[j], off);
    }
}

static void step(sctx *x, svec *to, const sstate *s, int32_t atom)
{
    if (atom >= 0 && atom < 256) {
        step_byte(x, to, s, atom);
    } else if (atom == TR_ATOM_U) {
        step_unknown(x, to, s);
    } else if (atom == TR_ATOM_DROPPAIR) {
        step_droppair(x, to, s);
    } else if (atom == TR_ATOM_ALONE) {
        if (s->pending == P_NONE && s->need == NONE)
            push(x, to, s);
    } else if (atom == TR_ATOM_PIECE) {
        push(x, to, s);  /* a cut: after a whole character, a lost lead, or inside a shifted one */
    } else if (atom == TR_ATOM_LOST) {
        /* Not a guess: the byte is gone either way, and says so in the path. */
        if (s->pending == P_NONE && s->need == NONE) {
            sstate t = *s;
            t.prevbyte = 0;
            t.lastpair = NONE;
            t.out = node(x, s->out, 0);
            push(x, to, &t);
        }
    } else if (atom >= TR_ATOM_ANNCHAR) {
        step_annchar(x, to, s, (size_t)(atom - TR_ATOM_ANNCHAR));
    } else {
        step_ann(x, to, s, (size_t)(atom - TR_ATOM_ANN));
    }
}

/* ---- merging ------------------------------------------------------------------ */

static double rank(const sstate *s)
{
    /* _rank: -score + GUESS_COST * guesses */
    double cost = (double)TR_SHIFT_GUESS_COST * (double)s->guesses;
    return -s->score + cost;
}

static int same_key(const sstate *a, const sstate *b)
{
    return a->pending == b->pending && a->prevbyte == b->prevbyte && a->lastpair == b->lastpair &&
           a->prevchar == b->prevchar && a->need == b->need;
}

static size_t key_hash(const sstate *s)
{
    uint64_t h = (uint32_t)s->pending;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->prevbyte;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->lastpair;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->prevchar;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->need;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20);
}

/* A hash table of at least 2 * n empty slots. */
static int table_for(sctx *x, size_t n)
{
    size_t cap = x->slot_cap_tbl ? x->slot_cap_tbl : 64;
    while (cap < 2 * n) {
        if (cap > SIZE_MAX / 4 / sizeof(uint32_t) || cap > UINT32_MAX) {
            x->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    if (cap != x->slot_cap_tbl) {
        uint32_t *stamp = calloc(cap, sizeof *stamp);
        uint32_t *index = malloc(cap * sizeof *index);
        if (!stamp || !index) {
            free(stamp);
            free(index);
            x->failed = 1;
            return -1;
        }
        free(x->slot_stamp);
        free(x->slot_index);
        x->slot_stamp = stamp;
        x->slot_index = index;
        x->slot_cap_tbl = cap;
        x->stamp = 0;
    }
    if (++x->stamp == 0) {  /* wrapped: forget every old stamp */
        memset(x->slot_stamp, 0, x->slot_cap_tbl * sizeof *x->slot_stamp);
        x->stamp = 1;
    }
    return 0;
}

/* _merge v into a fresh dict (per key, the first state of the lowest rank, at
 * the key's first position), then the first TR_SHIFT_BEAM of its values
 * stably sorted by rank.  The result replaces v. */
static void best_states(sctx *x, svec *v)
{
    svec *merged = &x->merged;
    size_t i, mask, kept = 0;
    if (x->failed || !v->len || table_for(x, v->len) || reserve(x, merged, v->len))
        return;
    mask = x->slot_cap_tbl - 1;
    merged->len = 0;
    for (i = 0; i < v->len; i++) {
        const sstate *t = &v->v[i];
        size_t h = key_hash(t) & mask;
        for (;;) {
            if (x->slot_stamp[h] != x->stamp) {
                x->slot_stamp[h] = x->stamp;
                x->slot_index[h] = (uint32_t)merged->len;
                merged->v[merged->len++] = *t;
                break;
            }
            if (same_key(&merged->v[x->slot_index[h]], t)) {
                sstate *e = &merged->v[x->slot_index[h]];
                if (rank(t) < rank(e))
                    *e = *t;
                break;
            }
            h = (h + 1) & mask;
        }
    }
    /* Insertion into the top TR_SHIFT_BEAM in position order: a state goes
     * after every kept state of equal rank, as a stable sort puts it. */
    for (i = 0; i < merged->len; i++) {
        const sstate *t = &merged->v[i];
        double r = rank(t);
        size_t pos;
        if (kept == TR_SHIFT_BEAM && !(r < rank(&v->v[kept - 1])))
            continue;
        pos = kept;
        while (pos > 0 && r < rank(&v->v[pos - 1]))
            pos--;
        if (kept < TR_SHIFT_BEAM)
            kept++;
        memmove(&v->v[pos + 1], &v->v[pos], (kept - 1 - pos) * sizeof *v->v);
        v->v[pos] = *t;
    }
    v->len = kept;
}

/* ---- the program ------------------------------------------------------------- */

/* Is ann a sequence of well-formed records?  Marks where each starts. */
static int records_ok(const uint32_t *ann, size_t ann_len, uint8_t *starts)
{
    size_t off = 0, n, i;
    while (off < ann_len) {
        starts[off] = 1;
        n = ann[off];
        if (ann_len - off < 2 || n > (ann_len - off - 2) / 2)
            return 0;
        if (ann[off + 1] >= TR_SHIFT_TEXT && ann[off + 1] - TR_SHIFT_TEXT >= MAX_TEXTS)
            return 0;
        for (i = 0; i < n; i++) {
            uint32_t cp = ann[off + 2 + 2 * i], enc = ann[off + 3 + 2 * i];
            if (cp > 0x10FFFF || (i > 0 && cp <= ann[off + 2 * i]))
                return 0;  /* out of range, or not in increasing order */
            if (!((enc >> 16 == 1 && (enc & 0xFFFF) < 0x100) || enc >> 16 == 2))
                return 0;
        }
        off += 2 + 2 * n;
    }
    return 1;
}

static int atom_ok(int32_t atom, const uint8_t *starts, size_t ann_len)
{
    size_t off;
    if (atom >= 0 && atom <= TR_ATOM_DROPPAIR)
        return 1;  /* a byte, or TR_ATOM_PIECE .. TR_ATOM_DROPPAIR */
    if (atom >= TR_ATOM_ANN && atom < TR_ATOM_ANN + TR_ATOM_ANN_MAX)
        off = (size_t)(atom - TR_ATOM_ANN);
    else if (atom >= TR_ATOM_ANNCHAR && atom < TR_ATOM_ANNCHAR + TR_ATOM_ANN_MAX)
        off = (size_t)(atom - TR_ATOM_ANNCHAR);
    else
        return 0;
    return off < ann_len && starts[off];
}

/* 1 when the program's counts are in range, every atom valid, nothing left over;
 * 0 when not; -1 on allocation failure. */
static int prog_ok(const int32_t *prog, size_t prog_len, const uint32_t *ann, size_t ann_len)
{
    size_t pc = 0;
    int32_t ntok, nopt, natom, t, o, a;
    int ok = 0;
    uint8_t *starts = calloc(ann_len ? ann_len : 1, 1);
    if (!starts)
        return -1;
    if (!records_ok(ann, ann_len, starts))
        goto done;
    if (pc >= prog_len || (ntok = prog[pc++]) < 0)
        goto done;
    for (t = 0; t < ntok; t++) {
        if (pc >= prog_len || (nopt = prog[pc++]) < 0)
            goto done;
        for (o = 0; o < nopt; o++) {
            if (pc >= prog_len || (natom = prog[pc++]) < 0)
                goto done;
            for (a = 0; a < natom; a++)
                if (pc >= prog_len || !atom_ok(prog[pc++], starts, ann_len))
                    goto done;
        }
    }
    ok = pc == prog_len;
done:
    free(starts);
    return ok;
}

/* One token: every option stepped from every state, merged into *states.
 * Returns 0, 1 when no state is left, -1 on failure. */
static int run_token(sctx *x, const int32_t *prog, size_t *pc, svec *states, svec *best, svec *branch, svec *next)
{
    int32_t nopt = prog[(*pc)++], o, a;
    size_t si, bi, opt_pc = *pc;
    best->len = 0;
    for (si = 0; si < states->len && !x->failed; si++) {
        *pc = opt_pc;
        for (o = 0; o < nopt; o++) {
            int32_t natom = prog[(*pc)++];
            branch->len = 0;
            push(x, branch, &states->v[si]);
            for (a = 0; a < natom; a++) {
                int32_t atom = prog[(*pc)++];
                if (!branch->len)
                    continue;  /* the twin stops stepping this option */
                next->len = 0;
                for (bi = 0; bi < branch->len; bi++)
                    step(x, next, &branch->v[bi], atom);
                swap(branch, next);
            }
            if (reserve(x, best, best->len + branch->len))
                break;
            for (bi = 0; bi < branch->len; bi++)
                best->v[best->len++] = branch->v[bi];
        }
    }
    if (x->failed)
        return -1;
    *pc = opt_pc;  /* skip the token's options (states may have been empty) */
    for (o = 0; o < nopt; o++) {
        int32_t natom = prog[(*pc)++];
        *pc += (size_t)natom;
    }
    if (!best->len)
        return 1;
    best_states(x, best);
    swap(states, best);
    return x->failed ? -1 : 0;
}

/* ---- the paths ---------------------------------------------------------------- */

/* The items of the chain ending at nd, appended to v; their number. */
static size_t chain_items(sctx *x, int32_t nd, ivec *v)
{
    size_t len = 0, k;
    int32_t i;
    for (i = nd; i >= 0; i = x->parent[i])
        len++;
    if (grow(x, (void **)&v->v, &v->cap, v->len + len, sizeof *v->v))
        return 0;
    k = v->len + len;
    for (i = nd; i >= 0; i = x->parent[i])
        v->v[--k] = x->item[i];
    v->len += len;
    return len;
}

typedef struct {
    double adj, total, key;
    const sstate *s;
} final_state;

/* The finals (states in step, scored with the character after the run),
 * stably sorted by -adjusted total; their number. */
static size_t finals_of(sctx *x, const svec *states, int32_t after, final_state *f)
{
    size_t k, n = 0, pos;
    for (k = 0; k < states->len; k++) {
        const sstate *s = &states->v[k];
        final_state e;
        double cost;
        if (s->pending != P_NONE || s->need != NONE)
            continue;
        e.total = s->score;
        if (after >= 0) {
            double lp = logp(x, s->prevchar, after);
            e.total = e.total + lp;
        } else {
            e.total = e.total + 0.0;
        }
        cost = (double)TR_SHIFT_GUESS_COST * (double)s->guesses;
        e.adj = e.total - cost;
        e.key = -e.adj;
        e.s = s;
        pos = n;
        while (pos > 0 && e.key < f[pos - 1].key)
            pos--;
        memmove(&f[pos + 1], &f[pos], (n - pos) * sizeof *f);
        f[pos] = e;
        n++;
    }
    return n;
}

/* The distinct paths of the finals, at most TR_SHIFT_PATHS, written out. */
static int write_paths(sctx *x, const final_state *f, size_t nf, tr_shift_path *paths, size_t *npaths,
                       int32_t *out, size_t cap, size_t *out_len)
{
    ivec items = {NULL, 0, 0};
    size_t starts[TR_SHIFT_PATHS + 1], k, p, n = 0, total, i;
    int32_t *renumber = NULL, *order = NULL, nref = 0;
    int rc = 0;
    starts[0] = 0;
    for (k = 0; k < nf && n < TR_SHIFT_PATHS; k++) {
        size_t len = chain_items(x, f[k].s->out, &items), at = items.len - len;
        int seen = 0;
        if (x->failed)
            break;
        for (p = 0; p < n && !seen; p++)
            seen = starts[p + 1] - starts[p] == len &&
                   !memcmp(&items.v[starts[p]], &items.v[at], len * sizeof *items.v);
        if (seen) {
            items.len = at;
            continue;
        }
        paths[n].score = f[k].total;
        paths[n].guesses = f[k].s->guesses;
        paths[n].items = len;
        starts[++n] = items.len;
    }
    *npaths = n;
    if (x->failed) {
        rc = -1;
        goto done;
    }
    /* Slots are numbered in order of their first item. */
    renumber = malloc((x->nslots ? x->nslots : 1) * sizeof *renumber);
    if (!renumber) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < x->nslots; i++)
        renumber[i] = -1;
    total = items.len;
    for (i = 0; i < items.len; i++) {
        int32_t v = items.v[i];
        if (IS_SLOT(v) && renumber[SLOT_ID(v)] < 0) {
            size_t id = SLOT_ID(v);
            renumber[id] = nref++;
            total += 3 + (x->full[x->slots[id].kind][x->slots[id].byte] == (int32_t)id ? 0 : x->slots[id].len);
        }
        if (IS_SLOT(v))
            items.v[i] = TR_ITEM_SLOT - renumber[SLOT_ID(v)];
    }
    *out_len = total;
    if (total > cap) {
        rc = 2;
        goto done;
    }
    if (items.len)
        memcpy(out, items.v, items.len * sizeof *out);
    total = items.len;
    /* The records in the order of their numbers (order: renumber inverted). */
    order = malloc((nref ? (size_t)nref : 1) * sizeof *order);
    if (!order) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < x->nslots; i++)
        if (renumber[i] >= 0)
            order[renumber[i]] = (int32_t)i;
    for (i = 0; i < (size_t)nref; i++) {
        const slot_info *s = &x->slots[order[i]];
        size_t len = x->full[s->kind][s->byte] == order[i] ? 0 : s->len, j;
        out[total++] = s->kind;
        out[total++] = s->byte;
        out[total++] = (int32_t)len;
        for (j = 0; j < len; j++)
            out[total++] = x->pool.v[s->start + j];
    }
done:
    free(items.v);
    free(renumber);
    free(order);
    return rc;
}

int tr_shift_paths(const tr_char_model *m, const int32_t *prog, size_t prog_len, const uint32_t *ann,
                   size_t ann_len, int32_t before, int32_t after, int lost_lead, tr_shift_path *paths,
                   size_t *npaths, int32_t *out, size_t cap, size_t *out_len)
{
    sctx x;
    svec states = {NULL, 0, 0}, best = {NULL, 0, 0}, branch = {NULL, 0, 0}, next = {NULL, 0, 0};
    sstate start;
    final_state finals[TR_SHIFT_BEAM];
    size_t pc = 1, nf;
    int32_t t, ntok;
    int rc = 0, ok;

    *npaths = 0;
    *out_len = 0;
    if (before < -1 || before > 0x10FFFF || after < -1 || after > 0x10FFFF || !m->pair)
        return -2;
    if (ann_len > TR_ATOM_ANN_MAX)
        return -2;
    ok = prog_ok(prog, prog_len, ann, ann_len);
    if (ok <= 0)
        return ok < 0 ? -1 : -2;
    memset(&x, 0, sizeof x);
    memset(x.full, 0xFF, sizeof x.full);  /* -1: not yet made */
    memset(x.head, 0xFF, sizeof x.head);
    x.m = m;
    x.ann = ann;

    start.score = 0.0;
    start.guesses = 0;
    start.pending = P_NONE;
    start.prevbyte = NONE;
    start.lastpair = NONE;
    start.prevchar = before;
    start.need = NONE;
    start.out = -1;
    push(&x, &states, &start);
    if (lost_lead) {
        start.pending = P_U;
        push(&x, &states, &start);
    }
    ntok = prog[0];
    for (t = 0; t < ntok && !x.failed && rc == 0; t++)
        rc = run_token(&x, prog, &pc, &states, &best, &branch, &next);
    if (x.failed || rc < 0) {
        rc = -1;
        goto done;
    }
    if (rc == 1) {
        rc = 0;  /* no reading: no path */
        goto done;
    }
    nf = finals_of(&x, &states, after, finals);
    rc = write_paths(&x, finals, nf, paths, npaths, out, cap, out_len);
done:
    free(states.v);
    free(best.v);
    free(branch.v);
    free(next.v);
    free(x.merged.v);
    free(x.byte1.v);
    free(x.byte2.v);
    free(x.slot_stamp);
    free(x.slot_index);
    free(x.parent);
    free(x.item);
    free(x.slots);
    free(x.pool.v);
    free(x.memo_keys);
    free(x.memo_values);
    return rc;
}

/* ---- tr_slot_fillers: the bigram beam over a group of slots --------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* sorted({_shown(c) for c in chars}): into shown, their number. */
static size_t shown_set(const uint32_t *chars, size_t n, uint32_t *shown)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++)
        shown[i] = fold_cp(chars[i]);
    if (n)
        qsort(shown, n, sizeof *shown, cmp_u32);
    for (i = 0; i < n; i++)
        if (!k || shown[i] != shown[k - 1])
            shown[k++] = shown[i];
    return k;
}

typedef struct {
    double score, key;
    size_t from;     /* the beam it grew from */
    uint32_t last;   /* the character it added */
} filler;

int tr_slot_fillers(const tr_char_model *m, const uint32_t *chars, const size_t *ends, size_t slots, int32_t prev,
                    int32_t next, size_t width, uint32_t *out, size_t *count)
{
    size_t k, i, b, c, nb = 1, longest = 0, from = 0;
    uint32_t *shown = NULL, *seq = NULL, *grown_seq = NULL;
    double *score = NULL;
    int32_t *last = NULL;
    filler *top = NULL;
    int rc = 0;

    *count = 0;
    for (k = 0; k < slots; k++) {
        if (ends[k] < from)
            return -2;
        if (ends[k] - from > longest)
            longest = ends[k] - from;
        from = ends[k];
    }
    if (!slots) {
        *count = 1;  /* one empty reading */
        return 0;
    }
    if (!width)
        return 0;
    if (width > SIZE_MAX / 4 / (slots + 1) / sizeof(uint32_t) || longest > SIZE_MAX / 8)
        return -1;
    shown = malloc((longest ? longest : 1) * sizeof *shown);
    seq = malloc(width * slots * sizeof *seq);
    grown_seq = malloc(width * slots * sizeof *grown_seq);
    score = malloc(width * sizeof *score);
    last = malloc(width * sizeof *last);
    top = malloc(width * sizeof *top);
    if (!shown || !seq || !grown_seq || !score || !last || !top) {
        rc = -1;
        goto done;
    }
    score[0] = 0.0;
    last[0] = prev;
    from = 0;
    for (k = 0; k < slots; k++) {
        size_t ns = shown_set(chars + from, ends[k] - from, shown), kept = 0;
        from = ends[k];
        /* grown, beam-major: the first width of it stably sorted by -score. */
        for (b = 0; b < nb; b++) {
            tr_char_prev p;
            tr_char_prev_of(m, last[b], &p);
            for (c = 0; c < ns; c++) {
                filler f;
                size_t pos;
                double lp = tr_char_logp_after(m, &p, shown[c]);
                f.score = score[b] + lp;
                f.key = -f.score;
                f.from = b;
                f.last = shown[c];
                if (kept == width && !(f.key < top[kept - 1].key))
                    continue;
                pos = kept;
                while (pos > 0 && f.key < top[pos - 1].key)
                    pos--;
                if (kept < width)
                    kept++;
                memmove(&top[pos + 1], &top[pos], (kept - 1 - pos) * sizeof *top);
                top[pos] = f;
            }
        }
        for (i = 0; i < kept; i++) {
            if (k)
                memcpy(&grown_seq[i * slots], &seq[top[i].from * slots], k * sizeof *seq);
            grown_seq[i * slots + k] = top[i].last;
            score[i] = top[i].score;
            last[i] = (int32_t)top[i].last;
        }
        {
            uint32_t *tmp = seq;
            seq = grown_seq;
            grown_seq = tmp;
        }
        nb = kept;
        if (!nb)
            break;
    }
    if (next >= 0 && nb) {
        /* Scored with the character after the group, stably sorted again. */
        size_t kept = 0;
        for (b = 0; b < nb; b++) {
            filler f;
            size_t pos;
            double lp = tr_char_logp(m, last[b], (uint32_t)next);
            f.score = score[b] + lp;
            f.key = -f.score;
            f.from = b;
            f.last = 0;
            pos = kept;
            while (pos > 0 && f.key < top[pos - 1].key)
                pos--;
            kept++;
            memmove(&top[pos + 1], &top[pos], (kept - 1 - pos) * sizeof *top);
            top[pos] = f;
        }
        for (i = 0; i < nb; i++)
            memcpy(&out[i * slots], &seq[top[i].from * slots], slots * sizeof *out);
    } else if (nb) {
        memcpy(out, seq, nb * slots * sizeof *out);
    }
    *count = nb;
done:
    free(shown);
    free(seq);
    free(grown_seq);
    free(score);
    free(last);
    free(top);
    return rc;
}

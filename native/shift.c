/* shift.c -- the judgement of a GBK byte-shift run (tr_shift_judge), and its
 * two parts that are entry points of their own: the structure search of a
 * run (tr_shift_paths) and the bigram beam over a group of slots
 * (tr_slot_fillers).
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
    size_t index_at;     /* where the model's indices of its characters (shown) start in sctx.index,
                            or SIZE_MAX: not yet */
    size_t order_at;     /* where their order by index starts there, or SIZE_MAX: not yet */
} slot_info;

typedef struct {
    const tr_char_model *m;
    const uint32_t *ann;
    int32_t *parent, *item;  /* the output arena */
    size_t nodes, node_cap;
    slot_info *slots;
    size_t nslots, slot_cap;
    ivec pool;               /* characters of the slots */
    ivec index;              /* the model's indices of some slots' characters (slot_index) */
    long *scratch;           /* slot_logp's: one slot's indices, */
    uint32_t *order;         /* their order by index, */
    uint32_t *keys;          /* the sort's scratch, */
    double *lps;             /* and the terms */
    size_t scratch_cap;
    int32_t full[5][256];    /* Slot.of(kind, byte): an id, NO_SLOT, or -1: not yet made */
    int32_t head[5][256];    /* the first slot of each kind and byte, or -1 */
    uint32_t *slot_stamp, *slot_index;  /* the merge's hash table */
    size_t slot_cap_tbl;
    uint32_t stamp;
    uint64_t *memo_keys;        /* logp terms with a slot: prev << 32 | ch, or MEMO_EMPTY */
    double *memo_values;
    size_t memo_len, memo_cap;
    svec merged, byte1, byte2;  /* scratch */
    svec states, best, branch, next;  /* the beam, and the scratch of a token */
    int by_guesses;             /* the merge keeps states of unequal guesses apart (the run may drop pairs) */
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
    s->index_at = SIZE_MAX;
    s->order_at = SIZE_MAX;
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
            if (ch && (kind == TR_SLOT_TRAIL || (kind == TR_SLOT_UDA && uda_first(trail)) ||
                       (kind == TR_SLOT_HITRAIL && trail >= 0x81)))
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

/* How many probes a batch of bigram look-ups looks ahead. */
#define AHEAD 8

/* ln P(c | p) of the characters of index index[0..n) into out, the
 * probes' slots fetched AHEAD look-ups early (the table is megabytes). */
static void char_logps(const tr_char_model *m, const tr_char_prev *p, const long *index, size_t n, double *out)
{
    size_t i;
    for (i = 0; i < n && i < AHEAD; i++)
        TR_PREFETCH(tr_char_home(m, p, index[i]));
    for (i = 0; i < n; i++) {
        if (i + AHEAD < n)
            TR_PREFETCH(tr_char_home(m, p, index[i + AHEAD]));
        out[i] = tr_char_logp_at(m, p, index[i]);
    }
}


static double cp_logp(const tr_char_model *m, int32_t prev, uint32_t ch)
{
    tr_char_prev p;
    tr_char_prev_of(m, prev, &p);
    return tr_char_logp_after(m, &p, ch);
}

/* The positions of index[0..n) in increasing order of index (-1 first;
 * equal ones by position) into order, with tmp (n entries) as scratch: a
 * radix sort of the indices, which are below 0xFFFF. */
static void index_order(const long *index, size_t n, uint32_t *tmp, uint32_t *order)
{
    size_t count[257], i, pass;
    uint32_t *src = tmp, *dst = order, *t;
    for (i = 0; i < n; i++)
        tmp[i] = (uint32_t)i;
    for (pass = 0; pass < 2; pass++) {
        unsigned shift = 8u * (unsigned)pass;
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(((uint32_t)(index[src[i]] + 1) >> shift) & 0xFF) + 1]++;
        for (i = 1; i < 257; i++)
            count[i] += count[i - 1];
        for (i = 0; i < n; i++)
            dst[count[((uint32_t)(index[src[i]] + 1) >> shift) & 0xFF]++] = src[i];
        t = src;
        src = dst;
        dst = t;
    }
    /* two passes: the result is back in tmp */
    memcpy(order, src, n * sizeof *order);
}

/* char_logps, by the model's successors of p when it has them (and not
 * many more than n): one pass over those and the characters in order of
 * index (order), instead of a probe per character.  The same values. */
static void next_logps(const tr_char_model *m, const tr_char_prev *p, const long *index, const uint32_t *order,
                       size_t n, double *out)
{
    if (m->next_at && p->index >= 0 && n > 1) {
        size_t a = m->next_at[p->index], e = m->next_at[p->index + 1], r;
        if (e - a <= 8 * n) {
            for (r = 0; r < n; r++) {
                size_t i = order[r];
                long c = index[i];
                if (c < 0) {
                    out[i] = p->ln_gamma + m->ln_cont_unknown;
                    continue;
                }
                while (a < e && m->next[2 * a] < (uint32_t)c)
                    a++;
                out[i] = a < e && m->next[2 * a] == (uint32_t)c ? m->bi_logp[m->next[2 * a + 1]]
                                                                  : p->ln_gamma + m->ln_cont[c];
            }
            return;
        }
    }
    char_logps(m, p, index, n, out);
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

/* The model's indices of slot id's characters (shown) in x->scratch (its
 * length: the slot's) and, when ordered, their order by index in x->order,
 * worked out once per slot; NULL on failure. */
static const long *slot_index(sctx *x, size_t id, int ordered)
{
    slot_info *s = &x->slots[id];
    size_t i, n = s->len;
    if (n > x->scratch_cap) {
        size_t cap = n;
        long *ns;
        double *nl;
        uint32_t *no;
        uint32_t *nk;
        if (cap > SIZE_MAX / 2 / sizeof *nl)
            return NULL;
        if (!(ns = realloc(x->scratch, cap * sizeof *ns)))
            return NULL;
        x->scratch = ns;
        if (!(nl = realloc(x->lps, cap * sizeof *nl)))
            return NULL;
        x->lps = nl;
        if (!(no = realloc(x->order, cap * sizeof *no)))
            return NULL;
        x->order = no;
        if (!(nk = realloc(x->keys, cap * sizeof *nk)))
            return NULL;
        x->keys = nk;
        x->scratch_cap = cap;
    }
    if (s->index_at == SIZE_MAX) {  /* the indices in x->index */
        size_t at = x->index.len;
        for (i = 0; i < n && !x->failed; i++)
            ipush(x, &x->index, (int32_t)tr_char_index(x->m, fold_cp((uint32_t)x->pool.v[s->start + i])));
        if (x->failed)
            return NULL;
        s->index_at = at;
    }
    for (i = 0; i < n; i++)
        x->scratch[i] = x->index.v[s->index_at + i];
    if (ordered) {
        if (s->order_at == SIZE_MAX) {  /* their order, after them in x->index */
            size_t at = x->index.len;
            index_order(x->scratch, n, x->keys, x->order);
            for (i = 0; i < n && !x->failed; i++)
                ipush(x, &x->index, (int32_t)x->order[i]);
            if (x->failed)
                return NULL;
            s->order_at = at;
        } else {
            for (i = 0; i < n; i++)
                x->order[i] = (uint32_t)x->index.v[s->order_at + i];
        }
    }
    return x->scratch;
}

/* logp(prev, ch) when prev or ch is a slot: prev NONE (""), a character or a
 * slot; ch a character or a slot. */
static double slot_logp(sctx *x, int32_t prev, int32_t ch)
{
    const tr_char_model *m = x->m;
    tr_char_prev p;
    double best = 0.0, v;
    const long *index;
    size_t i;
    if (IS_SLOT(ch)) {
        const slot_info *s = &x->slots[SLOT_ID(ch)];
        int32_t before;
        if (IS_SLOT(prev))
            before = best_unigram(x, SLOT_ID(prev));
        else
            before = prev == NONE ? NONE : (int32_t)fold_cp((uint32_t)prev);
        tr_char_prev_of(m, before, &p);
        if (!(index = slot_index(x, SLOT_ID(ch), m->next_at && p.index >= 0))) {
            x->failed = 1;
            return 0.0;
        }
        next_logps(m, &p, index, x->order, s->len, x->lps);
        for (i = 0; i < s->len; i++) {
            v = x->lps[i];
            if (i == 0 || v > best)
                best = v;
        }
        return best;
    }
    if (IS_SLOT(prev)) {
        const slot_info *s = &x->slots[SLOT_ID(prev)];
        long c = tr_char_index(m, (uint32_t)ch);
        size_t a = 0, e = 0;
        if (m->prev_at && c >= 0 && s->len > 1) {
            a = m->prev_at[c];
            e = m->prev_at[c + 1];
        }
        if (!(index = slot_index(x, SLOT_ID(prev), m->prev_at && c >= 0 && s->len > 1 && e - a <= 8 * s->len))) {
            x->failed = 1;
            return 0.0;
        }
        if (m->prev_at && c >= 0 && s->len > 1 && e - a <= 8 * s->len) {
            /* The stored bigrams before ch against the slot's characters in
             * order of index: the terms the probes would give. */
            size_t r;
            for (r = 0; r < s->len; r++) {
                size_t k = x->order[r];
                long q = index[k];
                if (q < 0) {
                    x->lps[k] = m->ln_uni[c];
                    continue;
                }
                while (a < e && m->prev[2 * a] < (uint32_t)q)
                    a++;
                x->lps[k] = a < e && m->prev[2 * a] == (uint32_t)q ? m->bi_logp[m->prev[2 * a + 1]]
                                                                  : m->ln_gamma[q] + m->ln_cont[c];
            }
            for (i = 0; i < s->len; i++) {
                v = x->lps[i];
                if (i == 0 || v > best)
                    best = v;
            }
            return best;
        }
        for (i = 0; i < s->len; i++) {  /* cp_logp(fold(the slot's character i), ch) */
            p.index = index[i];
            p.ln_gamma = p.index >= 0 ? m->ln_gamma[p.index] : 0.0;
            if (i + AHEAD < s->len) {
                tr_char_prev q;
                q.index = index[i + AHEAD];
                TR_PREFETCH(tr_char_home(m, &q, c));
            }
            v = tr_char_logp_at(m, &p, c);
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

static void step_unknown(sctx *x, svec *to, const sstate *s, int hi)
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
    id = slot_of(x, hi ? TR_SLOT_HITRAIL : TR_SLOT_TRAIL, s->pending);
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
    emitted(x, &t, s, SLOT_REF(id), P_NONE, NONE, SLOT_REF(id), 1, NONE);
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
    } else if (atom == TR_ATOM_U || atom == TR_ATOM_UHI) {
        step_unknown(x, to, s, atom == TR_ATOM_UHI);
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

static int same_key(const sstate *a, const sstate *b, int by_guesses)
{
    return a->pending == b->pending && a->prevbyte == b->prevbyte && a->lastpair == b->lastpair &&
           a->prevchar == b->prevchar && (!by_guesses || a->guesses == b->guesses) && a->need == b->need;
}

static size_t key_hash(const sstate *s, int by_guesses)
{
    uint64_t h = (uint32_t)s->pending;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->prevbyte;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->lastpair;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->prevchar;
    if (by_guesses)
        h = h * 0x9E3779B97F4A7C15ull ^ (uint64_t)s->guesses;
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
        size_t h = key_hash(t, x->by_guesses) & mask;
        for (;;) {
            if (x->slot_stamp[h] != x->stamp) {
                x->slot_stamp[h] = x->stamp;
                x->slot_index[h] = (uint32_t)merged->len;
                merged->v[merged->len++] = *t;
                break;
            }
            if (same_key(&merged->v[x->slot_index[h]], t, x->by_guesses)) {
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
    if (atom >= 0 && atom <= TR_ATOM_UHI)
        return 1;  /* a byte, or TR_ATOM_PIECE .. TR_ATOM_UHI */
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

/* The distinct paths of the finals, at most TR_SHIFT_PATHS of them: their
 * items back to back in items (path k from starts[k] to starts[k + 1]), with
 * their totals and guesses.  Returns their number (0 on failure: x->failed). */
static size_t distinct_paths(sctx *x, const final_state *f, size_t nf, ivec *items, size_t *starts, double *totals,
                             int64_t *guesses)
{
    size_t k, p, n = 0;
    starts[0] = items->len;
    for (k = 0; k < nf && n < TR_SHIFT_PATHS; k++) {
        size_t len = chain_items(x, f[k].s->out, items), at = items->len - len;
        int seen = 0;
        if (x->failed)
            return 0;
        for (p = 0; p < n && !seen; p++)
            seen = starts[p + 1] - starts[p] == len &&
                   !memcmp(&items->v[starts[p]], &items->v[at], len * sizeof *items->v);
        if (seen) {
            items->len = at;
            continue;
        }
        totals[n] = f[k].total;
        guesses[n] = f[k].s->guesses;
        starts[++n] = items->len;
    }
    return n;
}

/* The distinct paths of the finals, at most TR_SHIFT_PATHS, written out. */
static int write_paths(sctx *x, const final_state *f, size_t nf, tr_shift_path *paths, size_t *npaths,
                       int32_t *out, size_t cap, size_t *out_len)
{
    ivec items = {NULL, 0, 0};
    size_t starts[TR_SHIFT_PATHS + 1], k, n, total, i;
    double totals[TR_SHIFT_PATHS];
    int64_t guesses[TR_SHIFT_PATHS];
    int32_t *renumber = NULL, *order = NULL, nref = 0;
    int rc = 0;
    n = distinct_paths(x, f, nf, &items, starts, totals, guesses);
    for (k = 0; k < n; k++) {
        paths[k].score = totals[k];
        paths[k].guesses = guesses[k];
        paths[k].items = starts[k + 1] - starts[k];
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

static void sctx_start(sctx *x, const tr_char_model *m, const uint32_t *ann)
{
    memset(x, 0, sizeof *x);
    memset(x->full, 0xFF, sizeof x->full);  /* -1: not yet made */
    memset(x->head, 0xFF, sizeof x->head);
    x->m = m;
    x->ann = ann;
}

static void sctx_free(sctx *x)
{
    free(x->states.v);
    free(x->best.v);
    free(x->branch.v);
    free(x->next.v);
    free(x->merged.v);
    free(x->byte1.v);
    free(x->byte2.v);
    free(x->slot_stamp);
    free(x->slot_index);
    free(x->parent);
    free(x->item);
    free(x->slots);
    free(x->pool.v);
    free(x->index.v);
    free(x->scratch);
    free(x->order);
    free(x->keys);
    free(x->lps);
    free(x->memo_keys);
    free(x->memo_values);
}

/* The search over a well-formed program: the finals (their number in *nf,
 * 0 when no reading exists) point into x->states.  Returns 0, -1 on failure. */
/* Twin: _drops_pairs.  Whether some option of the (valid) program holds TR_ATOM_DROPPAIR. */
static int drops_pairs(const int32_t *prog)
{
    size_t pc = 1;
    int32_t t, o, a, ntok = prog[0];
    for (t = 0; t < ntok; t++) {
        int32_t nopt = prog[pc++];
        for (o = 0; o < nopt; o++) {
            int32_t natom = prog[pc++];
            for (a = 0; a < natom; a++)
                if (prog[pc++] == TR_ATOM_DROPPAIR)
                    return 1;
        }
    }
    return 0;
}

static int search(sctx *x, const int32_t *prog, int32_t before, int32_t after, int lost_lead, final_state *finals,
                  size_t *nf)
{
    sstate start;
    size_t pc = 1;
    int32_t t, ntok;
    int rc = 0;
    *nf = 0;
    x->by_guesses = drops_pairs(prog);
    start.score = 0.0;
    start.guesses = 0;
    start.pending = P_NONE;
    start.prevbyte = NONE;
    start.lastpair = NONE;
    start.prevchar = before;
    start.need = NONE;
    start.out = -1;
    x->states.len = 0;
    push(x, &x->states, &start);
    if (lost_lead) {
        start.pending = P_U;
        push(x, &x->states, &start);
    }
    ntok = prog[0];
    for (t = 0; t < ntok && !x->failed && rc == 0; t++)
        rc = run_token(x, prog, &pc, &x->states, &x->best, &x->branch, &x->next);
    if (x->failed || rc < 0)
        return -1;
    if (rc == 0)  /* rc 1: no reading, no path */
        *nf = finals_of(x, &x->states, after, finals);
    return 0;
}

int tr_shift_paths(const tr_char_model *m, const int32_t *prog, size_t prog_len, const uint32_t *ann,
                   size_t ann_len, int32_t before, int32_t after, int lost_lead, tr_shift_path *paths,
                   size_t *npaths, int32_t *out, size_t cap, size_t *out_len)
{
    sctx x;
    final_state finals[TR_SHIFT_BEAM];
    size_t nf;
    int rc, ok;

    *npaths = 0;
    *out_len = 0;
    if (before < -1 || before > 0x10FFFF || after < -1 || after > 0x10FFFF || !m->pair)
        return -2;
    if (ann_len > TR_ATOM_ANN_MAX)
        return -2;
    ok = prog_ok(prog, prog_len, ann, ann_len);
    if (ok <= 0)
        return ok < 0 ? -1 : -2;
    sctx_start(&x, m, ann);
    rc = search(&x, prog, before, after, lost_lead, finals, &nf);
    if (rc == 0 && nf)
        rc = write_paths(&x, finals, nf, paths, npaths, out, cap, out_len);
    sctx_free(&x);
    return rc;
}

/* ---- tr_slot_fillers: the bigram beam over a group of slots --------------------- */

/* Sift t down from v[r] within the heap v[0..n). */
static void sift_down(uint32_t *v, size_t r, size_t n, uint32_t t)
{
    for (;;) {
        size_t c = 2 * r + 1;
        if (c >= n)
            break;
        if (c + 1 < n && v[c + 1] > v[c])
            c++;
        if (!(v[c] > t))
            break;
        v[r] = v[c];
        r = c;
    }
    v[r] = t;
}

/* Sorts v[0..n) in place (heapsort: no call per comparison, no memory). */
static void sort_u32(uint32_t *v, size_t n)
{
    size_t end, i;
    for (i = n / 2; i-- > 0;)
        sift_down(v, i, n, v[i]);
    for (end = n; end > 1; end--) {
        uint32_t t = v[end - 1];
        v[end - 1] = v[0];
        sift_down(v, 0, end - 1, t);
    }
}

/* sorted({_shown(c) for c in chars}): into shown, their number. */
static size_t shown_set(const uint32_t *chars, size_t n, uint32_t *shown)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++)
        shown[i] = fold_cp(chars[i]);
    sort_u32(shown, n);
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
    long *index = NULL;
    uint32_t *order = NULL;
    uint32_t *keys = NULL;
    double *score = NULL, *lps = NULL;
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
    index = malloc((longest ? longest : 1) * sizeof *index);
    lps = malloc((longest ? longest : 1) * sizeof *lps);
    order = malloc((longest ? longest : 1) * sizeof *order);
    keys = malloc((longest ? longest : 1) * sizeof *keys);
    seq = malloc(width * slots * sizeof *seq);
    grown_seq = malloc(width * slots * sizeof *grown_seq);
    score = malloc(width * sizeof *score);
    last = malloc(width * sizeof *last);
    top = malloc(width * sizeof *top);
    if (!shown || !index || !lps || !order || !keys || !seq || !grown_seq || !score || !last || !top) {
        rc = -1;
        goto done;
    }
    score[0] = 0.0;
    last[0] = prev;
    from = 0;
    for (k = 0; k < slots; k++) {
        size_t ns = shown_set(chars + from, ends[k] - from, shown), kept = 0;
        from = ends[k];
        for (c = 0; c < ns; c++)
            index[c] = tr_char_index(m, shown[c]);
        if (m->next_at && ns < UINT32_MAX)
            index_order(index, ns, keys, order);
        /* grown, beam-major: the first width of it stably sorted by -score. */
        for (b = 0; b < nb; b++) {
            tr_char_prev p;
            tr_char_prev_of(m, last[b], &p);
            if (m->next_at && ns < UINT32_MAX)
                next_logps(m, &p, index, order, ns, lps);
            else
                char_logps(m, &p, index, ns, lps);
            for (c = 0; c < ns; c++) {
                filler f;
                size_t pos;
                double lp = lps[c];
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
    free(index);
    free(lps);
    free(order);
    free(keys);
    free(seq);
    free(grown_seq);
    free(score);
    free(last);
    free(top);
    return rc;
}

/* ==== tr_shift_judge: the judgement of a run ======================================
 *
 * Twin: _fallback.shift.shift_judge and what it calls (tokens, fill, _judge),
 * step by step: the same doubles in the same order, ties kept as Python keeps
 * them (max() the first of equals, sorted() stable).  Text is code points; a
 * path's pieces are int32: a character (0 is a lost ASCII byte, as the twin's
 * LOST is "\0"), a text (TR_ITEM_TEXT - k: an annotation the path keeps), or
 * EMPTY (a slot not filled yet, the twin's ""). */

#define EMPTY INT32_MIN
#define NO_CHAR (-1)  /* a neighbour that is not there ("" in the twin) */

typedef struct {
    uint32_t *v;
    size_t len, cap;
} uvec;

typedef struct {
    size_t *v;
    size_t len, cap;
} zvec;

typedef struct {
    double *v;
    size_t len, cap;
} dvec;

/* The characters of one slot grouped by their fold (the twin's by_fold in
 * _word_fillers): classes in order of first appearance, each a list of the
 * characters shown. */
typedef struct {
    int ready;
    size_t first, count;  /* its classes in jctx.classes */
} slot_classes;

typedef struct {
    uint32_t key;         /* the folded character */
    size_t first, count;  /* its characters shown, in jctx.members */
} fold_class;

typedef struct {
    int found;  /* 0: the twin's None */
    tr_shift_verdict v;
    uvec out;
} mode_verdict;

/* One path judged (the twin's judged tuples). */
typedef struct {
    double total, share;
    size_t path;          /* index of the path */
    size_t text_at, text_len;  /* its filled text in jctx.texts_out */
} judged_path;

/* Results remembered by key (code points): per entry its key, a text and
 * two doubles; a search is linear (a call holds a few dozen entries). */
typedef struct {
    uvec keys, texts;
    zvec key_at, key_len, text_at, text_len;
    dvec values;  /* two per entry */
} memo;

typedef struct {
    const tr_shift_model *sm;
    const uint32_t *run, *left, *right, *opened;
    size_t run_len, left_len, right_len, opened_len;
    int failed;
    /* one decoder mode's tokens */
    ivec prog;
    uvec ann;
    uvec texts;           /* the annotation texts a path may keep, back to back */
    zvec text_at, text_len, text_rec;  /* where each text is, its length, its record (SIZE_MAX: none yet) */
    uvec observed;
    /* its paths */
    ivec items;
    size_t starts[TR_SHIFT_PATHS + 1];
    double totals[TR_SHIFT_PATHS];
    int64_t guesses[TR_SHIFT_PATHS];
    /* the slots' fold classes (per search: slot ids are its own) */
    slot_classes *sc;
    size_t sc_cap;
    fold_class *classes;
    size_t nclasses, classes_cap;
    uint32_t *class_table;  /* classes_of's hash table */
    size_t class_table_cap;
    uvec members;
    /* fill's scratch */
    int32_t *pieces;
    size_t pieces_cap;
    zvec gstart, gend, gcand_at, gcand_count, reads, chars;
    uvec opens;
    uvec cands, before, after, head, tail, stack, window, found, words, ranked, tmp, fold_before,
        fold_after, group_chars, options, filled, texts_out;
    zvec ends, keep;
    dvec scores, shares, chars_scores;
    int32_t *fills;
    size_t fills_cap;
    /* fill's results and window_score's, remembered across the decoder
     * modes of one call (the modes often find the same paths) */
    memo fills_memo, windows_memo;
    uvec key;
} jctx;

static int jgrow(jctx *j, void **v, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *nv;
    if (j->failed)
        return -1;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 4 / size) {
            j->failed = 1;
            return -1;
        }
        ncap *= 2;
    }
    nv = realloc(*v, ncap * size);
    if (!nv) {
        j->failed = 1;
        return -1;
    }
    *v = nv;
    *cap = ncap;
    return 0;
}

static void uput(jctx *j, uvec *u, uint32_t c)
{
    if (jgrow(j, (void **)&u->v, &u->cap, u->len + 1, sizeof *u->v) == 0)
        u->v[u->len++] = c;
}

static void uadd(jctx *j, uvec *u, const uint32_t *s, size_t n)
{
    if (n && jgrow(j, (void **)&u->v, &u->cap, u->len + n, sizeof *u->v) == 0) {
        memcpy(u->v + u->len, s, n * sizeof *s);
        u->len += n;
    }
}

static void zput(jctx *j, zvec *z, size_t value)
{
    if (jgrow(j, (void **)&z->v, &z->cap, z->len + 1, sizeof *z->v) == 0)
        z->v[z->len++] = value;
}

static void dput(jctx *j, dvec *d, double value)
{
    if (jgrow(j, (void **)&d->v, &d->cap, d->len + 1, sizeof *d->v) == 0)
        d->v[d->len++] = value;
}

static void jput(jctx *j, ivec *v, int32_t value)
{
    if (jgrow(j, (void **)&v->v, &v->cap, v->len + 1, sizeof *v->v) == 0)
        v->v[v->len++] = value;
}

/* The entry of m whose key is k[0..n), or SIZE_MAX. */
static size_t memo_find(const memo *m, const uint32_t *k, size_t n)
{
    size_t e;
    for (e = 0; e < m->key_at.len; e++)
        if (m->key_len.v[e] == n && (!n || !memcmp(m->keys.v + m->key_at.v[e], k, n * sizeof *k)))
            return e;
    return SIZE_MAX;
}

/* Remembers the text t[0..tn) and the values a, b under the key k[0..n). */
static void memo_add(jctx *j, memo *m, const uint32_t *k, size_t n, const uint32_t *t, size_t tn, double a, double b)
{
    zput(j, &m->key_at, m->keys.len);
    zput(j, &m->key_len, n);
    uadd(j, &m->keys, k, n);
    zput(j, &m->text_at, m->texts.len);
    zput(j, &m->text_len, tn);
    uadd(j, &m->texts, t, tn);
    dput(j, &m->values, a);
    dput(j, &m->values, b);
}

static void memo_free(memo *m)
{
    free(m->keys.v);
    free(m->texts.v);
    free(m->key_at.v);
    free(m->key_len.v);
    free(m->text_at.v);
    free(m->text_len.v);
    free(m->values.v);
}

/* s[-k:] and s[:k] as Python slices them (s[-0:] is all of s). */
static size_t last_k(size_t len, size_t k)
{
    return k == 0 || k > len ? len : k;
}

static size_t first_k(size_t len, size_t k)
{
    return k > len ? len : k;
}

/* ---- characters ------------------------------------------------------------------ */

static int ascii_alpha(int64_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_alnum(int64_t c)
{
    return ascii_alpha(c) || (c >= '0' && c <= '9');
}

static int in_ranges(const uint32_t *r, size_t count, uint32_t c)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[2 * mid + 1] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < count && r[2 * lo] <= c;
}

/* The index of c among the pinyin letters (tr_letter_cp), or -1. */
static long letter_index(uint32_t c)
{
    size_t lo = 0, hi = tr_letter_count;
    if (c < tr_letter_low_count)
        return (long)tr_letter_low[c] - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr_letter_cp[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < tr_letter_count && tr_letter_cp[lo] == c ? (long)lo : -1;
}

/* _tail_end: one past the ')' closing 1-7 pinyin letters at s[i..n), or 0. */
static size_t tail_end(const uint32_t *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && j - i < 8 && (ascii_alpha(s[j]) || letter_index(s[j]) >= 0))
        j++;
    return i < j && j <= i + 7 && j < n && s[j] == ')' ? j + 1 : 0;
}

/* chars_for: the characters of the syllable s[0..n) (ReadingTable.spell, then
 * the toned or toneless map), as a pointer into tr_syllable_chars; their number. */
static size_t chars_for(const uint32_t *s, size_t n, const uint32_t **chars)
{
    char word[40];
    size_t len = 0, i, lo, hi;
    int tone = 0;
    *chars = NULL;
    if (n > 30)
        return 0;
    for (i = 0; i < n; i++) {
        long k;
        if (ascii_alpha(s[i])) {
            word[len++] = (char)(s[i] >= 'a' ? s[i] : s[i] - 'A' + 'a');
            continue;
        }
        k = letter_index(s[i]);
        if (k < 0)
            return 0;
        if (tr_letter_base[k])
            word[len++] = tr_letter_base[k];
        if (tr_letter_tone[k]) {
            if (tone)
                return 0;
            tone = tr_letter_tone[k];
        }
    }
    if (!len)
        return 0;
    if (tone)
        word[len++] = (char)('0' + tone);
    word[len] = 0;
    lo = tone ? 0 : tr_syllable_toned;
    hi = tone ? tr_syllable_toned : tr_syllable_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(&tr_syllable_text[tr_syllable_key[mid]], word);
        if (c == 0) {
            *chars = &tr_syllable_chars[tr_syllable_first[mid]];
            return tr_syllable_first[mid + 1] - tr_syllable_first[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int among(const uint32_t *sorted, size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] == c)
            return 1;
        if (sorted[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* encode_char: the cp936 bytes of c (ASCII as itself): 0 when none, else
 * their number, the bytes in *code (lead << 8 | trail, or one byte). */
static int encode(const tr_shift_model *sm, uint32_t c, uint32_t *code)
{
    uint16_t v;
    if (c < 0x80) {
        *code = c;
        return 1;
    }
    if (c > 0xFFFF || !(v = sm->encode[c]))
        return 0;
    *code = v;
    return v < 0x100 ? 1 : 2;
}

/* ---- paired marks ------------------------------------------------------------------ */

static const uint32_t MARKS[][2] = {  /* _OPENING: opening mark, its closing mark */
    {0x201C, 0x201D}, {0x2018, 0x2019}, {0x300C, 0x300D}, {0x300E, 0x300F}, {0x3010, 0x3011}, {0x300A, 0x300B},
    {0x3008, 0x3009}, {0x3014, 0x3015}, {0x3016, 0x3017}, {'(', ')'}, {'[', ']'}};
#define N_MARKS (sizeof MARKS / sizeof MARKS[0])

static uint32_t closer_of(uint32_t c)  /* _OPENING.get(c), or 0 */
{
    size_t k;
    for (k = 0; k < N_MARKS; k++)
        if (MARKS[k][0] == c)
            return MARKS[k][1];
    return 0;
}

static uint32_t opener_of(uint32_t c)  /* _CLOSING.get(c), or 0 */
{
    size_t k;
    for (k = 0; k < N_MARKS; k++)
        if (MARKS[k][1] == c)
            return MARKS[k][0];
    return 0;
}

/* open_marks over s[0..n), continuing the stack. */
static void open_marks(jctx *j, uvec *stack, const uint32_t *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t o;
        if (closer_of(s[i]))
            uput(j, stack, s[i]);
        else if ((o = opener_of(s[i])) && stack->len && stack->v[stack->len - 1] == o)
            stack->len--;
    }
}

/* The marks open before a group (fill's marks): the run's opened marks, then
 * those read(0, start) leaves open; openers only, innermost last. */
static uint32_t mark_at(const jctx *j, size_t i)
{
    return i < j->opened_len ? j->opened[i] : j->opens.v[i - j->opened_len];
}

static size_t marks_len(const jctx *j)
{
    return j->opened_len + j->opens.len;
}

/* _pairs_ok(w[0..n), marks): w's own opened marks stack in j->stack; the
 * marks below it are only read (they are openers, so none closes another). */
static int pairs_ok(jctx *j, const uint32_t *w, size_t n)
{
    size_t i, below = marks_len(j);
    j->stack.len = 0;
    for (i = 0; i < n; i++) {
        uint32_t o;
        if (closer_of(w[i])) {
            uput(j, &j->stack, w[i]);
        } else if ((o = opener_of(w[i])) != 0) {
            if (j->stack.len) {
                if (j->stack.v[j->stack.len - 1] != o)
                    return 0;
                j->stack.len--;
            } else if (below) {
                if (mark_at(j, below - 1) != o)
                    return 0;
                below--;
            }
        }
    }
    return !j->failed;
}

/* len(open_marks(marks + w[0..n))), marks being openers only. */
static size_t still_open(jctx *j, const uint32_t *w, size_t n)
{
    size_t i, below = marks_len(j);
    j->stack.len = 0;
    for (i = 0; i < n; i++) {
        uint32_t o;
        if (closer_of(w[i]))
            uput(j, &j->stack, w[i]);
        else if ((o = opener_of(w[i])) != 0 && j->stack.len && j->stack.v[j->stack.len - 1] == o)
            j->stack.len--;
        else if (o && !j->stack.len && below && mark_at(j, below - 1) == o)
            below--;
    }
    return below + j->stack.len;
}

/* ---- signs of the cut (the twin's regular expressions) ------------------------------- */

static int sign_letter(uint32_t c)  /* [a-z\u00e0-\u01dc] */
{
    return (c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0x1DC);
}

/* The length of 1-6 sign letters and ')' starting s[i..n), or 0. */
static size_t letters_closed(const uint32_t *s, size_t n, size_t i)
{
    size_t r = 0;
    while (i + r < n && r < 7 && sign_letter(s[i + r]))
        r++;
    return r >= 1 && r <= 6 && i + r < n && s[i + r] == ')' ? r + 1 : 0;
}

/* _SHIFT_SIGNS.search(s[0..n)). */
static int signs(const uint32_t *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (c >= 0xE000 && c <= 0xF8FF)
            return 1;
        if (c == '?') {
            /* ?，/?； always; ?。/?、 only after no other ? (informal text writes ???。) */
            if (i + 2 < n &&
                (s[i + 1] == ',' || s[i + 1] == ';' ||
                 ((s[i + 1] == 0x3002 || s[i + 1] == 0x3001) && !(i > 0 && s[i - 1] == '?'))) &&
                !in_ranges(tr_space_ranges, tr_space_count, s[i + 2]) &&
                !in_ranges(tr_decimal_ranges, tr_decimal_count, s[i + 2]))
                return 1;
            if (letters_closed(s, n, i + 1))
                return 1;
            if (i + 3 < n && s[i + 1] == '!' && s[i + 2] == '?' && s[i + 3] >= 0x21 && s[i + 3] <= 0x7E)
                return 1;
        } else if (c >= 0x80 && i + 1 < n) {
            if (s[i + 1] == 0x20AC)
                return 1;
            if (s[i + 1] >= 0x40 && s[i + 1] <= 0x7E && i + 2 < n &&
                (s[i + 2] >= 0x80 || (s[i + 2] == '(' && letters_closed(s, n, i + 3))))
                return 1;
        }
    }
    return 0;
}

/* Where a pattern ending in Python's '$' may end: n, and n - 1 before a final '\n'. */
static int ends_with(const uint32_t *s, size_t n, int (*at)(const uint32_t *, size_t))
{
    return at(s, n) || (n && s[n - 1] == '\n' && at(s, n - 1));
}

static int final_ghost_at(const uint32_t *s, size_t e)  /* [\u3400-\u9fff]\?!\?, ending at e */
{
    return e >= 4 && s[e - 4] >= 0x3400 && s[e - 4] <= 0x9FFF && s[e - 3] == '?' && s[e - 2] == '!' &&
           s[e - 1] == '?';
}

static int final_reading_at(const uint32_t *s, size_t e)  /* \u3002[”’」』】》〉〕〗], ending at e */
{
    return e >= 2 && s[e - 2] == 0x3002 && opener_of(s[e - 1]) && s[e - 1] != ')' && s[e - 1] != ']';
}

/* _GHOST_START.match(run): [^\x00-\x7f]?\?! at the run's start. */
static int ghost_start(const uint32_t *s, size_t n)
{
    size_t i = n && s[0] >= 0x80 ? 1 : 0;
    if (i + 1 < n && s[i] == '?' && s[i + 1] == '!')
        return 1;
    return 0;  /* a wide s[0] cannot be the '?' of the match without it */
}

/* len(_sign_context(run, right)): the annotation right after the run (it
 * belongs to its last character), else after a run starting on ?! the next
 * character; how much of right the signs read. */
static size_t sign_context_len(const uint32_t *run, size_t run_len, const uint32_t *right, size_t right_len)
{
    size_t k;
    if (right_len && right[0] == '(') {
        for (k = 0; k < right_len && right[k] != ')'; k++)
            ;
        return k < right_len ? k + 1 : 0;
    }
    return right_len && ghost_start(run, run_len) ? 1 : 0;
}

static int final_dropped_at(const uint32_t *s, size_t e)  /* [\u3400-\u9fff]!, ending at e */
{
    return e >= 2 && s[e - 2] >= 0x3400 && s[e - 2] <= 0x9FFF && s[e - 1] == '!';
}

/* _closes_paragraph(observed, reading[0..rn), right, opened, dropped). */
static int closes_paragraph(jctx *j, const uint32_t *reading, size_t rn, int dropped)
{
    if (j->right_len && j->right[0] != '\r' && j->right[0] != '\n')
        return 0;
    if (!ends_with(j->observed.v, j->observed.len, dropped ? final_dropped_at : final_ghost_at) ||
        !ends_with(reading, rn, final_reading_at))
        return 0;
    j->stack.len = 0;
    open_marks(j, &j->stack, j->opened, j->opened_len);
    open_marks(j, &j->stack, reading, rn - 1);
    return j->stack.len && closer_of(j->stack.v[j->stack.len - 1]) == reading[rn - 1];
}

/* ---- the model's scores of a window ------------------------------------------------ */

static double window_score(jctx *j, const uint32_t *t, size_t n)
{
    double w = 0.0, c, b, v;
    size_t e = memo_find(&j->windows_memo, t, n);
    if (e != SIZE_MAX)
        return j->windows_memo.values.v[2 * e];
    if (tr_word_score(j->sm->words, t, n, &w)) {
        j->failed = 1;
        return 0.0;
    }
    c = tr_char_score(j->sm->chars, t, n, -1, -1);
    b = j->sm->params.bigram_weight * c;
    v = w + b;
    memo_add(j, &j->windows_memo, t, n, NULL, 0, v, 0.0);
    return v;
}

/* _closer_cost(left, reading[0..rn), right): what the closing mark ending the
 * reading costs the model beyond U+201D (the pairing chose it, not the model). */
static double closer_cost(jctx *j, const uint32_t *reading, size_t rn)
{
    size_t k, last;
    double with_mark, with_quote;
    j->window.len = 0;
    uadd(j, &j->window, j->left, j->left_len);
    for (k = 0; k < rn; k++)
        if (reading[k] != 0)  /* LOST */
            uput(j, &j->window, reading[k]);
    if (j->failed || j->window.len == j->left_len || j->window.v[j->window.len - 1] == 0x201D)
        return 0.0;
    last = j->window.len - 1;
    uadd(j, &j->window, j->right, j->right_len);
    if (j->failed)
        return 0.0;
    with_mark = window_score(j, j->window.v, j->window.len);
    j->window.v[last] = 0x201D;
    with_quote = window_score(j, j->window.v, j->window.len);
    return with_quote - with_mark;
}

/* window_scores of count candidates of g characters each, into j->scores. */
static void window_scores(jctx *j, const uint32_t *cands, size_t count, size_t g, const uvec *head,
                          const uvec *tail)
{
    size_t k;
    j->scores.len = 0;
    j->ends.len = 0;
    for (k = 0; k < count; k++)
        zput(j, &j->ends, (k + 1) * g);
    if (j->failed || jgrow(j, (void **)&j->scores.v, &j->scores.cap, count, sizeof *j->scores.v))
        return;
    if (tr_word_scores(j->sm->words, head->v, head->len, cands, j->ends.v, count, tail->v, tail->len,
                       j->scores.v)) {
        j->failed = 1;
        return;
    }
    j->scores.len = count;
    /* The bigram scores of head + candidate + tail: the same sums in the
     * same order as tr_char_score of each window (the head's taken once). */
    if (jgrow(j, (void **)&j->chars_scores.v, &j->chars_scores.cap, count, sizeof *j->chars_scores.v))
        return;
    if (tr_char_scores(j->sm->chars, head->v, head->len, cands, j->ends.v, count, tail->v, tail->len,
                       j->chars_scores.v)) {
        j->failed = 1;
        return;
    }
    for (k = 0; k < count; k++) {
        double b = j->sm->params.bigram_weight * j->chars_scores.v[k];
        j->scores.v[k] = j->scores.v[k] + b;
    }
}

/* posterior: the share of chosen among scores[0..n), n > 0, summed in order. */
static double posterior_at(const double *scores, size_t n, double chosen, double temperature)
{
    double top = scores[0], total = 0.0, e;
    size_t i;
    for (i = 1; i < n; i++)
        if (scores[i] > top)
            top = scores[i];
    for (i = 0; i < n; i++) {
        e = exp((scores[i] - top) / temperature);
        total = total + e;
    }
    e = exp((chosen - top) / temperature);
    return e / total;
}

static double posterior(const double *scores, size_t n, double chosen)
{
    return posterior_at(scores, n, chosen, 1.0);
}

/* ---- tokens: the program of the run in one decoder mode ------------------------------- */

/* FNV-1a over the text (paren, when not 0, then t[0..n)). */
static uint64_t text_hash(uint32_t paren, const uint32_t *t, size_t n)
{
    uint64_t h = 0xCBF29CE484222325ull;
    size_t i;
    if (paren) {
        h ^= paren;
        h *= 0x100000001B3ull;
    }
    for (i = 0; i < n; i++) {
        h ^= t[i];
        h *= 0x100000001B3ull;
    }
    return h ^ (h >> 31);
}

/* The texts of one mode's tokens, found by content. */
typedef struct {
    size_t *slot;  /* text id + 1, or 0: empty */
    size_t cap;
} text_table;

/* The id of the text (paren, when not 0, then t[0..n)), added when new; -1 on failure. */
static int32_t text_id(jctx *j, text_table *tt, uint32_t paren, const uint32_t *t, size_t n)
{
    size_t len = n + (paren ? 1 : 0), h, k;
    if (2 * (j->text_at.len + 1) > tt->cap) {
        size_t cap = tt->cap ? 2 * tt->cap : 64, *slot;
        if (cap > SIZE_MAX / 4 / sizeof *slot || !(slot = calloc(cap, sizeof *slot))) {
            j->failed = 1;
            return -1;
        }
        for (k = 0; k < j->text_at.len; k++) {
            h = text_hash(0, j->texts.v + j->text_at.v[k], j->text_len.v[k]) & (cap - 1);
            while (slot[h])
                h = (h + 1) & (cap - 1);
            slot[h] = k + 1;
        }
        free(tt->slot);
        tt->slot = slot;
        tt->cap = cap;
    }
    h = text_hash(paren, t, n) & (tt->cap - 1);
    for (; tt->slot[h]; h = (h + 1) & (tt->cap - 1)) {
        size_t id = tt->slot[h] - 1;
        const uint32_t *o = j->texts.v + j->text_at.v[id];
        if (j->text_len.v[id] == len && (!paren || o[0] == paren) &&
            !memcmp(o + (paren ? 1 : 0), t, n * sizeof *t))
            return (int32_t)id;
    }
    k = j->text_at.len;
    if (k >= MAX_TEXTS) {
        j->failed = 1;
        return -1;
    }
    tt->slot[h] = k + 1;
    zput(j, &j->text_at, j->texts.len);
    zput(j, &j->text_len, len);
    zput(j, &j->text_rec, SIZE_MAX);
    if (paren)
        uput(j, &j->texts, paren);
    uadd(j, &j->texts, t, n);
    return j->failed ? -1 : (int32_t)k;
}

/* The offset of the annotation record of text id (its characters chars[0..n)),
 * made when new: [n, item, then per character: code point, bytes]. */
static int32_t record(jctx *j, int32_t id, const uint32_t *chars, size_t n)
{
    size_t off = j->text_rec.v[id], i;
    if (off != SIZE_MAX)
        return (int32_t)off;
    off = j->ann.len;
    if (off + 2 + 2 * n > TR_ATOM_ANN_MAX) {
        j->failed = 1;  /* a run of millions of distinct annotations: beyond the program's reach */
        return -1;
    }
    uput(j, &j->ann, (uint32_t)n);
    uput(j, &j->ann, TR_SHIFT_TEXT + (uint32_t)id);
    for (i = 0; i < n; i++) {
        uint32_t code = 0;
        int nbytes = encode(j->sm, chars[i], &code);
        uput(j, &j->ann, chars[i]);
        uput(j, &j->ann, (uint32_t)nbytes << 16 | code);
    }
    j->text_rec.v[id] = off;
    return (int32_t)off;
}

static void option(jctx *j, int natom, const int32_t *atoms)
{
    int a;
    jput(j, &j->prog, natom);
    for (a = 0; a < natom; a++)
        jput(j, &j->prog, atoms[a]);
}

/* _SPLIT_START: a '?' before one of these may be a lone lead byte. */
static int split_start(int64_t c)
{
    return c == '!' || c == ',' || c == ';' || c == '?' || c == 0x3002 || c == 0x3001;
}

/* _SPLIT_PAIRS: the pairs of 、，。？；！, before which the cutter cut. */
static int split_pair(const tr_shift_model *sm, uint32_t code)
{
    static const uint32_t split[6] = {0x3001, 0xFF0C, 0x3002, 0xFF1F, 0xFF1B, 0xFF01};
    int k;
    for (k = 0; k < 6; k++) {
        uint32_t c;
        if (encode(sm, split[k], &c) == 2 && c == code)
            return 1;
    }
    return 0;
}

/* _plain_token (and the dropped private-use pairs of tokens): 1 when cp936
 * cannot write ch. */
static int plain_token(jctx *j, uint32_t ch, int dropped, int pua)
{
    uint32_t code[2];
    int nbytes[2], n = 0, k, nopt = 0, plain = 0;
    int32_t atoms[5];
    nbytes[0] = encode(j->sm, ch, &code[0]);
    if (!nbytes[0])
        return 1;
    n = 1;
    if (ch >= 0x21 && ch <= 0x7E && (nbytes[1] = encode(j->sm, ch + 0xFEE0, &code[1])) != 0)
        n = 2;
    for (k = 0; k < n; k++) {
        int split = nbytes[k] == 2 && split_pair(j->sm, code[k]);
        nopt += split ? 1 + dropped : 1;
        plain += !split;
    }
    jput(j, &j->prog, nopt + (pua && ch >= 0x80 ? plain : 0));
    for (k = 0; k < n; k++) {
        int32_t lead = (int32_t)(code[k] >> 8), trail = (int32_t)(code[k] & 0xFF);
        if (nbytes[k] == 2 && split_pair(j->sm, code[k])) {
            atoms[0] = TR_ATOM_PIECE, atoms[1] = lead, atoms[2] = trail;
            option(j, 3, atoms);
            if (dropped) {
                atoms[0] = TR_ATOM_U, atoms[1] = TR_ATOM_PIECE, atoms[2] = lead, atoms[3] = trail;
                option(j, 4, atoms);
            }
        } else if (nbytes[k] == 2) {
            atoms[0] = lead, atoms[1] = trail;
            option(j, 2, atoms);
        } else {
            atoms[0] = (int32_t)code[k];
            option(j, 1, atoms);
        }
    }
    if (pua && ch >= 0x80) {
        /* The decoder may have dropped the private-use character a pair made. */
        for (k = 0; k < n; k++) {
            if (nbytes[k] == 2 && split_pair(j->sm, code[k]))
                continue;
            atoms[0] = TR_ATOM_DROPPAIR;
            if (nbytes[k] == 2) {
                atoms[1] = (int32_t)(code[k] >> 8), atoms[2] = (int32_t)(code[k] & 0xFF);
                option(j, 3, atoms);
            } else {
                atoms[1] = (int32_t)code[k];
                option(j, 2, atoms);
            }
        }
    }
    return 0;
}

/* Twin: _lead_lost_before.  Whether a run whose last character is ``last``
 * may end on a lead byte the decoder dropped: ``after`` cannot be a trail
 * byte.  Not at the end of the text (NO_CHAR): nothing vouches for a trail
 * guessed there. */
static int lead_lost_before(uint32_t last, int64_t after)
{
    return last >= 0x80 && after != NO_CHAR && after < 0x40;
}

/* tokens: the program of the run in one decoder mode, its annotation records
 * and texts, and the observed text (observed_text).  Returns 0, or 1 when
 * the twin's tokens are falsy: a character cp936 cannot write, or no run. */
static int tokens(jctx *j, int dropped, int pua)
{
    const uint32_t *run = j->run;
    size_t n = j->run_len, i = 0, ntok = 0, k;
    int64_t after = j->right_len ? (int64_t)j->right[0] : NO_CHAR;
    text_table tt = {NULL, 0};
    int32_t atoms[5];
    j->prog.len = j->ann.len = j->texts.len = j->text_at.len = j->text_len.len = j->text_rec.len = 0;
    j->observed.len = 0;
    jput(j, &j->prog, 0);  /* the number of tokens, set at the end */
    while (i < n && !j->failed) {
        uint32_t ch = run[i];
        int64_t nxt;
        if (ch == '(' || ch == '?') {
            size_t end = tail_end(run, n, i + 1), nc = 0;
            const uint32_t *chars = NULL;
            if (end)
                nc = chars_for(run + i + 1, end - 1 - (i + 1), &chars);
            if (nc) {
                int32_t id = ch == '(' ? text_id(j, &tt, 0, run + i, end - i) : text_id(j, &tt, '(', run + i + 1, end - i - 1);
                int32_t off = id < 0 ? -1 : record(j, id, chars, nc);
                if (off < 0)
                    break;
                if (ch == '(' && i && among(chars, nc, run[i - 1])) {
                    jput(j, &j->prog, 1);  /* [(ann,)]: the reading of the character before, no evidence */
                    atoms[0] = TR_ATOM_ANN + off;
                    option(j, 1, atoms);
                } else {
                    jput(j, &j->prog, 2);
                    if (ch == '(') {  /* [(ann,), (U, ann)]: not that character's: a byte went missing */
                        atoms[0] = TR_ATOM_ANN + off;
                        option(j, 1, atoms);
                        atoms[0] = TR_ATOM_U, atoms[1] = TR_ATOM_ANN + off;
                        option(j, 2, atoms);
                    } else {  /* [(U, ann), (U, annchar)]: the '(' was eaten */
                        atoms[0] = TR_ATOM_U, atoms[1] = TR_ATOM_ANN + off;
                        option(j, 2, atoms);
                        atoms[1] = TR_ATOM_ANNCHAR + off;
                        option(j, 2, atoms);
                    }
                    uadd(j, &j->observed, run + i, end - i);
                }
                ntok++;
                i = end;
                continue;
            }
        }
        if (ch == '?') {
            int blank;
            nxt = i + 1 < n ? (int64_t)run[i + 1] : NO_CHAR;
            blank = nxt == NO_CHAR || split_start(nxt);
            jput(j, &j->prog, 2 + dropped + blank + ascii_alpha(nxt));
            atoms[0] = 0x3F;
            option(j, 1, atoms);
            atoms[0] = TR_ATOM_PIECE, atoms[1] = 0xA3, atoms[2] = 0xBF;
            option(j, 3, atoms);
            if (dropped) {
                atoms[0] = TR_ATOM_U, atoms[1] = TR_ATOM_PIECE, atoms[2] = 0xA3, atoms[3] = 0xBF;
                option(j, 4, atoms);
            }
            atoms[0] = TR_ATOM_U, atoms[1] = TR_ATOM_LOST;
            if (blank)
                option(j, 1, atoms);
            if (ascii_alpha(nxt))
                option(j, 2, atoms);
            uput(j, &j->observed, ch);
            ntok++;
            i++;
            continue;
        }
        nxt = i + 1 < n ? (int64_t)run[i + 1] : after;
        if (ascii_alnum(ch) && ascii_alnum(nxt)) {
            /* A letter or digit of a Latin word: the decoder read it alone. */
            jput(j, &j->prog, 1);
            atoms[0] = TR_ATOM_ALONE, atoms[1] = (int32_t)ch;
            option(j, 2, atoms);
        } else if (plain_token(j, ch, dropped, pua)) {
            free(tt.slot);
            return 1;
        }
        uput(j, &j->observed, ch);
        ntok++;
        i++;
    }
    free(tt.slot);
    if (dropped && n && ((run[n - 1] == '!' && (after == NO_CHAR || after == '\r' || after == '\n')) ||
                         lead_lost_before(run[n - 1], after))) {
        /* The paragraph's last byte, a lone lead after the ghost ！, dropped
         * too; or the lead a wide last character left, before a byte that
         * cannot be its trail: [(UHI,), ()]. */
        jput(j, &j->prog, 2);
        atoms[0] = TR_ATOM_UHI;
        option(j, 1, atoms);
        option(j, 0, atoms);
        ntok++;
    }
    if (j->failed)
        return 0;
    j->prog.v[0] = (int32_t)ntok;
    for (k = 0; k < j->observed.len; k++)  /* fullwidth forms folded (FOLD) */
        j->observed.v[k] = fold_cp(j->observed.v[k]);
    return ntok ? 0 : 1;
}

/* ---- filling the slots of a path ------------------------------------------------------ */

/* The fold classes of slot id (the twin's by_fold of _word_fillers), made once per search. */
static const slot_classes *classes_of(jctx *j, const sctx *x, size_t id)
{
    const slot_info *s = &x->slots[id];
    slot_classes *sc;
    size_t i, k, first, cap;
    if (id >= j->sc_cap) {
        size_t old = j->sc_cap;
        if (jgrow(j, (void **)&j->sc, &j->sc_cap, x->nslots, sizeof *j->sc))
            return NULL;
        memset(j->sc + old, 0, (j->sc_cap - old) * sizeof *j->sc);
    }
    sc = &j->sc[id];
    if (sc->ready)
        return sc;
    first = j->nclasses;
    j->tmp.len = 0;  /* the class of each character */
    /* The classes made so far for this slot, by key: a hash table of
     * (key, class) pairs, class -1 for a free entry. */
    for (cap = 16; cap < 2 * s->len; cap *= 2)
        if (cap > SIZE_MAX / 8 / sizeof *j->class_table) {
            j->failed = 1;
            return NULL;
        }
    if (jgrow(j, (void **)&j->class_table, &j->class_table_cap, 2 * cap, sizeof *j->class_table))
        return NULL;
    for (k = 0; k < cap; k++)
        j->class_table[2 * k + 1] = UINT32_MAX;
    for (i = 0; i < s->len && !j->failed; i++) {
        uint32_t shown = fold_cp((uint32_t)x->pool.v[s->start + i]), key;
        size_t h;
        tr_lm_fold(j->sm->words, &shown, 1, &key);
        for (h = (key * 0x9E3779B1u) & (cap - 1); j->class_table[2 * h + 1] != UINT32_MAX &&
             j->class_table[2 * h] != key; h = (h + 1) & (cap - 1))
            ;
        k = j->class_table[2 * h + 1] != UINT32_MAX ? j->class_table[2 * h + 1] : j->nclasses;
        if (k == j->nclasses) {
            if (k >= UINT32_MAX) {
                j->failed = 1;
                return NULL;
            }
            j->class_table[2 * h] = key;
            j->class_table[2 * h + 1] = (uint32_t)k;
            if (jgrow(j, (void **)&j->classes, &j->classes_cap, k + 1, sizeof *j->classes))
                return NULL;
            j->classes[k].key = key;
            j->classes[k].count = 0;
            j->nclasses++;
        }
        j->classes[k].count++;
        uput(j, &j->tmp, (uint32_t)k);
    }
    if (j->failed || jgrow(j, (void **)&j->members.v, &j->members.cap, j->members.len + s->len, sizeof *j->members.v))
        return NULL;
    for (k = first; k < j->nclasses; k++) {  /* each class's characters together, in order */
        j->classes[k].first = j->members.len;
        j->members.len += j->classes[k].count;
        j->classes[k].count = 0;
    }
    for (i = 0; i < s->len; i++) {
        fold_class *c = &j->classes[j->tmp.v[i]];
        j->members.v[c->first + c->count++] = fold_cp((uint32_t)x->pool.v[s->start + i]);
    }
    sc->first = first;
    sc->count = j->nclasses - first;
    sc->ready = 1;
    return sc;
}

static int rows_cmp(const uint32_t *a, const uint32_t *b, size_t g)
{
    size_t k;
    for (k = 0; k < g; k++)
        if (a[k] != b[k])
            return a[k] < b[k] ? -1 : 1;
    return 0;
}

/* Sorts the rows (g code points each) of u and drops repeats: sorted(set(rows)). */
static void sort_rows(jctx *j, uvec *u, size_t g)
{
    size_t n = u->len / g, width, i, kept = 0;
    uint32_t *a, *b, *t;
    if (n < 2)
        return;
    if (jgrow(j, (void **)&j->window.v, &j->window.cap, u->len, sizeof *j->window.v))
        return;
    a = u->v;
    b = j->window.v;
    for (width = 1; width < n; width *= 2) {  /* bottom-up merge sort */
        for (i = 0; i < n; i += 2 * width) {
            size_t lo = i, mid = i + width < n ? i + width : n, hi = i + 2 * width < n ? i + 2 * width : n;
            size_t p = lo, q = mid, o = lo;
            while (p < mid && q < hi)
                memcpy(&b[g * o++], rows_cmp(&a[g * q], &a[g * p], g) < 0 ? &a[g * q++] : &a[g * p++], g * sizeof *a);
            while (p < mid)
                memcpy(&b[g * o++], &a[g * p++], g * sizeof *a);
            while (q < hi)
                memcpy(&b[g * o++], &a[g * q++], g * sizeof *a);
        }
        t = a;
        a = b;
        b = t;
    }
    if (a != u->v)
        memcpy(u->v, a, u->len * sizeof *a);
    for (i = 0; i < n; i++)
        if (!kept || rows_cmp(&u->v[g * i], &u->v[g * (kept - 1)], g))
            memmove(&u->v[g * kept++], &u->v[g * i], g * sizeof *u->v);
    u->len = kept * g;
}

/* _word_fillers of the group of slots ids[0..g) into j->words (rows of g),
 * with before/after the known text around it and ranked the bigram
 * readings (count rows). */
static void word_fillers(jctx *j, const sctx *x, const int32_t *ids, size_t g, const uvec *before, size_t blen,
                         const uvec *after, size_t alen, const uint32_t *ranked, size_t count)
{
    size_t k, f, found = 0, cap = 64, r, nread;
    const slot_classes *sc;
    j->words.len = 0;
    j->options.len = 0;
    j->ends.len = 0;
    for (k = 0; k < g; k++) {
        size_t c;
        if (!(sc = classes_of(j, x, SLOT_ID(ids[k]))))
            return;
        for (c = sc->first; c < sc->first + sc->count; c++) {
            uput(j, &j->options, j->classes[c].key);
            uput(j, &j->options, j->members.v[j->classes[c].first]);
        }
        zput(j, &j->ends, j->options.len / 2);
    }
    /* The known text, folded. */
    if (jgrow(j, (void **)&j->fold_before.v, &j->fold_before.cap, blen + 1, sizeof(uint32_t)) ||
        jgrow(j, (void **)&j->fold_after.v, &j->fold_after.cap, alen + 1, sizeof(uint32_t)))
        return;
    if (blen)
        tr_lm_fold(j->sm->words, before->v + before->len - blen, blen, j->fold_before.v);
    if (alen)
        tr_lm_fold(j->sm->words, after->v, alen, j->fold_after.v);
    for (;;) {
        int rc;
        if (cap > SIZE_MAX / 8 / g || jgrow(j, (void **)&j->fills, &j->fills_cap, cap * g, sizeof *j->fills))
            return;
        rc = tr_word_fits(j->sm->words, j->fold_before.v, blen, j->options.v, j->ends.v, g, j->fold_after.v, alen,
                          j->sm->params.word_reach, j->fills, cap, &found);
        if (rc == 2) {
            cap = found;
            continue;
        }
        if (rc) {
            j->failed = 1;
            return;
        }
        break;
    }
    for (f = 0; f < found && !j->failed; f++) {
        /* Every character that spells the word (後 and 后 both fold to 后). */
        const int32_t *fill = &j->fills[f * g];
        j->filled.len = 0;  /* one reading to grow, the fallback: ranked[0], or each slot's first character */
        if (count)
            uadd(j, &j->filled, ranked, g);
        else
            for (k = 0; k < g; k++)
                uput(j, &j->filled, (uint32_t)x->pool.v[x->slots[SLOT_ID(ids[k])].start]);
        nread = 1;
        for (k = 0; k < g && !j->failed; k++) {
            size_t first = 0, nv = 1, v, m;
            const uint32_t *variants = NULL;
            uint32_t fallback = j->filled.v[k];  /* ranked[0][k], as every reading still holds it */
            if (fill[k] >= 0) {
                size_t c;
                sc = &j->sc[SLOT_ID(ids[k])];
                for (c = sc->first; c < sc->first + sc->count; c++)
                    if (j->members.v[j->classes[c].first] == (uint32_t)fill[k])
                        break;
                first = j->classes[c].first;
                nv = j->classes[c].count;
                variants = j->members.v;
            }
            /* readings = [r + v for r in readings for v in variants] */
            j->tmp.len = 0;
            for (r = 0; r < nread; r++)
                for (v = 0; v < nv; v++) {
                    uadd(j, &j->tmp, &j->filled.v[r * g], g);
                    if (j->failed)
                        return;
                    m = j->tmp.len - g;
                    j->tmp.v[m + k] = variants ? variants[first + v] : fallback;
                }
            j->filled.len = 0;
            uadd(j, &j->filled, j->tmp.v, j->tmp.len);
            nread *= nv;
        }
        uadd(j, &j->words, j->filled.v, j->filled.len);
    }
    sort_rows(j, &j->words, g);
}

/* Appends read(lo, hi) of the pieces: the characters the model reads (no
 * annotation text, no lost byte, no empty slot). */
static void read_pieces(jctx *j, uvec *u, size_t lo, size_t hi)
{
    size_t k;
    for (k = lo; k < hi; k++)
        if (j->pieces[k] > 0)
            uput(j, u, (uint32_t)j->pieces[k]);
}

#define ALL SIZE_MAX  /* a context slice that keeps everything (s[-0:]) */

/* The first position in idx (sorted item indices) at or after k. */
static size_t first_at(const zvec *idx, size_t k)
{
    size_t lo = 0, hi = idx->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx->v[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* (left + read(0, start))[-k:] into u (k ALL: all of it): the characters
 * before start, read back along j->reads (the items that are characters or
 * slots; those before start are filled), so a group costs its context, not
 * the run. */
static void known_before(jctx *j, size_t start, size_t k, uvec *u)
{
    size_t at = first_at(&j->reads, start), got = 0, from;
    u->len = 0;
    while (at > 0 && got < k) {
        int32_t p = j->pieces[j->reads.v[--at]];
        if (p > 0)
            got++;
    }
    /* reads[at..) up to start hold the got characters; the rest from left. */
    from = got < k ? (k == ALL || k - got >= j->left_len ? 0 : j->left_len - (k - got)) : j->left_len;
    uadd(j, u, j->left + from, j->left_len - from);
    for (; at < j->reads.len && j->reads.v[at] < start; at++)
        if (j->pieces[j->reads.v[at]] > 0)
            uput(j, u, (uint32_t)j->pieces[j->reads.v[at]]);
}

/* (read(end, n) + right)[:k] into u, reading along idx: j->chars (the items
 * that are characters: later slots are still empty in fill's first loop) or
 * j->reads (every slot filled). */
static void known_after(jctx *j, const zvec *idx, size_t end, size_t k, uvec *u)
{
    size_t at = first_at(idx, end);
    u->len = 0;
    for (; at < idx->len && u->len < k; at++)
        if (j->pieces[idx->v[at]] > 0)
            uput(j, u, (uint32_t)j->pieces[idx->v[at]]);
    if (u->len < k)
        uadd(j, u, j->right, first_k(j->right_len, k - u->len));
}

/* Does a slot allow the mark closer (as it shows its characters)? */
static int slot_allows(const sctx *x, int32_t ref, uint32_t closer)
{
    const slot_info *s = &x->slots[SLOT_ID(ref)];
    size_t i;
    for (i = 0; i < s->len; i++)
        if (fold_cp((uint32_t)x->pool.v[s->start + i]) == closer)
            return 1;
    return 0;
}

/* The candidates of the group items[start..end) (fill's first loop) appended
 * to j->cands; their number. */
static size_t group_candidates(jctx *j, const sctx *x, const int32_t *items, size_t start, size_t end, size_t n)
{
    const tr_shift_params *pp = &j->sm->params;
    size_t g = end - start, k, r, nranked = 0, nfound, top, nkeep, at = j->cands.len;
    int32_t prev, next;
    (void)n;
    known_before(j, start, pp->word_reach ? (pp->word_reach > 1 ? pp->word_reach : 1) : ALL, &j->before);
    known_after(j, &j->chars, end, pp->word_reach > 1 ? pp->word_reach : 1, &j->after);
    prev = j->before.len ? (int32_t)j->before.v[j->before.len - 1] : NO_CHAR;
    next = j->after.len ? (int32_t)j->after.v[0] : NO_CHAR;
    /* The likeliest readings by the bigram model with their neighbours. */
    j->group_chars.len = 0;
    j->ends.len = 0;
    for (k = start; k < end; k++) {
        const slot_info *s = &x->slots[SLOT_ID(items[k])];
        size_t i;
        for (i = 0; i < s->len; i++)
            uput(j, &j->group_chars, (uint32_t)x->pool.v[s->start + i]);
        zput(j, &j->ends, j->group_chars.len);
    }
    if (j->failed || pp->fillers > SIZE_MAX / 8 / g ||
        jgrow(j, (void **)&j->ranked.v, &j->ranked.cap, pp->fillers * g, sizeof *j->ranked.v))
        return 0;
    if (tr_slot_fillers(j->sm->chars, j->group_chars.v, j->ends.v, g, prev, next, pp->fillers, j->ranked.v,
                        &nranked)) {
        j->failed = 1;
        return 0;
    }
    j->ranked.len = nranked * g;
    /* The words of the word list, then the found readings: ranked, then the words not among them. */
    word_fillers(j, x, items + start, g, &j->before, last_k(j->before.len, pp->word_reach), &j->after,
                 first_k(j->after.len, pp->word_reach), j->ranked.v, nranked);
    j->found.len = 0;
    uadd(j, &j->found, j->ranked.v, j->ranked.len);
    for (k = 0; k < j->words.len / g && !j->failed; k++) {
        const uint32_t *w = &j->words.v[k * g];
        for (r = 0; r < nranked && rows_cmp(w, &j->ranked.v[r * g], g); r++)
            ;
        if (r == nranked)
            uadd(j, &j->found, w, g);
    }
    /* marks = opened + open_marks(read(0, start)): the latter kept as the groups go (fill) */
    if (j->failed)
        return 0;
    nfound = j->found.len / g;
    if (marks_len(j)) {
        /* The mark that closes what is open, in each slot that allows it. */
        uint32_t closer = closer_of(mark_at(j, marks_len(j) - 1));
        top = nfound < 8 ? nfound : 8;
        for (k = 0; k < g; k++) {
            if (!slot_allows(x, items[start + k], closer))
                continue;
            for (r = 0; r < top; r++) {
                size_t m = j->found.len, q;
                if (jgrow(j, (void **)&j->found.v, &j->found.cap, m + g, sizeof *j->found.v))
                    return 0;
                memcpy(&j->found.v[m], &j->found.v[r * g], g * sizeof *j->found.v);
                j->found.v[m + k] = closer;
                for (q = 0; q < m / g && rows_cmp(&j->found.v[q * g], &j->found.v[m], g); q++)
                    ;
                if (q == m / g)  /* a reading not found before (each once: rivals share the posterior) */
                    j->found.len = m + g;
            }
        }
        nfound = j->found.len / g;
    }
    /* paired: the readings whose closing marks close what is open */
    j->keep.len = 0;
    for (r = 0; r < nfound && !j->failed; r++)
        if (pairs_ok(j, &j->found.v[r * g], g))
            zput(j, &j->keep, r);
    nkeep = j->keep.len;
    if (nkeep && (!j->after.len || j->after.v[0] == '\n')) {
        /* A paragraph ends here: what opened in it closes if the bytes allow. */
        size_t fewest = SIZE_MAX, m = 0;
        for (r = 0; r < nkeep; r++) {
            size_t o = still_open(j, &j->found.v[j->keep.v[r] * g], g);
            if (o < fewest)
                fewest = o;
        }
        for (r = 0; r < nkeep; r++)
            if (still_open(j, &j->found.v[j->keep.v[r] * g], g) == fewest)
                j->keep.v[m++] = j->keep.v[r];
        nkeep = j->keep.len = m;
    }
    if (nkeep && (!j->after.len || j->after.v[0] < 0x80)) {
        /* A quotation opens on text, not on markup, ASCII or a line's end. */
        size_t m = 0;
        for (r = 0; r < nkeep; r++)
            if (!closer_of(j->found.v[j->keep.v[r] * g + g - 1]))
                m++;
        if (m) {
            m = 0;
            for (r = 0; r < nkeep; r++)
                if (!closer_of(j->found.v[j->keep.v[r] * g + g - 1]))
                    j->keep.v[m++] = j->keep.v[r];
            nkeep = j->keep.len = m;
        }
    }
    if (j->failed)
        return 0;
    if (nkeep)
        for (r = 0; r < nkeep; r++)
            uadd(j, &j->cands, &j->found.v[j->keep.v[r] * g], g);
    else
        uadd(j, &j->cands, j->found.v, j->found.len);
    return j->failed ? 0 : (j->cands.len - at) / g;
}

/* fill: the path's text (appended to j->texts_out), its window's score and
 * the confidence (the product of each group's posterior). */
static void fill(jctx *j, const sctx *x, const int32_t *items, size_t n, double *score, double *confidence)
{
    const tr_shift_params *pp = &j->sm->params;
    size_t k, gi, ng, round, scanned;
    *score = 0.0;
    *confidence = 1.0;
    if (jgrow(j, (void **)&j->pieces, &j->pieces_cap, n ? n : 1, sizeof *j->pieces))
        return;
    j->gstart.len = j->gend.len = j->gcand_at.len = j->gcand_count.len = 0;
    j->reads.len = j->chars.len = 0;
    for (k = 0; k < n; k++) {
        j->pieces[k] = IS_SLOT(items[k]) ? EMPTY : items[k];
        if (IS_SLOT(items[k]) && (k == 0 || !IS_SLOT(items[k - 1])))
            zput(j, &j->gstart, k);
        if (IS_SLOT(items[k]) && (k + 1 == n || !IS_SLOT(items[k + 1])))
            zput(j, &j->gend, k + 1);
        if (IS_SLOT(items[k]) || items[k] > 0)
            zput(j, &j->reads, k);  /* what the model reads once the slots are filled */
        if (items[k] > 0)
            zput(j, &j->chars, k);
    }
    ng = j->gstart.len;
    j->cands.len = 0;
    j->opens.len = 0;  /* open_marks(read(0, start)), kept as the groups go */
    scanned = 0;
    for (gi = 0; gi < ng && !j->failed; gi++) {
        size_t start = j->gstart.v[gi], end = j->gend.v[gi], at = j->cands.len, count;
        for (; scanned < start; scanned++) {
            uint32_t c = (uint32_t)j->pieces[scanned];
            if (j->pieces[scanned] > 0)
                open_marks(j, &j->opens, &c, 1);
        }
        count = group_candidates(j, x, items, start, end, n);
        if (j->failed)
            return;
        zput(j, &j->gcand_at, at);
        zput(j, &j->gcand_count, count);
        for (k = start; k < end; k++)
            j->pieces[k] = (int32_t)j->cands.v[at + k - start];
    }
    j->shares.len = 0;
    for (gi = 0; gi < ng; gi++)
        dput(j, &j->shares, 0.0);
    for (round = 0; round < (ng > 1 ? 2u : 1u) && !j->failed; round++) {
        for (gi = 0; gi < ng && !j->failed; gi++) {
            size_t start = j->gstart.v[gi], end = j->gend.v[gi], g = end - start, best = 0;
            size_t at = j->gcand_at.v[gi], count = j->gcand_count.v[gi];
            known_before(j, start, pp->context ? pp->context : ALL, &j->head);
            known_after(j, &j->reads, end, pp->context, &j->tail);
            window_scores(j, &j->cands.v[at], count, g, &j->head, &j->tail);
            if (j->failed || !count)
                return;
            for (k = 1; k < count; k++)
                if (j->scores.v[k] > j->scores.v[best])
                    best = k;
            for (k = start; k < end; k++)
                j->pieces[k] = (int32_t)j->cands.v[at + best * g + k - start];
            j->shares.v[gi] = posterior_at(j->scores.v, count, j->scores.v[best], pp->share_temperature);
        }
    }
    for (gi = 0; gi < ng; gi++)
        *confidence = *confidence * j->shares.v[gi];
    /* The text: every piece, annotations and lost bytes too. */
    for (k = 0; k < n; k++) {
        int32_t p = j->pieces[k];
        if (p >= 0) {
            uput(j, &j->texts_out, (uint32_t)p);
        } else if (p != EMPTY) {
            size_t id = (size_t)(TR_ITEM_TEXT - p);
            uadd(j, &j->texts_out, j->texts.v + j->text_at.v[id], j->text_len.v[id]);
        }
    }
    j->window.len = 0;
    uadd(j, &j->window, j->left, j->left_len);
    read_pieces(j, &j->window, 0, n);
    uadd(j, &j->window, j->right, j->right_len);
    if (!j->failed)
        *score = window_score(j, j->window.v, j->window.len);
}

/* The key of a path for fill's memo in j->key: its items, each slot as its
 * kind, byte and characters and each text as its characters (slot and text
 * ids are a search's own), which is all fill reads of them. */
static void fill_key(jctx *j, const sctx *x, const int32_t *items, size_t n)
{
    size_t k;
    j->key.len = 0;
    for (k = 0; k < n && !j->failed; k++) {
        int32_t it = items[k];
        if (IS_SLOT(it)) {
            const slot_info *s = &x->slots[SLOT_ID(it)];
            size_t i;
            uput(j, &j->key, 0xFFFFFFF0u);
            uput(j, &j->key, s->kind);
            uput(j, &j->key, s->byte);
            uput(j, &j->key, (uint32_t)s->len);
            for (i = 0; i < s->len; i++)
                uput(j, &j->key, (uint32_t)x->pool.v[s->start + i]);
        } else if (it < 0) {
            size_t id = (size_t)(TR_ITEM_TEXT - it);
            uput(j, &j->key, 0xFFFFFFF1u);
            uput(j, &j->key, (uint32_t)j->text_len.v[id]);
            uadd(j, &j->key, j->texts.v + j->text_at.v[id], j->text_len.v[id]);
        } else {
            uput(j, &j->key, (uint32_t)it);
        }
    }
}

/* fill, remembered across the modes of one call: a path found again gives
 * the same text, score and confidence. */
static void fill_once(jctx *j, const sctx *x, const int32_t *items, size_t n, double *score, double *confidence)
{
    size_t e, at = j->texts_out.len;
    fill_key(j, x, items, n);
    if (j->failed)
        return;
    e = memo_find(&j->fills_memo, j->key.v, j->key.len);
    if (e != SIZE_MAX) {
        uadd(j, &j->texts_out, j->fills_memo.texts.v + j->fills_memo.text_at.v[e], j->fills_memo.text_len.v[e]);
        *score = j->fills_memo.values.v[2 * e];
        *confidence = j->fills_memo.values.v[2 * e + 1];
        return;
    }
    fill(j, x, items, n, score, confidence);
    if (!j->failed)
        memo_add(j, &j->fills_memo, j->key.v, j->key.len, j->texts_out.v + at, j->texts_out.len - at, *score,
                 *confidence);
}

/* ---- the verdict ------------------------------------------------------------------------ */

/* The path's characters read out of surviving bytes that the run did not
 * show, and its slots.  (sorted: the observed characters, sorted.) */
static void read_and_slots(const int32_t *items, size_t n, const uvec *sorted, size_t *read, size_t *slots)
{
    size_t k;
    *read = *slots = 0;
    for (k = 0; k < n; k++) {
        if (items[k] > 0 && !among(sorted->v, sorted->len, (uint32_t)items[k]))
            (*read)++;
        else if (IS_SLOT(items[k]))
            (*slots)++;
    }
}

/* Is the run nothing but ? and ! (sorted: its observed characters)? */
static int is_bare(const uvec *sorted)
{
    size_t k;
    for (k = 0; k < sorted->len; k++)
        if (sorted->v[k] != '?' && sorted->v[k] != '!')
            return 0;
    return 1;
}

/* _guesses_within: no more slots than characters read, or free. */
static int guesses_within(const int32_t *items, size_t n, const uvec *sorted, size_t free)
{
    size_t read, slots;
    read_and_slots(items, n, sorted, &read, &slots);
    if (is_bare(sorted))
        return slots == 0; /* bare ? and !: its marks may be read, nothing guessed */
    return slots <= (read > free ? read : free);
}

/* _support: does the path read a character out of surviving bytes that the
 * run did not show, filling no more slots than it reads such characters (or
 * free, FREE_SLOTS; near: fewer slots than characters read)?  A run of
 * nothing but ? and ! supports nothing. */
static int support(const int32_t *items, size_t n, const uvec *sorted, size_t free, int near)
{
    size_t read, slots;
    if (is_bare(sorted))
        return 0; /* nothing but ? and !: no byte of any reading survives */
    read_and_slots(items, n, sorted, &read, &slots);
    if (near)
        return slots < read; /* read near damage without a sign: more read than guessed */
    return read > 0 && slots <= (read > free ? read : free);
}

/* Is t[0..n), its lost bytes left out, the observed text? */
static int is_observed(const jctx *j, const uint32_t *t, size_t n)
{
    size_t k, o = 0;
    for (k = 0; k < n; k++) {
        if (!t[k])
            continue;
        if (o == j->observed.len || t[k] != j->observed.v[o])
            return 0;
        o++;
    }
    return o == j->observed.len;
}

static void verdict_none(tr_shift_verdict *v)
{
    v->apply = v->certain = v->near_cut = v->edge_guess = 0;
    v->reason = TR_SHIFT_REASON_NONE;
    v->confidence = 0.0;
    v->score = -INFINITY;
}

/* Twin: _edge_guess.  Whether the path's last item is a slot guessed from a
 * lead byte alone, the run having ended on a lead the decoder dropped. */
static int edge_guess(const jctx *j, const sctx *x, size_t path)
{
    size_t a = j->starts[path], b = j->starts[path + 1];
    int32_t last;
    if (b <= a)
        return 0;
    last = j->items.v[b - 1];
    return IS_SLOT(last) && x->slots[SLOT_ID(last)].kind == TR_SLOT_HITRAIL;
}

/* The reading of path e held back near a cut (the twin's Verdict(False, ..., near_cut=True)). */
static void near_verdict(jctx *j, const sctx *x, mode_verdict *mv, const judged_path *e, const double *totals,
                         size_t nj, int reason)
{
    mv->v.near_cut = 1;
    mv->v.edge_guess = edge_guess(j, x, e->path);
    mv->v.reason = reason;
    mv->v.confidence = e->share * posterior(totals, nj, e->total);
    mv->v.score = e->total;
    uadd(j, &mv->out, j->texts_out.v + e->text_at, e->text_len);
}

/* _judge: the verdict under one decoder (dropped, pua); mv->found 0 for the twin's None. */
static void judge_mode(jctx *j, sctx *xs, int dropped, int pua, mode_verdict *mv)
{
    const tr_shift_params *pp = &j->sm->params;
    sctx *const x = xs;
    final_state finals[TR_SHIFT_BEAM];
    judged_path jp[TR_SHIFT_PATHS], *best;
    double totals[TR_SHIFT_PATHS], as_is, salad_score, d, gain;
    size_t nf = 0, np, k, nj = 0, pos;
    int salad, shown, closes, was_punct;
    mv->found = 0;
    mv->out.len = 0;
    verdict_none(&mv->v);
    if (pua)
        for (k = 0; k < j->run_len; k++)
            if (j->run[k] >= 0xE000 && j->run[k] <= 0xF8FF)
                return;  /* this decoder keeps private-use characters */
    if (tokens(j, dropped, pua) || j->failed)
        return;
    /* One search context for every mode: its slots (and what is worked out
     * per slot: terms, indices, fold classes) are interned by value, so a
     * slot a mode finds again has its id of before. */
    x->ann = j->ann.v;
    x->nodes = 0;
    if (search(x, j->prog.v, j->left_len ? (int32_t)j->left[j->left_len - 1] : NONE,
               j->right_len ? (int32_t)j->right[0] : NONE, j->run[0] == '!' || j->run[0] == ';', finals, &nf)) {
        j->failed = 1;
        goto done;
    }
    j->items.len = 0;
    np = nf ? distinct_paths(x, finals, nf, &j->items, j->starts, j->totals, j->guesses) : 0;
    if (x->failed) {
        j->failed = 1;
        goto done;
    }
    if (!np)
        goto done;
    j->window.len = 0;
    uadd(j, &j->window, j->left, j->left_len);
    uadd(j, &j->window, j->observed.v, j->observed.len);
    uadd(j, &j->window, j->right, j->right_len);
    if (j->failed)
        goto done;
    as_is = window_score(j, j->window.v, j->window.len);
    j->texts_out.len = 0;
    for (k = 0; k < np && k < pp->judged_paths && !j->failed; k++) {
        judged_path e;
        double score, share, cost;
        e.text_at = j->texts_out.len;
        fill_once(j, x, j->items.v + j->starts[k], j->starts[k + 1] - j->starts[k], &score, &share);
        if (j->failed)
            goto done;
        e.text_len = j->texts_out.len - e.text_at;
        cost = (double)TR_SHIFT_GUESS_COST * (double)j->guesses[k];
        e.total = score - cost;
        e.share = share;
        e.path = k;
        /* The run read as it stands is a path too: the verdict weighs the best other reading against it. */
        if (is_observed(j, j->texts_out.v + e.text_at, e.text_len))
            continue;
        pos = nj;  /* sorted by -total, stably */
        while (pos > 0 && -e.total < -jp[pos - 1].total)
            pos--;
        memmove(&jp[pos + 1], &jp[pos], (nj - pos) * sizeof *jp);
        jp[pos] = e;
        nj++;
    }
    mv->found = 1;
    if (!nj)
        goto done;
    for (k = 0; k < nj; k++)
        totals[k] = jp[k].total;
    best = &jp[0];
    gain = best->total - as_is;
    /* salad: the best reading against the run read most kindly (each punctuation cluster one ，) */
    j->window.len = 0;
    uadd(j, &j->window, j->left, j->left_len);
    uadd(j, &j->window, j->observed.v, j->observed.len);
    uadd(j, &j->window, j->right, j->right_len);
    if (j->failed)
        goto done;
    for (k = pos = 0, was_punct = 0; k < j->window.len; k++) {  /* _PUNCT_RUN.sub("，", ...) */
        uint32_t c = j->window.v[k];
        int punct = c == '?' || c == '!' || c == ';' || c == ',';
        if (!punct)
            j->window.v[pos++] = c;
        else if (!was_punct)
            j->window.v[pos++] = 0xFF0C;
        was_punct = punct;
    }
    j->window.len = pos;
    salad_score = window_score(j, j->window.v, j->window.len);
    d = best->total - salad_score;
    salad = d >= pp->salad;
    closes = closes_paragraph(j, j->texts_out.v + best->text_at, best->text_len, dropped);
    if (closes)
        gain += closer_cost(j, j->texts_out.v + best->text_at, best->text_len);
    j->window.len = 0;
    uadd(j, &j->window, j->run, j->run_len);
    uadd(j, &j->window, j->right, sign_context_len(j->run, j->run_len, j->right, j->right_len));
    if (j->failed)
        goto done;
    shown = signs(j->window.v, j->window.len) || (closes && !dropped);
    j->tmp.len = 0;  /* the observed characters, sorted, for _support */
    uadd(j, &j->tmp, j->observed.v, j->observed.len);
    if (j->failed)
        goto done;
    if (j->tmp.len)
        sort_u32(j->tmp.v, j->tmp.len);
    if ((shown && gain > 0 &&
         guesses_within(j->items.v + j->starts[best->path], j->starts[best->path + 1] - j->starts[best->path], &j->tmp,
                        j->sm->params.free_slots)) ||
        (salad && gain >= pp->margin &&
         support(j->items.v + j->starts[best->path], j->starts[best->path + 1] - j->starts[best->path], &j->tmp,
                 j->sm->params.free_slots, 0))) {
        double p = posterior(totals, nj, best->total);
        mv->v.apply = 1;
        mv->v.certain = 1;
        mv->v.confidence = best->share * p;
        mv->v.score = best->total;
        mv->v.edge_guess = edge_guess(j, x, best->path);
        uadd(j, &mv->out, j->texts_out.v + best->text_at, best->text_len);
        goto done;
    }
    if (closes && gain > -pp->page_prior &&
        guesses_within(j->items.v + j->starts[best->path], j->starts[best->path + 1] - j->starts[best->path], &j->tmp,
                       j->sm->params.free_slots)) {
        /* Informal text writes a final ! too: read as the closing marks only near certain damage,
         * which vouches for a reading the model finds a little less likely (PAGE_PRIOR). */
        near_verdict(j, x, mv, best, totals, nj, TR_SHIFT_REASON_CLEAN);
        goto done;
    }
    /* Near certain damage, a run whose shifted characters are common ones is read too. */
    for (k = 0; k < nj; k++) {
        const judged_path *e = &jp[k];
        double lim = as_is - pp->page_prior;
        if (support(j->items.v + j->starts[e->path], j->starts[e->path + 1] - j->starts[e->path], &j->tmp,
                    j->sm->params.free_slots, 1) &&
            e->total > lim) {
            near_verdict(j, x, mv, e, totals, nj, salad ? TR_SHIFT_REASON_NO_BYTE : TR_SHIFT_REASON_CLEAN);
            break;
        }
    }
done:;
}

static int code_points_ok(const uint32_t *s, size_t n)
{
    size_t k;
    uint32_t bad = 0;
    for (k = 0; k < n; k++)  /* no early exit: the loop vectorises, and most texts are valid */
        bad |= (uint32_t)(s[k] > 0x10FFFF);
    return !bad;
}

static void jctx_free(jctx *j)
{
    free(j->prog.v);
    free(j->ann.v);
    free(j->texts.v);
    free(j->text_at.v);
    free(j->text_len.v);
    free(j->text_rec.v);
    free(j->observed.v);
    free(j->items.v);
    free(j->sc);
    free(j->classes);
    free(j->class_table);
    free(j->members.v);
    free(j->pieces);
    free(j->gstart.v);
    free(j->gend.v);
    free(j->gcand_at.v);
    free(j->gcand_count.v);
    free(j->reads.v);
    free(j->chars.v);
    free(j->opens.v);
    free(j->cands.v);
    free(j->before.v);
    free(j->after.v);
    free(j->head.v);
    free(j->tail.v);
    free(j->stack.v);
    free(j->window.v);
    free(j->found.v);
    free(j->words.v);
    free(j->ranked.v);
    free(j->tmp.v);
    free(j->fold_before.v);
    free(j->fold_after.v);
    free(j->group_chars.v);
    free(j->options.v);
    free(j->filled.v);
    free(j->texts_out.v);
    free(j->ends.v);
    free(j->keep.v);
    free(j->scores.v);
    free(j->chars_scores.v);
    free(j->shares.v);
    free(j->fills);
    memo_free(&j->fills_memo);
    memo_free(&j->windows_memo);
    free(j->key.v);
}

int tr_shift_judge(const tr_shift_model *sm, const uint32_t *run, size_t run_len, const uint32_t *left,
                   size_t left_len, const uint32_t *right, size_t right_len, const uint32_t *opened,
                   size_t opened_len, int keeps_pua, tr_shift_verdict *verdict, uint32_t *out, size_t cap,
                   size_t *out_len)
{
    jctx j;
    sctx x;
    mode_verdict m[3], *v;
    size_t k;
    int rc = 0;
    *out_len = 0;
    verdict_none(verdict);
    if (!sm || !sm->chars || !sm->chars->pair || !sm->words || !sm->encode || !sm->params.fillers)
        return -2;
    if (!code_points_ok(run, run_len) || !code_points_ok(left, left_len) || !code_points_ok(right, right_len))
        return -2;
    for (k = 0; k < opened_len; k++)
        if (!closer_of(opened[k]))
            return -2;  /* opened holds opening marks only (open_marks) */
    memset(&j, 0, sizeof j);
    memset(m, 0, sizeof m);
    j.sm = sm;
    j.run = run;
    j.left = left;
    j.right = right;
    j.opened = opened;
    j.run_len = run_len;
    j.left_len = left_len;
    j.right_len = right_len;
    j.opened_len = opened_len;
    sctx_start(&x, sm->chars, NULL);
    /* A decoder that shows a lone lead byte as '?' first; one that drops it
     * only when that explains nothing. */
    judge_mode(&j, &x, 0, 0, &m[0]);
    v = m[0].found ? &m[0] : NULL;
    if (!j.failed && (!v || !v->v.apply)) {
        judge_mode(&j, &x, 1, 0, &m[1]);
        if (m[1].found && (m[1].v.apply || !v || (m[1].v.near_cut && !v->v.near_cut)))
            v = &m[1];
    }
    if (!j.failed && !keeps_pua) {
        /* A decoder that drops private-use characters must beat the others by PUA_GAP. */
        judge_mode(&j, &x, 0, 1, &m[2]);
        if (m[2].found && m[2].v.apply) {
            double lim = v ? v->v.score + sm->params.pua_gap : 0.0;
            if (!v || !v->v.apply || m[2].v.score > lim)
                v = &m[2];
        }
    }
    if (j.failed) {
        rc = -1;
    } else if (!v) {
        rc = 1;
    } else {
        *verdict = v->v;
        *out_len = v->out.len;
        if (v->out.len > cap)
            rc = 2;
        else if (v->out.len)
            memcpy(out, v->out.v, v->out.len * sizeof *out);
    }
    for (k = 0; k < 3; k++)
        free(m[k].out.v);
    sctx_free(&x);
    jctx_free(&j);
    return rc;
}

/* ---- runs clean text writes too (tr_shift_quiet) ------------------------------------ *
 * Twin: weak_run, salad, alone_starts and shift_quiet of _fallback/shift.py. */

/* _READING.match(s[0..n), i): the length of "(letters)" at i (1-6 sign letters), or 0. */
static size_t reading_at(const uint32_t *s, size_t n, size_t i)
{
    size_t r = i < n && s[i] == '(' ? letters_closed(s, n, i + 1) : 0;
    return r ? r + 1 : 0;
}

/* rare_char().search(_READING.sub("", t[s..e))): a rare character outside the run's whole annotations. */
static int rare_outside_readings(const uint32_t *t, size_t s, size_t e)
{
    size_t i = s, r;
    while (i < e) {
        if ((r = reading_at(t, e, i)) != 0) {
            i += r;
            continue;
        }
        if (t[i] >= 0x80 && (tr_mj_class(t[i]) & TR_MJ_RARE))
            return 1;
        i++;
    }
    return 0;
}

/* salad(t[s..e)): its stretches of two wide characters or more between ASCII
 * and whole annotations, scored alone, in order, average below per_char. */
static int salad_of(const tr_char_model *m, const uint32_t *t, size_t s, size_t e, double per_char)
{
    double total = 0.0;
    size_t i = s, n = 0, r, a;
    while (i < e) {
        if ((r = reading_at(t, e, i)) != 0) {
            i += r;
            continue;
        }
        if (t[i] < 0x80) {
            i++;
            continue;
        }
        for (a = i; i < e && t[i] >= 0x80; i++)
            ;
        if (i - a >= 2) {
            total = total + tr_char_score(m, t + a, i - a, -1, -1);
            n += i - a;
        }
    }
    return n >= 2 && total < per_char * (double)n;
}

/* _REALIGNED.match(t, i): a wide character, a byte in 0x40-0x7E, a wide character. */
static int realigned_at(const uint32_t *t, size_t n, size_t i)
{
    return i < n && n - i > 2 && t[i] >= 0x80 && t[i + 1] >= 0x40 && t[i + 1] <= 0x7E && t[i + 2] >= 0x80;
}

/* weak_run(t, s, e); w has room for the run and its context. */
static int weak_at(const tr_char_model *m, const uint32_t *t, size_t n, size_t s, size_t e, size_t context,
                   double per_char, uint32_t *w)
{
    size_t len = e - s, re = context < n - e ? e + context : n, k;
    if (rare_outside_readings(t, s, e))
        return 0;
    /* signs(run + _sign_context(run, right)), right = t[e..re) */
    k = sign_context_len(t + s, len, t + e, re - e);
    memcpy(w, t + s, len * sizeof *w);
    memcpy(w + len, t + e, k * sizeof *w);
    if (signs(w, len + k))
        return 0;
    /* _REALIGNED.match(run[-2:] + right[:1]) */
    if (len >= 2 && e < re && realigned_at(t, n, e - 2))
        return 0;
    if (ends_with(t + s, len, final_ghost_at) && (e == re || t[e] == '\r' || t[e] == '\n'))
        return 0;
    return !salad_of(m, t, s, e, per_char);
}

/* outside(taken, start, end) of the twin: bisect_left of (end,) among the
 * (start, end) pairs of taken, then the one pair before it. */
static int outside_of(const size_t *taken, size_t ntaken, size_t start, size_t end)
{
    size_t lo = 0, hi = ntaken, mid;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (taken[2 * mid] < end)
            lo = mid + 1;
        else
            hi = mid;
    }
    return !(lo > 0 && taken[2 * (lo - 1)] < end && start < taken[2 * (lo - 1) + 1]);
}

/* alone_starts(t, taken): the runs that start on a folded ! or ; between wide
 * characters, outside taken, whose wide characters read out of step are salad
 * or that realign on a trail byte before a wide character; (start, end) pairs
 * go to out while they fit (cap pairs), *count says how many there are; with
 * first, the scan stops at the first. */
static void alone_scan(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *taken, size_t ntaken,
                       size_t max_piece, double per_char, size_t *out, size_t cap, size_t *count, int first)
{
    size_t i, q, end, head;
    *count = 0;
    for (i = 1; i + 1 < n; i++) {
        if ((t[i] != '!' && t[i] != ';') || t[i - 1] < 0x80 || t[i + 1] < 0x80)
            continue;
        /* _OUT_OF_STEP.match(t, i + 1) */
        for (q = i + 1; q < n && t[q] >= 0x80 && t[q] != 0x20AC && !in_ranges(tr_space_ranges, tr_space_count, t[q]);
             q++)
            ;
        if (q < n && ((t[q] >= 0x40 && t[q] <= 0x7E) || t[q] == 0x20AC))
            q++;
        else if (q < n && (t[q] == '?' || t[q] == '!' || t[q] == ',' || t[q] == ';') && !(q + 1 < n && t[q + 1] < 0x80))
            q++;
        end = q - (i - 1) < max_piece ? q : i - 1 + max_piece;
        if (!outside_of(taken, ntaken, i - 1, end))
            continue;
        head = end > i + 1 && t[end - 1] < 0x80 ? end - 1 : end;  /* wide_head */
        if ((head >= i + 3 && salad_of(m, t, i + 1, head, per_char)) ||
            realigned_at(t, n, end - 2)) {
            if (*count < cap) {
                out[2 * *count] = i - 1;
                out[2 * *count + 1] = end;
            }
            ++*count;
            if (first)
                return;
        }
    }
}

int tr_shift_alone(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *taken, size_t ntaken,
                   size_t max_piece, double per_char, size_t *out, size_t cap, size_t *count)
{
    *count = 0;
    if (!m || max_piece < 2 || !code_points_ok(t, n))
        return -2;
    alone_scan(m, t, n, taken, ntaken, max_piece, per_char, out, cap, count, 0);
    return *count > cap ? 2 : 0;
}

/* The weak test of runs[0..nruns) into weak (all of them, or up to the first
 * that is not when all is 0); returns how many runs were weak, -1 on
 * allocation failure, -2 on a run outside t or a code point above U+10FFFF. */
static long weak_runs(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *runs, size_t nruns,
                      size_t context, double per_char, uint8_t *weak, int all)
{
    size_t k, most = 0;
    long found = 0;
    uint32_t *w;
    if (!m || !code_points_ok(t, n))
        return -2;
    for (k = 0; k < nruns; k++) {
        if (runs[2 * k] > runs[2 * k + 1] || runs[2 * k + 1] > n)
            return -2;
        if (runs[2 * k + 1] - runs[2 * k] > most)
            most = runs[2 * k + 1] - runs[2 * k];
    }
    if (!nruns)
        return 0;
    w = malloc((most + (context < n ? context : n) + 1) * sizeof *w);
    if (!w)
        return -1;
    for (k = 0; k < nruns; k++) {
        int is_weak = weak_at(m, t, n, runs[2 * k], runs[2 * k + 1], context, per_char, w);
        if (weak)
            weak[k] = (uint8_t)is_weak;
        found += is_weak;
        if (!is_weak && !all)
            break;
    }
    free(w);
    return found;
}

int tr_shift_weak(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *runs, size_t nruns, uint8_t *weak,
                  size_t context, double per_char)
{
    long found = weak_runs(m, t, n, runs, nruns, context, per_char, weak, 1);
    return found < 0 ? (int)found : 0;
}

int tr_shift_quiet(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *runs, size_t nruns, int marks,
                   size_t context, size_t max_piece, double per_char)
{
    long found;
    if (max_piece < 2)
        return -2;  /* a piece holds the character before its mark and the mark */
    found = weak_runs(m, t, n, runs, nruns, context, per_char, NULL, 0);
    if (found < 0)
        return (int)found;
    if ((size_t)found < nruns)
        return 0;
    if (marks) {
        size_t count;
        alone_scan(m, t, n, NULL, 0, max_piece, per_char, NULL, 0, &count, 1);
        return count == 0;
    }
    return 1;
}

/* mojibake_beam.c -- the beam search of the mojibake stage's byte-shift repair.
 *
 * Twin: textrepair._fallback.mojibake_beam.mojibake_best (the specification; its comments
 * explain the states and steps).  This file adds the same doubles of the
 * model (data/char_model.bin) in the same order, so scores agree to the bit, and it
 * reproduces Python's tie-breaking: _merge keeps, per key, the first state of
 * the lowest rank at the key's first position (a dict keeps insertion order),
 * and sorted() is stable, so ties in rank go by that position.
 *
 * Floating point: every multiply and add below is its own statement, so no
 * compiler may fuse one into an FMA (clang contracts within an expression;
 * gcc with -std=c99 does not contract at all).  Python rounds each step too.
 *
 * A state's output is a chain of arena nodes (parent, piece), so a step
 * extends it in O(1), as the twin's cons list does.  No globals: all memory
 * hangs off one context that tr_mojibake_best frees before it returns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "textrepair.h"

#define P_NONE (-1) /* pending: the decoder is in step */
#define P_U (-2)    /* pending: an unknown lead byte */

/* ---- the character model ---------------------------------------------- */
/* Its look-ups (tr_char_prev_of, tr_char_logp_after: one hash probe and at
 * most one addition per step) are inline in textrepair.h, shared with lm.c. */

/* ---- states ------------------------------------------------------------- */

typedef struct {
    double score;
    int32_t pending;   /* P_NONE, P_U or a lead byte */
    int32_t prevbyte;  /* the byte before the pending lead, or -1 (None) */
    int32_t lastpair;  /* the character the last step's pair formed, or -1 */
    int32_t prevchar;  /* the last character shown, or -1 ("") */
    int32_t out;       /* arena node of the last output piece, or -1 */
    int64_t guesses;
} bstate;

typedef struct {
    bstate *v;
    size_t len, cap;
} bvec;

typedef struct {
    const tr_char_model *m;
    const uint32_t *ann;
    size_t ann_len;
    int32_t *parent, *piece;  /* the output arena */
    size_t nodes, node_cap;
    uint32_t *slot_stamp, *slot_index;  /* the merge's hash table */
    size_t slot_cap;
    uint32_t stamp;
    bvec merged, byte1, byte2;  /* scratch */
    int failed;                 /* an allocation failed: the result is void */
} bctx;

static double rank(const bstate *s)
{
    /* _rank: -score + GUESS_COST * guesses */
    double cost = (double)TR_BEAM_GUESS_COST * (double)s->guesses;
    return -s->score + cost;
}

static int reserve(bctx *x, bvec *v, size_t need)
{
    size_t cap;
    bstate *nv;
    if (need <= v->cap)
        return 0;
    cap = v->cap ? v->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof *nv) {
            x->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    nv = realloc(v->v, cap * sizeof *nv);
    if (!nv) {
        x->failed = 1;
        return -1;
    }
    v->v = nv;
    v->cap = cap;
    return 0;
}

static void push(bctx *x, bvec *v, const bstate *s)
{
    if (x->failed || reserve(x, v, v->len + 1))
        return;
    v->v[v->len++] = *s;
}

/* A new output node: piece after the chain ending at parent. */
static int32_t node(bctx *x, int32_t parent, int32_t piece)
{
    if (x->failed)
        return -1;
    if (x->nodes == x->node_cap) {
        size_t cap = x->node_cap ? x->node_cap * 2 : 1024;
        int32_t *np, *nc;
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
        nc = realloc(x->piece, cap * sizeof *nc);
        if (!nc) {
            x->failed = 1;
            return -1;
        }
        x->piece = nc;
        x->node_cap = cap;
    }
    x->parent[x->nodes] = parent;
    x->piece[x->nodes] = piece;
    return (int32_t)x->nodes++;
}

/* original_pair: the authored character of two bytes, or 0. */
static uint32_t pair_of(const tr_char_model *m, int32_t lead, int32_t trail)
{
    if (lead < 0 || lead > 255 || trail < 0 || trail > 255)
        return 0;
    return m->pair[(uint32_t)lead << 8 | (uint32_t)trail];
}

static uint32_t fold_cp(uint32_t c)
{
    return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
}

/* _emit: the state after the decoder showed ch (prev describes s->prevchar). */
static void emit(bctx *x, bvec *to, const bstate *s, const tr_char_prev *prev, uint32_t ch, int32_t prevbyte,
                 int32_t lastpair, int64_t guesses)
{
    bstate t;
    uint32_t shown = fold_cp(ch);
    t.score = s->score + tr_char_logp_after(x->m, prev, shown);
    t.pending = P_NONE;
    t.prevbyte = prevbyte;
    t.lastpair = lastpair;
    t.prevchar = (int32_t)shown;
    t.out = node(x, s->out, (int32_t)shown);
    t.guesses = s->guesses + guesses;
    push(x, to, &t);
}

/* TRAILS, in order: 0x40-0x7E, then 0x80-0xFE. */
#define N_TRAILS (0x3F + 0x7F)
static int trail_at(int k)
{
    return k < 0x3F ? 0x40 + k : 0x80 + (k - 0x3F);
}

/* _pairs_ending(trail): every authored pair with this trail, leads in order. */
static void emit_pairs_ending(bctx *x, bvec *to, const bstate *s, const tr_char_prev *prev, int32_t trail,
                              int64_t guesses)
{
    int lead;
    for (lead = 0x81; lead <= 0xFE; lead++) {
        uint32_t ch = pair_of(x->m, lead, trail);
        if (ch)
            emit(x, to, s, prev, ch, trail, (int32_t)ch, guesses);
    }
}

static void step_byte(bctx *x, bvec *to, const bstate *s, int32_t b)
{
    tr_char_prev prev;
    if (s->pending == P_NONE) {
        if (b < 0x80) {
            tr_char_prev_of(x->m, s->prevchar, &prev);
            emit(x, to, s, &prev, (uint32_t)b, b, -1, 0);
        } else if (b != 0x80 && b != 0xFF) {
            bstate t = *s;
            t.pending = b;
            t.lastpair = -1;
            push(x, to, &t);
        }
        return;
    }
    tr_char_prev_of(x->m, s->prevchar, &prev);
    if (s->pending == P_U) {
        emit_pairs_ending(x, to, s, &prev, b, 1);
    } else {
        uint32_t ch = pair_of(x->m, s->pending, b);
        if (ch)
            emit(x, to, s, &prev, ch, b, (int32_t)ch, 0);
    }
}

static void step_unknown(bctx *x, bvec *to, const bstate *s)
{
    tr_char_prev prev;
    int k;
    if (s->pending == P_NONE) {
        bstate t = *s;
        t.pending = P_U;
        t.lastpair = -1;
        push(x, to, &t);
        return;
    }
    tr_char_prev_of(x->m, s->prevchar, &prev);
    if (s->pending == P_U) {
        /* Two lone bytes in a row: the second starts a split pair (A1 or A3). */
        emit_pairs_ending(x, to, s, &prev, 0xA1, 2);
        emit_pairs_ending(x, to, s, &prev, 0xA3, 2);
        return;
    }
    for (k = 0; k < N_TRAILS; k++) {  /* _pairs_starting(pending) */
        int trail = trail_at(k);
        uint32_t ch = pair_of(x->m, s->pending, trail);
        if (ch)
            emit(x, to, s, &prev, ch, trail, (int32_t)ch, 1);
    }
}

/* Is ch one of the characters of the annotation record at off? */
static int in_chars(const bctx *x, size_t off, uint32_t ch)
{
    size_t i, n = x->ann[off];
    if (!ch)
        return 0;
    for (i = 0; i < n; i++)
        if (x->ann[off + 1 + 2 * i] == ch)
            return 1;
    return 0;
}

static void step_ann(bctx *x, bvec *to, const bstate *s, size_t off)
{
    if (s->pending == P_NONE) {
        /* In step: the annotation follows the whole character it names; keep it. */
        if (s->lastpair >= 0 && in_chars(x, off, (uint32_t)s->lastpair)) {
            bstate t = *s;
            t.lastpair = -1;
            t.out = node(x, s->out, TR_PIECE_ANN - (int32_t)off);
            push(x, to, &t);
        }
        return;
    }
    if (s->prevbyte < 0)
        return;
    if (s->pending == P_U) {
        /* The lead byte is pinned by the reading. */
        int lead;
        for (lead = 0x81; lead <= 0xFE; lead++) {
            if (in_chars(x, off, pair_of(x->m, s->prevbyte, lead))) {
                bstate t = *s;
                t.pending = lead;
                t.lastpair = -1;
                push(x, to, &t);
            }
        }
        return;
    }
    /* Inside a character: the converter saw the two bytes straddling two characters. */
    if (in_chars(x, off, pair_of(x->m, s->prevbyte, s->pending)))
        push(x, to, s);
}

/* The annotation's characters each spelled out in bytes, then the annotation. */
static void step_annchar(bctx *x, bvec *to, const bstate *s, size_t off)
{
    size_t i, j, n = x->ann[off];
    for (i = 0; i < n && !x->failed; i++) {
        uint32_t enc = x->ann[off + 2 + 2 * i];
        x->byte1.len = 0;
        x->byte2.len = 0;
        step_byte(x, &x->byte1, s, (int32_t)(enc >> 8));
        for (j = 0; j < x->byte1.len; j++)
            step_byte(x, &x->byte2, &x->byte1.v[j], (int32_t)(enc & 0xFF));
        for (j = 0; j < x->byte2.len; j++)
            step_ann(x, to, &x->byte2.v[j], off);
    }
}

static void step(bctx *x, bvec *to, const bstate *s, int32_t atom)
{
    if (atom >= 0 && atom < 256) {
        step_byte(x, to, s, atom);
    } else if (atom == TR_ATOM_U) {
        step_unknown(x, to, s);
    } else if (atom == TR_ATOM_PIECE) {
        if (s->pending == P_NONE || s->pending == P_U)
            push(x, to, s);
    } else if (atom == TR_ATOM_LOST) {
        /* Not a guess: the byte is gone either way, and says so in the output. */
        if (s->pending == P_NONE) {
            bstate t = *s;
            t.prevbyte = 0;
            t.lastpair = -1;
            t.out = node(x, s->out, TR_PIECE_LOST);
            push(x, to, &t);
        }
    } else if (atom >= TR_ATOM_ANNCHAR) {
        step_annchar(x, to, s, (size_t)(atom - TR_ATOM_ANNCHAR));
    } else {
        step_ann(x, to, s, (size_t)(atom - TR_ATOM_ANN));
    }
}

/* ---- merging ------------------------------------------------------------ */

static int same_key(const bstate *a, const bstate *b)
{
    return a->pending == b->pending && a->prevbyte == b->prevbyte && a->lastpair == b->lastpair &&
           a->prevchar == b->prevchar;
}

static size_t key_hash(const bstate *s)
{
    uint64_t h = (uint32_t)s->pending;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->prevbyte;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->lastpair;
    h = h * 0x9E3779B97F4A7C15ull ^ (uint32_t)s->prevchar;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20);
}

/* A hash table of at least 2 * n empty slots. */
static int table_for(bctx *x, size_t n)
{
    size_t cap = x->slot_cap ? x->slot_cap : 64;
    while (cap < 2 * n) {
        if (cap > SIZE_MAX / 4 / sizeof(uint32_t) || cap > UINT32_MAX) {
            x->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    if (cap != x->slot_cap) {
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
        x->slot_cap = cap;
        x->stamp = 0;
    }
    if (++x->stamp == 0) {  /* wrapped: forget every old stamp */
        memset(x->slot_stamp, 0, x->slot_cap * sizeof *x->slot_stamp);
        x->stamp = 1;
    }
    return 0;
}

/* _best_states: _merge v into a fresh dict (per key, the first state of the
 * lowest rank, at the key's first position), then the first TR_BEAM_WIDTH of
 * its values stably sorted by rank.  The result replaces v. */
static void best_states(bctx *x, bvec *v)
{
    bvec *merged = &x->merged;
    size_t i, mask, kept = 0;
    if (x->failed || !v->len || table_for(x, v->len) || reserve(x, merged, v->len))
        return;
    mask = x->slot_cap - 1;
    merged->len = 0;
    for (i = 0; i < v->len; i++) {
        const bstate *t = &v->v[i];
        size_t h = key_hash(t) & mask;
        for (;;) {
            if (x->slot_stamp[h] != x->stamp) {
                x->slot_stamp[h] = x->stamp;
                x->slot_index[h] = (uint32_t)merged->len;
                merged->v[merged->len++] = *t;
                break;
            }
            if (same_key(&merged->v[x->slot_index[h]], t)) {
                bstate *e = &merged->v[x->slot_index[h]];
                if (rank(t) < rank(e))
                    *e = *t;
                break;
            }
            h = (h + 1) & mask;
        }
    }
    /* Insertion into the top TR_BEAM_WIDTH in position order: a state goes
     * after every kept state of equal rank, as a stable sort puts it. */
    for (i = 0; i < merged->len; i++) {
        const bstate *t = &merged->v[i];
        double r = rank(t);
        size_t pos;
        if (kept == TR_BEAM_WIDTH && !(r < rank(&v->v[kept - 1])))
            continue;
        pos = kept;
        while (pos > 0 && r < rank(&v->v[pos - 1]))
            pos--;
        if (kept < TR_BEAM_WIDTH)
            kept++;
        memmove(&v->v[pos + 1], &v->v[pos], (kept - 1 - pos) * sizeof *v->v);
        v->v[pos] = *t;
    }
    v->len = kept;
}

/* ---- the program ---------------------------------------------------------- */

/* Is atom a valid atom, with its annotation record inside ann? */
static int atom_ok(int32_t atom, const uint32_t *ann, size_t ann_len)
{
    size_t off, n, i;
    if (atom >= 0 && atom <= TR_ATOM_LOST)
        return 1;  /* a byte, TR_ATOM_PIECE, TR_ATOM_U or TR_ATOM_LOST */
    if (atom >= TR_ATOM_ANN && atom < TR_ATOM_ANN + TR_ATOM_ANN_MAX)
        off = (size_t)(atom - TR_ATOM_ANN);
    else if (atom >= TR_ATOM_ANNCHAR && atom < TR_ATOM_ANNCHAR + TR_ATOM_ANN_MAX)
        off = (size_t)(atom - TR_ATOM_ANNCHAR);
    else
        return 0;
    if (off >= ann_len)
        return 0;
    n = ann[off];
    if (n > (ann_len - off - 1) / 2)
        return 0;
    for (i = 0; i < n; i++)
        if (ann[off + 2 + 2 * i] > 0xFFFF)
            return 0;
    return 1;
}

/* Walk the program once: counts in range, every atom valid, nothing left over. */
static int prog_ok(const int32_t *prog, size_t prog_len, const uint32_t *ann, size_t ann_len)
{
    size_t pc = 0;
    int32_t ntok, nopt, natom, t, o, a;
    if (pc >= prog_len || (ntok = prog[pc++]) < 0)
        return 0;
    for (t = 0; t < ntok; t++) {
        if (pc >= prog_len || (nopt = prog[pc++]) < 0)
            return 0;
        for (o = 0; o < nopt; o++) {
            if (pc >= prog_len || (natom = prog[pc++]) < 0)
                return 0;
            for (a = 0; a < natom; a++)
                if (pc >= prog_len || !atom_ok(prog[pc++], ann, ann_len))
                    return 0;
        }
    }
    return pc == prog_len;
}

static void swap(bvec *a, bvec *b)
{
    bvec t = *a;
    *a = *b;
    *b = t;
}

/* One token: every option stepped from every state, merged into *states. */
static int run_token(bctx *x, const int32_t *prog, size_t *pc, bvec *states, bvec *best, bvec *branch,
                     bvec *next)
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
                if (next->len > TR_BEAM_WIDTH)  /* an unknown byte fans out ~190 ways */
                    best_states(x, next);
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

/* The output pieces of the chain ending at nd, in order. */
static int write_out(const bctx *x, int32_t nd, int32_t *out, size_t cap, size_t *out_len)
{
    size_t len = 0, k;
    int32_t i;
    for (i = nd; i >= 0; i = x->parent[i])
        len++;
    *out_len = len;
    if (len > cap)
        return 2;
    k = len;
    for (i = nd; i >= 0; i = x->parent[i])
        out[--k] = x->piece[i];
    return 0;
}

int tr_mojibake_best(const tr_char_model *m, const int32_t *prog, size_t prog_len, const uint32_t *ann,
                     size_t ann_len, int32_t before, int32_t after, int lost_lead, int32_t *out, size_t cap,
                     size_t *out_len, double *score, int64_t *guesses)
{
    bctx x;
    bvec states = {NULL, 0, 0}, best = {NULL, 0, 0}, branch = {NULL, 0, 0}, next = {NULL, 0, 0};
    bstate start;
    const bstate *chosen = NULL;
    double chosen_adj = 0.0, chosen_total = 0.0;
    size_t pc = 1, k;
    int32_t t, ntok;
    int rc = 0;

    *out_len = 0;
    *score = 0.0;
    *guesses = 0;
    if (before < -1 || before > 0x10FFFF || after < -1 || after > 0x10FFFF)
        return -2;
    if (ann_len > TR_ATOM_ANN_MAX || !prog_ok(prog, prog_len, ann, ann_len))
        return -2;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.ann = ann;
    x.ann_len = ann_len;

    start.score = 0.0;
    start.pending = P_NONE;
    start.prevbyte = -1;
    start.lastpair = -1;
    start.prevchar = before;
    start.out = -1;
    start.guesses = 0;
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
    if (rc == 1)
        goto done;
    /* The final states in step, scored with the character after the run; the
     * first of the best adjusted totals wins, as the twin's stable sort has it. */
    for (k = 0; k < states.len; k++) {
        const bstate *s = &states.v[k];
        double total, adj, cost;
        tr_char_prev prev;
        if (s->pending != P_NONE)
            continue;
        total = s->score;
        if (after >= 0) {
            tr_char_prev_of(m, s->prevchar, &prev);
            total = total + tr_char_logp_after(m, &prev, (uint32_t)after);
        } else {
            total = total + 0.0;
        }
        cost = (double)TR_BEAM_GUESS_COST * (double)s->guesses;
        adj = total - cost;
        if (!chosen || adj > chosen_adj) {
            chosen = s;
            chosen_adj = adj;
            chosen_total = total;
        }
    }
    if (!chosen) {
        rc = 1;
        goto done;
    }
    rc = write_out(&x, chosen->out, out, cap, out_len);
    if (rc == 0) {
        *score = chosen_total;
        *guesses = chosen->guesses;
    }
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
    free(x.piece);
    return rc;
}

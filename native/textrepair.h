/* textrepair.h -- the one header of textrepair's C core.
 *
 * Plain C99, no global state: every function reads its input through the
 * pointers it is given and writes only to the buffers it is given.  Text is
 * UTF-8 produced by Python's str.encode("utf-8", "surrogatepass"), so lone
 * surrogates arrive as three-byte sequences and are treated as code points.
 * Offsets named *_char count code points, offsets named *_byte count bytes.
 *
 * The block between CDEF BEGIN and CDEF END is read verbatim by
 * native/build_ffi.py as the cffi declaration, so keep it free of
 * preprocessor logic other than integer #defines.
 */
#ifndef TEXTREPAIR_H
#define TEXTREPAIR_H

#include <stddef.h>
#include <stdint.h>

/* CDEF BEGIN */

/* ---- scan.c: which kinds of damage may be present ---------------------- */
#define TR_HAS_LT 1
#define TR_HAS_AMP 2
#define TR_HAS_PAREN 4
#define TR_HAS_QMARK 8
#define TR_HAS_PUA 16
#define TR_HAS_FFFD 32
#define TR_HAS_LATIN1 64
#define TR_HAS_SPACE 128
#define TR_HAS_INVISIBLE 256
#define TR_HAS_FULLWIDTH 512
#define TR_HAS_CR 1024
#define TR_HAS_TAB 2048

uint32_t tr_scan_flags(const uint8_t *s, size_t n);

/* ---- annotations.c: content-farm pinyin annotations -------------------- */
#define TR_ANN_TONED 1
#define TR_ANN_SPACE_AFTER 2
#define TR_ANN_TRAD 4
#define TR_ANN_ECHO 8        /* a visible non-Han character glossed as itself */
#define TR_ANN_QUOTED 16     /* the character and its annotation in quotation marks */
#define TR_ANN_NEUTRAL 32    /* no tone mark, and a neutral-tone reading */
#define TR_ANN_CHAINED 64    /* right after another annotation of the same character */
#define TR_ANN_REMOVE 128    /* set by tr_judge_annotations: converter output */
#define TR_ANN_EAT_SPACE 256 /* ... and the space after it goes too */
#define TR_ANN_GLOSS 512     /* ... a teacher's gloss, kept */
/* The judgement's window (code points) and thresholds (numerator,
 * denominator); textrepair._fallback.annotations documents each. */
#define TR_ANN_WINDOW 200
#define TR_ANN_TRAD_NUM 2
#define TR_ANN_TRAD_DEN 3
#define TR_ANN_DENSE_NUM 4
#define TR_ANN_DENSE_DEN 5
#define TR_ANN_STYLE_NUM 9
#define TR_ANN_STYLE_DEN 10
#define TR_ANN_ECHO_NUM 9
#define TR_ANN_ECHO_DEN 10
#define TR_ANN_COVER_NUM 1
#define TR_ANN_COVER_DEN 2
#define TR_ANN_GLOSSY_NUM 1
#define TR_ANN_GLOSSY_DEN 4

typedef struct {
    size_t start_byte;   /* the '(' */
    size_t end_byte;     /* one past the ')' */
    size_t start_char;
    size_t end_char;
    size_t han_byte;     /* the annotated character (of the first of a chain) */
    size_t han_char;
    uint32_t han;        /* the annotated character */
    uint32_t flags;      /* TR_ANN_* */
    uint32_t reading;    /* index in the character's reading list of the one
                          * spelled (no tone mark, not neutral: the first
                          * with its letters); 0 for an echo */
    uint32_t letters;    /* index of the first reading with its letters */
} tr_annotation;

typedef struct {
    size_t found;             /* annotations found (may exceed the buffer) */
    size_t traditional;       /* of which follow a traditional-only form */
    size_t toneless;          /* of which carry no tone mark (echoes aside) */
    size_t toneless_spaced;   /* of which are toneless and followed by ' ' */
} tr_annotation_stats;

/* Find every "(reading)" that directly follows a Han character of which it
 * is a valid pinyin reading, and every "(x)" that follows a visible non-Han
 * character x (an echo).  s must be well-formed (surrogatepass) UTF-8,
 * as Python produces; other bytes are read safely but may count differently.
 * Fills at most cap entries of out and returns 0.  stats->found may exceed
 * cap: call again with a buffer of stats->found entries. */
int tr_find_annotations(const uint8_t *s, size_t n, tr_annotation *out,
                        size_t cap, tr_annotation_stats *stats);

/* Judge each of the count annotations tr_find_annotations found in s by
 * the ones around it, adding TR_ANN_REMOVE, TR_ANN_EAT_SPACE or
 * TR_ANN_GLOSS to their flags.  Returns 0, or -1 when it cannot allocate
 * (the flags are then unchanged). */
int tr_judge_annotations(const uint8_t *s, size_t n, tr_annotation *found,
                         size_t count);

/* Copy s to out without the annotations flagged TR_ANN_REMOVE (and, when
 * eat_space is non-zero, the ' ' after each also flagged TR_ANN_EAT_SPACE).
 * out must hold n bytes; returns the number of bytes written. */
size_t tr_remove_annotations(const uint8_t *s, size_t n,
                             const tr_annotation *found, size_t count,
                             int eat_space, uint8_t *out);

/* ---- mojibake.c: candidate GBK byte-shift runs ----------------------- */
#define TR_MOJIBAKE_SHIFT 1

typedef struct {
    size_t start_char;
    size_t end_char;
    uint32_t kind;       /* TR_MOJIBAKE_* */
} tr_mojibake_run;

/* Find candidate byte-shift runs (see native/mojibake.c), in order and not
 * overlapping.  Fills at most cap entries of out and sets *found to the
 * number of runs (which may exceed cap); returns -1 on allocation failure,
 * 0 otherwise.  There are never more runs than '?', '!' and ';' bytes. */
int tr_mojibake_runs(const uint8_t *s, size_t n, tr_mojibake_run *out, size_t cap, size_t *found);

/* ---- markup.c: where HTML markup may start ---------------------------- */
/* Code-point offsets of every '<' followed by an ASCII letter, '/' or '!'
 * and every '&' followed by an ASCII letter or '#', in order.  Fills at most
 * cap entries of out (there are never more than the '<' and '&' bytes) and
 * returns the number filled. */
size_t tr_markup_candidates(const uint8_t *s, size_t n, size_t *out, size_t cap);

/* ---- boilerplate.c: lines a boilerplate rule could apply to ----------- */
/* Indices of the lines (split at '\n') that contain one of the phrases
 * (a buffer of phrases_len bytes holding '\0'-terminated UTF-8 strings; empty
 * ones are ignored; at most 4096) or, when min_items > 0, at least min_items
 * items separated by runs of ' ', '\t' or U+3000.  Fills at most cap entries of
 * out and sets *found to the number of such lines (which may exceed cap).
 * Returns 0, -1 on allocation failure, -2 for too many phrases. */
int tr_boilerplate_lines(const uint8_t *s, size_t n, const uint8_t *phrases, size_t phrases_len,
                         size_t min_items, size_t *out, size_t cap, size_t *found);

/* ---- mojibake.c: one scan for every mechanism of the stage ------------- */
#define TR_MOJIBAKE_RARE 2      /* space-free stretch holding a rare character */
#define TR_MOJIBAKE_LATIN1 3    /* stretch GBK read as Latin-1 could make (with a letter) */
#define TR_MOJIBAKE_CP1252 4    /* ... as cp1252 */
#define TR_MOJIBAKE_CP1250 5    /* ... as cp1250 */
#define TR_MOJIBAKE_FTFY 6      /* CJK-free stretch ftfy's encoding fixes could start in */

/* In one pass, every span where a mechanism of the mojibake stage could
 * apply (see native/mojibake.c): byte-shift runs (TR_MOJIBAKE_SHIFT) and the
 * kinds above.  Spans of one kind are in order and do not overlap; kinds
 * are interleaved.  Fills at most cap entries and sets *found to the number
 * of spans (which may exceed cap: call again with a larger buffer); returns
 * -1 on allocation failure, 0 otherwise. */
int tr_mojibake_scan(const uint8_t *s, size_t n, tr_mojibake_run *out, size_t cap, size_t *found);
/* ---- normalise.c: characters the normalise stage may change ----------- */
#define TR_NORM_INVISIBLE 1   /* C0/C1 controls but \t \n \r, DEL, U+00AD, U+200B-U+200D, U+2060, U+FEFF */
#define TR_NORM_SPACE 2       /* ' ' \t \n \r, U+00A0, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 */
#define TR_NORM_FULLWIDTH 4   /* fullwidth digits and Latin letters */
#define TR_NORM_PUNCT 8       /* ASCII , . : ; ! ? */
#define TR_NORM_FFFD 16       /* U+FFFD */

typedef struct {
    size_t start_char;
    size_t end_char;
    uint32_t classes;    /* union of the TR_NORM_* classes in the run */
} tr_norm_run;

/* Find the maximal runs of code points whose class is in classes, in order.
 * Fills at most cap entries of out and sets *found to the number of runs
 * (which may exceed cap: call again with a buffer that large); returns 0. */
int tr_normalise_runs(const uint8_t *s, size_t n, uint32_t classes, tr_norm_run *out, size_t cap,
                      size_t *found);

/* ---- mojibake_beam.c: the beam search of the byte-shift repair ---------- */
/* Twin: _fallback.mojibake_beam.mojibake_best (stages/mojibake.py best_hypothesis).  A run's
 * tokens arrive as a program of int32: [ntok, then per token: nopt, then per
 * option: natom, atoms...].  An atom is a byte (0-255), TR_ATOM_PIECE,
 * TR_ATOM_U, TR_ATOM_LOST, or TR_ATOM_ANN + off / TR_ATOM_ANNCHAR + off for
 * the annotation whose record starts at ann[off]: [n, then per character (in
 * the twin's iteration order): code point, GBK code lead << 8 | trail].
 * Output pieces: a code point (>= 0), TR_PIECE_LOST (a lost ASCII byte,
 * "\0" in the twin) or TR_PIECE_ANN - off (the text of annotation off). */
#define TR_BEAM_WIDTH 16
#define TR_BEAM_GUESS_COST 2
#define TR_ATOM_PIECE 256
#define TR_ATOM_U 257
#define TR_ATOM_LOST 258
#define TR_ATOM_ANN 16777216
#define TR_ATOM_ANNCHAR 33554432
#define TR_ATOM_ANN_MAX 16777216
#define TR_PIECE_LOST -1
#define TR_PIECE_ANN -2

/* The character bigram model (_cjkcodec.CharModel) as the caller built it
 * from the same parsed data file, and the authored GBK pairs. */
typedef struct {
    size_t chars;                /* characters with a unigram or bigram count */
    const uint32_t *cp;          /* their code points, sorted */
    const int32_t *bmp_index;    /* 65536: index in cp of each BMP code point, or -1 */
    const uint32_t *uni;         /* unigram count (0: seen only in bigrams) */
    const uint32_t *followers;   /* distinct characters seen after it */
    const uint32_t *preceders;   /* distinct characters seen before it */
    const uint32_t *bi_start;    /* chars + 1 offsets: bigrams starting with cp[i] */
    size_t bigrams;
    const uint32_t *bi_next;     /* second character, sorted within each group */
    const uint32_t *bi_count;
    uint64_t total;              /* characters counted */
    uint64_t vocab;              /* unigram entries + 1 */
    uint64_t types;              /* bigram entries */
    const uint32_t *pair;        /* 65536: authored character of lead << 8 | trail, or 0 */
} tr_char_model;

/* log P(ch | prev), CharModel.logp to the bit; prev < 0: no previous character. */
double tr_char_logp(const tr_char_model *m, int32_t prev, uint32_t ch);

/* log P of text[0..len) between before and after (-1: none), the sum of its
 * bigram terms in order: CharModel.score to the bit (twin: _fallback.mojibake_beam.char_score). */
double tr_char_score(const tr_char_model *m, const uint32_t *text, size_t len, int32_t before, int32_t after);

/* The best in-step reading of a run (twin: _fallback.mojibake_beam.mojibake_best):
 * before/after are the neighbouring code points or -1, lost_lead non-zero
 * when the run may start after a lost lead byte.  Writes at most cap pieces
 * to out, their number to *out_len, the score and the guesses.  Returns 0
 * when found, 1 when no reading exists, 2 when out is too small (*out_len
 * says how many pieces it needs), -1 on allocation failure, -2 on a
 * malformed program or annotation table. */
int tr_mojibake_best(const tr_char_model *m, const int32_t *prog, size_t prog_len, const uint32_t *ann,
                     size_t ann_len, int32_t before, int32_t after, int lost_lead, int32_t *out, size_t cap,
                     size_t *out_len, double *score, int64_t *guesses);

/* CDEF END */

/* ---- mojibake tables: rendered at build time by gen_tables.py from
 * _cjkcodec.scan_classes (data/char_model.txt and the codecs) ----------- */
#define TR_MJ_RARE 1      /* non-ASCII, not a space, seen < RARE_BELOW times */
#define TR_MJ_SPACE 2     /* str.isspace */
#define TR_MJ_ALPHA 4     /* str.isalpha (kept for code-page characters only) */
#define TR_MJ_LATIN1 8    /* what a byte 0x80-0xFF becomes in Latin-1 */
#define TR_MJ_CP1252 16   /* ... in cp1252 */
#define TR_MJ_CP1250 32   /* ... in cp1250 */
#define TR_MJ_LEAD 64     /* ftfy: a UTF-8 lead byte in one of its code pages */
#define TR_MJ_CONT 128    /* ftfy: a continuation byte, a space or U+FFFD */
#define TR_MJ_CJK 256     /* never handed to ftfy */
extern const uint16_t tr_mj_class_index[];  /* 0x1100 blocks of 256 code points */
extern const uint16_t tr_mj_class_data[];   /* 256 classes per distinct block */

/* ---- tables: rendered at build time from pinyin_readings.txt ---------- */
extern const size_t tr_reading_count;
extern const uint32_t tr_reading_cp[];     /* sorted code points */
extern const uint32_t tr_reading_info[];   /* offset << 1 | traditional */
extern const char tr_reading_text[];       /* "shu4,shu3,shuo4\0..." */
extern const uint32_t tr_reading_block_base;  /* first 256-code-point block */
extern const size_t tr_reading_block_count;
extern const uint32_t tr_reading_block[];  /* index where each block starts, + end */
extern const size_t tr_letter_count;
extern const uint32_t tr_letter_cp[];      /* sorted code points */
extern const char tr_letter_base[];        /* 'a'.. or 0 for a bare mark */
extern const uint8_t tr_letter_tone[];
extern const size_t tr_letter_low_count;
extern const uint8_t tr_letter_low[];      /* below low_count: 1 + index, or 0 */

/* ---- utf8.c: shared helpers ------------------------------------------- */
/* Decode the code point at s[i] (i < n); *len receives its byte length.
 * Bytes that do not start a valid sequence decode as themselves, length 1.
 * The scanners' hot loops use the inline copy below; utf8.c exports it. */
uint32_t tr_utf8_decode(const uint8_t *s, size_t n, size_t i, size_t *len);

static inline uint32_t tr_utf8_decode_inline(const uint8_t *s, size_t n, size_t i, size_t *len)
{
    uint8_t b = s[i];
    if (b < 0x80) {
        *len = 1;
        return b;
    }
    /* surrogatepass text is otherwise valid UTF-8; stay safe on anything. */
    if (b >= 0xC2 && b < 0xE0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
        *len = 2;
        return ((uint32_t)(b & 0x1F) << 6) | (s[i + 1] & 0x3F);
    }
    if (b >= 0xE0 && b < 0xF0 && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 &&
        (s[i + 2] & 0xC0) == 0x80) {
        *len = 3;
        return ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
               (s[i + 2] & 0x3F);
    }
    if (b >= 0xF0 && b < 0xF5 && i + 3 < n && (s[i + 1] & 0xC0) == 0x80 &&
        (s[i + 2] & 0xC0) == 0x80 && (s[i + 3] & 0xC0) == 0x80) {
        *len = 4;
        return ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
               ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
    }
    *len = 1;
    return b;
}

#endif /* TEXTREPAIR_H */

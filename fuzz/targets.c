/* targets.c -- hand-written fuzz targets, one per C entry point.
 *
 * To cover a new entry point, add FUZZ_TARGET(tr_new_function) { ... } here:
 * gen_targets.py finds it by that spelling and registers it instead of the
 * generic target it would otherwise synthesise from the prototype.  Call the
 * function the ways callers may (every buffer size the header allows) and
 * FUZZ_CHECK what the header promises. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textrepair.h"

#define ALL_FLAGS 4095u /* TR_HAS_LT .. TR_HAS_TAB */

FUZZ_TARGET(tr_scan_flags)
{
    uint32_t flags = tr_scan_flags(data, size);
    FUZZ_CHECK((flags & ~ALL_FLAGS) == 0);
    /* An ASCII byte is never part of a longer sequence, so each marked
     * byte the input holds must show in the flags. */
    static const struct { uint8_t byte; uint32_t flag; } marked[] = {
        {'<', TR_HAS_LT}, {'&', TR_HAS_AMP}, {'(', TR_HAS_PAREN}, {'?', TR_HAS_QMARK},
        {'\r', TR_HAS_CR}, {'\t', TR_HAS_TAB}, {0, TR_HAS_INVISIBLE},
    };
    for (size_t k = 0; k < sizeof marked / sizeof marked[0]; k++)
        if (memchr(data, marked[k].byte, size))
            FUZZ_CHECK(flags & marked[k].flag);
}

FUZZ_TARGET(tr_utf8_decode)
{
    int valid = fuzz_valid_utf8(data, size);
    size_t chars = 0;
    for (size_t i = 0, len; i < size; i += len) {
        uint32_t cp = tr_utf8_decode(data, size, i, &len);
        FUZZ_CHECK(len >= 1 && len <= 4 && i + len <= size);
        FUZZ_CHECK(cp <= 0x1FFFFF);
        if (len == 1)
            FUZZ_CHECK(cp == data[i]);
        chars++;
    }
    if (valid)
        FUZZ_CHECK(chars == fuzz_count_chars(data, size));
}

/* Every annotation in the input, found with a buffer of exactly the size
 * the first call asks for; *count receives how many.  Also checks a call
 * with no room at all and one with too little room. */
static tr_annotation *find_all(const uint8_t *data, size_t size, size_t *count,
                               tr_annotation_stats *stats)
{
    tr_annotation_stats first;
    tr_annotation *none = fuzz_alloc(0);
    FUZZ_CHECK(tr_find_annotations(data, size, none, 0, &first) == 0);
    free(none);
    FUZZ_CHECK(first.found <= size / 3);  /* "(a)" after "字" or after another annotation */
    tr_annotation *found = fuzz_alloc(first.found * sizeof *found);
    FUZZ_CHECK(tr_find_annotations(data, size, found, first.found, stats) == 0);
    FUZZ_CHECK(memcmp(&first, stats, sizeof first) == 0);
    if (first.found > 1) {  /* too small a buffer: only its entries are written */
        size_t cap = first.found / 2;
        tr_annotation *part = fuzz_alloc(cap * sizeof *part);
        tr_annotation_stats again;
        FUZZ_CHECK(tr_find_annotations(data, size, part, cap, &again) == 0);
        FUZZ_CHECK(again.found == first.found);
        FUZZ_CHECK(memcmp(part, found, cap * sizeof *part) == 0);
        free(part);
    }
    *count = first.found;
    return found;
}

#define ANN_FOUND_FLAGS 127u /* TR_ANN_TONED .. TR_ANN_CHAINED */
#define ANN_VERDICTS (TR_ANN_REMOVE | TR_ANN_EAT_SPACE | TR_ANN_GLOSS)

FUZZ_TARGET(tr_find_annotations)
{
    size_t count;
    tr_annotation_stats stats;
    tr_annotation *found = find_all(data, size, &count, &stats);
    int valid = fuzz_valid_utf8(data, size);
    FUZZ_CHECK(stats.traditional <= count && stats.toneless <= count);
    FUZZ_CHECK(stats.toneless_spaced <= stats.toneless);
    size_t prev_end = 0, prev_han_char = 0;
    for (size_t k = 0; k < count; k++) {
        const tr_annotation *a = &found[k];
        FUZZ_CHECK(a->start_byte >= prev_end && a->start_byte > 0);
        FUZZ_CHECK(a->start_byte < a->end_byte && a->end_byte <= size);
        FUZZ_CHECK(data[a->start_byte] == '(' && data[a->end_byte - 1] == ')');
        FUZZ_CHECK(a->start_char < a->end_char);
        FUZZ_CHECK((a->flags & ~ANN_FOUND_FLAGS) == 0);
        FUZZ_CHECK(a->reading < 16 && a->letters < 16);
        /* The annotated character comes before the "(", and no earlier than
         * the one before (a chain shares it). */
        FUZZ_CHECK(a->han_byte < a->start_byte && a->han_char < a->start_char);
        FUZZ_CHECK(a->han_char >= prev_han_char);
        if (a->flags & TR_ANN_CHAINED)
            FUZZ_CHECK(k > 0 && a->han_char == found[k - 1].han_char && a->han == found[k - 1].han);
        if (a->flags & TR_ANN_ECHO)
            FUZZ_CHECK(a->end_char - a->start_char == 3 && !(a->flags & (TR_ANN_TONED | TR_ANN_TRAD)));
        FUZZ_CHECK(!((a->flags & TR_ANN_TONED) && (a->flags & TR_ANN_NEUTRAL)));
        if (a->flags & TR_ANN_SPACE_AFTER)
            FUZZ_CHECK(a->end_byte < size && data[a->end_byte] == ' ');
        if (valid) {  /* offsets in code points hold for valid text only */
            FUZZ_CHECK(a->start_char == fuzz_count_chars(data, a->start_byte));
            FUZZ_CHECK(a->end_char - a->start_char ==
                       fuzz_count_chars(data + a->start_byte, a->end_byte - a->start_byte));
            FUZZ_CHECK(a->han_char == fuzz_count_chars(data, a->han_byte));
        }
        prev_end = a->end_byte;
        prev_han_char = a->han_char;
    }
    free(found);
}

FUZZ_TARGET(tr_judge_annotations)
{
    size_t count;
    tr_annotation_stats stats;
    tr_annotation *found = find_all(data, size, &count, &stats);
    tr_annotation *before = fuzz_alloc(count * sizeof *before);
    if (count) memcpy(before, found, count * sizeof *found);
    FUZZ_CHECK(tr_judge_annotations(data, size, found, count) == 0);
    for (size_t k = 0; k < count; k++) {
        uint32_t flags = found[k].flags, verdict = flags & ANN_VERDICTS;
        /* Only verdict bits are added; the rest of the entry is as found. */
        FUZZ_CHECK((flags & ~ANN_VERDICTS) == before[k].flags);
        found[k].flags = before[k].flags;
        FUZZ_CHECK(memcmp(&found[k], &before[k], sizeof *found) == 0);
        found[k].flags = flags;
        FUZZ_CHECK(verdict == 0 || verdict == TR_ANN_REMOVE || verdict == TR_ANN_GLOSS ||
                   verdict == (TR_ANN_REMOVE | TR_ANN_EAT_SPACE));
        if (flags & TR_ANN_EAT_SPACE)
            FUZZ_CHECK((flags & TR_ANN_SPACE_AFTER) && !(flags & (TR_ANN_TONED | TR_ANN_ECHO)));
        /* One annotation alone in its window has no evidence either way. */
        size_t pos = found[k].han_char;
        int alone = (k == 0 || found[k - 1].han_char + TR_ANN_WINDOW < pos) &&
                    (k + 1 == count || found[k + 1].han_char > pos + TR_ANN_WINDOW);
        if (alone)
            FUZZ_CHECK(!(flags & TR_ANN_REMOVE));
    }
    /* Judging twice changes nothing: verdicts read only what the scan found. */
    tr_annotation *again = fuzz_alloc(count * sizeof *again);
    if (count) memcpy(again, before, count * sizeof *before);
    FUZZ_CHECK(tr_judge_annotations(data, size, again, count) == 0);
    FUZZ_CHECK(count == 0 || memcmp(again, found, count * sizeof *found) == 0);
    free(again);
    free(before);
    free(found);
}

/* Bytes tr_remove_annotations drops for the entry (as it decides). */
static size_t dropped(const tr_annotation *a, const uint8_t *data, size_t size, int eat_space)
{
    if (!(a->flags & TR_ANN_REMOVE))
        return 0;
    size_t end = a->end_byte;
    if (eat_space && (a->flags & TR_ANN_EAT_SPACE) && end < size && data[end] == ' ')
        end++;
    return end - a->start_byte;
}

FUZZ_TARGET(tr_remove_annotations)
{
    size_t count;
    tr_annotation_stats stats;
    tr_annotation *found = find_all(data, size, &count, &stats);
    /* The judged verdicts, and every entry flagged (as if all were judged
     * converter output, with their spaces). */
    for (int all = 0; all < 2; all++) {
        if (all) {
            for (size_t k = 0; k < count; k++)
                found[k].flags |= TR_ANN_REMOVE | ((found[k].flags & TR_ANN_SPACE_AFTER) ? TR_ANN_EAT_SPACE : 0);
        } else {
            FUZZ_CHECK(tr_judge_annotations(data, size, found, count) == 0);
        }
        for (int eat_space = 0; eat_space < 2; eat_space++) {
            uint8_t *out = fuzz_alloc(size);  /* "out must hold n bytes" */
            size_t expect = size;
            for (size_t k = 0; k < count; k++)
                expect -= dropped(&found[k], data, size, eat_space);
            size_t written = tr_remove_annotations(data, size, found, count, eat_space, out);
            FUZZ_CHECK(written == expect);
            free(out);
        }
    }
    free(found);

    /* Entries that are not what tr_find_annotations makes (out of order,
     * past the end): the function promises to stop, not to read past. */
    size_t bogus = size / 8 < 16 ? size / 8 : 16;
    tr_annotation *made = fuzz_alloc(bogus * sizeof *made);
    for (size_t k = 0; k < bogus; k++) {
        const uint8_t *b = data + 8 * k;
        memset(&made[k], 0, sizeof made[k]);
        made[k].start_byte = (size_t)b[0] * size / 255;
        made[k].end_byte = (size_t)b[1] * (size + 2) / 255;
        made[k].flags = (uint32_t)b[2] << 1;
    }
    uint8_t *out = fuzz_alloc(size);
    FUZZ_CHECK(tr_remove_annotations(data, size, made, bogus, 1, out) <= size);
    free(out);
    free(made);
}

FUZZ_TARGET(tr_mojibake_runs)
{
    size_t anchor_bytes = 0, anchors = 0, chars, found = 0, again = 0;
    for (size_t i = 0; i < size; i++)
        anchor_bytes += data[i] == '?' || data[i] == '!' || data[i] == ';' || data[i] == ',';
    uint32_t *cps = fuzz_decode(data, size, &chars);
    for (size_t i = 0; i < chars; i++)
        anchors += cps[i] == '?' || cps[i] == '!' || cps[i] == ';' || cps[i] == ',';
    free(cps);

    tr_mojibake_run *none = fuzz_alloc(0);
    FUZZ_CHECK(tr_mojibake_runs(data, size, none, 0, &found) == 0);
    free(none);
    /* Every run starts at a decoded '?', '!', ';' or ','.  The header promises
     * no more runs than such bytes, which _cext sizes its buffer by; that
     * holds for the valid UTF-8 Python passes, not for overlong forms the
     * decoder accepts ("\xe0\x80\xbf" decodes as '?'). */
    FUZZ_CHECK(found <= anchors);
    if (fuzz_valid_utf8(data, size))
        FUZZ_CHECK(found <= anchor_bytes);
    tr_mojibake_run *runs = fuzz_alloc(found * sizeof *runs);
    FUZZ_CHECK(tr_mojibake_runs(data, size, runs, found, &again) == 0);
    FUZZ_CHECK(again == found);
    size_t prev_end = 0;
    for (size_t k = 0; k < found; k++) {
        FUZZ_CHECK(runs[k].start_char >= prev_end);
        FUZZ_CHECK(runs[k].start_char < runs[k].end_char && runs[k].end_char <= chars);
        FUZZ_CHECK(runs[k].kind == TR_MOJIBAKE_SHIFT);
        prev_end = runs[k].end_char;
    }
    if (found > 1) {  /* too small a buffer: only its entries are written */
        size_t cap = found - 1;
        tr_mojibake_run *part = fuzz_alloc(cap * sizeof *part);
        FUZZ_CHECK(tr_mojibake_runs(data, size, part, cap, &again) == 0 && again == found);
        for (size_t k = 0; k < cap; k++)  /* field by field: the struct has padding */
            FUZZ_CHECK(part[k].start_char == runs[k].start_char &&
                       part[k].end_char == runs[k].end_char && part[k].kind == runs[k].kind);
        free(part);
    }
    free(runs);
}

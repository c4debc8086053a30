"""Constants shared with the C core (``native/textrepair.h``); a test checks
that both sides agree."""

# Damage kinds a scan may report (tr_scan_flags).
HAS_LT = 1
HAS_AMP = 2
HAS_PAREN = 4
HAS_QMARK = 8
HAS_PUA = 16
HAS_FFFD = 32
HAS_LATIN1 = 64
HAS_SPACE = 128
HAS_INVISIBLE = 256
HAS_FULLWIDTH = 512
HAS_CR = 1024
HAS_TAB = 2048

# Properties of a found annotation (tr_annotation.flags).
ANN_TONED = 1
ANN_SPACE_AFTER = 2
ANN_TRAD = 4
ANN_ECHO = 8  # a character glossed as itself: ",(,)"
ANN_QUOTED = 16  # in quotation marks with its character: 「還(hái)」
ANN_NEUTRAL = 32  # no tone mark, and a neutral-tone reading of the character
ANN_CHAINED = 64  # right after another annotation of the same character
# The judgement (tr_judge_annotations).
ANN_REMOVE = 128  # converter output: remove
ANN_EAT_SPACE = 256  # ... with the space after it
ANN_GLOSS = 512  # a teacher's gloss: kept whatever its neighbours

# Kinds of candidate mojibake run (tr_mojibake_run.kind).
MOJIBAKE_SHIFT = 1
MOJIBAKE_RARE = 2
MOJIBAKE_LATIN1 = 3
MOJIBAKE_CP1252 = 4
MOJIBAKE_CP1250 = 5
MOJIBAKE_FTFY = 6

# Classes of characters the normalise stage may change (tr_normalise_runs).
NORM_INVISIBLE = 1
NORM_SPACE = 2
NORM_FULLWIDTH = 4
NORM_PUNCT = 8
NORM_FFFD = 16

# What tr_triage says may need a stage.
TRI_ANNOTATIONS = 1
TRI_MARKUP = 2
TRI_BOILERPLATE = 4
TRI_NORMALISE = 8
TRI_MOJIBAKE = 16
TRI_LOST = 32
TRI_MARK = 128

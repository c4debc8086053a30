"""The repair stages, one module each.  Each exposes ``NAME`` (its option),
``NEEDS`` (the scan flags without which it has nothing to do, or None
when it must always run),
``fix(text, options) -> (text, edits)`` and the faster ``fix_text(text,
options) -> text`` that must return the same text."""

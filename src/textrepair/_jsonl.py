"""JSON lines for the ``textrepair`` command: name a field, find its string
literal in the line, and put a new literal in its place.

A repaired record is its input line with only the field's string literal
replaced, so every other byte stays as it was: number spellings (``1.10``,
``1e400``), duplicate keys, separators, spacing and escapes.  Of duplicate
keys the last one is the field, as JSON readers (Python's ``json`` too) use
the last.

>>> line = '{"n":1.10, "text" : "數(shù)",  "big":1e400}'
>>> start, end = locate(line, pointer("text"))
>>> line[start:end]
'"數(shù)"'
>>> splice(line, start, end, "數")
'{"n":1.10, "text" : "數",  "big":1e400}'
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

__all__ = ["pointer", "lookup", "locate", "splice", "literal", "FieldError"]

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class FieldError(LookupError):
    """The record has no such field, or the path goes through a non-container."""


def pointer(field: str) -> tuple[str, ...]:
    """The path a ``--field`` names: a JSON Pointer (RFC 6901) when it starts
    with ``/``, else one top-level key.

    >>> pointer("text"), pointer("/meta/text"), pointer("/a~1b/~0c"), pointer("/items/0")
    (('text',), ('meta', 'text'), ('a/b', '~c'), ('items', '0'))
    """
    if not field.startswith("/"):
        return (field,)
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in field[1:].split("/"))


def lookup(record: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` in a parsed record; :class:`FieldError` when absent.

    >>> lookup({"meta": {"text": "a"}, "l": ["x", "y"]}, ("meta", "text")), lookup({"l": ["x", "y"]}, ("l", "1"))
    ('a', 'y')
    >>> lookup({"meta": 3}, ("meta", "text"))
    Traceback (most recent call last):
    ...
    textrepair._jsonl.FieldError: /meta is a number
    """
    value = record
    for depth, key in enumerate(path):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and _index(key, len(value)) is not None:
            value = value[int(key)]
        elif isinstance(value, (dict, list)):
            raise FieldError("")
        else:
            raise FieldError(f"{spell(path[:depth])} is {json_type(value)}")
    return value


def spell(path: tuple[str, ...]) -> str:
    """A path as a JSON Pointer.

    >>> spell(("a/b", "c"))
    '/a~1b/c'
    """
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def _index(key: str, length: int) -> int | None:
    """An array index as RFC 6901 spells it (no sign, no leading zero), if in range."""
    if not re.fullmatch(r"0|[1-9][0-9]*", key) or int(key) >= length:
        return None
    return int(key)


def json_type(value: Any) -> str:
    """How an error message names a JSON value's type.

    >>> json_type(None), json_type(3.5), json_type([])
    ('null', 'a number', 'an array')
    """
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}[type(value)]


def locate(line: str, path: tuple[str, ...]) -> tuple[int, int]:
    """``(start, end)`` of the literal at ``path`` in one JSON text, the last
    of duplicate keys at every level.  ``line`` must be valid JSON (parse it
    first: errors here are only :class:`FieldError`).

    >>> line = '{"text": "a", "m": {"text": "b"}, "text":"c"}'
    >>> [line[slice(*locate(line, p))] for p in (("text",), ("m", "text"))]
    ['"c"', '"b"']
    """
    pos = _WS.match(line, 0).end()
    for key in path:
        found = _member(line, pos, key) if line.startswith("{", pos) else (
            _element(line, pos, key) if line.startswith("[", pos) else None)
        if found is None:
            raise FieldError("")
        pos = found
    return pos, _value_end(line, pos)


def _value_end(line: str, pos: int) -> int:
    return _DECODER.raw_decode(line, pos)[1]


def _member(line: str, pos: int, key: str) -> int | None:
    """Where the value of the last member named ``key`` starts, in the object at ``pos``."""
    found = None
    pos = _WS.match(line, pos + 1).end()
    if line.startswith("}", pos):
        return None
    while True:
        name, pos = scanstring(line, pos + 1)
        pos = _WS.match(line, pos).end() + 1  # the colon
        pos = _WS.match(line, pos).end()
        if name == key:
            found = pos
        pos = _WS.match(line, _value_end(line, pos)).end()
        if line.startswith("}", pos):
            return found
        pos = _WS.match(line, pos + 1).end()  # the comma


def _element(line: str, pos: int, key: str) -> int | None:
    """Where element ``key`` (an index) starts, in the array at ``pos``."""
    if not re.fullmatch(r"0|[1-9][0-9]*", key):
        return None
    wanted, index = int(key), 0
    pos = _WS.match(line, pos + 1).end()
    if line.startswith("]", pos):
        return None
    while True:
        if index == wanted:
            return pos
        pos = _WS.match(line, _value_end(line, pos)).end()
        if line.startswith("]", pos):
            return None
        pos = _WS.match(line, pos + 1).end()
        index += 1


def literal(text: str) -> str:
    """A JSON string literal for ``text``: characters as they are (no
    ``\\u`` escapes), except a lone surrogate, which UTF-8 cannot hold,
    written as its escape (as the input must have written it).

    >>> literal('數"\\n'), literal("a\\ud800b")
    ('"數\\\\"\\\\n"', '"a\\\\ud800b"')
    """
    result = json.dumps(text, ensure_ascii=False)
    if _LONE_SURROGATE.search(result):
        result = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", result)
    return result


def splice(line: str, start: int, end: int, text: str) -> str:
    """``line`` with the literal at ``start:end`` replaced by one for ``text``."""
    return line[:start] + literal(text) + line[end:]

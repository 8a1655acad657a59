"""The items of a large JSON array read one at a time, so a parser never holds the whole document as objects.

A pull request export of a large organisation is tens of megabytes of JSON; decoded whole it takes ten times that
as Python objects, on top of the facts read from it. :func:`object_items` reads an object whose one large array
comes last (``{"repository": ..., "pulls": [...]}``): the keys before it are decoded at once, the array's items
one by one as the caller asks for them; :func:`array_items` reads a top-level array the same way.

Only that simple shape is read this way. Anything else (another key after the array, a syntax error anywhere, a
second document after the first) raises :class:`NotStreamable` as soon as it is met: the caller then drops what
it read and reads the file whole with :func:`~trustgap.evidence.parsers._json_input.load_json`, so every file
gives exactly the facts and the errors it gives read whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from trustgap.evidence.parsers._json_input import decode

_SPACE = " \t\r\n"
_DECODER = json.JSONDecoder()


class NotStreamable(Exception):
    """The document is not of the simple shape read item by item (or not valid JSON): read it whole."""


def _skip(text: str, pos: int) -> int:
    end = len(text)
    while pos < end and text[pos] in _SPACE:
        pos += 1
    return pos


def object_items(data: bytes, path: str, key: str) -> tuple[dict[str, Any], Iterator[Any]]:
    """(the keys before ``key``, the items of the array under ``key``) of a top-level JSON object whose last key
    is ``key``. The items are decoded as they are iterated; the iterator raises :class:`NotStreamable` where the
    document leaves that shape. Raises :class:`NotStreamable` at once when the head already does."""
    text = decode(data, path)
    head: dict[str, Any] = {}
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        raise NotStreamable
    pos = _skip(text, pos + 1)
    try:
        while True:
            if not text.startswith('"', pos):
                raise NotStreamable
            name, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if not text.startswith(":", pos):
                raise NotStreamable
            pos = _skip(text, pos + 1)
            if name == key:
                break
            if name in head:  # a repeated key: json.loads keeps the last one; reading whole says what it is
                raise NotStreamable
            head[name], pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if not text.startswith(",", pos):
                raise NotStreamable  # the object ends without the array (or is not valid JSON)
            pos = _skip(text, pos + 1)
    except json.JSONDecodeError:
        raise NotStreamable from None
    if not text.startswith("[", pos):
        raise NotStreamable
    return head, _items(text, pos + 1, "}")


def array_items(data: bytes, path: str) -> Iterator[Any]:
    """The items of a top-level JSON array, decoded as they are iterated (raising :class:`NotStreamable` where the
    document is not one array)."""
    text = decode(data, path)
    pos = _skip(text, 0)
    if not text.startswith("[", pos):
        raise NotStreamable
    return _items(text, pos + 1, "")


def _items(text: str, pos: int, closing: str) -> Iterator[Any]:
    pos = _skip(text, pos)
    if text.startswith("]", pos):
        _tail(text, pos + 1, closing)
        return
    while True:
        try:
            item, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError:
            raise NotStreamable from None
        yield item
        pos = _skip(text, pos)
        if text.startswith("]", pos):
            _tail(text, pos + 1, closing)
            return
        if not text.startswith(",", pos):
            raise NotStreamable
        pos = _skip(text, pos + 1)


def _tail(text: str, pos: int, closing: str) -> None:
    """After the array: the end of the object holding it (``closing``), and nothing but white space after it."""
    pos = _skip(text, pos)
    if not text.startswith(closing, pos) or _skip(text, pos + len(closing)) != len(text):
        raise NotStreamable

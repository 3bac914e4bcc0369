"""Small wording helpers for texts people read (notifications, CLI lines)."""

from __future__ import annotations


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``1 page``, ``2 pages``, ``0 pages``; ``plural_noun`` for irregular plurals."""
    return f"{count} {noun if count == 1 else plural_noun or noun + 's'}"


def without_label(text: str, label: str) -> str:
    """``text`` without a leading ``label`` (and the ``:`` or ``.`` after it), so a message that
    starts with its own label is not labelled twice."""
    if not text.startswith(label):
        return text
    return text.removeprefix(label).lstrip(":. ") or text

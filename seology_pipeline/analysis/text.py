"""Cleaning of untrusted text (crawled titles, descriptions, model output) before use."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

_WHITESPACE = re.compile(r"\s+")


def clean_text(value: object, limit: int) -> str:
    """NFKC-normalised text without control, format (zero-width, bidi) or private-use
    characters, whitespace collapsed, cut to ``limit`` characters (ending in ``…`` when cut)."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf", "Co", "Cs", "Cn")
    )
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def data_json(payload: Any) -> str:
    """Compact, key-sorted JSON with ``<``, ``>`` and ``&`` escaped, so data can never close or
    open the tags it is wrapped in (the same trick as JSON embedded in HTML)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

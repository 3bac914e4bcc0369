"""Text fingerprints for duplicate detection: a content hash and a 64-bit simhash.

Both work on :func:`normalise_text` (NFKC, lower case, words only), so markup and whitespace
changes do not count as content changes. Two pages are near duplicates when the Hamming distance
of their simhashes is small (:func:`hamming`; 3 or less is the usual threshold).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 3


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def normalise_text(text: str) -> str:
    return " ".join(words(text))


def content_hash(text: str) -> str:
    """sha256 hex digest of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def simhash(text: str, shingle: int = SHINGLE) -> int:
    """64-bit simhash (0 <= value < 2**64) of the word ``shingle``-grams of the normalised text."""
    tokens = words(text)
    if not tokens:
        return 0
    if len(tokens) < shingle:
        grams = {" ".join(tokens)}
    else:
        grams = {" ".join(tokens[i : i + shingle]) for i in range(len(tokens) - shingle + 1)}
    digests = b"".join(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest() for g in grams)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 > len(grams)
    return int.from_bytes(np.packbits(votes).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two simhashes."""
    return (a ^ b).bit_count()

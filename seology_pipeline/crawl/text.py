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


def simhash(text: str) -> int:
    """64-bit simhash (0 <= value < 2**64) of the word 3-grams of the normalised text."""
    return _simhash(words(text))


def fingerprint(text: str) -> tuple[int, str, int]:
    """(word count, content hash, simhash) of ``text``, splitting it into words once."""
    tokens = words(text)
    digest = hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()
    return len(tokens), digest, _simhash(tokens)


_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, vectorised (uint64 arithmetic wraps)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _simhash(tokens: list[str]) -> int:
    if not tokens:
        return 0
    vocabulary: dict[str, int] = {}
    ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in tokens), np.int64)
    digests = b"".join(hashlib.blake2b(w.encode(), digest_size=8).digest() for w in vocabulary)
    hashes = np.frombuffer(digests, dtype="<u8")[ids]
    if len(hashes) >= SHINGLE:
        grams = hashes[:-2] * _K1 + hashes[1:-1] * _K2 + hashes[2:]
    else:
        grams = np.array([hashes.sum(dtype=np.uint64)], dtype=np.uint64)
    grams = np.unique(_mix(grams))
    bits = np.unpackbits(grams.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 > len(grams)
    return int.from_bytes(np.packbits(votes).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two simhashes."""
    return (a ^ b).bit_count()

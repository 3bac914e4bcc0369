from __future__ import annotations

import random

from seology_pipeline.crawl.text import content_hash, hamming, normalise_text, simhash

WORDS = [f"word{i}" for i in range(400)]


def _article(seed: int, n: int = 600) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def test_normalisation_ignores_case_spacing_and_punctuation() -> None:
    assert normalise_text("Hello,  WORLD!\n\tAgain") == "hello world again"
    assert content_hash("Hello,  WORLD!") == content_hash("hello world")
    assert content_hash("hello world") != content_hash("hello there")
    assert len(content_hash("x")) == 64


def test_simhash_is_a_stable_unsigned_64_bit_int() -> None:
    value = simhash(_article(1))
    assert isinstance(value, int)
    assert 0 <= value < 2**64
    assert simhash(_article(1)) == value
    assert simhash("") == 0


def test_near_duplicates_are_close_and_different_texts_are_far() -> None:
    base = _article(1)
    words = base.split()
    words[100:103] = ["changed", "a", "little"]
    near = " ".join(words)
    other = _article(2)
    assert hamming(simhash(base), simhash(near)) <= 6
    assert hamming(simhash(base), simhash(other)) >= 16

"""Near-duplicate groups from 64-bit simhashes without comparing every pair.

Similarity of two pages is ``1 - hamming(a, b) / 64``; "≥ 90 % similar" therefore means at most
6 differing bits (``AuditConfig.near_duplicate_max_distance``). To find those pairs we split the
64 bits into ``d + 2`` blocks: ``d`` differing bits touch at most ``d`` blocks, so two
near-duplicates agree on at least two whole blocks (pigeonhole). For every pair of blocks we sort
the hashes by those blocks' bits, compare only neighbours with equal keys (within ``window``
places, which bounds the work on huge template clusters), verify the real distance, and join the
verified pairs with union-find. For d = 6: 8 blocks of 8 bits, 28 sorted passes with 16-bit keys.
"""

from __future__ import annotations

from itertools import combinations, pairwise

import numpy as np


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Distinct values, sorted (``np.unique`` is several times slower on millions of ints)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    keys = sorted_unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([keys // n, keys % n], axis=1)


def _block_masks(max_distance: int) -> list[np.uint64]:
    blocks = max_distance + 2
    bounds = np.linspace(0, 64, blocks + 1).round().astype(int)
    block_masks = [((1 << int(hi)) - 1) ^ ((1 << int(lo)) - 1) for lo, hi in pairwise(bounds)]
    return [np.uint64(a | b) for a, b in combinations(block_masks, 2)]


def near_duplicate_pairs(hashes: np.ndarray, max_distance: int, window: int = 64) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, whose hashes differ in at most ``max_distance`` bits."""
    hashes = np.asarray(hashes, dtype=np.uint64)
    n = len(hashes)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    found: list[np.ndarray] = []
    table: list[np.ndarray] = []
    for mask in _block_masks(max_distance):
        keys = hashes & mask
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        active = np.arange(n - 1)
        for step in range(1, min(window, n - 1) + 1):
            active = active[active + step < n]
            active = active[sorted_keys[active] == sorted_keys[active + step]]
            if not len(active):
                break
            a, b = order[active], order[active + step]
            close = np.bitwise_count(hashes[a] ^ hashes[b]) <= max_distance
            if close.any():
                table.append(np.stack([np.minimum(a, b)[close], np.maximum(a, b)[close]], axis=1))
        if table:
            found.append(_unique_pairs(np.concatenate(table), n))
            table = []
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return _unique_pairs(np.concatenate(found), n)


def near_duplicate_groups(
    hashes: np.ndarray, max_distance: int, window: int = 64
) -> list[list[int]]:
    """Connected groups (two or more indices) of near-duplicate hashes.

    Equal hashes are collapsed first, so a cluster of identical pages costs nothing extra.
    """
    hashes = np.asarray(hashes, dtype=np.uint64)
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else ordered
    unique = ordered[starts.astype(bool)]
    inverse = np.empty(len(hashes), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    pairs = near_duplicate_pairs(unique, max_distance, window)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in pairs.tolist():
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for index, value in enumerate(inverse.tolist()):
        members.setdefault(find(value), []).append(index)
    return [group for group in members.values() if len(group) > 1]

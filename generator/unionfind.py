"""One union-find (disjoint sets) for every stage that joins things into groups.

A leaf module, next to `records` and `ids`: the group stage joins articles into
stories, the extract stage joins fact cards, and entity merging joins names, each
with its own rule for which root survives a union. Roots are chosen by the caller
(`attach`), so each keeps its own deterministic order.
"""
from __future__ import annotations

from typing import Generic, Hashable, Iterable, TypeVar

K = TypeVar("K", bound=Hashable)


class UnionFind(Generic[K]):
    """Disjoint sets over hashable items, with path halving."""

    def __init__(self, items: Iterable[K] = ()) -> None:
        self.parent: dict[K, K] = {i: i for i in items}

    def add(self, item: K) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: K) -> K:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def attach(self, child_root: K, root: K) -> None:
        """Hang one root under another: the caller decides which root survives."""
        self.parent[child_root] = root

""" "Did you mean" suggestions for unknown names."""

from __future__ import annotations

import heapq
import keyword
import re
from collections.abc import Collection, Iterable


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b`` (capped at ``limit``+1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest(name: str, candidates: Iterable[str], max_edits: int | None = None) -> str | None:
    """The candidate nearest to ``name`` within a few edits, or ``None``.

    Short names allow fewer edits so that ``x`` does not suggest ``y``.
    """
    allowed = max_edits if max_edits is not None else min(3, max(1, len(name) // 3))
    best: tuple[int, str] | None = None
    for candidate in sorted(set(candidates)):
        if candidate == name:
            continue
        distance = edit_distance(name.lower(), candidate.lower(), allowed)
        if distance <= allowed and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def did_you_mean(name: str, candidates: Iterable[str], max_edits: int | None = None) -> str | None:
    """A hint ``did you mean `x`?`` when a close candidate exists."""
    match = closest(name, candidates, max_edits)
    return f"did you mean `{match}`?" if match else None


def snake_case(name: str, limit: int = 255) -> str:
    """A valid Azure ML node name close to ``name``: ``trainMean`` → ``train_mean``,
    ``city-temps`` → ``city_temps``, ``HTTPServer`` → ``http_server``, ``2nd`` → ``_2nd``.

    Word boundaries are kept (a camelCase hump becomes ``_``, as does each run of
    other characters), so the suggestion stays readable; a Python keyword gets a
    trailing ``_``.
    """
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", words)
    text = re.sub(r"[^a-z0-9_]+", "_", words.lower())
    # Underscores the name had at its ends stay; those standing for other characters go.
    lead, trail = len(name) - len(name.lstrip("_")), len(name) - len(name.rstrip("_"))
    text = "_" * lead + text.strip("_") + "_" * trail
    if not text.strip("_"):
        text = "name"  # nothing of the original survives: any valid name will do
    elif text[0].isdigit():
        text = "_" + text
    text = text[:limit]
    return text + "_" if keyword.iskeyword(text) or keyword.issoftkeyword(text) else text


class Suggestions:
    """Suggestions ("did you mean") for many unknown names, at a cost linear in the file, not a product.

    The nearest of N names is found by comparing with all N, so a file with
    thousands of unknown references to thousands of declared names would cost
    millions of comparisons. The comparisons of every call come out of one
    ``budget``, sized to the names the file declares (:meth:`for_names`,
    :meth:`add_names` as they are read); a call that would overspend suggests
    nothing, and its hint falls back to :meth:`listing`, which sorts each
    collection once.
    """

    PER_NAME = 10  # comparisons allowed per name the file declares
    BASE = 1000  # and for any file

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._listings: dict[str, tuple[list[str], int]] = {}

    @classmethod
    def for_names(cls, count: int) -> Suggestions:
        """Suggestions for a file that declares ``count`` names."""
        return cls(cls.BASE + cls.PER_NAME * count)

    def add_names(self, count: int) -> None:
        """Allow more comparisons for ``count`` names the caller has read since."""
        self.budget += self.PER_NAME * count

    def closest(self, name: str, candidates: Collection[str], max_edits: int | None = None) -> str | None:
        """:func:`closest`, or ``None`` when comparing with every candidate would overspend."""
        if len(candidates) > self.budget:
            return None
        self.budget -= len(candidates)
        return closest(name, candidates, max_edits)

    def did_you_mean(
        self, name: str, candidates: Collection[str], max_edits: int | None = None
    ) -> str | None:
        """:func:`did_you_mean` within the budget."""
        match = self.closest(name, candidates, max_edits)
        return f"did you mean `{match}`?" if match else None

    def listing(self, key: str, names: Collection[str], limit: int = 8) -> tuple[list[str], int]:
        """The first ``limit`` of ``names`` in sorted order and how many there are, worked out once
        per ``key`` (which names one collection, such as ``"steps"``)."""
        if key not in self._listings:
            self._listings[key] = (heapq.nsmallest(limit, names), len(names))
        return self._listings[key]

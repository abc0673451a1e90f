"""The one exception local runs raise for a user's mistake."""

from __future__ import annotations


class RunRefused(Exception):
    """A run (or plan) that cannot start; each problem is one line for the user."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

"""Answerability decisions made by hand, for tests of what consumes them."""

from core.retrieval.answerability import Signals, Verdict


def verdict(answerable: bool = True, passage_floor: float = 0.8) -> Verdict:
    """A decision as judge() makes it; consumers read answerable and passage_floor."""
    signals = Signals(0.9, 4.0, 1.0, 1.0, 4.0, 0.0)
    return Verdict(answerable, 0.9 if answerable else 0.1, 0.5, signals, passage_floor)

"""How long an ingest has left: the slowest stage's rate so far, applied to what it has still to do."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Estimate:
    """Fed each stage's (done, total) as progress arrives; says what is done and roughly how long is left."""

    clock: Callable[[], float] = time.monotonic
    stages: dict[str, tuple[int, int]] = field(default_factory=dict)
    began: float | None = None

    def update(self, stage: str, done: int, total: int) -> None:
        if self.began is None:
            self.began = self.clock()
        self.stages[stage] = (done, total)

    def seconds_left(self) -> float | None:
        """Seconds until the slowest stage finishes at its rate so far; None before any stage has progressed."""
        if self.began is None:
            return None
        elapsed = self.clock() - self.began
        lefts = [elapsed * (total - done) / done for done, total in self.stages.values() if 0 < done < total]
        if not lefts:
            return 0.0 if all(done >= total for done, total in self.stages.values()) else None
        return max(lefts)

    def share(self) -> float:
        """How far along the slowest stage is, 0 to 1."""
        shares = [done / total if total else 1.0 for done, total in self.stages.values()]
        return min(shares) if shares else 0.0

    def line(self) -> str:
        """E.g. "reading 12/30 · embedding 10/30 · about 2 min left"."""
        parts = [f"{stage} {done}/{total}" for stage, (done, total) in self.stages.items()]
        left = self.seconds_left()
        if left is not None and left > 0:
            parts.append(f"about {max(1, round(left / 60))} min left" if left >= 90 else f"about {max(1, round(left))} s left")
        return " · ".join(parts)

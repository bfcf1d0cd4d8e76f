"""How many cores embed the next question: one, or all of them, whichever is faster right now.

The engine splits one question over all cores with OpenMP. That halves its time on an idle
machine, and makes it slower than one core when another thread of the process or another process
keeps a core busy: the engine's threads then wait for each other at every layer. Measured on the
2-core host, 120 questions each (bench/README.md, *Profiled and fixed*, 12):

    idle:                 1 thread p50 14.4 ms, 14.5 ms of CPU;  2 threads  7.8-9.6 ms, 15-18 ms of CPU
    the other core busy:  1 thread p50 15.0 ms, 14.6 ms of CPU;  2 threads 27.7 ms,    27 ms of CPU

A busy bot is the second case (its event loop keeps one core busy). So the choice is made by
measurement: the time per token of both settings is kept as a moving average, the faster is used,
and every `explore_every`-th question uses the other one to keep its figure current. Per token,
because a question's time is close to proportional to its tokens (fitted on the benchmark's 262
questions: intercept under 1 ms), so long and short questions compare fairly.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ThreadChooser:
    """Picks 1 or `most` threads for the next single embedding, from the times recorded."""

    most: int
    explore_every: int = 16
    weight: float = 0.2  # of the newest measurement in the moving average
    _per_token: dict[int, float] = field(default_factory=dict, init=False)
    _calls: int = field(default=0, init=False)

    @property
    def choices(self) -> tuple[int, ...]:
        return (1, self.most) if self.most > 1 else (1,)

    def choose(self) -> int:
        self._calls += 1
        unmeasured = [n for n in self.choices if n not in self._per_token]
        if unmeasured:
            return unmeasured[-1]  # all cores first: the right choice for an idle bot
        fastest = min(self.choices, key=lambda n: self._per_token[n])
        if len(self.choices) > 1 and self._calls % self.explore_every == 0:
            return next(n for n in self.choices if n != fastest)
        return fastest

    def record(self, threads: int, seconds: float, tokens: int) -> None:
        per_token = seconds / max(tokens, 1)
        previous = self._per_token.get(threads)
        self._per_token[threads] = (per_token if previous is None
                                    else previous + self.weight * (per_token - previous))

    def seconds_per_token(self, threads: int) -> float | None:
        return self._per_token.get(threads)

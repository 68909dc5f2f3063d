"""The run's conservation summary: what was read equals what was written to the four outcomes."""
import json
from dataclasses import dataclass, field

from apache_beam.metrics.metric import MetricsFilter

from pipeline.graph import OUTCOMES

_LABELS = {"articles": "articles", "duplicates": "duplicates", "filtered": "filtered",
           "dead_letter": "dead letters"}


def counter_totals(metric_results) -> dict[tuple[str, str], int]:
    """(namespace, name) -> value summed over steps; committed values where the runner has them.
    The runner's own metrics (namespace 'beam…', reported by portable runners such as Flink) are left out."""
    totals: dict[tuple[str, str], int] = {}
    for result in metric_results.query(MetricsFilter())["counters"]:
        key = (result.key.metric.namespace, result.key.metric.name)
        if key[0].startswith("beam"):
            continue
        value = result.committed if result.committed is not None else result.attempted
        totals[key] = totals.get(key, 0) + (value or 0)
    return totals


@dataclass
class RunSummary:
    read: int
    outcomes: dict[str, int]
    stages: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_counters(cls, totals: dict[tuple[str, str], int]) -> "RunSummary":
        return cls(read=totals.get(("read", "records"), 0),
                   outcomes={kind: totals.get(("write", kind), 0) for kind in OUTCOMES},
                   stages={f"{ns}.{name}": value for (ns, name), value in sorted(totals.items())})

    def reasons(self, outcome: str) -> dict[tuple[str, str], int]:
        """(stage, reason) -> count of the records a stage sent to `outcome` (dead_letter, filtered)."""
        prefix = f"{outcome}."
        return {(name.split(".", 1)[0], name.split(".", 1)[1][len(prefix):]): value
                for name, value in self.stages.items() if name.split(".", 1)[1].startswith(prefix)}

    @property
    def accounted(self) -> int:
        return sum(self.outcomes.values())

    @property
    def balanced(self) -> bool:
        return self.read == self.accounted

    def render(self, live: bool = False) -> str:
        width = len(str(self.read))
        lines = [f"{'read':<16}{self.read:>{width}}"]
        for kind, count in self.outcomes.items():
            lines.append(f"  {_LABELS[kind]:<14}{count:>{width}}")
            lines += [f"      {reason} ({stage}): {n}" for (stage, reason), n in self.reasons(kind).items()]
        parts = " + ".join(f"{count} {_LABELS[kind]}" for kind, count in self.outcomes.items())
        if live:  # stopped with records in flight: no balance to claim
            verdict = "not checked (a live run stops with records in flight)"
        else:
            verdict = "OK" if self.balanced else f"MISMATCH ({self.read - self.accounted:+d} unaccounted)"
        lines.append(f"conservation: {self.read} read = {parts}: {verdict}")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"read": self.read, **self.outcomes, "balanced": self.balanced,
                           "counters": self.stages}, indent=2, sort_keys=True)

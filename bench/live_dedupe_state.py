"""The live near-duplicate state at a steady feed's size: its bytes, a lookup, and what expiry costs.

    python -m bench.live_dedupe_state [--per_day 100000] [--horizon_hours 72] [--watermark_seconds 1]

Live, every article seen within the duplicate horizon stays in the state (transforms.dedupe's SeenRuns).
On a steady feed of `--per_day` articles that is per_day * horizon / 24 articles. This builds such a
state the way the live step does (one article at a time, runs merging by level), with random signatures
and band hashes in place of real ones (the costs depend on the sizes, not on the values), and reports:

- the state's bytes, per article;
- a lookup (decode every run, search the bands of one article), in ms;
- one expiry firing as the step does it now: the slab of the horizon (1 / EXPIRY_SLABS) dropped and the
  levels that changed rewritten, and how often it fires (EXPIRY_SLABS times per horizon);
- the same as before the slabs: the oldest article (a watermark step's worth) dropped and every level
  rewritten, which happened on every advance of the watermark (`--watermark_seconds`; the live
  DirectRunner releases the pulled messages once a second).
"""
import argparse
import time

import numpy as np

from transforms.dedupe import EXPIRY_SLABS, SeenRun, run_after, sharing_a_band, with_run
from transforms.near_duplicates import MinHasher

MICROS = 10**6


def steady_state(articles: int, horizon_seconds: int, hasher: MinHasher, seed: int = 0) -> list[SeenRun]:
    """The runs after `articles` arrivals spread evenly over the horizon, oldest first."""
    rng = np.random.default_rng(seed)
    runs = []
    for number in range(articles):
        micros = number * horizon_seconds * MICROS // articles
        hashes = np.sort(rng.integers(0, 2**63, size=hasher.bands, dtype=np.uint64))
        signature = rng.integers(0, 2**32, size=hasher.num_perm, dtype=np.uint32)
        runs, _ = with_run(runs, SeenRun.of_article(f"2026-11-22T00:00:00|{number:08d}", f"{number:016x}" * 2,
                                                    hashes, signature, micros))
    return runs


def expire(runs: list[SeenRun], cutoff_micros: int, only_changed: bool) -> float:
    """Seconds to drop the articles up to `cutoff_micros` and encode the levels rewritten."""
    started = time.perf_counter()
    after = [(run, run_after(run, cutoff_micros)) for run in runs]
    changed = {run.level for run, left in after if left is not run} if only_changed else {run.level for run in runs}
    _ = [left.encode() for _, left in after if left is not None and left.level in changed]
    return time.perf_counter() - started


def best_of(repeats: int, measure) -> float:
    return min(measure() for _ in range(repeats))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per_day", type=int, default=100_000, help="articles a day on the feed")
    parser.add_argument("--horizon_hours", type=float, default=72.0, help="the run's --duplicate_horizon_hours")
    parser.add_argument("--watermark_seconds", type=float, default=1.0,
                        help="how often the watermark advances (the old expiry fired on each advance)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    hasher = MinHasher()
    horizon = round(args.horizon_hours * 3600)
    articles = round(args.per_day * args.horizon_hours / 24)
    started = time.perf_counter()
    runs = steady_state(articles, horizon, hasher)
    print(f"state of {articles:,} articles ({args.per_day:,}/day, {args.horizon_hours:g} h horizon) built in "
          f"{time.perf_counter() - started:.0f} s: {len(runs)} runs")
    encoded = [run.encode() for run in runs]
    size = sum(map(len, encoded))
    print(f"  bytes: {size / 2**20:.1f} MiB, {size / articles:.0f} per article")
    probe = np.sort(np.random.default_rng(1).integers(0, 2**63, size=hasher.bands, dtype=np.uint64))

    def lookup():
        started = time.perf_counter()
        decoded = [SeenRun.decode(data, hasher.num_perm) for data in encoded]
        sharing_a_band(decoded, probe)
        return time.perf_counter() - started

    print(f"  lookup: {best_of(args.repeats * 10, lookup) * 1000:.2f} ms")
    step = args.watermark_seconds * MICROS
    slab = best_of(args.repeats, lambda: expire(runs, horizon * MICROS // EXPIRY_SLABS, only_changed=True))
    oldest = best_of(args.repeats, lambda: expire(runs, step, only_changed=False))
    per_hour_now = slab * EXPIRY_SLABS * 3600 / horizon
    per_hour_before = oldest * 3600 / args.watermark_seconds
    print(f"  expiry now: {slab * 1000:.0f} ms a firing, {EXPIRY_SLABS} firings per horizon: "
          f"{per_hour_now:.2f} CPU s per hour of feed")
    print(f"  expiry before the slabs: {oldest * 1000:.0f} ms a firing, one per {args.watermark_seconds:g} s of "
          f"watermark: {per_hour_before:.0f} CPU s per hour of feed ({per_hour_before / 36:.1f} % of a core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The live near-duplicate state: seen articles in sorted runs that merge by level and expire by event
time, searched by band without decoding what does not match."""
import numpy as np

from transforms.dedupe import (RUN_FANOUT, RUN_LEVELS, SeenRun, band_hashes, earliest_similar, run_after,
                               sharing_a_band, with_run)
from transforms.near_duplicates import MinHasher

HASHER = MinHasher()


def text(number: int) -> str:
    """A distinct text per number: numbered words share no 4-word shingle with another number's."""
    return " ".join(f"word{number}x{position}" for position in range(40))


def seen(number: int, micros: int | None = None) -> SeenRun:
    signature = HASHER.signature(text(number))
    return SeenRun.of_article(f"2018-06-17|{number:05d}", f"id-{number}", band_hashes(HASHER.band_keys(signature)),
                              signature, number if micros is None else micros)


def earliest(runs, number: int):
    signature = HASHER.signature(text(number))
    link = earliest_similar(signature, sharing_a_band(runs, band_hashes(HASHER.band_keys(signature))),
                            HASHER.threshold)
    return link and link.earlier_id


def add_all(numbers) -> list[SeenRun]:
    runs = []
    for number in numbers:
        runs, _ = with_run(runs, seen(number))
    return runs


def test_a_run_decodes_to_the_same_arrays():
    run = add_all(range(RUN_FANOUT))[0]
    decoded = SeenRun.decode(run.encode(), HASHER.num_perm)
    assert decoded.level == 1 and decoded.names == run.names
    for name in ("hashes", "owners", "micros", "signatures", "name_ends"):
        assert np.array_equal(getattr(decoded, name), getattr(run, name))
    assert [decoded.name(index) for index in range(RUN_FANOUT)] == [
        (f"2018-06-17|{number:05d}", f"id-{number}") for number in range(RUN_FANOUT)]


def test_runs_stay_few_while_articles_grow_and_every_article_is_found():
    articles = RUN_FANOUT ** 3 + 5
    runs = add_all(range(articles))
    assert len(runs) <= (RUN_FANOUT - 1) * RUN_LEVELS
    assert sum(len(run.micros) for run in runs) == articles
    assert [earliest(runs, number) for number in (0, 77, articles - 1)] == ["id-0", "id-77", f"id-{articles - 1}"]
    assert earliest(runs, articles) is None


def test_the_earliest_copy_by_order_wins_across_runs():
    runs = add_all([3, 4])
    runs, _ = with_run(runs, seen(3, micros=99)._replace(
        name_ends=np.array([len(b"2018-06-16|late-but-earlier\x00id-earlier")], dtype=np.uint32),
        names=b"2018-06-16|late-but-earlier\x00id-earlier"))
    assert earliest(runs, 3) == "id-earlier"


def test_expired_articles_leave_the_runs_and_the_others_stay_searchable():
    runs = add_all(range(20))
    kept = [run for run in (run_after(run, cutoff_micros=9) for run in runs) if run is not None]
    assert sorted(int(m) for run in kept for m in run.micros) == list(range(10, 20))
    assert earliest(kept, 5) is None and earliest(kept, 15) == "id-15"
    assert all(run_after(run, cutoff_micros=100) is None for run in runs)


def test_a_lookup_ignores_articles_past_the_horizon_that_wait_for_their_slab_to_expire():
    runs = add_all(range(20))
    signature = HASHER.signature(text(5))
    hashes = band_hashes(HASHER.band_keys(signature))
    assert [found[1] for found in sharing_a_band(runs, hashes)] == ["id-5"]
    assert sharing_a_band(runs, hashes, after_micros=5) == []
    assert [found[1] for found in sharing_a_band(runs, hashes, after_micros=4)] == ["id-5"]

"""The carried state and the commit, without a pipeline: plans, recovery, horizons and boundaries."""
import datetime as dt
import json

import pytest

from pipeline import state
from transforms.assembly import is_open
from transforms.dedupe import EARLIER_RUN, keyed_candidate, mark_duplicates, seen_article
from transforms.incremental import lateness_boundary, within_horizon
from transforms.near_duplicates import MinHasher, duplicate_links

UTC = dt.timezone.utc
TEXT = ("Iraqi forces retook the town of Hawija from Islamic State on Thursday after a two-week offensive, "
        "the joint operations command said, ending the group's hold on one of its last Iraqi strongholds.")


def article(article_id: str, published: dt.datetime | None, text: str = TEXT) -> dict:
    return {"article_id": article_id, "origin": f"feed.jsonl:{article_id}", "published_at": published,
            "content_hash": str(hash(text)), "text": text}


def test_a_copy_of_an_article_an_earlier_run_wrote_is_its_duplicate_even_if_published_earlier():
    seen = [seen_article(article("old", dt.datetime(2017, 10, 6, tzinfo=UTC)), MinHasher())]
    canonical, duplicates = mark_duplicates([article("new", dt.datetime(2017, 10, 5, tzinfo=UTC))], seen=seen)
    assert canonical is None and [d["duplicate_of"] for d in duplicates] == ["old"]


def test_without_seen_articles_the_earliest_copy_is_canonical():
    canonical, duplicates = mark_duplicates([article("b", dt.datetime(2017, 10, 6, tzinfo=UTC)),
                                             article("a", dt.datetime(2017, 10, 5, tzinfo=UTC))])
    assert canonical["article_id"] == "a" and [d["duplicate_of"] for d in duplicates] == ["a"]


def test_a_seen_article_comes_first_in_a_band_bucket():
    hasher = MinHasher()
    old = seen_article(article("old", dt.datetime(2017, 10, 6, tzinfo=UTC)), hasher)
    new = article("new", dt.datetime(2017, 10, 1, tzinfo=UTC), TEXT + " Residents returned.")
    bucket = [keyed_candidate(old, EARLIER_RUN)[1], keyed_candidate(seen_article(new, hasher))[1]]
    links = list(duplicate_links(bucket, hasher.threshold))
    assert [(link.item_id, link.earlier_id) for link in links] == [("new", "old")]


def test_the_boundary_is_the_newest_publication_day_less_the_lateness():
    newest = dt.datetime(2017, 10, 31, 23, 0, tzinfo=UTC)
    assert lateness_boundary(newest, 30) == dt.date(2017, 10, 1)
    assert lateness_boundary(None, 30) == dt.date.min
    assert lateness_boundary(dt.datetime(1, 1, 2, tzinfo=UTC), 30) == dt.date.min


def test_events_close_when_their_whole_period_is_before_the_boundary():
    boundary = dt.date(2017, 10, 1)
    assert is_open({"event_date": dt.date(2017, 9, 30), "date_precision": "day"}, boundary)  # a day's slack
    assert not is_open({"event_date": dt.date(2017, 9, 29), "date_precision": "day"}, boundary)
    assert is_open({"event_date": dt.date(2017, 9, 1), "date_precision": "year"}, boundary)
    assert not is_open({"event_date": None, "date_precision": "unknown"}, boundary)


def test_seen_articles_are_kept_within_the_horizon_only():
    newest = dt.datetime(2017, 10, 10, 12, tzinfo=UTC)
    horizon = 72 * 3600
    assert within_horizon({"published_at": newest - dt.timedelta(hours=72)}, newest, horizon)
    assert not within_horizon({"published_at": newest - dt.timedelta(hours=73)}, newest, horizon)
    assert not within_horizon({"published_at": None}, newest, horizon)


@pytest.mark.parametrize("batch_id", ["", "../up", "a/b", "day 1", "-lead", "x" * 65])
def test_a_batch_id_that_could_escape_a_file_name_is_refused(batch_id):
    with pytest.raises(state.StateError):
        state.check_batch_id(batch_id)


def test_the_default_batch_id_follows_the_input_files(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n')
    first = state.batch_id_of([str(tmp_path)])
    assert state.batch_id_of([str(tmp_path)]) == first
    (tmp_path / "b.jsonl").write_text('{"text": "y"}\n')
    assert state.batch_id_of([str(tmp_path)]) != first


def staged_run(output, batch="run"):
    staging = output / state.STAGING / batch
    part = staging / "events" / "date=2017-10-05" / "part-00000-of-00001.avro"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"new events")
    return state.RunPlan(output=str(output), staging=str(staging))


def test_a_commit_moves_the_staged_files_and_removes_what_the_run_replaces(tmp_path):
    old = tmp_path / "events" / "date=2014-09-01" / "part-00000-of-00001.avro"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old events")
    state.commit(staged_run(tmp_path), json.dumps({"balanced": True}))
    assert (tmp_path / "events" / "date=2017-10-05" / "part-00000-of-00001.avro").read_bytes() == b"new events"
    assert not old.exists() and not (tmp_path / state.STAGING).exists()
    assert json.loads((tmp_path / "_SUMMARY.json").read_text()) == {"balanced": True}
    assert sorted(path.name for path in (tmp_path / "events").iterdir()) == ["date=2017-10-05"]


def test_a_partition_folder_that_still_holds_another_batchs_files_stays(tmp_path):
    mine, theirs = (tmp_path / "articles" / "date=2014-09-01" / f"part-{batch}-00000-of-00001.avro"
                    for batch in ("day2", "day1"))
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"an earlier run of day2")
    theirs.write_bytes(b"day1")
    plan = state.RunPlan(output=str(tmp_path), staging=staged_run(tmp_path).staging, batch_id="day2",
                         state=str(tmp_path / "state"), next_latest={"snapshot": "s1", "parent": None})
    state.commit(plan, "{}")
    assert not mine.exists() and theirs.read_bytes() == b"day1"


def test_a_commit_cut_short_is_finished_by_the_next_run(tmp_path, monkeypatch):
    plan = staged_run(tmp_path)
    monkeypatch.setattr(state, "apply_commit", lambda record: None)  # the driver dies after writing the plan
    state.commit(plan, "{}")
    monkeypatch.undo()
    assert not (tmp_path / "events").exists()
    assert state.recover(str(tmp_path)) == ["run"]
    assert (tmp_path / "events" / "date=2017-10-05" / "part-00000-of-00001.avro").read_bytes() == b"new events"


def test_the_staging_of_a_run_that_failed_is_discarded(tmp_path):
    staged_run(tmp_path)
    assert state.recover(str(tmp_path)) == []
    assert not (tmp_path / state.STAGING).exists() and not (tmp_path / "events").exists()


def test_an_incremental_run_replaces_only_its_own_article_files(tmp_path):
    plan = state.RunPlan(output=str(tmp_path), staging=str(tmp_path / "s"), batch_id="day2", state=str(tmp_path))
    assert state._owned(plan, "articles", "part-day2-00000-of-00001.avro")
    assert not state._owned(plan, "articles", "part-day1-00000-of-00001.avro")
    assert state._owned(plan, "control", "part-00000-of-00001.avro")


def test_a_batch_id_without_a_state_folder_is_refused(tmp_path):
    with pytest.raises(state.StateError, match="give --state"):
        state.plan_run(str(tmp_path / "out"), [str(tmp_path)], state=None, batch_id="day1")

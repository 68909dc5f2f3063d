"""Incremental runs, the pipeline's side: the state an earlier run carried, and the state to carry on.

A scheduled run sees only the articles that arrived since the last one, yet must give what one run over
everything would: so it carries
- `seen`: the SeenArticles within the duplicate horizon of the newest publication, so that a copy of an
  article an earlier run wrote is a duplicate;
- `mentions`: the mentions of events still open to new reports (their date within the allowed
  lateness of the newest publication), assembled again with the reports that arrive next;
- `events`: the closed events, which no later report joins; with the events assembled now they make
  the whole history that control is folded from.
Where the state lives and how it is committed is pipeline/state.py's business.
"""
import datetime as dt
import json

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

SEEN, MENTIONS, EVENTS = "seen", "mentions", "events"


def read_carried(pipeline: beam.Pipeline, snapshot: str | None, kind: str):
    """The records of one kind in an earlier run's snapshot (none on the first run)."""
    pattern = FileSystems.join(snapshot, kind, "*.avro") if snapshot else None
    if pattern and any(result.metadata_list for result in FileSystems.match([pattern])):
        return pipeline | f"ReadCarried_{kind}" >> beam.io.ReadFromAvro(pattern)
    return pipeline | f"NothingCarried_{kind}" >> beam.Create([])


def newest(values) -> dt.datetime | None:
    """The latest of some publication times (unknown ones left out): the run's 'now' in event time."""
    return max((value for value in values if value is not None), default=None)


def lateness_boundary(newest_published: dt.datetime | None, lateness_days: int) -> dt.date:
    """Events whose dates end before this day are closed: no report arriving later may join them."""
    if newest_published is None:
        return dt.date.min
    return max(dt.date.min + dt.timedelta(days=lateness_days), newest_published.date()) - dt.timedelta(
        days=lateness_days)


def within_horizon(seen: dict, newest_published: dt.datetime | None, horizon_seconds: int) -> bool:
    """Whether a SeenArticle is still kept: published no more than the horizon before the newest one.
    An article with no publication time cannot be placed in the horizon and is not carried."""
    published = seen["published_at"]
    return published is not None and newest_published is not None and (
        newest_published - published).total_seconds() <= horizon_seconds


def seen_order(seen: dict) -> tuple:
    return seen["article_id"], seen["origin"]


def mention_order(mention: dict) -> tuple:
    """A total order of carried mentions (the reporting article first), so state files are the same bytes."""
    return (mention["evidence"]["article_id"], mention["evidence"]["start"],
            json.dumps(mention, sort_keys=True, default=str))

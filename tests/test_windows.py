"""Daily event-time windows of the live mode, driven by TestStream: early, on-time and late firings."""
import datetime as dt

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue
from apache_beam.utils.timestamp import Timestamp

from tests.test_assembly import AMERLI, mention
from transforms.assembly import AssembleEvents
from transforms.windows import DAY_SECONDS, StampEventTime, daily_windows, event_timestamp

SIEGE_BROKEN_DAY = dt.date(2014, 8, 31)
DAY_START = Timestamp.from_utc_datetime(dt.datetime(2014, 8, 31, tzinfo=dt.timezone.utc))


def arriving(item, seconds_after_day_start):
    """A mention as it arrives: stamped with its arrival (publish) time, as the Pub/Sub source does."""
    return TimestampedValue(item, DAY_START + seconds_after_day_start)


def test_event_timestamp_is_the_event_day_or_the_report_time():
    assert event_timestamp(mention("a", "S", SIEGE_BROKEN_DAY)) == DAY_START
    undated = mention("a", "S", None, precision="unknown")
    assert event_timestamp(undated) == Timestamp.from_utc_datetime(undated["evidence"]["published_at"])


def test_a_day_fires_early_on_time_and_late_and_refuses_what_is_past_the_lateness():
    reuters = mention("reuters", "Reuters", SIEGE_BROKEN_DAY)
    ap = mention("ap", "Associated Press", SIEGE_BROKEN_DAY)
    much_later = mention("archive", "Archive", SIEGE_BROKEN_DAY)
    stream = (TestStream()
              .advance_watermark_to(DAY_START + 3600)
              .add_elements([arriving(reuters, 3600)])
              .advance_processing_time(10)                      # early firing: revision 0
              .advance_watermark_to(DAY_START + DAY_SECONDS + 60)  # the day is over: on time, revision 1
              .add_elements([arriving(ap, DAY_SECONDS + 120)])  # late but within the lateness: revision 2
              .advance_processing_time(10)
              .add_elements([arriving(much_later, DAY_SECONDS * 40)])  # 40 days on: past a 30-day lateness
              .advance_watermark_to_infinity())
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with TestPipeline(options=options) as p:
        events = (p
                  | stream
                  | beam.ParDo(StampEventTime(allowed_lateness_days=30))
                  | daily_windows(early_firing_seconds=5, allowed_lateness_days=30)
                  | AssembleEvents())
        assert_that(events | beam.Map(lambda e: (e["place"]["name"], e["revision"], e["num_sources"])),
                    equal_to([("Amerli", 0, 1), ("Amerli", 1, 1), ("Amerli", 2, 2)]))

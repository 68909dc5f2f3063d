"""Event time and daily windows for the live mode.

Articles keep their arrival time (Pub/Sub publish time) so that none is ever dropped as late; event
mentions are stamped with the day the event happened and windowed by day, firing early on a
processing-time trigger, on time when the watermark passes the day, and again for each late mention
within the allowed lateness. Panes accumulate, so every firing carries the whole day and its pane index
is the revision written into the records.
"""
import datetime as dt

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms import trigger, window
from apache_beam.utils.timestamp import Duration, Timestamp

DAY_SECONDS = 24 * 3600


def event_timestamp(mention: dict) -> Timestamp:
    """Midnight UTC of the event's day; the report's publication time when the event has no date."""
    day = mention["event_date"]
    if day is not None:
        return Timestamp.from_utc_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc))
    published = mention["evidence"]["published_at"]
    return Timestamp.from_utc_datetime(published) if published else Timestamp(0)


class StampEventTime(beam.DoFn):
    """Stamps each mention with its event time; one already past the allowed lateness (relative to its
    arrival) is counted and left out of the windows, where Beam would drop it silently.

    Arrival is the element's timestamp (the message's publish time) but never later than now: bundling
    (`BatchElements`) stamps its output at the end of the global window, which is no arrival time.
    """

    def __init__(self, allowed_lateness_days: int):
        super().__init__()
        self.lateness = Duration(seconds=allowed_lateness_days * DAY_SECONDS)
        self.too_late = Metrics.counter("windows", "mentions_past_allowed_lateness")

    def process(self, mention, timestamp=beam.DoFn.TimestampParam):
        stamp = event_timestamp(mention)
        arrived = min(timestamp, Timestamp.now())
        if stamp + DAY_SECONDS + self.lateness < arrived:
            self.too_late.inc()
            return
        yield window.TimestampedValue(mention, stamp)


def daily_windows(early_firing_seconds: int, allowed_lateness_days: int) -> beam.WindowInto:
    """Daily fixed windows: early firings every `early_firing_seconds`, on time, then once per late element."""
    return beam.WindowInto(
        window.FixedWindows(DAY_SECONDS),
        trigger=trigger.AfterWatermark(early=trigger.AfterProcessingTime(early_firing_seconds),
                                       late=trigger.AfterCount(1)),
        accumulation_mode=trigger.AccumulationMode.ACCUMULATING,
        allowed_lateness=Duration(seconds=allowed_lateness_days * DAY_SECONDS))


def repeated_firings(every_seconds: int) -> beam.WindowInto:
    """One global window firing every `every_seconds` with what arrived since: for writing files live."""
    return beam.WindowInto(
        window.GlobalWindows(),
        trigger=trigger.Repeatedly(trigger.AfterProcessingTime(every_seconds)),
        accumulation_mode=trigger.AccumulationMode.DISCARDING)

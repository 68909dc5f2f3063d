"""Live reading: the records of several pulls gathered into one bundle keep their publish times and
come out in publish order."""
import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from transforms.read import GatherPulls, released_in_order


def record(origin: str) -> dict:
    return {"origin": origin, "input_format": "pubsub", "payload": b"{}", "fields": {}}


def test_released_in_publish_order_then_origin():
    released = released_in_order([(2_000_000, record("pubsub:c")), (1_000_000, record("pubsub:b")),
                                  (1_000_000, record("pubsub:a"))])
    assert [(value.value["origin"], value.timestamp.micros) for value in released] == [
        ("pubsub:a", 1_000_000), ("pubsub:b", 1_000_000), ("pubsub:c", 2_000_000)]


def test_gathered_records_keep_their_publish_times():
    stream = (TestStream()
              .add_elements([TimestampedValue(record("pubsub:1"), 100), TimestampedValue(record("pubsub:2"), 101)])
              .advance_processing_time(5)
              .add_elements([TimestampedValue(record("pubsub:3"), 102)])
              .advance_processing_time(5)
              .advance_watermark_to_infinity())
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with TestPipeline(options=options) as p:
        released = (p | stream | GatherPulls()
                    | beam.Map(lambda r, timestamp=beam.DoFn.TimestampParam: (r["origin"], timestamp.micros)))
        assert_that(released, equal_to([("pubsub:1", 100_000_000), ("pubsub:2", 101_000_000),
                                        ("pubsub:3", 102_000_000)]))

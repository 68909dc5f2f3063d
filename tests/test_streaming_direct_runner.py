"""The fixes to the streaming DirectRunner (pipeline/streaming_direct_runner.py): its counters count every
bundle, and a DoFn's state and timer specs are inspected once per class with the same answer."""
import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_stream import TestStream
from apache_beam.transforms import userstate

from pipeline import streaming_direct_runner
from transforms.control import _FoldLive, _ForwardNews
from transforms.parse import ParseArticle


class _CountSeen(beam.DoFn):
    def __init__(self):
        super().__init__()
        self.seen = Metrics.counter("test", "seen")

    def process(self, element):
        self.seen.inc()
        yield element


def test_streaming_counters_count_every_bundle():
    """Five bundles of three elements (one per watermark step): 15, where the unpatched runner says 3."""
    streaming_direct_runner.apply()
    streaming_direct_runner.apply()  # idempotent: patching twice must not count twice
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    pipeline = beam.Pipeline(options=options)
    stream = TestStream()
    for bundle in range(5):
        stream = stream.add_elements([bundle * 10 + n for n in range(3)]).advance_watermark_to(bundle + 1)
    _ = pipeline | stream.advance_watermark_to_infinity() | "Count" >> beam.ParDo(_CountSeen())
    result = pipeline.run()
    result.wait_until_finish()
    [counter] = result.metrics().query(MetricsFilter().with_name("seen"))["counters"]
    assert counter.committed == 15


class _KeepsSeen:
    SEEN = userstate.BagStateSpec("seen", beam.coders.StrUtf8Coder())

    def process(self, element, seen=beam.DoFn.StateParam(SEEN)):
        yield element


class _StatefulByMethod(beam.DoFn):
    """Stateful only through a bound method an instance is given: its specs are not its class's."""

    def __init__(self, stateful: bool):
        super().__init__()
        if stateful:
            self.process = _KeepsSeen().process

    def process(self, element):
        yield element


def test_dofn_specs_are_the_same_once_kept_per_class():
    streaming_direct_runner.apply()
    inspect = userstate.get_dofn_specs.__wrapped__
    for dofn in (_ForwardNews(), _FoldLive(), ParseArticle(1000, 10000), _ForwardNews()):
        assert userstate.get_dofn_specs(dofn) == inspect(dofn)
    assert userstate.is_stateful_dofn(_FoldLive()) and not userstate.is_stateful_dofn(ParseArticle(1000, 10000))
    assert not userstate.is_stateful_dofn(_StatefulByMethod(stateful=False))
    assert userstate.is_stateful_dofn(_StatefulByMethod(stateful=True))

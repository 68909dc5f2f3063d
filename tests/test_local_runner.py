"""A run asked of the DirectRunner never tries Prism (a binary Beam would download at run time): a batch
run gets the FnApiRunner with the run's options, a live run the bundle-based DirectRunner."""
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.runners.portability.fn_api_runner import fn_runner

from pipeline.local_runner import local_runner


@pytest.mark.parametrize("runner_flags", [[], ["--runner=DirectRunner"], ["--runner=SwitchingDirectRunner"],
                                          ["--runner=apache_beam.runners.direct.direct_runner.DirectRunner"]])
def test_a_batch_run_of_the_direct_runner_is_pinned_to_the_fn_api_runner_with_its_options(runner_flags):
    runner = local_runner(PipelineOptions([*runner_flags, "--direct_num_workers=2",
                                           "--direct_running_mode=multi_processing"]))
    assert isinstance(runner, fn_runner.FnApiRunner)
    options = runner._provision_info.provision_info.pipeline_options
    assert int(options["beam:option:direct_num_workers:v1"]) == 2
    assert options["beam:option:direct_running_mode:v1"] == "multi_processing"


def test_a_live_run_of_the_direct_runner_is_pinned_to_the_bundle_based_runner():
    assert isinstance(local_runner(PipelineOptions(["--streaming"])), BundleBasedDirectRunner)


@pytest.mark.parametrize("runner", ["FlinkRunner", "DataflowRunner", "PrismRunner", "FnApiRunner"])
def test_any_other_runner_is_left_to_beam(runner):
    assert local_runner(PipelineOptions([f"--runner={runner}"])) is None

"""The DirectRunner as this project runs it: the FnApiRunner for a batch run, the bundle-based runner live.

Beam 2.77's DirectRunner first tries Prism, a runner written in Go that it downloads from GitHub on
first use, for every pipeline Prism supports, this project's batch and live graphs among them. Where
GitHub cannot be reached it falls back after a failed download ('Unable to fetch remote prism binary');
where it can, a run fetches and executes a binary nobody installed, under another runner whose metrics
are named otherwise (the run summary reads them), whose `--direct_running_mode` and
`--direct_num_workers` mean nothing, and whose live triggers Beam itself does not trust yet
(apache/beam#33623). Beam's advice to those it breaks is to pin the FnApiRunner (apache/beam#34612).
`local_runner` pins what the DirectRunner falls back to.
"""
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.portability.api import beam_provision_api_pb2
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.runners.portability.fn_api_runner import fn_runner
from apache_beam.runners.portability.portable_runner import JobServiceHandle
from apache_beam.runners.runner import PipelineRunner

#: The names `--runner` gives the switching DirectRunner by (its default too).
DIRECT_RUNNER_NAMES = ("DirectRunner", "SwitchingDirectRunner")


def local_runner(options: PipelineOptions) -> PipelineRunner | None:
    """The runner to run `options` on when they ask for the DirectRunner (or no runner), else None (Beam
    builds the runner asked for). A batch run gets the FnApiRunner with the options in its provision info,
    as the DirectRunner builds it, so its worker processes see them."""
    name = (options.view_as(StandardOptions).runner or DIRECT_RUNNER_NAMES[0]).rsplit(".", 1)[-1]
    if name not in DIRECT_RUNNER_NAMES:
        return None
    if options.view_as(StandardOptions).streaming:
        return BundleBasedDirectRunner()
    encoded_options = JobServiceHandle.encode_pipeline_options(options.get_all_options())
    return fn_runner.FnApiRunner(provision_info=fn_runner.ExtendedProvisionInfo(
        beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded_options)))

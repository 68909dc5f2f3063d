"""The pipeline's own flags, as a Beam PipelineOptions subclass (any Beam flag is accepted beside them)."""
from apache_beam.options.pipeline_options import PipelineOptions

from transforms.read import DEFAULT_MAX_RECORD_BYTES
from transforms.records import DEFAULT_PAYLOAD_BYTES


def positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"must be a positive whole number, got {value}")
    return number


class ControlPipelineOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument(
            "--input", action="append", default=None, metavar="PATH",
            help="A file, folder or glob of articles: JSON Lines (.jsonl, .json, .ndjson), .txt or .html, "
                 "each optionally gzipped (.gz). A folder is read recursively; a metadata.jsonl in a folder "
                 "maps its file names to fields. Repeat the flag for several inputs.")
        parser.add_argument(
            "--output", default=None, metavar="DIR",
            help="Output folder (local path or gs://…): articles/, duplicates/, filtered/ and dead_letter/ "
                 "hold Avro files partitioned by date (date=YYYY-MM-DD), and _SUMMARY.json the run's counts.")
        parser.add_argument(
            "--max_record_bytes", type=positive_int, default=DEFAULT_MAX_RECORD_BYTES, metavar="N",
            help="A record (a JSON line or a file) larger than this goes to the dead letters unparsed "
                 "(default %(default)s).")
        parser.add_argument(
            "--dead_letter_payload_bytes", type=positive_int, default=DEFAULT_PAYLOAD_BYTES, metavar="N",
            help="How much of a failed record's raw bytes its dead letter keeps (default %(default)s).")
        parser.add_argument(
            "--num_shards", type=positive_int, default=1, metavar="N",
            help="Avro files per date partition and output (default %(default)s).")

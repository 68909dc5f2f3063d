"""The pipeline's own flags, as a Beam PipelineOptions subclass (any Beam flag is accepted beside them)."""
from apache_beam.options.pipeline_options import PipelineOptions

from transforms.clean import DEFAULT_REPEATED_LINE_MIN_ARTICLES
from transforms.entities import DEFAULT_NER_BATCH_WORDS
from transforms.near_duplicates import MinHasher
from transforms.progress import DEFAULT_PROGRESS_SECONDS
from transforms.parse import MAX_TEXT_CHARS
from transforms.read import DEFAULT_MAX_RECORD_BYTES
from transforms.records import DEFAULT_PAYLOAD_BYTES


def fraction(value: str) -> float:
    number = float(value)
    if not 0.0 < number < 1.0:
        raise ValueError(f"must lie strictly between 0 and 1, got {value}")
    return number


def non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(f"must be 0 or more, got {value}")
    return number


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
            help="Output folder (local path or gs://…): articles/, duplicates/, filtered/, dead_letter/, "
                 "events/, control/ and changes/ hold Avro files partitioned by date (date=YYYY-MM-DD), "
                 "and _SUMMARY.json the run's counts.")
        parser.add_argument(
            "--max_record_bytes", type=positive_int, default=DEFAULT_MAX_RECORD_BYTES, metavar="N",
            help="A record (a JSON line or a file) larger than this goes to the dead letters unparsed "
                 "(default %(default)s).")
        parser.add_argument(
            "--max_text_chars", type=positive_int, default=MAX_TEXT_CHARS, metavar="N",
            help="An article whose text (after HTML extraction) is longer than this goes to the dead letters "
                 "(text_too_long) (default %(default)s).")
        parser.add_argument(
            "--dead_letter_payload_bytes", type=positive_int, default=DEFAULT_PAYLOAD_BYTES, metavar="N",
            help="How much of a failed record's raw bytes its dead letter keeps (default %(default)s).")
        parser.add_argument(
            "--num_shards", type=positive_int, default=1, metavar="N",
            help="Avro files per date partition and output (default %(default)s).")
        parser.add_argument(
            "--repeated_line_min_articles", type=non_negative_int, default=DEFAULT_REPEATED_LINE_MIN_ARTICLES,
            metavar="N",
            help="A line found in at least N articles of the same feed in one run is boilerplate "
                 "(0 turns this off; default %(default)s).")
        parser.add_argument(
            "--near_duplicate_threshold", type=fraction, default=MinHasher().threshold, metavar="S",
            help="Estimated Jaccard similarity of word shingles (MinHash) from which an article is a near "
                 "copy of an earlier one (default %(default)s).")
        parser.add_argument(
            "--high_accuracy_short_texts", action="store_true",
            help="Judge the language of texts under 120 letters with all of lingua's n-gram models: right more "
                 "often on headlines and fragments (English 0.997 instead of 0.979), 218 MiB more in each "
                 "worker process. Longer texts get the same answer either way.")
        parser.add_argument(
            "--spacy_model", default=None, metavar="NAME",
            help="An installed spaCy pipeline (en_core_web_sm, a path…) to use for NER instead of the "
                 "project's own CoNLL-2003 model; its OntoNotes labels are mapped onto ours.")
        parser.add_argument(
            "--ner_batch_words", type=positive_int, default=DEFAULT_NER_BATCH_WORDS, metavar="N",
            help="Words per nlp.pipe call: the NER holds its layers' activations for every word of a call at "
                 "once (about 21 KB a word); an article longer than this is read in pieces of this many words "
                 "(default %(default)s).")
        parser.add_argument(
            "--nlp_processes", type=non_negative_int, default=0, metavar="N",
            help="Read the NER/event bundles in a pool of N processes that each load the spaCy pipeline once "
                 "(0: in the worker itself; default %(default)s). For the live DirectRunner, one GIL-bound "
                 "process: N=1 gives the NLP a core of its own. Each worker process gets its own pool.")
        parser.add_argument(
            "--progress_seconds", type=non_negative_int, default=DEFAULT_PROGRESS_SECONDS, metavar="N",
            help="Log a progress line (records per stage and per second, per worker process) every N seconds "
                 "(0: never; default %(default)s).")
        scheduled = parser.add_argument_group("incremental runs (scheduled batches)")
        scheduled.add_argument(
            "--state", default=None, metavar="DIR",
            help="A folder the pipeline owns, carrying what later runs need (articles seen within the duplicate "
                 "horizon, events still open to new reports, closed events). Each run reads it, starts from "
                 "what earlier runs established, and writes the next state when it has succeeded.")
        scheduled.add_argument(
            "--batch_id", default=None, metavar="ID",
            help="With --state: the batch this run is (e.g. the scheduled period, 2017-10-05T06). Running the "
                 "same batch again replaces its outputs instead of adding to them. Default: a digest of the "
                 "input files' paths and sizes.")
        live = parser.add_argument_group("live mode (Pub/Sub)")
        live.add_argument(
            "--input_subscription", default=None, metavar="projects/P/subscriptions/S",
            help="Read articles as JSON messages from this Pub/Sub subscription, continuously (streaming).")
        live.add_argument(
            "--input_topic", default=None, metavar="projects/P/topics/T",
            help="Read articles from this topic through a subscription the runner creates (streaming).")
        live.add_argument(
            "--output_topic", default=None, metavar="projects/P/topics/T",
            help="Also publish every control change as a JSON message to this topic, for alerting.")
        live.add_argument(
            "--early_firing_seconds", type=positive_int, default=30, metavar="N",
            help="Live mode: write what has arrived, and fire each day's window early, every N seconds "
                 "(default %(default)s).")
        live.add_argument(
            "--allowed_lateness_days", type=non_negative_int, default=30, metavar="N",
            help="A day's events are revised by reports arriving up to N days (event time) after it: live, the "
                 "day's window stays open that long; with --state, events stay open to later runs that long "
                 "(default %(default)s: old news arrives late).")
        live.add_argument(
            "--duplicate_horizon_hours", type=positive_int, default=72, metavar="N",
            help="How long (event time) an article stays in the duplicate state, live or carried between "
                 "--state runs (default %(default)s).")
        live.add_argument(
            "--max_run_seconds", type=positive_int, default=None, metavar="N",
            help="Live mode: stop after N seconds (for trials and benchmarks); default: run until stopped.")

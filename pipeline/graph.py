"""The pipeline graph: read -> parse -> drop exact duplicates -> write, with every side output kept."""
from collections import defaultdict

import apache_beam as beam

from transforms.dedupe import DropExactDuplicates
from transforms.parse import ParseArticle
from transforms.read import ReadArticleFiles
from transforms.records import DEAD_LETTER, DUPLICATES, FILTERED
from transforms.write import WriteAvroPartitions

#: Where every input record ends: exactly one of these outputs.
OUTCOMES = ("articles", "duplicates", "filtered", "dead_letter")


def article_order(article: dict) -> tuple:
    return article["article_id"], article["origin"]


def dead_letter_order(letter: dict) -> tuple:
    return letter["origin"], letter["stage"], letter["error_type"], letter["payload"]


def publication_day(article: dict):
    return article["published_date"]


class _SideOutputs:
    """Collects the duplicates, filtered records and dead letters that each stage splits off."""

    def __init__(self):
        self.parts = defaultdict(list)

    def take(self, result, *tags):
        for tag in tags:
            self.parts[tag].append(result[tag])

    def flatten(self, tag: str, label: str):
        return tuple(self.parts[tag]) | label >> beam.Flatten()


def build_pipeline(pipeline: beam.Pipeline, options) -> dict:
    """Add the whole graph to `pipeline`; returns each outcome's PCollection of written file paths."""
    side = _SideOutputs()
    raw = pipeline | "ReadFiles" >> ReadArticleFiles(
        options.input, options.max_record_bytes, options.dead_letter_payload_bytes)
    side.take(raw, DEAD_LETTER)
    parsed = raw.records | "Parse" >> beam.ParDo(ParseArticle(options.dead_letter_payload_bytes)).with_outputs(
        DEAD_LETTER, FILTERED, main="articles")
    side.take(parsed, DEAD_LETTER, FILTERED)
    unique = parsed.articles | "DropExactDuplicates" >> DropExactDuplicates()
    side.take(unique, DUPLICATES)

    outputs = {
        "articles": unique.articles,
        "duplicates": side.flatten(DUPLICATES, "AllDuplicates"),
        "filtered": side.flatten(FILTERED, "AllFiltered"),
        "dead_letter": side.flatten(DEAD_LETTER, "AllDeadLetters"),
    }
    written = {}
    for kind, records in outputs.items():
        is_letter = kind == "dead_letter"
        written[kind] = records | f"Write_{kind}" >> WriteAvroPartitions(
            options.output, kind, order=dead_letter_order if is_letter else article_order,
            date_of=None if is_letter else publication_day, num_shards=options.num_shards)
    return written

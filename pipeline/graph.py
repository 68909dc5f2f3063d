"""The pipeline graph: read -> parse -> clean -> drop duplicates -> language -> NER -> write.

Each stage splits off what does not go on (dead letters, filtered articles, duplicates); those are
collected and written beside the articles, so every record read ends in exactly one output.
"""
from collections import defaultdict

import apache_beam as beam

from transforms.clean import CleanArticles
from transforms.dedupe import DropExactDuplicates, DropNearDuplicates
from transforms.entities import AnnotateEntities
from transforms.language import IdentifyLanguage
from transforms.near_duplicates import MinHasher
from transforms.parse import ParseArticle
from transforms.read import ReadArticleFiles
from transforms.records import DEAD_LETTER, DUPLICATES, FILTERED
from transforms.write import WriteAvroPartitions

#: Where every input record ends: exactly one of these outputs.
OUTCOMES = ("articles", "duplicates", "filtered", "dead_letter")
MAIN = "articles"


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
        """Keep `result`'s side outputs `tags` and hand back its main output."""
        for tag in tags:
            self.parts[tag].append(result[tag])
        return result[MAIN]

    def flatten(self, tag: str, label: str):
        return tuple(self.parts[tag]) | label >> beam.Flatten()


def build_pipeline(pipeline: beam.Pipeline, options) -> dict:
    """Add the whole graph to `pipeline`; returns each outcome's PCollection of written file paths."""
    side = _SideOutputs()
    payload_limit = options.dead_letter_payload_bytes
    raw = side.take(pipeline | "ReadFiles" >> ReadArticleFiles(
        options.input, options.max_record_bytes, payload_limit), DEAD_LETTER)
    articles = side.take(raw | "Parse" >> beam.ParDo(ParseArticle(payload_limit)).with_outputs(
        DEAD_LETTER, FILTERED, main=MAIN), DEAD_LETTER, FILTERED)
    articles = side.take(articles | "Clean" >> CleanArticles(
        options.repeated_line_min_articles, payload_limit), DEAD_LETTER, FILTERED)
    articles = side.take(articles | "DropExactDuplicates" >> DropExactDuplicates(), DUPLICATES)
    articles = side.take(articles | "DropNearDuplicates" >> DropNearDuplicates(
        MinHasher(threshold=options.near_duplicate_threshold)), DUPLICATES)
    articles = side.take(articles | "IdentifyLanguage" >> beam.ParDo(IdentifyLanguage(payload_limit)).with_outputs(
        DEAD_LETTER, main=MAIN), DEAD_LETTER)
    articles = side.take(articles | "RecognizeEntities" >> AnnotateEntities(
        options.spacy_model, options.ner_batch_size, payload_limit), DEAD_LETTER)

    outputs = {
        "articles": articles,
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

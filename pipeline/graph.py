"""The pipeline graph: read -> parse -> clean -> drop duplicates -> language -> NER and events
-> assemble events -> write.

Each stage splits off what does not go on (dead letters, filtered articles, duplicates); those are
collected and written beside the articles, so every record read ends in exactly one output.
"""
from collections import defaultdict

import apache_beam as beam

from transforms.clean import CleanArticles
from transforms.dedupe import DropExactDuplicates, DropNearDuplicates
from transforms.assembly import AssembleEvents, place_key
from transforms.control import CHANGES, FoldControl
from transforms.entities import MENTIONS, ExtractEntitiesAndEvents
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


def event_order(event: dict) -> tuple:
    return (event["event_id"],)


def event_day(event: dict):
    return event["event_date"]


def state_order(state: dict) -> tuple:
    return place_key(state["place"]), state["window_date"]


def change_order(change: dict) -> tuple:
    return (change["change_id"],)


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
    read = articles | "EntitiesAndEvents" >> ExtractEntitiesAndEvents(
        options.spacy_model, options.ner_batch_size, payload_limit)
    articles = side.take(read, DEAD_LETTER)
    events = read[MENTIONS] | "AssembleEvents" >> AssembleEvents()
    control = events | "FoldControl" >> FoldControl()

    outputs = {  # kind -> (records, sort key, partition date)
        "articles": (articles, article_order, publication_day),
        "duplicates": (side.flatten(DUPLICATES, "AllDuplicates"), article_order, publication_day),
        "filtered": (side.flatten(FILTERED, "AllFiltered"), article_order, publication_day),
        "dead_letter": (side.flatten(DEAD_LETTER, "AllDeadLetters"), dead_letter_order, None),
        "events": (events, event_order, event_day),
        "control": (control["control"], state_order, lambda state: state["window_date"]),
        "changes": (control[CHANGES], change_order, lambda change: change["change_date"]),
    }
    written = {}
    for kind, (records, order, date_of) in outputs.items():
        written[kind] = records | f"Write_{kind}" >> WriteAvroPartitions(
            options.output, kind, order=order, date_of=date_of, num_shards=options.num_shards)
    return written

"""The pipeline graph: read -> parse -> clean -> drop duplicates -> language -> NER and events
-> assemble events -> fold control -> write. The same graph runs live (Pub/Sub in, streaming): the source,
the duplicate state, the windows of the event stages and the file writes switch to their live forms.

Each stage splits off what does not go on (dead letters, filtered articles, duplicates); those are
collected and written beside the articles, so every record read ends in exactly one output.
"""
import json
from collections import defaultdict

import apache_beam as beam

from schemas import STATE_RECORDS
from transforms.clean import CleanArticles
from transforms.dedupe import DropDuplicates, DropNearDuplicatesStreaming, seen_article
from transforms.incremental import (EVENTS, MENTIONS, SEEN, lateness_boundary, mention_order, newest, read_carried,
                                    seen_order, within_horizon)
from transforms.assembly import OPEN_MENTIONS, AssembleEvents, is_open, join_late_reports, place_key
from transforms.control import CHANGES, FoldControl
from transforms.entities import MENTIONS, ExtractEntitiesAndEvents
from transforms.language import IdentifyLanguage
from transforms.near_duplicates import MinHasher
from transforms.parse import ParseArticle
from transforms.read import ReadArticleFiles, ReadArticleMessages
from transforms.records import DEAD_LETTER, DUPLICATES, FILTERED
from transforms.windows import StampEventTime, daily_windows
from transforms.write import WriteAvroPartitions

#: Where every input record ends: exactly one of these outputs.
OUTCOMES = ("articles", "duplicates", "filtered", "dead_letter")
#: Outputs built from all that is known (carried state included), rather than one record per input.
DERIVED_OUTPUTS = ("events", "control", "changes")
MAIN = "articles"


def article_order(article: dict) -> tuple:
    return article["article_id"], article["origin"]


def dead_letter_order(letter: dict) -> tuple:
    return letter["origin"], letter["stage"], letter["error_type"], letter["payload"]


def publication_day(article: dict):
    return article["published_date"]


def event_order(event: dict) -> tuple:
    return event["event_id"], event["revision"]


def event_day(event: dict):
    return event["event_date"]


def state_order(state: dict) -> tuple:
    return place_key(state["place"]), state["window_date"], state["revision"]


def change_order(change: dict) -> tuple:
    return change["change_id"], change["revision"]


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


def is_live(options) -> bool:
    """Live mode: a Pub/Sub input, which makes the pipeline a streaming one."""
    return bool(options.input_subscription or options.input_topic)


def change_message(change: dict) -> bytes:
    """A ControlChange as the JSON body of an alert message."""
    return json.dumps(change, default=str, ensure_ascii=False, sort_keys=True).encode("utf-8")


def build_pipeline(pipeline: beam.Pipeline, options, plan=None) -> dict:
    """Add the whole graph to `pipeline`; returns each outcome's PCollection of written file paths.

    `plan` (a pipeline.state.RunPlan, batch runs) says where files are staged, the batch they belong
    to, and for incremental runs the state to start from and the one to write.
    """
    live = is_live(options)
    incremental = plan is not None and plan.incremental
    carried = {kind: read_carried(pipeline, plan.prior_snapshot, kind) for kind in STATE_RECORDS} if incremental \
        else {}
    side = _SideOutputs()
    payload_limit = options.dead_letter_payload_bytes
    hasher = MinHasher(threshold=options.near_duplicate_threshold)
    if live:
        source = ReadArticleMessages(options.input_subscription, options.input_topic, options.max_record_bytes,
                                     payload_limit)
    else:
        source = ReadArticleFiles(options.input, options.max_record_bytes, payload_limit)
    raw = side.take(pipeline | "Read" >> source, DEAD_LETTER)
    articles = side.take(raw | "Parse" >> beam.ParDo(ParseArticle(payload_limit, options.max_text_chars)).with_outputs(
        DEAD_LETTER, FILTERED, main=MAIN), DEAD_LETTER, FILTERED)
    # A run has no end live, so no line can be counted across all of its articles.
    articles = side.take(articles | "Clean" >> CleanArticles(
        0 if live else options.repeated_line_min_articles, payload_limit), DEAD_LETTER, FILTERED)
    if live:  # exact copies have similarity 1 and are caught by the near-duplicate state
        articles = side.take(articles | "DropNearDuplicates" >> DropNearDuplicatesStreaming(
            hasher, options.duplicate_horizon_hours * 3600), DUPLICATES)
    else:
        articles = side.take(articles | "DropDuplicates" >> DropDuplicates(hasher, carried.get(SEEN)), DUPLICATES)
    state = {}
    if incremental:
        newly_seen = articles | "SeenArticles" >> beam.Map(seen_article, hasher)
        seen = (carried[SEEN], newly_seen) | "AllSeen" >> beam.Flatten()
        newest_published = (seen
                            | "PublishedAt" >> beam.Map(lambda record: record["published_at"])
                            | "NewestPublished" >> beam.CombineGlobally(newest))
        boundary = newest_published | "LatenessBoundary" >> beam.Map(lateness_boundary,
                                                                      options.allowed_lateness_days)
        state[SEEN] = seen | "KeepWithinHorizon" >> beam.Filter(
            within_horizon, beam.pvalue.AsSingleton(newest_published), options.duplicate_horizon_hours * 3600)
    articles = side.take(articles | "IdentifyLanguage" >> beam.ParDo(
        IdentifyLanguage(payload_limit, options.high_accuracy_short_texts)).with_outputs(
        DEAD_LETTER, main=MAIN), DEAD_LETTER)
    read = articles | "EntitiesAndEvents" >> ExtractEntitiesAndEvents(
        options.spacy_model, options.ner_batch_words, payload_limit, options.nlp_processes)
    articles = side.take(read, DEAD_LETTER)
    mentions = read[MENTIONS]
    if live:
        mentions = (mentions
                    | "StampEventTime" >> beam.ParDo(StampEventTime(options.allowed_lateness_days))
                    | "DailyWindows" >> daily_windows(options.early_firing_seconds, options.allowed_lateness_days))
    if incremental:
        mentions = (carried[MENTIONS], mentions) | "AllOpenMentions" >> beam.Flatten()
        assembled = mentions | "AssembleEvents" >> AssembleEvents(boundary)
        state[MENTIONS] = assembled[OPEN_MENTIONS]
        events = ((carried[EVENTS], assembled.events)
                  | "AllEvents" >> beam.Flatten()
                  | "KeyByEventId" >> beam.Map(lambda event: (event["event_id"], event))
                  | "GroupByEventId" >> beam.GroupByKey()
                  | "JoinLateReports" >> beam.MapTuple(lambda _, same_id: join_late_reports(list(same_id))))
        state[EVENTS] = events | "ClosedEvents" >> beam.Filter(
            lambda event, day: not is_open(event, day), beam.pvalue.AsSingleton(boundary))
    else:
        events = mentions | "AssembleEvents" >> AssembleEvents()
    control = events | "FoldControl" >> FoldControl(live)
    if live and options.output_topic:
        from apache_beam.io.gcp.pubsub import WriteToPubSub
        _ = (control[CHANGES]
             | "ChangeMessages" >> beam.Map(change_message)
             | "PublishChanges" >> WriteToPubSub(options.output_topic))

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
            plan.staging if plan else options.output, kind, order=order, date_of=date_of,
            num_shards=options.num_shards, fire_every_seconds=options.early_firing_seconds if live else None,
            batch_id=plan.batch_id if incremental and kind not in DERIVED_OUTPUTS else None)
    state_orders = {SEEN: seen_order, MENTIONS: mention_order, EVENTS: event_order}
    for kind, records in state.items():
        _ = records | f"WriteState_{kind}" >> WriteAvroPartitions(
            plan.next_snapshot, kind, order=state_orders[kind], record=STATE_RECORDS[kind])
    return written

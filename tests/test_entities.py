"""The NLP stage's bundles: bounded by words whatever the articles' lengths, and where they are cut
changes nothing in what is read."""
import json
import subprocess
import sys
from pathlib import Path

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.test_nlp_pool import TEXTS, article
from transforms.entities import MENTIONS, ExtractEntitiesAndEvents, nlp_words, text_pieces, word_bundles
from transforms.nlp import get_nlp
from transforms.reading import read_bundle, read_texts


def test_an_article_counts_its_words_up_to_the_budget_and_another_language_counts_one():
    assert nlp_words(article(0, "Forces took the town."), budget=10) == 4
    assert nlp_words(article(0, "word " * 50), budget=10) == 10
    assert nlp_words(article(0, "Les forces ont repris la ville.", "fr"), budget=10) == 1


def test_texts_are_bundled_in_order_within_the_budget_and_a_long_one_alone():
    texts = ["one two three", "four five", "six seven eight nine", "a " * 30, "ten"]
    bundles = list(word_bundles(texts, budget=6))
    assert bundles == [["one two three", "four five"], ["six seven eight nine"], ["a " * 30], ["ten"]]


def test_a_long_text_is_cut_at_line_ends_into_pieces_that_join_back():
    text = "Forces took the town.\nThey held it.\n\n" + "a long line of words " * 4 + "\nend"
    pieces = text_pieces(text, budget=6)
    assert "".join(pieces) == text and all(len(piece.split()) <= 6 for piece in pieces)
    assert pieces[:3] == ["Forces took the town.\n", "They held it.\n\n", "a long line of words a "]
    assert text_pieces("short text", budget=6) == ["short text"]


def test_an_article_longer_than_the_budget_is_read_in_pieces_into_one_doc():
    """The places are linked with the whole text as context, and the events are those of one reading."""
    nlp = get_nlp()
    text = "\n".join(TEXTS)
    budget = max(len(part.split()) for part in TEXTS)
    (whole,), (joined,) = read_texts(nlp, [text], budget=10_000), read_texts(nlp, [text], budget=budget)
    assert len(text_pieces(text, budget)) > 1 and joined.text == text
    assert [(e.text, e.label_, e.kb_id_) for e in joined.ents] == [(e.text, e.label_, e.kb_id_) for e in whole.ents]
    long_article = article(0, text)
    assert read_bundle(nlp, [long_article], budget).readings == read_bundle(nlp, [long_article], 10_000).readings


def canonical(mention: dict) -> str:
    return json.dumps(mention, sort_keys=True, default=str)


def read_with_budget(articles: list[dict], budget: int) -> None:
    with TestPipeline() as pipeline:
        read = pipeline | beam.Create(articles) | ExtractEntitiesAndEvents(batch_words=budget)
        entities = read["articles"] | "Entities" >> beam.Map(lambda a: (a["article_id"], a.get("entities")))
        mentions = read[MENTIONS] | "Mentions" >> beam.Map(canonical)
        expected = read_bundle(get_nlp(), articles).readings
        assert_that(entities, equal_to([(a["article_id"], r.entities) for a, r in zip(articles, expected)]),
                    label="SameEntities")
        assert_that(mentions, equal_to([canonical(m) for r in expected for m in r.mentions]),
                    label="SameMentions")


def test_bundles_of_one_article_read_what_one_bundle_of_all_reads():
    articles = [article(number, text) for number, text in enumerate(TEXTS)]
    read_with_budget(articles, budget=max(len(text.split()) for text in TEXTS))
    read_with_budget(articles, budget=10_000)


def test_after_the_warm_up_new_words_are_read_in_a_memory_zone_and_not_kept():
    """A live run meets new names and numbers for as long as it runs: once warm, the Vocab must not keep
    them, and what is read must be the same as outside a zone."""
    nlp = get_nlp()
    articles = [article(0, "Syrian government forces captured the village of Vrelmontiq from rebels on 14 March, "
                           "after 3117 of the Qzxwvar Brigade crossed the Tashkavirun river near Aleppo.")]
    strings = len(nlp.vocab.strings)
    warm = read_bundle(nlp, articles, warm_up_tokens=0)
    assert len(nlp.vocab.strings) == strings
    warming_up = read_bundle(nlp, articles, warm_up_tokens=10**12)
    assert len(nlp.vocab.strings) > strings
    assert warm.readings == warming_up.readings and warm.readings[0].mentions


def test_the_process_that_builds_the_graph_loads_no_nlp_library():
    """Only the workers read text: the runner builds and runs the graph without spaCy or the event rules
    (65 MiB of its memory)."""
    script = ("import sys\n"
              "import apache_beam as beam\n"
              "from pipeline.graph import build_pipeline\n"
              "from pipeline.options import ControlPipelineOptions\n"
              "options = ControlPipelineOptions(['--input=samples', '--output=/nonexistent'])\n"
              "build_pipeline(beam.Pipeline(options=options), options)\n"
              "print(sorted(name for name in ('spacy', 'thinc', 'transforms.nlp', 'transforms.events',\n"
              "                               'transforms.reading') if name in sys.modules))\n")
    loaded = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1],
                            capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    assert loaded == "[]"

"""The clean stage: boilerplate lines out of each article's text, counted in the Article record.

Lines repeated across many articles of one feed in a run (a site's footer, a syndication banner) are
found with a combine over the whole input and handed to every article as a side input; the per-line
rules themselves live in `transforms.boilerplate`.
"""
import apache_beam as beam
from apache_beam.transforms import combiners

from transforms.boilerplate import clean_text, repeated_line_candidates
from transforms.normalize import content_hash
from transforms.records import DEAD_LETTER, DEFAULT_PAYLOAD_BYTES, FILTERED, StageDoFn, WaitPacked, filtered

DEFAULT_REPEATED_LINE_MIN_ARTICLES = 3


def feed_of(article: dict) -> str:
    """The feed an article came from: its source, or the file it was read from when it names none."""
    return article["source"] or article["origin"].rsplit(":", 1)[0]


def clean_article(article: dict, repeated_lines=frozenset()) -> dict:
    """The article with boilerplate removed, a title taken from the text if it had none, counts kept."""
    cleaned = clean_text(article["text"], article["title"], repeated_lines)
    return {**article, "text": cleaned.text, "title": article["title"] or cleaned.title,
            "boilerplate_lines_removed": cleaned.lines_removed,
            "boilerplate_chars_removed": cleaned.chars_removed,
            "content_hash": content_hash(cleaned.text)}


class CleanArticle(StageDoFn):
    stage = "clean"

    def transform(self, article, repeated_by_feed):
        cleaned = clean_article(article, repeated_by_feed.get(feed_of(article), frozenset()))
        yield cleaned if cleaned["text"] else filtered(self.stage, cleaned, "boilerplate_only")


class CleanArticles(beam.PTransform):
    """Articles -> cleaned articles, FILTERED (nothing but boilerplate) and DEAD_LETTER.

    `min_articles`: a line is feed boilerplate when it appears in at least this many articles of the
    same feed in the run; 0 turns the cross-article rule off (as in streaming, where a run has no end).
    """

    def __init__(self, min_articles: int = DEFAULT_REPEATED_LINE_MIN_ARTICLES,
                 payload_limit: int = DEFAULT_PAYLOAD_BYTES):
        super().__init__()
        self.min_articles = min_articles
        self.payload_limit = payload_limit

    def expand(self, articles):
        min_articles = self.min_articles
        if not min_articles:
            return articles | "RemoveBoilerplate" >> beam.ParDo(CleanArticle(self.payload_limit), {}).with_outputs(
                DEAD_LETTER, FILTERED, main="articles")
        repeated = (
            articles
            | "LineCandidates" >> beam.FlatMap(
                lambda a: [(feed_of(a), key) for key in repeated_line_candidates(a["text"])])
            | "CountArticlesPerLine" >> combiners.Count.PerElement()
            | "OftenRepeated" >> beam.Filter(lambda line_count: line_count[1] >= min_articles)
            | "FeedAndLine" >> beam.Map(lambda line_count: line_count[0])
            | "GroupByFeed" >> beam.GroupByKey()
            | "AsFrozenSets" >> beam.MapTuple(lambda feed, keys: (feed, frozenset(keys))))
        return (articles
                | "WaitForRepeatedLines" >> WaitPacked()
                | "RemoveBoilerplate" >> beam.ParDo(CleanArticle(self.payload_limit, waited_input=True),
                                                    beam.pvalue.AsDict(repeated)).with_outputs(
                    DEAD_LETTER, FILTERED, main="articles"))

"""Parsing raw records into Article records: decoding, field mapping, HTML extraction, dates, ids."""
import datetime as dt
import json

from transforms import dates
from transforms.decode import UTF8, decode_document, decode_json_text
from transforms.normalize import content_hash, normalize_field, normalize_text, stable_id
from transforms.records import DEFAULT_PAYLOAD_BYTES, RecordError, StageDoFn, filtered

# Input field names (first one present wins) for each Article field users commonly send.
FIELD_ALIASES = {
    "url": ("url", "link"),
    "title": ("title", "headline"),
    "source": ("source", "publisher", "site"),
    "author": ("author", "byline"),
    "published": ("published_at", "published", "date", "pubDate"),
    "text": ("text", "body", "content"),
    "html": ("html",),
}
_KNOWN_FIELDS = {name for aliases in FIELD_ALIASES.values() for name in aliases}
# The longest text an article may have (spaCy's default `max_length`): NER of a longer one needs
# gigabytes, and a text of a million characters is a dump, not a news story.
MAX_TEXT_CHARS = 1_000_000
# Set among an Article's attributes when its file was not UTF-8: the code page it was read in.
ENCODING_ATTRIBUTE = "source_encoding"


def _object_without_conflicts(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object; a name given twice with different values makes the record ambiguous."""
    obj = {}
    for name, value in pairs:
        if name in obj and obj[name] != value:
            raise RecordError("conflicting_fields", f"field {name!r} is given twice with different values")
        obj[name] = value
    return obj


def parse_json_object(body: str) -> dict:
    """A JSON Lines record or message body as an object; anything else is a RecordError."""
    try:
        obj = json.loads(body, object_pairs_hook=_object_without_conflicts)
    except RecordError:
        raise
    except RecursionError:
        raise RecordError("malformed_json", "malformed JSON: nested too deeply to read") from None
    except ValueError as error:
        raise RecordError("malformed_json", f"malformed JSON: {error}") from None
    if not isinstance(obj, dict):
        raise RecordError("not_an_object", f"a JSON Lines record must be an object, got {type(obj).__name__}")
    return obj


def record_fields(raw: dict) -> dict:
    """The input's own fields: the JSON object of a JSON Lines record or a Pub/Sub message (over its
    attributes), or a file's text plus its sidecar (and the code page it was read in, if not UTF-8)."""
    fields = dict(raw.get("fields") or {})
    if raw["input_format"] in ("jsonl", "pubsub"):
        fields.update(parse_json_object(decode_json_text(raw["payload"])))
    else:
        html = raw["input_format"] == "html"
        decoded = decode_document(raw["payload"], html=html)
        fields["html" if html else "text"] = decoded.text
        if decoded.encoding != UTF8:
            fields[ENCODING_ATTRIBUTE] = decoded.encoding
    return fields


def pick(fields: dict, name: str):
    """The first present alias of `name`; a non-string value is a record error."""
    for alias in FIELD_ALIASES[name]:
        value = fields.get(alias)
        if value is not None:
            if not isinstance(value, str):
                raise RecordError("bad_field", f"field {alias!r} must be a string, got {type(value).__name__}")
            return value
    return None


def extra_attributes(fields: dict) -> dict[str, str]:
    """Fields the Article has no column for, kept as strings (JSON for anything but a string)."""
    return {key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
            for key, value in sorted(fields.items()) if key not in _KNOWN_FIELDS}


def published_time(fields: dict, page_date: str | None, text: str,
                   latest: dt.datetime | None = None) -> tuple[dates.PublishedTime | None, str]:
    """The publication time and where it came from: the input, the page's metadata, a dateline, or none.
    A time after `latest` is wrong: a dead letter when the input gives it, passed over otherwise."""
    candidates = ((pick(fields, "published"), "input"), (page_date, "html"))
    for value, origin in candidates:
        if value:
            try:
                return dates.parse_published(value, latest), origin
            except (dates.UnparseableDate, dates.ImplausibleDate, dates.FutureDate) as error:
                if origin == "input":  # what the feed says is wrong: report it rather than guess
                    raise RecordError(error.kind, str(error)) from None
    day = dates.dateline_date(text, latest)
    if day is not None:
        return dates.parse_published(day.isoformat()), "dateline"
    return None, "none"


def article_text(fields: dict):
    """The article's text ('text', or else the main text of 'html') and the ExtractedPage it came from
    (None for plain text). A blank page is an empty text, like a blank 'text'."""
    text, html = pick(fields, "text"), pick(fields, "html")
    if text is None and html is None:
        raise RecordError("missing_text", "record has no text: give a 'text' (or 'body', 'content') or "
                                          "'html' field")
    if text or not (html and html.strip()):
        return text or "", None
    from transforms.html_extract import ExtractionError, extract_page  # lxml only where HTML is read
    try:
        page = extract_page(html, url=pick(fields, "url"))
    except ExtractionError as error:
        raise RecordError(error.kind, f"no main text found in the HTML: {error}") from None
    return page.text, page


def parse_article(raw: dict, latest: dt.datetime | None = None, max_text_chars: int = MAX_TEXT_CHARS) -> dict:
    """A raw record -> an Article record (without language, entities or duplicate fields set).
    `latest` is the latest publication time to accept (None: no limit)."""
    fields = record_fields(raw)
    text, page = article_text(fields)
    text = normalize_text(text)
    if len(text) > max_text_chars:
        raise RecordError("text_too_long", f"the article's text is {len(text):,} characters, over the limit "
                                           f"of {max_text_chars:,}")
    published, published_from = published_time(fields, page and page.published, text, latest)
    title = normalize_field(pick(fields, "title") or (page and page.title))
    url, source = normalize_field(pick(fields, "url")), normalize_field(pick(fields, "source"))
    return {
        "article_id": stable_id(url, source, title, published and published.at.isoformat(), text),
        "url": url,
        "source": source or (page and normalize_field(page.site_name)),
        "title": title,
        "author": normalize_field(pick(fields, "author") or (page and page.author)),
        "site_name": page and normalize_field(page.site_name),
        "published_at": published and published.at,
        "published_date": published and published.date,
        "published_precision": published.precision if published else dates.UNKNOWN,
        "published_from": published_from,
        "language": None,
        "language_confidence": None,
        "text": text,
        "boilerplate_lines_removed": 0,
        "boilerplate_chars_removed": 0,
        "content_hash": content_hash(text),
        "duplicate_of": None,
        "duplicate_similarity": None,
        "duplicate_kind": None,
        "filter_reason": None,
        "entities": [],
        "input_format": raw["input_format"],
        "origin": raw["origin"],
        "attributes": extra_attributes(fields),
    }


class ParseArticle(StageDoFn):
    """Raw record -> Article; unreadable records become dead letters, empty ones are filtered.

    A publication time more than a day after the moment the record is parsed is a dead letter
    (`future_date`); the outcome of an ordinary, past-dated record never depends on when it is read."""

    stage = "parse"

    def __init__(self, payload_limit: int = DEFAULT_PAYLOAD_BYTES, max_text_chars: int = MAX_TEXT_CHARS):
        super().__init__(payload_limit)
        self.max_text_chars = max_text_chars

    def transform(self, raw):
        article = parse_article(raw, dates.latest_publication(), self.max_text_chars)
        yield filtered(self.stage, article, "empty_text") if not article["text"] else article

"""Parsing raw records into Article records: decoding, field mapping, HTML extraction, dates, ids."""
import json

from transforms import dates
from transforms.normalize import content_hash, normalize_field, normalize_text, stable_id
from transforms.records import RecordError, StageDoFn, filtered

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


def decode_payload(payload: bytes) -> str:
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordError("invalid_utf8", f"not valid UTF-8 (byte 0x{payload[error.start]:02x} at offset "
                                          f"{error.start}): re-encode the input as UTF-8") from None


def record_fields(raw: dict) -> dict:
    """The input's own fields: the JSON object of a JSON Lines record or a Pub/Sub message (over its
    attributes), or a file's text plus its sidecar."""
    body = decode_payload(raw["payload"])
    fields = dict(raw.get("fields") or {})
    if raw["input_format"] in ("jsonl", "pubsub"):
        try:
            obj = json.loads(body)
        except ValueError as error:
            raise RecordError("malformed_json", f"malformed JSON: {error}") from None
        if not isinstance(obj, dict):
            raise RecordError("not_an_object", f"a JSON Lines record must be an object, got {type(obj).__name__}")
        fields.update(obj)
    else:
        fields["html" if raw["input_format"] == "html" else "text"] = body
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


def published_time(fields: dict, page_date: str | None, text: str) -> tuple[dates.PublishedTime | None, str]:
    """The publication time and where it came from: the input, the page's metadata, a dateline, or none."""
    candidates = ((pick(fields, "published"), "input"), (page_date, "html"))
    for value, origin in candidates:
        if value:
            try:
                return dates.parse_published(value), origin
            except (dates.UnparseableDate, dates.ImplausibleDate) as error:
                if origin == "input":  # what the feed says is wrong: report it rather than guess
                    raise RecordError(error.kind, str(error)) from None
    day = dates.dateline_date(text)
    if day is not None:
        return dates.parse_published(day.isoformat()), "dateline"
    return None, "none"


def parse_article(raw: dict) -> dict:
    """A raw record -> an Article record (without language, entities or duplicate fields set)."""
    fields = record_fields(raw)
    text, html = pick(fields, "text"), pick(fields, "html")
    page = None
    if not text and html:
        from transforms.html_extract import ExtractionError, extract_page  # lxml only where HTML is read
        try:
            page = extract_page(html, url=pick(fields, "url"))
        except ExtractionError as error:
            raise RecordError("no_main_text", f"no main text found in the HTML: {error}") from None
        text = page.text
    if text is None:
        raise RecordError("missing_text", "record has no text: give a 'text' (or 'body', 'content') or "
                                          "'html' field")
    text = normalize_text(text)
    published, published_from = published_time(fields, page and page.published, text)
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
    """Raw record -> Article; unreadable records become dead letters, empty ones are filtered."""

    stage = "parse"

    def transform(self, raw):
        article = parse_article(raw)
        yield filtered(self.stage, article, "empty_text") if not article["text"] else article

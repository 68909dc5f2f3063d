"""Main text and metadata of an HTML article page.

Every single extractor fails badly on some page layouts (trafilatura keeps a comment block, readability
picks a teaser list, jusText drops short paragraphs), and they fail on *different* pages. So several
independent extractors each propose a body and the one that agrees most with the others (the medoid)
wins: an outlier is outvoted, and when all agree the preferred one (listed first) is kept. Metadata
(title, date, site name, author) always come from trafilatura, which reads them from meta tags and
JSON-LD as well as from the page.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence

import justext
import lxml.etree
import lxml.html
import trafilatura
from readability import Document as ReadabilityDocument

_LOG = logging.getLogger(__name__)


class ExtractionError(ValueError):
    """Raised when a page yields no article text; the caller turns it into a dead letter of this `kind`."""

    kind = "no_main_text"


class TooDeeplyNested(ExtractionError):
    """The page nests elements deeper than the HTML parser reads (libxml2 stops at 256 levels), so no
    extractor sees the text inside: a generator gone wrong, or an attack on the parser."""

    kind = "too_deeply_nested"


@dataclasses.dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str | None
    published: str | None  # ISO date string as found by trafilatura/htmldate
    site_name: str | None
    author: str | None
    extractor: str  # name of the candidate whose text was kept


# A candidate turns (html, url) into body text; '' when it finds nothing.
Candidate = Callable[[str, str | None], str]

_SHINGLE_SIZE = 4
# Fewer words than this is a menu or an error page, not an article (the shortest wire briefs are longer).
MIN_BODY_WORDS = 10
_WORD = re.compile(r"\w+")
# Block elements whose end is a paragraph break when flattening readability's HTML to text.
_BLOCK_TAGS = frozenset(
    "p div br li h1 h2 h3 h4 h5 h6 blockquote pre tr table ul ol section article figure figcaption "
    "header footer".split()
)


def _trafilatura(html: str, url: str | None, **options) -> str:
    return trafilatura.extract(html, url=url, include_comments=False, **options) or ""


def _readability(html: str, url: str | None) -> str:
    summary = ReadabilityDocument(html, url=url).summary(html_partial=True)
    root = lxml.html.fromstring(summary)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    lines = (line.strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _justext(html: str, url: str | None) -> str:
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


CANDIDATES: dict[str, Candidate] = {
    "trafilatura-precision": functools.partial(_trafilatura, favor_precision=True),
    # Trafilatura's own algorithm without its internal readability/jusText fallbacks: a different
    # opinion from the precision run, not a copy of it.
    "trafilatura-fast": functools.partial(_trafilatura, fast=True),
    "trafilatura-default": _trafilatura,
    "trafilatura-recall": functools.partial(_trafilatura, favor_recall=True),
    "readability": _readability,
    "justext": _justext,
}
# Chosen on the article-extraction benchmark (bench/eval_extraction.py --variants); first = preferred.
DEFAULT_VOTERS: tuple[str, ...] = ("trafilatura-precision", "trafilatura-fast", "readability", "justext")


def _shingles(text: str) -> Counter:
    words = _WORD.findall(text)
    return Counter(tuple(words[i : i + _SHINGLE_SIZE]) for i in range(max(1, len(words) - _SHINGLE_SIZE + 1)))


def _agreement(a: Counter, b: Counter) -> float:
    """Shared word 4-grams over all 4-grams of both (multiset Jaccard)."""
    shared = sum((a & b).values())
    total = sum(a.values()) + sum(b.values()) - shared
    return shared / total if total else 0.0


def medoid(texts: Sequence[str]) -> int:
    """Index of the text that agrees most with the others; ties go to the earliest."""
    shingles = [_shingles(t) for t in texts]
    scores = [
        sum(_agreement(s, other) for j, other in enumerate(shingles) if j != i) for i, s in enumerate(shingles)
    ]
    return max(range(len(texts)), key=lambda i: (scores[i], -i))


def run_candidate(name: str, html: str, url: str | None) -> str:
    try:
        return CANDIDATES[name](html, url).strip()
    except Exception as error:  # noqa: BLE001 - each library raises its own parser errors on bad markup
        _LOG.debug("extractor %s failed: %s", name, error)
        return ""


def extract_body(html: str, url: str | None = None, voters: Sequence[str] = DEFAULT_VOTERS) -> tuple[str, str]:
    """(text, extractor name) of the medoid among the voters that found an article-sized text."""
    proposals = [(name, run_candidate(name, html, url)) for name in voters]
    proposals = [(name, text) for name, text in proposals if len(_WORD.findall(text)) >= MIN_BODY_WORDS]
    if not proposals:
        limit = parser_limit_reached(html)
        if limit:
            raise TooDeeplyNested(f"page {url or '(no url)'} is beyond what the HTML parser reads: {limit}")
        raise ExtractionError(f"no article text found in page {url or '(no url)'}")
    name, text = proposals[medoid([text for _, text in proposals])]
    return text, name


def parser_limit_reached(html: str) -> str | None:
    """libxml2's message when parsing the page hit one of its resource limits (nesting depth), else None."""
    parser = lxml.html.HTMLParser()
    try:
        lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        pass
    return next((error.message for error in parser.error_log if error.type_name == "ERR_RESOURCE_LIMIT"), None)


def _metadata(html: str, url: str | None) -> trafilatura.settings.Document | None:
    try:
        return trafilatura.extract_metadata(html, default_url=url)
    except Exception as error:  # noqa: BLE001 - metadata is optional, a bad page must not fail the record
        _LOG.debug("metadata extraction failed: %s", error)
        return None


def extract_page(html: str, url: str | None = None) -> ExtractedPage:
    """Article body and metadata of one page; raises ExtractionError when there is no body."""
    if not isinstance(html, str) or not html.strip():
        raise ExtractionError(f"empty page {url or '(no url)'}")
    text, extractor = extract_body(html, url)
    meta = _metadata(html, url)
    return ExtractedPage(
        text=text,
        title=getattr(meta, "title", None) or None,
        published=getattr(meta, "date", None) or None,
        site_name=getattr(meta, "sitename", None) or None,
        author=getattr(meta, "author", None) or None,
        extractor=extractor,
    )

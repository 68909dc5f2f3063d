"""Remove page furniture from article text before anything reads it as news.

Scraped articles carry teaser links ('READ MORE: ...'), share/comment widgets, credit lines, ranked
lists of unrelated headlines and repeated ledes. Each would feed false events to the extractors
downstream, so they are removed by general rules about the *shape* of a line - never by a list of
known strings:

* a lexicon of furniture patterns (resources/boilerplate.yaml) that must match the whole line;
* line shape: no letters at all; several words with almost no function words;
* ranked lists of headlines with scores, with their header and footer labels;
* a paragraph that another paragraph of the same article repeats word for word;
* lines that recur across many articles of one source (counted by the caller, see
  `repeated_line_candidates`);
* at the end of the article, trailing credits, tags and sign-offs glued to the last paragraph,
  because many scrapes lose the line breaks there.

Lines longer than MAX_BOILERPLATE_WORDS are prose: only repetition can remove them.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from pathlib import Path

import yaml

_LEXICON_PATH = Path(__file__).with_name("resources") / "boilerplate.yaml"

# Furniture is short; a longer paragraph is taken for prose whatever it starts with.
MAX_BOILERPLATE_WORDS = 60
# Shorter repeats ('He said.', 'Comments') are left to the other rules; word-for-word repetition of
# a real sentence is only meaningful from about this length.
MIN_DUPLICATE_WORDS = 6
# A key of MIN_DUPLICATE_WORDS words has at least this many characters ('a b c d e f'): the length
# of the opening and closing under which keys are indexed to find repeats.
_AFFIX_CHARS = 2 * MIN_DUPLICATE_WORDS - 1
# 'Syria Aleppo Idlib Russia Turkey Iran': at least this many words and not one function word.
# Shorter runs are mostly subheadings ('Overcrowded conditions worsen risk'), which stay.
MIN_KEYWORD_RUN_WORDS = 6
# English prose is about 40-50% function words; below this share the article is in another
# language (or is a table) and the keyword-run rule is not applied.
MIN_PROSE_FUNCTION_SHARE = 0.25
# A ranked widget has at least this many consecutive numbered lines ending in a score.
MIN_RANKED_LINES = 2
# Header/footer labels of such a widget: short, no sentence punctuation, right next to it.
MAX_LABEL_WORDS = 12
LIST_HEADER_LINES = 2
LIST_FOOTER_LINES = 1
# Title taken from the first line: a headline is short and followed by a longer body paragraph.
MAX_TITLE_WORDS = 25
MIN_BODY_WORDS_AFTER_TITLE = 12

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
# Zero-width space, word joiner, BOM, soft hyphen (not ZWNJ/ZWJ: Persian and emoji need them).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
_RANK_PREFIX = re.compile(r"^\d{1,3}[.)]?\s+\S")
_SCORE_SUFFIX = re.compile(
    r"(?:\d+(?:\.\d+)?\s*/\s*\d+|\d+(?:\.\d+)?\s*%|[★☆]+|[\U0001F000-\U0001FAFF\u2600-\u27BF])\W*$"
)
# Where a trailing segment may start: after sentence punctuation (and closing quotes/brackets).
_SENTENCE_BOUNDARY = re.compile(r"(?:[.!?…][\"'”’)\]]*|\))\s*")


@dataclasses.dataclass(frozen=True)
class CleanedText:
    text: str
    title: str | None
    lines_removed: int
    chars_removed: int
    removed: tuple[tuple[str, str], ...]  # (line or trailing segment, reason); includes 'title'



@dataclasses.dataclass(frozen=True)
class _Rule:
    reason: str
    pattern: re.Pattern
    max_words: int


@dataclasses.dataclass(frozen=True)
class _Lexicon:
    rules: tuple[_Rule, ...]
    function_words: frozenset[str]


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Loaded once per process (Beam workers unpickle the module, not the compiled patterns)."""
    data = yaml.safe_load(_LEXICON_PATH.read_text(encoding="utf-8"))
    rules = tuple(
        _Rule(rule["reason"], re.compile(rule["pattern"]), rule.get("max_words", MAX_BOILERPLATE_WORDS))
        for rule in data["segment_rules"]
    )
    return _Lexicon(rules, frozenset(data["function_words"].split()))


def normalise(line: str) -> str:
    """NFKC (no-break and other odd spaces become spaces), invisible characters dropped, whitespace
    collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", line).translate(_INVISIBLE).split())


def line_key(line: str) -> str:
    """Key under which a line is counted across articles: case and digits do not matter
    ('Updated 12:40' recurs as 'Updated 09:15')."""
    return re.sub(r"\d", "0", normalise(line).casefold())


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _lexicon_reason(segment: str) -> str | None:
    n_words = len(_words(segment))
    for rule in _lexicon().rules:
        if n_words <= rule.max_words and rule.pattern.fullmatch(segment):
            return rule.reason
    return None


def _furniture_reason(line: str) -> str | None:
    """Rules that look at one line alone and are safe for a first line (headlines included)."""
    if not _LETTER.search(line):
        return "no_text"
    return _lexicon_reason(line)


def _function_word_share(text: str) -> float:
    words = _words(text)
    function_words = _lexicon().function_words
    return sum(w.casefold() in function_words for w in words) / len(words) if words else 0.0


def _is_keyword_run(line: str) -> bool:
    """Tag lists and navigation: several words, hardly any function words, no digits (tables and
    schedules are content) and no sentence punctuation. Headlines can look like this too, which is
    why the title is decided before this rule."""
    return (
        len(_words(line)) >= MIN_KEYWORD_RUN_WORDS
        and not _DIGIT.search(line)
        and not _SENTENCE_END.search(line)
        and _function_word_share(line) == 0.0
    )


def _is_label(line: str) -> bool:
    return len(_words(line)) <= MAX_LABEL_WORDS and not _SENTENCE_END.search(line)


def _ranked_list_reasons(lines: list[str]) -> dict[int, str]:
    """Blocks of numbered lines ending in a score ('3 Some headline 🔴 75 / 100'), plus the short
    labels just above (widget title, column heads) and just below ('View more')."""
    ranked = [bool(_RANK_PREFIX.match(line) and _SCORE_SUFFIX.search(line)) for line in lines]
    reasons: dict[int, str] = {}
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and ranked[end]:
            end += 1
        if end - start >= MIN_RANKED_LINES:
            reasons.update({i: "ranked_list" for i in range(start, end)})
            for i in range(start - 1, max(-1, start - 1 - LIST_HEADER_LINES), -1):
                if not _is_label(lines[i]):
                    break
                reasons[i] = "ranked_list_label"
            for i in range(end, min(len(lines), end + LIST_FOOTER_LINES)):
                if _is_label(lines[i]):
                    reasons[i] = "ranked_list_label"
        start = max(end, start + 1)
    return reasons


def _duplicate_reasons(lines: list[str], skip: Collection[int]) -> dict[int, str]:
    """A paragraph that another paragraph repeats word for word: an identical copy keeps the first;
    a paragraph that opens or closes a longer one (a lede repeated after a dateline,
    'CITY (Agency) - <lede>') keeps the fuller one.

    Distinct keys are indexed by their first and last characters, so a paragraph is compared only with
    those that could open or close with it: linear in practice, where comparing every pair made an
    article of 10,000 lines take minutes."""
    keys = [line_key(line) for line in lines]
    # Indices of each key still able to count as "the other copy" (not skipped, not yet marked).
    available = Counter(key for j, key in enumerate(keys) if j not in skip)
    by_affix: dict[tuple[int, str], set[str]] = defaultdict(set)
    for key in available:
        if len(key) >= _AFFIX_CHARS:
            by_affix[0, key[:_AFFIX_CHARS]].add(key)
            by_affix[1, key[-_AFFIX_CHARS:]].add(key)
    earlier = Counter()  # key -> available copies before the current line
    reasons: dict[int, str] = {}
    for i, key in enumerate(keys):
        if i in skip:
            continue
        if len(_words(key)) >= MIN_DUPLICATE_WORDS and (
                earlier[key] or any(available[other] and (other.startswith(key) or other.endswith(key))
                                    for other in by_affix[0, key[:_AFFIX_CHARS]] | by_affix[1, key[-_AFFIX_CHARS:]]
                                    if other != key)):
            reasons[i] = "duplicate_paragraph"
            available[key] -= 1
        else:
            earlier[key] += 1
    return reasons


def _looks_like_headline(line: str, next_line: str | None) -> bool:
    n_words = len(_words(line))
    return (
        2 <= n_words <= MAX_TITLE_WORDS
        and not line.endswith(".")
        and next_line is not None
        and len(_words(next_line)) >= max(MIN_BODY_WORDS_AFTER_TITLE, n_words + 1)
    )


def _trailing_segments(paragraph: str) -> Iterator[int]:
    """Start offsets of the paragraph's trailing segments that begin at a sentence boundary,
    longest first, limited to what could be furniture (at most MAX_BOILERPLATE_WORDS words: a start
    before the end of the word that many words from the end cannot qualify, which keeps a paragraph
    of a million characters linear)."""
    word_ends = [m.end() for m in _WORD.finditer(paragraph)]
    earliest = word_ends[-MAX_BOILERPLATE_WORDS - 1] if len(word_ends) > MAX_BOILERPLATE_WORDS else 0
    for match in _SENTENCE_BOUNDARY.finditer(paragraph, earliest):
        start = match.end()
        if start < len(paragraph) and len(_words(paragraph[start:])) <= MAX_BOILERPLATE_WORDS:
            yield start


def _peel_tail(paragraph: str) -> tuple[str, list[tuple[str, str]]]:
    """Cut credits, tags and sign-offs glued to the end of the last paragraph, one at a time."""
    peeled: list[tuple[str, str]] = []
    while True:
        for start in _trailing_segments(paragraph):
            segment = paragraph[start:].strip()
            reason = "no_text" if not _LETTER.search(segment) else _lexicon_reason(segment)
            if reason:
                peeled.append((segment, reason))
                paragraph = paragraph[:start].rstrip()
                break
        else:
            return paragraph, peeled


def clean_text(text: str, title: str | None = None, repeated_lines: Collection[str] = ()) -> CleanedText:
    """Drop boilerplate lines; take the title from the first line when none is given and it reads
    like one. `repeated_lines` holds `line_key`s seen in many articles of the same source."""
    lines = [normalise(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    reasons: dict[int, str] = {}
    for i, line in enumerate(lines):
        reason = _furniture_reason(line)
        if reason is None and len(_words(line)) <= MAX_BOILERPLATE_WORDS and line_key(line) in repeated_lines:
            reason = "repeated_in_source"
        if reason:
            reasons[i] = reason
    reasons.update({i: r for i, r in _ranked_list_reasons(lines).items() if i not in reasons})

    if lines and 0 not in reasons:
        if title is not None and line_key(lines[0]) == line_key(title):
            reasons[0] = "title"
        elif title is None:
            following = next((lines[i] for i in range(1, len(lines)) if i not in reasons), None)
            if _looks_like_headline(lines[0], following):
                title = lines[0]
                reasons[0] = "title"

    # The function-word test only means something in a language the lexicon covers.
    if _function_word_share(" ".join(lines)) >= MIN_PROSE_FUNCTION_SHARE:
        for i, line in enumerate(lines):
            if i not in reasons and _is_keyword_run(line):
                reasons[i] = "keyword_run"
    reasons.update(_duplicate_reasons(lines, skip=reasons))

    removed = [(lines[i], reasons[i]) for i in sorted(reasons)]
    kept = [line for i, line in enumerate(lines) if i not in reasons]
    if kept:
        kept[-1], peeled = _peel_tail(kept[-1])
        removed.extend(peeled)
        if not kept[-1]:
            kept.pop()
    # The title line moved to `title`: listed in `removed`, but it is not boilerplate to count.
    boilerplate = [line for line, reason in removed if reason != "title"]
    return CleanedText(
        text="\n\n".join(kept),
        title=title,
        lines_removed=len(boilerplate),
        chars_removed=sum(map(len, boilerplate)),
        removed=tuple(removed),
    )


def repeated_line_candidates(text: str) -> set[str]:
    """Distinct `line_key`s of this article's lines short enough to be furniture: the caller counts
    them per source and passes the keys seen in many articles back to `clean_text`."""
    lines = (normalise(line) for line in text.splitlines())
    return {
        line_key(line)
        for line in lines
        if _LETTER.search(line) and len(_words(line)) <= MAX_BOILERPLATE_WORDS
    }

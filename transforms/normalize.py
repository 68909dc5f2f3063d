"""Text normalisation and the deterministic identities derived from it."""
import hashlib
import json
import re
import unicodedata

# Zero-width and bidirectional control characters carry no text but defeat matching and hashing.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
# C0/C1 control characters other than tab and newline (NUL included).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_WORD_BREAKS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC Unicode, no invisible or control characters, single spaces, at most one blank line in a row.
    Invisible characters go before composing: one between a letter and its mark ('e\u200b\u0301') would
    otherwise keep them apart, and normalising twice would not give the same text."""
    text = _CONTROL.sub("", _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    text = unicodedata.normalize("NFC", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def normalize_field(value: str | None) -> str | None:
    """A short metadata field (title, source, url) on one line, or None when it is empty."""
    if value is None:
        return None
    value = _WORD_BREAKS.sub(" ", normalize_text(value)).strip()
    return value or None


def content_hash(text: str) -> str:
    """Equal for texts that differ only in case, spacing and line breaks: the exact-duplicate key."""
    folded = _WORD_BREAKS.sub(" ", text.casefold()).strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


def stable_id(*parts) -> str:
    """A 20-hex-digit id that depends only on `parts`: the same on every run, process and runner."""
    canonical = json.dumps(parts, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]

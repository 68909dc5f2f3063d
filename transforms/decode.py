"""Bytes to text, for article files that are not UTF-8.

JSON must be UTF-8 (RFC 8259, section 8.1), so a JSON record that is not is an error of the feed. A
plain-text or HTML file, though, is often saved in its region's legacy code page (Windows-1256 Arabic,
Windows-1251 Cyrillic, Latin-1), and a reader would open it without complaint: such a file is decoded,
in this order, as UTF-8; in the charset its HTML declares; as UTF-8 with stray single-byte characters
(a Latin-1 paste into a UTF-8 file); or in the code page `charset_normalizer` finds most coherent among
those of the region's press. Bytes that decode to no readable text are binary, not an article.
"""
import codecs
import re
from typing import NamedTuple

import charset_normalizer

from transforms.records import RecordError

UTF8 = "utf-8"
# Code pages of the region's press: Western, Arabic and Persian, Cyrillic, Turkish, Hebrew; and UTF-16/32.
LEGACY_ENCODINGS = ("cp1252", "cp1256", "iso8859_6", "cp1251", "koi8_r", "cp1254", "cp1255", "utf_16", "utf_32")
# Mixed files: stray bytes in otherwise valid UTF-8 are read as Windows-1252, the usual culprit.
STRAY_BYTE_ENCODING = "cp1252"
_STRAY_BYTES_ERRORS = "conflict-stray-cp1252"
# A file is UTF-8 with stray bytes when at least this share of its non-ASCII bytes form valid UTF-8.
MIN_UTF8_SHARE = 0.5
# Text with more than this share of control characters (NUL and the like) is binary data.
MAX_CONTROL_SHARE = 0.05
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_DECLARATION_WINDOW = 4096
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ASCII = bytes(range(128))
# Measured on the opening of a file: enough to tell, and cheap on a file of ten megabytes.
_SAMPLE_BYTES = 1 << 20
# A Latin letter next to a Greek, Cyrillic, Hebrew or Arabic one: no real word is written so.
_NON_LATIN_LETTER = "\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff"
_MIXED_SCRIPT_WORD = re.compile(f"[A-Za-z][{_NON_LATIN_LETTER}]|[{_NON_LATIN_LETTER}][A-Za-z]")
_CONTROL_CHARS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f)]


class Decoded(NamedTuple):
    text: str
    encoding: str  # 'utf-8', a codec name, or 'utf-8+cp1252' for UTF-8 with stray bytes


def _stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: the undecodable bytes as Windows-1252 (Latin-1 where it has no character)."""
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode(STRAY_BYTE_ENCODING, errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error(_STRAY_BYTES_ERRORS, _stray_bytes)


def declared_charset(payload: bytes) -> str | None:
    """The codec an HTML page declares (<meta charset> or http-equiv) near its start, if Python knows it."""
    match = _DECLARED_CHARSET.search(payload, 0, _DECLARATION_WINDOW)
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def utf8_share(payload: bytes) -> float:
    """Share of the non-ASCII bytes that belong to well-formed UTF-8 sequences (1.0 when there are none),
    measured on the file's first megabyte."""
    sample = payload[:_SAMPLE_BYTES]
    non_ascii = len(sample.translate(None, _ASCII))
    return sum(m.end() - m.start() for m in _UTF8_SEQUENCE.finditer(sample)) / non_ascii if non_ascii else 1.0


def _decode(payload: bytes, html: bool) -> Decoded:
    try:
        return Decoded(payload.decode("utf-8-sig"), UTF8)
    except UnicodeDecodeError:
        pass
    declared = declared_charset(payload) if html else None
    if declared and declared != UTF8:
        try:
            return Decoded(payload.decode(declared), declared)
        except UnicodeDecodeError:
            pass  # the declaration is wrong: find out
    if utf8_share(payload) >= MIN_UTF8_SHARE:
        return Decoded(payload.decode(UTF8, errors=_STRAY_BYTES_ERRORS), f"{UTF8}+{STRAY_BYTE_ENCODING}")
    matches = list(charset_normalizer.from_bytes(payload, cp_isolation=list(LEGACY_ENCODINGS)))
    if not matches:
        raise RecordError("binary_content", "not text: neither UTF-8 nor any of the code pages "
                                            f"{', '.join(LEGACY_ENCODINGS)} decodes it")
    # With few non-ASCII bytes the detector may prefer a wrong code page ('Kobané' read as Cyrillic
    # 'Kobanй'): a word half Latin and half another script betrays it.
    match = next((m for m in matches if not _MIXED_SCRIPT_WORD.search(str(m), 0, _SAMPLE_BYTES)), matches[0])
    return Decoded(str(match), match.encoding)


def decode_document(payload: bytes, html: bool = False) -> Decoded:
    """The text of a plain-text or HTML file and the encoding it was read in; binary data is a
    RecordError('binary_content')."""
    decoded = _decode(payload, html)
    controls = sum(map(decoded.text.count, _CONTROL_CHARS))
    if controls > MAX_CONTROL_SHARE * max(len(decoded.text), 1):
        raise RecordError("binary_content", f"not text: {controls:,} of its {len(decoded.text):,} characters "
                                            f"are control characters (read as {decoded.encoding})")
    return decoded


def decode_json_text(payload: bytes) -> str:
    """A JSON record's text: UTF-8 only (RFC 8259), a byte order mark tolerated."""
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordError("invalid_utf8", f"not valid UTF-8 (byte 0x{payload[error.start]:02x} at offset "
                                          f"{error.start}): JSON must be UTF-8 (RFC 8259); re-encode the "
                                          f"input") from None

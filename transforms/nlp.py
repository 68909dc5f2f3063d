"""The spaCy pipeline that finds actors, places and dates in an article and canonicalises them.

Assembled by build_nlp() from resources/nlp.cfg: sentence boundaries, a statistical NER, rules
for dictionary actors, extension places and dates, then the steps that attach canonical ids.

Entity labels (doc.ents, entities_of):
    ACTOR   an armed actor of the actor dictionary; canonical id = group ('ISLAMIC_STATE'), None
            when the alias is shared by groups the article's countries cannot decide between;
            Span._.allies holds the groups of its 'X-backed' modifiers
    PLACE   a place; canonical id = the gazetteer's ('geonames:99072'), None when unresolved;
            Span._.place holds the gazetteer Place
    DATE    a date expression as written ('yesterday', 'last month', 'Oct. 2, 2017')
    PER, ORG, MISC  other names found by the statistical model, without canonical id
Span._.source says which step found the span: 'ner', 'actor_dictionary', 'place_extension',
'gazetteer' or 'date_rules'. Doc._.countries lists the article's countries (ISO codes, best
supported first), the context used for places and shared actor aliases.
"""
import functools
import logging
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, load_config

from transforms.actors import AliasIndex, load_actor_dictionary
from transforms.gazetteer import OTHER_AREA_MIN_POPULATION, SHIPPED_EXTENSION, get_gazetteer
from transforms.ner_model import load_ner_model

LOGGER = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent / "resources"
CONFIG_PATH = RESOURCES / "nlp.cfg"
DATE_PATTERNS_PATH = RESOURCES / "date_patterns.yaml"

ACTOR, PLACE, DATE = "ACTOR", "PLACE", "DATE"
SOURCE_NER = "ner"
SOURCE_ACTORS = "actor_dictionary"
SOURCE_EXTENSION_PLACES = "place_extension"
SOURCE_GAZETTEER = "gazetteer"
SOURCE_DATES = "date_rules"
NER_COMPONENT = "ner"

for _name, _default in (("source", None), ("allies", ()), ("place", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
if not Doc.has_extension("countries"):
    Doc.set_extension("countries", default=())


def _overwrite_ents(doc: Doc, spans: Iterable[Span | None], source: str) -> None:
    """Add `spans` as entities, replacing the entities they overlap (rules beat the statistical
    model, and later rules beat earlier ones)."""
    new = filter_spans([span for span in spans if span is not None])
    if not new:
        return
    covered = {index for span in new for index in range(span.start, span.end)}
    kept = [ent for ent in doc.ents if not covered.intersection(range(ent.start, ent.end))]
    for span in new:
        span._.source = source
    doc.ents = sorted(kept + new, key=lambda span: span.start)


def _replace_ents(doc: Doc, ents: Sequence[Span], relabelled: dict[int, Span]) -> None:
    """Swap in the relabelled spans (keyed by start token)."""
    doc.ents = [relabelled.get(ent.start, ent) for ent in ents]


def _relabelled(ent: Span, label: str, kb_id: str | None = None) -> Span:
    return Span(ent.doc, ent.start, ent.end, label=label, kb_id=kb_id or "")


@Language.factory("conflict_entity_labels", default_config={"label_map": {}})
def make_entity_labels(nlp: Language, name: str, label_map: dict[str, str]):
    return EntityLabels(label_map)


class EntityLabels:
    """Map the statistical model's labels (CoNLL or OntoNotes) onto the project's; drop the rest. A
    name the model ran across a lower-case 'and' is two names ('Qabun and Tishreen'), and one it ran
    onto the 'and' ends before it ('Hafez and')."""

    def __init__(self, label_map: dict[str, str]):
        self.label_map = dict(label_map)

    def __call__(self, doc: Doc) -> Doc:
        spans = [_relabelled(part, self.label_map[ent.label_]) for ent in doc.ents if ent.label_ in self.label_map
                 for part in _split_at_and(ent)]
        doc.ents = spans
        for span in spans:
            span._.source = SOURCE_NER
        return doc


def _split_at_and(ent: Span) -> list[Span]:
    """The parts of `ent` between its lower-case 'and' tokens."""
    if not any(token.text == "and" for token in ent):
        return [ent]
    parts, start = [], ent.start
    for token in ent:
        if token.text == "and":
            parts.append(ent.doc[start:token.i])
            start = token.i + 1
    parts.append(ent.doc[start:ent.end])
    return [part for part in parts if len(part)]


@Language.factory("conflict_date_expressions", default_config={"patterns_path": None})
def make_date_expressions(nlp: Language, name: str, patterns_path: str | None):
    return DateExpressions(nlp, Path(patterns_path) if patterns_path else DATE_PATTERNS_PATH)


class DateExpressions:
    """Mark date expressions as DATE: the CoNLL model has no date label, and the rules keep the
    relative ones ('yesterday', 'earlier this week') that event dating needs."""

    def __init__(self, nlp: Language, patterns_path: Path):
        with open(patterns_path, encoding="utf-8") as handle:
            rules = yaml.safe_load(handle)
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.matcher.add(DATE, rules["patterns"])
        self.context_words = frozenset(rules["context_words"])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match in filter_spans(self.matcher(doc, as_spans=True)):
            start = match.start
            while start < match.end - 1 and doc[start].lower_ in self.context_words:
                start += 1
            spans.append(Span(doc, start, match.end, label=DATE))
        _overwrite_ents(doc, spans, SOURCE_DATES)
        return doc


@functools.lru_cache(maxsize=100_000)
def resolve_place(name: str, countries: tuple[str, ...] = (), areas: tuple[str, ...] = ()):
    """gazetteer.resolve (within the first-level `areas` named, if any), remembered per process: the
    same names recur across articles, and an unusual name can cost the gazetteer's fuzzy tier tens of
    milliseconds."""
    return get_gazetteer().resolve(name, countries, areas)


# A place smaller than this outside the governorates an article names is more likely a namesake.
AREA_BOUND_MAX_POPULATION = 10_000


def names_area(place) -> bool:
    """A governorate, or a city large enough that its name stands for its governorate ('in Hama')."""
    return place is not None and (place.feature == "admin1" or (
        place.feature == "city" and place.population >= OTHER_AREA_MIN_POPULATION))


def article_countries(ents: Sequence[Span]) -> tuple[str, ...]:
    """The countries an article is about: those its places point to, in the context of the armed
    groups it names that fight in one country only (the SDF in Syria), so that a village a
    namesake abroad would claim stays in the region of the war."""
    dictionary = load_actor_dictionary()
    context = Counter()
    for ent in ents:
        mention = dictionary.resolve(ent.text) if ent.label_ == ACTOR else None
        countries = dictionary.groups[mention.group].countries if mention is not None and mention.group else ()
        if len(countries) == 1:
            context.update(countries)
    return tuple(get_gazetteer().countries_in((ent.text for ent in ents if ent.label_ == PLACE), context))


def extension_place_names(paths: Sequence[Path]) -> list[str]:
    """Names and aliases of the gazetteer extension files (YAML lists of places)."""
    names = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for entry in yaml.safe_load(handle) or ():
                names.extend([str(entry["name"]), *(str(alias) for alias in entry.get("aliases") or ())])
    return names


@Language.factory("conflict_place_ruler", default_config={"extra_files": []})
def make_place_ruler(nlp: Language, name: str, extra_files: list[str]):
    return PlaceRuler([SHIPPED_EXTENSION, *map(Path, extra_files)])


class PlaceRuler:
    """Mark the extension files' places: villages the statistical model was never shown."""

    def __init__(self, paths: Sequence[Path]):
        self.index = AliasIndex()
        for name in extension_place_names(paths):
            self.index.add(name, name)

    def __call__(self, doc: Doc) -> Doc:
        spans = (doc.char_span(start, end, label=PLACE, alignment_mode="expand")
                 for start, end, _ in self.index.find(doc.text)
                 if any(char.isupper() for char in doc.text[start:end]))  # 'Darwish', not 'darwish'
        _overwrite_ents(doc, spans, SOURCE_EXTENSION_PLACES)
        return doc


@Language.factory("conflict_actor_ruler")
def make_actor_ruler(nlp: Language, name: str):
    return ActorRuler()


class ActorRuler:
    """Mark mentions of the actor dictionary's groups as ACTOR, modifiers included
    ('U.S.-backed Iraqi forces'); which group a shared alias means is the actor linker's call."""

    def __init__(self):
        self.dictionary = load_actor_dictionary()

    def __call__(self, doc: Doc) -> Doc:
        spans = (doc.char_span(mention.start, mention.end, label=ACTOR, alignment_mode="expand")
                 for mention in self.dictionary.find(doc.text))
        _overwrite_ents(doc, spans, SOURCE_ACTORS)
        return doc


@Language.factory("conflict_gazetteer_places", default_config={"max_words": 4})
def make_gazetteer_places(nlp: Language, name: str, max_words: int):
    return GazetteerPlaces(max_words)


class GazetteerPlaces:
    """Without a statistical model: runs of capitalised words outside other entities that the
    gazetteer resolves become places. Countries among them are resolved first and then rule out
    small namesakes abroad, as in the place linker ('Adel' is no place in an article on Iraq)."""

    _CONNECTORS = frozenset({"al", "el", "ar", "as", "ad", "ash", "az", "ez", "-"})

    def __init__(self, max_words: int):
        self.max_words = max_words

    def _name_runs(self, doc: Doc) -> Iterable[Span]:
        index = 0
        while index < len(doc):
            token = doc[index]
            if token.ent_iob_ != "O" or token.is_stop or not token.is_title:
                index += 1
                continue
            end = index + 1
            while end < len(doc) and end - index < self.max_words and doc[end].ent_iob_ == "O" and (
                    doc[end].is_title or doc[end].lower_ in self._CONNECTORS and end + 1 < len(doc)
                    and doc[end + 1].is_title):
                end += 1
            yield doc[index:end]
            index = end

    def __call__(self, doc: Doc) -> Doc:
        runs = list(self._name_runs(doc))
        countries = tuple(dict.fromkeys(place.country for place in (resolve_place(run.text) for run in runs)
                                        if place is not None and place.feature == "country"))
        spans = [Span(doc, run.start, run.end, label=PLACE) for run in runs
                 if resolve_place(run.text, countries) is not None]
        _overwrite_ents(doc, spans, SOURCE_GAZETTEER)
        return doc


_APOSTROPHES = ("'", "’")


def _unapostrophed(text: str) -> str:
    return text.replace("'", "").replace("’", "")


def title_like(token) -> bool:
    """A capitalised word, also one with a transliterated 'ayn inside ('Wa'er', 'Mazra'at')."""
    return token.is_title or (token.text[:1].isupper() and _unapostrophed(token.text).istitle())


@Language.factory("conflict_place_cues", default_config={"cue_words": [], "articles": [], "place_nouns": [],
                                                       "list_joiners": [], "name_prefixes": [], "name_heads": [],
                                                       "spaced_articles": [], "leading_words": []})
def make_place_cues(nlp: Language, name: str, cue_words: list[str], articles: list[str], place_nouns: list[str],
                    list_joiners: list[str], name_prefixes: list[str], name_heads: list[str],
                    spaced_articles: list[str], leading_words: list[str]):
    return PlaceCues(cue_words, articles, place_nouns, list_joiners, name_prefixes, name_heads, spaced_articles,
                     leading_words)


class PlaceCues:
    """Repair what a news-wire NER gets wrong about Arabic place names.

    - A name split at a joined article or hyphen ('Jubb al' + '-Bahrah', 'Al' + '-' + 'Burham',
      'Sarha' + 'al-Shamali'), or at an article written as a word ('Jazrat' + 'al Boshams'), is one name.
    - A name the model took for a person or organisation is a place when a place noun names it
      ('Kasra village', 'the village of Tleihat', 'the villages of A, B and C', 'A, B and C
      villages'), known to the gazetteer or not: village names are what the gazetteer lacks most.
    - So is a name of several words that ends in a place noun ('Madiq Castle', 'Hamdan Airbase') or
      opens with a word Arabic place names open with ('Tell Shihab', 'Kafr Nabudah', 'Jabal Zawiya').
    - After a weaker cue ('towards Tikrit', 'cities of Mosul and Tikrit') such a name is a place
      only if the gazetteer knows it in the article's countries.
    - A transliterated 'ayn is an apostrophe inside or after a word ('Al-Wa'er', 'Tal al-Jumou''),
      and a name's opening word ('Sheikh Maqsood', 'Mazra'at Tishrin') is often left out by the
      model: both belong to the name.
    - An opening word the model marked as a name of its own ('Kasr' + 'Sheikh Jumaa') takes the name
      after it, also one the tokenizer split ('Jubb' + 'I' 'd') or written with a stray space before
      its hyphen ('Al -Shuhatiyah').
    """

    def __init__(self, cue_words: Iterable[str], articles: Iterable[str], place_nouns: Iterable[str] = (),
                 list_joiners: Iterable[str] = (), name_prefixes: Iterable[str] = (), name_heads: Iterable[str] = (),
                 spaced_articles: Iterable[str] = (), leading_words: Iterable[str] = ()):
        self.cue_words = frozenset(cue_words)
        self.spaced_articles = frozenset(spaced_articles)
        self.articles = frozenset(articles)
        self.place_nouns = frozenset(place_nouns)
        self.list_joiners = frozenset(list_joiners)
        self.name_prefixes = frozenset(name_prefixes)
        self.name_heads = self.name_prefixes | frozenset(name_heads)
        self.leading_words = self.name_heads | frozenset(leading_words)

    def _shaped_like_place(self, doc: Doc, start: int, end: int) -> bool:
        """'Madiq Castle', 'Tell Shihab': a name of several words whose own words say it is a place."""
        return end - start > 1 and (doc[end - 1].lower_ in self.place_nouns or doc[start].lower_ in self.name_prefixes)

    # -- name extent --------------------------------------------------------------------------
    def _joined_at(self, doc: Doc, index: int) -> int:
        """The end of an 'al-Name' or '-Name' joined at token `index` (no spaces inside), else `index`."""
        end = index
        if end < len(doc) and doc[end].lower_ in self.articles and end + 1 < len(doc) and doc[end + 1].text in "-–" \
                and not doc[end].whitespace_:
            end += 1
        if end < len(doc) and doc[end].text in "-–" and not doc[end].whitespace_ and end + 1 < len(doc) \
                and title_like(doc[end + 1]) and (end == 0 or not doc[end - 1].whitespace_):
            return end + 2
        return index

    def _headed_name_end(self, doc: Doc, ent: Span) -> int:
        """The end of the name a one-word `ent` opens when it is a leading word ('Kasr' + 'Sheikh
        Jumaa', 'Jubb' + 'I' 'd', 'Al' + '-Shuhatiyah'), else ent.end: the capitalised word after a
        space, with the entity it starts or the letters written on to it, and the word after that
        while the word taken opens names too ('Sheikh')."""
        if ent.end - ent.start != 1 or not title_like(doc[ent.start]) \
                or _unapostrophed(doc[ent.start].lower_) not in self.leading_words:
            return ent.end
        end = ent.end
        while end < len(doc) and doc[end - 1].whitespace_ and _unapostrophed(doc[end - 1].lower_) in self.leading_words:
            following = doc[end]
            if not title_like(following) or (following.is_stop and following.whitespace_) \
                    or following.ent_type_ in (ACTOR, DATE):
                break
            if following.ent_iob_ == "B":
                end = next(other.end for other in doc.ents if other.start == end)
                continue
            end += 1
            while end < len(doc) and not doc[end - 1].whitespace_ and doc[end].is_alpha and doc[end].ent_type_ == "":
                end += 1  # 'I' 'd': a name the tokenizer read as 'I'd'
        return end

    def _extent(self, doc: Doc, ent: Span) -> tuple[int, int]:
        """The whole name `ent` is part of: joined articles and split halves on either side."""
        start, end = ent.start, self._headed_name_end(doc, ent)
        if ent.end - ent.start == 1 or doc[end - 1].lower_ in self.articles:
            end = max(end, self._joined_at(doc, end - 1 if doc[end - 1].lower_ in self.articles else end))
        while True:
            joined = self._joined_at(doc, end)
            if joined == end and self._spaced_article(doc, end) and doc[end + 1].ent_type_ in ("", ent.label_, PLACE):
                joined = self._joined_at(doc, end + 1) if doc[end + 1].lower_ in self.articles else end + 2
            if joined == end:
                break
            end = joined
        if end + 1 < len(doc) and doc[end].lower_ in ("'s", "’s") and self._short_head(doc[end - 1]) \
                and doc[end + 1].lower_ in self.articles:
            end = max(end, self._joined_at(doc, end + 1))  # 'Ta's al-Shayir', 'Ra's al-Ain': no possessive
        if end < len(doc) and doc[end].text in _APOSTROPHES and not doc[end - 1].whitespace_ \
                and (end + 1 == len(doc) or doc[end].whitespace_ or doc[end + 1].is_punct) \
                and not (start > 0 and doc[start - 1].text in _APOSTROPHES):
            end += 1  # 'Tal al-Jumou'' (not 'Raqqa's', not a quoted name: ''Zellin'')
        while start >= 1 and doc[start - 1].ent_type_ == "" and title_like(doc[start - 1]) \
                and _unapostrophed(doc[start - 1].lower_) in self.name_heads:
            start -= 1
        if start >= 2 and self._spaced_article(doc, start - 1) and doc[start - 2].ent_type_ in ("", ent.label_, PLACE) \
                and title_like(doc[start - 2]) and not doc[start - 2].is_stop:
            start -= 2  # 'Jazrat al' + 'Boshams'
            while start > 0 and doc[start].ent_iob_ == "I":
                start -= 1
        if (start >= 2 and doc[start - 1].text in "-–" and doc[start - 2].lower_ in self.articles
                and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_):
            start -= 2
            if start >= 1 and doc[start - 1].is_title and not doc[start - 1].is_stop \
                    and doc[start - 1].ent_type_ in ("", ent.label_):
                start -= 1
        return start, end

    @staticmethod
    def _short_head(token) -> bool:
        """'Ta', 'Ra': a capitalised word of two or three letters (no English word such as 'It') that
        an apostrophe and an 's' follow inside an Arabic name ('Ta's al-Shayir')."""
        return token.is_title and token.is_alpha and len(token) <= 3 and not token.is_stop and not token.whitespace_

    def _spaced_article(self, doc: Doc, index: int) -> bool:
        """'al' at token `index` written as a word between two capitalised halves of a name."""
        return index + 1 < len(doc) and doc[index].lower_ in self.spaced_articles and doc[index].whitespace_ \
            and index >= 1 and doc[index - 1].whitespace_ and title_like(doc[index - 1]) \
            and title_like(doc[index + 1]) and not doc[index + 1].is_stop

    # -- place nouns --------------------------------------------------------------------------
    def _title_run(self, doc: Doc, index: int) -> int:
        """The end of the run of capitalised words starting at `index` that no entity covers."""
        end = index
        while end < len(doc) and end - index < 4 and doc[end].ent_type_ == "" and title_like(doc[end]) \
                and not doc[end].is_stop:
            end = self._joined_at(doc, end + 1)
        return end

    def _named_list(self, doc: Doc, start: int, ents_by_start: dict[int, Span]) -> list[tuple[int, int]]:
        """The names listed from token `start` ('A, B and C'), each as (start, end)."""
        names = []
        index = start
        while index < len(doc):
            ent = ents_by_start.get(index)
            if ent is not None and ent.label_ in ("PER", "ORG", "MISC", PLACE):
                names.append(self._extent(doc, ent))
            elif ent is None and self._title_run(doc, index) > index:
                names.append((index, self._title_run(doc, index)))
            else:
                break
            index = names[-1][1]
            if index < len(doc) and doc[index].lower_ in self.list_joiners:
                while index < len(doc) and doc[index].lower_ in self.list_joiners:
                    index += 1
                continue
            break
        return names

    def _noun_named(self, doc: Doc) -> list[tuple[int, int]]:
        """Names that a place noun before ('the villages of A and B') or after ('A and B
        villages') marks as places."""
        named = []
        ents_by_start = {ent.start: ent for ent in doc.ents}
        index = 0
        while index < len(doc):
            after_noun = index >= 2 and doc[index - 1].lower_ == "of" and doc[index - 2].lower_ in self.place_nouns
            names = self._named_list(doc, index, ents_by_start) if after_noun or doc[index].is_title else []
            if names:
                end = names[-1][1]
                if after_noun or (end < len(doc) and doc[end].lower_ in self.place_nouns):
                    named.extend(names)
                index = end
                continue
            index += 1
        return named

    def _cued(self, doc: Doc, start: int) -> bool:
        if start == 0:
            return False
        before = doc[start - 1]
        return before.lower_ in self.cue_words or (
            before.lower_ in ("and", ",") and start >= 2 and doc[start - 2].ent_type_ == PLACE)

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents
        countries = None  # computed only when a cued name needs it
        spans = []
        for ent in ents:
            start, end = self._extent(doc, ent)
            if ent.label_ == PLACE and (start, end) != (ent.start, ent.end):
                spans.append((Span(doc, start, end, label=PLACE), ent._.source))
            elif ent.label_ in ("PER", "ORG", "MISC") and self._shaped_like_place(doc, start, end):
                spans.append((Span(doc, start, end, label=PLACE), ent._.source))
            elif ent.label_ in ("PER", "ORG", "MISC") and self._cued(doc, start):
                if countries is None:
                    countries = article_countries(ents)
                if resolve_place(doc[start:end].text, countries) is not None:
                    spans.append((Span(doc, start, end, label=PLACE), ent._.source))
                elif (start, end) != (ent.start, ent.end):
                    spans.append((Span(doc, start, end, label=ent.label_), ent._.source))
            elif ent.label_ in ("PER", "ORG", "MISC") and (start, end) != (ent.start, ent.end):
                spans.append((Span(doc, start, end, label=ent.label_), ent._.source))
        _overwrite_ents(doc, (span for span, _ in spans), SOURCE_NER)
        for span, source in spans:
            span._.source = source
        named = [Span(doc, start, end, label=PLACE) for start, end in self._noun_named(doc)
                 if not any(doc[index].ent_type_ in (ACTOR, DATE) for index in range(start, end))]
        _overwrite_ents(doc, named, SOURCE_NER)
        return doc


@Language.factory("conflict_place_linker")
def make_place_linker(nlp: Language, name: str):
    return PlaceLinker()


class PlaceLinker:
    """Resolve PLACE spans in the gazetteer, in the context of the countries the article names
    (so 'Hawija' is the Iraqi town) and of the governorates it names: a village or small town named in
    an article about Hama is the one in Hama or, when the gazetteer has none there, unresolved rather
    than a namesake across the country; a place abroad no other place of the article supports gives
    way the same way. An unresolved place keeps its name with no canonical id."""

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents
        places = [ent for ent in ents if ent.label_ == PLACE]
        countries = doc._.countries = article_countries(ents)
        resolved = {ent.start: resolve_place(ent.text, countries) for ent in places}
        areas: dict[str, tuple[str, ...]] = {}  # country -> the names of its governorates the article names
        for ent in places:
            if names_area(resolved[ent.start]):
                country = resolved[ent.start].country
                areas[country] = tuple(dict.fromkeys((*areas.get(country, ()), ent.text)))
        linked = {}
        for ent in places:
            place = resolved[ent.start]
            if place is not None and place.feature != "country" and not names_area(place):
                if place.country in areas and place.population < AREA_BOUND_MAX_POPULATION:
                    place = resolve_place(ent.text, countries, areas[place.country])
                elif areas and place.country not in areas and place.country not in countries:
                    every_area = tuple(name for names in areas.values() for name in names)
                    place = resolve_place(ent.text, countries, every_area)
            linked[ent.start] = _relabelled(ent, PLACE, place.canonical_id if place else None)
            linked[ent.start]._.place = place
        _replace_ents(doc, ents, linked)
        return doc


@Language.factory("conflict_actor_linker")
def make_actor_linker(nlp: Language, name: str):
    return ActorLinker()


class ActorLinker:
    """Give ACTOR spans their group id and allies, deciding shared aliases ('Kurdish forces',
    'security forces') by the country of the places their own sentence names, else by the article's
    countries, else by where its other actors fight."""

    def __init__(self):
        self.dictionary = load_actor_dictionary()

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents
        actors = [ent for ent in ents if ent.label_ == ACTOR]
        local = _sentence_countries(ents)
        mentions = {ent.start: self.dictionary.resolve(ent.text, local.get(ent.sent.start, ()) + tuple(doc._.countries))
                    for ent in actors}
        # an alias the article's places cannot decide ('rebels', with no place known) is decided by
        # where the other actors it names fight ('rebels' beside the Islamic State are Syrian)
        fought_in = Counter(country for mention in mentions.values() if mention is not None and mention.group
                            for country in self.dictionary.groups[mention.group].countries)
        ranked = fought_in.most_common()
        hints = tuple(doc._.countries) + tuple(country for country, _ in ranked)
        # countries the other actors point to equally ('Pro-government forces' beside the Islamic State,
        # which fights in Iraq and Syria) decide nothing between them: read in the other order too
        tied = [country for country, count in ranked if count == ranked[0][1]] if ranked else []
        swapped = tuple(doc._.countries) + tuple(reversed(tied)) + tuple(country for country, _ in ranked[len(tied):])
        linked = {}
        for ent in actors:
            mention = mentions[ent.start]
            if mention is not None and mention.group is None and hints != tuple(doc._.countries):
                mention = self.dictionary.resolve(ent.text, hints)
                if len(tied) > 1 and mention is not None \
                        and mention.group != _group_of(self.dictionary.resolve(ent.text, swapped)):
                    mention = None
            linked[ent.start] = _relabelled(ent, ACTOR, mention.group if mention else None)
            linked[ent.start]._.allies = mention.allies if mention else ()
        _replace_ents(doc, ents, linked)
        return doc


def _sentence_countries(ents) -> dict[int, tuple[str, ...]]:
    """Sentence start -> the one country of the places (no country itself) that sentence names, for
    sentences whose places all lie in one country: in an article about Syria, 'pro-government forces
    drove IS out of Fallujah' names Iraq's forces, and 'Iraqi and Kurdish forces to retake Mosul' the
    Peshmerga. A country named as such ('fled into Turkey') decides nothing."""
    found: dict[int, set[str]] = {}
    for ent in ents:
        place = ent._.place if ent.label_ == PLACE else None
        if place is not None and place.feature != "country" and place.country:
            found.setdefault(ent.sent.start, set()).add(place.country)
    return {start: tuple(countries) for start, countries in found.items() if len(countries) == 1}


def _group_of(mention) -> str | None:
    return mention.group if mention is not None else None


def _statistical_pipeline(spacy_model: str | None) -> Language | None:
    """The pipeline holding the statistical NER, or None (after one warning) if there is none."""
    try:
        source = load_ner_model() if spacy_model is None else spacy.load(spacy_model)
    except (OSError, ImportError) as error:
        reason = str(error).splitlines()[0]
    else:
        if NER_COMPONENT in source.pipe_names:
            return source
        reason = f"pipeline {spacy_model or 'ner_conll'} has no '{NER_COMPONENT}' component"
    LOGGER.warning("No statistical NER model (%s): entities come from the actor dictionary, the gazetteer "
                   "and the date rules only, so places outside the gazetteer and all person names are missed.",
                   reason)
    return None


def _ner_components(source: Language) -> list[str]:
    """The ner component and the tok2vec components it listens to, in pipeline order."""
    return [name for name, component in source.pipeline
            if name == NER_COMPONENT or NER_COMPONENT in getattr(component, "listening_components", ())]


def build_nlp(spacy_model: str | None = None) -> Language:
    """The pipeline of resources/nlp.cfg around a statistical NER.

    Default: the project's CoNLL model; `spacy_model` names any installed spaCy pipeline
    (en_core_web_sm …) whose OntoNotes labels the entity_labels step maps onto ours. Without
    a model the pipeline runs on dictionaries and rules alone.
    """
    config = load_config(CONFIG_PATH)
    source = _statistical_pipeline(spacy_model)
    nlp = spacy.blank(config["nlp"]["lang"], vocab=source.vocab if source else True)
    if source is not None:
        nlp.tokenizer = source.tokenizer
    left_out = set(config["build"]["without_ner" if source else "with_ner"])
    for name in config["nlp"]["pipeline"]:
        if name in left_out:
            continue
        if name == NER_COMPONENT:
            for component in _ner_components(source):
                nlp.add_pipe(component, source=source)
            continue
        settings = dict(config["components"][name])
        nlp.add_pipe(settings.pop("factory"), name=name, config=settings)
    return nlp


@functools.lru_cache(maxsize=None)
def get_nlp(spacy_model: str | None = None) -> Language:
    """build_nlp() once per process (call it from DoFn.setup)."""
    return build_nlp(spacy_model)


def entities_of(doc: Doc) -> list[dict]:
    """The entities as plain records for the Article: character offsets, canonical id or None."""
    return [{"text": ent.text, "label": ent.label_, "start": ent.start_char, "end": ent.end_char,
             "canonical_id": ent.kb_id_ or None, "source": ent._.source} for ent in doc.ents]

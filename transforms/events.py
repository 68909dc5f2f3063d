"""Territorial-control events read from the sentences of an article.

The pipeline has no dependency parser, so the rules read token sequences around a trigger
(resources/event_rules.yaml): the trigger's frame says where the gaining actor, the losing actor and
the place stand, and a few general rules fill the gaps a sentence leaves: a subject it does not name
comes from the sentences before ('the forces managed to break the siege'), 'the city' is the last
city named, air power backs the actor that takes ground, the date is the sentence's own date
expression, else the dateline or the publication date. Two rules read past a trigger: a broken siege
of stated length ('broke the two-month siege') also reports the siege, dated that long before the
break, and a sentence whose subject is 'The operation' dates the previous sentence's offensive.

One mention is returned per (event, place) and sentence; merging mentions across sentences and
articles is the assembly's job.
"""
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from transforms.actors import load_actor_dictionary
from transforms.dates import dateline_date
from transforms.event_dates import DAY, PRECISIONS, UNKNOWN, at_precision, duration_start, resolve_date, time_before
from transforms.nlp import resolve_place

RULES_PATH = Path(__file__).resolve().parent / "resources" / "event_rules.yaml"

CAPTURE, WITHDRAWAL, SIEGE, SIEGE_BROKEN, OFFENSIVE, HOLD = (
    "CAPTURE", "WITHDRAWAL", "SIEGE", "SIEGE_BROKEN", "OFFENSIVE", "HOLD")
REPORTED, CLAIMED, HYPOTHETICAL = "reported", "claimed", "hypothetical"
AGENT_FIRST, PLACE_FIRST, LOSER_FIRST, NOMINAL, MODIFIER = (
    "agent_first", "place_first", "loser_first", "nominal", "modifier")
NON_STATE, STATE, ANY = "non_state", "state", "any"
ACTOR, PLACE, DATE = "ACTOR", "PLACE", "DATE"
COUNTRY_FEATURE = "country"
NAME_LABELS = frozenset({"PER", "ORG", "MISC"})
PREVIOUS_SENTENCES = 3
_DAY_NUMBER = re.compile(r"^\d{1,2}(st|nd|rd|th)?$")


@dataclass(frozen=True)
class Rule:
    type: str
    frame: str
    passive: bool = True
    by_role: str = "gaining"
    needs_actor: bool = False
    not_after: frozenset = frozenset()
    objects: frozenset = frozenset()
    durative: bool = False  # a cue of duration in the clause turns the event into a HOLD


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    patterns: tuple[list, ...]
    ally_cues: tuple[tuple[str, ...], ...]
    ally_list_words: frozenset
    losing_cues: frozenset
    generic_actors: dict
    support_only: frozenset
    conjunctions: frozenset
    coordination_words: frozenset
    settlement_nouns: frozenset
    route_nouns: frozenset
    route_prepositions: frozenset
    movement_words: frozenset
    near_cues: frozenset
    compass_words: frozenset
    clause_ends: frozenset
    prepositions: frozenset
    max_place_distance: int
    left_fillers: frozenset
    be_forms: frozenset
    non_participles: frozenset
    anaphor_nouns: frozenset
    anaphor_determiners: frozenset
    operation_nouns: frozenset
    vague_objects: frozenset
    listing_cues: frozenset
    region_words: frozenset
    organisation_words: frozenset
    hypothetical: tuple[tuple[str, ...], ...]
    factive_before_to: frozenset
    claimed: tuple[tuple[str, ...], ...]
    negation: tuple[tuple[str, ...], ...]
    negation_window: int
    modal_window: int
    recent_markers: frozenset
    durative_cues: frozenset


def rules_from_data(data: dict) -> Rules:
    """Rules from the parsed YAML structure (see resources/event_rules.yaml)."""
    roles, certainty = data["roles"], data["certainty"]
    phrases = lambda entries: tuple(tuple(word.lower() for word in entry) for entry in entries)  # noqa: E731
    return Rules(
        rules=tuple(Rule(spec["type"], spec["frame"], spec.get("passive", True), spec.get("by", "gaining"),
                         spec.get("needs_actor", False), frozenset(spec.get("not_after", ())),
                         frozenset(spec.get("objects", roles["object_prepositions"])),
                         spec.get("durative", False))
                    for spec in data["rules"]),
        patterns=tuple(spec["patterns"] for spec in data["rules"]),
        ally_cues=phrases(roles["ally_cues"]),
        ally_list_words=frozenset(roles["ally_list_words"]),
        losing_cues=frozenset(roles["losing_cues"]),
        generic_actors=dict(roles["generic_actors"]),
        support_only=frozenset(roles["support_only_nouns"]),
        conjunctions=frozenset(roles["conjunctions"]),
        coordination_words=frozenset(roles["coordination_words"]),
        settlement_nouns=frozenset(roles["settlement_nouns"]),
        route_nouns=frozenset(roles["route_nouns"]),
        route_prepositions=frozenset(roles["route_prepositions"]),
        movement_words=frozenset(roles["movement_words"]),
        near_cues=frozenset(roles["near_cues"]),
        compass_words=frozenset(roles["compass_words"]),
        clause_ends=frozenset(roles["clause_ends"]),
        prepositions=frozenset(roles["prepositions"]),
        max_place_distance=int(roles["max_place_distance"]),
        left_fillers=frozenset(roles["left_fillers"]),
        be_forms=frozenset(roles["be_forms"]),
        non_participles=frozenset(roles["non_participles"]),
        anaphor_nouns=frozenset(roles["anaphor_nouns"]),
        anaphor_determiners=frozenset(roles["anaphor_determiners"]),
        operation_nouns=frozenset(roles["operation_nouns"]),
        vague_objects=frozenset(roles["vague_objects"]),
        listing_cues=frozenset(roles["listing_cues"]),
        region_words=frozenset(roles["region_words"]),
        organisation_words=frozenset(roles["organisation_words"]),
        hypothetical=phrases(certainty["hypothetical"]),
        factive_before_to=frozenset(certainty["factive_before_to"]),
        claimed=phrases(certainty["claimed"]),
        negation=phrases(certainty["negation"]),
        negation_window=int(certainty["negation_window"]),
        modal_window=int(certainty["modal_window"]),
        recent_markers=frozenset(certainty["recent_markers"]),
        durative_cues=frozenset(certainty["durative"]),
    )


@functools.lru_cache(maxsize=None)
def load_rules(path: Path = RULES_PATH) -> Rules:
    """The event rules, parsed once per process."""
    with open(path, encoding="utf-8") as handle:
        return rules_from_data(yaml.safe_load(handle))


_MATCHERS: dict[int, tuple] = {}  # id(vocab) -> (vocab, rules, matcher)


def _matcher(doc: Doc, rules: Rules) -> Matcher:
    """The trigger matcher for the doc's vocabulary, built once per pipeline."""
    key = id(doc.vocab)
    cached = _MATCHERS.get(key)
    if cached is None or cached[0] is not doc.vocab or cached[1] is not rules:
        matcher = Matcher(doc.vocab, validate=True)
        for index, patterns in enumerate(rules.patterns):
            matcher.add(str(index), patterns)
        cached = _MATCHERS[key] = (doc.vocab, rules, matcher)
    return cached[2]


@dataclass
class ActorRef:
    """An actor filling a role: its group and the groups backing it."""
    group: str
    allies: tuple[str, ...] = ()


@dataclass
class PlaceRef:
    name: str
    place: object  # gazetteer Place or None
    start: int  # token index of the mention (or of the anaphor)

    @property
    def display_name(self) -> str:
        """The name as written, but a dateline's capitals ('HAWIJA, Iraq -') in title case."""
        return self.name.title() if self.name.isupper() and len(self.name) > 3 else self.name

    def record(self) -> dict:
        place = self.place
        if place is None:
            return {"name": self.display_name, "canonical_id": None, "geonames_id": None, "lat": None, "lon": None,
                    "country": None, "admin1": None, "feature": None, "resolved": False}
        return {"name": self.display_name, "canonical_id": place.canonical_id, "geonames_id": place.geonames_id,
                "lat": place.lat, "lon": place.lon, "country": place.country, "admin1": place.admin1,
                "feature": place.feature, "resolved": True}


@dataclass
class Trigger:
    rule: Rule
    start: int
    end: int
    type: str = ""  # the rule's type, unless a cue of duration made a capture a hold
    passive: bool = False
    gaining: ActorRef | None = None
    losing: str | None = None
    allies: list[str] = field(default_factory=list)
    places: list[PlaceRef] = field(default_factory=list)


class ArticleReader:
    """What one article's rules need beyond a sentence: its entities, dates and main actor."""

    def __init__(self, doc: Doc, article: dict, rules: Rules):
        self.doc, self.article, self.rules = doc, article, rules
        self.dictionary = load_actor_dictionary()
        self.demonyms = frozenset(demonym.lower() for group in self.dictionary.groups.values()
                                  for demonym in group.demonyms + group.names)
        self.non_state = frozenset(group_id for group_id, group in self.dictionary.groups.items() if not group.state)
        self.ents_at = {}
        for ent in doc.ents:
            for index in range(ent.start, ent.end):
                self.ents_at[index] = ent
        self.published = article.get("published_date") or (
            article["published_at"].date() if article.get("published_at") else None)
        self.dateline = dateline_date(doc.text)
        self.sentences = list(sentence_units(doc))
        actor_counts = Counter(ent.kb_id_ for ent in doc.ents if ent.label_ == ACTOR and ent.kb_id_
                               and not self.support_only(ent))
        self.main_actor = actor_counts.most_common(1)[0][0] if actor_counts else None
        places = [ent for ent in doc.ents if self.event_place(ent) and ent.kb_id_]
        self.place_counts = Counter(ent.kb_id_ for ent in places)
        self.main_place = next((ent for key, _ in self.place_counts.most_common(1) for ent in places
                                if ent.kb_id_ == key), None)
        self._sides: dict[str, frozenset] = {}

    # -- entities ---------------------------------------------------------------------------------
    def ent(self, index: int, label: str) -> Span | None:
        ent = self.ents_at.get(index)
        return ent if ent is not None and ent.label_ == label else None

    def event_place(self, ent: Span) -> bool:
        """A place an event can happen in: not a country, not a demonym the model took for a place,
        not a route's end."""
        if ent.label_ != PLACE or self.names_actor(ent.text) or _is_acronym(ent.text):
            return False
        return not self.describes_actor(ent) and not self.describes_place(ent) and not self.route_end(ent.start) \
            and (ent._.place is None or ent._.place.feature != COUNTRY_FEATURE)

    def describes_actor(self, name: Span) -> bool:
        """'Sunni militants', 'Aleppo rebels': a name before an actor noun describes the actor."""
        return name.end < len(self.doc) and self.doc[name.end].lower_ in self.rules.generic_actors

    def describes_place(self, name: Span) -> bool:
        """'the Turkmen town of Amerli', 'the Kurdish villages of X and Y': a name between a
        determiner and a settlement noun with 'of' and a name describes the place named after them
        (but 'Kasra village of northern Hama' is Kasra, 'the Yarmuk neighbourhood of Raqqa' Yarmuk)."""
        doc, start, end = self.doc, name.start, name.end
        return 0 < start and end + 2 < len(doc) and doc[start - 1].lower_ in self.rules.anaphor_determiners \
            and doc[end].lower_ in self.rules.settlement_nouns and doc[end + 1].lower_ == "of" \
            and doc[end + 2].is_title

    def route_end(self, index: int) -> bool:
        """'the desert road from Palmyra', 'columns advancing from Palmyra': a place named as a
        route's end or where forces came from, not where the event happened."""
        if index == 0 or self.doc[index - 1].lower_ not in self.rules.route_prepositions:
            return False
        before = [token.lower_ for token in self.doc[max(0, index - 6):index - 1]]
        return any(word in self.rules.route_nouns for word in before[-2:]) or (
            self.doc[index - 1].lower_ == "from" and any(word in self.rules.movement_words for word in before))

    def names_actor(self, text: str) -> bool:
        """'Syrian', 'US': a demonym or actor name that a model may have taken for a place."""
        return text.lower() in self.demonyms or self.dictionary.resolve(text) is not None

    def support_only(self, ent: Span) -> bool:
        return ent.text.split()[-1].lower() in self.rules.support_only

    def actor_at(self, index: int) -> tuple[Span, ActorRef] | None:
        """The actor whose mention covers token `index`: an ACTOR, or a country as its state forces."""
        ent = self.ents_at.get(index)
        if ent is None:
            return None
        if ent.label_ == ACTOR and ent.kb_id_:
            return ent, ActorRef(ent.kb_id_, tuple(ent._.allies))
        if ent.label_ == PLACE and ent._.place is not None and ent._.place.feature == COUNTRY_FEATURE:
            group = self.dictionary.state_actor(ent._.place.country)
            if group and not self._after_preposition(ent.start):
                return ent, ActorRef(group)
        return None

    def _after_preposition(self, index: int) -> bool:
        return index > 0 and self.doc[index - 1].lower_ in self.rules.prepositions

    def side_of(self, group: str) -> frozenset:
        """`group` and the groups the article names backing it ('X-backed', 'backed by X') or
        fighting with it ('Iraqi forces and Shiite militias'): a generic noun for its enemy
        stands for none of them."""
        side = self._sides.get(group)
        if side is not None:
            return side
        side = {group}
        for sentence in self.sentences:
            actors = [found for index in range(sentence.start, sentence.end)
                      if (found := self.actor_at(index)) is not None and found[0].start == index]
            if group not in {actor.group for _, actor in actors}:
                continue
            backers = ally_positions(self, sentence)
            for ent, actor in actors:
                if ent.start in backers:
                    side.add(actor.group)
                elif actor.group == group:
                    side.update(actor.allies)
            for (first, first_actor), (second, second_actor) in zip(actors, actors[1:]):
                if group in (first_actor.group, second_actor.group) \
                        and self.doc[first.end:second.start].text.strip() in ("and", ","):
                    side.update((first_actor.group, second_actor.group))
        side = self._sides[group] = frozenset(side)
        return side

    # -- anaphora ---------------------------------------------------------------------------------
    def anaphor_place(self, index: int) -> PlaceRef | None:
        """'the village' at token `index` (the noun): the last place named before it that a name
        with the same noun introduced ('Kasra village'), else the last one the article names more
        than once (a photo credit's name is no antecedent), else the last one, else the article's
        most named place; a region ('eastern Hama') is no antecedent."""
        noun = self.doc[index].lower_
        candidates = [ent for ent in self.doc.ents if ent.end <= index and self.event_place(ent)
                      and not self.regional(ent.start, ent.end)
                      and (ent._.place is None or ent._.place.feature != "admin1")]
        mentions = Counter(ent.text.lower() for ent in candidates)
        for ent in sorted(candidates, key=lambda ent: (not self.named_with(ent, noun),
                                                       mentions[ent.text.lower()] < 2, -ent.start)):
            return PlaceRef(ent.text, ent._.place, index)
        if self.main_place is not None:
            return PlaceRef(self.main_place.text, self.main_place._.place, index)
        return None

    def named_with(self, ent: Span, noun: str) -> bool:
        """'Kasra village', 'the village of Kasra' (singular or plural noun)."""
        nouns = (noun, noun + "s", noun.removesuffix("s"))
        after = self.doc[ent.end].lower_ if ent.end < len(self.doc) else ""
        before = self.doc[ent.start - 2].lower_ if ent.start >= 2 and self.doc[ent.start - 1].lower_ == "of" else ""
        return after in nouns or before in nouns

    def regional(self, start: int, end: int) -> bool:
        """'eastern Hama', 'the countryside of Idleb', 'Deir ez-Zor countryside': a region the
        event happened in, not its place."""
        doc, words = self.doc, self.rules.region_words
        before = [doc[i].lower_ for i in range(max(0, start - 2), start)]
        return bool(before) and (before[-1] in words or before[-1] == "of" and len(before) == 2 and before[0] in words) \
            or end < len(doc) and doc[end].lower_ in words

    def generic_actor(self, token_index: int, kind: str, exclude: Collection[str]) -> ActorRef | None:
        """The actor a generic noun ('the militants') stands for: the last one of its kind named
        that is not in `exclude`."""
        if kind == ANY:
            return self.context_actor(token_index, exclude)
        for ent in reversed(self.doc.ents):
            if ent.end > token_index or ent.label_ != ACTOR or not ent.kb_id_ or ent.kb_id_ in exclude:
                continue
            if (ent.kb_id_ in self.non_state) == (kind == NON_STATE) and not self.support_only(ent):
                return ActorRef(ent.kb_id_, tuple(ent._.allies))
        return None

    def context_actor(self, token_index: int, exclude: Collection[str]) -> ActorRef | None:
        """The subject of the nearest previous sentence naming an actor (its first actor that is no
        ally and can take ground), else the article's main actor."""
        previous = [sentence for sentence in self.sentences if sentence.end <= token_index]
        for sentence in reversed(previous[-PREVIOUS_SENTENCES:]):
            allies = ally_positions(self, sentence)
            for index in range(sentence.start, sentence.end):
                found = self.actor_at(index)
                if found is None or found[0].start != index or index in allies:
                    continue
                ent, actor = found
                if actor.group not in exclude and not (ent.label_ == ACTOR and self.support_only(ent)):
                    return actor
        if self.main_actor and self.main_actor not in exclude:
            return ActorRef(self.main_actor)
        return None


def sentence_units(doc: Doc):
    """The sentences, split again at line breaks: a headline or caption has no full stop."""
    for sentence in doc.sents:
        start = sentence.start
        for token in sentence:
            if token.is_space and "\n" in token.text:
                if token.i > start:
                    yield doc[start:token.i]
                start = token.i + 1
        if start < sentence.end:
            yield doc[start:sentence.end]


def _phrase_before(doc: Doc, index: int, phrases, lower_bound: int) -> bool:
    """Whether one of `phrases` ends right before token `index` (not before `lower_bound`)."""
    for phrase in phrases:
        begin = index - len(phrase)
        if begin >= lower_bound and all(doc[begin + k].lower_ == word for k, word in enumerate(phrase)):
            return True
    return False


def _phrase_within(doc: Doc, start: int, end: int, phrases) -> bool:
    return any(_phrase_before(doc, index, phrases, start) for index in range(start + 1, end + 1))


def ally_positions(reader: ArticleReader, sentence: Span) -> set[int]:
    """Token indexes of the actors that back another: after 'backed by', 'with the support of', and
    the actors listed with them, up to a comma or the next verb-like word."""
    doc, rules = reader.doc, reader.rules
    positions: set[int] = set()
    index = sentence.start
    while index < sentence.end:
        if not _phrase_before(doc, index, rules.ally_cues, sentence.start):
            index += 1
            continue
        cue_end = index
        while index < sentence.end and doc[index].text != ";" and not doc[index].is_space:
            found = reader.actor_at(index)
            if found is not None:
                positions.update(range(found[0].start, found[0].end))
                index = found[0].end
                continue
            if doc[index].text == "," and not (index + 1 < sentence.end and (
                    reader.actor_at(index + 1) is not None or doc[index + 1].lower_ in rules.ally_list_words)):
                break  # a comma ends the list unless another backer follows it
            if doc[index].lower_ not in rules.ally_list_words and doc[index].text != "," \
                    and not doc[index].lower_.endswith("-led"):
                break
            index += 1
        index = max(index, cue_end + 1)
    return positions


class SentenceReader:
    """The events of one sentence unit."""

    def __init__(self, reader: ArticleReader, sentence: Span):
        self.reader, self.sentence = reader, sentence
        self.doc, self.rules = reader.doc, reader.rules
        self.allies = ally_positions(reader, sentence)
        words = [token for token in sentence if token.is_alpha and not token.is_stop]
        # a headline or list capitalises every word: its capitals say nothing about names
        self._headline = len(words) >= 4 and sum(token.is_title for token in words) > 0.7 * len(words)

    def triggers(self) -> list[Trigger]:
        matches = _matcher(self.doc, self.rules)(self.sentence, as_spans=True)
        triggers = []
        for span in filter_spans(matches):
            rule = self.rules.rules[int(span.label_)]
            if span.start > self.sentence.start and self.doc[span.start - 1].lower_ in rule.not_after:
                continue
            triggers.append(Trigger(rule, span.start, span.end, HOLD if self._durative(rule, span) else rule.type))
        return triggers

    def _durative(self, rule: Rule, span: Span) -> bool:
        """'controlled the city for three years', 'had long controlled': a state, not an act."""
        if not rule.durative:
            return False
        start = self.clause_start(Trigger(rule, span.start, span.end))
        end = next((index for index in range(span.end, self.sentence.end)
                    if self.doc[index].lower_ in self.rules.clause_ends), self.sentence.end)
        return any(self.doc[index].lower_ in self.rules.durative_cues for index in range(start, end))

    # -- places -----------------------------------------------------------------------------------
    def _is_near(self, index: int) -> bool:
        """A place preceded by 'near', 'around', 'north of' is where the event is near; one after
        'the road from' is where a route ends."""
        doc, start = self.doc, self.sentence.start
        if self.reader.route_end(index):
            return True
        before = [doc[i].lower_ for i in range(max(start, index - 3), index)]
        if before and before[-1] in self.rules.near_cues:
            return True
        return len(before) >= 2 and before[-1] == "of" and before[-2] in self.rules.compass_words and not (
            len(before) >= 3 and before[-3] in ("the", "in"))

    def _name_at(self, index: int) -> Span | None:
        """A name the model did not take for a place (a village it read as a person) or did not
        mark at all: a PER/ORG/MISC entity, or a run of capitalised words, that names no actor."""
        ent = self.reader.ents_at.get(index)
        if ent is not None:
            if ent.start == index and ent.label_ in NAME_LABELS and not self._names_no_place(ent):
                return ent
            return None
        if self._headline or self.doc[index].lower_ in self.rules.compass_words \
                or self.doc[index].lower_ in self.reader.demonyms:
            return None  # 'Turkish F-16s', 'West', a headline's capitals: no unknown place
        end = index
        while end < self.sentence.end and end - index < 4 and self.reader.ents_at.get(end) is None and (
                self.doc[end].is_title and not self.doc[end].is_stop
                or end > index and self.doc[end].lower_ in ("al", "-") and end + 1 < self.sentence.end
                and self.doc[end + 1].is_title):
            end += 1
        if end == index or index == self.sentence.start or self._names_no_place(self.doc[index:end]):
            return None
        return self.doc[index:end]

    def _names_no_place(self, name: Span) -> bool:
        """An actor ('Syrian', 'Syrias' with its apostrophe lost), an organisation ('NGO', 'the UN
        Security Council'), a name before an actor noun, a descriptor ('the Turkmen town of'), or a
        model number ('F-16s')."""
        text = name.text
        return self.reader.names_actor(text) or self.reader.names_actor(text.removesuffix("s")) \
            or _is_acronym(text) or name[-1].lower_ in self.rules.organisation_words \
            or self.reader.describes_actor(name) or self.reader.describes_place(name) \
            or any(char.isdigit() for char in text)

    def _place_at(self, index: int, in_slot: bool = True) -> PlaceRef | None:
        """The place named at token `index`; `in_slot`: the position is a trigger's place slot, where
        an unknown capitalised name is taken for a place."""
        ent = self.reader.ents_at.get(index)
        if ent is not None and ent.label_ == PLACE and ent.start == index:
            if self.reader.event_place(ent) and not self._is_near(index):
                return PlaceRef(ent.text, ent._.place, index)
            return None
        name = self._name_at(index) if in_slot else None
        if name is not None and not self._is_near(index):
            return PlaceRef(name.text, resolve_place(name.text, tuple(self.doc._.countries)), index)
        token = self.doc[index]
        if token.lower_ in self.rules.anaphor_nouns and self._anaphor_determiner(index) and not (
                index + 2 < self.sentence.end and self.doc[index + 1].lower_ == "of"
                and self.reader.ent(index + 2, PLACE) is not None):
            return self.antecedent(index) or self.reader.anaphor_place(index)
        return None

    def antecedent(self, index: int) -> PlaceRef | None:
        """The first place the sentence names before token `index` that is no region: 'clashes in
        Kasra village in eastern Hama, where IS took control (of the village)' happened in Kasra."""
        position = self.sentence.start
        while position < index:
            ent = self.reader.ents_at.get(position)
            cued = position > self.sentence.start and self.doc[position - 1].lower_ in ("in", "at", "of")
            place = self._place_at(position, in_slot=cued) if ent is None or ent.start == position else None
            end = ent.end if ent is not None else position + 1
            if place is not None and end <= index and not self.reader.regional(position, end) and (
                    place.place is None or place.place.feature != "admin1"):
                return PlaceRef(place.name, place.place, index)
            position = end
        return None

    def vague_object(self, trigger: Trigger) -> bool:
        """Whether the trigger's object is missing or vague ('established control.', 'took it
        over', 'took control of the area'), so its place is the sentence's antecedent."""
        index = trigger.end
        while index < self.sentence.end and (self.doc[index].lower_ in self.rules.anaphor_determiners
                                             or self.doc[index].lower_ in ("entire", "whole", "remaining")):
            index += 1
        if index >= self.sentence.end:
            return True
        word = self.doc[index]
        return word.lower_ in self.rules.vague_objects or word.is_punct or word.lower_ in self.rules.clause_ends \
            or (word.lower_ in self.rules.prepositions and word.lower_ not in trigger.rule.objects)

    def _anaphor_determiner(self, index: int) -> bool:
        for back in range(index - 1, max(self.sentence.start, index - 4) - 1, -1):
            word = self.doc[back]
            if word.lower_ in self.rules.anaphor_determiners:
                return True
            if not (word.is_alpha and word.is_lower) or word.lower_ in self.rules.prepositions:
                return False
        return False

    def _coordinated(self, first: PlaceRef, index: int, step: int, limit: int) -> list[PlaceRef]:
        """The place at `index` and those listed with it ('the villages of Darwish and Ameriya')."""
        places = [first]
        skip = self.reader.ents_at.get(index)
        index = (skip.end if step > 0 else skip.start - 1) if skip is not None else index + step
        joined = False
        while 0 <= index < len(self.doc) and (index < limit if step > 0 else index >= limit):
            word = self.doc[index].lower_
            ent = self.reader.ents_at.get(index)
            start = ent.start if ent is not None and step < 0 else index
            place = self._place_at(start) if joined and (step > 0 or ent is not None) else None
            if place is not None:
                places.append(place)
                index = (ent.end if ent is not None else index + len(place.name.split())) if step > 0 else start - 1
                joined = False
                continue
            if word in ("and", ",", "&", "as", "well") or (word == "the" and joined):
                joined = joined or word in ("and", ",", "&")
                index += step
                continue
            break
        return places

    def places_after(self, trigger: Trigger, limit: int) -> list[PlaceRef]:
        """The place(s) of the trigger's object: within a few words (an actor counts as one), before
        the clause ends or a preposition the rule does not read through."""
        rules = self.rules
        index, steps = trigger.end, 0
        while index < limit and steps < rules.max_place_distance:
            word = self.doc[index].lower_
            place = self._place_at(index)
            if place is not None:
                return self._coordinated(place, index, 1, limit)
            if word in rules.clause_ends or (word in rules.prepositions and word not in trigger.rule.objects) \
                    or self.doc[index].is_space:
                return []
            found = self.reader.actor_at(index)
            index = found[0].end if found is not None else index + 1
            steps += 1
        return []

    def places_listed(self, trigger: Trigger, limit: int) -> list[PlaceRef]:
        """'took control of 20 villages in northern Hama, including Kasra and Jdideh': the places
        named after 'including' in the trigger's clause."""
        for index in range(trigger.end, limit - 1):
            word = self.doc[index].lower_
            if word in self.rules.clause_ends or self.doc[index].is_space:
                return []
            if word in self.rules.listing_cues:
                place = self._place_at(index + 1)
                return self._coordinated(place, index + 1, 1, limit) if place is not None else []
        return []

    def places_before(self, trigger: Trigger, limit: int) -> list[PlaceRef]:
        """The place right before the trigger (only fillers such as 'was', 'which', 'still' between)."""
        index = trigger.start - 1
        while index >= limit and self.doc[index].lower_ in self.rules.left_fillers:
            index -= 1
        if index < limit:
            return []
        ent = self.reader.ents_at.get(index)
        place = self._place_at(ent.start if ent is not None else index)
        if place is None:
            return []
        return self._coordinated(place, place.start, -1, limit)

    # -- actors -----------------------------------------------------------------------------------
    def actor_before(self, trigger: Trigger, limit: int) -> tuple[Span, ActorRef] | None:
        """The nearest actor before the trigger that is no ally and not the object of a preposition."""
        index = trigger.start - 1
        while index >= limit:
            found = self.reader.actor_at(index)
            if found is not None:
                ent, actor = found
                if ent.start not in self.allies and not self.reader._after_preposition(ent.start):
                    return found
                index = ent.start
            index -= 1
        return None

    def coalition(self, ent: Span, actor: ActorRef) -> ActorRef:
        """'Iraqi forces and Popular Mobilisation units took Tikrit', 'Turkish troops and allied
        rebels': actors joined by a conjunction act as a coalition led by the first named, the
        others its allies (a commas-list joins only before a conjunction: 'X, Y and Z')."""
        members = [actor]
        while True:
            index, between = ent.start - 1, set()
            while index >= self.sentence.start and self.doc[index].lower_ in self.rules.coordination_words:
                between.add(self.doc[index].lower_)
                index -= 1
            found = self.reader.actor_at(index) if index >= self.sentence.start and between else None
            joined = between & self.rules.conjunctions or (len(members) > 1 and "," in between)
            if found is None or not joined or found[0].start in self.allies \
                    or self.reader._after_preposition(found[0].start) \
                    or (found[0].label_ == ACTOR and self.reader.support_only(found[0])):
                break
            ent = found[0]
            members.insert(0, found[1])
        leader, followers = members[0], members[1:]
        allies = [group for member in followers for group in (member.group, *member.allies)]
        return ActorRef(leader.group, tuple(dict.fromkeys((*leader.allies, *allies))))

    def sentence_subject(self, trigger: Trigger) -> tuple[Span, ActorRef] | None:
        """The first actor of the sentence that is no ally and not the object of a preposition."""
        index = self.sentence.start
        while index < trigger.start:
            found = self.reader.actor_at(index)
            if found is None:
                index += 1
                continue
            ent = found[0]
            if ent.start not in self.allies and not self.reader._after_preposition(ent.start) \
                    and not (ent.label_ == ACTOR and self.reader.support_only(ent)):
                return found
            index = ent.end
        return None

    def generic_before(self, trigger: Trigger, limit: int, exclude: Collection[str]) -> ActorRef | None:
        """'the forces managed to', 'the militants were': a generic noun standing for an actor."""
        for index in range(trigger.start - 1, max(limit, trigger.start - 6) - 1, -1):
            kind = self.rules.generic_actors.get(self.doc[index].lower_)
            if kind and not self.reader._after_preposition(index):
                return self.reader.generic_actor(index, kind, exclude)
        return None

    def actor_after(self, trigger: Trigger, cues, limit: int, exclude: Collection[str] = ()) -> ActorRef | None:
        """The actor after one of the cue words ('by', 'from', 'to') right of the trigger; a generic
        noun there ('by the militants') stands for none in `exclude`."""
        for index in range(trigger.start, min(limit, trigger.end + self.rules.max_place_distance + 4)):
            if self.doc[index].lower_ in self.rules.clause_ends:
                return None
            if self.doc[index].lower_ not in cues:
                continue
            for following in range(index + 1, min(limit, index + 4)):
                found = self.reader.actor_at(following)
                if found is not None and not (found[0].label_ == ACTOR and self.reader.support_only(found[0])):
                    return found[1]
                kind = self.rules.generic_actors.get(self.doc[following].lower_)
                if kind and kind != ANY:
                    return self.reader.generic_actor(following, kind, exclude)
        return None

    def modifier_actor(self, trigger: Trigger) -> ActorRef | None:
        """'IS-held': the actor written before the hyphen."""
        for start in range(max(self.sentence.start, trigger.start - 4), trigger.start):
            group = self.reader.dictionary.resolve(self.doc[start:trigger.start].text, self.doc._.countries)
            if group is not None and group.group:
                return ActorRef(group.group)
        return None

    def is_passive(self, trigger: Trigger) -> bool:
        """A form of 'be' before the trigger, which is a participle: 'was captured', not 'were
        able to control', and not 'IS' (the Islamic State) before 'captured'."""
        if self.doc[trigger.start].lower_ in self.rules.non_participles:
            return False
        index = trigger.start - 1
        while index >= self.sentence.start and self.doc[index].lower_.endswith("ly"):
            index -= 1
        return index >= self.sentence.start and self.doc[index].lower_ in self.rules.be_forms \
            and self.reader.ents_at.get(index) is None

    # -- certainty and date -----------------------------------------------------------------------
    def clause_start(self, trigger: Trigger) -> int:
        for index in range(trigger.start - 1, self.sentence.start - 1, -1):
            if self.doc[index].text in (";", "“", "”", '"') or self.doc[index].lower_ == "but":
                return index + 1
        return self.sentence.start

    def certainty(self, trigger: Trigger) -> str | None:
        """reported, claimed or hypothetical; None when the sentence denies the event."""
        doc, rules = self.doc, self.rules
        if trigger.rule.frame == MODIFIER:
            return REPORTED  # 'the IS-held town' states who holds it, whatever the clause says of it
        start = self.clause_start(trigger)
        if _phrase_within(doc, max(start, trigger.start - rules.negation_window), trigger.start, rules.negation):
            return None
        if self.sentence.text.rstrip().endswith("?"):
            return HYPOTHETICAL
        if _phrase_within(doc, max(start, trigger.start - rules.modal_window), trigger.start, rules.hypothetical):
            return HYPOTHETICAL
        before = trigger.start - 1
        while before > start and doc[before].lower_.endswith("ly"):
            before -= 1
        if (before >= start and doc[before].lower_ == "to" and trigger.rule.frame != NOMINAL
                and not (before > start and doc[before - 1].lower_ in rules.factive_before_to)):
            return HYPOTHETICAL
        if _phrase_within(doc, self.sentence.start, trigger.start, rules.claimed):
            return CLAIMED
        return REPORTED

    def date(self, trigger: Trigger) -> tuple[dt.date | None, str]:
        """The sentence's date expression nearest the trigger, else the dateline or publication day
        (day precision only when the sentence reports something current); for a trigger in a
        clause 'ten months after ...', that long before the date of the clause around it."""
        return self.relative_date(trigger) or self.stated_date(trigger.start, trigger.end) \
            or self._default_date(trigger)

    def relative_date(self, trigger: Trigger) -> tuple[dt.date | None, str] | None:
        """'recaptured Palmyra on Sunday, ten months after the city fell': the event of a clause
        opened by 'N units after' came that long before the date of the clause around it, known
        no more precisely than either."""
        after = self._opening_after(trigger)
        if after is None:
            return None
        begin = max(self.sentence.start, after - 2)
        end = next((index for index in range(trigger.end, self.sentence.end)
                    if self.doc[index].text in (",", ";") or self.doc[index].lower_ in self.rules.clause_ends),
                   self.sentence.end)
        main = self.stated_date(begin, after, outside=range(begin, end)) or self._default_date(trigger)
        if main[0] is None:
            return main
        earlier = time_before(self.doc[begin:after].text, main[0])
        return _no_finer(earlier, main[1]) if earlier is not None else None

    def _opening_after(self, trigger: Trigger) -> int | None:
        """The 'after' that opens the trigger's clause, if one does."""
        for index in range(trigger.start - 1, self.sentence.start, -1):
            word = self.doc[index]
            if word.lower_ == "after":
                return index
            if word.text in (",", ";") or word.lower_ in self.rules.clause_ends:
                return None
        return None

    def _default_date(self, trigger: Trigger) -> tuple[dt.date | None, str]:
        """The dateline or publication day, at day precision only when the trigger's clause
        reports something current."""
        reader = self.reader
        fallback = reader.dateline or reader.published
        if fallback is None:
            return None, UNKNOWN
        start = self.clause_start(trigger)
        recent = trigger.type == HOLD or self.sentence.start == reader.sentences[0].start or any(
            self.doc[index].lower_ in self.rules.recent_markers for index in range(start, trigger.start))
        return fallback, DAY if recent else UNKNOWN

    def stated_date(self, start: int, end: int, outside: range = range(0)) -> tuple[dt.date, str] | None:
        """The date of the sentence's date expression nearest tokens start..end (and not within
        the tokens `outside`), if one names a date up to the publication day (a day later for time
        zones)."""
        published = self.reader.published
        if published is None:
            return None
        dates = sorted((ent for ent in self.sentence.ents if ent.label_ == DATE
                        and not (ent.start < outside.stop and ent.end > outside.start)),
                       key=lambda ent: min(abs(ent.start - start), abs(ent.end - end)))
        for ent in dates:
            resolved = resolve_date(self._date_text(ent), published)
            if resolved is not None and resolved[0] <= published + dt.timedelta(days=1):
                return resolved
        return None

    def _date_text(self, ent: Span) -> str:
        """The expression with a day number the date rules left out ('November' + '21st')."""
        after = self.doc[ent.end] if ent.end < self.sentence.end else None
        if after is not None and len(ent) == 1 and ent[0].is_title and _DAY_NUMBER.match(after.text):
            return f"{ent.text} {after.text}"
        return ent.text

    # -- assembly ---------------------------------------------------------------------------------
    def fill(self, trigger: Trigger, previous: Trigger | None, next_start: int) -> None:
        """Find the trigger's place(s) and actors according to its frame."""
        rule, start = trigger.rule, self.sentence.start
        left_limit = previous.end if previous is not None else start
        frame = rule.frame
        trigger.passive = frame == AGENT_FIRST and rule.passive and self.is_passive(trigger)
        if frame == MODIFIER:
            trigger.places = self.places_after(trigger, min(next_start, trigger.end + 6))[:1]
            trigger.gaining = self.modifier_actor(trigger)
            return
        if frame == PLACE_FIRST or trigger.passive:
            trigger.places = self.places_before(trigger, left_limit)
            trigger.gaining = self.actor_after(trigger, ("by", "to", "of", "control", "hands"), next_start) \
                or self._inside_actor(trigger)
            trigger.losing = _group(self.actor_after(trigger, ("from",), next_start))
            return
        trigger.places = self.places_after(trigger, next_start)
        if frame == AGENT_FIRST and trigger.type == CAPTURE and not trigger.places:
            trigger.places = self.places_listed(trigger, next_start)
        if frame == AGENT_FIRST and trigger.type == CAPTURE and self.vague_object(trigger):
            antecedent = self.antecedent(trigger.start)
            trigger.places = [antecedent] if antecedent is not None else trigger.places
        if frame == NOMINAL:
            trigger.gaining = self.actor_after(trigger, ("by",), next_start) or self._inside_actor(trigger)
        trigger.losing = _group(self.actor_after(trigger, self.rules.losing_cues - {"of"}, next_start))
        if rule.by_role == "losing":
            trigger.losing = self._by_loser(trigger, next_start, ()) or trigger.losing
        elif rule.by_role == "inside":
            trigger.losing = _group(self._inside_actor(trigger)) or trigger.losing
        subject = self._subject(trigger, previous, left_limit)
        if frame == LOSER_FIRST:
            trigger.losing = subject.group if subject else trigger.losing
            trigger.gaining = None if rule.type == WITHDRAWAL else self.actor_after(
                trigger, ("by", "to"), next_start)
        elif trigger.gaining is None:
            trigger.gaining = subject
        if rule.by_role == "losing" and trigger.gaining is not None:
            side = self.reader.side_of(trigger.gaining.group)
            if trigger.losing in side:  # 'broke the siege imposed by the militants' names no ally of the breaker
                trigger.losing = self._by_loser(trigger, next_start, side)

    def _by_loser(self, trigger: Trigger, next_start: int, exclude: Collection[str]) -> str | None:
        """'the siege of Amerli by IS', 'the Islamic State siege': the actor the rule's 'by' names."""
        return _group(self.actor_after(trigger, ("by",), next_start, exclude) or self._inside_actor(trigger))

    def _inside_actor(self, trigger: Trigger) -> ActorRef | None:
        """'under ISIS's control', 'the Islamic State siege': an actor inside the trigger span."""
        for index in range(trigger.start, trigger.end):
            found = self.reader.actor_at(index)
            if found is not None:
                return found[1]
        return None

    def _subject(self, trigger: Trigger, previous: Trigger | None, left_limit: int) -> ActorRef | None:
        """Who acts: the nearest actor before the trigger; for verbs joined by 'and' the previous
        trigger's; else a generic noun's referent, else the previous sentences' subject. A participle
        after a comma ('X battled Y in Z, taking it over') has the sentence's subject."""
        participle = trigger.start > self.sentence.start and self.doc[trigger.start - 1].text == "," \
            and self.doc[trigger.start].lower_.endswith("ing")
        found = self.sentence_subject(trigger) if participle else None
        found = found or self.actor_before(trigger, left_limit)
        generic_at = next((index for index in range(trigger.start - 1, max(left_limit, trigger.start - 6) - 1, -1)
                           if self.rules.generic_actors.get(self.doc[index].lower_) in (STATE, NON_STATE)
                           and not self.reader._after_preposition(index)), None)
        if found is not None and (generic_at is None or found[0].end > generic_at):
            ent, actor = found
            if not (ent.label_ == ACTOR and self.reader.support_only(ent)):
                return self.coalition(ent, actor)
            return None  # air power named as the subject: it backs an actor the sentence leaves unnamed
        if previous is not None and previous.gaining is not None and self.doc[trigger.start - 1].lower_ == "and":
            return previous.gaining
        if trigger.rule.needs_actor:
            return None
        generic = self.generic_before(trigger, self.sentence.start, (trigger.losing,))
        if generic is not None:
            return generic
        return self.reader.context_actor(trigger.start, (trigger.losing,))

    def allies_of(self, trigger: Trigger) -> list[str]:
        allies = list(trigger.gaining.allies) if trigger.gaining else []
        for index in sorted(self.allies):
            found = self.reader.actor_at(index)
            if found is not None and found[0].start == index:
                allies.append(found[1].group)
        for index in range(self.sentence.start, self.sentence.end):
            ent = self.reader.ent(index, ACTOR)
            if ent is not None and ent.start == index and ent.kb_id_ and self.reader.support_only(ent) \
                    and index < trigger.start:
                allies.append(ent.kb_id_)
        gaining = trigger.gaining.group if trigger.gaining else None
        return [group for group in dict.fromkeys(allies) if group not in (gaining, trigger.losing)]

    def mentions(self) -> list[dict]:
        triggers = self.triggers()
        previous = None
        for number, trigger in enumerate(triggers):
            # an 'X-held' modifier sits inside another trigger's object and bounds no search
            following = [other.start for other in triggers[number + 1:] if other.rule.frame != MODIFIER]
            self.fill(trigger, previous, following[0] if following else self.sentence.end)
            if trigger.rule.frame != MODIFIER:
                previous = trigger
        holders = {}  # place key -> holder of an 'X-held' place that changes hands here
        for trigger in triggers:
            if trigger.rule.frame == MODIFIER and trigger.gaining is not None:
                for place in trigger.places:
                    holders[_place_key(place)] = trigger.gaining.group
        mentions = []
        for trigger in triggers:
            certainty = self.certainty(trigger)
            if certainty is None or not trigger.places or (
                    trigger.gaining is None and trigger.type != WITHDRAWAL):
                continue  # denied, placeless, or nobody named who gains: nothing the record can use
            event_date, precision = self.date(trigger)
            for place in trigger.places:
                key = _place_key(place)
                if trigger.rule.frame == MODIFIER and any(
                        other.type != HOLD and key in map(_place_key, other.places) for other in triggers):
                    continue  # 'liberated the IS-held town': IS is the loser, not a holder to report
                losing = trigger.losing or (holders.get(key) if trigger.type != HOLD else None)
                gaining = trigger.gaining.group if trigger.gaining else None
                if trigger.type == WITHDRAWAL:
                    gaining = None
                if losing == gaining:
                    losing = None
                mentions.append(self._mention(trigger, place, gaining, losing, certainty, event_date, precision))
                began = self.siege_began(trigger, event_date, precision) if losing else None
                if began is not None:
                    mentions.append(self._mention(trigger, place, losing, None, certainty, *began, event_type=SIEGE,
                                                  allies=[]))
        return mentions

    def siege_began(self, trigger: Trigger, broken: dt.date | None, precision: str) -> tuple[dt.date, str] | None:
        """'broke the two-month siege': a siege with a stated duration began that long before it was
        broken, known no more precisely than the break itself."""
        if trigger.type != SIEGE_BROKEN or broken is None or precision == UNKNOWN:
            return None
        began = duration_start(self.doc[trigger.start + 1:trigger.end - 1].text, broken)
        return _no_finer(began, precision) if began is not None else None

    def _mention(self, trigger, place, gaining, losing, certainty, event_date, precision, event_type=None,
                 allies=None) -> dict:
        """The mention of the trigger's event at `place` (or of the `event_type` it implies, with its
        `allies`)."""
        return {"event_type": event_type or trigger.type, "place": place.record(), "gaining_actor": gaining,
                "losing_actor": losing, "allies": self.allies_of(trigger) if allies is None else allies,
                "event_date": event_date, "date_precision": precision, "certainty": certainty,
                "evidence": self._evidence(certainty)}

    def _evidence(self, certainty: str) -> dict:
        article = self.reader.article
        return {"article_id": article.get("article_id"), "url": article.get("url"),
                "source": article.get("source"), "published_at": article.get("published_at"),
                "sentence": self.sentence.text, "start": self.sentence.start_char,
                "end": self.sentence.end_char, "certainty": certainty}

    def operation_anaphora(self, previous: list[dict]) -> list[dict]:
        """'The operation, announced on Saturday, ...': a sentence whose subject refers back to the
        offensive the previous sentence reported dates that offensive (by a mention of its own,
        which the assembly merges with the previous one, keeping the most precise date)."""
        subject = self.doc[self.sentence.start:min(self.sentence.start + 4, self.sentence.end)]
        noun = next((index for index, token in enumerate(subject) if token.lower_ in self.rules.operation_nouns), 0)
        if not noun or subject[0].lower_ not in self.rules.anaphor_determiners \
                or not all(token.is_alpha and token.is_lower for token in subject[1:noun]):
            return []  # no 'The operation', 'The new offensive' as the subject
        stated = self.stated_date(subject.start, subject.start + noun + 1)
        if stated is None:
            return []
        return [{**mention, "event_date": stated[0], "date_precision": stated[1],
                 "evidence": self._evidence(mention["certainty"])}
                for mention in previous if mention["event_type"] == OFFENSIVE]


def _is_acronym(name: str) -> bool:
    """'US', 'UN': short capitals name organisations and states, hardly ever a town."""
    letters = name.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 3


def _no_finer(found: tuple[dt.date, str], precision: str) -> tuple[dt.date, str]:
    """A date derived from one known to `precision` is known no more precisely than it."""
    coarser = max(found[1], precision, key=PRECISIONS.index)
    return at_precision(found[0], coarser), coarser


def _group(actor: ActorRef | None) -> str | None:
    return actor.group if actor is not None else None


def _place_key(place: PlaceRef) -> str:
    return place.place.canonical_id if place.place is not None else place.name.lower()


def extract_events(doc: Doc, article: dict) -> list[dict]:
    """Event mentions of an article, one per (event, place) and sentence (see the module doc)."""
    reader = ArticleReader(doc, article, load_rules())
    mentions, previous = [], []
    for sentence in reader.sentences:
        sentence_reader = SentenceReader(reader, sentence)
        found = sentence_reader.mentions()
        if not any(mention["event_type"] == OFFENSIVE for mention in found):
            found += sentence_reader.operation_anaphora(previous)
        mentions.extend(found)
        previous = found
    return mentions

"""Territorial-control events read from the sentences of an article.

The pipeline has no dependency parser, so the rules read token sequences around a trigger
(resources/event_rules.yaml): the trigger's frame says where the gaining actor, the losing actor and
the place stand, and a few general rules fill the gaps a sentence leaves: a subject it does not name
comes from the sentences before ('the forces managed to break the siege'), 'the city' is the last
city named, an unnamed object ('captured two villages') lies where the sentence places it ('in the
Hajin area', 'clashes in Kasra, where ...') and 'the three villages' are the last list of places,
air power backs the actor of its clause that takes ground, the date is the sentence's own date
expression, else the dateline or the publication date. Two rules read past a trigger: a broken siege
of stated length ('broke the two-month siege') also reports the siege, dated that long before the
break, and a sentence whose subject is 'The operation' dates the previous sentence's offensive.

One mention is returned per (event, place) and sentence; merging mentions across sentences and
articles is the assembly's job.
"""
import bisect
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from spacy.attrs import IDX
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from transforms.actors import load_actor_dictionary
from transforms.dates import dateline_date
from transforms.event_dates import (DAY, MONTH, PRECISIONS, UNKNOWN, WEEK, at_precision, duration_start, resolve_date,
                                   time_after, time_before)
from transforms.gazetteer import ARABIC_ARTICLES, GENERIC_WORDS
from transforms.nlp import resolve_place, title_like

RULES_PATH = Path(__file__).resolve().parent / "resources" / "event_rules.yaml"

CAPTURE, WITHDRAWAL, SIEGE, SIEGE_BROKEN, OFFENSIVE, HOLD = (
    "CAPTURE", "WITHDRAWAL", "SIEGE", "SIEGE_BROKEN", "OFFENSIVE", "HOLD")
REPORTED, CLAIMED, HYPOTHETICAL = "reported", "claimed", "hypothetical"
AGENT_FIRST, PLACE_FIRST, LOSER_FIRST, NOMINAL, MODIFIER = (
    "agent_first", "place_first", "loser_first", "nominal", "modifier")
NON_STATE, STATE, ANY, LAST = "non_state", "state", "any", "last"
ACTOR, PLACE, DATE = "ACTOR", "PLACE", "DATE"
COUNTRY_FEATURE = "country"
ADMIN1_FEATURE = "admin1"
GOVERNORATE = "Governorate"  # how the gazetteer names a first-level area ('Aleppo Governorate')
NAME_LABELS = frozenset({"PER", "ORG", "MISC"})
PREVIOUS_SENTENCES = 3
PARTITIVE_ADJECTIVES = 2  # words between 'of' and the whole ('parts of the besieged northern city')
POSSESSIVE_ENDINGS = ("'s", "’s")
RELATIVE_PRONOUNS = ("whom", "who", "that")
ARTICLES = ("the", "a", "an")
# 'managed to', 'enabled them to', 'managed after clashes to', 'managed on Saturday to'
FACTIVE_LINKS = ("to", "them", "it", "him", "after", "on", "in", "during")
AFFILIATE_NOUNS = ("affiliate", "offshoot", "branch", "franchise", "wing")
CAMPAIGN_AIM_WINDOW = 14  # words from a campaign's noun to its aim ('an operation by X backed by Y to retake')
NOMINAL_LINKS = frozenset({"to", "by"})  # 'the fall of X to IS', 'the siege of X by IS': a noun's actor after its object
SUBORDINATORS = ("after", "before", "until", "since", "once")  # prepositions that also open a clause
CLAUSE_COORDINATORS = ("but", ";")  # they open a clause with a subject of its own
CLAUSE_AUXILIARIES = frozenset({"had", "has", "have", "was", "were", "been"})
RELATIVE_HEAD_WINDOW = 6  # words before a relative clause's place where the place it is near may stand
OPPOSING_CUE_GAP = 3  # words between an opposing cue and the campaign it names ('repelled a major regime offensive')
LINK_OPENINGS = ("http", "Http", "www.", "pic.twitter.")  # also with the slashes stripped: 'httpst.co5rT60'
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
    weapons: frozenset = frozenset()  # 'attacked X with rockets': a weapon after 'with' makes it a strike
    mutual: bool = False  # 'X and Y battled for control of': actors joined before it are the two sides


@dataclass(frozen=True)
class Phrases:
    """Word sequences ('backed by', 'with the support of') looked up by their last word: the rules
    ask whether one ends before nearly every token, which is then one dict lookup."""
    by_last_word: dict

    @classmethod
    def of(cls, entries) -> "Phrases":
        by_last_word = {}
        for entry in entries:
            phrase = tuple(word.lower() for word in entry)
            by_last_word.setdefault(phrase[-1], []).append(phrase)
        return cls({word: tuple(phrases) for word, phrases in by_last_word.items()})

    def ends_before(self, words: list[str], index: int, lower_bound: int) -> bool:
        """Whether one of the phrases ends right before `words[index]` (and begins no earlier than
        `lower_bound`); `words`: the doc's tokens in lower case."""
        if index <= lower_bound:
            return False
        for phrase in self.by_last_word.get(words[index - 1], ()):
            begin = index - len(phrase)
            if begin >= lower_bound and tuple(words[begin:index]) == phrase:
                return True
        return False

    def within(self, words: list[str], start: int, end: int) -> bool:
        """Whether one of the phrases lies within `words[start:end]`."""
        return any(self.ends_before(words, index, start) for index in range(start + 1, end + 1))


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    patterns: tuple[list, ...]
    ally_cues: Phrases
    ally_list_words: frozenset
    losing_cues: frozenset
    generic_actors: dict
    generic_misspellings: dict
    support_only: frozenset
    support_only_groups: frozenset
    conjunctions: frozenset
    coordination_words: frozenset
    settlement_nouns: frozenset
    route_nouns: frozenset
    route_prepositions: frozenset
    movement_words: frozenset
    near_cues: frozenset
    battle_site_cues: frozenset
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
    pronoun_objects: frozenset
    quantifiers: frozenset
    modified_nouns: frozenset
    object_determiners: frozenset
    distance_units: frozenset
    plural_place_nouns: frozenset
    peoples: frozenset
    linking_words: frozenset
    calendar_words: frozenset
    range_words: frozenset
    member_nouns: frozenset
    plural_determiners: frozenset
    fronting_words: frozenset
    location_prepositions: frozenset
    listing_cues: frozenset
    region_words: frozenset
    organisation_words: frozenset
    media_names: frozenset
    kind_words: frozenset
    water_nouns: frozenset
    naming_words: frozenset
    person_titles: frozenset
    speech_verbs: frozenset
    affiliation_words: frozenset
    partitive_nouns: frozenset
    partitive_areas: frozenset
    quarter_nouns: frozenset
    partitive_modifiers: frozenset
    partitive_city_modifiers: frozenset
    province_nouns: frozenset
    opposing_cues: Phrases
    captive_nouns: frozenset
    captive_participles: frozenset
    fought_verbs: frozenset
    position_nouns: frozenset
    attempt_nouns: frozenset
    bare_ground: frozenset
    unit_words: frozenset
    killing_verbs: frozenset
    object_pronouns: frozenset
    irregular_past: frozenset
    seized_things: frozenset
    control_nouns: frozenset
    degree_words: frozenset
    civil_bodies: frozenset
    subject_pronouns: frozenset
    hypothetical: Phrases
    modals: frozenset
    factive_before_to: frozenset
    claimed: Phrases
    negation: Phrases
    divided: Phrases
    stretch_cues: Phrases
    negation_window: int
    modal_window: int
    recent_markers: frozenset
    durative_cues: frozenset
    outcome_cues: frozenset
    fighting_words: frozenset
    clearing_cues: frozenset
    outcome_openers: Phrases
    presupposing_verbs: frozenset
    sentence_openers: re.Pattern


def rules_from_data(data: dict) -> Rules:
    """Rules from the parsed YAML structure (see resources/event_rules.yaml)."""
    roles, certainty = data["roles"], data["certainty"]
    return Rules(
        rules=tuple(Rule(spec["type"], spec["frame"], spec.get("passive", True), spec.get("by", "gaining"),
                         spec.get("needs_actor", False), frozenset(spec.get("not_after", ())),
                         frozenset(spec.get("objects", roles["object_prepositions"])),
                         spec.get("durative", False), frozenset(spec.get("not_with", ())), spec.get("mutual", False))
                    for spec in data["rules"]),
        patterns=tuple(spec["patterns"] for spec in data["rules"]),
        ally_cues=Phrases.of(roles["ally_cues"]),
        ally_list_words=frozenset(roles["ally_list_words"]),
        losing_cues=frozenset(roles["losing_cues"]),
        generic_actors=dict(roles["generic_actors"]),
        generic_misspellings=dict(roles["generic_misspellings"]),
        support_only=frozenset(tuple(noun.lower().split()) for noun in roles["support_only_nouns"]),
        support_only_groups=frozenset(roles["support_only_groups"]),
        conjunctions=frozenset(roles["conjunctions"]),
        coordination_words=frozenset(roles["coordination_words"]),
        settlement_nouns=frozenset(roles["settlement_nouns"]),
        route_nouns=frozenset(roles["route_nouns"]),
        route_prepositions=frozenset(roles["route_prepositions"]),
        movement_words=frozenset(roles["movement_words"]),
        near_cues=frozenset(roles["near_cues"]),
        battle_site_cues=frozenset(roles["battle_site_cues"]),
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
        pronoun_objects=frozenset(roles["pronoun_objects"]),
        quantifiers=frozenset(roles["quantifiers"]),
        modified_nouns=frozenset(roles["modified_nouns"]),
        object_determiners=frozenset(roles["object_determiners"]),
        distance_units=frozenset(roles["distance_units"]),
        plural_place_nouns=frozenset(roles["plural_place_nouns"]),
        peoples=frozenset(word.lower() for word in roles["peoples"]),
        linking_words=frozenset(roles["linking_words"]),
        calendar_words=frozenset(roles["calendar_words"]),
        range_words=frozenset(roles["range_words"]),
        member_nouns=frozenset(roles["member_nouns"]),
        plural_determiners=frozenset(roles["plural_determiners"]),
        fronting_words=frozenset(roles["fronting_words"]),
        location_prepositions=frozenset(roles["location_prepositions"]),
        listing_cues=frozenset(roles["listing_cues"]),
        region_words=frozenset(roles["region_words"]),
        organisation_words=frozenset(roles["organisation_words"]),
        media_names=frozenset(name.lower() for name in roles["media_names"]),
        kind_words=frozenset().union(GENERIC_WORDS, *(roles[key] for key in (
            "kind_nouns", "region_words", "compass_words", "anaphor_nouns", "plural_place_nouns", "route_nouns",
            "settlement_nouns", "person_titles", "organisation_words", "province_nouns", "operation_nouns"))),
        water_nouns=frozenset(roles["water_nouns"]),
        naming_words=frozenset(roles["naming_words"]),
        person_titles=frozenset(roles["person_titles"]),
        speech_verbs=frozenset(roles["speech_verbs"]),
        affiliation_words=frozenset(roles["affiliation_words"]),
        partitive_nouns=frozenset(roles["partitive_nouns"]),
        partitive_areas=frozenset(roles["partitive_areas"]),
        quarter_nouns=frozenset(roles["quarter_nouns"]),
        partitive_modifiers=frozenset(roles["partitive_modifiers"]),
        partitive_city_modifiers=frozenset(roles["partitive_city_modifiers"]),
        province_nouns=frozenset(roles["province_nouns"]),
        opposing_cues=Phrases.of(roles["opposing_cues"]),
        captive_nouns=frozenset(roles["captive_nouns"]),
        captive_participles=frozenset(roles["captive_participles"]),
        fought_verbs=frozenset(roles["fought_verbs"]),
        position_nouns=frozenset(roles["position_nouns"]),
        attempt_nouns=frozenset(roles["attempt_nouns"]),
        bare_ground=frozenset(roles["bare_ground"]),
        unit_words=frozenset(roles["unit_words"]),
        killing_verbs=frozenset(roles["killing_verbs"]),
        object_pronouns=frozenset(roles["object_pronouns"]),
        irregular_past=frozenset(certainty["irregular_past"]),
        seized_things=frozenset(roles["seized_things"]),
        control_nouns=frozenset(certainty["control_nouns"]),
        degree_words=frozenset(certainty["degree_words"]),
        civil_bodies=frozenset(roles["civil_bodies"]),
        subject_pronouns=frozenset(roles["subject_pronouns"]),
        hypothetical=Phrases.of(certainty["hypothetical"] + [[modal] for modal in certainty["modals"]]),
        modals=frozenset(certainty["modals"]),
        factive_before_to=frozenset(certainty["factive_before_to"]),
        claimed=Phrases.of(certainty["claimed"]),
        negation=Phrases.of(certainty["negation"]),
        divided=Phrases.of(certainty["divided"]),
        stretch_cues=Phrases.of(certainty["stretch_cues"]),
        negation_window=int(certainty["negation_window"]),
        modal_window=int(certainty["modal_window"]),
        recent_markers=frozenset(certainty["recent_markers"]),
        durative_cues=frozenset(certainty["durative"]),
        outcome_cues=frozenset(certainty["outcome_cues"]),
        fighting_words=frozenset(certainty["fighting_words"]),
        clearing_cues=frozenset(certainty["clearing_cues"]),
        outcome_openers=Phrases.of(certainty["outcome_openers"]),
        presupposing_verbs=frozenset(certainty["presupposing_verbs"]),
        sentence_openers=opener_pattern(data["sentences"]["openers"]),
    )


@functools.lru_cache(maxsize=None)
def load_rules(path: Path = RULES_PATH) -> Rules:
    """The event rules, parsed once per process."""
    with open(path, encoding="utf-8") as handle:
        return rules_from_data(yaml.safe_load(handle))


_MATCHERS: dict[int, tuple] = {}  # id(vocab) -> (vocab, rules, matcher, required words)


def _matcher(doc: Doc, rules: Rules) -> tuple[Matcher, tuple | None]:
    """The trigger matcher for the doc's vocabulary, built once per pipeline, and the words its
    patterns require (see _required_words)."""
    key = id(doc.vocab)
    cached = _MATCHERS.get(key)
    if cached is None or cached[0] is not doc.vocab or cached[1] is not rules:
        matcher = Matcher(doc.vocab, validate=True)
        for index, patterns in enumerate(rules.patterns):
            matcher.add(str(index), patterns)
        cached = _MATCHERS[key] = (doc.vocab, rules, matcher, _required_words(rules.patterns))
    return cached[2], cached[3]


def _required_words(rule_patterns) -> tuple[tuple[frozenset, ...], ...] | None:
    """For each trigger pattern, the words of each of its required tokens (LOWER or ORTH, one word
    or a list): a sentence the pattern matches holds one word of each; None when a pattern requires
    no such token. Most sentences hold no trigger, and this spares the matcher reading them."""
    requirements = set()
    for pattern in (pattern for patterns in rule_patterns for pattern in patterns):
        required = tuple(words for token in pattern if token.get("OP") in (None, "+")
                         and (words := _token_words(token)) is not None)
        if not required:
            return None
        requirements.add(required)
    return tuple(requirements)


def _token_words(token: dict) -> frozenset | None:
    """The lower-case words a pattern token matches, when it names them."""
    attributes = set(token) - {"OP"}
    if attributes not in ({"LOWER"}, {"ORTH"}):
        return None
    value = token[attributes.pop()]
    if isinstance(value, str):
        return frozenset({value.lower()})
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset(word.lower() for word in value["IN"])
    return None


def _may_hold_trigger(requirements, words: set[str]) -> bool:
    """Whether a sentence of these (lower-case) words holds all the required words of some pattern."""
    return any(all(not required.isdisjoint(words) for required in pattern) for pattern in requirements)


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
        self.demonyms = frozenset(variant for group in self.dictionary.groups.values()
                                  for demonym in group.demonyms + group.names
                                  for variant in (demonym.lower(), demonym.lower().replace(".", "")))  # U.S., US
        self.non_state = frozenset(group_id for group_id, group in self.dictionary.groups.items() if not group.state)
        self.words = [token.lower_ for token in doc]
        self.ents = doc.ents  # a tuple spaCy builds anew on every read of doc.ents
        for ent in self.ents:  # a month or day named in a date keeps its case: 'in late May' holds no modal 'may'
            if ent.label_ == DATE:
                for token in ent:
                    if token.is_title and token.lower_ in rules.calendar_words:
                        self.words[token.i] = token.text
        self.ents_at = {}
        for ent in self.ents:
            for index in range(ent.start, ent.end):
                self.ents_at[index] = ent
        text = doc.text  # built anew from the tokens on every read
        # The day the article gives itself ('BAGHDAD, Oct. 5, 2017 (Reuters) -', 'Tuesday 12 July 2016 Rebels
        # launch …') is the one its 'on Saturday' counts from: a feed's date may be a later copy's or wrong.
        self.published = dateline_date(text) or article.get("published_date") or (
            article["published_at"].date() if article.get("published_at") else None)
        self.sentences = list(sentence_units(doc, rules.sentence_openers, text))
        # ('Iraqi and Kurdish forces' counts for its leader, the Iraqi forces)
        actor_counts = Counter(found[1].group for ent in self.ents if ent.label_ == ACTOR and ent.kb_id_
                               and not self.support_only(ent) for found in (self.actor_at(ent.start),) if found)
        self.main_actor = actor_counts.most_common(1)[0][0] if actor_counts else None
        places = [ent for ent in self.ents if self.event_place(ent) and ent.kb_id_ and not self.is_near(ent.start)
                  and not self.regional(ent.start, ent.end)]
        self.place_counts = Counter(ent.kb_id_ for ent in places)
        self.main_place = next((ent for key, _ in self.place_counts.most_common(1) for ent in places
                                if ent.kb_id_ == key), None)
        self._sides: dict[str, frozenset] = {}
        self._allies: dict[tuple[int, int], set[int]] = {}

    # -- entities ---------------------------------------------------------------------------------
    def ents_within(self, span: Span) -> list[Span]:
        """span.ents, from the entities read once."""
        return [ent for ent in self.ents if ent.start >= span.start and ent.end <= span.end]

    def ent(self, index: int, label: str) -> Span | None:
        ent = self.ents_at.get(index)
        return ent if ent is not None and ent.label_ == label else None

    def event_place(self, ent: Span) -> bool:
        """A place an event can happen in: not a country, not a demonym the model took for a place,
        not a compass word cut from a name ('East' of 'East Aleppo'), not a route's end, not a name
        after 'a' ('a Mortar factory'), not a headline's plural noun before a name ('Areas Zamalka'),
        not a website, an outlet, a person or a group's tie ('wrote on Facebook', 'al-Qaeda-affiliated')."""
        if ent.label_ != PLACE or self.names_actor(ent.text) or _is_acronym(ent.text) \
                or ent.text.lower() in self.rules.compass_words or self.names_organisation(ent) \
                or self.opens_with_plural_noun(ent) or self.names_day(ent) or self.names_other_thing(ent) \
                or _possessive_country(ent.text):
            return False
        return not self.describes_actor(ent) and not self.describes_place(ent) and not self.route_end(ent.start) \
            and not self.after_indefinite(ent) \
            and (ent._.place is None or ent._.place.feature != COUNTRY_FEATURE)

    def opens_with_plural_noun(self, name: Span) -> bool:
        """'Areas Zamalka' in 'Opposition-held Areas Zamalka' (a headline's capitals): a plural place noun
        before a name is no name of a place."""
        return len(name) > 1 and name[0].lower_ in self.rules.plural_place_nouns

    def after_indefinite(self, name: Span) -> bool:
        """'took over a Mortar factory', 'gained control of a Doshka', 'an Aleppo suburb': a name after
        'a' or 'an' names a kind of thing (or the place a thing is of), not the place taken."""
        return name.start > 0 and self.doc[name.start - 1].lower_ in ("a", "an")

    def describes_base(self, name: Span) -> bool:
        """'the Britain-based monitor': where an organisation sits, not where an event happened; and
        'al-Qaeda-affiliated Nusra', 'Iran-backed militias': whom a group is tied to."""
        return name.end + 1 < len(self.doc) and self.doc[name.end].text in ("-", "–") \
            and self.doc[name.end + 1].lower_ in self.rules.affiliation_words

    def holder_of_place(self, ent: Span) -> bool:
        """'the last stronghold of Daesh', 'the city of the regime': an actor after a place noun and 'of'
        holds the place; it is named as what is there, not as who acts."""
        index = ent.start - 1
        while index > 0 and self.doc[index].lower_ in self.rules.object_determiners:
            index -= 1
        return index >= 1 and self.doc[index].lower_ == "of" and self.doc[index - 1].lower_ in self.rules.anaphor_nouns

    def describes_civil_body(self, ent: Span) -> bool:
        """'the Syrian opposition organization', 'a rebel news agency': an actor's name before the noun of
        a body that does not fight names whose side the body is on, no fighting actor."""
        return ent.end < len(self.doc) and self.doc[ent.end].lower_ in self.rules.civil_bodies

    def describes_actor(self, name: Span) -> bool:
        """'Sunni militants', 'Aleppo rebels': a name before an actor noun describes the actor; so does
        one before an adjective and an organisation's noun ('the Al-Nusra terrorist group')."""
        doc, rules = self.doc, self.rules
        if name.end >= len(doc):
            return False
        if doc[name.end].lower_ in rules.generic_actors:
            return True
        adjective = doc[name.end]
        return name.end + 1 < len(doc) and adjective.is_alpha and adjective.is_lower \
            and adjective.lower_ not in rules.clause_ends and adjective.lower_ not in rules.prepositions \
            and adjective.lower_ not in rules.object_determiners \
            and doc[name.end + 1].lower_.removesuffix("s") in rules.organisation_words

    def describes_place(self, name: Span) -> bool:
        """'the Turkmen town of Amerli', 'the Kurdish villages of X and Y': a name between a
        determiner and a settlement noun with 'of' and a name describes the place named after them
        (but 'Kasra village of northern Hama' is Kasra, 'the Yarmuk neighbourhood of Raqqa' Yarmuk);
        so does a city's name before its quarter's noun ('the Raqqa city neighbourhood of Nahda'), and
        a name before a noun and a settlement noun after a determiner or a held modifier ('the
        government-held Mediterranean port city of Latakia')."""
        doc, start, end = self.doc, name.start, name.end
        if start == 0 or end >= len(doc):
            return False
        settlements = self.rules.settlement_nouns
        if end + 1 < len(doc) and doc[end].is_alpha and doc[end].is_lower \
                and doc[end].lower_ not in settlements and doc[end + 1].lower_ in settlements:
            end += 1  # 'port city', 'border town'
        if (doc[start - 1].lower_ not in self.rules.anaphor_determiners
                and not doc[start - 1].lower_.endswith(("held", "controlled"))) \
                or doc[end].lower_ not in self.rules.settlement_nouns:
            return False
        if end + 1 < len(doc) and doc[end + 1].lower_ in self.rules.anaphor_nouns:
            end += 1  # 'city neighbourhood'
        return end + 2 < len(doc) and doc[end + 1].lower_ == "of" and doc[end + 2].is_title

    def route_end(self, index: int) -> bool:
        """'the desert road from Palmyra', 'columns advancing from Palmyra': a place named as a
        route's end or where forces came from, not where the event happened."""
        if index == 0 or self.doc[index - 1].lower_ not in self.rules.route_prepositions:
            return False
        before = [token.lower_ for token in self.doc[max(0, index - 6):index - 1]]
        return any(word in self.rules.route_nouns for word in before[-2:]) or (
            self.doc[index - 1].lower_ == "from" and any(word in self.rules.movement_words for word in before))

    def names_other_thing(self, name: Span) -> bool:
        """A name the model may take for a place that names something else: a website or a news outlet
        ('wrote on Facebook'), a person, where a group sits or whom it is tied to ('the Britain-based
        monitor', 'al-Qaeda-affiliated Nusra'), a kind of thing ('Oil Field'), a route ('the
        Beirut-Damascus highway') or a name given to something ('an operation called the Rage of Euphrates')."""
        return name.text.lower() in self.rules.media_names or self.names_person(name) or self.describes_base(name) \
            or self.names_kind(name) or self.names_route(name) or self.given_name(name) or self.names_positions(name)

    def names_positions(self, name: Span) -> bool:
        """'expelled the rebels from their Idlib positions': a name before a noun for an army's positions
        says where they lie, in the place or around it; it is not the place."""
        return name.end < len(self.doc) and self.doc[name.end].lower_ in self.rules.position_nouns

    def given_name(self, name: Span) -> bool:
        """'an operation called the Rage of Euphrates': a name given to something after a naming word."""
        index = name.start - 1
        if index > 0 and self.doc[index].lower_ == "the":
            index -= 1
        return index >= 0 and self.doc[index].lower_ in self.rules.naming_words

    def names_kind(self, name: Span) -> bool:
        """'Recapture Oil Field', 'the regime of President Assad', 'the Middle East', 'Daesh Syria
        Headquarters': a name made only of generic words, after a country's name at most, is a kind of
        place or thing written with capitals, or a title; it names no place."""
        words = [token.lower_ for token in name if token.text not in ("-", "–")]
        kind = self.rules.kind_words
        if all(word in kind for word in words):
            return True
        return len(words) > 1 and all(word in kind for word in words[1:]) \
            and getattr(resolve_place(name[0].text), "feature", None) == COUNTRY_FEATURE

    def names_route(self, name: Span) -> bool:
        """'the Beirut-Damascus highway', 'the Salamiyah-Ithriya axis': two names joined by a hyphen before a
        route's noun name the route between two places ('the Abu al-Shamat road' is one name); two countries
        joined so ('the Lebanon-Syria border') name what lies between them; a name before 'river' is a river's."""
        after = self.doc[name.end].lower_ if name.end < len(self.doc) else ""
        if after in self.rules.water_nouns:
            return True
        text = name.text.replace("–", "-")
        if " -" in text or "- " in text:  # 'the Athriya-Khanaser- al-Tabqa axis': a spaced dash also joins names
            parts = [part.strip() for part in re.split(r"-(?=\s)|(?<=\s)-|(?<![Aa]l)(?<![Ee]l)(?<![Aa]r)-", text)]
            return after in self.rules.route_nouns and len(parts) >= 2 and all(
                part[:1].isupper() or part[:3].lower() in ("al-", "el-", "ar-") for part in parts)
        parts = text.split("-")
        if len(parts) != 2 or not all(part[:1].isupper() for part in parts):
            return False
        return after in self.rules.route_nouns and parts[0].split()[-1].lower() not in ARABIC_ARTICLES \
            or all(getattr(resolve_place(part), "feature", None) == COUNTRY_FEATURE for part in parts)

    def names_person(self, name: Span) -> bool:
        """'the faction of Khalid bin al-Walid': the names around 'bin' (son of) are a person's; so is a
        name right after a person's title ('civil defence official Leys al-Faris', 'activist Abu Omar')
        or, when the model took it for a person's, right before or after a verb of speech ('Carter stated',
        'said Yasser'; 'rebel-held Aleppo said' is no person), or after an outlet's name (a byline or a photo
        credit: 'REUTERS Rodi Said')."""
        after = self.doc[name.end].lower_ if name.end < len(self.doc) else ""
        before = self.doc[name.start - 1].lower_ if name.start > 0 else ""
        return after in ("bin", "ibn") or name.label_ == "PER" and (
            after in self.rules.speech_verbs or before in self.rules.speech_verbs
            or before in self.rules.media_names) \
            or name.start > 0 and self.doc[name.start - 1].lower_ in ("bin", "ibn", *self.rules.person_titles)

    def names_day(self, name: Span) -> bool:
        """'Thursdays bombardment' (an apostrophe lost), 'Aug 12': a day or month is no place ('Mar Diss',
        a name that opens with one, is)."""
        calendar = self.rules.calendar_words
        return name[0].lower_.removesuffix("s") in calendar \
            and all(token.like_num or token.lower_.removesuffix("s") in calendar for token in name[1:])

    def names_organisation(self, name: Span) -> bool:
        """'the Observatory', 'Nusra Fronts' (an apostrophe lost), 'US-Trained Militants': a name
        ending in an organisation's or an armed group's noun."""
        last = name[-1].lower_
        return last in self.rules.organisation_words or last.removesuffix("s") in self.rules.organisation_words \
            or last in self.rules.generic_actors

    def is_near(self, index: int, start: int = 0) -> bool:
        """A place preceded by 'near', 'around', 'north of', '50 km from' is where the event is near
        (but 'in and around' it is in it); one after 'the road from' is where a route ends. `start`:
        where the sentence begins."""
        doc = self.doc
        if self.route_end(index):
            return True
        before = [doc[i].lower_ for i in range(max(start, index - 3), index)]
        if before and before[-1] in self.rules.near_cues:
            return before[-3:-1] != ["in", "and"]
        if len(before) >= 2 and before[-1] in ("from", "of") and before[-2] in self.rules.distance_units:
            return True
        return len(before) >= 2 and before[-1] == "of" and before[-2] in self.rules.compass_words and not (
            len(before) >= 3 and before[-3] in ("the", "in"))

    def names_actor(self, text: str) -> bool:
        """'Syrian', 'US', 'Kurdish', 'US-Russian', 'Isis': a demonym, a people or an actor's name (or a
        compound of them, or an acronym written as a word) that a model may have taken for a place."""
        if "-" in text.strip("-"):
            return all(self.names_actor(part) for part in text.split("-") if part)
        return text.lower() in self.demonyms or text.lower() in self.rules.peoples \
            or self.dictionary.resolve(text) is not None \
            or text.isalpha() and len(text) <= 5 and self.dictionary.resolve(text.upper()) is not None  # 'Isis'

    def support_only(self, ent: Span) -> bool:
        """'Russian warplanes', 'the Syrian air force', the US-led coalition: air power, which backs
        whoever takes ground ('Syrian regime force', an 'opposition coalition' do take it)."""
        words = tuple(ent.text.lower().split())
        return ent.kb_id_ in self.rules.support_only_groups \
            or any(words[-len(noun):] == noun for noun in self.rules.support_only)

    def actor_at(self, index: int) -> tuple[Span, ActorRef] | None:
        """The actor whose mention covers token `index`: an ACTOR, a country as its state forces, or a
        demonym that shares the noun of the actor after it ('Iraqi and Kurdish forces': Iraqi forces)."""
        ent = self.ents_at.get(index)
        if ent is None:
            return self.shared_noun_actor(index) if self.words[index] in self.demonyms else None
        if ent.label_ != ACTOR and self.words[index] in self.demonyms:
            shared = self.shared_noun_actor(index)
            if shared is not None:
                return shared
        elif ent.label_ == ACTOR and ent.start >= 2:
            shared = self.shared_noun_actor(ent.start - 2)  # 'Kurdish forces' of 'Iraqi and Kurdish forces'
            if shared is not None:
                return shared
        if ent.label_ == ACTOR and ent.kb_id_:
            return ent, ActorRef(ent.kb_id_, tuple(ent._.allies))
        if ent.label_ == PLACE and ent._.place is not None and ent._.place.feature == COUNTRY_FEATURE:
            group = self.dictionary.state_actor(ent._.place.country)
            if group and not self._place_after_preposition(ent) and not self.in_dateline(ent):
                return ent, ActorRef(group)
        return None

    def shared_noun_actor(self, index: int) -> tuple[Span, ActorRef] | None:
        """'Iraqi and Kurdish forces': a demonym before a conjunction and an actor whose name ends in a
        member noun names a coalition led by the actor of that demonym and noun (Iraqi forces), the
        actor after the conjunction its ally; the mention spans both."""
        doc = self.doc
        if index < 0 or index + 2 >= len(doc) or doc[index].lower_ not in self.demonyms \
                or doc[index + 1].lower_ not in self.rules.conjunctions:
            return None
        after = self.ents_at.get(index + 2)
        if after is None or after.label_ != ACTOR or after.start != index + 2 \
                or after[-1].lower_ not in self.rules.member_nouns:
            return None
        leader = self.dictionary.resolve(f"{doc[index].text} {after[-1].text}", tuple(doc._.countries))
        if leader is None or not leader.group:
            return None
        allies = (after.kb_id_, *after._.allies) if after.kb_id_ and after.kb_id_ != leader.group else ()
        return doc[index:after.end], ActorRef(leader.group, tuple(dict.fromkeys(allies)))

    def _place_after_preposition(self, ent: Span) -> bool:
        """'in Iraq', 'across Syria and Iraq': a country named as a place, alone or in a list of
        places after a preposition, is no actor; nor is one after compass words ('in north and
        northeastern Syria')."""
        while not self._after_preposition(self._before_compass_words(ent.start)):
            before = self.ents_at.get(ent.start - 2) if ent.start >= 2 else None
            if before is None or before.label_ != PLACE or self.doc[ent.start - 1].lower_ not in ("and", ","):
                return False
            ent = before
        return True

    def _before_compass_words(self, index: int) -> int:
        """Where the compass words before token `index` begin ('north and northeastern Syria')."""
        while index >= 2 and (self.doc[index - 1].lower_ in self.rules.compass_words or (
                self.doc[index - 1].lower_ == "and" and self.doc[index - 2].lower_ in self.rules.compass_words)):
            index -= 1
        return index

    def in_dateline(self, ent: Span) -> bool:
        """'MOSUL, Iraq -': a country named after the capitals of a dateline says where, not who."""
        first = self.ents_at.get(ent.start - 2) if ent.start >= 2 else None
        return first is not None and first.text.isupper() and self.doc[ent.start - 1].text == "," \
            and (first.start == 0 or "\n" in self.doc[first.start - 1].text)

    def modifies_noun(self, ent: Span) -> bool:
        """'repelled an IS attack', 'shelled HTS positions': an actor's name before one of these
        nouns describes the thing, it is no subject."""
        return ent.end < len(self.doc) and self.doc[ent.end].lower_ in self.rules.modified_nouns

    def _after_preposition(self, index: int) -> bool:
        """'with IS', 'against the Islamic State', 'under the cover of Russian airstrikes' (but
        'fighters of the Islamic State' and 'militant groups from HTS' are those actors)."""
        index -= 1
        while index > 0 and self.doc[index].lower_ in self.rules.object_determiners:
            index -= 1
        if index >= 1 and self.doc[index].lower_ in ("of", "from") \
                and self.doc[index - 1].lower_ in self.rules.member_nouns:
            return False
        return index >= 0 and self.doc[index].lower_ in self.rules.prepositions

    def ally_positions(self, sentence: Span) -> set[int]:
        """ally_positions of the sentence, found once."""
        key = sentence.start, sentence.end
        if key not in self._allies:
            self._allies[key] = ally_positions(self, sentence)
        return self._allies[key]

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
            backers = self.ally_positions(sentence)
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
        than once (a photo credit's name is no antecedent), else the last one; places of its own
        sentence and the one before come first ('advanced inside the bastion of Manbij. The SDF hold
        40 per cent of the town' is Manbij, not the Aleppo named often before); else for 'the city'
        or 'the town' the article's most named place; a region ('eastern Hama') is no antecedent.
        'The dam near Qaryatain in Homs' or 'the area' with no place named before them are no place
        the article names later. A name the model did not take for a place counts when the noun
        introduced it ('clashes in the Al-Teem oil field area ... took control over the field')."""
        noun = self.doc[index].lower_
        candidates = [ent for ent in self.ents if ent.end <= index and (
                          self.event_place(ent) or self.named_place(ent, noun))
                      and not self.regional(ent.start, ent.end) and not self.is_near(ent.start)
                      and (ent._.place is None or ent._.place.feature != "admin1")]
        mentions = Counter(ent.text.lower() for ent in candidates)
        recent = self.previous_sentence_start(index)
        for ent in sorted(candidates, key=lambda ent: (not self.named_with(ent, noun), ent.start < recent,
                                                       mentions[ent.text.lower()] < 2, -ent.start)):
            place = ent._.place if ent.label_ == PLACE else resolve_place(ent.text, tuple(self.doc._.countries))
            return PlaceRef(ent.text, place, index)
        if self.main_place is not None and noun in self.rules.settlement_nouns:
            return PlaceRef(self.main_place.text, self.main_place._.place, index)
        return None

    def previous_sentence_start(self, index: int) -> int:
        """Where the sentence before the one holding token `index` starts (its own start when it is
        the first)."""
        starts = [sentence.start for sentence in self.sentences if sentence.start <= index]
        return starts[-2] if len(starts) > 1 else (starts[0] if starts else 0)

    def named_before(self, index: int) -> bool:
        """Whether the article names a place an event can happen in before token `index`."""
        return any(ent.end <= index and self.event_place(ent) for ent in self.ents)

    def named_with(self, ent: Span, noun: str) -> bool:
        """'Kasra village', 'the Al-Teem oil field', 'the village of Kasra' (singular or plural noun)."""
        doc, nouns = self.doc, (noun, noun + "s", noun.removesuffix("s"))
        after = doc[ent.end].lower_ if ent.end < len(doc) else ""
        if ent.end + 1 < len(doc) and doc[ent.end].is_alpha and doc[ent.end].is_lower:
            after = doc[ent.end + 1].lower_ if doc[ent.end + 1].lower_ in nouns else after  # 'oil field'
        before = doc[ent.start - 2].lower_ if ent.start >= 2 and doc[ent.start - 1].lower_ == "of" else ""
        return after in nouns or before in nouns

    def named_place(self, ent: Span, noun: str) -> bool:
        """A name the model took for a person, an organisation or a thing that the place noun `noun`
        introduces as a place ('the Al-Teem oil field area', 'Kasra village')."""
        return ent.label_ in NAME_LABELS and self.named_with(ent, noun) and not self.names_actor(ent.text) \
            and not _is_acronym(ent.text) and not _possessive_country(ent.text) and not self.names_organisation(ent) \
            and not self.names_other_thing(ent)

    def hyphen_modifier(self, ent: Span) -> bool:
        """'a rebel-held neighbourhood', 'the regime-besieged town': an actor named in a modifier
        describes a place; it is no subject."""
        doc = self.doc
        return ent.end + 1 < len(doc) and doc[ent.end].text in ("-", "–") and doc[ent.end + 1].is_alpha \
            and not doc[ent.end - 1].whitespace_ and not doc[ent.end].whitespace_ \
            and (doc[ent.end + 1].lower_.endswith("ed") or doc[ent.end + 1].lower_ in ("held", "run"))

    def regional(self, start: int, end: int) -> bool:
        """'eastern Hama', 'the countryside of Idleb', 'Deir ez-Zor (eastern) countryside': a region
        the event happened in, not its place ('the village of Masudin eastern Hama' is Masudin)."""
        doc, words = self.doc, self.rules.region_words
        before = [doc[i].lower_ for i in range(max(0, start - 2), start)]
        region_before = bool(before) and (
            before[-1] in words or before[-1] == "of" and len(before) == 2 and before[0] in words)
        return region_before or self._region_noun_by(start, end) is not None

    def region_named(self, start: int, end: int) -> bool:
        """'Deir ez-Zor eastern countryside', 'the countryside of Idleb': the name at tokens
        start..end is a region's. A compass word before it is not enough: 'eastern Jurdi' may be a
        village's name."""
        return self._region_noun_by(start, end) not in (None, *self.rules.province_nouns)

    def province_named(self, start: int, end: int) -> bool:
        """'Aleppo province', 'the province of Latakia': the name at tokens start..end is a
        governorate's, not its capital city's."""
        return self._region_noun_by(start, end) in self.rules.province_nouns

    def _region_noun_by(self, start: int, end: int) -> str | None:
        """The region noun right after the name ('Aleppo province', 'Hama eastern countryside') or
        before its 'of' ('the province of Latakia')."""
        doc, words = self.doc, self.rules.region_words - self.rules.compass_words
        while end < len(doc) and doc[end].lower_ in self.rules.compass_words:
            end += 1
        if end < len(doc) and doc[end].lower_ in words:
            return doc[end].lower_
        if start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in words:
            return doc[start - 2].lower_
        return None

    def generic_actor(self, token_index: int, kind: str, exclude: Collection[str],
                      certain: bool = False) -> ActorRef | None:
        """The actor a generic noun ('the militants') stands for: the last one of its kind named
        that is not in `exclude`; with no state actor named before it, 'the army' is the state forces
        of the article's country. A noun of any kind ('they', 'the forces') stands for the context's
        actor; `certain`: only for one the sentence before makes certain."""
        if kind == ANY:
            return self.certain_context_actor(token_index, exclude) if certain \
                else self.context_actor(token_index, exclude)
        for ent in reversed(self.ents):
            if ent.end > token_index or ent.label_ != ACTOR or not ent.kb_id_ or ent.kb_id_ in exclude:
                continue
            if (kind == LAST or (ent.kb_id_ in self.non_state) == (kind == NON_STATE)) and not self.support_only(ent) \
                    and not self.describes_base(ent) and not self.describes_civil_body(ent):
                return ActorRef(ent.kb_id_, tuple(ent._.allies))
        state = self.dictionary.state_actor(self.doc._.countries[0]) if kind == STATE and self.doc._.countries else None
        return ActorRef(state) if state is not None and state not in exclude else None

    def context_actor(self, token_index: int, exclude: Collection[str]) -> ActorRef | None:
        """The subject of the nearest previous sentence naming an actor (its first actor that is no
        ally and can take ground), else the article's main actor."""
        previous = [sentence for sentence in self.sentences if sentence.end <= token_index]
        for sentence in reversed(previous[-PREVIOUS_SENTENCES:]):
            found = next(self.agents(sentence, exclude), None)
            if found is not None:
                return found[1]
        if self.main_actor and self.main_actor not in exclude:
            return ActorRef(self.main_actor)
        return None

    def certain_context_actor(self, token_index: int, exclude: Collection[str]) -> ActorRef | None:
        """The actor the sentence right before token `index` names, when every actor it names is on one
        side ('The SDF pushed on. The liberation of Dashisha took a week'; 'rebel enclaves' names no
        side that acts); sentences further back or one naming both sides leave it unknown."""
        previous = next((sentence for sentence in reversed(self.sentences) if sentence.end <= token_index), None)
        return self.one_side([actor for ent, actor in self.agents(previous, exclude)
                              if not self.modifies_noun(ent)]) if previous is not None else None

    def one_side(self, actors: list[ActorRef]) -> ActorRef | None:
        """The first of `actors` when all of them are on its side."""
        return actors[0] if actors and all(actor.group in self.side_of(actors[0].group) for actor in actors) else None

    def agents(self, span: Span, exclude: Collection[str]):
        """(mention, actor) of the actors a span names that could act in it, in order: no backer, no air
        power, none in `exclude`, none named only in a modifier ('the rebel-held town', 'the
        opposition-linked monitor', 'the opposition organization') or as a place's holder ('the last
        stronghold of Daesh')."""
        allies = self.ally_positions(span)
        for index in range(span.start, span.end):
            found = self.actor_at(index)
            if found is None or found[0].start != index or index in allies:
                continue
            ent, actor = found
            if actor.group not in exclude and not (ent.label_ == ACTOR and self.support_only(ent)) \
                    and not self.hyphen_modifier(ent) and not self.describes_base(ent) \
                    and not self.describes_civil_body(ent) and not self.holder_of_place(ent):
                yield ent, actor


def sentence_units(doc: Doc, openers: re.Pattern | None = None, text: str | None = None):
    """The sentences, split again where a headline, a caption, a list of tags or an embedded post ends
    without a full stop: at line breaks; after a link, and after the date that ends a post's signature
    ('Residents flee Aleppo pic.twitter.com/x The Observer (@observer) July 27 2016 Government forces');
    and before a word that opens sentences (`openers`, see opener_pattern) written after a capitalised
    word and before a lower-case one ('Tags Syria Hama Rebels At least 12 people', 'Rockets Hit Aleppo
    The army captured'). The seams are looked for in the text (`text`: doc.text, when the caller has
    it), not token by token: most articles have none."""
    cuts = _seams(doc, doc.text if text is None else text, openers) if openers is not None else []
    for sentence in doc.sents:
        start = sentence.start
        for end, following in cuts[bisect.bisect_right(cuts, (start, start)):]:
            if end >= sentence.end:
                break
            if end > start:
                yield doc[start:end]
            start = max(start, following)
        if start < sentence.end:
            yield doc[start:sentence.end]


def _seams(doc: Doc, text: str, openers: re.Pattern) -> list[tuple[int, int]]:
    """(where a unit ends, where the next begins) at each seam of sentence_units, in order."""
    starts = doc.to_array(IDX)
    cuts = []

    def token_at(position: int) -> int:
        return int(starts.searchsorted(position, side="right")) - 1

    for position in _found(text, "\n"):
        index = token_at(position)
        if doc[index].is_space:
            cuts.append((index, index + 1))
    for position in (position for opening in LINK_OPENINGS for position in _found(text, opening)):
        index = token_at(position)
        if starts[index] == position:
            cuts.append((index + 1, index + 1))
    for position in _found(text, ") "):  # ') July 27 2016': the date after a post's handle
        end = token_at(position) + 1
        if end < len(doc) and doc[end].ent_iob_ == "B" and doc[end].ent_type_ == DATE:
            end += 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            cuts.append((end, end))
    for match in openers.finditer(text):
        index = token_at(match.start("opener"))
        if starts[index] == match.start("opener") and doc[index - 1].is_title and doc[index - 1].is_alpha:
            cuts.append((index, index))
    return sorted(cuts)


def _found(text: str, needle: str):
    """Where `needle` occurs in `text`."""
    position = text.find(needle)
    while position >= 0:
        yield position
        position = text.find(needle, position + 1)


def opener_pattern(openers: Collection[str]) -> re.Pattern:
    """A word that opens sentences, capitalised, between spaces, before a lower-case letter."""
    words = "|".join(sorted(word.capitalize() for word in openers))
    return re.compile(rf" (?P<opener>{words}) [a-z]")


def ally_positions(reader: ArticleReader, sentence: Span) -> set[int]:
    """Token indexes of the actors that back another: after 'backed by', 'with the support of', and
    the actors listed with them, up to a comma or the next verb-like word."""
    doc, rules = reader.doc, reader.rules
    positions: set[int] = set()
    index = sentence.start
    while index < sentence.end:
        if not rules.ally_cues.ends_before(reader.words, index, sentence.start):
            index += 1
            continue
        cue_end = index
        while index < sentence.end and doc[index].text != ";" and not doc[index].is_space:
            found = reader.actor_at(index)
            if found is not None:
                positions.update(range(found[0].start, found[0].end))
                index = found[0].end
                continue
            if doc[index].text == "," and not _list_goes_on(reader, index + 1, sentence.end):
                break  # a comma ends the list unless more backers and a conjunction follow it
            if not _in_ally_list(reader, doc[index]):
                break
            index += 1
        index = max(index, cue_end + 1)
    return positions


def _list_goes_on(reader: ArticleReader, index: int, end: int) -> bool:
    """'backed by militias, Russian forces and Hezbollah', 'backed by militias, including the PMU':
    the backers after a comma go on to a conjunction or a listing word ('backed by Russian jets, the
    army took' names no more backers)."""
    doc, rules = reader.doc, reader.rules
    while index < end:
        if doc[index].lower_ in rules.conjunctions or doc[index].lower_ in rules.listing_cues:
            return True
        found = reader.actor_at(index)
        if found is not None:
            index = found[0].end
            continue
        if not _in_ally_list(reader, doc[index]):
            return False
        index += 1
    return False


def _in_ally_list(reader: ArticleReader, token) -> bool:
    """A word that may stand between the backers of a list: 'the', 'Russian', 'US-led', a comma, a
    quote mark ('supported by the 'Syrian Elite forces,' US Special Forces')."""
    return token.lower_ in reader.rules.ally_list_words or token.text == "," or token.is_quote \
        or token.lower_.endswith("-led") \
        or token.lower_ in reader.demonyms or token.is_title  # 'the Syrian Elite forces'


class SentenceReader:
    """The events of one sentence unit."""

    def __init__(self, reader: ArticleReader, sentence: Span):
        self.reader, self.sentence = reader, sentence
        self.doc, self.rules = reader.doc, reader.rules

    @property
    def allies(self) -> set[int]:
        """Token indexes of the sentence's backers, found when a trigger needs them."""
        return self.reader.ally_positions(self.sentence)

    @functools.cached_property
    def _headline(self) -> bool:
        """A headline or list capitalises every word: its capitals say nothing about names."""
        words = [token for token in self.sentence if token.is_alpha and not token.is_stop]
        return len(words) >= 4 and sum(token.is_title for token in words) > 0.7 * len(words)

    def triggers(self) -> list[Trigger]:
        matcher, requirements = _matcher(self.doc, self.rules)
        words = set(self.reader.words[self.sentence.start:self.sentence.end])
        if requirements is not None and not _may_hold_trigger(requirements, words):
            return []
        matches = matcher(self.sentence, as_spans=True)
        triggers = []
        for span in filter_spans(matches):
            rule = self.rules.rules[int(span.label_)]
            if rule.not_after and self._word_before(span.start) in rule.not_after \
                    or rule.weapons and self._struck_with(rule, span):
                continue
            kind = HOLD if self._durative(rule, span) else CAPTURE if self._achieved(rule, span) \
                or self._outcome(rule, span) else rule.type
            triggers.append(Trigger(rule, span.start, span.end, kind))
        return triggers

    def _word_before(self, index: int) -> str:
        """The word before token `index`, or the preposition before the actor named right before it
        ('for' of 'a battle for control', 'from' of 'took three villages from government control')."""
        if index <= self.sentence.start:
            return ""
        found = self.reader.actor_at(index - 1)
        if found is not None and found[0].start > self.sentence.start \
                and self.doc[found[0].start - 1].lower_ in self.rules.prepositions:
            return self.doc[found[0].start - 1].lower_
        return self.doc[index - 1].lower_

    def _struck_with(self, rule: Rule, span: Span) -> bool:
        """'attacked the neighbourhood with rockets', 'used banned bombs to attack the city': a weapon
        named after 'with' in the trigger's clause, or right before the 'to' that opens it, makes the
        attack a strike from afar, no ground offensive."""
        doc = self.doc
        if span.start - 2 >= self.sentence.start and doc[span.start - 1].lower_ == "to" and (
                doc[span.start - 2].lower_ in rule.weapons or doc[span.start - 2].lower_.removesuffix("s") in rule.weapons):
            return True
        for index in range(span.end, self.sentence.end - 1):
            word = self.doc[index].lower_
            if word in self.rules.clause_ends or word in (",", ";"):
                return False
            if word == "with":
                return any(self.doc[after].lower_ in rule.weapons or self.doc[after].lower_.removesuffix("s") in
                           rule.weapons for after in range(index + 1, min(index + 4, self.sentence.end)))
        return False

    def _achieved(self, rule: Rule, span: Span) -> bool:
        """'were able to achieve advancement in the area and control the village', 'managed after
        violent clashes to control the village': a bare 'control' joined by 'and' or 'to' to what
        the subject managed to do is a change of control, not a hold."""
        doc = self.doc
        if rule.type != HOLD or rule.frame != AGENT_FIRST or span.text.lower() != "control":
            return False
        before = span.start - 1
        while before > self.sentence.start and doc[before].lower_.endswith("ly"):
            before -= 1  # 'managed to fully control'
        if before < self.sentence.start or doc[before].lower_ not in ("and", "to"):
            return False
        return self.factive(self.clause_start(Trigger(rule, span.start, span.end)), before)

    def factive(self, start: int, end: int) -> bool:
        """Whether the words before token `end` (back to the clause's `start`, another 'to' or a
        clause's end) say that the subject managed what follows ('managed to', 'managed after
        clashes to', 'enabled them to'; not 'will be unable to launch attacks to retake')."""
        doc, words = self.doc, self.rules.factive_before_to
        for index in range(end, start, -1):
            word = doc[index].lower_
            if word in FACTIVE_LINKS and doc[index - 1].lower_ in words:
                return True
            if index == end and self._factive_object(start, end):
                return True
            if index < end and (word == "to" or word in self.rules.clause_ends):
                return False
        return False

    def _factive_object(self, start: int, to: int) -> bool:
        """'enabled Syrian forces to besiege', 'allowed the army to retake': a factive word, then the actor
        it let act (an actor's name or a generic noun after determiners), then the 'to' at token `to`."""
        doc = self.doc
        found = self.reader.actor_at(to - 1)
        before = found[0].start - 1 if found is not None else (
            to - 2 if doc[to - 1].lower_ in self.rules.generic_actors else None)
        if before is None:
            return False
        while before > start and doc[before].lower_ in self.rules.object_determiners:
            before -= 1
        return before >= start and doc[before].lower_ in self.rules.factive_before_to

    def _outcome(self, rule: Rule, span: Span) -> bool:
        """'SDF forces control Kasra after clashes with IS': a hold the clause states as the outcome
        of fighting is a change of control; so is one of a place it says was cleared of an actor
        ('Rebels control Kasra, now cleared of HTS fighters'), even after a comma, and one the fighting
        ended with ('Clashes ended with HTS controlling the crossing')."""
        if rule.type != HOLD or rule.frame != AGENT_FIRST:
            return False
        doc, after_comma = self.doc, False
        start = self.clause_start(Trigger(rule, span.start, span.end))
        if self.rules.outcome_openers.within(self.reader.words, start, span.start) and any(
                doc[index].lower_ in self.rules.fighting_words for index in range(start, span.start)):
            return True  # 'Clashes ended with HTS controlling the crossing'
        for index in range(span.end, self.sentence.end - 1):
            word = doc[index].lower_
            if word in self.rules.clause_ends - self.rules.outcome_cues or doc[index].text == ";" \
                    or word in self.rules.conjunctions and doc[index + 1].lower_ in self.rules.object_determiners:
                return False  # ('held by the rebels and the only route has been cut following fighting')
            if word in self.rules.clearing_cues and doc[index + 1].lower_ in ("of", "from"):
                return any(self.reader.actor_at(after) is not None
                           for after in range(index + 2, min(index + 5, self.sentence.end)))
            if doc[index].text == ",":
                after_comma = True
            elif word in self.rules.outcome_cues and not after_comma:
                following = {token.lower_ for token in doc[index + 1:min(index + 4, self.sentence.end)]}
                return bool(following & self.rules.fighting_words)
        return False

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
        return self.reader.is_near(index, self.sentence.start)

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
                title_like(self.doc[end]) and not self.doc[end].is_stop  # 'Ba'arbo'
                or self._unit_number(end)  # 'the Division 17 base'
                or (end > index or self._article_before_name(end)) and self.doc[end].lower_ in ("al", "-")
                and end + 1 < self.sentence.end and (self.doc[end + 1].is_title or self.doc[end + 1].text == "-")):
            end += 1
        if end == index or index == self.sentence.start or self._names_no_place(self.doc[index:end]):
            return None
        return self.doc[index:end]

    def _unit_number(self, index: int) -> bool:
        """'Division 17', 'Regiment 111': a number after a military unit's word names a base."""
        return index > self.sentence.start and self.doc[index].is_digit \
            and self.doc[index - 1].is_title and self.doc[index - 1].lower_ in self.rules.unit_words

    def _article_before_name(self, index: int) -> bool:
        """'the city of al-Bab': a lower-case Arabic article joined by a hyphen to a capitalised word
        the model did not mark opens a name."""
        doc = self.doc
        return index + 2 < self.sentence.end and doc[index].lower_ in ARABIC_ARTICLES \
            and doc[index + 1].text == "-" and not doc[index].whitespace_ and not doc[index + 1].whitespace_ \
            and doc[index + 2].is_title and index + 2 not in self.reader.ents_at

    def _names_no_place(self, name: Span) -> bool:
        """An actor ('Syrian', 'Syrias' with its apostrophe lost), an organisation ('NGO', 'the UN
        Security Council'), a region's noun alone ('Province' of 'Idlib Province'), a name before an
        actor noun, a descriptor ('the Turkmen town of'), a model number ('F-16s'), a kind of thing
        after 'a' ('a Doshka'), or a website, an outlet or a person ('on Facebook', 'official Leys
        al-Faris')."""
        text = name.text
        return text.lower() in ARABIC_ARTICLES or text.lower() in self.rules.region_words \
            or self.reader.names_actor(text) or self.reader.names_actor(text.removesuffix("s")) \
            or self.reader.names_day(name) \
            or _is_acronym(text) or self.reader.names_organisation(name) \
            or self.reader.describes_actor(name) or self.reader.describes_place(name) \
            or any(char.isdigit() for char in text) and not self._unit_number(name.end - 1) \
            or self.reader.after_indefinite(name) \
            or self.reader.opens_with_plural_noun(name) or self.reader.names_other_thing(name) \
            or self._compound_part(name)

    def _compound_part(self, name: Span) -> bool:
        """'Terrorist-Held Regions' (a headline's capitals): a name that begins right after a hyphen
        joined to a capitalised word before it is the second part of a compound, no name of its own
        ('al-Bukamal', after an Arabic article, is a name)."""
        doc, start = self.doc, name.start
        return start >= 2 and doc[start - 1].text in ("-", "–") and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and doc[start - 2].is_title \
            and doc[start - 2].lower_ not in ARABIC_ARTICLES

    def _place_at(self, index: int, in_slot: bool = True, near: bool = False) -> PlaceRef | None:
        """The place named at token `index`; `in_slot`: the position is a trigger's place slot, where
        an unknown capitalised name is taken for a place; `near`: a place the event is near counts."""
        if index > self.sentence.start and self._counts(index - 1):
            return None  # '1400 Square KM', 'six Quarries': a count, no place's name
        ent = self.reader.ents_at.get(index)
        if ent is not None and ent.label_ == PLACE and ent.start == index:
            if self.reader.event_place(ent) and (near or not self._is_near(index)) \
                    and not self.reader.region_named(ent.start, ent.end):
                return self._province(ent) or PlaceRef(ent.text, ent._.place, index)
            return None
        name = self._name_at(index) if in_slot else None
        if name is not None and (near or not self._is_near(index)) \
                and not self.reader.region_named(name.start, name.end):
            return self._province(name) or PlaceRef(
                name.text, resolve_place(name.text, tuple(self.doc._.countries)), index)
        token = self.doc[index]
        if token.lower_ in self.rules.anaphor_nouns and self._anaphor_determiner(index) \
                and not self._named_after(index):
            return self._named_with_noun(index) or self.antecedent(index) or (
                self.near_antecedent(index) if token.lower_ in self.rules.settlement_nouns else None) \
                or self.reader.anaphor_place(index)
        return None

    def _counts(self, index: int) -> bool:
        """A cardinal number ('six', '1400'; not '4th', not part of a date) at token `index`."""
        token = self.doc[index]
        return token.like_num and not token.lower_.endswith(("st", "nd", "rd", "th")) \
            and index not in self.reader.ents_at

    def _named_with_noun(self, index: int) -> PlaceRef | None:
        """'in the Al-Thaknah area in the Amin neighborhood, where QSD took control of the
        neighborhood': the place its sentence named with the anaphor's noun before it ('the Amin
        neighborhood', 'the neighborhood of Amin'; not the city of 'Mansour neighborhood of Raqqa')."""
        doc, noun = self.doc, self.doc[index].lower_
        nouns = (noun, noun + "s", noun.removesuffix("s"))
        for ent in reversed(self.reader.ents_within(doc[self.sentence.start:index])):
            named = ent.end < index and doc[ent.end].lower_ in nouns or ent.start >= 3 \
                and doc[ent.start - 1].lower_ == "of" and doc[ent.start - 2].lower_ in nouns \
                and doc[ent.start - 3].lower_ in self.rules.anaphor_determiners
            if ent.label_ == PLACE and named and self.reader.event_place(ent) \
                    and not self.reader.is_near(ent.start, self.sentence.start):
                return PlaceRef(ent.text, ent._.place, index)
        return None

    def _province(self, name: Span) -> PlaceRef | None:
        """'Aleppo province', 'the province of Idlib': the governorate (unresolved when the
        gazetteer lacks it), not the city it is named after."""
        if not self.reader.province_named(name.start, name.end):
            return None
        governorate = resolve_place(f"{name.text} {GOVERNORATE}", tuple(self.doc._.countries))
        return PlaceRef(f"{name.text} {GOVERNORATE}",
                        governorate if governorate is not None and governorate.feature == ADMIN1_FEATURE else None,
                        name.start)

    def _named_after(self, index: int) -> bool:
        """'the village of Kasra', 'the hill and village of Tal Agher': the noun at `index` is
        named right after it, so it is no anaphor."""
        index += 1
        while index < self.sentence.end and (self.doc[index].lower_ in self.rules.conjunctions
                                             or self.doc[index].lower_ in self.rules.anaphor_nouns):
            index += 1
        return index + 1 < self.sentence.end and self.doc[index].lower_ == "of" \
            and (self.reader.ent(index + 1, PLACE) is not None or self._name_at(index + 1) is not None)

    def antecedent(self, index: int) -> PlaceRef | None:
        """The first place the sentence names before token `index` that is no region: 'clashes in
        Kasra village in eastern Hama, where IS took control (of the village)' happened in Kasra, and
        'trapped inside Manbij after the SDF encircled the town' is Manbij.
        A dateline ('HASAKAH (Kurdistan 24) -') says where the reporter is, not the event."""
        found = self._first_named(index)
        return PlaceRef(found[1].name, found[1].place, index) if found is not None else None

    def _first_named(self, index: int) -> tuple[int, PlaceRef] | None:
        """Where the antecedent of the anaphor at `index` is named, and its place."""
        position = self.sentence.start
        dateline = self.reader.ents_at.get(position)
        if dateline is not None and dateline.text.isupper() and len(dateline.text) > 3:
            position = dateline.end
        while position < index:
            ent = self.reader.ents_at.get(position)
            cue = position - 1  # 'in Kasra', 'in the Tadmor silos area'
            while cue > self.sentence.start and self.doc[cue].lower_ in self.rules.anaphor_determiners:
                cue -= 1
            cued = position > self.sentence.start and (self.doc[cue].lower_ in ("in", "at", "inside") or (
                self.doc[cue].lower_ == "of" and self.doc[cue - 1].lower_ == "outskirts"))  # 'on the outskirts of X'
            # 'the town that Kurdish forces recaptured' is the town named before it; 'shelling of the
            # area' with none named before names no place (not the article's main one)
            anaphor = ent is None and self.doc[position].lower_ in self.rules.anaphor_nouns
            place = self._place_at(position, in_slot=cued) if (ent is None or ent.start == position) \
                and (cued or not anaphor or self.reader.named_before(position)) else None
            end = ent.end if ent is not None else position + 1
            if place is not None and end <= index and not self.reader.regional(position, end) and (
                    place.place is None or place.place.feature != "admin1"):
                return position, place
            position = end
        return None

    def object_named_with_noun(self, trigger: Trigger, vague_end: int) -> PlaceRef | None:
        """'executed in the town of Ghraneij when IS stormed the town': an object 'the town' is the
        place its sentence named with that noun, before any other place it names first."""
        return next((found for index in range(trigger.end, min(vague_end, self.sentence.end))
                     if self.doc[index].lower_ in self.rules.anaphor_nouns and self._anaphor_determiner(index)
                     and (found := self._named_with_noun(index)) is not None), None)

    def relative_antecedent(self, trigger: Trigger, vague_end: int) -> PlaceRef | None:
        """'an area south of the stronghold of Jarabulus, which Turkish-led forces captured': a trigger
        with no object in a relative clause ('which' or 'that', then its subject, a name or a pronoun) took
        the place named right before the pronoun ('raids near Palmyra, which government forces
        recaptured', 'the city of Palmyra which they captured in May 2015'). When that
        place is one a place named just before it is near, the pronoun stands for the nearer one: in
        'the village of Rityan north of second city Aleppo, which regime forces entered', the village
        was entered."""
        if vague_end != trigger.end:
            return None
        index = trigger.start - 1
        while index > self.sentence.start and (self.reader.actor_at(index) is not None
                                               or self.doc[index].lower_ in CLAUSE_AUXILIARIES
                                               or self.doc[index].lower_ in self.rules.object_determiners
                                               or self.doc[index].lower_ in self.rules.subject_pronouns):
            index -= 1
        if index == trigger.start - 1 or index <= self.sentence.start \
                or self.doc[index].lower_ not in ("which", "that"):
            return None
        ent = self.reader.ents_at.get(index - 1)
        if ent is None or ent.label_ != PLACE or not self.reader.event_place(ent) \
                or self.reader.regional(ent.start, ent.end):
            return None
        doc, window = self.doc, range(max(self.sentence.start, ent.start - RELATIVE_HEAD_WINDOW), ent.start)
        if self._is_near(ent.start) or any(doc[index].lower_ == "of" and doc[index - 1].lower_ in
                                           self.rules.compass_words for index in window):
            ent = next((other for other in reversed(self.reader.ents_within(doc[window.start:window.stop]))
                        if other.label_ == PLACE and self.reader.event_place(other)), ent)
        return PlaceRef(ent.text, ent._.place, trigger.start)

    def one_part_taken(self, trigger: Trigger, vague_end: int) -> bool:
        """'retook an area in Aleppo', 'seized a part of the town': the object is one part of a place
        ('a' or 'an', a partitive noun), which says nothing of who controls the place."""
        words = [token.lower_ for token in self.doc[trigger.end:vague_end]]
        return len(words) >= 2 and words[0] in ("a", "an") and (
            words[-1] in self.rules.partitive_nouns or words[-1] in self.rules.partitive_areas
            or words[-1] in self.rules.quarter_nouns)

    def part_of_route(self, vague_end: int) -> bool:
        """'seized parts of the only remaining supply route': the object is part of a road, which names
        no place (and is not the place fought around)."""
        doc = self.doc
        if vague_end >= self.sentence.end or doc[vague_end].lower_ != "of":
            return False
        for index in range(vague_end + 1, min(self.sentence.end, vague_end + 7)):
            if doc[index].lower_ in self.rules.route_nouns:
                return True
            if not (doc[index].is_alpha and doc[index].is_lower) or doc[index].lower_ in self.rules.prepositions:
                return False
        return False

    def names_a_thing(self, trigger: Trigger, vague_end: int) -> bool:
        """'residents queued at the bakeries and mills of Manbij after the SDF took control of it': a
        pronoun object whose antecedent is named as the whole a thing in it belongs to stands for the thing."""
        if not self._pronoun_object(trigger, vague_end):
            return False
        found = self._first_named(trigger.start)
        if found is None or found[0] - 2 < self.sentence.start or self.doc[found[0] - 1].lower_ != "of":
            return False
        doc, rules = self.doc, self.rules
        place_words = rules.settlement_nouns | rules.anaphor_nouns | rules.plural_place_nouns | rules.quarter_nouns \
            | rules.region_words | rules.partitive_areas | rules.fighting_words | rules.operation_nouns
        index, nouns = found[0] - 2, []
        while index > self.sentence.start and doc[index].is_alpha and doc[index].is_lower \
                and doc[index].lower_ not in rules.object_determiners and doc[index].lower_ not in rules.prepositions:
            nouns.append(doc[index].lower_)
            index -= 1
        while index > self.sentence.start and doc[index].lower_ in rules.object_determiners:
            index -= 1
        return bool(nouns) and doc[index].lower_ in rules.location_prepositions \
            and not any(noun in place_words for noun in nouns)

    def battle_site(self, trigger: Trigger, vague_end: int) -> PlaceRef | None:
        """'battled IS near Shabith mount, taking control of it', 'fought around Shuwayhan south of
        Thawrah, taking control of it': a pronoun object whose sentence names no other place is the
        place the fighting was near or around."""
        return self.near_antecedent(trigger.start) if self._pronoun_object(trigger, vague_end) else None

    def near_antecedent(self, index: int) -> PlaceRef | None:
        """The first place (no region) the sentence names before token `index` right after 'near',
        'around' or 'outside': what a pronoun or 'the city' stands for when nothing else is named
        ('battled government forces outside Aleppo to ease the siege of the northern city')."""
        for position in range(self.sentence.start + 1, index):
            cue = position - 1
            while cue > self.sentence.start and self.doc[cue].lower_ in self.rules.anaphor_determiners:
                cue -= 1
            ent = self.reader.ents_at.get(position)
            if self.doc[cue].lower_ not in self.rules.battle_site_cues or (ent is not None and ent.start != position):
                continue
            place = self._place_at(position, near=True)
            end = ent.end if ent is not None else position + 1
            if place is not None and end <= index and not self.reader.regional(position, end) and (
                    place.place is None or place.place.feature != ADMIN1_FEATURE):
                return PlaceRef(place.name, place.place, index)
        return None

    def _pronoun_object(self, trigger: Trigger, vague_end: int) -> bool:
        """'took control of it', 'taking it over': the trigger's object is a pronoun."""
        return any(self.doc[index].lower_ in self.rules.pronoun_objects
                   for index in range(trigger.start, min(vague_end, self.sentence.end)))

    def previous_antecedent(self, trigger: Trigger, vague_end: int) -> PlaceRef | None:
        """'battled IS in the Tadmor silos area. Regime forces took control of it.', '... HTS gained
        the area.': a pronoun or a definite place noun its own sentence names no place for is the place
        the sentence before names first (no region)."""
        before = [sentence for sentence in self.reader.sentences if sentence.end <= self.sentence.start]
        pronoun = self._pronoun_object(trigger, vague_end) or any(
            self.doc[index].lower_ in self.rules.anaphor_nouns and self.doc[index - 1].lower_ in
            self.rules.anaphor_determiners for index in range(trigger.start + 1, trigger.end))  # 'gained the area'
        if not before or not pronoun:
            return None
        found = SentenceReader(self.reader, before[-1]).antecedent(before[-1].end)
        return PlaceRef(found.name, found.place, trigger.start) if found is not None else None

    def directed(self, vague_end: int, limit: int) -> bool:
        """'took territory to the south', 'seized ground south of the city': ground taken in a direction from
        a place is not the place."""
        doc, compass = self.doc, self.rules.compass_words
        if not doc[vague_end - 1].is_lower:
            return False  # 'captured 4th Farm west of X': a named farm is the place
        if vague_end + 1 < limit and doc[vague_end].lower_ in compass and doc[vague_end + 1].lower_ == "of":
            return True
        return vague_end + 2 < limit and doc[vague_end].lower_ == "to" and doc[vague_end + 1].lower_ == "the" \
            and doc[vague_end + 2].lower_ in compass

    def bare_ground(self, trigger: Trigger, vague_end: int) -> bool:
        """'clearing territory as they pushed on', 'gained ground': a bare mass noun of land as the object is
        ground somewhere, not the place the sentence names (a place it lists or puts it in still counts)."""
        noun = vague_end - 1
        return noun == trigger.end and noun < len(self.doc) and self.doc[noun].lower_ in self.rules.bare_ground

    def vague_object(self, trigger: Trigger) -> int | None:
        """Where the trigger's object ends when it is missing or names no place ('established
        control.', 'took it over', 'took control of the area', 'captured two villages'); None
        when it names one ('the village of Kasra') or only counts what was taken ('captured 10 in X')."""
        doc, rules, end = self.doc, self.rules, self.sentence.end
        index = trigger.end
        if index + 1 < end and doc[index].lower_ == "that" and self.reader.actor_at(index + 1) is not None:
            return index  # 'breaking a siege that IS had imposed': a relative clause, no object
        while index < end and (doc[index].lower_ in rules.anaphor_determiners or doc[index].like_num
                               or doc[index].lower_ in rules.quantifiers or doc[index].lower_ in trigger.rule.objects):
            index += 1
        if index > trigger.end and doc[index - 1].like_num and (
                index >= end or doc[index].is_punct or doc[index].lower_ in rules.prepositions):
            return None  # 'captured 10 in Daraa': a count of people or things, no place
        if index >= end:
            return index
        described = next((noun for noun in range(index + 1, min(index + 3, end))  # 'a chicken farm'
                          if doc[noun].lower_ in rules.vague_objects and doc[noun].lower_ != "it"
                          and all(doc[word].is_alpha and doc[word].is_lower for word in range(index, noun))), None)
        index = described if described is not None and index > trigger.end else index
        word = doc[index]
        if word.lower_ in rules.vague_objects:
            named = index + 2 < end and doc[index + 1].lower_ == "of" and self._place_at(index + 2) is not None
            if named:
                return None
            following = index + 1  # 'a new village and hill', 'two villages and a farm'
            while following < end and (doc[following].lower_ in rules.conjunctions or doc[following].like_num
                                       or doc[following].lower_ in rules.quantifiers):
                following += 1
            joined = following > index + 1 and following < end and doc[following].lower_ in rules.vague_objects
            return following + 1 if joined else index + 1
        if word.is_punct or word.lower_ in rules.clause_ends or (
                word.lower_ in rules.prepositions and word.lower_ not in trigger.rule.objects):
            return index
        return None

    def listed_antecedents(self, trigger: Trigger, vague_end: int) -> list[PlaceRef]:
        """'clashed in the villages of A, B and C. ... took control of the three villages': a
        definite plural object stands for the last list of places named before it (in its sentence
        or the previous ones). 'Two of these villages' names no one of them."""
        doc = self.doc
        noun = doc[vague_end - 1]
        if noun.lower_ not in self.rules.plural_place_nouns or not any(
                doc[index].lower_ in self.rules.plural_determiners for index in range(trigger.end, vague_end)) \
                or any(doc[index].like_num and doc[index + 1].lower_ == "of" for index in range(trigger.end, vague_end - 1)):
            return []
        before = [sentence for sentence in self.reader.sentences if sentence.start <= self.sentence.start]
        for sentence in reversed(before[-PREVIOUS_SENTENCES:]):
            reader = self if sentence.start == self.sentence.start else SentenceReader(self.reader, sentence)
            named = [ent for ent in self.reader.ents_within(sentence)
                     if ent.end <= trigger.start or sentence is not self.sentence]
            for ent in reversed(named):
                place = reader._place_at(ent.start) if ent.label_ == PLACE else None
                listed = reader._coordinated(place, ent.start, -1, sentence.start) if place is not None else []
                if len(listed) > 1:
                    return sorted(listed, key=lambda listed_place: listed_place.start)
        return []

    def place_in(self, index: int, limit: int) -> PlaceRef | None:
        """'two villages in the Bashkum area', 'a farm in Tal Jijin': the place named right after
        token `index` as where a vague object lies (no region: 'villages in northern Hama')."""
        if index >= limit or self.doc[index].lower_ not in self.rules.location_prepositions:
            return None
        index += 1
        while index < limit and self.doc[index].lower_ in self.rules.anaphor_determiners:
            index += 1
        if index + 1 < limit and self.doc[index].lower_ in self.rules.anaphor_nouns \
                and self.doc[index + 1].lower_ == "of":
            index += 2  # 'in the area of Jabal al-Shomriyeh'
        ent = self.reader.ents_at.get(index)
        if index >= limit or (ent is not None and ent.start != index):
            return None
        place = self._place_at(index)
        end = ent.end if ent is not None else index + 1
        if place is None or self.reader.regional(index, end) or (
                place.place is not None and place.place.feature == "admin1"):
            return None
        return place

    def in_governorate(self, vague_end: int, limit: int) -> bool:
        """'liberating two villages in Aleppo', 'regains several towns in Hama': the vague object lies in
        the governorate named after its capital, not in the city."""
        place = self.place_in(vague_end, limit)
        if place is None or place.place is None:
            return False
        governorate = resolve_place(f"{place.name} {GOVERNORATE}", tuple(self.doc._.countries))
        return governorate is not None and governorate.feature == ADMIN1_FEATURE \
            and governorate.country == place.place.country

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
            if word in ("and", ",", "&", "/", "as", "well") or (word == "the" and joined) \
                    or (step > 0 and not joined and word in self.rules.anaphor_nouns):  # 'the Kasra area and the X'
                joined = joined or word in ("and", ",", "&", "/")  # 'Jdideh/Eastern Kasra': two names of one place
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
            if index > trigger.end and self._counts(index - 1) and title_like(self.doc[index]):
                return []  # 'captured six Quarries north of X': the object is a count of things, not X
            if trigger.rule.frame == MODIFIER and self._place_noun(index - 1) \
                    and word not in ("of", *rules.conjunctions) and not self._place_noun(index):
                return []  # 'rebel-held areas Witnesses Say' (headlines run together): a held place comes after 'of'
            place = self._place_at(index)
            if place is not None:
                if self.partitive(trigger, index):
                    return []
                return self._coordinated(place, index, 1, limit)
            dated = self._date_phrase_end(index, limit)
            if dated is not None:  # 'recaptured on the 9th of February Deir Qaq'
                if self.doc[dated - 1].lower_ in rules.clause_ends:
                    return []  # 'seizing villages a week after the town fell': the date opens another clause
                index = dated
                continue
            if word in rules.clause_ends or (word in rules.prepositions and word not in trigger.rule.objects) \
                    or self.doc[index].is_space:
                return []
            found = self.reader.actor_at(index)
            index = found[0].end if found is not None else index + 1
            steps += 1
        return []

    def _place_noun(self, index: int) -> bool:
        """'town', 'areas', 'territory': a noun for a place or places."""
        word = self.doc[index].lower_
        return word in self.rules.anaphor_nouns or word in self.rules.plural_place_nouns \
            or word in self.rules.vague_objects and word not in self.rules.pronoun_objects

    def _date_phrase_end(self, index: int, limit: int) -> int | None:
        """Where a date phrase starting at token `index` ends ('yesterday', 'on Sunday', 'on the 9th
        of February'), if one does."""
        doc, start = self.doc, index
        while index < limit and index - start <= 4:
            ent = self.reader.ent(index, DATE)
            if ent is not None:
                return ent.end if ent.start == index else None
            if not (doc[index].lower_ in ("the", "of") or _DAY_NUMBER.match(doc[index].text)
                    or index == start and doc[index].lower_ in ("on", "in", "during", "since")):
                return None
            index += 1
        return None

    def partitive(self, trigger: Trigger, index: int) -> bool:
        """'half of Al-Bukamal', 'parts of the city', 'the Old City of Homs', 'Raqqa's stadium': the place
        at token `index` is named as the whole a part of which changed hands or is held, which says nothing
        of who controls the whole (an offensive or siege on part of it is on it)."""
        doc, rules = self.doc, self.rules
        if trigger.type not in (CAPTURE, SIEGE_BROKEN, WITHDRAWAL, HOLD):
            return False
        ent = self.reader.ents_at.get(index)
        after = ent.end if ent is not None else index + 1
        if after + 1 < self.sentence.end and doc[after].text in POSSESSIVE_ENDINGS and doc[after + 1].is_lower:
            return True  # 'captured Raqqa's stadium', 'the Dubat's lodgings': a thing of the place
        before = self._before_whole(index)
        if before - 1 < self.sentence.start or doc[before].lower_ not in ("of", "in"):
            return False
        noun, modifier = doc[before - 1].lower_, doc[before - 2].lower_ if before - 2 >= self.sentence.start else ""
        if noun in rules.settlement_nouns and doc[before].lower_ == "of" and before - 1 > self.sentence.start:
            outer = self._before_whole(before - 1)  # 'three neighbourhoods of the Syrian city of X': parts of X
            if outer - 1 > self.sentence.start and doc[outer].lower_ == "of" and outer < before - 1:
                outer_noun = doc[outer - 1].lower_
                outer_modifier = doc[outer - 2].lower_ if outer - 2 >= self.sentence.start else ""
                if outer_noun in rules.partitive_nouns or outer_noun in rules.partitive_areas and (
                        outer_modifier in ("a", "an") or outer_modifier not in rules.object_determiners
                        and outer_modifier not in rules.conjunctions and outer_modifier not in rules.plural_place_nouns):
                    return True
        # 'an area of', 'neighbourhoods of' (not 'the villages and areas of', which lists places)
        one_of_many = modifier in ("a", "an") or noun.endswith("s") and modifier not in rules.object_determiners \
            and modifier not in rules.conjunctions and modifier not in rules.plural_place_nouns
        if doc[before].lower_ == "in":  # 'retook an area in Aleppo': one area of the place, not the place
            return one_of_many and (noun in rules.partitive_nouns or noun in rules.partitive_areas)
        if noun == "city":
            return modifier in rules.partitive_city_modifiers
        if noun in rules.quarter_nouns and self._named_as_city(index):
            return True  # 'a rebel-held district of Syria's Aleppo city' (not 'the district of Sakhur')
        return noun in rules.partitive_nouns or noun in rules.partitive_areas and (
            one_of_many or modifier in rules.partitive_modifiers or modifier in rules.compass_words
            or before - 2 == trigger.end - 1 and trigger.rule.frame == MODIFIER)  # 'a rebel-held area of Aleppo'

    def _named_as_city(self, index: int) -> bool:
        """'Aleppo city', 'Syria's Aleppo', 'Syrias Aleppo': the name at token `index` is written as
        a city's or after its country's possessive."""
        doc, ent = self.doc, self.reader.ents_at.get(index)
        end = ent.end if ent is not None else index + 1
        possessive = index - 1 > self.sentence.start and (
            _possessive_country(doc[index - 1].text) or doc[index - 1].text in POSSESSIVE_ENDINGS)
        return possessive or end < self.sentence.end and doc[end].lower_ == "city"

    def _before_whole(self, index: int) -> int:
        """The token before the name at `index` and the words that describe it: determiners, a
        country's possessive and up to two adjectives ('parts of the divided northern city', 'areas
        of Syria's Aleppo', 'areas of Syrias Aleppo')."""
        doc, rules = self.doc, self.rules
        before, adjectives = index - 1, 0
        while before > self.sentence.start:
            word = doc[before]
            possessor = _possessive_country(word.text) or doc[before + 1].text in POSSESSIVE_ENDINGS
            if word.lower_ in rules.object_determiners or word.text in POSSESSIVE_ENDINGS:
                before -= 1
            elif word.is_alpha and (word.is_lower or possessor or word.lower_ in self.reader.demonyms) \
                    and word.lower_ not in rules.prepositions and adjectives < PARTITIVE_ADJECTIVES:
                adjectives += 1
                before -= 1
            else:
                break
        return before

    def places_listed(self, trigger: Trigger, limit: int) -> list[PlaceRef]:
        """'took control of 20 villages in northern Hama, including Kasra and Jdideh', 'captured three
        villages from the regime - Kasra, Jdideh and Mashrafa': the places named after 'including', or
        after a spaced dash that follows a lower-case word, in the trigger's clause."""
        index = trigger.end
        while index < limit - 1:
            dated = self._date_phrase_end(index, limit)
            if dated is not None:  # 'controlled several villages since 30th of May, including Kasra'
                index = dated
                continue
            word = self.doc[index].lower_
            if word in self.rules.clause_ends or self.doc[index].is_space:
                return []
            if word in self.rules.listing_cues or word in ("-", "–") and self.doc[index].whitespace_ \
                    and self.doc[index - 1].is_lower:  # not 'the triangle of A - B - C', 'the A - B axis'
                place = self._place_at(index + 1)
                return self._coordinated(place, index + 1, 1, limit) if place is not None else []
            index += 1
        return []

    def places_before(self, trigger: Trigger, limit: int) -> list[PlaceRef]:
        """The place right before the trigger (only fillers such as 'was', 'which', 'still' between)."""
        index = trigger.start - 1
        while index >= limit and self.doc[index].lower_ in self.rules.left_fillers:
            index -= 1
        if index < limit:
            return []
        named = self.reader.ents_at.get(index - 1) if index - 1 >= limit else None
        if self.doc[index].lower_ in self.rules.anaphor_nouns and named is not None and named.end == index \
                and named.label_ == PLACE:
            index -= 1  # 'Raqqa city fell to the SDF', 'the Amin neighbourhood was captured': the name before the noun
        ent = self.reader.ents_at.get(index)
        place = self._place_at(ent.start if ent is not None else index)
        if place is None or self.partitive(trigger, place.start):
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
                if ent.start not in self.allies and not self.reader.modifies_noun(ent) \
                        and not self.reader.hyphen_modifier(ent) and not self.fought(ent) \
                        and not (trigger.type != WITHDRAWAL and self.counted_captives(ent)) and (
                        not self.object_of_preposition(ent) or self._absolute_subject(ent, trigger)):
                    return found
                index = ent.start
            index -= 1
        return None

    def counted_captives(self, ent: Span) -> bool:
        """'the SDF killed 23 Daesh members and liberated X': a count of an actor's men after a verb of killing
        or capture is its object, not the subject of a trigger after it."""
        index = ent.start - 1
        return index - 1 >= self.sentence.start and self.doc[index].like_num \
            and (self.doc[index - 1].lower_ in self.rules.captive_participles
                 or self.doc[index - 1].lower_ in self.rules.killing_verbs)  # a headline's 'Kills 23 Militants'

    def fought(self, ent: Span) -> bool:
        """'Kurds fighting the IS group made advances, seizing villages': the object of a verb of fighting
        is the side fought, not the one that acts after it."""
        for _ in range(4):  # 'has fought the Syrian army Kurdish militias and tribal forces': a list fought
            index = ent.start - 1
            while index > self.sentence.start and self.doc[index].lower_ in self.rules.object_determiners:
                index -= 1
            if index >= self.sentence.start and self.doc[index].lower_ in self.rules.fought_verbs:
                return True
            while index > self.sentence.start and (self.doc[index].lower_ in self.rules.conjunctions
                                                   or self.doc[index].lower_ in self.rules.peoples):
                index -= 1
            found = self.reader.actor_at(index) if index >= self.sentence.start else None
            if found is None or found[0].end > ent.start:
                return False
            ent = found[0]
        return False

    def _absolute_subject(self, ent: Span, trigger: Trigger) -> bool:
        """'with Iraqi forces having retaken Fallujah', 'with regime forces establishing control over':
        the actor after 'with' does what the participle right after it (or after 'having') says; the
        actor after 'after', 'before' or 'until' right before the trigger ('after QSD controlled it')
        is the subject of the clause they open, not a preposition's object, and so is the actor a
        relative clause describes ('a siege by the regime who later recaptured the city')."""
        doc = self.doc
        if ent.start < 1:
            return False
        opener = ent.start - 1
        while opener > self.sentence.start and doc[opener].lower_ in self.rules.object_determiners:
            opener -= 1
        if doc[opener].lower_ in SUBORDINATORS:  # 'after (the) QSD (had) controlled it': a clause's subject
            return {token.lower_ for token in doc[ent.end:trigger.start]} <= CLAUSE_AUXILIARIES
        pronoun = ent.end + 1 if ent.end < trigger.start and doc[ent.end].text == "," else ent.end
        if pronoun < trigger.start and doc[pronoun].lower_ in ("who", "which", "that"):  # 'by the regime, who later'
            return all(token.lower_ in CLAUSE_AUXILIARIES or token.lower_.endswith("ly") or token.lower_ == "later"
                       for token in doc[pronoun + 1:trigger.start])
        if doc[ent.start - 1].lower_ != "with":
            return False
        return trigger.start - 1 > ent.start and doc[trigger.start - 1].lower_ == "having" \
            or trigger.start == ent.end and doc[trigger.start].lower_.endswith("ing")  # 'with forces establishing'

    def object_of_preposition(self, ent: Span) -> bool:
        """'clashed with HTS and rebel and Islamist factions': an actor joined by conjunctions to
        the object of a preposition is its object too (a comma alone may end the phrase: 'After
        clashes with IS, regime forces took'; one in a list does not: 'against HTS, rebel and
        Islamist groups')."""
        doc, start = self.doc, self.sentence.start
        index = ent.start
        while index > start:
            if self.reader._after_preposition(index):
                return True
            before = index - 1
            while before >= start and (doc[before].lower_ in self.rules.coordination_words
                                       or doc[before].lower_ in self.rules.peoples):
                before -= 1  # 'with HTS and Islamist and rebel factions'
            gap = {doc[word].lower_ for word in range(before + 1, index)}
            joined = bool(gap & self.rules.conjunctions) or (
                "," in gap and _list_goes_on(self.reader, ent.end, self.sentence.end))  # 'with HTS, rebel and ...'
            found = self.reader.actor_at(before) if start <= before and joined else None
            if found is None:
                return False
            index = found[0].start
        return False

    def coalition(self, ent: Span, actor: ActorRef, listed: bool = False) -> ActorRef:
        """'Iraqi forces and Popular Mobilisation units took Tikrit', 'Turkish troops and allied
        rebels': actors joined by a conjunction act as a coalition led by the first named, the
        others its allies (a commas-list joins only before a conjunction: 'X, Y and Z'). `listed`: the
        list may be a preposition's object ('clashes against regime forces and Hezbollah, where the
        latter'), but not the first side after 'between' ('between rebels and regime forces')."""
        members = [actor]
        while True:
            index, between = ent.start - 1, set()
            while index >= self.sentence.start and self.doc[index].lower_ in self.rules.coordination_words:
                between.add(self.doc[index].lower_)
                index -= 1
            found = self.reader.actor_at(index) if index >= self.sentence.start and between else None
            joined = between & self.rules.conjunctions or (len(members) > 1 and "," in between)
            if found is None or not joined or found[0].start in self.allies \
                    or (self._between_sides(found[0]) if listed else self.object_of_preposition(found[0])) \
                    or (found[0].label_ == ACTOR and self.reader.support_only(found[0])):
                break
            ent = found[0]
            members.insert(0, found[1])
        leader, followers = members[0], members[1:]
        allies = [group for member in followers for group in (member.group, *member.allies)]
        return ActorRef(leader.group, tuple(dict.fromkeys((*leader.allies, *allies))))

    def opening_generic(self, trigger: Trigger) -> ActorRef | None:
        """'Army units carried out ...', 'The militants ...': the actor of a generic noun that opens the
        sentence as its subject."""
        index = self.sentence.start
        while index < trigger.start and self.doc[index].lower_ in self.rules.object_determiners:
            index += 1
        kind = self._generic_kind(index) if index < trigger.start else None
        if kind not in (STATE, NON_STATE) or index in self.reader.ents_at or not self._common_noun(index):
            return None
        return self.reader.generic_actor(index, kind, (trigger.losing,))

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

    def fronted_subject(self, trigger: Trigger) -> tuple[Span, ActorRef] | None:
        """'After taking control of Qasr Ali, ..., the Syrian Army continued': a gerund in a clause
        that opens the sentence has the subject of the main clause, the first actor after a comma
        that is no ally and not the object of a preposition."""
        doc, start = self.doc, self.sentence.start
        if not doc[trigger.start].lower_.endswith("ing") or doc[start].lower_ not in self.rules.fronting_words \
                or any(doc[index].text == "," for index in range(start, trigger.start)):
            return None
        index, after_comma = trigger.end, False
        while index < self.sentence.end:
            after_comma = after_comma or doc[index].text == ","
            found = self.reader.actor_at(index) if after_comma else None
            if found is None:
                index += 1
                continue
            ent = found[0]
            if ent.start not in self.allies and not self.reader._after_preposition(ent.start) \
                    and not self.reader.modifies_noun(ent) \
                    and not (ent.label_ == ACTOR and self.reader.support_only(ent)):
                return found
            index = ent.end
        return None

    def generic_before(self, trigger: Trigger, limit: int, exclude: Collection[str],
                       certain: bool = False) -> ActorRef | None:
        """'the forces managed to', 'the militants were': a generic noun standing for an actor
        (`certain`: see ArticleReader.generic_actor). A generic noun that heads an actor's name stands
        for that actor: 'by the Assad regime' is the Syrian government, not the last state named."""
        for index in range(trigger.start - 1, max(limit, trigger.start - 6) - 1, -1):
            kind = self._generic_kind(index)
            if kind and self._common_noun(index) and not self.reader._after_preposition(index) \
                    and not self._allied(index):
                named = self.reader.actor_at(index)
                if named is not None and named[1].group not in exclude:
                    return named[1]
                return (self._latter(index, exclude) if kind == LAST else None) \
                    or self.reader.generic_actor(index, kind, exclude, certain)
        return None

    def _between_sides(self, ent: Span) -> bool:
        """'between rebels and the regime': the actor is the first of two sides."""
        index = ent.start - 1
        while index > self.sentence.start and self.doc[index].lower_ in self.rules.object_determiners:
            index -= 1
        return index >= self.sentence.start and self.doc[index].lower_ == "between"

    def _latter(self, index: int, exclude: Collection[str]) -> ActorRef | None:
        """'between IS against regime forces, the Lebanese army and Hezbollah, where the latter regained':
        the last side its sentence names before token `index`, a coalition led by the first of its list."""
        for before in range(index - 1, self.sentence.start - 1, -1):
            found = self.reader.actor_at(before)
            if found is not None and found[1].group not in exclude \
                    and not (found[0].label_ == ACTOR and self.reader.support_only(found[0])):
                return self.coalition(*found, listed=True) if self.object_of_preposition(found[0]) else found[1]
        return None

    def _generic_kind(self, index: int) -> str | None:
        """The kind of actor the generic noun at token `index` stands for ('the militants'), also one
        misspelt after 'the' ('the later was able to' for 'the latter'); none for captives or the dead
        ('images of captured soldiers', 'killed militants')."""
        word = self.doc[index].lower_
        if index > self.sentence.start and self.doc[index - 1].lower_ in self.rules.captive_participles:
            return None
        kind = self.rules.generic_actors.get(word)
        if kind is None and index > self.sentence.start and self.doc[index - 1].lower_ == "the":
            return self.rules.generic_misspellings.get(word)
        return kind

    def _common_noun(self, index: int) -> bool:
        """'the army', 'Army units', 'The Army establishes'; not 'Elite Army,' or 'Army of Free Tribes',
        names the dictionary lacks."""
        following = self.doc[index + 1] if index + 1 < self.sentence.end else None
        return self.doc[index].is_lower or (following is not None and following.is_alpha and following.is_lower
                                            and following.lower_ != "of")

    def actor_after(self, trigger: Trigger, cues, limit: int, exclude: Collection[str] = ()) -> ActorRef | None:
        """The actor after one of the cue words ('by', 'from', 'to') right of the trigger; a generic
        noun there ('by the militants') stands for none in `exclude`."""
        for index in range(trigger.start, min(limit, trigger.end + self.rules.max_place_distance + 4)):
            if self.doc[index].lower_ not in cues:
                if self.doc[index].lower_ in self.rules.clause_ends:
                    return None
                continue
            for following in range(index + 1, min(limit, index + 4)):
                found = self.reader.actor_at(following)
                if found is not None and not (found[0].label_ == ACTOR and self.reader.support_only(found[0])):
                    return self.affiliate_named(found[0], limit) or found[1]
                kind = self.rules.generic_actors.get(self.doc[following].lower_)
                if kind and kind != ANY:
                    return self.reader.generic_actor(following, kind, exclude)
        return None

    def affiliate_named(self, ent: Span, limit: int) -> ActorRef | None:
        """'held by Al Qaeda affiliate Al Nusra Front', 'al Qaedas Syrian offshoot the Nusra Front':
        the affiliate named right after an actor and one of the affiliate nouns is the actor meant."""
        index, noun = ent.end, False
        while index < min(limit, ent.end + 5) and self.reader.actor_at(index) is None:
            word = self.doc[index].lower_
            if word in AFFILIATE_NOUNS:
                noun = True
            elif not (word in POSSESSIVE_ENDINGS or word in self.rules.object_determiners
                      or word in self.reader.demonyms):
                return None
            index += 1
        found = self.reader.actor_at(index) if noun and index < limit else None
        return found[1] if found is not None else None

    def modifier_actor(self, trigger: Trigger) -> ActorRef | None:
        """'IS-held': the actor written before the hyphen."""
        for start in range(max(self.sentence.start, trigger.start - 4), trigger.start):
            group = self.reader.dictionary.resolve(self.doc[start:trigger.start].text, self.doc._.countries)
            if group is not None and group.group:
                return ActorRef(group.group)
        return None

    def is_passive(self, trigger: Trigger) -> bool:
        """A form of 'be' before the trigger, which is a participle: 'was captured', not 'were
        able to control', not 'have been battling for' (progressive), and not 'IS' (the Islamic
        State) before 'captured'."""
        head = self.doc[trigger.start].lower_
        if head in self.rules.non_participles or head.endswith("ing"):
            return False
        index = trigger.start - 1
        while index >= self.sentence.start and self.doc[index].lower_.endswith("ly"):
            index -= 1
        return index >= self.sentence.start and self.doc[index].lower_ in self.rules.be_forms \
            and self.reader.ents_at.get(index) is None

    def genitive_actor(self, trigger: Trigger) -> ActorRef | None:
        """'the regime's recapture of', 'the regimes recapture of' (its apostrophe lost), 'an HTS
        offensive on', 'an army operation': the actor right before a nominal trigger is its agent, even
        after a preposition ('despite the regime's recapture'); so is a generic noun's actor."""
        index = trigger.start - 1
        if index > self.sentence.start and self.doc[index].text in (*POSSESSIVE_ENDINGS, "'", "’"):
            index -= 1
        found = self.reader.actor_at(index) if index >= self.sentence.start else None
        if found is None:
            kind = self._generic_kind(index) if index >= self.sentence.start else None
            return self.reader.generic_actor(index, kind, (trigger.losing,)) if kind in (STATE, NON_STATE) \
                and self.doc[index].is_lower else None  # 'an army operation against their gathering'
        if found[0].end != index + 1 or (found[0].label_ == ACTOR and self.reader.support_only(found[0])):
            return None
        return found[1]

    def reduced_passive(self, trigger: Trigger, next_start: int) -> bool:
        """'villages captured by the regime': a participle right before 'by' and an actor, with no
        form of 'be' before it, is passive too."""
        end = trigger.end
        return self.doc[trigger.start].lower_.endswith(("ed", "en")) and end < next_start \
            and self.doc[end].lower_ == "by" \
            and self.actor_after(trigger, ("by",), min(next_start, end + 4)) is not None

    def captive_object(self, trigger: Trigger) -> bool:
        """'killed a pilot they captured', 'soldiers whom IS had captured': the trigger's object is a
        person named before its subject."""
        index = trigger.start - 1
        while index > self.sentence.start and self.doc[index].lower_ in ("had", "has", "have", *RELATIVE_PRONOUNS):
            index -= 1
        subject = self.reader.ents_at.get(index)
        if subject is not None and subject.label_ == ACTOR:
            index = subject.start
        elif self.doc[index].lower_ not in self.rules.subject_pronouns:
            return False
        while index > self.sentence.start and self.doc[index - 1].lower_ in RELATIVE_PRONOUNS:
            index -= 1
        return index > self.sentence.start and self.doc[index - 1].lower_ in self.rules.captive_nouns

    def seized_thing(self, trigger: Trigger) -> bool:
        """'boosted by arms seized in Iraq', 'weapons captured from the army': a participle right after
        a noun for things describes them; no place was taken."""
        head = trigger.start
        return head > self.sentence.start and self.doc[head].lower_.endswith(("ed", "en")) \
            and self.doc[head - 1].lower_ in self.rules.seized_things

    def opposed(self, trigger: Trigger) -> bool:
        """'in response to an offensive on X', 'repelled a major assault on X': a campaign the
        sentence's subject answers (the cue at most three words before it), which is its adversary's."""
        words, first = self.reader.words, self.sentence.start
        return any(self.rules.opposing_cues.ends_before(words, index, first)
                   for index in range(max(first + 1, trigger.start - OPPOSING_CUE_GAP), trigger.start + 1))

    # -- certainty and date -----------------------------------------------------------------------
    def clause_start(self, trigger: Trigger) -> int:
        """Where the trigger's clause begins: after a semicolon, a quote mark, 'but', or the relative
        pronoun of a relative clause, which has its own mood ('an attempt to seize it from DAESH,
        which took Manbij in 2014')."""
        for index in range(trigger.start - 1, self.sentence.start - 1, -1):
            if self.doc[index].text in (";", "“", "”", '"') or self.doc[index].lower_ in ("but", "which", "who"):
                return index + 1
        return self.sentence.start

    def certainty(self, trigger: Trigger) -> str | None:
        """reported, claimed or hypothetical; None when the sentence denies the event."""
        doc, rules = self.doc, self.rules
        if trigger.rule.frame == MODIFIER:
            return REPORTED  # 'the IS-held town' states who holds it, whatever the clause says of it
        start = self.clause_start(trigger)
        words = self.reader.words
        if rules.negation.within(words, max(start, trigger.start - rules.negation_window), trigger.start):
            return None
        if trigger.type == HOLD and rules.divided.within(
                words, trigger.end, min(self.sentence.end, trigger.end + rules.modal_window)):
            return None  # 'control of Deraa remains divided between the regime and rebels': nobody holds it
        if self.sentence.text.rstrip().endswith("?"):
            return HYPOTHETICAL
        if self.presupposed(trigger):
            return REPORTED  # 'to try to ease a government siege of X': the aim acts on a siege that is there
        if rules.hypothetical.within(words, max(start, trigger.start - rules.modal_window), trigger.start) \
                or self._subject_of_modal(trigger):
            return HYPOTHETICAL
        if self._aim_gerund(trigger) or self._coordinated_aim(trigger, start):
            return HYPOTHETICAL
        infinitive = doc[trigger.start].lower_ == "to"  # 'to gain control'
        before = trigger.start if infinitive else trigger.start - 1
        while before > start and doc[before].lower_.endswith("ly"):
            before -= 1
        verb = doc[trigger.start + 1 if infinitive else trigger.start].lower_
        if before >= start and doc[before].lower_ == "to" and trigger.rule.frame != NOMINAL \
                and not verb.endswith("ed") and not self.factive(start, before):
            return HYPOTHETICAL  # ('access to besieged areas': a participle after 'to' is no infinitive)
        if rules.claimed.within(words, self.sentence.start, trigger.start):
            return CLAIMED
        return REPORTED

    def _coordinated_aim(self, trigger: Trigger, start: int) -> bool:
        """'determined to push ahead with the offensive and capture Al Bab', 'attempts to advance on X and
        complete the encirclement of Y': a bare verb after 'and' shares the infinitive before it, so an aim
        anywhere before it in the clause, or the clause's last infinitive itself, is its aim too (not after
        'managed to')."""
        doc, head = self.doc, trigger.start
        verb = doc[head].lower_
        if not (head - 1 > start and doc[head - 1].lower_ == "and" and verb.isalpha()
                and not verb.endswith(("ed", "ing", "s")) and verb not in self.rules.irregular_past):
            return False
        if self.rules.hypothetical.within(self.reader.words, start, head):
            return True
        to = next((index for index in range(head - 3, start - 1, -1) if doc[index].lower_ == "to"), None)
        return to is not None and self._bare_verb(to + 1) and not self.factive(start, to)

    def _bare_verb(self, index: int) -> bool:
        """Whether the word at token `index` may be a bare verb ('to advance'; not 'to the', 'to Aleppo')."""
        word = self.doc[index]
        return word.is_alpha and word.is_lower and not word.lower_.endswith(("ed", "ing")) \
            and word.lower_ not in self.rules.object_determiners

    def _aim_gerund(self, trigger: Trigger) -> bool:
        """'the operation on liberating the city is under way', 'a campaign for retaking X': a gerund after a
        campaign's noun and a preposition is the campaign's aim, not its outcome."""
        doc, head = self.doc, trigger.start
        return head - 2 >= self.sentence.start and doc[head].lower_.endswith("ing") \
            and doc[head - 1].lower_ in ("on", "of", "for") and doc[head - 2].lower_ in self.rules.operation_nouns

    def _subject_of_modal(self, trigger: Trigger) -> bool:
        """'recapturing it would cut the road', 'retaking the town of X could take weeks', 'capturing the
        whole city would be a prize': a gerund whose object a modal follows is the subject of what may
        happen; so is a noun with its object and actor ('the fall of X to IS would mark a victory')."""
        doc, rules = self.doc, self.rules
        nominal = trigger.rule.frame == NOMINAL or self._control_noun(trigger)
        if not (nominal or doc[trigger.start].lower_.endswith("ing")):
            return False
        object_words = rules.object_determiners | rules.pronoun_objects | rules.anaphor_nouns | rules.vague_objects \
            | rules.quantifiers | rules.partitive_modifiers | (NOMINAL_LINKS if nominal else frozenset())
        for index in range(trigger.end, min(self.sentence.end, trigger.end + rules.max_place_distance)):
            word = self.reader.words[index]
            if word in rules.modals:
                return True
            if not (index in self.reader.ents_at or title_like(doc[index]) or word in object_words
                    or word in rules.conjunctions or word in ("of", "-")):
                return False
        return False

    def _control_noun(self, trigger: Trigger, owned: bool = True) -> bool:
        """'Full control of Aleppo would be a prize', 'the control of X could': 'control' or 'hold' opening
        the sentence or after a determiner, a possessive or a word of degree is a noun, not a verb.
        `owned`: also after a possessive ('its control of X'), the one form that names a holder."""
        doc = self.doc
        if trigger.end - trigger.start != 1 or doc[trigger.start].lower_ not in self.rules.control_nouns:
            return False
        index = trigger.start - 1
        while index >= self.sentence.start and doc[index].lower_ in self.rules.degree_words:
            index -= 1
        return index < self.sentence.start or doc[index].lower_ in ARTICLES or owned and (
            doc[index].lower_ in self.rules.object_determiners or doc[index].text in POSSESSIVE_ENDINGS)

    def _holderless_control(self, trigger: Trigger) -> bool:
        """'Control over the Castello Road is the only way in': the noun with no possessive, in a sentence
        naming no actor after it ('the control of the regime forces of Resafa', 'Control of Deraa remains
        with the rebels'), names no holder, so it holds for nobody, not for the context's actor."""
        return self._control_noun(trigger, owned=False) and not any(
            self.reader.actor_at(index) is not None for index in range(trigger.end, self.sentence.end))

    def presupposed(self, trigger: Trigger) -> bool:
        """'to try to ease a government siege of X', 'civilians enduring the siege of X': a siege
        named as the object of a verb that takes it as there (the words between: determiners,
        adjectives and its besieger)."""
        if trigger.type != SIEGE or trigger.rule.frame != NOMINAL:
            return False
        index = trigger.start - 1
        while index > self.sentence.start and (self.doc[index].lower_ in self.rules.object_determiners
                                               or self.doc[index].text in POSSESSIVE_ENDINGS
                                               or self.reader.actor_at(index) is not None
                                               or self.doc[index].is_alpha and self.doc[index].is_lower
                                               and self.doc[index].lower_ not in self.rules.presupposing_verbs):
            if trigger.start - index > 4:
                return False
            index -= 1
        return self.doc[index].lower_ in self.rules.presupposing_verbs

    def date(self, trigger: Trigger) -> tuple[dt.date | None, str]:
        """The sentence's date expression nearest the trigger, else the dateline or publication day
        (day precision only when the sentence reports something current); for a trigger in a
        clause 'ten months after ...', that long before the date of the clause around it."""
        return self.relative_date(trigger) or self.stated_date(
            trigger.start, trigger.end, state_begins=trigger.type in (CAPTURE, SIEGE_BROKEN, WITHDRAWAL)) \
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
        reports something current and, unless it states a hold, names no stretch of time before it
        ('areas the government has retaken in recent months')."""
        reader = self.reader
        fallback = reader.published
        if fallback is None:
            return None, UNKNOWN
        start = self.clause_start(trigger)
        recent = trigger.type == HOLD or self.sentence.start == reader.sentences[0].start or any(
            self.doc[index].lower_ in self.rules.recent_markers for index in range(start, trigger.start))
        earlier = trigger.start > start and self.doc[trigger.start - 1].lower_ == "having" \
            or trigger.type != HOLD and self.rules.stretch_cues.within(reader.words, start, min(self.sentence.end,
                                                                       trigger.end + self.rules.modal_window))
        return fallback, DAY if recent and not earlier else UNKNOWN

    def stated_date(self, start: int, end: int, outside: range = range(0),
                    state_begins: bool = False) -> tuple[dt.date, str] | None:
        """The date of the sentence's date expression nearest tokens start..end (and not within
        the tokens `outside`), if one names a date up to the publication day (a day later for time
        zones). `state_begins`: a date after 'since' in a clause after the tokens is when a state began
        ('lifted the siege that IS had imposed since early 2017'), which dates no change of control."""
        published = self.reader.published
        if published is None:
            return None
        dates = sorted((ent for ent in self.reader.ents_within(self.sentence) if ent.label_ == DATE
                        and not (ent.start < outside.stop and ent.end > outside.start)
                        and not (state_begins and self._state_began(end, ent))),
                       key=lambda ent: min(abs(ent.start - start), abs(ent.end - end)))
        for ent in dates:
            if ent[-1].lower_ == "later":
                return self._later_than(ent, published)
            resolved = resolve_date(self._date_text(ent), published)
            if resolved is not None and resolved[0] <= published + dt.timedelta(days=1):
                return self._range_start(ent, resolved)
        return None

    def _state_began(self, end: int, date: Span) -> bool:
        """'the siege that IS had imposed since 2015': the date after 'since' in a clause that opens
        after token `end` is when that clause's state began."""
        return date.start > end and self.doc[date.start - 1].lower_ == "since" and any(
            self.doc[index].lower_ in self.rules.clause_ends for index in range(end, date.start - 1))

    def _later_than(self, later: Span, published: dt.date) -> tuple[dt.date, str] | None:
        """'took the town on October 1 ... retook it three weeks later': that long after the date
        named last before the expression in its sentence (known no more precisely than it); None
        when none is named, as the event is then not of any date the sentence names."""
        for ent in sorted((ent for ent in self.reader.ents_within(self.sentence)
                           if ent.label_ == DATE and ent.end <= later.start), key=lambda ent: -ent.start):
            anchor = resolve_date(self._date_text(ent), published)
            found = time_after(later.text, anchor[0]) if anchor is not None else None
            if found is not None and found[0] <= published + dt.timedelta(days=1):
                return _no_finer(found, anchor[1])
        return None

    def _range_start(self, ent: Span, resolved: tuple[dt.date, str]) -> tuple[dt.date, str]:
        """'between November 21st and 26th': a day range is known to the week of its first day (to
        its month when longer than a week); a range of two days stays a day."""
        day_end = ent.end + (1 if self._date_text(ent) != ent.text else 0)
        following = self.doc[day_end:min(day_end + 2, self.sentence.end)]
        if resolved[1] != DAY or len(following) < 2 or following[0].lower_ not in self.rules.range_words \
                or not _DAY_NUMBER.match(following[1].text):
            return resolved
        length = int(re.match(r"\d+", following[1].text).group()) - resolved[0].day
        if length <= 1:
            return resolved
        return _no_finer(resolved, WEEK if length <= 7 else MONTH)

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
        trigger.passive = frame == AGENT_FIRST and rule.passive and (
            self.is_passive(trigger) or self.reduced_passive(trigger, next_start))
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
        if trigger.type == CAPTURE and (self.captive_object(trigger) or self.seized_thing(trigger)):
            return  # 'killed a pilot they captured', 'arms seized in Iraq': a person or a thing, not a place
        trigger.places = self.places_after(trigger, next_start)
        if frame == AGENT_FIRST and trigger.type == CAPTURE and not trigger.places:
            trigger.places = self.places_listed(trigger, next_start)
        changes = frame in (AGENT_FIRST, LOSER_FIRST) and trigger.type in (CAPTURE, SIEGE_BROKEN)
        vague_end = self.vague_object(trigger) if changes else None
        if vague_end is not None and (self.one_part_taken(trigger, vague_end) or self.part_of_route(vague_end) or (
                vague_end < next_start and self.doc[vague_end].lower_ in self.rules.battle_site_cues)
                or self.in_governorate(vague_end, next_start)
                or self.directed(vague_end, next_start) and not self.places_listed(trigger, next_start)):
            trigger.places = []  # 'retook an area in Aleppo', 'took ground around it': not the place itself
        elif vague_end is not None and not self.places_listed(trigger, next_start):
            place = self.place_in(vague_end, next_start) or (None if self.names_a_thing(trigger, vague_end)
                                                             or self.bare_ground(trigger, vague_end) else (
                self.relative_antecedent(trigger, vague_end) or self.object_named_with_noun(trigger, vague_end)
                or self.antecedent(trigger.start) or self.battle_site(trigger, vague_end)
                or self.previous_antecedent(trigger, vague_end)))
            trigger.places = self.listed_antecedents(trigger, vague_end) or (
                [place] if place is not None else trigger.places)
        if frame == NOMINAL:
            trigger.gaining = self.actor_after(trigger, ("by", "to"), next_start) or self._inside_actor(trigger) \
                or self.genitive_actor(trigger)
            if trigger.gaining is None and self.opposed(trigger):
                return  # 'fired rockets in response to an offensive on X': the other side's offensive
        trigger.losing = _group(self.actor_after(trigger, self.rules.losing_cues - {"of"}, next_start))
        if rule.by_role == "losing":
            trigger.losing = self._by_loser(trigger, next_start, ()) or trigger.losing
        elif rule.by_role == "inside":
            trigger.losing = _group(self._inside_actor(trigger)) or trigger.losing
        subject = self._subject(trigger, previous, left_limit)
        if frame == LOSER_FIRST:
            trigger.losing = subject.group if subject else trigger.losing
            trigger.gaining = None if rule.type == WITHDRAWAL else self.actor_after(
                trigger, ("by", "to"), next_start) or self.adversary(trigger.losing)
        elif trigger.gaining is None:
            trigger.gaining = subject
        if rule.by_role == "losing" and trigger.gaining is not None:
            side = self.reader.side_of(trigger.gaining.group)
            if trigger.losing in side:  # 'broke the siege imposed by the militants' names no ally of the breaker
                trigger.losing = self._by_loser(trigger, next_start, side)

    def adversary(self, loser: str | None) -> ActorRef | None:
        """'HTS fought Ahrar al-Sham in Tal Hawash, losing control of it', 'the army lost control of X
        after an IS assault': a place lost to nobody named is gained by the one adversary the sentence
        names (no actor on the loser's side, no air power)."""
        if loser is None:
            return None
        side = self.reader.side_of(loser)
        groups = {found[1].group for index in range(self.sentence.start, self.sentence.end)
                  if (found := self.reader.actor_at(index)) is not None and found[0].start == index
                  and not (found[0].label_ == ACTOR and self.reader.support_only(found[0]))} - side
        return ActorRef(groups.pop()) if len(groups) == 1 else None

    def _by_loser(self, trigger: Trigger, next_start: int, exclude: Collection[str]) -> str | None:
        """'the siege of Amerli by IS', 'a siege that IS had imposed', 'the Islamic State siege': the
        actor the rule's 'by' names."""
        return _group(self.actor_after(trigger, ("by", "that"), next_start, exclude) or self._inside_actor(trigger))

    def _inside_actor(self, trigger: Trigger) -> ActorRef | None:
        """'under ISIS's control', 'the Islamic State siege': an actor inside the trigger span."""
        for index in range(trigger.start, trigger.end):
            found = self.reader.actor_at(index)
            if found is not None:
                return found[1]
        return None

    def _subject(self, trigger: Trigger, previous: Trigger | None, left_limit: int) -> ActorRef | None:
        """Who acts: the nearest actor before the trigger; for verbs joined by 'and' ('took X and
        entered Y') or an aim ('launched an offensive to retake') the previous trigger's; else a
        generic noun's referent, else the previous sentences' subject. A participle after a comma
        ('X battled Y in Z, taking it over', '..., and regaining', 'X advanced after taking Z') has the
        sentence's subject. The actor of a campaign whose aim the trigger is ('a rebel offensive to
        break the siege') is its subject."""
        doc, head = self.doc, trigger.start
        if self._adjectival(trigger):
            return None  # 'an attack on besieged Madaya': no besieger named, and not the context's
        campaign = trigger.start - 2
        aim_of_campaign = campaign > self.sentence.start and doc[campaign + 1].lower_ == "to" \
            and doc[campaign].lower_ in self.rules.operation_nouns
        if aim_of_campaign:
            agent = self.genitive_actor(Trigger(trigger.rule, campaign, campaign + 1))
            if agent is not None:
                return agent
        runner = self.campaign_runner(trigger)
        if runner is not None:
            return runner
        if doc[head].lower_ in self.rules.conjunctions and head + 1 < trigger.end:
            head += 1  # a trigger that opens with its 'and'
        before = head - 1
        while before > self.sentence.start and doc[before].lower_.endswith("ly"):
            before -= 1  # '..., eventually taking it over'
        if before > self.sentence.start and doc[before].lower_ in self.rules.conjunctions:
            before -= 1  # 'advanced in al-Marj, fighting X, and regaining control of Y'
        participle = before >= self.sentence.start and doc[head].lower_.endswith("ing") and (
            doc[before].text == "," or before > self.sentence.start and doc[before].lower_ in self.rules.fronting_words)
        found = self.sentence_subject(trigger) if participle else self.fronted_subject(trigger)
        if participle and found is None:
            opening = self.opening_generic(trigger)
            if opening is not None:
                return opening  # 'Army units carried out operations against IS, establishing control over X'
        found = found or self.actor_before(trigger, left_limit)
        if found is None and self._pronoun_subject(before):
            named = self.reader.one_side([actor for _, actor in self.reader.agents(
                doc[self.sentence.start:trigger.start], (trigger.losing,))])
            if named is not None:
                return named  # 'was used by Daesh to protect the city of Palmyra, which they captured'
        generic_at = self._generic_noun_at(trigger, left_limit)
        if found is not None and (generic_at is None or found[0].end > generic_at):
            ent, actor = found
            led = self.coalition(ent, actor)
            if trigger.rule.mutual and led.allies != actor.allies:
                return None  # 'rebels and pro-government forces battled for control of X': both sides, no attacker
            if not (ent.label_ == ACTOR and self.reader.support_only(ent)) or led.group != actor.group:
                return led  # ('the SDF and US special forces took': the SDF lead)
            return None  # air power named as the subject: it backs an actor the sentence leaves unnamed
        linked = previous is not None and self.rules.linking_words & {doc[trigger.start - 1].lower_, doc[head].lower_}
        if linked and previous.gaining is not None:
            return previous.gaining
        if previous is not None and previous.gaining is not None and before > self.sentence.start \
                and doc[before].lower_ in self.rules.subject_pronouns \
                and doc[before - 1].lower_ in self.rules.conjunctions:
            return previous.gaining  # 'rebels launched an attack on X and they controlled Y'
        if trigger.rule.needs_actor or self._unknown_subject(before) or self._holderless_control(trigger):
            return None
        nominal = trigger.rule.frame == NOMINAL or aim_of_campaign  # 'the battle for X', 'the campaign to liberate X'
        generic = self.generic_before(trigger, self.sentence.start, (trigger.losing,), certain=nominal)
        if generic is not None or self._generic_noun_at(trigger, self.sentence.start) is not None or (
                linked and previous.rule.frame == AGENT_FIRST and previous.type == OFFENSIVE):
            return generic  # 'Syrian insurgents launch battle to seize': theirs or nobody, not the context's subject
        if self._nominal_gerund(trigger):
            return None  # 'the importance of capturing X is': nobody the sentence names, not the context's subject
        if aim_of_campaign:
            return None  # 'the spring campaign to liberate X': the campaign's, whom its sentence does not name
        if nominal:
            return self.nominal_agent(trigger)
        return self.reader.context_actor(trigger.start, (trigger.losing,))

    def _pronoun_subject(self, index: int) -> bool:
        """'which they (had) captured': 'they' (auxiliaries after it) is the trigger's subject; it stands
        for the one side its sentence names before it, even as the object of a preposition."""
        while index > self.sentence.start and self.doc[index].lower_ in CLAUSE_AUXILIARIES:
            index -= 1
        return index > self.sentence.start and self.doc[index].lower_ == "they"

    def campaign_runner(self, trigger: Trigger) -> ActorRef | None:
        """'a major operation by Iraqi and Kurdish forces backed by the coalition to retake Mosul': the
        aim of a campaign is its runner's, named after 'by' between the campaign's noun and the 'to'."""
        doc = self.doc
        if trigger.start - 1 <= self.sentence.start or doc[trigger.start - 1].lower_ != "to":
            return None
        for index in range(trigger.start - 2, max(self.sentence.start, trigger.start - CAMPAIGN_AIM_WINDOW), -1):
            if doc[index].lower_ in self.rules.clause_ends or doc[index].text in (",", ";"):
                return None
            if doc[index].lower_ == "by" and (doc[index - 1].lower_ in self.rules.operation_nouns
                                               or doc[index - 1].lower_ in self.rules.attempt_nouns):
                found = next(filter(None, map(self.reader.actor_at, range(index + 1, min(index + 4, trigger.start)))), None)
                return found[1] if found is not None else None
        return None

    def nominal_agent(self, trigger: Trigger) -> ActorRef | None:
        """The actor of a campaign or a capture named by a noun ('the liberation of X', 'the battle for
        X') that has no subject of its own: the one side its sentence names acting before it ('Syrian
        army retook villages in a new offensive on X', 'government forces seized a district, tightening
        their siege of X'); if it names none, the one side the sentence right before names. Further
        back, or with both sides named, it is unknown: 'the battle for Aleppo in 2016' is nobody's in
        particular, not the article's main actor's."""
        exclude = (trigger.losing,)
        named = [actor for ent, actor in self.reader.agents(self.doc[self.sentence.start:trigger.start], exclude)
                 if not self.object_of_preposition(ent) and not self.reader.modifies_noun(ent)]
        if named:
            return self.reader.one_side(named)
        return self.reader.certain_context_actor(self.sentence.start, exclude)

    def _adjectival(self, trigger: Trigger) -> bool:
        """'an attack on besieged Madaya', 'returned to recaptured Palmyra': a participle right after a
        preposition describes the place; it names no act of a subject ('able to recaptured', a typo
        after a factive word, is still a verb)."""
        doc, head = self.doc, trigger.start
        if trigger.rule.frame != AGENT_FIRST or trigger.end - head != 1 or head <= self.sentence.start \
                or not doc[head].lower_.endswith(("ed", "en")):
            return False
        before = doc[head - 1].lower_
        if trigger.type == SIEGE and before not in self.rules.prepositions and self._describes_places(head):
            return True  # 'aid would reach besieged areas of X': the participle describes the areas
        if before.endswith("ing") and doc[head - 1].is_lower and doc[head - 1].is_alpha \
                and before not in self.rules.fought_verbs and head + 1 < self.sentence.end \
                and (doc[head + 1].is_title or doc[head + 1].lower_ in self.rules.plural_place_nouns):
            return True  # 'a convoy entering besieged Moadamieh': a gerund's object, described
        if before not in self.rules.prepositions or before in SUBORDINATORS or before == "by":
            return False
        return before != "to" or head - 2 < self.sentence.start \
            or doc[head - 2].lower_ not in self.rules.factive_before_to

    def _describes_places(self, head: int) -> bool:
        """'would reach besieged areas of X': a participle between a verb and a plural place noun describes
        the places; after an actor, an auxiliary or a pronoun it is the verb ('forces (have) besieged towns',
        'militias loyal to them besieged towns')."""
        doc, rules = self.doc, self.rules
        word = doc[head - 1]
        return head + 1 < self.sentence.end and doc[head + 1].lower_ in rules.plural_place_nouns \
            and word.is_alpha and word.is_lower and not word.lower_.endswith("ly") \
            and self.reader.actor_at(head - 1) is None and word.lower_ not in rules.generic_actors \
            and word.lower_ not in CLAUSE_AUXILIARIES and word.lower_ not in rules.be_forms \
            and word.lower_ not in rules.modals and word.lower_ not in rules.conjunctions \
            and word.lower_ not in rules.clause_ends and word.lower_ not in rules.subject_pronouns \
            and word.lower_ not in RELATIVE_PRONOUNS and word.lower_ not in rules.object_pronouns

    def _nominal_gerund(self, trigger: Trigger) -> bool:
        """'the importance of capturing X', 'a plan for retaking X': a gerund after a preposition (not
        one that opens a clause: 'after taking X, the army') has no subject but one its sentence names."""
        doc, head = self.doc, trigger.start
        if head <= self.sentence.start or not doc[head].lower_.endswith("ing"):
            return False
        before = doc[head - 1].lower_
        return before in self.rules.prepositions and before not in SUBORDINATORS \
            and before not in self.rules.fronting_words

    def _unknown_subject(self, index: int) -> bool:
        """'JSH re-captured', 'Army of Free Tribes managed to control': a name the dictionary does not
        know stands right before the trigger (an auxiliary between), so the subject is nobody the
        article names, not the context's; so is bare air power ('after warplanes attacked') and a
        country whose forces are no actor the dictionary knows ('Israel seized the Golan')."""
        if index - 1 > self.sentence.start and self.doc[index].text in ("-", "–") \
                and self.doc[index - 1].lower_ == "re":
            index -= 2  # 're-captured', written in three tokens
        while index > self.sentence.start and self.doc[index].lower_ in CLAUSE_AUXILIARIES:
            index -= 1
        ent = self.reader.ents_at.get(index)
        if ent is not None and ent.label_ == PLACE and ent._.place is not None \
                and ent._.place.feature == COUNTRY_FEATURE:  # not one named as a place ('in Syria')
            return not self.reader._place_after_preposition(ent) \
                and self.reader.dictionary.state_actor(ent._.place.country) is None
        if index < self.sentence.start or ent is not None and ent.label_ not in NAME_LABELS:
            return False
        if (self.doc[index].lower_,) in self.rules.support_only:
            return True  # 'after warplanes attacked a street': air power takes no ground
        token = self.doc[index]
        return ent is not None or (token.is_upper and len(token) >= 2 and token.is_alpha) or self._unknown_name(index)

    def _unknown_name(self, index: int) -> bool:
        """'Army of Free Tribes managed to control': a capitalised name of several words the model did not
        mark ends at token `index` (not a headline's capitals, not a generic noun or a people)."""
        doc, rules = self.doc, self.rules
        token = doc[index]
        if self._headline or not token.is_title or not token.is_alpha or index - 1 <= self.sentence.start \
                or token.lower_ in rules.generic_actors or token.lower_ in self.reader.demonyms \
                or token.lower_ in rules.peoples:
            return False
        before = doc[index - 1]
        return before.is_title and before.is_alpha and index - 1 not in self.reader.ents_at \
            or before.lower_ == "of" and doc[index - 2].is_title

    def _generic_noun_at(self, trigger: Trigger, limit: int) -> int | None:
        """Where a generic noun for a kind of actor ('the militants', 'the army') stands as the subject
        within a few words before the trigger (not 'pro-regime militias', which names its actor)."""
        return next((index for index in range(trigger.start - 1, max(limit, trigger.start - 6) - 1, -1)
                     if self._generic_kind(index) in (STATE, NON_STATE, LAST)
                     and index not in self.reader.ents_at and self._common_noun(index)
                     and not self.reader._after_preposition(index) and not self._counted(index)
                     and not self._allied(index)), None)

    def _counted(self, index: int) -> bool:
        """'killed 125 terrorists', 'dozens of militants': a counted noun is an object, no subject."""
        before = self.doc[index - 1] if index > self.sentence.start else None
        return before is not None and (before.like_num or before.lower_ == "of")

    def _allied(self, index: int) -> bool:
        """'the Nusra Front and its allied terrorists': a generic noun after 'allied' names the allies of
        the actor before it, no subject of its own."""
        return index > self.sentence.start and self.doc[index - 1].lower_ == "allied"

    def allies_of(self, trigger: Trigger) -> list[str]:
        """The gaining actor's backers: its own ('US-backed'), the sentence's ('backed by') and the air
        power it names; an 'X-held' modifier names its holder's own only."""
        allies = list(trigger.gaining.allies) if trigger.gaining else []
        gaining = trigger.gaining.group if trigger.gaining else None
        if trigger.rule.frame == MODIFIER:
            return allies
        side = (None, gaining, *allies)  # backers of the gaining actor or of its coalition
        for index in sorted(self.allies):
            found = self.reader.actor_at(index)
            if found is not None and found[0].start == index and self._backed(index) in side:
                allies.append(found[1].group)
        for index in range(self.sentence.start, trigger.start):
            ent = self.reader.ent(index, ACTOR)
            if ent is not None and ent.start == index and ent.kb_id_ and self.reader.support_only(ent) \
                    and not any(self.doc[between].lower_ in self.rules.clause_ends or self._by_agent(between)
                                for between in range(ent.end, trigger.start)):
                allies.append(ent.kb_id_)  # air power in the trigger's clause, not 'X bombed Y as Z took W'
        return [group for group in dict.fromkeys(allies) if group not in (gaining, trigger.losing)]

    def _by_agent(self, index: int) -> bool:
        """'jets struck areas held by a rebel alliance battling to take X': an actor after 'by' at token
        `index` is the agent of a participle; air power before it struck the area that actor holds, it
        does not back the actor."""
        return self.doc[index].lower_ == "by" and index > self.sentence.start \
            and self.doc[index - 1].lower_ not in self.rules.ally_list_words and self.doc[index - 1].is_lower \
            and not self.rules.ally_cues.within(self.reader.words, max(self.sentence.start, index - 3), index + 1) \
            and any(self.reader.actor_at(after) is not None for after in range(index + 1, min(index + 4, self.sentence.end)))

    def _backed(self, index: int) -> str | None:
        """The group of the actor the backer at token `index` backs: the nearest one before it that
        is no backer itself ('clashed against the Syrian army supported by militias': the army); ''
        for one the dictionary does not know, or none named since a coordinated clause opened ('IS
        looked set to overrun Kobani but Kurdish fighters backed by coalition strikes held it back'
        backs no IS)."""
        for before in range(index - 1, self.sentence.start - 1, -1):
            if before in self.allies:
                continue
            found = self.reader.actor_at(before)
            if found is not None:
                return found[1].group
            if self.reader.ent(before, ACTOR) is not None or self.doc[before].lower_ in CLAUSE_COORDINATORS:
                return ""
        return None

    def mentions(self) -> list[dict]:
        triggers = self.triggers()
        previous = None
        for number, trigger in enumerate(triggers):
            # an 'X-held' modifier sits inside another trigger's object and bounds no search
            following = [other.start for other in triggers[number + 1:] if other.rule.frame != MODIFIER]
            self.fill(trigger, previous, following[0] if following else self.sentence.end)
            if trigger.rule.frame != MODIFIER:
                previous = trigger
        holders = {}  # (place key, type) -> holder of an 'X-held' place, besieger of an 'X-besieged' one
        for trigger in triggers:
            if trigger.rule.frame == MODIFIER and trigger.gaining is not None:
                for place in trigger.places:
                    holders[_place_key(place), trigger.type] = trigger.gaining.group
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
                        other is not trigger and other.type != HOLD and key in map(_place_key, other.places)
                        for other in triggers):
                    continue  # 'liberated the IS-held town': IS is the loser, not a holder to report
                losing = trigger.losing or (None if trigger.type == HOLD else holders.get((key, HOLD)) or (
                    holders.get((key, SIEGE)) if trigger.type == SIEGE_BROKEN else None))
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


def _possessive_country(name: str) -> bool:
    """'Syrias capital': a country's possessive with its apostrophe lost."""
    country = resolve_place(name[:-1]) if name.endswith("s") and len(name) > 4 else None
    return country is not None and country.feature == COUNTRY_FEATURE


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

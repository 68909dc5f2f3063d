"""The actor dictionary: canonical armed groups, their aliases, and finding their mentions in text.

Matching works on normalised words rather than spaCy tokens: one alias shows up as 'U.S.-backed'
(a single spaCy token) or 'US backed', as 'Shi’ite' or 'Shiite', as 'air strikes' or 'airstrikes',
so words are compared with apostrophes, dots, diacritics, case and the gaps between them folded
away. The NLP pipeline snaps the character offsets found here to tokens.
"""
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import yaml

ACTORS_PATH = Path(__file__).resolve().parent / "resources" / "actors.yaml"

_APOSTROPHES = "'’‘ʼ`"
# A possessive ending (skipped), a dotted acronym ('U.S.'), or a word with inner apostrophes.
_WORD = re.compile(rf"[{_APOSTROPHES}]s\b|(?:[^\W\d_]\.){{2,}}|[^\W_]+(?:[{_APOSTROPHES}](?!s\b)[^\W_]+)*")
_NOT_ALNUM = re.compile(r"[\W_]+")  # also removes the combining marks NFKD splits off
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s")
_TRAILING_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s?$")
_HYPHEN_GAP = re.compile(r"\s*[-–‐]\s*")
_LIST_GAP = re.compile(r"[\s,]*")
_SPACE_GAP = re.compile(r"\s+")


@dataclass(frozen=True)
class Word:
    """A word of the text: `letters` keeps case (for acronyms), `key` is what matching compares."""
    letters: str
    key: str
    start: int
    end: int


def _fold(text: str) -> str:
    """Letters and digits only, diacritics removed, case kept."""
    return _NOT_ALNUM.sub("", text if text.isascii() else unicodedata.normalize("NFKD", text))


@functools.lru_cache(maxsize=8)
def split_words(text: str) -> tuple[Word, ...]:
    """The words of `text` with character offsets; possessive endings are not words.

    Remembers the last few texts: the actor and place rulers split the same article."""
    words = []
    for match in _WORD.finditer(text):
        if _POSSESSIVE.fullmatch(match.group()):
            continue
        letters = _fold(match.group())
        words.append(Word(letters, letters.lower(), match.start(), match.end()))
    return tuple(words)


def _is_acronym(word: str) -> bool:
    letters = _fold(word)
    return len(letters) >= 2 and letters.isupper()


def _number_variants(phrase: str) -> list[str]:
    """The phrase with its last word in singular and plural, when that word is a common noun."""
    head, _, last = phrase.rpartition(" ")
    if not last.isalpha() or not last.islower():
        return [phrase]
    if last.endswith("ies"):
        forms = [last[:-3] + "y", last]
    elif last.endswith("men"):
        forms = [last[:-3] + "man", last]
    elif last.endswith("man"):
        forms = [last, last[:-3] + "men"]
    elif last.endswith("s") and not last.endswith("ss"):
        forms = [last[:-1], last]
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        forms = [last, last[:-1] + "ies"]
    else:
        forms = [last, last + "s"]
    return [f"{head} {form}".strip() for form in forms]


class AliasIndex:
    """Phrases found by longest match over words, tolerant of spelling variants.

    Each phrase carries values (the groups it may denote, a place name …); phrases that fold to
    the same key share their values. Capitalised acronyms ('IS', 'US') only match in capitals.
    """

    def __init__(self):
        self._entries: dict[str, list[tuple[str, list[Any]]]] = {}
        self._prefixes: set[str] = set()
        self._max_words = 0

    def add(self, phrase: str, value: Any, number_variants: bool = False) -> None:
        for variant in _number_variants(phrase) if number_variants else [phrase]:
            self._add_one(variant, value)

    def _add_one(self, phrase: str, value: Any) -> None:
        words = split_words(phrase)
        if not words:
            return
        key = "".join(word.key for word in words)
        capitals = "".join(("U" if _is_acronym(word.letters) else ".") * len(word.key) for word in words)
        entries = self._entries.setdefault(key, [])
        for entry_capitals, values in entries:
            if entry_capitals == capitals:
                if value not in values:
                    values.append(value)
                return
        entries.append((capitals, [value]))
        self._prefixes.update(key[:n] for n in range(1, len(key) + 1))
        # a one-word alias may be written as two words in the text ('airstrikes' / 'air strikes')
        self._max_words = max(self._max_words, len(words) + 1)

    def _values(self, key: str, words: Sequence[Word]) -> list[Any] | None:
        letters = "".join(word.letters for word in words)
        for capitals, values in self._entries.get(key, ()):
            if all(c != "U" or ch.isupper() for c, ch in zip(capitals, letters)):
                return values
        return None

    def match_at(self, words: Sequence[Word], start: int) -> tuple[int, list[Any]] | None:
        """The longest phrase starting at words[start]: (end word index, values), or None."""
        best = None
        key = ""
        for end in range(start, min(len(words), start + self._max_words)):
            key += words[end].key
            if key not in self._prefixes:
                break
            values = self._values(key, words[start:end + 1])
            if values is not None:
                best = (end + 1, values)
        return best

    def find(self, text: str) -> Iterator[tuple[int, int, list[Any]]]:
        """Non-overlapping longest matches in `text`, left to right: (start char, end char, values)."""
        words = split_words(text)
        index = 0
        while index < len(words):
            match = self.match_at(words, index)
            if match is None:
                index += 1
                continue
            end, values = match
            yield words[index].start, words[end - 1].end, values
            index = end

    def match_ending_at(self, words: Sequence[Word], end: int) -> tuple[int, list[Any]] | None:
        """The longest phrase ending just before words[end]: (start word index, values), or None."""
        preceding = words[:end]
        for start in range(max(0, end - self._max_words), end):
            match = self.match_at(preceding, start)
            if match is not None and match[0] == end:
                return start, match[1]
        return None


@dataclass(frozen=True)
class ActorGroup:
    id: str
    description: str = ""
    conflicts: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    state: str | None = None
    names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorMention:
    """An actor named in a text: character offsets, its group (None if the alias is shared by
    groups the country hints cannot decide between) and the groups backing it."""
    start: int
    end: int
    text: str
    group: str | None
    allies: tuple[str, ...] = field(default=())


def _pick_group(candidates: Sequence[tuple[str, tuple[str, ...]]], country_hints: Sequence[str]) -> str | None:
    """The single candidate, else the first one active in the earliest hinted country, else None."""
    if len(candidates) == 1:
        return candidates[0][0]
    for country in country_hints:
        for group, countries in candidates:
            if country in countries:
                return group
    return None


class ActorDictionary:
    """Canonical groups plus the rules that find and canonicalise their mentions."""

    def __init__(self, groups: dict[str, ActorGroup], member_nouns: Iterable[str],
                 state_force_nouns: Iterable[str], unnamed_state_forces: Iterable[str],
                 modifier_verbs: Iterable[str]):
        self.groups = groups
        self._aliases = AliasIndex()
        self._backers = AliasIndex()
        states = [group for group in groups.values() if group.state]
        for group in groups.values():
            candidate = (group.id, group.countries)
            for alias in group.aliases:
                self._aliases.add(alias, candidate, number_variants=True)
            for name in group.names + group.demonyms:
                for noun in state_force_nouns:
                    self._aliases.add(f"{name} {noun}", candidate, number_variants=True)
            for backer in group.names + group.demonyms + group.aliases:
                self._backers.add(backer, group.id)
        for phrase in unnamed_state_forces:
            for state in states:
                self._aliases.add(phrase, (state.id, (state.state,)), number_variants=True)
        self._member_nouns = {word.key for noun in member_nouns
                              for variant in _number_variants(noun) for word in split_words(variant)}
        self._possessed_nouns = self._member_nouns | {
            split_words(variant)[0].key for noun in state_force_nouns for variant in _number_variants(noun)}
        self._modifier_verbs = {verb.lower() for verb in modifier_verbs}
        self._demonyms = {word.key for group in groups.values() for demonym in group.demonyms
                          for word in split_words(demonym)}
        self._state_actors = {group.state: group.id for group in states}

    def state_actor(self, country: str) -> str | None:
        """The group that is the state forces of an ISO country code ('IQ' -> IRAQI_GOVERNMENT)."""
        return self._state_actors.get(country)

    def find(self, text: str, country_hints: Sequence[str] = ()) -> list[ActorMention]:
        """Every actor mention in `text`, longest first, left to right.

        `country_hints` (ISO codes, most relevant first) decide aliases shared by several groups;
        a mention they cannot decide keeps group None rather than a guess.
        """
        words = split_words(text)
        restored = self._possessives_restored(words)
        mentions = []
        index = 0
        while index < len(words):
            match = self._aliases.match_at(words, index)
            if restored is not words:  # the longer of the readings with and without the lost apostrophes
                possessive = self._aliases.match_at(restored, index)
                if possessive is not None and (match is None or possessive[0] > match[0]):
                    match = possessive
            if match is None:
                index += 1
                continue
            end, candidates = match
            if self._is_modifier_verb(text, words, end):  # 'Iran-backed …': a backer, not a mention
                index = end + 1
                continue
            end = self._with_member_noun(text, words, end)
            group = _pick_group(candidates, country_hints)
            start, allies = self._modifiers_before(text, words, index, group)
            mentions.append(ActorMention(words[start].start, words[end - 1].end,
                                         text[words[start].start:words[end - 1].end], group, allies))
            index = end
        return mentions

    def resolve(self, text: str, country_hints: Sequence[str] = ()) -> ActorMention | None:
        """The mention when the whole of `text` names one actor ('US-backed Iraqi forces'), else None."""
        stripped = _TRAILING_POSSESSIVE.sub("", text.strip())
        mentions = self.find(stripped, country_hints)
        if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(stripped):
            return mentions[0]
        return None

    def _possessives_restored(self, words: tuple[Word, ...]) -> tuple[Word, ...]:
        """'Assads forces', 'Syrias army': a capitalised name whose apostrophe was lost before a noun
        of armed forces is the name's possessive, so it is matched as the name."""
        restored = None
        for index in range(len(words) - 1):
            word = words[index]
            if word.key.endswith("s") and not word.key.endswith("ss") and len(word.key) > 3 \
                    and word.letters[:1].isupper() and word.letters[1:].islower() \
                    and words[index + 1].key in self._possessed_nouns:
                restored = restored or list(words)
                restored[index] = Word(word.letters[:-1], word.key[:-1], word.start, word.end)
        return tuple(restored) if restored else words

    def _is_modifier_verb(self, text: str, words: Sequence[Word], index: int) -> bool:
        return (index < len(words) and words[index].key in self._modifier_verbs
                and _HYPHEN_GAP.fullmatch(text[words[index - 1].end:words[index].start]) is not None)

    def _with_member_noun(self, text: str, words: Sequence[Word], end: int) -> int:
        if (end < len(words) and words[end].key in self._member_nouns
                and _SPACE_GAP.fullmatch(text[words[end - 1].end:words[end].start])):
            return end + 1
        return end

    def _modifiers_before(self, text: str, words: Sequence[Word], start: int,
                          group: str | None) -> tuple[int, tuple[str, ...]]:
        """Extend a mention over 'X-backed', 'X-led, Y-trained and armed' modifiers; X are allies.

        A capitalised X that is no known actor ('Kurdish-led') is kept in the mention as a
        description; a lower-case unknown one ends the modifiers.
        """
        allies: list[str] = []
        if (start > 0 and words[start - 1].key in self._demonyms
                and _SPACE_GAP.fullmatch(text[words[start - 1].end:words[start].start])):
            start -= 1  # 'Iranian-backed Iraqi Popular Mobilization Forces'
        while start > 0 and words[start - 1].key in self._modifier_verbs:
            if not _LIST_GAP.fullmatch(text[words[start - 1].end:words[start].start]):
                break
            verb = start - 1
            while (verb >= 2 and words[verb - 1].key == "and" and words[verb - 2].key in self._modifier_verbs):
                verb -= 2
            if verb == 0 or not _HYPHEN_GAP.fullmatch(text[words[verb - 1].end:words[verb].start]):
                break
            backer = self._backers.match_ending_at(words, verb)
            if backer is not None:
                backer_start, backer_groups = backer
                allies.extend(g for g in backer_groups[:1] if g != group and g not in allies)
            elif words[verb - 1].letters[:1].isupper():
                backer_start = verb - 1
            else:
                break
            start = backer_start
            if start > 0 and not _LIST_GAP.fullmatch(text[words[start - 1].end:words[start].start]):
                break
        return start, tuple(allies)


def _merge_groups(conflicts: dict[str, dict]) -> dict[str, ActorGroup]:
    """One ActorGroup per id, uniting what each conflict says about it."""
    merged: dict[str, dict] = {}
    for conflict_id, conflict in conflicts.items():
        for group_id, spec in (conflict.get("groups") or {}).items():
            spec = spec or {}
            target = merged.setdefault(group_id, {"id": group_id, "description": "", "conflicts": [],
                                                  "countries": [], "state": None, "names": [],
                                                  "demonyms": [], "aliases": []})
            target["description"] = target["description"] or spec.get("description", "")
            target["state"] = target["state"] or spec.get("state")
            target["conflicts"].append(conflict_id)
            for key in ("names", "demonyms", "aliases"):
                target[key].extend(v for v in spec.get(key, ()) if v not in target[key])
            countries = spec.get("countries", conflict.get("countries", ()))
            target["countries"].extend(c for c in countries if c not in target["countries"])
    return {group_id: ActorGroup(**{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()})
            for group_id, spec in merged.items()}


def actor_dictionary_from_data(data: dict) -> ActorDictionary:
    """Build the dictionary from the parsed YAML structure (see resources/actors.yaml)."""
    return ActorDictionary(
        groups=_merge_groups(data["conflicts"]),
        member_nouns=data.get("member_nouns", ()),
        state_force_nouns=data.get("state_force_nouns", ()),
        unnamed_state_forces=data.get("unnamed_state_forces", ()),
        modifier_verbs=data.get("modifier_verbs", ()),
    )


@functools.lru_cache(maxsize=None)
def load_actor_dictionary(path: Path = ACTORS_PATH) -> ActorDictionary:
    """The actor dictionary, parsed once per process."""
    with open(path, encoding="utf-8") as handle:
        return actor_dictionary_from_data(yaml.safe_load(handle))


def resolve_actor(text: str, country_hints: Sequence[str] = ()) -> str | None:
    """The canonical group id when `text` as a whole names an actor, else None."""
    mention = load_actor_dictionary().resolve(text, country_hints)
    return mention.group if mention else None

"""Language identification for conflict news.

lingua decides among the languages this news is written in. A few languages are told by their
spelling instead, because lingua cannot be trusted with them:

- Kurdish has no lingua model at all. Sorani (Arabic script) and Kurmanji (Latin script) are
  recognised by letters their script neighbours do not use, so neither ends up as Arabic,
  Persian, French or Turkish (nor English).
- Kazakh is modelled by lingua 2.1, but its rule engine does not know that Ukrainian spells with
  'щ', so any Ukrainian sentence holding both 'щ' and 'і' would be called Kazakh (the only
  language it knows with both letters). Kazakh is therefore left out of lingua's set and
  recognised by its own letters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from apache_beam.metrics import Metrics
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from transforms.records import DEFAULT_PAYLOAD_BYTES, StageDoFn

UNDETERMINED = "und"

# Languages of the press that reports on the Middle East and Ukraine wars: the belligerents'
# and neighbours' languages plus the big European outlets. Every extra Latin-script language
# costs a little accuracy on short text, so the list stays at what the sources use.
NEWS_LANGUAGES = (
    Language.ENGLISH,
    Language.ARABIC,
    Language.HEBREW,
    Language.PERSIAN,
    Language.URDU,
    Language.TURKISH,
    Language.AZERBAIJANI,
    Language.ARMENIAN,
    Language.GEORGIAN,
    Language.RUSSIAN,
    Language.UKRAINIAN,
    Language.BELARUSIAN,
    Language.POLISH,
    Language.FRENCH,
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
)

# lingua's time grows with text length while its answer settles within a few sentences, so
# long articles are judged on their opening only (bench/eval_language.py measures both).
ARTICLE_PREFIX_CHARS = 3000
# A text written in one script is judged on a shorter opening, at half the cost for FA-KES: on their
# first 1,000 characters FA-KES and the stitched articles of every language were all right, except two
# Urdu articles that quote English, which mix scripts and were right on 3,000.
SINGLE_SCRIPT_PREFIX_CHARS = 1000
# Letters outside its main script that leave a text written in one script (a 'µ' in English news).
OTHER_SCRIPT_LETTERS_SHARE = 0.01

# Below this lingua is spreading its belief over several languages: typically a fragment of
# names and numbers, or a language it has no model for (short Kurmanji lands on English or
# Italian at about 0.2). Such text is reported as undetermined rather than guessed.
MIN_CONFIDENCE = 0.3

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LanguageGuess:
    """ISO 639-1 code ('ku' for Kurdish, 'und' when unknown) and how sure the guess is (0-1)."""

    code: str
    confidence: float


@dataclass(frozen=True)
class SpellingRule:
    """A language recognised by letters (and short words) that it uses often and its script
    neighbours do not.

    Each marker letter and each marker word counts once. The rule holds when the text is mostly
    in `script`, the markers number at least `min_marker_share` of its letters, and they
    outnumber letters the language's alphabet lacks (so a French 'être' or a Kurdish name in
    Turkish text does not trigger it).
    """

    code: str
    script: str  # first word of the Unicode character name: "LATIN", "ARABIC", "CYRILLIC"
    markers: frozenset[str]
    alphabet: frozenset[str]
    min_marker_share: float
    marker_words: frozenset[str] = frozenset()


SPELLING_RULES = (
    SpellingRule(
        code="ku",  # Sorani: these letters occur in neither Arabic, Persian nor Urdu.
        script="ARABIC",
        markers=frozenset("ڕڵێۆە"),
        # 'ى' stands in for 'ی' in much Kurdish text typed on Arabic keyboards.
        alphabet=frozenset("ئابپتجچحخدرڕزژسشعغفڤقکگلڵمنوۆهەیێى"),
        min_marker_share=0.02,
    ),
    SpellingRule(
        code="ku",  # Kurmanji: French and Turkish use ê, î, û too, but far more rarely.
        script="LATIN",
        markers=frozenset("êîû"),
        alphabet=frozenset("abcçdeêfghiîjklmnopqrsştuûvwxyz"),
        min_marker_share=0.04,
        # Function words ('self', 'and', 'too', 'from', 'with', 'that', ...) that carry short
        # sentences written without the marked vowels.
        marker_words=frozenset(
            {"xwe", "û", "jî", "ji", "bi", "ku", "wiha", "dike", "dibe", "gelek", "bû"}
        ),
    ),
    SpellingRule(
        code="kk",
        script="CYRILLIC",
        markers=frozenset("әғқңөұүһ"),
        alphabet=frozenset("абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяә"),
        min_marker_share=0.02,
    ),
)


def build_detector(low_accuracy: bool = False, preload: bool = True) -> LanguageDetector:
    """Builds a lingua detector for NEWS_LANGUAGES, with every model loaded up front unless `preload`
    is false (then each model loads the first time a text needs it)."""
    builder = LanguageDetectorBuilder.from_languages(*NEWS_LANGUAGES)
    if preload:
        builder = builder.with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


# lingua judges a text of fewer letters than this with its 1- to 5-gram models, longer ones with its
# trigrams only, in either accuracy mode (lingua's HIGH_ACCURACY_MODE_MAX_TEXT_LENGTH).
SHORT_TEXT_LETTERS = 120


@functools.cache
def get_detector(high_accuracy_short_texts: bool = False) -> LanguageDetector:
    """The process-wide detector, built on first use, its models loaded on demand.

    A text of SHORT_TEXT_LETTERS or more is judged on the trigram models of the languages its script
    allows (about 20 MiB for English news) in both of lingua's modes, with the same answer. They differ
    below that: high accuracy loads the 1- to 5-gram models of every language of the script, 218 MiB
    more in each process for the first short Latin-script text, and is right more often on short texts
    (English sentences under 120 letters: 0.997 against 0.979, bench/eval_language.py). A feed of articles
    rarely has such texts, so the low-accuracy mode is the default and a feed of headlines can ask for
    high accuracy.
    """
    return build_detector(low_accuracy=not high_accuracy_short_texts, preload=False)


def _opening(text: str, max_chars: int) -> str:
    """The first max_chars of text, cut at a space so no half word reaches the n-gram models."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    cut = head.rfind(" ")
    return head[:cut] if cut > 0 else head


@functools.lru_cache(maxsize=4096)
def _script_of(letter: str) -> str:
    """First word of the letter's Unicode name ("LATIN", "ARABIC", ...); news uses few letters."""
    return unicodedata.name(letter, "").split(" ", 1)[0]


@dataclass(frozen=True)
class ScriptLetters:
    """The script most letters of a text belong to, how often each of its letters occurs, and how many
    letters the text has in all scripts."""

    script: str
    counts: Counter[str]
    letters: int

    @classmethod
    def of(cls, lowered: str) -> ScriptLetters:
        letters_by_script: dict[str, Counter[str]] = {}
        for char, count in Counter(lowered).items():
            if char.isalpha():
                letters_by_script.setdefault(_script_of(char), Counter())[char] = count
        if not letters_by_script:
            return cls("", Counter(), 0)
        script, counts = max(letters_by_script.items(), key=lambda item: item[1].total())
        return cls(script, counts, sum(other.total() for other in letters_by_script.values()))

    @property
    def one_script(self) -> bool:
        return self.letters - self.counts.total() <= OTHER_SCRIPT_LETTERS_SHARE * self.letters


def spelling_rule_code(text: str, letters: ScriptLetters | None = None) -> str | None:
    """The code of the SPELLING_RULES entry that text satisfies, if any (`letters`: its ScriptLetters)."""
    lowered = text.lower()
    letters = letters or ScriptLetters.of(lowered)
    script, counts = letters.script, letters.counts
    for rule in SPELLING_RULES:
        if rule.script != script:
            continue
        markers = sum(counts[letter] for letter in rule.markers)
        markers += sum(word in rule.marker_words for word in WORD.findall(lowered))
        foreign = sum(n for letter, n in counts.items() if letter not in rule.alphabet)
        if markers >= rule.min_marker_share * counts.total() and markers > foreign:
            return rule.code
    return None


def detect_language(
    text: str,
    detector: LanguageDetector | None = None,
    max_chars: int = ARTICLE_PREFIX_CHARS,
    single_script_chars: int = SINGLE_SCRIPT_PREFIX_CHARS,
) -> LanguageGuess:
    """Guesses the language of text (judged on its first max_chars characters, or its first
    single_script_chars when those max_chars are written in one script).

    A spelling rule is decisive and reports confidence 1.0, as lingua's own rule engine does.
    Otherwise the confidence is lingua's probability for its top language; below
    MIN_CONFIDENCE (which covers text without letters) the answer is 'und' with confidence 0.
    """
    opening = _opening(text, max_chars)
    letters = ScriptLetters.of(opening.lower())
    rule_code = spelling_rule_code(opening, letters)
    if rule_code:
        return LanguageGuess(rule_code, 1.0)
    if letters.one_script:
        opening = _opening(opening, single_script_chars)
    ranked = (detector or get_detector()).compute_language_confidence_values(opening)
    if not ranked or ranked[0].value < MIN_CONFIDENCE:
        return LanguageGuess(UNDETERMINED, 0.0)
    best = ranked[0]
    return LanguageGuess(best.language.iso_code_639_1.name.lower(), best.value)


class IdentifyLanguage(StageDoFn):
    """Sets `language` and `language_confidence` on each article; the detector loads once per worker."""

    stage = "language"

    def __init__(self, payload_limit: int = DEFAULT_PAYLOAD_BYTES, high_accuracy_short_texts: bool = False):
        super().__init__(payload_limit)
        self.high_accuracy_short_texts = high_accuracy_short_texts

    def setup(self):
        super().setup()
        self.detector = get_detector(self.high_accuracy_short_texts)

    def transform(self, article):
        guess = detect_language(article["text"], self.detector)
        Metrics.counter(self.stage, f"articles.{guess.code}").inc()
        yield {**article, "language": guess.code, "language_confidence": round(guess.confidence, 4)}

"""The shortcuts event extraction takes for speed must not change what it finds: the cue-phrase
lookup (events.Phrases) and the sentence pre-filter before the trigger matcher (_required_words)."""
import spacy

from transforms.events import Phrases, _matcher, _may_hold_trigger, _required_words, load_rules


def test_phrase_ends_before_a_word_and_not_before_the_lower_bound():
    cues = Phrases.of([["backed", "by"], ["with", "the", "support", "of"], ["By"]])
    words = "forces backed by russia , with the support of iran".split()
    assert cues.ends_before(words, 3, 0)  # 'backed by' | russia (and the one-word 'by')
    assert cues.ends_before(words, 9, 0)  # 'with the support of' | iran
    assert not cues.ends_before(words, 9, 6)  # the phrase begins at 5, before the bound
    assert not cues.ends_before(words, 2, 0)
    assert not cues.ends_before(words, 0, 0)
    assert cues.within(words, 4, 10) and not cues.within(words, 4, 8)


def test_required_words_leave_out_optional_tokens_and_give_up_on_patterns_without_words():
    patterns = ([[{"LOWER": {"IN": ["advanced", "advance"]}, "OP": "?"}, {"LOWER": {"IN": ["Regain", "gained"]}},
                  {"ORTH": "-", "OP": "+"}]],)
    assert _required_words(patterns) == ((frozenset({"regain", "gained"}), frozenset({"-"})),)
    assert _required_words(patterns + ([[{"IS_TITLE": True}, {"LOWER": "held", "OP": "?"}]],)) is None


def test_a_sentence_the_prefilter_skips_holds_no_trigger():
    nlp = spacy.blank("en")
    rules = load_rules()
    texts = ["Regime forces captured the town of Kasra on Sunday.", "The weather in Aleppo was fine.",
             "IS was driven out of the village.", "The IS-held town lies to the east.",
             "Talks on a ceasefire resumed in Geneva.", "Casualties were reported in the area."]
    skipped = 0
    for text in texts:
        doc = nlp(text)
        matcher, requirements = _matcher(doc, rules)
        if not _may_hold_trigger(requirements, {token.lower_ for token in doc}):
            skipped += 1
            assert matcher(doc) == [], text
    assert requirements is not None and skipped >= 2

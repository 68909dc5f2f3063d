"""Tests for transforms.language (sentences written for these tests)."""

import dataclasses
import pickle

import pytest

from transforms.language import (
    ARTICLE_PREFIX_CHARS,
    MIN_CONFIDENCE,
    SHORT_TEXT_LETTERS,
    SINGLE_SCRIPT_PREFIX_CHARS,
    UNDETERMINED,
    IdentifyLanguage,
    LanguageGuess,
    build_detector,
    detect_language,
    get_detector,
    spelling_rule_code,
)

NEWS_SENTENCES = {
    "en": "Government forces retook the town after two days of heavy shelling, officials said.",
    "ar": "قالت مصادر محلية إن القوات الحكومية استعادت السيطرة على البلدة بعد معارك عنيفة.",
    "he": "הצבא הודיע כי כוחותיו השתלטו על הכפר לאחר קרבות שנמשכו כל הלילה.",
    "fa": "نیروهای دولتی پس از دو روز درگیری کنترل شهر را دوباره به دست گرفتند.",
    "tr": "Hükümet güçleri iki gün süren çatışmaların ardından kasabanın kontrolünü geri aldı.",
    "ru": "Военные сообщили, что после двух дней боёв город снова перешёл под их контроль.",
    # Holds both 'щ' and 'і', which lingua 2.1's rule engine would otherwise call Kazakh.
    "uk": "Мешканці кажуть, що обстріли тривали всю ніч.",
    "fr": "Les forces gouvernementales ont repris la ville après deux jours de combats.",
    "de": "Nach zwei Tagen schwerer Kämpfe haben Regierungstruppen die Stadt zurückerobert.",
    "kk": "Қазақстан үкіметі бүгін шекарадағы жағдай туралы жаңа мәлімдеме жасады.",
    # Sorani, Arabic script.
    "ku": "هێزەکانی پێشمەرگە ئەمڕۆ دوو گوندیان لە باکووری شارەکە گرتەوە.",
}


@pytest.mark.parametrize("code, sentence", NEWS_SENTENCES.items())
def test_news_sentence_gets_its_language(code, sentence):
    guess = detect_language(sentence)
    assert guess.code == code
    assert MIN_CONFIDENCE <= guess.confidence <= 1.0


@pytest.mark.parametrize(
    "sentence",
    [
        "Hêzên Tirkiyê îro li bakurê Sûriyê êrîşî du gundan kirin.",
        # No marked vowel at all: the function words ('ji', 'xwe') carry it.
        "Ew ji bo xwe dixebitin.",
    ],
)
def test_kurmanji_is_kurdish_not_english_or_turkish(sentence):
    assert detect_language(sentence) == LanguageGuess("ku", 1.0)


@pytest.mark.parametrize(
    "sentence, code",
    [
        ("Je crois que le ministre sera prêt demain.", "fr"),  # one 'ê', no Kurdish
        ("Törende İslâmî sanat eserleri de sergilendi.", "tr"),  # Turkish 'î' and 'â'
    ],
)
def test_occasional_kurmanji_vowel_does_not_make_kurdish(sentence, code):
    assert detect_language(sentence).code == code


def test_quoted_sorani_phrase_does_not_relabel_an_english_article():
    text = (
        "The Kurdish daily ran the headline ئەمڕۆ ڕۆژی ئازادییە above a photograph of the crowd, "
        "and the regional government repeated its call for calm across the province."
    )
    assert spelling_rule_code(text) is None
    assert detect_language(text).code == "en"


@pytest.mark.parametrize("text", ["", "   ", "2024-03-01 14:05", "— * —"])
def test_text_without_words_is_undetermined(text):
    assert detect_language(text) == LanguageGuess(UNDETERMINED, 0.0)


def test_only_the_opening_of_a_long_article_is_judged():
    english = "Residents said the checkpoint on the northern road reopened this morning. "
    german = "Die Bewohner berichteten, dass die Straße nach Norden wieder geöffnet ist. "
    article = english * 3 + german * 60
    assert len(article) > ARTICLE_PREFIX_CHARS
    assert detect_language(article, max_chars=len(english) * 3).code == "en"
    assert detect_language(article, max_chars=len(article), single_script_chars=len(article)).code == "de"


def test_a_text_in_one_script_is_judged_on_a_shorter_opening_than_one_that_mixes_scripts():
    english, german = NEWS_SENTENCES["en"] + " ", NEWS_SENTENCES["de"] + " "
    one_script = english * 14 + german * 30  # English up to about 1,200 characters, then German
    assert SINGLE_SCRIPT_PREFIX_CHARS < len(english * 14) < ARTICLE_PREFIX_CHARS / 2
    assert detect_language(one_script).code == "en"
    assert detect_language(one_script, single_script_chars=ARTICLE_PREFIX_CHARS).code == "de"
    # English quoted at the head of an Arabic article: its first 1,000 characters alone read as English
    arabic = NEWS_SENTENCES["ar"] + " "
    mixed = english * 10 + arabic * 40
    assert detect_language(mixed, max_chars=SINGLE_SCRIPT_PREFIX_CHARS).code == "en"
    assert detect_language(mixed).code == "ar"


def test_detector_is_built_once_per_process():
    assert get_detector() is get_detector()


def test_models_loaded_on_demand_give_the_answers_of_preloaded_ones():
    """Up to the 4 decimals an Article keeps: lingua's sums differ in the last bit between any two
    detectors, preloaded or not."""
    preloaded = build_detector(low_accuracy=True, preload=True)
    long_text = " ".join(NEWS_SENTENCES["fr"] for _ in range(5))
    for text in [*NEWS_SENTENCES.values(), long_text, "Raqqa, 17 Oct"]:
        on_demand, loaded = detect_language(text), detect_language(text, preloaded)
        assert (on_demand.code, round(on_demand.confidence, 4)) == (loaded.code, round(loaded.confidence, 4))


def test_guess_is_immutable_and_picklable():
    guess = detect_language(NEWS_SENTENCES["en"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.code = "fr"
    assert pickle.loads(pickle.dumps(guess)) == guess
    assert pickle.loads(pickle.dumps(detect_language)) is detect_language


def test_both_accuracy_modes_judge_a_long_text_alike():
    """Only texts under SHORT_TEXT_LETTERS letters are judged differently, so the default detector
    (low accuracy) gives an article the answer the high-accuracy one would."""
    article = " ".join(NEWS_SENTENCES.values())
    assert sum(map(str.isalpha, article)) >= SHORT_TEXT_LETTERS
    default, accurate = detect_language(article), detect_language(article, get_detector(True))
    assert (default.code, round(default.confidence, 4)) == (accurate.code, round(accurate.confidence, 4))
    assert get_detector(True) is not get_detector()


def test_identify_language_uses_the_detector_its_flag_asks_for():
    for high_accuracy in (False, True):
        stage = IdentifyLanguage(high_accuracy_short_texts=high_accuracy)
        stage.setup()
        assert stage.detector is get_detector(high_accuracy)

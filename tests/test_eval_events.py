"""The evaluation's rule for an unlocated extracted place and ACLED's location, and its mapping of
ACLED's actor names onto the groups (names written for these tests, spelt as news and ACLED spell them)."""
from bench.eval_events import acled_groups, acled_names_agree


def test_a_name_that_begins_the_other_once_qualifiers_and_generic_words_are_set_aside():
    assert acled_names_agree("Aqareb", "Aqareb al-Safi")
    assert acled_names_agree("Nazalat Shada", "Nazalat Shada-Furat")
    assert acled_names_agree("Kajla Village", "Kajla")
    assert acled_names_agree("Tal Kasrah", "Kasra")
    assert acled_names_agree("Mount Abu Dali", "Jabal Abu Dali")


def test_arabic_and_english_qualifiers_agree_and_must_not_differ():
    assert acled_names_agree("Salam Al-Sharqiyah", "Eastern Salam")
    assert acled_names_agree("Baqras Tahtani", "Lower Baqras")
    assert not acled_names_agree("Salam Al-Gharbiyah", "Eastern Salam")


def test_spellings_of_abu_ibn_and_a_construct_state_ending_before_another_word():
    assert acled_names_agree("Abul Kusour", "Abu Al-Qusur")
    assert acled_names_agree("Qasr Ibn Wardan", "Qasr Bin Wardan")
    assert acled_names_agree("Hatlat al-Sharqiyah", "Eastern Hatla")
    assert acled_names_agree("Hatlat", "Hatla")  # a name whose next word one source leaves out


def test_names_sharing_only_a_later_word_or_a_fuzzy_spelling_do_not_agree():
    assert not acled_names_agree("Abu Hamam", "Al-Hamam")
    assert not acled_names_agree("Jubb Al-Bashir", "Basira")
    assert not acled_names_agree("Qadessiyeh Kajla", "Kajla")
    assert not acled_names_agree("Tal al-Sawda", "As-Sweida")


def test_ghayn_and_dhal_transliterations():
    assert acled_names_agree("Abu al-Ghor", "Abul Gor")
    assert acled_names_agree("Wadi al-Adhib", "Wadi Al-Azeeb")
    assert not acled_names_agree("Jabal al-Sheikh", "Sheikh Hilal")
    assert not acled_names_agree("Rasm al-Kabir", "Rasm al-Ahmar")


def test_words_agree_as_the_gazetteer_matches_them():
    assert acled_names_agree("Tal Mahsar", "Tal Mhser")
    assert acled_names_agree("Baqrus Tahtani", "Lower Baqras")
    assert acled_names_agree("Umm Turaykiyah", "Um Treikiet Elqablieh")  # an Arabic 'southern' on one side only
    assert not acled_names_agree("Sawda", "Sweida")


def test_militias_named_with_broad_rebel_words_map_to_their_own_side():
    assert acled_groups("LaQ: Quds Brigade") == {"SYRIAN_GOVERNMENT"}
    assert acled_groups("Harakat Hezbollah Al Nujaba") == {"PMF"}
    assert acled_groups("Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps") == {"IRAN"}
    assert acled_groups("Liwa al Aqsa") == {"OTHER"}
    assert acled_groups("Hamza Brigade") == {"REBELS"}
    assert acled_groups("Hezbollah") == {"HEZBOLLAH"}

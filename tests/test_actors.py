import pytest

from transforms.actors import (
    actor_dictionary_from_data,
    load_actor_dictionary,
    resolve_actor,
    split_words,
)

EVAL_GROUPS = {"ISLAMIC_STATE", "SYRIAN_GOVERNMENT", "IRAQI_GOVERNMENT", "PMF", "PESHMERGA", "SDF", "REBELS",
               "NUSRA_HTS", "HEZBOLLAH", "TURKEY", "RUSSIA", "IRAN", "US_COALITION", "OTHER"}


@pytest.fixture(scope="module")
def actors():
    return load_actor_dictionary()


def test_dictionary_covers_the_evaluation_groups_and_ukraine(actors):
    assert EVAL_GROUPS <= set(actors.groups)
    assert {"UKRAINE_GOVERNMENT", "DPR_LPR"} <= set(actors.groups)
    assert set(actors.groups["RUSSIA"].conflicts) == {"iraq_syria", "russia_ukraine"}
    assert all(group.aliases for group in actors.groups.values())


@pytest.mark.parametrize("text", ["Shi’ite militias", "Shi'ite militias", "Shiite militias", "Shiite militia"])
def test_apostrophe_and_number_variants(text):
    assert resolve_actor(text) == "PMF"


@pytest.mark.parametrize("text", ["U.S.-backed Iraqi forces", "US-backed Iraqi forces", "U.S. -backed Iraqi force",
                                  "U.S.–backed Iraqi troops"])
def test_backed_modifier_names_an_ally(actors, text):
    mention = actors.resolve(text)
    assert (mention.group, mention.allies) == ("IRAQI_GOVERNMENT", ("US_COALITION",))


def test_backed_as_a_verb_is_no_modifier(actors):
    mentions = actors.find("Last year the US backed Iraqi troops with airstrikes.")
    assert [(m.text, m.allies) for m in mentions] == [("Iraqi troops", ())]


def test_backer_of_its_own_group_is_no_ally(actors):
    mention = actors.resolve("US-led coalition")
    assert (mention.group, mention.allies) == ("US_COALITION", ())


@pytest.mark.parametrize("text, group, allies", [
    ("Iranian-backed Shiite militias", "PMF", ("IRAN",)),
    ("Iran-allied Shiite militiamen", "PMF", ("IRAN",)),
    ("Iranian-trained and armed Shiite paramilitary groups", "PMF", ("IRAN",)),
    ("Iranian-backed Iraqi Popular Mobilization Forces", "PMF", ("IRAN",)),
    ("US-backed, Kurdish-led Syrian Democratic Forces", "SDF", ("US_COALITION",)),
    ("Turkish-backed rebels", "REBELS", ("TURKEY",)),
])
def test_modifier_chains(actors, text, group, allies):
    mention = actors.resolve(text, country_hints=["SY"])
    assert (mention.text, mention.group, mention.allies) == (text, group, allies)


@pytest.mark.parametrize("text, group", [
    ("Islamic State militants", "ISLAMIC_STATE"), ("the Islamic State's", None), ("Islamic State's", "ISLAMIC_STATE"),
    ("ISIL", "ISLAMIC_STATE"), ("Daesh fighters", "ISLAMIC_STATE"), ("Hashd al Shaabi", "PMF"),
    ("Hashd al-Shaabi", "PMF"), ("regime forces", "SYRIAN_GOVERNMENT"), ("Hayat Tahrir al-Sham", "NUSRA_HTS"),
    ("Hizbollah", "HEZBOLLAH"), ("U.S. air strikes", "US_COALITION"), ("American airstrikes", "US_COALITION"),
    ("Russian warplanes", "RUSSIA"), ("Wagner mercenaries", "RUSSIA"), ("Ukrainian troops", "UKRAINE_GOVERNMENT"),
    ("Donetsk People's Republic", "DPR_LPR"), ("Peshmerga", "PESHMERGA"), ("Fastaqim Kama Umirt", "REBELS"),
])
def test_aliases(text, group):
    assert resolve_actor(text) == group


def test_acronyms_only_match_in_capitals(actors):
    assert actors.find("this is what the hawks told us") == []
    assert [m.group for m in actors.find("IS fighters and US troops")] == ["ISLAMIC_STATE", "US_COALITION"]


def test_shared_aliases_follow_the_articles_countries(actors):
    assert resolve_actor("Kurdish forces", ["IQ"]) == "PESHMERGA"
    assert resolve_actor("Kurdish forces", ["SY", "IQ"]) == "SDF"
    assert resolve_actor("Kurdish forces") is None
    assert resolve_actor("rebels", ["UA"]) == "DPR_LPR"
    assert resolve_actor("security forces", ["SY"]) == "SYRIAN_GOVERNMENT"
    assert resolve_actor("government forces", ["IQ"]) == "IRAQI_GOVERNMENT"
    assert actors.state_actor("UA") == "UKRAINE_GOVERNMENT"


def test_find_gives_offsets_and_leaves_backer_names_to_the_mention_they_modify(actors):
    text = "On Tuesday Hezbollah-backed militias and the U.S.-backed, Kurdish-led SDF advanced; IS-held villages fell."
    mentions = actors.find(text, country_hints=["SY"])
    assert [(m.text, m.group, m.allies) for m in mentions] == [
        ("Hezbollah-backed militias", "SYRIAN_GOVERNMENT", ("HEZBOLLAH",)),
        ("U.S.-backed, Kurdish-led SDF", "SDF", ("US_COALITION",)),
        ("IS", "ISLAMIC_STATE", ()),
    ]
    assert all(text[m.start:m.end] == m.text for m in mentions)


def test_words_fold_apostrophes_dots_and_diacritics_and_drop_possessives():
    assert [w.key for w in split_words("U.S.-led Shi’ite Ḥashd’s")] == ["us", "led", "shiite", "hashd"]


def test_conflicts_merge_into_one_group():
    data = {"modifier_verbs": ["backed"], "state_force_nouns": ["troops"],
            "conflicts": {"a": {"countries": ["XA"], "groups": {"NORTH": {"state": "XA", "demonyms": ["Northern"],
                                                                          "aliases": ["North Army"]}}},
                          "b": {"countries": ["XB"], "groups": {"NORTH": {"aliases": ["Northern Legion"]},
                                                                "SOUTH": {"aliases": ["South Front"]}}}}}
    actors = actor_dictionary_from_data(data)
    assert actors.groups["NORTH"].countries == ("XA", "XB")
    assert [actors.resolve(t).group for t in ("North Army", "Northern Legion", "Northern troops")] == ["NORTH"] * 3
    assert actors.resolve("Northern-backed South Front").allies == ("NORTH",)


@pytest.mark.parametrize("text", ["QSD", "QSD forces", "Syria Democratic Forces", "Peoples Protection Units",
                                  "Democratic Syria Troops", "Syrian Democratic Forces fighters"])
def test_other_names_of_the_sdf(text):
    assert resolve_actor(text) == "SDF"


@pytest.mark.parametrize("text", ["Khalid ibn al-Walid Army", "Jaysh Khalid Ibn al-Walid", "Khalid ibn al Walid Army"])
def test_islamic_state_affiliate_in_the_yarmouk_basin(text):
    assert resolve_actor(text, ("SY",)) == "ISLAMIC_STATE"


@pytest.mark.parametrize("text, group", [
    ("regime", "SYRIAN_GOVERNMENT"), ("Iranian regime", "IRAN"),
    ("Operation Jazeera Storm", "SDF"), ("Wrath of Euphrates", "SDF"), ("Military Council of Manbij", "SDF"),
    ("Levant Front", "REBELS"), ("4th Division", "SYRIAN_GOVERNMENT"), ("loyalist militias", "SYRIAN_GOVERNMENT"),
])
def test_syrian_war_names(text, group):
    assert resolve_actor(text) == group


@pytest.mark.parametrize("text, group", [("Bashar al-Assads forces", "SYRIAN_GOVERNMENT"),
                                         ("Assads troops", "SYRIAN_GOVERNMENT"), ("Syrias army", "SYRIAN_GOVERNMENT"),
                                         ("Irans militias", None)])
def test_a_possessive_that_lost_its_apostrophe_before_a_noun_of_armed_forces(text, group):
    assert resolve_actor(text) == group


@pytest.mark.parametrize("text, group", [("Fateh al-Sham", "NUSRA_HTS"), ("Fateh Al-Sham members", "NUSRA_HTS"),
                                         ("Maghayir al-Thawra", "REBELS")])
def test_short_and_variant_names_of_syrian_factions(text, group):
    assert resolve_actor(text) == group


@pytest.mark.parametrize("text, group", [("Jaish al-Fatah", "NUSRA_HTS"), ("Army of Conquest", "NUSRA_HTS"),
                                         ("Jaysh al-Fateh fighters", "NUSRA_HTS"),
                                         ("former al-Qaeda affiliate", "NUSRA_HTS"),
                                         ("Turkish-led forces", "TURKEY"),
                                         ("Syrian Arab Coalition", "SDF")])
def test_coalitions_and_descriptions_named_for_their_leading_group(text, group):
    assert resolve_actor(text, ("SY",)) == group

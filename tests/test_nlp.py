import logging

import pytest
import spacy
from spacy.tokens import Span
from spacy.training import Example
from spacy.util import load_config

from transforms.nlp import CONFIG_PATH, EntityLabels, PlaceCues, build_nlp, entities_of, get_nlp

NO_MODEL = "no_such_spacy_pipeline"
LABELS = {"ACTOR", "PLACE", "DATE", "PER", "ORG", "MISC"}
SOURCES = {"ner", "actor_dictionary", "place_extension", "gazetteer", "date_rules"}


@pytest.fixture(scope="module")
def rules_nlp():
    """Dictionaries and rules only: what the tests check does not hang on a statistical model."""
    return get_nlp(NO_MODEL)


def ents(doc, label):
    return [(ent.text, ent.kb_id_ or None) for ent in doc.ents if ent.label_ == label]


def test_without_a_model_the_pipeline_runs_on_rules_with_one_warning(caplog):
    with caplog.at_level(logging.WARNING):
        nlp = build_nlp(NO_MODEL)
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "No statistical NER model" in warnings[0].getMessage()
    assert "ner" not in nlp.pipe_names and "gazetteer_places" in nlp.pipe_names
    assert nlp.pipe_names.index("place_linker") < nlp.pipe_names.index("actor_linker")


def test_date_expressions(rules_nlp):
    doc = rules_nlp("Troops entered the town yesterday. On Sunday officers said that earlier this week and last "
                    "month the road was cut, as it was in June. Reports of Oct. 2, 2017 and of 17 June 2018 may "
                    "differ.")
    assert [text for text, _ in ents(doc, "DATE")] == [
        "yesterday", "Sunday", "earlier this week", "last month", "June", "Oct. 2, 2017", "17 June 2018"]


def test_actors_carry_group_and_allies(rules_nlp):
    doc = rules_nlp("U.S.-backed Iraqi forces retook the district from Islamic State militants after a week.")
    actors = [ent for ent in doc.ents if ent.label_ == "ACTOR"]
    assert [(a.text, a.kb_id_, a._.allies) for a in actors] == [
        ("U.S.-backed Iraqi forces", "IRAQI_GOVERNMENT", ("US_COALITION",)),
        ("Islamic State militants", "ISLAMIC_STATE", ()),
    ]


@pytest.mark.parametrize("text, country, group", [
    ("Kurdish forces pushed into Raqqa, the largest city of northern Syria.", "SY", "SDF"),
    ("Kurdish forces pushed into Kirkuk, a city of northern Iraq.", "IQ", "PESHMERGA"),
])
def test_places_resolve_in_the_articles_country_and_decide_shared_aliases(rules_nlp, text, country, group):
    doc = rules_nlp(text)
    assert doc._.countries[0] == country
    place = next(ent for ent in doc.ents if ent.label_ == "PLACE")
    assert place.kb_id_.startswith("geonames:") and place._.place.country == country
    assert ents(doc, "ACTOR") == [("Kurdish forces", group)]


def test_unresolved_extension_place_keeps_its_name(tmp_path):
    extension = tmp_path / "places.yaml"
    extension.write_text("- name: Zzyzxqor Tahtani\n  aliases: [Zzyzxqor]\n  lat: 35.0\n  lon: 40.0\n"
                         "  country: SY\n")
    nlp = spacy.blank("en")
    nlp.add_pipe("conflict_place_ruler", config={"extra_files": [str(extension)]})
    nlp.add_pipe("conflict_place_linker")
    doc = nlp("Shelling hit Zzyzxqor overnight.")
    assert entities_of(doc) == [{"text": "Zzyzxqor", "label": "PLACE", "start": 13, "end": 21,
                                 "canonical_id": None, "source": "place_extension"}]


def test_entities_of_gives_offsets_labels_and_sources(rules_nlp):
    text = "On Sunday the SDF said it had taken Dashisha from IS in Syria."
    records = entities_of(rules_nlp(text))
    assert records and all(set(r) == {"text", "label", "start", "end", "canonical_id", "source"} for r in records)
    assert all(text[r["start"]:r["end"]] == r["text"] for r in records)
    assert {r["label"] for r in records} <= LABELS and {r["source"] for r in records} <= SOURCES
    assert ("SDF", "SDF") in [(r["text"], r["canonical_id"]) for r in records]


def test_ontonotes_labels_map_onto_the_project_scheme():
    label_map = load_config(CONFIG_PATH)["components"]["entity_labels"]["label_map"]
    nlp = spacy.blank("en")
    mapper = nlp.add_pipe("conflict_entity_labels", config={"label_map": label_map})
    doc = nlp.make_doc("Ahmed said 300 Kurdish fighters reached Raqqa on Sunday")
    doc.ents = [Span(doc, 0, 1, "PERSON"), Span(doc, 2, 3, "CARDINAL"), Span(doc, 3, 4, "NORP"),
                Span(doc, 6, 7, "GPE"), Span(doc, 8, 9, "DATE")]
    doc = mapper(doc)
    assert [(e.text, e.label_, e._.source) for e in doc.ents] == [
        ("Ahmed", "PER", "ner"), ("Kurdish", "ORG", "ner"), ("Raqqa", "PLACE", "ner"), ("Sunday", "DATE", "ner")]


def test_a_named_spacy_pipeline_is_sourced_with_the_tok2vec_its_ner_listens_to(tmp_path):
    source = spacy.blank("en")
    source.add_pipe("tok2vec")
    source.add_pipe("ner", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": 32, "maxout_pieces": 2, "use_upper": True,
        "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"}}})
    examples = [Example.from_dict(source.make_doc("Fighting reached Mosul."), {"entities": [(17, 22, "GPE")]})]
    source.initialize(lambda: examples)
    source.to_disk(tmp_path / "model")

    nlp = build_nlp(str(tmp_path / "model"))
    assert nlp.pipe_names[:4] == ["sentencizer", "tok2vec", "ner", "entity_labels"]
    assert "gazetteer_places" not in nlp.pipe_names
    assert nlp.get_pipe("tok2vec").listening_components == ["ner"]
    doc = nlp("Islamic State fighters withdrew from Mosul yesterday.")
    assert ents(doc, "ACTOR") == [("Islamic State fighters", "ISLAMIC_STATE")]
    assert ents(doc, "DATE") == [("yesterday", None)]


def place_cues():
    settings = load_config(CONFIG_PATH)["components"]["place_cues"]
    return PlaceCues(settings["cue_words"], settings["articles"], settings["place_nouns"], settings["list_joiners"],
                     settings["name_prefixes"], settings["name_heads"], settings["spaced_articles"],
                     settings["leading_words"])


def with_ents(text, spans):
    """A doc whose entities are set by hand as a news NER might: (first token, end token, label)."""
    doc = spacy.blank("en")(text)
    doc.ents = [Span(doc, start, end, label) for start, end, label in spans]
    return doc


def test_a_place_noun_makes_an_unknown_name_a_place():
    doc = place_cues()(with_ents("Rebels took Zawrak village on Monday.", [(2, 3, "PER")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Zawrak", "PLACE")]


def test_the_names_listed_after_or_before_a_place_noun_are_places():
    doc = place_cues()(with_ents("They entered the villages of Zawrak, Tell Bunni and Marfa.",
                                 [(5, 6, "ORG"), (7, 9, "PER")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Zawrak", "PLACE"), ("Tell Bunni", "PLACE"), ("Marfa", "PLACE")]
    doc = place_cues()(with_ents("They entered Zawrak and Marfa villages.", [(2, 3, "PER"), (4, 5, "ORG")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Zawrak", "PLACE"), ("Marfa", "PLACE")]


def test_a_name_split_at_its_article_is_one_name():
    doc = place_cues()(with_ents("Fighting reached Jubb al-Zawrak on Monday.", [(2, 4, "PER"), (5, 6, "PER")]))
    assert [e.text for e in doc.ents] == ["Jubb al-Zawrak"]
    doc = place_cues()(with_ents("Fighting reached Al-Zawrak on Monday.", [(2, 3, "ORG"), (4, 5, "ORG")]))
    assert [e.text for e in doc.ents] == ["Al-Zawrak"]


def test_a_names_opening_word_and_its_apostrophes_belong_to_it():
    doc = place_cues()(with_ents("Rebels took Sheikh Zawrak on Monday.", [(3, 4, "PLACE")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Sheikh Zawrak", "PLACE")]
    doc = place_cues()(with_ents("Fighting reached Al-Mar'ad on Monday.", [(2, 3, "ORG")]))
    assert [e.text for e in doc.ents] == ["Al-Mar'ad"]
    doc = place_cues()(with_ents("Rebels took Tal al-Jumou' and Raqqa's suburbs.", [(2, 6, "PLACE"), (8, 9, "PLACE")]))
    assert [e.text for e in doc.ents] == ["Tal al-Jumou'", "Raqqa"]
    doc = place_cues()(with_ents("Rebels took 'Zawrak' on Monday.", [(3, 4, "PLACE")]))
    assert [e.text for e in doc.ents] == ["Zawrak"]
    doc = place_cues()(with_ents("Rebels took Mazra'at Zawrak.", [(3, 4, "PLACE")]))
    assert [e.text for e in doc.ents] == ["Mazra'at Zawrak"]


def test_a_person_without_a_place_cue_stays_a_person():
    doc = place_cues()(with_ents("Ahmed Zawrak said the village was calm.", [(0, 2, "PER")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Ahmed Zawrak", "PER")]


def test_a_name_whose_own_words_say_place_is_a_place():
    doc = place_cues()(with_ents("Rebels stormed Zawrak Castle and then Tell Marfa.", [(2, 4, "ORG"), (6, 8, "PER")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Zawrak Castle", "PLACE"), ("Tell Marfa", "PLACE")]
    doc = place_cues()(with_ents("Ras said Castle was calm.", [(0, 1, "PER"), (2, 3, "PER")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Ras", "PER"), ("Castle", "PER")]


def test_the_armed_groups_named_keep_a_village_in_their_country(rules_nlp):
    alone = rules_nlp("Fighting reached Kasra village.")
    assert alone._.countries and alone._.countries[0] != "SY"  # a namesake abroad
    doc = rules_nlp("SDF fighters entered Kasra village.")
    assert doc._.countries == ("SY",)
    assert [place._.place.country for place in doc.ents if place.label_ == "PLACE" and place._.place] in ([], ["SY"])


def test_a_month_after_a_preposition_keeps_its_year(rules_nlp):
    doc = rules_nlp("The army retook the city in April 2016 and lost it in June.")
    assert [text for text, _ in ents(doc, "DATE")] == ["April 2016", "June"]


def test_a_shared_alias_is_decided_by_where_the_other_actors_fight(rules_nlp):
    assert ents(rules_nlp("Rebels fought the Islamic State."), "ACTOR") == [
        ("Rebels", "REBELS"), ("Islamic State", "ISLAMIC_STATE")]
    assert ents(rules_nlp("Rebels fought on."), "ACTOR") == [("Rebels", None)]


def test_a_name_split_at_an_article_written_as_a_word_is_one_name():
    doc = place_cues()(with_ents("Rebels took Jazrat al Zawrak village.", [(2, 3, "PER"), (4, 5, "PLACE")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Jazrat al Zawrak", "PLACE")]
    doc = place_cues()(with_ents("Rebels took Zawrak as Marfa burned.", [(2, 3, "PLACE"), (4, 5, "PLACE")]))
    assert [e.text for e in doc.ents] == ["Zawrak", "Marfa"]  # 'as' is English as well as an article


def test_a_village_resolves_in_the_governorate_the_article_names(rules_nlp):
    alone = rules_nlp("SDF fighters entered Ras al-Ain village.")
    found = [ent._.place for ent in alone.ents if ent.label_ == "PLACE"]
    assert found and found[0] is not None and found[0].admin1 == "01"  # the Hasakah town
    in_hama = rules_nlp("Regime forces entered Ras al-Ain village in the countryside of Hama.")
    places = {ent.text: ent._.place for ent in in_hama.ents if ent.label_ == "PLACE"}
    assert places["Hama"] is not None and places["Ras al-Ain"] is None  # no namesake across the country


def test_a_town_is_not_bounded_to_a_governorate_the_article_names_in_passing(rules_nlp):
    doc = rules_nlp("Iraqi forces broke the siege of Amirli. Separately, US jets struck targets in Anbar.")
    places = {ent.text: ent._.place for ent in doc.ents if ent.label_ == "PLACE"}
    assert places["Anbar"] is not None and places["Amirli"] is not None  # Amerli, in Salahuddin
    assert places["Amirli"].admin1 != places["Anbar"].admin1


def test_an_opening_word_marked_as_a_name_of_its_own_takes_the_name_after_it():
    doc = place_cues()(with_ents("Rebels took Kasr Sheikh Zawrak on Monday.", [(2, 3, "PLACE"), (4, 5, "PER")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Kasr Sheikh Zawrak", "PLACE")]
    doc = place_cues()(with_ents("Rebels took Jubb Id on Monday.", [(2, 3, "MISC")]))  # 'Id' read as 'I' 'd'
    assert [e.text for e in doc.ents] == ["Jubb Id"]
    doc = place_cues()(with_ents("Rebels took Al -Zawrak on Monday.", [(2, 3, "PLACE"), (3, 4, "PLACE")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("Al -Zawrak", "PLACE")]
    doc = place_cues()(with_ents("Abu said Zawrak was calm.", [(0, 1, "PER"), (2, 3, "PLACE")]))
    assert [e.text for e in doc.ents] == ["Abu", "Zawrak"]  # a verb between: two names


def test_a_short_head_and_an_s_before_an_article_are_part_of_the_name():
    doc = place_cues()(with_ents("Troops took Ta's al-Shayir town.", [(2, 3, "PLACE"), (4, 7, "PER")]))
    assert [e.text for e in doc.ents] == ["Ta's al-Shayir"]
    doc = place_cues()(with_ents("Syria's al-Nusra Front fought.", [(0, 1, "PLACE")]))
    assert [e.text for e in doc.ents] == ["Syria"]


def test_a_size_word_before_a_place_is_part_of_its_name():
    doc = place_cues()(with_ents("Troops took Big Sweida and Lower Baqras.", [(3, 4, "PLACE"), (6, 7, "PLACE")]))
    assert [e.text for e in doc.ents] == ["Big Sweida", "Lower Baqras"]


def test_countries_the_other_actors_point_to_equally_decide_no_shared_alias(rules_nlp):
    assert ents(rules_nlp("Pro-government forces fought the Islamic State."), "ACTOR") == [
        ("Pro-government forces", None), ("Islamic State", "ISLAMIC_STATE")]
    assert ents(rules_nlp("Rebels fought the Islamic State."), "ACTOR") == [
        ("Rebels", "REBELS"), ("Islamic State", "ISLAMIC_STATE")]


def test_a_name_the_model_ran_across_and_is_two_names():
    doc = spacy.blank("en")("Rebels hold Qabun and Tishreen ; IS took Hafez and Muhassen")
    doc.ents = [Span(doc, 2, 5, "LOC"), Span(doc, 8, 10, "ORG"), Span(doc, 10, 11, "PER")]
    labelled = EntityLabels({"LOC": "PLACE", "ORG": "ORG", "PER": "PER"})(doc)
    assert [(ent.text, ent.label_) for ent in labelled.ents] == [
        ("Qabun", "PLACE"), ("Tishreen", "PLACE"), ("Hafez", "ORG"), ("Muhassen", "PER")]

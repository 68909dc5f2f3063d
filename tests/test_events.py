"""Event mentions read from sentences written for these tests (the facts are real, the wording ours).

They run on get_nlp(): with the project's NER model when it is trained, else on the dictionary and
gazetteer rules alone; every place used is one the gazetteer or the extension file knows.
"""
import datetime as dt

import pytest

from transforms.events import extract_events
from transforms.nlp import get_nlp


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def events(nlp, text, published=dt.date(2017, 10, 5)):
    doc = nlp(text)
    article = {"article_id": "test", "url": None, "source": "test", "published_at": None,
               "published_date": published, "text": text}
    return extract_events(doc, article)


def summary(mentions):
    return {(m["event_type"], m["place"]["name"], m["gaining_actor"], m["certainty"]) for m in mentions}


def only(mentions):
    assert len(mentions) == 1, [(m["event_type"], m["place"]["name"]) for m in mentions]
    return mentions[0]


def test_active_capture_with_losing_actor_and_allies(nlp):
    mention = only(events(nlp, "U.S.-backed Iraqi forces have recaptured the town of Hawija from ISIS."))
    assert (mention["event_type"], mention["place"]["name"]) == ("CAPTURE", "Hawija")
    assert mention["gaining_actor"] == "IRAQI_GOVERNMENT"
    assert mention["losing_actor"] == "ISLAMIC_STATE"
    assert mention["allies"] == ["US_COALITION"]
    assert mention["place"]["resolved"] and mention["place"]["country"] == "IQ"
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2017, 10, 5), "day")


def test_passive_voice(nlp):
    mention = only(events(nlp, "In June, Mosul was captured by Islamic State militants.", dt.date(2014, 9, 1)))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "CAPTURE", "Mosul", "ISLAMIC_STATE")
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2014, 6, 1), "month")


def test_fell_to(nlp):
    mention = only(events(nlp, "Hawija fell to Iraqi forces on Thursday."))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["event_date"]) == (
        "Hawija", "IRAQI_GOVERNMENT", dt.date(2017, 10, 5))


def test_coordinated_places_give_one_mention_each(nlp):
    mentions = events(nlp, "Earlier this week, the SDF gained control of the villages of Darwish and Ameriya.",
                      dt.date(2018, 6, 17))
    assert summary(mentions) == {("CAPTURE", "Darwish", "SDF", "reported"), ("CAPTURE", "Ameriya", "SDF", "reported")}
    assert {(m["event_date"], m["date_precision"]) for m in mentions} == {(dt.date(2018, 6, 11), "week")}


def test_backed_by_gives_allies_not_the_subject(nlp):
    mention = only(events(nlp, "Iraqi security forces backed by Shiite militias yesterday broke the siege of "
                               "Amerli by Islamic State militants.", dt.date(2014, 9, 1)))
    assert (mention["event_type"], mention["gaining_actor"], mention["losing_actor"]) == (
        "SIEGE_BROKEN", "IRAQI_GOVERNMENT", "ISLAMIC_STATE")
    assert mention["allies"] == ["PMF"]
    assert mention["event_date"] == dt.date(2014, 8, 31)


def test_subject_from_previous_sentence(nlp):
    text = ("Iraqi security forces and Shiite militias fought the militants for weeks. "
            "On Sunday, the forces managed to break the siege of Amerli.")
    mention = only(events(nlp, text, dt.date(2014, 9, 1)))
    assert (mention["event_type"], mention["gaining_actor"], mention["certainty"]) == (
        "SIEGE_BROKEN", "IRAQI_GOVERNMENT", "reported")
    assert mention["event_date"] == dt.date(2014, 8, 31)


def test_nominal_capture_and_held_modifier(nlp):
    text = "The SDF claimed to have liberated the IS-held town of Dashisha."
    mention = only(events(nlp, text, dt.date(2018, 6, 17)))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"], mention["losing_actor"]) == (
        "CAPTURE", "Dashisha", "SDF", "ISLAMIC_STATE")
    assert mention["certainty"] == "claimed"
    nominal = only(events(nlp, "The SDF pushed on. The liberation of Dashisha took a week.", dt.date(2018, 6, 17)))
    assert (nominal["event_type"], nominal["place"]["name"], nominal["gaining_actor"]) == ("CAPTURE", "Dashisha", "SDF")


def test_held_modifier_alone_is_a_hold(nlp):
    mention = only(events(nlp, "Aid cannot reach the IS-held town of Hajin.", dt.date(2018, 6, 17)))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == ("HOLD", "Hajin", "ISLAMIC_STATE")


def test_hold_forms(nlp):
    assert summary(events(nlp, "ISIS still controls the border town of al-Qaim.")) == {
        ("HOLD", "al-Qaim", "ISLAMIC_STATE", "reported")}
    assert summary(events(nlp, "The militants of ISIS are now contained to the town of Hajin.")) == {
        ("HOLD", "Hajin", "ISLAMIC_STATE", "reported")}


def test_siege_and_withdrawal(nlp):
    assert summary(events(nlp, "Islamic State militants besieged Amerli in June.", dt.date(2014, 9, 1))) == {
        ("SIEGE", "Amerli", "ISLAMIC_STATE", "reported")}
    withdrawal = only(events(nlp, "ISIS fighters withdrew from Raqqa on Sunday.", dt.date(2017, 10, 17)))
    assert (withdrawal["event_type"], withdrawal["gaining_actor"], withdrawal["losing_actor"]) == (
        "WITHDRAWAL", None, "ISLAMIC_STATE")
    assert withdrawal["event_date"] == dt.date(2017, 10, 15)


def test_offensive_by_a_country(nlp):
    mention = only(events(nlp, "Iraq launched an offensive on Tal Afar last month.", dt.date(2017, 9, 5)))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "OFFENSIVE", "Tal Afar", "IRAQI_GOVERNMENT")
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2017, 8, 1), "month")


def test_advance_towards_is_an_offensive(nlp):
    mention = only(events(nlp, "Iraqi forces advance towards Hawija on Wednesday."))
    assert (mention["event_type"], mention["place"]["name"], mention["event_date"]) == (
        "OFFENSIVE", "Hawija", dt.date(2017, 10, 4))


@pytest.mark.parametrize("sentence", [
    "Iraqi forces appear poised to retake Mosul.",
    "Iraqi forces plan to recapture Mosul.",
    "Iraqi forces will capture Mosul.",
    "The Iraqi army launched an operation to liberate Mosul.",
])
def test_hypothetical(nlp, sentence):
    assert {m["certainty"] for m in events(nlp, sentence)} == {"hypothetical"}


@pytest.mark.parametrize("sentence", [
    "Iraqi forces have not yet entered Mosul.",
    "Iraqi forces failed to capture Mosul.",
])
def test_negation_gives_no_event(nlp, sentence):
    assert events(nlp, sentence) == []


def test_anaphor_resolves_to_the_last_city(nlp):
    text = "Fighting went on in Mosul for months. Iraqi troops finally entered the city on Sunday."
    mention = only(events(nlp, text))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "CAPTURE", "Mosul", "IRAQI_GOVERNMENT")


def test_place_near_another_is_not_the_event_place(nlp):
    assert events(nlp, "Iraqi forces captured the area north of Baghdad.") == []


def test_evidence_offsets_point_at_the_sentence(nlp):
    text = "Aid arrived. Iraqi forces recaptured Hawija from ISIS on Thursday."
    evidence = only(events(nlp, text))["evidence"]
    assert text[evidence["start"]:evidence["end"]] == evidence["sentence"]
    assert evidence["sentence"].startswith("Iraqi forces") and evidence["certainty"] == "reported"


# -- rules read from coded conflict notes (sentences ours) ----------------------------------------------
def test_a_control_change_without_object_happened_where_the_sentence_placed_the_fighting(nlp):
    mention = only(events(nlp, "The SDF fought IS in Kasra village in eastern Deir ez-Zor, where the SDF "
                               "established control."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == ("CAPTURE", "Kasra", "SDF")


def test_the_village_is_the_one_named_with_that_noun_not_the_region(nlp):
    mention = only(events(nlp, "Clashes went on between HTS and IS in Kasra village of northern Hama, where IS "
                               "gained control of the village."))
    assert (mention["place"]["name"], mention["gaining_actor"]) == ("Kasra", "ISLAMIC_STATE")


def test_past_controlled_is_a_capture_unless_it_lasted(nlp):
    assert summary(events(nlp, "The SDF controlled Kasra village after clashes with IS.")) == {
        ("CAPTURE", "Kasra", "SDF", "reported")}
    assert summary(events(nlp, "IS controlled Raqqa for three years.")) == {
        ("HOLD", "Raqqa", "ISLAMIC_STATE", "reported")}
    assert summary(events(nlp, "IS controls Raqqa.")) == {("HOLD", "Raqqa", "ISLAMIC_STATE", "reported")}


def test_able_to_control_is_active(nlp):
    assert summary(events(nlp, "Regime forces were able to control Kasra village on Monday.")) == {
        ("CAPTURE", "Kasra", "SYRIAN_GOVERNMENT", "reported")}


def test_a_participle_after_a_comma_has_the_sentence_subject(nlp):
    mention = only(events(nlp, "Regime forces battled IS in Kasra village, taking it over."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "CAPTURE", "Kasra", "SYRIAN_GOVERNMENT")


def test_places_named_after_including(nlp):
    assert summary(events(nlp, "IS took control of twelve villages in northern Hama, including Kasra and "
                               "Tleihat village.")) == {
        ("CAPTURE", "Kasra", "ISLAMIC_STATE", "reported"), ("CAPTURE", "Tleihat", "ISLAMIC_STATE", "reported")}


def test_expelled_actor_from_place(nlp):
    mention = only(events(nlp, "The SDF expelled IS from Kasra village on Monday."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"], mention["losing_actor"]) == (
        "CAPTURE", "Kasra", "SDF", "ISLAMIC_STATE")


def test_backers_listed_with_plain_nouns_are_allies(nlp):
    mention = only(events(nlp, "Syrian troops backed by militiamen and Russian special forces took full control "
                               "of Palmyra."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SYRIAN_GOVERNMENT", ["RUSSIA"])


@pytest.mark.parametrize("sentence", [
    "The regime launched a chemical attack on Khan Sheikhoun.",
    "A suicide attack on Kirkuk killed ten people.",
])
def test_a_strike_is_no_offensive(nlp, sentence):
    assert [m for m in events(nlp, sentence) if m["event_type"] == "OFFENSIVE"] == []


def test_headline_capitals_name_no_place(nlp):
    assert events(nlp, "Turkish Jets Strike Kurdish Positions As Largest Offensive Begins In West") == []


def test_ordinal_day_after_a_month(nlp):
    mention = only(events(nlp, "On September 21st the SDF captured Raqqa.", dt.date(2017, 10, 5)))
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2017, 9, 21), "day")


@pytest.mark.parametrize("sentence", [
    "A suspected chemical attack hit the town of Khan Sheikhoun on Tuesday.",
    "Syrian troops attacked in violation of UN Security Council resolutions.",
])
def test_no_offensive_for_a_strike_noun_or_at_an_organisation(nlp, sentence):
    assert [m for m in events(nlp, sentence) if m["event_type"] == "OFFENSIVE"] == []


def test_a_datelines_capitals_become_a_readable_place_name():
    from transforms.events import PlaceRef
    assert PlaceRef("HAWIJA", None, 0).record()["name"] == "Hawija"
    assert PlaceRef("US", None, 0).record()["name"] == "US"
    assert PlaceRef("al-Qaim", None, 0).record()["name"] == "al-Qaim"


# -- a broken siege's duration and an offensive dated by the next sentence ----------------------------
def sieges(mentions):
    return {(m["place"]["name"], m["gaining_actor"], m["losing_actor"], m["event_date"], m["date_precision"],
             m["certainty"]) for m in mentions if m["event_type"] == "SIEGE"}


@pytest.mark.parametrize("sentence, published, began", [
    ("Iraqi forces on Sunday ended a 40-day siege of Amerli by IS.", dt.date(2014, 9, 1),
     (dt.date(2014, 7, 23), "day")),
    ("The Iraqi army on Sunday lifted the three-week siege of Amerli imposed by IS militants.", dt.date(2014, 9, 1),
     (dt.date(2014, 8, 11), "week")),
    ("Syrian troops yesterday broke the three-year siege of Deir ez-Zor by Islamic State militants.",
     dt.date(2017, 9, 6), (dt.date(2014, 1, 1), "year")),
    # no count: at least two months, so only the year is known
    ("Iraqi forces broke the months-long siege of Amerli by IS on Sunday.", dt.date(2014, 9, 1),
     (dt.date(2014, 1, 1), "year")),
])
def test_a_broken_siege_of_stated_length_began_that_long_before(nlp, sentence, published, began):
    mentions = events(nlp, sentence, published)
    place = next(m["place"]["name"] for m in mentions if m["event_type"] == "SIEGE_BROKEN")
    assert sieges(mentions) == {(place, "ISLAMIC_STATE", None, *began, "reported")}


def test_the_besieger_named_generically_is_not_an_ally_of_the_breaker(nlp):
    text = ("The Islamic State cut off Amerli in June. Iraqi troops and Shiite militias fought the militants for "
            "weeks. On Sunday, the troops broke a two-month siege imposed by the militants on Amerli.")
    mentions = events(nlp, text, dt.date(2014, 9, 1))
    broken = only([m for m in mentions if m["event_type"] == "SIEGE_BROKEN"])
    assert (broken["gaining_actor"], broken["losing_actor"]) == ("IRAQI_GOVERNMENT", "ISLAMIC_STATE")
    assert sieges(mentions) == {("Amerli", "ISLAMIC_STATE", None, dt.date(2014, 7, 1), "month", "reported")}


@pytest.mark.parametrize("sentence", [
    "Iraqi forces broke the siege of Amerli by IS on Sunday.",  # no duration
    "Iraqi forces failed to break the two-month siege of Amerli by IS.",  # no break
])
def test_no_siege_without_a_broken_siege_of_stated_length(nlp, sentence):
    assert sieges(events(nlp, sentence, dt.date(2014, 9, 1))) == set()


OFFENSIVE_TEXT = "The SDF has launched an offensive against IS in Raqqa. {} follows months of preparation."


def test_the_operation_in_the_next_sentence_dates_the_offensive(nlp):
    from transforms.assembly import assemble_events
    mentions = events(nlp, OFFENSIVE_TEXT.format("The operation, announced on Tuesday,"), dt.date(2017, 6, 8))
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"], m["event_date"], m["date_precision"])
            for m in mentions} == {("OFFENSIVE", "Raqqa", "SDF", dt.date(2017, 6, 8), "day"),
                                   ("OFFENSIVE", "Raqqa", "SDF", dt.date(2017, 6, 6), "day")}
    assert mentions[1]["evidence"]["sentence"].startswith("The operation")
    event = only(assemble_events("raqqa", mentions))
    assert (event["event_date"], event["num_mentions"]) == (dt.date(2017, 6, 6), 2)


@pytest.mark.parametrize("text", [
    "Aid reached Raqqa. The operation, announced on Tuesday, follows months of preparation.",  # no offensive before
    OFFENSIVE_TEXT.format("The operation"),  # no date
    OFFENSIVE_TEXT.format("On Tuesday the coalition said the operation"),  # not the subject
])
def test_no_dated_offensive_without_an_anaphoric_subject_a_date_and_a_prior_offensive(nlp, text):
    assert {m["event_date"] for m in events(nlp, text, dt.date(2017, 6, 8))} <= {dt.date(2017, 6, 8)}


@pytest.mark.parametrize("sentence, gaining, allies", [
    ("The Syrian army and Hezbollah fighters seized Qaryatain on Wednesday.", "SYRIAN_GOVERNMENT", ["HEZBOLLAH"]),
    ("Hezbollah fighters and the Syrian army seized Qaryatain on Wednesday.", "HEZBOLLAH", ["SYRIAN_GOVERNMENT"]),
    ("Iraqi troops, Peshmerga fighters and Shiite militias recaptured Sinjar on Thursday.", "IRAQI_GOVERNMENT",
     ["PESHMERGA", "PMF"]),
    ("Russian jets and Syrian troops captured Qaryatain on Wednesday.", "SYRIAN_GOVERNMENT", ["RUSSIA"]),  # air power
])
def test_coordinated_subjects_are_led_by_the_first_actor_that_can_take_ground(nlp, sentence, gaining, allies):
    mention = only(events(nlp, sentence, dt.date(2016, 4, 7)))
    assert (mention["gaining_actor"], mention["allies"]) == (gaining, allies)


@pytest.mark.parametrize("sentence, places", [
    ("Peshmerga fighters entered the Yazidi town of Sinjar on Friday.", {"Sinjar"}),
    ("Iraqi forces retook the Christian towns of Qaraqosh and Bartella.", {"Qaraqosh", "Bartella"}),
    ("The SDF took control of the Yarmuk neighbourhood of Raqqa.", {"Yarmuk"}),  # a quarter's name is a place
])
def test_a_descriptor_before_a_place_noun_and_of_is_not_the_place(nlp, sentence, places):
    assert {m["place"]["name"] for m in events(nlp, sentence, dt.date(2016, 11, 13))} == places


RETAKEN = "Syrian troops retook Qaryatain on Sunday, {} after the town fell to IS."


@pytest.mark.parametrize("interval, fell", [
    ("eight months", (dt.date(2015, 8, 1), "month")),
    ("three days", (dt.date(2016, 3, 31), "day")),
])
def test_an_event_n_units_after_which_another_happened_is_dated_that_long_before(nlp, interval, fell):
    mentions = events(nlp, RETAKEN.format(interval), dt.date(2016, 4, 4))
    assert {(m["gaining_actor"], m["event_date"], m["date_precision"]) for m in mentions} == {
        ("SYRIAN_GOVERNMENT", dt.date(2016, 4, 3), "day"), ("ISLAMIC_STATE", *fell)}


def test_a_clause_after_a_comma_is_not_dated_by_a_preceding_interval(nlp):
    mentions = events(nlp, "Eight months after the town fell to IS, Syrian troops retook Qaryatain on Sunday.",
                      dt.date(2016, 4, 4))
    assert {(m["gaining_actor"], m["event_date"]) for m in mentions} >= {("SYRIAN_GOVERNMENT", dt.date(2016, 4, 3))}


@pytest.mark.parametrize("text, place", [
    ("Syrian troops advancing from Homs captured Qaryatain on Sunday.", "Qaryatain"),
    ("IS fighters heading from Raqqa seized Tabqa on Sunday.", "Tabqa"),
    # 'the town' is the last town named, not the route's end
    ("Government troops pushed IS out of Tabqa. Reinforcements arriving on the road from Raqqa took control of "
     "the town.", "Tabqa"),
])
def test_a_route_end_or_where_forces_came_from_is_not_the_place(nlp, text, place):
    assert {m["place"]["name"] for m in events(nlp, text, dt.date(2016, 4, 4))} == {place}


@pytest.mark.parametrize("sentence, place", [
    ("On Tuesday the SDF captured three villages in the Hajin area.", "Hajin"),
    ("SDF fighters captured a chicken farm in Hajin on Monday.", "Hajin"),
    ("Clashes took place in and around Hawija, where Iraqi forces established control.", "Hawija"),
])
def test_an_unnamed_object_happened_where_it_lies_or_where_the_sentence_placed_the_fighting(nlp, sentence, place):
    mention = only(events(nlp, sentence))
    assert (mention["event_type"], mention["place"]["name"]) == ("CAPTURE", place)


def test_an_unnamed_object_in_a_region_or_a_place_measured_from_is_no_place(nlp):
    assert events(nlp, "Iraqi forces took control of a strategic town in northern Iraq.") == []
    assert events(nlp, "Fighting raged 40 km from Kirkuk. Iraqi forces took control of two villages in the area.") == []


def test_the_villages_stand_for_the_last_list_of_places(nlp):
    text = ("The SDF clashed with IS in the villages of Darwish and Ameriya. "
            "The SDF later took control of both villages.")
    assert summary(events(nlp, text, dt.date(2018, 6, 17))) == {
        ("CAPTURE", "Darwish", "SDF", "reported"), ("CAPTURE", "Ameriya", "SDF", "reported")}


def test_the_castle_is_the_castle_named_before(nlp):
    text = "Rebels clashed with regime forces at Madiq Castle. The rebels captured the castle on Monday."
    assert summary(events(nlp, text)) == {("CAPTURE", "Madiq Castle", "REBELS", "reported")}


def test_a_gerund_opening_the_sentence_has_the_main_clause_subject(nlp):
    mention = only(events(nlp, "After recapturing Palmyra from the Islamic State, Syrian troops pushed east."))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["losing_actor"]) == (
        "Palmyra", "SYRIAN_GOVERNMENT", "ISLAMIC_STATE")


def test_an_actor_naming_an_attack_is_no_subject(nlp):
    assert summary(events(nlp, "The SDF repelled an IS attack and took control of Hajin.")) == {
        ("CAPTURE", "Hajin", "SDF", "reported")}


def test_a_regime_force_takes_ground_and_an_air_force_backs(nlp):
    assert summary(events(nlp, "Syrian regime force captured Palmyra on Sunday.")) == {
        ("CAPTURE", "Palmyra", "SYRIAN_GOVERNMENT", "reported")}
    mention = only(events(nlp, "Backed by the Russian air force, Syrian troops retook Palmyra."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SYRIAN_GOVERNMENT", ["RUSSIA"])


@pytest.mark.parametrize("sentence, place, gaining", [
    ("Islamic State militants took Ramadi in May.", "Ramadi", "ISLAMIC_STATE"),
    ("Syrian troops secured Palmyra on Sunday.", "Palmyra", "SYRIAN_GOVERNMENT"),
    ("Iraqi forces advanced to take control of Hawija.", "Hawija", "IRAQI_GOVERNMENT"),
    ("Iraqi forces retook control of Hawija on Thursday.", "Hawija", "IRAQI_GOVERNMENT"),
    ("HTS fighters managed to take back positions in the Madiq Castle area.", "Madiq Castle", "NUSRA_HTS"),
])
def test_taking_a_place_is_a_capture_and_no_hold(nlp, sentence, place, gaining):
    assert summary(events(nlp, sentence)) == {("CAPTURE", place, gaining, "reported")}


def test_taking_part_or_photos_takes_no_place(nlp):
    assert events(nlp, "Iraqi officials took part in talks in Baghdad.") == []
    assert events(nlp, "Iraqi soldiers took photos of Mosul.") == []


def test_an_x_besieged_place_is_besieged_by_x_and_its_breaker_takes_it_from_x(nlp):
    assert summary(events(nlp, "A convoy of buses left regime-besieged Zabadani for Idlib.")) == {
        ("SIEGE", "Zabadani", "SYRIAN_GOVERNMENT", "reported")}
    mention = only(events(nlp, "Syrian troops broke the siege of the IS-besieged town of Deir ez-Zor."))
    assert (mention["event_type"], mention["gaining_actor"], mention["losing_actor"]) == (
        "SIEGE_BROKEN", "SYRIAN_GOVERNMENT", "ISLAMIC_STATE")


@pytest.mark.parametrize("sentence", [
    "Nusra and ISIS terrorists are trying to take over Kurdish positions.",
    "An attack on the village of Batbo killed at least 19 people.",
])
def test_a_people_is_no_place_and_an_attack_that_kills_is_no_offensive(nlp, sentence):
    assert events(nlp, sentence) == []


@pytest.mark.parametrize("sentence", [
    "Following clashes with Hayat Tahrir al-Sham and rebel and Islamist factions, regime forces, National "
    "Defense Forces, and allied militias regained control over Palmyra.",
    "Government forces advanced against HTS and rebel and Islamist groups and regained control of Palmyra.",
])
def test_actors_listed_after_a_preposition_are_not_the_subject(nlp, sentence):
    assert summary(events(nlp, sentence)) == {("CAPTURE", "Palmyra", "SYRIAN_GOVERNMENT", "reported")}


def test_battling_for_control_is_an_offensive_and_no_hold(nlp):
    mention = only(events(nlp, "For a week regime troops backed by Russian warplanes have been battling for control "
                               "of Palmyra."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"], mention["allies"]) == (
        "OFFENSIVE", "Palmyra", "SYRIAN_GOVERNMENT", ["RUSSIA"])


@pytest.mark.parametrize("sentence", [
    "Syrian soldiers stormed Nusra Fronts strongholds near the river.",
    "Nusra fighters attacked US-Trained Militants in Syrias north.",
    "The regime struck Irbin, another rebel-held area east of Damascus, the Observatory said.",
])
def test_an_organisation_a_group_or_a_country_possessive_is_no_place(nlp, sentence):
    assert events(nlp, sentence) == []


@pytest.mark.parametrize("sentence", [
    "Images of the captured pilot were released on Monday.",
    "Two bombers were involved in attacks on the border crossing that separates Kobani from Turkey.",
    "There was no mention on regime-run media of Thursdays bombardment.",
    "Army units destroyed vehicles in the area surrounding Dael town.",
])
def test_adjectives_nouns_and_days_report_no_event(nlp, sentence):
    assert events(nlp, sentence) == []


def test_an_assault_to_retake_has_the_assaults_actor_and_is_an_aim(nlp):
    assert summary(events(nlp, "The regime launched a new assault to retake the whole of Aleppo.")) == {
        ("CAPTURE", "Aleppo", "SYRIAN_GOVERNMENT", "hypothetical")}
    assert summary(events(nlp, "The SDF launched an operation in November aimed at the liberation of Raqqa.")) == {
        ("CAPTURE", "Raqqa", "SDF", "hypothetical")}


def test_the_fall_of_a_place_to_an_actor_and_a_holder_without_the_sentences_air_power(nlp):
    assert summary(events(nlp, "The fall of Kobane to the ISIS group was a blow.")) == {
        ("CAPTURE", "Kobane", "ISLAMIC_STATE", "reported")}
    mention = only(events(nlp, "Russian and Syrian jets pounded rebel-held Aleppo."))
    assert (mention["event_type"], mention["gaining_actor"], mention["allies"]) == ("HOLD", "REBELS", [])


def test_breaking_a_siege_as_a_participle_ends_the_siege_of_the_place_named_before(nlp):
    text = ("Syrian government troops reached the besieged garrison in the eastern city of Deir ez-Zor on Tuesday, "
            "breaking a siege that Islamic State fighters had imposed on the government-held districts.")
    mention = only(events(nlp, text, dt.date(2017, 9, 5)))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"], mention["losing_actor"]) == (
        "SIEGE_BROKEN", "Deir ez-Zor", "SYRIAN_GOVERNMENT", "ISLAMIC_STATE")
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2017, 9, 5), "day")


def test_air_power_backs_only_the_actor_of_its_clause(nlp):
    mention = only(events(nlp, "Regime airstrikes hit Idlib as rebels captured Tal Hadiya."))
    assert (mention["gaining_actor"], mention["allies"]) == ("REBELS", [])
    mention = only(events(nlp, "Syrian troops, under cover of Russian airstrikes, retook Palmyra."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SYRIAN_GOVERNMENT", ["RUSSIA"])


def test_a_village_named_before_a_region_is_no_region(nlp):
    text = ("Clashes took place between regime forces and Islamic State fighters in the village of Masudin eastern "
            "Hama. IS was able to advance to regain control over the village.")
    assert summary(events(nlp, text)) == {("CAPTURE", "Masudin", "ISLAMIC_STATE", "reported")}


@pytest.mark.parametrize("sentence", [
    "The Britain-based monitor said IS captured several army positions in the area.",
    "Russia began air strikes in support of Assad, helping the regime to consolidate its hold on loyal areas.",
    "Syria is calculating that the IS push to reshape the Middle East will force the West to deal with it.",
    "Officials said the deliberate attacks that targeted a Red Crescent convoy killed scores.",
])
def test_an_organisations_seat_a_person_or_an_aim_is_no_place(nlp, sentence):
    assert events(nlp, sentence) == []


def test_an_opposition_coalition_is_no_us_coalition(nlp):
    mention = only(events(nlp, "An opposition coalition began its assault on Fuaa on Wednesday."))
    assert (mention["event_type"], mention["gaining_actor"], mention["allies"]) == ("OFFENSIVE", "REBELS", [])


def test_a_ground_actor_joined_by_air_power_or_special_forces_leads(nlp):
    mention = only(events(nlp, "Syrian Democratic Forces and US Special Forces took control of Hajin on Sunday."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SDF", ["US_COALITION"])
    assert events(nlp, "The US-led coalition took control of the skies over Hajin.") == []


@pytest.mark.parametrize("opening, date, precision", [
    ("Between November 21st and 26th", dt.date(2017, 11, 20), "week"),
    ("Between November 20th and 21st", dt.date(2017, 11, 20), "day"),
    ("On November 21st", dt.date(2017, 11, 21), "day"),
])
def test_a_day_range_is_known_to_the_week_of_its_first_day(nlp, opening, date, precision):
    mention = only(events(nlp, f"{opening}, Islamic State fighters took control of Hajin.", dt.date(2017, 11, 30)))
    assert (mention["event_date"], mention["date_precision"]) == (date, precision)


def test_backers_of_the_other_side_are_no_allies_and_a_list_is_led_by_its_first_group(nlp):
    mention = only(events(nlp, "The Islamic State recaptured Hajin after clashes against the Syrian army supported "
                               "by pro-regime militias."))
    assert (mention["gaining_actor"], mention["allies"]) == ("ISLAMIC_STATE", [])
    mention = only(events(nlp, "Hayat Tahrir al-Sham, Turkistan Islamic Party, and rebel factions managed to "
                               "control Hajin."))
    assert (mention["gaining_actor"], mention["allies"]) == ("NUSRA_HTS", ["OTHER", "REBELS"])


@pytest.mark.parametrize("sentence, place, gaining, losing", [
    ("Turkish troops backed by rebel fighters took control over IS held village of Ghoz on Monday.",
     "Ghoz", "TURKEY", "ISLAMIC_STATE"),
    ("Syrian troops were able to achieve a new advancement and control of Palmyra.", "Palmyra", "SYRIAN_GOVERNMENT",
     None),
    ("Regime forces managed to achieve advancement in the countryside and control the village of Kasra.", "Kasra",
     "SYRIAN_GOVERNMENT", None),
])
def test_an_advance_that_ends_in_control_is_a_capture(nlp, sentence, place, gaining, losing):
    mention = only(events(nlp, sentence))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"], mention["losing_actor"]) == (
        "CAPTURE", place, gaining, losing)


def test_the_opposition_controls_is_a_rebel_hold(nlp):
    assert summary(events(nlp, "The opposition controls the town of Hajin.")) == {
        ("HOLD", "Hajin", "REBELS", "reported")}


def test_fighters_of_an_actor_are_the_actor_and_a_datelines_country_is_no_actor(nlp):
    text = ("MOSUL, Iraq - Fighters of the Islamic State of Iraq and the Levant seized control of Mosul on Tuesday "
            "after Iraqi army units abandoned their bases.")
    mention = only(events(nlp, text, dt.date(2014, 6, 10)))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["event_date"]) == (
        "Mosul", "ISLAMIC_STATE", dt.date(2014, 6, 10))


def test_a_month_and_year_date_the_event_and_a_month_abbreviation_is_no_place(nlp):
    mention = only(events(nlp, "The Syrian army retook Palmyra in April 2016 after months of fighting.",
                          dt.date(2017, 10, 23)))
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2016, 4, 1), "month")
    text = "Last updated at Aug 142016 rebels were battling to take control of second city Aleppo."
    assert "Aug" not in {mention["place"]["name"] for mention in events(nlp, text)}


@pytest.mark.parametrize("sentence", [
    "Islamic State fighters recaptured half of Al-Bukamal on Friday.",
    "The SDF captured parts of Raqqa on Friday.",
    "Regime forces took control of the southwestern area of Homs on Friday.",
    "Rebels seized the outskirts of Hawija on Friday.",
])
def test_a_control_change_over_part_of_a_place_changes_no_control_of_it(nlp, sentence):
    assert not [m for m in events(nlp, sentence) if m["event_type"] == "CAPTURE"]


@pytest.mark.parametrize("sentence", [
    "IS controls large parts of Raqqa.",
    "The besieged Old City of Homs is under rebel control.",
])
def test_a_hold_of_part_of_a_place_is_no_hold_of_it(nlp, sentence):
    assert not events(nlp, sentence)


@pytest.mark.parametrize("sentence, place, gaining", [
    ("Ukrainian forces entered the southern city of Kherson on Friday.", "Kherson", "UKRAINE_GOVERNMENT"),
    ("Iraqi troops retook the central city of Tikrit on Tuesday.", "Tikrit", "IRAQI_GOVERNMENT"),
])
def test_a_city_named_with_its_direction_is_the_whole_city(nlp, sentence, place, gaining):
    assert ("CAPTURE", place, gaining, "reported") in summary(events(nlp, sentence))


def test_an_offensive_on_part_of_a_place_is_on_the_place(nlp):
    assert ("OFFENSIVE", "Raqqa", "SDF", "reported") in summary(
        events(nlp, "The SDF launched an offensive on the outskirts of Raqqa."))


def test_an_unnamed_area_in_a_region_is_not_the_regions_city(nlp):
    mentions = events(nlp, "Regime forces clashed with IS in the eastern countryside of Homs and took control of "
                           "the area.")
    assert not [m for m in mentions if m["event_type"] == "CAPTURE"]


@pytest.mark.parametrize("sentence, place", [
    ("The SDF took control on Monday of the village of Ameriya.", "Ameriya"),
    ("Syrian troops took the areas of Qaryatain and Palmyra from IS on Monday.", "Qaryatain"),
])
def test_control_on_a_day_and_taking_the_areas_of_places_are_captures(nlp, sentence, place):
    assert ("CAPTURE", place) in {(m["event_type"], m["place"]["name"]) for m in events(nlp, sentence)}


def test_an_event_some_time_later_is_dated_from_the_date_before_it(nlp):
    mentions = events(nlp, "Islamic State fighters seized Qaryatain on October 1, and Syrian troops retook the "
                           "town three weeks later.", dt.date(2017, 11, 30))
    dates = {m["gaining_actor"]: (m["event_date"], m["date_precision"]) for m in mentions}
    assert dates == {"ISLAMIC_STATE": (dt.date(2017, 10, 1), "day"),
                     "SYRIAN_GOVERNMENT": (dt.date(2017, 10, 16), "week")}


def test_an_aim_written_as_a_gerund_is_hypothetical(nlp):
    mention = only(events(nlp, "The rebels pursued the overriding objective of capturing Raqqa."))
    assert mention["certainty"] == "hypothetical"


def test_the_latter_is_the_last_actor_named(nlp):
    mentions = events(nlp, "Clashes broke out between rebels and regime forces, where the latter regained control "
                           "of Hawija.")
    assert ("CAPTURE", "Hawija", "SYRIAN_GOVERNMENT", "reported") in summary(mentions)


def test_a_comma_ends_a_list_of_backers_without_a_conjunction(nlp):
    mentions = events(nlp, "After clashes with rebels backed by Islamist militias, the Syrian army backed by "
                           "Hezbollah took over the town of Qaryatain.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Qaryatain", "SYRIAN_GOVERNMENT")}


def test_a_list_after_a_preposition_is_its_object(nlp):
    mentions = events(nlp, "Government forces advanced against HTS, rebel and Islamist groups, and regained "
                           "control of Qaryatain.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Qaryatain", "SYRIAN_GOVERNMENT")}


def test_a_hold_stated_as_the_outcome_of_fighting_is_a_capture(nlp):
    assert ("CAPTURE", "Qaryatain", "REBELS", "reported") in summary(
        events(nlp, "Rebels are in full control of Qaryatain after clashes with regime forces."))
    assert ("HOLD", "Qaryatain", "REBELS", "reported") in summary(events(nlp, "Rebels control Qaryatain."))


def test_these_villages_are_the_villages_listed_before(nlp):
    mentions = events(nlp, "IS withdrew from the villages of Darwish and Ameriya, where the SDF entered these "
                           "villages on Monday.")
    captures = {(m["place"]["name"], m["gaining_actor"]) for m in mentions if m["event_type"] == "CAPTURE"}
    assert captures == {("Darwish", "SDF"), ("Ameriya", "SDF")}


def test_a_pronoun_object_is_the_place_of_the_sentence_before(nlp):
    mentions = events(nlp, "Regime forces battled the Islamic State in Qaryatain. Regime forces took control of it.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("CAPTURE", "Qaryatain", "SYRIAN_GOVERNMENT")}


def test_backers_listed_after_including_stay_backers(nlp):
    mentions = events(nlp, "Regime forces backed by loyalist militias, including the Iraqi Popular Mobilization "
                           "Units, managed to capture the city of Qaryatain from the Islamic State.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Qaryatain", "SYRIAN_GOVERNMENT")}


def test_a_participle_after_a_comma_and_and_has_the_sentences_subject(nlp):
    mentions = events(nlp, "Regime forces advanced in the area, fighting Islamist militias, and regaining control "
                           "of Qaryatain.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Qaryatain", "SYRIAN_GOVERNMENT")}


def test_a_gerund_after_after_in_mid_sentence_has_the_sentences_subject(nlp):
    mentions = events(nlp, "IS fought regime forces near Qaryatain. The regime kept advancing after taking "
                           "control of Qaryatain.")
    assert ("CAPTURE", "Qaryatain", "SYRIAN_GOVERNMENT") in {
        (m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions}


def test_a_citys_name_before_its_quarters_noun_describes_the_quarter(nlp):
    mentions = events(nlp, "The SDF gained full control over the Raqqa city neighborhood of Nazalat Shada.")
    assert {(m["event_type"], m["place"]["name"]) for m in mentions} == {("CAPTURE", "Nazalat Shada")}


def test_taking_over_the_control_of_a_place_is_a_capture(nlp):
    assert ("CAPTURE", "Qaryatain", "SYRIAN_GOVERNMENT", "reported") in summary(
        events(nlp, "Regime forces took over the control of Qaryatain on Monday."))


def test_a_generic_noun_inside_a_backers_name_is_no_subject(nlp):
    mentions = events(nlp, "The Syrian army supported by pro-regime militias controlled the village of Zawrak.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}


def test_backers_joined_by_and_or_and_air_cover_are_backers(nlp):
    mentions = events(nlp, "Regime forces, supported by regime and/or Russian airstrikes, regained control of the "
                           "village of Zawrak.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}
    mentions = events(nlp, "The Syrian army, under the cover of Russian and Syrian airstrikes, managed to control "
                           "the village of Zawrak.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}


def test_named_backers_of_several_capitalised_words_stay_backers(nlp):
    mentions = events(nlp, "The SDF, supported by the Syrian Elite Forces, US Special Forces, and coalition "
                           "warplanes, took the village of Zawrak from IS.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "SDF", "reported")}


def test_a_participle_after_a_comma_and_an_adverb_has_the_sentences_subject(nlp):
    mentions = events(nlp, "Regime forces battled the Islamic State in the village of Zawrak, eventually taking it "
                           "over.")
    assert ("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported") in summary(mentions)


def test_present_tense_establishes_control_is_a_capture(nlp):
    mentions = events(nlp, "The Syrian army establishes full control of the village of Zawrak.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}


def test_an_advancement_and_taking_control_is_one_capture(nlp):
    mentions = events(nlp, "Regime forces made a new advancement and took control of the village of Zawrak.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}


def test_a_pronoun_stands_for_the_place_the_sentence_before_names_after_in_the(nlp):
    mentions = events(nlp, "Amid heavy shelling, regime forces fought the Islamic State in the Tadmor silos area. "
                           "Regime forces took control of it.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("CAPTURE", "Tadmor", "SYRIAN_GOVERNMENT")}


def test_arabic_abbreviations_of_armed_groups(nlp):
    assert summary(events(nlp, "QDW captured the village of Zawrak.")) == {
        ("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}
    assert summary(events(nlp, "Maghawir al-Thawra captured the village of Zawrak.")) == {
        ("CAPTURE", "Zawrak", "REBELS", "reported")}


def test_a_place_lost_to_nobody_named_goes_to_the_one_adversary_named(nlp):
    mentions = events(nlp, "Hayat Tahrir al-Sham fought Ahrar al-Sham in the village of Zawrak, losing control of it.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"], m["losing_actor"]) for m in mentions} == {
        ("CAPTURE", "Zawrak", "REBELS", "NUSRA_HTS")}
    assert not events(nlp, "Hayat Tahrir al-Sham lost control of the village of Zawrak.")


def test_a_date_between_the_verb_and_its_place_is_skipped(nlp):
    mentions = events(nlp, "The regime recaptured on the 9th of February the village of Zawrak from the Islamic "
                           "State.", dt.date(2017, 2, 12))
    mention = only(mentions)
    assert (mention["place"]["name"], mention["gaining_actor"]) == ("Zawrak", "SYRIAN_GOVERNMENT")
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2017, 2, 9), "day")


def test_actors_listed_after_a_preposition_with_an_adjective_stay_its_objects(nlp):
    mentions = events(nlp, "Following clashes with Hayat Tahrir al-Sham and Islamist and rebel factions, regime "
                           "forces and National Defense Forces fighters captured the village of Zawrak.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Zawrak", "SYRIAN_GOVERNMENT")}


def test_in_addition_to_a_verb_reports_it(nlp):
    mentions = events(nlp, "The Syrian army managed to restore control over the village of Zawrak in addition to "
                           "recapture the village of Marfa.")
    assert {(m["place"]["name"], m["certainty"]) for m in mentions} == {("Zawrak", "reported"), ("Marfa", "reported")}


def test_the_actor_after_with_does_what_having_says(nlp):
    mentions = events(nlp, "The Islamic State was beaten back on several fronts, with Iraqi forces aided by "
                           "coalition airstrikes having retaken the city of Fallujah.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Fallujah", "IRAQI_GOVERNMENT")}


def test_a_country_in_a_list_of_places_after_a_preposition_is_no_actor(nlp):
    mentions = events(nlp, "The Islamic State linked up its gains across Syria and Iraq, where it seized the "
                           "northern city of Mosul in June.", dt.date(2014, 8, 1))
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Mosul", "ISLAMIC_STATE")}


def test_a_perfect_participle_is_not_dated_to_the_publication_day(nlp):
    mention = only(events(nlp, "The Islamic State has been beaten back, with Iraqi forces having retaken the city "
                               "of Fallujah."))
    assert (mention["place"]["name"], mention["date_precision"]) == ("Fallujah", "unknown")


def test_a_possessive_that_lost_its_apostrophe_names_the_agent(nlp):
    for agent in ("governments", "regimes"):
        mentions = events(nlp, f"Rebels shelled Hama on Monday. Despite the {agent} recapture of Aleppo last year "
                               "rebel groups still hold the countryside.")
        assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Aleppo", "SYRIAN_GOVERNMENT")}


def test_a_held_part_of_a_place_says_nothing_of_the_place(nlp):
    mentions = events(nlp, "Fighting raged in Aleppo on Monday. Jets struck a district next to the only road into "
                           "rebel-held parts of the northern city.")
    assert mentions == []


def test_a_province_is_not_its_capital_city(nlp):
    mention = only(events(nlp, "Turkish forces launched an offensive in Aleppo province in August."))
    assert (mention["place"]["name"], mention["place"]["feature"]) == ("Aleppo Governorate", "admin1")
    mention = only(events(nlp, "Air strikes hit a hospital in rebel-held Idlib province on Saturday."))
    assert (mention["event_type"], mention["place"]["feature"], mention["gaining_actor"]) == (
        "HOLD", "admin1", "REBELS")
    mention = only(events(nlp, "The SDF captured Kasra village in Deir ez-Zor province."))
    assert mention["place"]["name"] == "Kasra"


def test_a_campaign_the_subject_answers_is_not_its_own(nlp):
    assert events(nlp, "The regime shelled Anadan. Rebels fired rockets at the city in response to an offensive "
                       "on Castello Road.") == []
    assert events(nlp, "The regime shelled Anadan. Rebels repelled a major assault on Castello Road.") == []


def test_a_battle_for_control_with_no_side_named_before_it_has_no_attacker(nlp):
    mentions = events(nlp, "Government forces shelled Aleppo on Thursday. A fierce battle for control of the "
                           "city broke out on Friday when rebels staged a major assault.")
    assert mentions == []


def test_an_actor_in_a_held_modifier_is_no_subject(nlp):
    mentions = events(nlp, "Syrian government forces on Tuesday seized a rebel-held district, tightening their "
                           "siege of Aleppo.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("SIEGE", "Aleppo", "SYRIAN_GOVERNMENT")}


def test_a_person_captured_is_no_place_captured(nlp):
    assert events(nlp, "Government jets shelled the town of Jayrud on Saturday, where rebels killed a pilot "
                       "they captured after he ejected on Friday.") == []


def test_a_participle_before_by_and_an_actor_is_passive(nlp):
    mentions = events(nlp, "Hayat Tahrir al-Sham attacked Kasra. Clashes in Kasra and 7 other villages captured by "
                           "the regime over two days led to casualties.")
    assert {(m["event_type"], m["gaining_actor"]) for m in mentions} == {("OFFENSIVE", "NUSRA_HTS")}


def test_the_previous_day_is_the_day_before_publication(nlp):
    mention = only(events(nlp, "The Islamic State took control of Kasra the previous day.", dt.date(2017, 10, 5)))
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2017, 10, 4), "day")


def test_what_the_subject_managed_after_words_between_is_achieved(nlp):
    mentions = events(nlp, "Hayat Tahrir al-Sham managed after violent clashes with ISIS in the countryside of Hama "
                           "to control Zawrak village.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "NUSRA_HTS", "reported")}
    mentions = events(nlp, "An attack by HTS enabled them to fully regain control of Zawrak village.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "NUSRA_HTS", "reported")}
    mentions = events(nlp, "The SDF managed to enter Kasra and plans to take Zawrak.")
    assert ("CAPTURE", "Zawrak", "SDF", "hypothetical") in summary(mentions)


def test_re_controlled_is_control_regained(nlp):
    mentions = events(nlp, "The Free Syrian Army re-controlled Zawrak after clashes with IS.")
    assert summary(mentions) == {("CAPTURE", "Zawrak", "REBELS", "reported")}


def test_a_compound_of_actor_names_or_an_article_alone_is_no_place(nlp):
    mentions = events(nlp, "Airstrikes on rebel-held east Aleppo have intensified since a US-Russian brokered "
                           "ceasefire collapsed, resulting in a fresh regime assault on the city.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("HOLD", "Aleppo", "REBELS")}
    assert events(nlp, "The observatory reported air raids by the regime on Idlib province which is also "
                       "controlled by Al Nusra and rebel allies.") == []


def test_a_held_neighbourhood_named_after_its_noun_is_that_neighbourhood(nlp):
    mention = only(events(nlp, "Air strikes hit the rebel-held neighborhood of Sakhur in Aleppo."))
    assert (mention["event_type"], mention["place"]["name"]) == ("HOLD", "Sakhur")


def test_a_held_area_or_zone_of_a_place_is_part_of_it(nlp):
    assert events(nlp, "Russian planes intensified their bombing on Saturday of a strategic rebel-held area of "
                       "Aleppo.") == []
    assert events(nlp, "The rebel-held zone of Aleppo braces for renewed bombardment.") == []


def test_held_districts_of_a_divided_city_are_part_of_it(nlp):
    assert events(nlp, "Talks open in Lausanne this Saturday with a focus on Aleppo, where life in rebel-held "
                       "districts of the city is a catastrophe.") == []
    assert events(nlp, "Rebels shelled Aleppo. Rebel groups targeted homes in the government-held area of the "
                       "divided city.") == []


def test_confined_to_a_place_needs_an_armed_actor(nlp):
    assert events(nlp, "The regime agreed to a visit. But it then blocked the inspectors, insisting that they be "
                       "limited to Khan al-Assal.") == []
    assert summary(events(nlp, "IS fighters are now confined to Hajin.")) == {
        ("HOLD", "Hajin", "ISLAMIC_STATE", "reported")}


def test_clear_as_an_adjective_clears_nothing(nlp):
    assert events(nlp, 'The regimes use of nerve agents is part of a clear pattern" said Kenneth Roth of '
                       'Human Rights Watch.') == []


def test_a_part_of_a_place_named_with_its_country(nlp):
    assert events(nlp, "At least 15 people were killed in air strikes on rebel-held areas of Syrias Aleppo.") == []
    assert events(nlp, "Rebels captured parts of Syria's Aleppo.") == []


def test_a_dash_between_spaces_opens_an_aside_not_a_modifier(nlp):
    mentions = events(nlp, "Pro-regime fighters - backed by regime and Russian air strikes - retook the villages of "
                           "Zaytan and Khalasa.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("Zaytan", "SYRIAN_GOVERNMENT"), ("Khalasa", "SYRIAN_GOVERNMENT")}


def test_an_infinitive_after_another_unmanaged_one_is_an_aim(nlp):
    mentions = events(nlp, "If the regime takes Handarat it will be able to cut the road, and the rebels will be "
                           "unable to launch counter-attacks to retake the Castello Road.")
    assert all(m["certainty"] == "hypothetical" for m in mentions)


def test_a_definite_place_noun_in_the_trigger_is_the_place_named_in_the_sentence_before(nlp):
    mentions = events(nlp, "Clashes broke out in the Zawrak area between HTS and Ahrar al-Sham. HTS gained the area.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("CAPTURE", "Zawrak", "NUSRA_HTS")}


def test_an_uncued_place_noun_with_no_place_named_before_it_is_no_antecedent(nlp):
    mentions = events(nlp, "Under heavy shelling of the area, regime forces fought IS in Marfa toward the southern "
                           "area of Al Bab, taking control of it.")
    assert summary(mentions) == {("CAPTURE", "Marfa", "SYRIAN_GOVERNMENT", "reported")}


def test_a_name_with_an_apostrophe_for_ayn_is_a_name(nlp):
    mention = only(events(nlp, "HTS fought Ahrar al-Sham in Za'rabo of Idlib, losing control of it."))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["losing_actor"]) == (
        "Za'rabo", "REBELS", "NUSRA_HTS")


def test_an_adverb_between_managed_to_and_control(nlp):
    assert summary(events(nlp, "The SDF managed to fully control Zawrak after clashes with IS.")) == {
        ("CAPTURE", "Zawrak", "SDF", "reported")}
    assert summary(events(nlp, "The SDF managed on Saturday to control Zawrak.")) == {
        ("CAPTURE", "Zawrak", "SDF", "reported")}


def test_an_actor_and_other_groups_are_a_coalition_it_leads(nlp):
    mention = only(events(nlp, "HTS and other rebel groups regained control over Zawrak."))
    assert (mention["gaining_actor"], mention["allies"]) == ("NUSRA_HTS", ["REBELS"])


def test_quote_marks_stay_inside_a_list_of_backers(nlp):
    mention = only(events(nlp, "The SDF, supported by the 'Elite Forces,' US special forces and coalition warplanes, "
                               "took Zawrak from IS."))
    assert (mention["gaining_actor"], mention["place"]["name"]) == ("SDF", "Zawrak")


def test_places_listed_after_a_date_phrase(nlp):
    mention = only(events(nlp, "The SDF took control of several villages since 3rd of June including Zawrak.",
                          dt.date(2017, 6, 5)))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["event_date"]) == (
        "Zawrak", "SDF", dt.date(2017, 6, 3))


def test_the_actor_after_with_does_what_the_participle_after_it_says(nlp):
    assert summary(events(nlp, "Fighting raged in the Jabal Zawrak area, with regime forces establishing control "
                               "over the mountain.")) == {("CAPTURE", "Jabal Zawrak", "SYRIAN_GOVERNMENT", "reported")}


def test_the_outskirts_of_a_place_are_an_antecedent(nlp):
    assert summary(events(nlp, "The SDF fought IS on the outskirts of Hassan Jabir in eastern Raqqa, where the SDF "
                               "gained control of the village.")) == {("CAPTURE", "Hassan Jabir", "SDF", "reported")}


def test_the_actor_opening_a_clause_after_after_is_its_subject(nlp):
    assert summary(events(nlp, "IS shelled the village of Zawrak after the SDF captured it.")) == {
        ("CAPTURE", "Zawrak", "SDF", "reported")}
    assert ("OFFENSIVE", "Zawrak", "REBELS", "reported") in summary(events(
        nlp, "Air strikes hit Hama after rebels launched an offensive on Zawrak."))


def test_the_actor_a_relative_clause_describes_is_its_subject(nlp):
    assert ("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported") in summary(events(
        nlp, "Rebels held the town of Zawrak until it was besieged by the Syrian army, who later recaptured the town."))


def test_a_relative_clause_has_its_own_mood(nlp):
    mentions = events(nlp, "The SDF made an attempt to seize Zawrak from IS, which took Marfa in 2014.")
    assert ("CAPTURE", "Marfa", "ISLAMIC_STATE", "reported") in summary(mentions)
    assert ("CAPTURE", "Zawrak", "SDF", "hypothetical") in summary(mentions)


def test_a_generic_subject_with_no_antecedent_is_nobody_not_the_context(nlp):
    mentions = events(nlp, "The government sent reinforcements. Syrian insurgents launched a battle to seize "
                           "government-held Aleppo.")
    assert not any(m["event_type"] == "CAPTURE" and m["gaining_actor"] == "SYRIAN_GOVERNMENT" for m in mentions)


def test_a_report_the_source_does_not_make_is_no_capture(nlp):
    mentions = events(nlp, "State media said Syria's armed forces hit IS in Zawrak but did not say the militants "
                           "had been pushed out of the town.")
    assert mentions and all(m["certainty"] == "hypothetical" for m in mentions if m["event_type"] == "CAPTURE")


def test_an_infinitive_trigger_after_an_offensive_is_an_aim(nlp):
    assert summary(events(nlp, "Rebels began a major offensive to gain full control of Zawrak in Idlib.")) == {
        ("CAPTURE", "Zawrak", "REBELS", "hypothetical")}
    assert summary(events(nlp, "Regime attacks, backed by Russian airstrikes, allowed them to regain control over "
                               "Zawrak.")) == {("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}


def test_the_army_with_no_state_actor_named_is_the_articles_state_forces(nlp):
    assert summary(events(nlp, "The Army establishes control over Zawrak neighbourhood in Aleppo.")) == {
        ("CAPTURE", "Zawrak", "SYRIAN_GOVERNMENT", "reported")}


def test_a_counted_noun_is_no_subject(nlp):
    mention = only(events(nlp, "After IS shelled Zawrak, the Syrian army killed 125 terrorists and broke the siege "
                               "on the town."))
    assert (mention["event_type"], mention["gaining_actor"]) == ("SIEGE_BROKEN", "SYRIAN_GOVERNMENT")


def test_an_attack_after_an_adjective_is_the_noun(nlp):
    assert events(nlp, "Regime forces shelled the town. Hours after the initial attack air strikes hit a hospital in "
                       "Zawrak.") == []


def test_an_unnamed_dam_with_no_place_named_before_it_is_not_the_next_place_named(nlp):
    assert events(nlp, "Islamic State took control of the dam near Zawrak in Homs.") == []


def test_the_names_around_bin_are_a_persons(nlp):
    assert events(nlp, "Clashes broke out between the IS faction of Khalid bin Zawrak and rebels who were able to "
                       "regain control of areas around Marfa in Daraa.") == []


def test_a_subject_the_dictionary_does_not_know_is_nobody_not_the_context(nlp):
    mentions = events(nlp, "Regime forces shelled the village of Zawrak on Monday. JSH recaptured the village after "
                           "clashes with regime forces.")
    assert not any(m["event_type"] == "CAPTURE" for m in mentions)


def test_an_attack_with_a_weapon_is_a_strike_not_an_offensive(nlp):
    assert events(nlp, "Rebels attacked the Zawrak neighbourhood in Aleppo with rockets.") == []
    assert summary(events(nlp, "Rebels attacked the Zawrak neighbourhood in Aleppo.")) == {
        ("OFFENSIVE", "Zawrak", "REBELS", "reported")}


def test_a_counted_name_is_no_place(nlp):
    assert events(nlp, "Regime forces took control of 1400 Square KM east of Palmyra.") == []
    assert events(nlp, "Regime forces captured six Quarries north Zawrak village.") == []
    assert {m["place"]["name"] for m in events(nlp, "Rebels captured two villages, Zawrak and Marfa, from IS in "
                                                    "Idlib.")} == {"Zawrak", "Marfa"}


def test_an_anaphor_is_the_place_named_with_its_noun(nlp):
    mentions = events(nlp, "The SDF fought IS in the Zawrak area in the Marfa neighborhood of Raqqa city, where the "
                           "SDF took control of the neighborhood.")
    assert {(m["place"]["name"], m["gaining_actor"]) for m in mentions} == {("Marfa", "SDF")}


def test_a_country_after_compass_words_after_a_preposition_is_a_place_not_an_actor(nlp):
    mention = only(events(nlp, "Kurdish fighters fight the extremists in north and northeastern Syria and form the "
                               "core of the SDF alliance now seeking to oust Daesh from Manbij."))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["certainty"]) == (
        "Manbij", "SDF", "hypothetical")


def test_a_name_before_a_noun_and_a_settlement_noun_describes_the_place_named_after_them(nlp):
    assert summary(events(nlp, "Rebels hold villages north of the government-held Mediterranean port city of "
                               "Latakia.")) == {("HOLD", "Latakia", "SYRIAN_GOVERNMENT", "reported")}


def test_bare_air_power_attacking_is_no_offensive(nlp):
    assert events(nlp, "IS fighters shelled the town. Medics helped a woman after warplanes attacked a street in "
                       "Aleppo.") == []


def test_determined_to_is_an_aim(nlp):
    assert summary(events(nlp, "Turkey is determined to complete the capture of Al Bab from the militants.")) == {
        ("CAPTURE", "Al Bab", "TURKEY", "hypothetical")}


def test_the_affiliate_named_after_an_actor_is_the_actor_meant(nlp):
    assert summary(events(nlp, "Air raids hit Idlib, which is held by Al Qaeda affiliate Al Nusra Front.")) == {
        ("HOLD", "Idlib", "NUSRA_HTS", "reported")}


def test_two_sides_battling_for_control_give_no_attacker(nlp):
    assert events(nlp, "Opposition fighters and pro-government forces battled for control of Aleppo.") == []
    assert summary(events(nlp, "Rebels battled for control of Aleppo.")) == {
        ("OFFENSIVE", "Aleppo", "REBELS", "reported")}


def test_a_hold_of_a_place_cleared_of_an_actor_is_a_capture(nlp):
    assert summary(events(nlp, "Rebel factions control the town of Kafr Nabl, now cleared of HTS fighters.")) == {
        ("CAPTURE", "Kafr Nabl", "REBELS", "reported")}
    assert summary(events(nlp, "Rebels control Kafr Nabl, cleared of mines last week.")) == {
        ("HOLD", "Kafr Nabl", "REBELS", "reported")}


def test_a_pronoun_with_no_other_place_is_the_place_the_fighting_was_near(nlp):
    assert summary(events(nlp, "The SDF fought the Islamic State around Ain Issa, taking control of it.")) == {
        ("CAPTURE", "Ain Issa", "SDF", "reported")}
    assert summary(events(nlp, "Regime forces battled IS near Maskanah, taking control of two villages.")) == set()


def test_a_hold_that_fighting_ended_with_is_a_capture(nlp):
    assert summary(events(nlp, "The clashes ended with HTS controlling Saraqib.")) == {
        ("CAPTURE", "Saraqib", "NUSRA_HTS", "reported")}
    assert summary(events(nlp, "The talks ended with HTS controlling Saraqib.")) == {
        ("HOLD", "Saraqib", "NUSRA_HTS", "reported")}


def test_elite_forces_helicopters_and_artillery_stay_inside_a_list_of_backers(nlp):
    mention = only(events(nlp, "Regime forces, supported by elite forces of Hezbollah, warplanes and suspected regime "
                               "helicopters, and Russian artillery battalions, entered Maskanah."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "CAPTURE", "Maskanah", "SYRIAN_GOVERNMENT")
    assert set(mention["allies"]) == {"HEZBOLLAH", "RUSSIA"}


def test_a_subject_the_dictionary_does_not_know_before_a_hyphenated_re_is_nobody(nlp):
    mentions = events(nlp, "Regime forces shelled the village of Zawrak on Monday. JSH re-captured the village after "
                           "clashes with regime forces.")
    assert not any(m["event_type"] == "CAPTURE" for m in mentions)


def test_a_participle_after_to_is_no_infinitive(nlp):
    mentions = events(nlp, "Regime forces have besieged Madaya for months. The UN asked for access to besieged towns "
                           "like Madaya.")
    assert {m["certainty"] for m in mentions} == {"reported"}


def test_a_siege_an_aim_acts_on_is_stated(nlp):
    mention = only(events(nlp, "The assault was launched on Sunday to try to ease a government siege of Aleppo."))
    assert (mention["event_type"], mention["place"]["name"], mention["certainty"]) == ("SIEGE", "Aleppo", "reported")
    assert only(events(nlp, "Rebels plan to impose a siege on Aleppo."))["certainty"] == "hypothetical"


def test_the_actor_of_a_campaign_is_the_subject_of_its_aim(nlp):
    mention = only(events(nlp, "Regime troops and rebels were locked in fierce fighting near Aleppo, where civilians "
                               "were killed in a two-day rebel offensive to break the government siege of Aleppo."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"], mention["certainty"]) == (
        "SIEGE_BROKEN", "Aleppo", "REBELS", "hypothetical")
    assert mention["allies"] == []


def test_one_held_district_of_a_place_written_as_a_city_is_a_part_of_it(nlp):
    assert events(nlp, "Civilians were killed in a barrel bomb attack on a rebel-held district of Syria's Aleppo "
                       "city on Saturday.") == []
    assert summary(events(nlp, "Shells hit the rebel-held district of Aleppo on Saturday.")) == {
        ("HOLD", "Aleppo", "REBELS", "reported")}


def test_a_bare_count_after_a_capture_is_no_place(nlp):
    assert events(nlp, "Regime forces killed 33 militants and captured 10 in Hajin.") == []
    assert summary(events(nlp, "The army captured two villages in the Hajin area.")) == {
        ("CAPTURE", "Hajin", "SYRIAN_GOVERNMENT", "reported")}


def test_a_city_noun_with_no_other_place_named_is_the_place_the_fighting_was_outside(nlp):
    mention = only(events(nlp, "Opposition fighters battled government forces outside Aleppo in a bid to ease the "
                               "regime's siege of rebel-held parts of the northern city."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"], mention["certainty"]) == (
        "SIEGE", "Aleppo", "SYRIAN_GOVERNMENT", "reported")


def test_a_name_after_a_or_an_is_a_kind_of_thing_not_the_place_taken(nlp):
    assert events(nlp, "Hayat Tahrir al-Sham also gained control of a Doshka in Saraqib.") == []
    assert events(nlp, "The SDF took over a Mortar factory from IS.") == []


def test_a_thing_of_a_place_is_a_part_of_it(nlp):
    assert events(nlp, "The Islamic State captured Palmyra's ancient citadel.") == []
    assert summary(events(nlp, "The Islamic State captured Palmyra.")) == {
        ("CAPTURE", "Palmyra", "ISLAMIC_STATE", "reported")}


def test_a_name_after_inside_is_an_antecedent(nlp):
    mention = only(events(nlp, "Tens of thousands had been trapped inside Manbij after the SDF encircled the town on "
                               "Friday."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == ("SIEGE", "Manbij", "SDF")


def test_a_gerund_after_a_preposition_takes_no_subject_from_the_context(nlp):
    mentions = events(nlp, "Rebels shelled army positions near Hama on Monday. The importance of capturing Palmyra "
                           "is to open the road east.")
    assert not [m for m in mentions if m["event_type"] == "CAPTURE"]


def test_a_gerund_whose_object_a_modal_follows_is_an_aim(nlp):
    mention = only(events(nlp, "Regime forces shelled Tabqa on Monday, and recapturing it would cut the supply "
                               "road from the west."))
    assert (mention["event_type"], mention["place"]["name"], mention["certainty"]) == (
        "CAPTURE", "Tabqa", "hypothetical")


def test_a_participle_after_a_preposition_names_no_actor(nlp):
    assert events(nlp, "Rebels shelled Damascus on Monday. A civilian was killed in a rocket attack on besieged "
                       "Madaya.") == []
    assert summary(events(nlp, "Civilians fled Madaya, which was besieged by regime forces near Damascus.")) == {
        ("SIEGE", "Madaya", "SYRIAN_GOVERNMENT", "reported")}


def test_a_pronoun_after_a_thing_of_a_place_stands_for_the_thing(nlp):
    assert events(nlp, "Residents queued at the bakeries and mills of Manbij after the SDF took control of it.") == []
    assert summary(events(nlp, "Clashes broke out in the town of Manbij before the SDF took control of it.")) == {
        ("CAPTURE", "Manbij", "SDF", "reported")}


def test_an_embedded_post_ends_at_its_links_and_its_signature(nlp):
    text = ("Residents flee rebel-held Aleppo httpst.coAb12Cd34 pic.twitter.comXy98Zw76 The Observer "
            "(observer) July 27 2016 Government forces captured the village of Kasra on Sunday.")
    captures = [m for m in events(nlp, text, dt.date(2016, 7, 28)) if m["event_type"] == "CAPTURE"]
    assert [m["evidence"]["sentence"] for m in captures] == [
        "Government forces captured the village of Kasra on Sunday."]


def test_a_held_place_noun_names_its_place_after_of(nlp):
    assert events(nlp, "Shelling of rebel-held areas Witnesses Say Damascus was calm.") == []
    assert summary(events(nlp, "Shelling hit the rebel-held town of Saraqib.")) == {
        ("HOLD", "Saraqib", "REBELS", "reported")}


def test_a_sentence_opener_after_a_capitalised_word_begins_a_sentence(nlp):
    text = "Rockets Hit Government-held Aleppo The army captured the village of Kasra on Sunday."
    captures = [m for m in events(nlp, text) if m["event_type"] == "CAPTURE"]
    assert [m["evidence"]["sentence"] for m in captures] == ["The army captured the village of Kasra on Sunday."]
    assert [m["evidence"]["sentence"] for m in events(nlp, "Rebels In Hama seized the village of Kasra.")] == [
        "Rebels In Hama seized the village of Kasra."]  # a capitalised word after it: no sentence begins


def test_names_joined_by_a_slash_are_each_read(nlp):
    mentions = events(nlp, "Syrian government forces captured Jdideh/Eastern Kasra village on Sunday.")
    assert {m["place"]["name"] for m in mentions if m["event_type"] == "CAPTURE"} == {"Jdideh", "Eastern Kasra"}


def test_members_from_an_actor_are_the_actor(nlp):
    mention = only(events(nlp, "Rebels shelled Aleppo. Fighters from the Islamic State attacked Saraqib on Monday."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "OFFENSIVE", "Saraqib", "ISLAMIC_STATE")


def test_the_later_misspelt_for_the_latter_is_the_last_actor_named(nlp):
    assert summary(events(nlp, "Clashes broke out between rebels and regime forces in Hama, and the later was able "
                               "to regain control of Kasra.")) == {
        ("CAPTURE", "Kasra", "SYRIAN_GOVERNMENT", "reported")}
    assert summary(events(nlp, "In the later stages of the battle, rebels took control of Kasra near Hama.")) == {
        ("CAPTURE", "Kasra", "REBELS", "reported")}


def test_a_name_that_opens_with_a_months_abbreviation_is_a_place(nlp):
    assert summary(events(nlp, "Clashes broke out in Hama, where regime forces captured Mar Shimon village on "
                               "Sunday.")) == {("CAPTURE", "Mar Shimon", "SYRIAN_GOVERNMENT", "reported")}


def test_a_place_noun_after_a_name_does_not_end_its_list(nlp):
    mentions = events(nlp, "Regime forces took control of the Kasra area and the Jdideh farms near Hama on Sunday.")
    assert summary(mentions) == {("CAPTURE", "Kasra", "SYRIAN_GOVERNMENT", "reported"),
                                 ("CAPTURE", "Jdideh", "SYRIAN_GOVERNMENT", "reported")}


def test_the_latter_after_a_list_of_actors_is_the_coalition_the_list_names(nlp):
    mention = only(events(nlp, "Clashes took place between rebels against regime forces and Hezbollah in Hama, where "
                               "the latter regained control of Kasra."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SYRIAN_GOVERNMENT", ["HEZBOLLAH"])


def test_a_plural_place_noun_before_a_name_is_no_name_of_a_place(nlp):
    assert events(nlp, "Bombing Targets Civilians in Opposition-held Areas Zamalka") == []


def test_attack_as_a_noun_is_no_offensive_in_a_place(nlp):
    assert events(nlp, "A suspected sarin gas attack in northern Hama injured dozens on Thursday.") == []
    assert events(nlp, "Two nerve agent attacks in Hama killed 20 people, a monitor said.") == []
    assert events(nlp, "The UN condemned the escalation of attacks in Aleppo by the Syrian government.") == []
    assert events(nlp, "The SDF foiled an IS attack in Kasra on Sunday.") == []
    assert summary(events(nlp, "IS fighters attacked Hasakeh on Sunday.")) == {
        ("OFFENSIVE", "Hasakeh", "ISLAMIC_STATE", "reported")}
    assert summary(events(nlp, "Rebels have launched a series of attacks in Aleppo since last week.")) == {
        ("OFFENSIVE", "Aleppo", "REBELS", "reported")}


def test_websites_outlets_persons_and_ties_are_no_places(nlp):
    assert events(nlp, "Regime forces launched a campaign on Facebook against the activists.") == []
    assert events(nlp, "A warplane struck a market in the rebel-held province local civil defence official Abu "
                       "Hamza Kasim said.") == []
    assert events(nlp, "IS gunmen seized the headquarters of al-Qaeda-affiliated Nusra fighters.") == []


def test_the_town_is_the_place_named_with_that_noun(nlp):
    mention = only(events(nlp, "An activist in Deir ez-Zor said 30 men were executed in the town of Kasra when the "
                               "Islamic State stormed the town on Sunday."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "CAPTURE", "Kasra", "ISLAMIC_STATE")


def test_a_relative_clause_with_no_object_took_the_place_before_its_pronoun(nlp):
    assert summary(events(nlp, "A monitor said shells hit the village of Jeb el-Kussa. The shelling targeted an area "
                               "south of the former IS stronghold of Jarabulus which Turkish troops captured in "
                               "August.")) == {("CAPTURE", "Jarabulus", "TURKEY", "reported")}
    assert summary(events(nlp, "Jets struck IS fighters near Palmyra which government forces recaptured in "
                               "March.")) == {("CAPTURE", "Palmyra", "SYRIAN_GOVERNMENT", "reported")}
    assert summary(events(nlp, "The killings took place in the village of Rityan north of second city Aleppo, which "
                               "regime forces entered on Tuesday.")) == {
        ("CAPTURE", "Rityan", "SYRIAN_GOVERNMENT", "reported")}


def test_one_area_of_a_place_changing_hands_is_no_capture_of_the_place(nlp):
    assert [m for m in events(nlp, "Rebels on Sunday retook an area in Aleppo that fell to regime forces the day "
                                   "before.") if m["place"]["name"] == "Aleppo"] == []
    assert events(nlp, "The SDF captured neighbourhoods of Raqqa on Sunday.") == []
    assert summary(events(nlp, "The SDF captured the villages and areas of Kasra and Jdideh on Sunday.")) == {
        ("CAPTURE", "Kasra", "SDF", "reported"), ("CAPTURE", "Jdideh", "SDF", "reported")}


def test_a_nominal_trigger_takes_only_an_actor_the_context_makes_certain(nlp):
    # the sentence before names both sides: the battle is nobody's in particular
    assert events(nlp, "Rebels fought regime forces in Idlib. These are the worst levels of violence since the "
                       "battle for Aleppo in 2016.") == []
    # further back than the sentence before: not the article's subject
    assert events(nlp, "The SDF advanced in Hasakeh. Aid groups warned of a crisis. Thousands fled. The battle for "
                       "Raqqa will be long.") == []
    # 'it' before a nominal trigger is no agent the context makes certain
    assert events(nlp, "Rebels shelled Manbij. Civilians are trapped in the city. The US says it believes the fall of "
                       "the city is critical.") == []
    # the subject its sentence names before it acts
    assert summary(events(nlp, "Syrian government forces on Tuesday seized a district in the northwest of the city "
                               "tightening their siege of Aleppo.")) >= {
        ("SIEGE", "Aleppo", "SYRIAN_GOVERNMENT", "reported")}
    assert summary(events(nlp, "Regime forces shelled Daraya. The UN said 19 besieged areas including Daraya would "
                               "get aid.")) == {("SIEGE", "Daraya", "SYRIAN_GOVERNMENT", "reported")}


def test_the_aim_of_a_campaign_with_no_actor_takes_no_context_actor(nlp):
    assert events(nlp, "IS fighters shelled Hawija. Critics mocked the announcement of the spring campaign to "
                       "liberate Mosul.") == []
    assert summary(events(nlp, "The SDF launched a campaign to liberate Raqqa on Sunday.")) >= {
        ("CAPTURE", "Raqqa", "SDF", "hypothetical")}


def test_a_generic_noun_heading_an_actors_name_stands_for_that_actor(nlp):
    assert summary(events(nlp, "Russia bombed the city. Since the announcement by the Assad regime of an offensive "
                               "to capture eastern Aleppo, hospitals were hit.")) == {
        ("CAPTURE", "Aleppo", "SYRIAN_GOVERNMENT", "hypothetical")}


def test_a_shared_alias_is_decided_by_the_country_of_its_own_sentences_places(nlp):
    mentions = events(nlp, "Regime forces shelled Raqqa in Syria on Saturday. Pro-government forces retook the "
                           "city of Mosul from IS on Sunday.")
    assert ("CAPTURE", "Mosul", "IRAQI_GOVERNMENT", "reported") in summary(mentions)


def test_control_divided_between_sides_is_no_hold(nlp):
    assert events(nlp, "Control of Deraa remains divided between the Syrian regime and opposition forces.") == []
    assert summary(events(nlp, "Control of Deraa remains with opposition forces.")) == {
        ("HOLD", "Deraa", "REBELS", "reported")}


def test_a_stretch_of_time_before_publication_is_no_report_of_the_day(nlp):
    mention = only(events(nlp, "Civilians returned to the city of Palmyra, which the government has retaken in recent "
                               "months."))
    assert (mention["place"]["name"], mention["date_precision"]) == ("Palmyra", "unknown")
    assert only(events(nlp, "The government has retaken the city of Palmyra."))["date_precision"] == "day"


def test_a_name_the_place_noun_introduced_is_the_antecedent_of_that_noun(nlp):
    mentions = events(nlp, "Clashes took place between regime forces and IS fighters in the Al-Shaer oil field area. "
                           "Regime forces advanced to take control over the field.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("CAPTURE", "Al-Shaer", "SYRIAN_GOVERNMENT")}


def test_a_pronoun_after_and_is_the_subject_of_the_clause_before(nlp):
    assert summary(events(nlp, "Rebels launched an attack on IS positions near Hama and they controlled Kasra and "
                               "Jdideh.")) >= {("CAPTURE", "Kasra", "REBELS", "reported"),
                                               ("CAPTURE", "Jdideh", "REBELS", "reported")}


def test_a_bombing_campaign_is_no_offensive(nlp):
    assert events(nlp, "Hundreds were killed in the ongoing bombing campaign on Aleppo by regime forces.") == []
    assert summary(events(nlp, "Regime forces launched a campaign on Aleppo on Sunday.")) == {
        ("OFFENSIVE", "Aleppo", "SYRIAN_GOVERNMENT", "reported")}


def test_a_person_named_before_a_verb_of_speech_is_no_place(nlp):
    assert [m for m in events(nlp, "IS operators were plotting to attack our homelands and personnel Carter stated on "
                                   "Wednesday.") if m["place"]["name"] == "Carter"] == []
    assert summary(events(nlp, "Rescuers in rebel-held Aleppo said the strikes went on.")) == {
        ("HOLD", "Aleppo", "REBELS", "reported")}


def test_unable_to_denies_the_event(nlp):
    assert events(nlp, "Regime forces have been unable to complete the encirclement of Aleppo.") == []


def test_a_country_whose_forces_no_actor_names_is_an_unknown_subject(nlp):
    assert events(nlp, "Regime forces shelled Daraa. Israel seized the Golan Heights from Syria in 1967.") == []


def test_the_second_part_of_a_capitalised_compound_is_no_name(nlp):
    assert events(nlp, "Syrian Army Captures Several Terrorist-Held Regions in Northeastern Hama") == []
    assert summary(events(nlp, "Regime forces captured al-Bukamal on Sunday.")) == {
        ("CAPTURE", "al-Bukamal", "SYRIAN_GOVERNMENT", "reported")}


def test_ground_taken_around_a_place_is_no_capture_of_it(nlp):
    assert events(nlp, "Aleppo is a contested city, and government forces took strategic ground around it in "
                       "June.") == []
    assert summary(events(nlp, "Regime forces took strategic ground in Khanaser in June.")) == {
        ("CAPTURE", "Khanaser", "SYRIAN_GOVERNMENT", "reported")}


def test_a_regions_noun_alone_is_no_name_of_a_place(nlp):
    assert [m for m in events(nlp, "Since spring 2015 most of Idlib Province has been held by an alliance of rebel "
                                   "groups.") if m["place"]["name"] == "Province"] == []


def test_driving_the_named_group_out_of_a_place_takes_it(nlp):
    assert summary(events(nlp, "The SDF drove the Islamic State group out of the town of Manbij on Saturday.")) == {
        ("CAPTURE", "Manbij", "SDF", "reported")}


def test_villages_taken_in_a_governorate_named_after_its_capital_are_not_the_capital(nlp):
    assert events(nlp, "Syrian Army Regains Several Towns in Hama.") == []
    assert events(nlp, "The Syrian army liberated two strategic villages in Aleppo on Sunday.") == []
    assert summary(events(nlp, "The army captured two villages in the Hajin area.")) == {
        ("CAPTURE", "Hajin", "SYRIAN_GOVERNMENT", "reported")}


def test_a_gerund_with_a_described_object_before_a_modal_is_hypothetical(nlp):
    assert {m["certainty"] for m in events(nlp, "Regime forces shelled Aleppo. Capturing the whole city would be a "
                                                "major prize for the regime.")} == {"hypothetical"}


def test_a_generic_noun_after_allied_names_allies_not_the_subject(nlp):
    assert summary(events(nlp, "IS shelled Aleppo. Militants from the Nusra Front (the Syrian branch of al-Qaeda) and "
                               "its allied terrorists mounted an attack to recapture the Ramouseh district on "
                               "Thursday.")) >= {("CAPTURE", "Ramouseh", "NUSRA_HTS", "hypothetical")}


def test_wrested_back_control_is_a_capture(nlp):
    mention = only(events(nlp, "Last year government troops wrested back control of the town of Qusayr from the rebels."))
    assert (mention["event_type"], mention["place"]["name"], mention["gaining_actor"]) == (
        "CAPTURE", "Qusayr", "SYRIAN_GOVERNMENT")


def test_a_nominal_trigger_before_a_modal_is_hypothetical(nlp):
    mention = only(events(nlp, "The fall of Raqqa to the SDF would be a heavy blow to the Islamic State."))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["certainty"]) == ("Raqqa", "SDF", "hypothetical")


def test_titles_regions_and_kinds_of_things_are_no_places(nlp):
    assert events(nlp, "The blast hit a part of Aleppo controlled by the regime of President Bashar al-Assad "
                       "which has fought rebels for years.") == []
    assert events(nlp, "The Islamic State seized large parts of Syria and Iraq, alarming the Middle East.") == []
    assert events(nlp, "Kurdish Fighters Capture Daesh Syria Headquarters in Manbij") == []


def test_routes_between_two_places_and_rivers_are_no_places(nlp):
    assert events(nlp, "The regime tightened its control over the Homs-Hama highway.") == []
    assert events(nlp, "IS recaptured the southern Euphrates river bank on Sunday.") == []


def test_captives_and_a_civil_bodys_side_are_no_actors(nlp):
    mentions = events(nlp, "IS militants killed dozens of captive soldiers near Raqqa. The opposition-linked group Syrian "
                           "Observatory for Human Rights reported the killings in Raqqa. The London-based Syrian opposition "
                           "organization said most of the soldiers were shot. The Takfiri militants also published "
                           "pictures of captured soldiers after the battle for the base.")
    assert not [m for m in mentions if m["gaining_actor"] in ("SYRIAN_GOVERNMENT", "REBELS")], summary(mentions)


def test_a_demonym_sharing_the_next_actors_noun_leads_a_coalition(nlp):
    mention = only(events(nlp, "Iraqi and Kurdish forces recaptured the city of Mosul from IS on Monday."))
    assert (mention["gaining_actor"], mention["allies"]) == ("IRAQI_GOVERNMENT", ["PESHMERGA"])
    mention = only(events(nlp, "The strikes coincided with the launch of a major operation by Iraqi and Kurdish forces "
                               "backed by the U.S.-led coalition to retake the city of Mosul from IS."))
    assert (mention["gaining_actor"], mention["certainty"]) == ("IRAQI_GOVERNMENT", "hypothetical")
    assert "PESHMERGA" in mention["allies"]


def test_villages_taken_from_an_actors_control_and_listed_after_a_dash(nlp):
    mentions = events(nlp, "The monitor said on Saturday that rebels had captured three villages south of Aleppo from "
                           "government control - Zeitan, Khalsa and Barna - causing heavy losses.")
    assert {(m["event_type"], m["place"]["name"], m["gaining_actor"]) for m in mentions} == {
        ("CAPTURE", "Zeitan", "REBELS"), ("CAPTURE", "Khalsa", "REBELS"), ("CAPTURE", "Barna", "REBELS")}


def test_a_count_of_the_places_listed_names_none_of_them(nlp):
    mentions = events(nlp, "Regime forces clashed with rebels in the villages of Zeitan, Khalsa and Barna. "
                           "The rebels took control of two of these villages.")
    assert not [m for m in mentions if m["event_type"] == "CAPTURE"], summary(mentions)


def test_parts_of_a_road_are_not_the_place_fought_around(nlp):
    mentions = events(nlp, "Near Aleppo government forces sought to tighten their siege of rebel-held districts of the "
                           "city. Clashes erupted around Handarat north of the city after government forces seized parts "
                           "of the last remaining supply route.")
    assert not [m for m in mentions if m["event_type"] == "CAPTURE"], summary(mentions)


def test_weapons_before_to_attack_make_a_strike(nlp):
    assert events(nlp, "Regime jets use banned cluster bombs to attack Idlib.") == []


def test_early_in_a_year_and_since_in_a_later_clause(nlp):
    mention = only(events(nlp, "IS tightened the siege of the city of Deir ez-Zor in early 2015."))
    assert (mention["event_date"], mention["date_precision"]) == (dt.date(2015, 1, 1), "year")
    mention = only(events(nlp, "Government forces broke the siege of the city of Deir ez-Zor that IS had imposed since 2015."))
    assert (mention["event_type"], mention["event_date"], mention["date_precision"]) == (
        "SIEGE_BROKEN", dt.date(2017, 10, 5), "day")


def test_the_holder_of_a_stronghold_is_no_context_actor_of_a_campaign(nlp):
    mentions = events(nlp, "Tabqa is the last stronghold of IS near the dam. Taking the city is part of the campaign to "
                           "free Raqqa, with the offensive against Tabqa having begun on March 21.")
    assert not [m for m in mentions if m["gaining_actor"] == "ISLAMIC_STATE"], summary(mentions)


def test_what_is_prepared_for_is_an_aim_and_a_breached_siege_is_broken(nlp):
    mention = only(events(nlp, "The SDF began the campaign to clear the countryside in preparation for the liberation "
                               "of Raqqa from IS."))
    assert (mention["place"]["name"], mention["certainty"]) == ("Raqqa", "hypothetical")
    mention = only(events(nlp, "Government forces breached the siege of Deir ez-Zor on Tuesday."))
    assert (mention["event_type"], mention["gaining_actor"]) == ("SIEGE_BROKEN", "SYRIAN_GOVERNMENT")


def test_a_person_after_a_verb_of_speech_an_operations_noun_and_an_ally_are_no_places_or_subjects(nlp):
    mentions = events(nlp, "Rebels announced the battle to break the siege of Aleppo. \"The breaking of the siege is "
                           "certain\" said Omar al-Homsi of the rebel group.")
    assert {m["place"]["name"] for m in mentions} == {"Aleppo"}
    assert events(nlp, "Turkey began its operation inside Syria dubbed Operation Euphrates Shield on 24 August.") == []
    mention = only(events(nlp, "Government forces backed by ally Russia have waged a ground assault since late "
                               "September to recapture eastern Aleppo."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SYRIAN_GOVERNMENT", ["RUSSIA"])


def test_an_acronym_written_as_a_word_is_the_actor_not_a_place(nlp):
    assert events(nlp, "Turkish troops attacked Isis in the north on Sunday.") == []


def test_fighting_in_a_later_clause_does_not_make_a_hold_a_capture(nlp):
    assert events(nlp, "Around 200000 people lived in eastern parts of Aleppo held by the rebels and the only route "
                       "out of those areas has been cut following fierce fighting that erupted on Thursday.") == []


def test_two_countries_joined_by_a_hyphen_are_no_place(nlp):
    assert events(nlp, "Hezbollah and the Syrian army began a joint offensive on the Lebanon-Syria border last year.") == []


def test_the_month_may_is_no_modal_and_efforts_on_capturing_are_an_aim(nlp):
    mention = only(events(nlp, "The SDF launched the offensive in late May and encircled the town of Hasakah."))
    assert (mention["event_type"], mention["certainty"]) == ("SIEGE", "reported")
    mention = only(events(nlp, "The opposition was focusing its efforts on capturing Tal Jamu near the border."))
    assert mention["certainty"] == "hypothetical"


def test_a_generic_noun_opening_the_sentence_or_before_a_campaign_noun_names_its_actor(nlp):
    mention = only(events(nlp, "Army units carried out special operations against gatherings of IS terrorists west of "
                               "Deir Ezzor, establishing control over the hills of Hilal al-Dusham."))
    assert (mention["event_type"], mention["gaining_actor"]) == ("CAPTURE", "SYRIAN_GOVERNMENT")
    mention = only(events(nlp, "Four more IS militants were killed in an army operation against their gathering in the "
                               "vicinity of Deir Ezzor."))
    assert (mention["event_type"], mention["gaining_actor"]) == ("OFFENSIVE", "SYRIAN_GOVERNMENT")


def test_an_ally_named_as_such_and_a_sides_enclaves_name_no_acting_side(nlp):
    mentions = events(nlp, "North of the capital the army backed by its Lebanese ally Hezbollah shelled Flita as it "
                           "prepared an offensive against the remaining rebel enclaves in the Qalamoun mountains. The "
                           "shelling comes a day after the fall of Yabrud a key opposition bastion in the area.")
    assert not [m for m in mentions if m["gaining_actor"] in ("HEZBOLLAH", "REBELS")], summary(mentions)


def test_a_name_given_to_an_operation_is_no_place(nlp):
    mention = only(events(nlp, "In November the SDF launched an operation called the Rage of Euphrates to seize control "
                               "over Raqqa."))
    assert (mention["event_type"], mention["place"]["name"], mention["certainty"]) == ("CAPTURE", "Raqqa", "hypothetical")


def test_the_side_fought_is_not_the_subject_and_a_date_ending_in_after_ends_the_object(nlp):
    mention = only(events(nlp, "Kurdish forces fighting the IS group seized the town of Tal Abyad."))
    assert (mention["place"]["name"], mention["gaining_actor"]) == ("Tal Abyad", "SDF")
    # the villages seized lie near Kobani; 'the town' of the clause after the date is not their place
    mentions = events(nlp, "The SDF made fresh advances near Kobani, seizing a string of villages a week after the "
                           "town was recaptured from IS.")
    assert not [m for m in mentions if m["place"]["name"] == "Kobani"], summary(mentions)


def test_control_established_over_a_place_in_the_passive_is_a_capture(nlp):
    mentions = events(nlp, "The Syrian army attacked IS in Deir Ezzor. A military source said that control was "
                           "established over the village of Maskana.")
    assert ("CAPTURE", "Maskana", "SYRIAN_GOVERNMENT", "reported") in summary(mentions)
    assert not [m for m in mentions if m["event_type"] == "HOLD"], summary(mentions)


def test_control_as_a_noun_before_a_modal_is_hypothetical(nlp):
    mention = only(events(nlp, "Full control of Aleppo would be a huge prize for President Bashar Assad."))
    assert mention["certainty"] == "hypothetical"
    assert only(events(nlp, "The rebels control Aleppo."))["certainty"] == "reported"


def test_the_town_is_first_a_place_of_the_sentence_before_then_one_named_often(nlp):
    mentions = events(nlp, "Rebels shelled Aleppo. Regime jets struck Aleppo again. The SDF advanced inside the IS "
                           "bastion of Manbij on Monday. The SDF are fighting to take the town.")
    assert ("CAPTURE", "Manbij", "SDF", "hypothetical") in summary(mentions)
    assert not [m for m in mentions if m["event_type"] == "CAPTURE" and m["place"]["name"] == "Aleppo"], summary(mentions)


def test_a_lower_case_arabic_article_opens_a_name_the_model_missed(nlp):
    mention = only(events(nlp, "Rebels shelled Palmyra. Rebels are attempting to capture the city of al-Bab from IS."))
    assert (mention["event_type"], mention["place"]["name"], mention["certainty"]) == (
        "CAPTURE", "al-Bab", "hypothetical")


def test_things_seized_are_no_place_taken(nlp):
    assert events(nlp, "Fighting raged in Raqqa. IS has taken three military bases in the area, boosted by arms "
                       "seized in Iraq.") == []
    assert summary(events(nlp, "IS seized tanks and took Palmyra.")) == {
        ("CAPTURE", "Palmyra", "ISLAMIC_STATE", "reported")}


def test_taking_the_centre_of_a_town_is_taking_the_town_but_its_outskirts_are_not(nlp):
    # a town's fall is mostly reported as its centre taken ('took control of the centre of Afrin')
    assert summary(events(nlp, "Iraqi forces drove IS out of the centre of Fallujah.")) == {
        ("CAPTURE", "Fallujah", "IRAQI_GOVERNMENT", "reported")}
    assert events(nlp, "Iraqi forces drove IS out of the outskirts of Fallujah.") == []


def test_they_in_a_relative_clause_is_the_side_its_sentence_names(nlp):
    mentions = events(nlp, "The SDF took an oil field near Deir ez-Zor. The town was used by Daesh to protect the "
                           "nearby city of Palmyra which they captured in May 2015.")
    assert summary(mentions) == {("CAPTURE", "Palmyra", "ISLAMIC_STATE", "reported")}


def test_an_army_s_positions_named_after_a_place_are_not_the_place(nlp):
    assert events(nlp, "In May the Nusra Front expelled the rebels from their Hama positions.") == []


def test_ground_taken_in_a_direction_from_a_place_is_not_the_place(nlp):
    assert events(nlp, "Five civilians died in rebel shelling of a district of Aleppo on Monday as rebels seized "
                       "ground to the west.") == []
    assert events(nlp, "Rebels shelled Aleppo as rebels seized ground south of the city.") == []
    # places listed after the direction are still read
    assert summary(events(nlp, "Rebels took two villages north of Aleppo from the regime - Tal Rifaat and Mare.")) == {
        ("CAPTURE", "Tal Rifaat", "REBELS", "reported"), ("CAPTURE", "Mare", "REBELS", "reported")}


def test_bare_territory_cleared_is_not_the_place_fought_for(nlp):
    mentions = events(nlp, "The insurgents kept fighting IS on two fronts for control of Manbij, clearing land as "
                           "they advanced.")
    assert not [m for m in mentions if m["event_type"] == "CAPTURE"], summary(mentions)


def test_an_attempt_by_an_actor_is_its_aim(nlp):
    mention = only(events(nlp, "In the district of Qabun the rebels have repelled attempts by regime forces to storm "
                               "the area."))
    assert (mention["place"]["name"], mention["gaining_actor"], mention["certainty"]) == (
        "Qabun", "SYRIAN_GOVERNMENT", "hypothetical")


def test_every_side_listed_after_a_verb_of_fighting_is_fought(nlp):
    mention = only(events(nlp, "IS, which fought the Iraqi army Kurdish militias and tribal fighters, grew stronger "
                               "since it took Mosul in June.", dt.date(2014, 9, 1)))
    assert (mention["place"]["name"], mention["gaining_actor"]) == ("Mosul", "ISLAMIC_STATE")


def test_an_axis_written_with_a_spaced_dash_is_a_route(nlp):
    mentions = events(nlp, "Syrian troops launched an offensive on the Salamiyah-Ithriya- al-Raqqa axis.")
    assert not [m for m in mentions if "Ithriya" in m["place"]["name"]], summary(mentions)


def test_radicals_are_a_generic_noun_for_militants(nlp):
    mention = only(events(nlp, "Russian forces destroyed a convoy of IS militants near Raqqa. The radicals were "
                               "killed by Russian air raids while fleeing from Raqqa."))
    assert (mention["event_type"], mention["place"]["name"], mention["losing_actor"]) == (
        "WITHDRAWAL", "Raqqa", "ISLAMIC_STATE")


def test_a_place_that_came_under_an_actor_s_control_changed_hands(nlp):
    assert summary(events(nlp, "In 2014 the town of Tal Abyad fell under the control of IS.")) == {
        ("CAPTURE", "Tal Abyad", "ISLAMIC_STATE", "reported")}
    assert summary(events(nlp, "Manbij came under the control of the SDF in August.")) == {
        ("CAPTURE", "Manbij", "SDF", "reported")}
    mentions = events(nlp, "Kurdish forces came under fire control of IS in Manbij.")
    assert not [m for m in mentions if m["event_type"] == "CAPTURE"], summary(mentions)


def test_turkish_backed_militants_are_the_rebels(nlp):
    mentions = events(nlp, "IS fighters fled the area. Turkish-backed militants entered Dabiq on Sunday.")
    assert ("CAPTURE", "Dabiq", "REBELS", "reported") in summary(mentions), summary(mentions)


def test_a_gerund_after_a_campaign_s_noun_is_its_aim(nlp):
    mention = only(events(nlp, "The army's campaign on retaking the town of Palmyra has begun."))
    assert (mention["place"]["name"], mention["certainty"]) == ("Palmyra", "hypothetical")


def test_a_count_of_killed_men_is_no_subject(nlp):
    mention = only(events(nlp, "The SDF killed 40 IS members and liberated Tabqa."))
    assert (mention["place"]["name"], mention["gaining_actor"]) == ("Tabqa", "SDF")


def test_parts_of_a_city_named_with_its_noun_and_a_demonym_are_parts(nlp):
    assert events(nlp, "The SDF retook two districts of the Syrian city of Raqqa.") == []
    assert summary(events(nlp, "The SDF liberated the Syrian city of Raqqa.")) == {
        ("CAPTURE", "Raqqa", "SDF", "reported")}


def test_a_besieged_participle_before_place_nouns_describes_them(nlp):
    assert events(nlp, "Rebels attacked the army on Monday. A rebel official said food convoys could finally enter "
                       "besieged districts of eastern Aleppo.") == []
    assert summary(events(nlp, "Regime forces besieged areas of eastern Aleppo.")) == {
        ("SIEGE", "Aleppo", "SYRIAN_GOVERNMENT", "reported")}


def test_air_power_that_struck_areas_an_actor_holds_is_no_ally_of_it(nlp):
    mention = only(events(nlp, "Russian jets bombed districts held by a rebel coalition fighting to seize Aleppo."))
    assert (mention["gaining_actor"], mention["allies"]) == ("REBELS", [])
    mention = only(events(nlp, "Russian airstrikes pounded IS positions and regime forces took control of Palmyra."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SYRIAN_GOVERNMENT", ["RUSSIA"])


def test_a_name_and_its_settlement_noun_before_a_trigger_is_the_place(nlp):
    assert summary(events(nlp, "Raqqa city fell to the SDF on Tuesday.")) == {("CAPTURE", "Raqqa", "SDF", "reported")}
    assert summary(events(nlp, "Rebels said Raqqa city came completely under SDF control.")) == {
        ("CAPTURE", "Raqqa", "SDF", "reported")}


def test_the_isis_hunters_are_a_pro_government_militia(nlp):
    assert summary(events(nlp, "The ISIS Hunters took the village of Uqayribat on Sunday.")) == {
        ("CAPTURE", "Uqayribat", "SYRIAN_GOVERNMENT", "reported")}


def test_a_capitalised_name_the_model_missed_is_an_unknown_subject(nlp):
    assert events(nlp, "Men of Free Tribes managed to control the Tishrin Dam after clashes with IS.") == []


def test_a_participle_after_a_gerund_describes_the_place(nlp):
    assert events(nlp, "Rebels shelled Damascus. Aid trucks were reaching besieged Madaya on Tuesday.") == []
    assert summary(events(nlp, "Rebels shelled Damascus. Regime forces besieged Moadamieh.")) == {
        ("SIEGE", "Moadamieh", "SYRIAN_GOVERNMENT", "reported")}


def test_a_name_after_an_outlet_is_a_byline(nlp):
    assert events(nlp, "SDF Kills 30 IS Fighters in Push to Liberate REUTERS Omar Hamdan Middle East 1200 The SDF "
                       "killed 30 IS fighters.") == []


def test_a_factive_word_before_the_actor_it_let_act_is_achieved(nlp):
    assert summary(events(nlp, "Taking the ridge enabled the army to encircle Aleppo.")) == {
        ("SIEGE", "Aleppo", "SYRIAN_GOVERNMENT", "reported")}
    assert summary(events(nlp, "The army hopes to besiege Aleppo.")) == {
        ("SIEGE", "Aleppo", "SYRIAN_GOVERNMENT", "hypothetical")}


def test_a_number_after_a_unit_s_word_names_a_base(nlp):
    assert summary(events(nlp, "IS fighters overran the Division 17 base north of Raqqa on Friday.")) == {
        ("CAPTURE", "Division 17", "ISLAMIC_STATE", "reported")}


def test_advancing_from_a_place_to_control_another_is_a_capture(nlp):
    assert summary(events(nlp, "Government troops advanced from Mayadin to control the Quriyeh area.")) == {
        ("CAPTURE", "Quriyeh", "SYRIAN_GOVERNMENT", "reported")}


def test_a_bare_verb_after_and_shares_the_aim_before_it(nlp):
    # the aim's 'determined to' stands further back than the modal window
    assert summary(events(nlp, "Turkey is determined to press on with its long campaign in the north of the country "
                               "and capture Al Bab from IS.")) == {("CAPTURE", "Al Bab", "TURKEY", "hypothetical")}
    assert summary(events(nlp, "Turkey pressed on with its long campaign in the north of the country and captured Al "
                               "Bab from IS.")) == {("CAPTURE", "Al Bab", "TURKEY", "reported")}


def test_the_date_an_article_gives_itself_is_the_day_its_weekdays_count_from(nlp):
    # the feed's date is a week late: 'on Saturday' is the Saturday before the article's own date line
    text = ("Sunday 9 Oct 2016 Jihadists retake two villages. The monitor said on Saturday that IS fighters had "
            "captured the village of Akhtarin in a counter attack.")
    mention = only(events(nlp, text, dt.date(2016, 10, 15)))
    assert (mention["place"]["name"], mention["event_date"], mention["date_precision"]) == (
        "Akhtarin", dt.date(2016, 10, 8), "day")
    # a date line later than the feed's date is the article's own, not a date in the future
    mention = only(events(nlp, "Tuesday 12 July 2016 Rebels launch an assault on Aleppo.", dt.date(2016, 7, 6)))
    assert (mention["event_type"], mention["event_date"]) == ("OFFENSIVE", dt.date(2016, 7, 12))
    mention = only(events(nlp, "23-04-2016 Rebels hold most of the northern province of Idlib.", dt.date(2012, 8, 16)))
    assert mention["event_date"] == dt.date(2016, 4, 23)


def test_a_village_named_often_points_to_no_country_of_its_own(nlp):
    # the only 'Foua' the gazetteer knows is Egypt's Fuwwah; naming the town twice is still one place
    mentions = events(nlp, "Regime forces besieged the town of Foua in the summer. Aid reached the town of Foua on "
                           "Friday.")
    assert {(m["event_type"], m["place"]["name"], m["place"]["country"]) for m in mentions} == {
        ("SIEGE", "Foua", None)}


def test_the_army_of_islam_is_a_rebel_faction(nlp):
    assert summary(events(nlp, "Regime jets pounded Douma, which is controlled by the Army of Islam.")) == {
        ("HOLD", "Douma", "REBELS", "reported")}


def test_a_gerund_before_control_is_a_capture(nlp):
    assert summary(events(nlp, "Securing control of Manbij took the SDF two months.")) == {
        ("CAPTURE", "Manbij", "SDF", "reported")}


def test_a_village_is_no_namesake_in_another_country_the_article_names(nlp):
    # 'Zaytan' is also an alternate name of Israel's Zetan; Syria is the article's first country
    mention = only(events(nlp, "Regime forces retook the village of Zaytan south of Aleppo in northern Syria on "
                               "Monday. Israel has struck Hezbollah depots near Damascus."))
    assert (mention["place"]["name"], mention["place"]["country"]) == ("Zaytan", None)


def test_completing_a_siege_is_an_aim_after_an_infinitive(nlp):
    # 'complete the encirclement' makes a siege; after 'and' it shares the mood of the clause's last infinitive
    assert summary(events(nlp, "Regime forces tried to advance on Harbnafsah and complete the encirclement of "
                               "Houla.")) == {("OFFENSIVE", "Harbnafsah", "SYRIAN_GOVERNMENT", "hypothetical"),
                                              ("SIEGE", "Houla", "SYRIAN_GOVERNMENT", "hypothetical")}
    assert summary(events(nlp, "Regime forces want to complete the encirclement of Houla.")) == {
        ("SIEGE", "Houla", "SYRIAN_GOVERNMENT", "hypothetical")}
    assert summary(events(nlp, "Regime forces managed to advance on Harbnafsah and complete the encirclement of "
                               "Houla.")) == {("OFFENSIVE", "Harbnafsah", "SYRIAN_GOVERNMENT", "reported"),
                                              ("SIEGE", "Houla", "SYRIAN_GOVERNMENT", "reported")}


def test_a_backer_in_a_clause_after_but_backs_no_actor_before_it(nlp):
    mention = only(events(nlp, "IS seemed about to overrun Kobani but local Kurdish units backed by US-led coalition "
                               "air strikes stopped the group."))
    assert (mention["gaining_actor"], mention["allies"], mention["certainty"]) == (
        "ISLAMIC_STATE", [], "hypothetical")
    mention = only(events(nlp, "Backed by Russian jets, regime forces took Palmyra."))
    assert (mention["gaining_actor"], mention["allies"]) == ("SYRIAN_GOVERNMENT", ["RUSSIA"])


def test_control_as_a_noun_naming_no_holder_holds_for_nobody(nlp):
    assert events(nlp, "Regime forces shelled the area on Monday. Control over the Castello Road is the only way "
                       "residents can get food.") == []
    # a possessive names the holder
    assert summary(events(nlp, "Regime forces shelled the area on Monday. Their control of the Castello Road is "
                               "the only way in.")) == {("HOLD", "Castello Road", "SYRIAN_GOVERNMENT", "reported")}


def test_recent_days_are_a_stretch_of_time_too(nlp):
    mention = only(events(nlp, "In recent days rebel forces have captured the village of Kinsabba in Latakia "
                               "province."))
    assert (mention["place"]["name"], mention["date_precision"]) == ("Kinsabba", "unknown")

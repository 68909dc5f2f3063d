"""Boilerplate rules on short articles written for these tests."""

import pickle

import pytest

from transforms.boilerplate import CleanedText, clean_text, line_key, repeated_line_candidates

BODY = [
    "MOSUL - Government troops entered the eastern district of the city on Tuesday after a week of "
    "heavy fighting, two officers told reporters at the front.",
    "The advance came after engineers cleared roadside bombs along the main road leading to the bridge.",
    "Residents said the militants had pulled back towards the old quarter overnight.",
]


def _article(*lines: str) -> str:
    return "\n".join(lines)


def _reasons(result: CleanedText) -> dict[str, str]:
    return {line: reason for line, reason in result.removed}


@pytest.mark.parametrize(
    "furniture, reason",
    [
        ("READ MORE: Army says convoy reached the besieged town", "teaser_link"),
        ("WATCH: Footage shows smoke rising over the northern villages", "teaser_link"),
        ("Related: What the ceasefire means for the border crossings", "teaser_link"),
        ("Image: Troops on the outskirts Image: Troops on the outskirts", "teaser_link"),
        ("Get the latest world headlines", "call_to_action"),
        ("Comments", "page_widget"),
        ("Comments are closed.", "page_widget"),
        ("Editing by Jane Doe", "credit"),
        ("Reporting by A. Writer; additional reporting by Another Writer", "credit"),
        ("—", "no_text"),
        ("Tags: Mosul Iraq army offensive", "tag_list"),
    ],
)
def test_furniture_line_inside_article_is_removed(furniture, reason):
    result = clean_text(_article(BODY[0], furniture, BODY[1], BODY[2]))

    assert _reasons(result) == {furniture: reason}
    assert furniture not in result.text
    assert all(line in result.text for line in BODY)


def test_real_sentences_that_start_like_furniture_stay():
    sentences = [
        "Read more closely, the statement suggests the army expects a long siege of the town.",
        "Comments by the governor on Monday angered local tribal leaders in the province.",
        "More than 2,000 families fled the villages north of the city during the night.",
        "Editing the casualty lists took the health ministry several days, an official said.",
    ]
    result = clean_text(_article(BODY[0], *sentences))

    assert result.removed == ()
    assert all(sentence in result.text for sentence in sentences)


def test_ranked_headline_widget_is_removed_with_its_labels():
    widget = [
        "Most Read Stories Right Now",
        "1 Storm closes mountain roads for a second day 🔴 81 / 100",
        "2 Local team wins the regional cup final 🔵 64 / 100",
        "3 Prices of fuel rise again in the capital 🔵 60 / 100",
        "See all stories ➡️",
    ]
    result = clean_text(_article(*BODY, *widget))

    assert set(_reasons(result)) == set(widget)
    assert result.text == "\n\n".join(BODY)


def test_numbered_list_of_sentences_is_content():
    demands = [
        "1. The release of all detainees held since the spring.",
        "2. The withdrawal of heavy weapons from the villages.",
        "3. The reopening of the road to the border crossing.",
    ]
    result = clean_text(_article(BODY[0], *demands))

    assert result.removed == ()


def test_repeated_lede_after_dateline_keeps_the_fuller_paragraph():
    lede = "Kurdish-led forces said on Sunday they had taken a strategic town near the Iraqi border."
    dateline = "HASAKAH (Agency) - " + lede
    result = clean_text(_article("Kurdish-led forces take border town", lede, dateline, BODY[1]))

    assert _reasons(result)[lede] == "duplicate_paragraph"
    assert dateline in result.text


def test_identical_paragraph_keeps_first_copy():
    result = clean_text(_article(BODY[0], BODY[1], BODY[2], BODY[1]))

    assert result.text == "\n\n".join(BODY)
    assert result.removed == ((BODY[1], "duplicate_paragraph"),)


def test_title_taken_from_headline_first_line():
    headline = "Troops enter eastern Mosul district after week of fighting"
    result = clean_text(_article(headline, *BODY))

    assert result.title == headline
    assert headline not in result.text
    assert result.lines_removed == 0  # moved to the title, not counted as boilerplate


def test_first_line_that_is_a_sentence_is_not_a_title():
    result = clean_text(_article(*BODY))

    assert result.title is None
    assert result.text.startswith("MOSUL - Government troops")


def test_given_title_is_kept_and_its_copy_in_the_text_dropped():
    title = "Troops enter eastern Mosul district"
    result = clean_text(_article(title, *BODY), title=title)

    assert result.title == title
    assert _reasons(result) == {title: "title"}


def test_tag_list_without_punctuation_is_removed_in_english_text():
    tags = "Syria Aleppo Idlib Russia Turkey Iran"
    result = clean_text(_article(*BODY, tags))

    assert _reasons(result) == {tags: "keyword_run"}


def test_trailing_credits_glued_to_last_paragraph_are_peeled():
    body = " ".join(BODY)
    text = body + " Reporting by Sam Example; Editing by Alex Sample Tags Syria Raqqa airstrikes"
    result = clean_text(text, title="Troops enter district")

    assert result.text == body
    # The longest trailing segment that is furniture goes first: here the credit swallows the tags.
    assert result.removed == (("Reporting by Sam Example; Editing by Alex Sample Tags Syria Raqqa airstrikes", "credit"),)


def test_trailing_tags_after_stray_counters_are_peeled():
    result = clean_text(BODY[2] + " ... 12 Tags Raqqa coalition airstrikes Comment via Facebook")

    assert result.text == BODY[2]
    assert [reason for _, reason in result.removed] == ["tag_list"]


def test_trailing_signoff_is_peeled_but_sentence_kept():
    result = clean_text(BODY[2] + " -AGENCY")

    assert result.text == BODY[2]
    assert result.removed == (("-AGENCY", "signoff"),)


def test_lines_repeated_across_source_are_removed_with_the_same_key():
    footer = "Follow our live coverage of the region every morning at 0600"
    article = _article(*BODY, footer)
    keys = repeated_line_candidates(article)

    assert line_key(footer) in keys
    assert line_key(footer.replace("0600", "0715")) == line_key(footer)

    result = clean_text(article, repeated_lines={line_key(footer)})
    assert _reasons(result)[footer] in {"repeated_in_source", "call_to_action"}
    unrelated = clean_text(_article(*BODY), repeated_lines={line_key(footer)})
    assert unrelated.removed == ()


def test_repeated_rule_never_removes_long_paragraphs():
    long_paragraph = " ".join(BODY * 3)
    result = clean_text(_article(BODY[0], long_paragraph), repeated_lines={line_key(long_paragraph)})

    assert long_paragraph in result.text
    assert line_key(long_paragraph) not in repeated_line_candidates(long_paragraph)


def test_counts_and_pickling():
    result = clean_text(_article(BODY[0], "Comments", "READ MORE: Another story here"))

    assert result.lines_removed == 2
    assert result.chars_removed == len("Comments") + len("READ MORE: Another story here")
    assert pickle.loads(pickle.dumps(result)) == result


def test_non_english_text_is_not_judged_by_english_function_words():
    russian = [
        "Войска вошли в восточный район города во вторник после недели тяжёлых боёв",
        "Жители сообщили что боевики отошли к старому кварталу ночью после обстрела",
    ]
    result = clean_text(_article(*russian))

    assert result.removed == ()

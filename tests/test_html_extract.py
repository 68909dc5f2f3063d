"""HTML main-text extraction on a small page written for these tests."""

import pytest

from transforms.html_extract import (DEFAULT_VOTERS, ExtractedPage, ExtractionError, TooDeeplyNested, extract_page,
                                     medoid)

PARAGRAPHS = [
    "Government troops entered the eastern district of the city on Tuesday after a week of heavy "
    "fighting with militants who had held the area since the summer, two officers said.",
    "The advance came after army engineers cleared dozens of roadside bombs along the main road that "
    "leads from the southern checkpoint to the old bridge over the river.",
    "Residents reached by telephone said the militants had pulled back towards the old quarter during "
    "the night, leaving behind burned vehicles and empty positions on the rooftops.",
    "Aid agencies said they were preparing convoys of food and medicine for the families who stayed in "
    "the district throughout the fighting and had run short of clean water.",
]

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Troops enter eastern district after week of fighting | Example Daily</title>
<meta property="og:title" content="Troops enter eastern district after week of fighting">
<meta property="og:site_name" content="Example Daily">
<meta name="author" content="Sam Example">
<meta property="article:published_time" content="2017-05-28T09:30:00+00:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
<main><article>
<h1>Troops enter eastern district after week of fighting</h1>
<p class="byline">By Sam Example</p>
{paragraphs}
</article>
<aside><h3>Most read</h3><ul>
<li><a href="/a">Celebrity chef opens new restaurant downtown</a></li>
<li><a href="/b">Ten tips for a cheaper summer holiday abroad</a></li>
</ul></aside></main>
<footer><p>Copyright 2017 Example Daily. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/contact">Contact us</a></footer>
</body></html>
""".format(paragraphs="\n".join(f"<p>{p}</p>" for p in PARAGRAPHS))


@pytest.fixture(scope="module")
def page() -> ExtractedPage:
    return extract_page(PAGE, url="https://example.com/world/troops-enter-district")


def test_body_holds_every_paragraph_and_no_navigation(page):
    for paragraph in PARAGRAPHS:
        assert paragraph in page.text
    for furniture in ("Privacy policy", "Celebrity chef", "Weather", "All rights reserved"):
        assert furniture not in page.text


def test_metadata(page):
    assert page.title == "Troops enter eastern district after week of fighting"
    assert page.published == "2017-05-28"
    assert page.site_name == "Example Daily"
    assert page.author == "Sam Example"
    assert page.extractor in DEFAULT_VOTERS


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>", "<html><body><nav>Home</nav></body></html>"])
def test_page_without_text_raises_value_error(html):
    with pytest.raises(ValueError, match="no article text|empty page"):
        extract_page(html)


def test_extraction_error_is_a_value_error():
    assert issubclass(ExtractionError, ValueError)


def test_medoid_outvotes_the_outlier():
    agreeing = " ".join(PARAGRAPHS)
    texts = [
        "Sign up for our newsletter and follow us on every social network for the latest deals today",
        agreeing,
        agreeing + " Most read: Celebrity chef opens new restaurant downtown",
    ]
    assert medoid(texts) == 1


def test_medoid_tie_goes_to_first():
    assert medoid(["same words in the same order here", "same words in the same order here"]) == 0


def test_a_page_nested_beyond_the_parser_says_so():
    depth = 5000
    body = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    page = "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    with pytest.raises(TooDeeplyNested, match="Excessive depth"):
        extract_page(page)
    with pytest.raises(ExtractionError) as error:
        extract_page("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert error.value.kind == "no_main_text"

"""Properties of the pure functions, checked on generated input (hypothesis): publication and event date
resolution, text normalisation, MinHash, and gazetteer name matching. Every function here meets text
straight from the feeds, so beyond its own laws each must never raise on arbitrary input."""
import datetime as dt
import email.utils
import string
import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from transforms import dates, event_dates
from transforms.gazetteer import get_gazetteer, name_keys, place_names_agree
from transforms.near_duplicates import MinHasher
from transforms.normalize import content_hash, normalize_field, normalize_text, stable_id

PROPERTY = settings(max_examples=150, deadline=None)
UTC = dt.timezone.utc

# --- publication dates (transforms/dates.py) -------------------------------------------------------

plausible_days = st.dates(min_value=dt.date(dates.EARLIEST_YEAR, 1, 2), max_value=dt.date(dates.LATEST_YEAR, 12, 30))
offsets = st.integers(-14 * 60, 14 * 60).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))
plausible_times = st.builds(lambda day, seconds, zone: dt.datetime.combine(day, dt.time(), zone)
                            + dt.timedelta(seconds=seconds),
                            plausible_days, st.integers(0, 86399), offsets)


@PROPERTY
@given(plausible_times)
def test_iso_8601_times_round_trip_to_utc(moment):
    parsed = dates.parse_published(moment.isoformat())
    assert (parsed.at, parsed.precision) == (moment.astimezone(UTC), dates.TIME)
    assert parsed.at.tzinfo == UTC and parsed.date == parsed.at.date()


@PROPERTY
@given(plausible_times)
def test_rfc_2822_times_round_trip_to_utc(moment):
    assert dates.parse_published(email.utils.format_datetime(moment)).at == moment.astimezone(UTC)


@PROPERTY
@given(plausible_days)
def test_a_date_alone_is_midnight_utc_at_day_precision(day):
    parsed = dates.parse_published(day.isoformat())
    assert (parsed.at, parsed.precision) == (dt.datetime.combine(day, dt.time(), UTC), dates.DAY)


@PROPERTY
@given(st.dates(), st.integers(0, 86399))
def test_years_outside_the_plausible_range_are_rejected_as_such(day, seconds):
    assume(not dates.EARLIEST_YEAR <= day.year <= dates.LATEST_YEAR)
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    with pytest.raises(dates.ImplausibleDate):
        dates.parse_published(moment.isoformat())


@PROPERTY
@given(plausible_times, plausible_times)
def test_a_time_after_the_latest_is_a_future_date_and_only_then(moment, latest):
    if moment.astimezone(UTC) > latest:
        with pytest.raises(dates.FutureDate):
            dates.parse_published(moment.isoformat(), latest)
    else:
        assert dates.parse_published(moment.isoformat(), latest).at == moment.astimezone(UTC)


@PROPERTY
@given(st.text(max_size=60))
@example("Thu, 05 Oct 99999 14:30:00 +0000")
@example("2017-10-05T25:00:00")
@example("\x00")
def test_any_text_parses_or_fails_with_a_reason(value):
    try:
        parsed = dates.parse_published(value)
    except (dates.UnparseableDate, dates.ImplausibleDate) as error:
        assert error.kind in ("unparseable_date", "implausible_date")
    else:
        assert parsed.at.tzinfo == UTC and dates.EARLIEST_YEAR - 1 <= parsed.at.year <= dates.LATEST_YEAR + 1


@PROPERTY
@given(st.text(max_size=200), plausible_days)
def test_datelines_never_fail_and_never_come_after_the_latest_day(text, latest_day):
    latest = dt.datetime.combine(latest_day, dt.time(), UTC)
    day = dates.dateline_date(text, latest)
    assert day is None or dates.EARLIEST_YEAR <= day.year <= dates.LATEST_YEAR and day <= latest_day


@PROPERTY
@given(st.sampled_from(["BAGHDAD", "MOSUL, Iraq", "DEIR EZ-ZOR, Syria"]), plausible_days,
       st.sampled_from(["{d} {B} {Y}", "{B} {d}, {Y}", "{b}. {d}, {Y}", "{Y}-{m}-{dd}"]))
def test_a_dateline_gives_its_date(place, day, form):
    written = form.format(d=day.day, dd=f"{day.day:02d}", m=f"{day.month:02d}", Y=day.year,
                          B=day.strftime("%B"), b=day.strftime("%b"))
    assert dates.dateline_date(f"{place}, {written} - Troops advanced.") == day


# --- event dates (transforms/event_dates.py) ------------------------------------------------------

weekdays = st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
months = st.sampled_from(["January", "February", "March", "April", "May", "June", "July", "August",
                          "September", "October", "November", "December"])
relative_expressions = st.one_of(
    st.sampled_from(["yesterday", "today", "last week", "this week", "last month", "this month", "last year",
                     "this year", "earlier this week", "the previous month", "last summer", "this winter"]),
    weekdays.map(lambda day: f"on {day}"), weekdays.map(lambda day: f"last {day}"),
    months.map(lambda month: f"in {month}"),
    st.builds(lambda month, day: f"{month} {day}", months, st.integers(1, 28)),
    st.builds(lambda count, unit: f"{count} {unit} ago", st.integers(1, 60),
              st.sampled_from(["days", "weeks", "months"])),
)
news_days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))


@PROPERTY
@given(relative_expressions, news_days)
def test_relative_expressions_name_a_period_that_has_begun_by_publication(expression, published):
    resolved = event_dates.resolve_date(expression, published)
    assert resolved is not None, expression
    day, precision = resolved
    assert precision in event_dates.PRECISIONS
    assert event_dates.at_precision(day, precision) == day  # a period is named by its first day
    assert day <= published


@PROPERTY
@given(weekdays, news_days)
def test_on_a_weekday_is_that_weekday_of_the_last_seven_days(weekday, published):
    day, precision = event_dates.resolve_date(f"on {weekday}", published)
    assert day.strftime("%A") == weekday and 0 <= (published - day).days < 7 and precision == event_dates.DAY


@PROPERTY
@given(st.integers(1, 3650), news_days)
def test_days_ago_counts_back_exactly(count, published):
    assert event_dates.resolve_date(f"{count} days ago", published) == (published - dt.timedelta(days=count),
                                                                        event_dates.DAY)


# Durations and distances in time as articles write them, with any count (a typo, an OCR error).
counted_expressions = st.builds(
    "{}{}{}{}".format, st.sampled_from(["", "a ", "the "]), st.integers(0, 10**9),
    st.sampled_from([" days ago", " weeks ago", " months ago", " years ago", "-day", "-week", "-month", "-year",
                     " days", " months", " years"]), st.sampled_from(["", " siege", "-long offensive"]))


@settings(max_examples=150, deadline=None, report_multiple_bugs=False)
@given(st.one_of(counted_expressions, st.text(alphabet=string.ascii_letters + string.digits + " /-.,'", max_size=40)),
       news_days)
def test_any_expression_resolves_or_names_no_date(expression, published):
    resolved = event_dates.resolve_date(expression, published)
    assert resolved is None or resolved[1] in event_dates.PRECISIONS
    event_dates.duration_start(expression, published)
    event_dates.time_before(expression, published)


# --- normalisation (transforms/normalize.py) -------------------------------------------------------

# Text as feeds deliver it: letters of any script mixed with the characters that trouble normalisation
# (invisible and bidirectional controls, C0/C1 controls, odd spaces, combining marks).
feed_text = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("ae \n\t\r\u00a0\u3000\u0301\u0308\u0651\u200b\u200c\u200d\u200e\u200f\u202b\u202c"
                         "\u202e\u2066\u2069\ufeff\u00ad\x00\x07\x1b\x7f\x85"))), max_size=80)
INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad")


@PROPERTY
@given(feed_text)
@example("e\u200b\u0301")  # a mark that an invisible character kept from composing
def test_normalize_text_is_idempotent_and_leaves_no_invisible_or_control_characters(text):
    normal = normalize_text(text)
    assert normalize_text(normal) == normal
    assert unicodedata.is_normalized("NFC", normal)
    assert not INVISIBLE & set(normal)
    assert not [c for c in normal if unicodedata.category(c) == "Cc" and c != "\n"]
    assert "\n\n\n" not in normal and normal == normal.strip()


@PROPERTY
@given(feed_text)
def test_normalize_field_is_one_line_or_none(text):
    field = normalize_field(text)
    assert field is None or (field and "\n" not in field and field == field.strip() and "  " not in field)


@PROPERTY
@given(st.lists(st.text(alphabet=string.ascii_letters + "éüçàß", min_size=1, max_size=10), min_size=1, max_size=12),
       st.data())
def test_content_hash_ignores_case_and_spacing(words, data):
    separators = data.draw(st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", "\t "]),
                                    min_size=len(words) - 1, max_size=len(words) - 1))
    spaced = words[0] + "".join(separator + word for separator, word in zip(separators, words[1:]))
    assert content_hash(spaced) == content_hash(" ".join(words)) == content_hash(f" {spaced}\n")
    assert content_hash(spaced.upper()) == content_hash(spaced.lower())


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.text(max_size=20), st.integers()), max_size=5))
def test_stable_id_is_a_function_of_its_parts(parts):
    identity = stable_id(*parts)
    assert identity == stable_id(*parts) and len(identity) == 20 and set(identity) <= set("0123456789abcdef")
    assert stable_id(*parts, "more") != identity


# --- MinHash (transforms/near_duplicates.py) ------------------------------------------------------

HASHER = MinHasher()
words_text = st.lists(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8), min_size=1,
                      max_size=60).map(" ".join)


@PROPERTY
@given(words_text)
def test_signatures_are_deterministic_across_hashers(text):
    assert (HASHER.signature(text) == MinHasher().signature(text)).all()
    assert HASHER.band_keys(HASHER.signature(text)) == MinHasher().band_keys(MinHasher().signature(text))


@PROPERTY
@given(words_text, words_text)
def test_similarity_is_symmetric_and_bounded(a, b):
    sig_a, sig_b = HASHER.signature(a), HASHER.signature(b)
    similarity = MinHasher.similarity(sig_a, sig_b)
    assert similarity == MinHasher.similarity(sig_b, sig_a) and 0.0 <= similarity <= 1.0


@PROPERTY
@given(words_text)
def test_identical_texts_have_similarity_one_whatever_their_case_and_punctuation(text):
    variant = ", ".join(text.upper().split()) + "."
    assert MinHasher.similarity(HASHER.signature(text), HASHER.signature(variant)) == 1.0


@PROPERTY
@given(words_text, words_text)
def test_texts_without_a_shared_shingle_share_few_slots(a, b):
    """No shared word: every slot differs unless two hashes collide (32-bit: practically never)."""
    assume(not set(a.split()) & set(b.split()))
    assert MinHasher.similarity(HASHER.signature(a), HASHER.signature(b)) <= 0.05


# --- gazetteer matching (transforms/gazetteer.py) ------------------------------------------------

place_like = st.text(alphabet=string.ascii_letters + " -'", min_size=1, max_size=30).filter(lambda s: s.strip(" -'"))
COMBINING = ["\u0301", "\u0304", "\u0323", "\u0327", "\u0308", "\u0331"]


def with_diacritics(name: str, marks: list[int]) -> str:
    """The name with combining marks on some of its letters, composed (NFC) where Unicode can."""
    out = []
    for position, char in enumerate(name):
        out.append(char)
        if char.isalpha() and marks[position % len(marks)]:
            out.append(COMBINING[marks[position % len(marks)] % len(COMBINING)])
    return unicodedata.normalize("NFC", "".join(out))


@PROPERTY
@given(st.text(max_size=60))
def test_name_matching_never_fails_on_any_text(name):
    keys = name_keys(name)
    assert len(keys) == 3 and all(isinstance(key, str) for key in keys)
    assert place_names_agree(name, name)


@PROPERTY
@given(place_like, st.lists(st.integers(0, 6), min_size=1, max_size=5))
def test_names_match_whatever_their_case_and_diacritics(name, marks):
    accented = with_diacritics(name, marks)
    assert name_keys(name.upper()) == name_keys(name.lower()) == name_keys(accented.lower())
    assert place_names_agree(name, accented.upper())


@PROPERTY
@given(place_like, place_like)
def test_place_names_agree_is_symmetric(a, b):
    assert place_names_agree(a, b) == place_names_agree(b, a)


KNOWN_PLACES = ["Mosul", "Raqqa", "Kirkuk", "Tikrit", "Aleppo", "Palmyra", "Kobani", "Hawija", "Kherson"]


@pytest.fixture(scope="module")
def gazetteer():
    return get_gazetteer()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(KNOWN_PLACES), st.lists(st.integers(0, 6), min_size=1, max_size=4), st.booleans())
def test_lookup_ignores_case_and_diacritics(gazetteer, name, marks, upper):
    variant = with_diacritics(name, marks)
    variant = variant.upper() if upper else variant.lower()
    assert gazetteer.resolve(variant) == gazetteer.resolve(name) is not None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.lists(st.sampled_from(["IQ", "SY", "UA", "XX", ""]), max_size=2))
def test_lookup_never_fails_on_any_text(gazetteer, name, countries):
    place = gazetteer.resolve(name, countries)
    assert place is None or place.name
    gazetteer.candidates(name)

import datetime as dt

import pytest

from transforms.dates import (DAY, TIME, FutureDate, ImplausibleDate, UnparseableDate, dateline_date,
                             latest_publication, parse_published)

UTC = dt.timezone.utc


@pytest.mark.parametrize("value, expected, precision", [
    ("2014-09-01", dt.datetime(2014, 9, 1, tzinfo=UTC), DAY),
    ("2017-10-05T14:03:00Z", dt.datetime(2017, 10, 5, 14, 3, tzinfo=UTC), TIME),
    ("2017-10-05T14:03:00+03:00", dt.datetime(2017, 10, 5, 11, 3, tzinfo=UTC), TIME),
    ("2017-10-05 14:03", dt.datetime(2017, 10, 5, 14, 3, tzinfo=UTC), TIME),
    ("Thu, 05 Oct 2017 14:30:00 +0000", dt.datetime(2017, 10, 5, 14, 30, tzinfo=UTC), TIME),
    ("Sun, 17 Jun 2018 08:00:00 +0300", dt.datetime(2018, 6, 17, 5, 0, tzinfo=UTC), TIME),
    ("20171005", dt.datetime(2017, 10, 5, tzinfo=UTC), DAY),  # a date alone in ISO 8601's basic form
])
def test_parse_published_reads_iso_and_rfc2822(value, expected, precision):
    parsed = parse_published(value)
    assert (parsed.at, parsed.precision) == (expected, precision)


@pytest.mark.parametrize("value", ["yesterday", "2017-02-30", "", "05/10/2017"])
def test_parse_published_rejects_what_it_cannot_read(value):
    with pytest.raises(UnparseableDate, match="ISO 8601"):
        parse_published(value)


@pytest.mark.parametrize("value", ["0001-01-01", "2999-06-01T00:00:00Z"])
def test_parse_published_rejects_absurd_years(value):
    with pytest.raises(ImplausibleDate):
        parse_published(value)


def test_a_time_past_the_latest_is_a_future_date():
    latest = latest_publication(dt.datetime(2017, 10, 5, 12, 0, tzinfo=UTC))
    assert parse_published("2017-10-06T11:59:00Z", latest).date == dt.date(2017, 10, 6)  # within a day
    with pytest.raises(FutureDate, match="after the time the article was read, 2017-10-05T12:00:00"):
        parse_published("2017-10-06T12:01:00Z", latest)
    assert dateline_date("BAGHDAD, Oct. 7, 2017 (Reuters) - Iraqi forces", latest) is None


@pytest.mark.parametrize("text, expected", [
    ("BAGHDAD, Oct. 5, 2017 (Reuters) - Iraqi forces", dt.date(2017, 10, 5)),
    ("MOSUL, Iraq, 28 May 2017 — The assault", dt.date(2017, 5, 28)),
    ("HASAKAH (Kurdistan 24) June 17, 2018 - The SDF", dt.date(2018, 6, 17)),
    ("Headline of the piece\n\nBEIRUT, 2016-03-27 - Troops", dt.date(2016, 3, 27)),
    ("BAGHDAD, (Reuters) – Iraqi security forces", None),
    ("In June 2014 the group overran Mosul.", None),
    ("Monday 15 February 2016 Jets hit a hospital", dt.date(2016, 2, 15)),
    ("Published October 3 2016 Fighters were killed", dt.date(2016, 10, 3)),
    ("Date of publication 7 July 2016 Video More than", dt.date(2016, 7, 7)),
    ("Thu Jul 7 2016 Troops kill two commanders", dt.date(2016, 7, 7)),
    ("23-04-2016 Child killed in Damascus", dt.date(2016, 4, 23)),
    ("01.10.2017Get short URL", dt.date(2017, 10, 1)),
    ("Troops killed in jihadist advance Monitor AFP Saturday 26 Jul 2014 At least", dt.date(2014, 7, 26)),
    ("5 rebel fighters were killed near Hama", None),
    ("32-13-2016 is no date", None),
])
def test_dateline_date(text, expected):
    assert dateline_date(text) == expected

"""Date expressions resolved against a publication date (a Monday, 2014-09-01, unless stated)."""
import datetime as dt

import pytest

from transforms.event_dates import duration_start, resolve_date, time_after, time_before

MONDAY = dt.date(2014, 9, 1)


@pytest.mark.parametrize("expression, expected", [
    ("yesterday", (dt.date(2014, 8, 31), "day")),
    ("the previous day", (dt.date(2014, 8, 31), "day")),
    ("the day before yesterday", (dt.date(2014, 8, 30), "day")),
    ("today", (MONDAY, "day")),
    ("on Sunday", (dt.date(2014, 8, 31), "day")),
    ("Sunday night", (dt.date(2014, 8, 31), "day")),
    ("Late Saturday", (dt.date(2014, 8, 30), "day")),
    ("on Monday", (MONDAY, "day")),  # the publication day itself
    ("last Tuesday", (dt.date(2014, 8, 26), "day")),
    ("earlier this week", (MONDAY, "week")),
    ("last week", (dt.date(2014, 8, 25), "week")),
    ("two weeks ago", (dt.date(2014, 8, 18), "week")),
    ("3 days ago", (dt.date(2014, 8, 29), "day")),
    ("last month", (dt.date(2014, 8, 1), "month")),
    ("the previous month", (dt.date(2014, 8, 1), "month")),
    ("this year", (dt.date(2014, 1, 1), "year")),
    ("early this year", (dt.date(2014, 1, 1), "year")),
    ("in June", (dt.date(2014, 6, 1), "month")),
    ("in October", (dt.date(2013, 10, 1), "month")),  # latest October before publication
    ("mid-June", (dt.date(2014, 6, 1), "month")),
    ("in June 2012", (dt.date(2012, 6, 1), "month")),
    ("Oct. 2, 2017", (dt.date(2017, 10, 2), "day")),
    ("17 June 2018", (dt.date(2018, 6, 17), "day")),
    ("Aug. 8", (dt.date(2014, 8, 8), "day")),
    ("December 3", (dt.date(2013, 12, 3), "day")),
    ("August 21st", (dt.date(2014, 8, 21), "day")),  # an ordinal day
    ("the 9th of August", (dt.date(2014, 8, 9), "day")),
    ("30th of May 2013", (dt.date(2013, 5, 30), "day")),
    ("since 2011", (dt.date(2011, 1, 1), "year")),
    ("17/06/2018", (dt.date(2018, 6, 17), "day")),
])
def test_expressions(expression, expected):
    assert resolve_date(expression, MONDAY) == expected


def test_week_precision_is_the_monday_of_the_iso_week():
    published_sunday = dt.date(2018, 6, 17)
    assert resolve_date("earlier this week", published_sunday) == (dt.date(2018, 6, 11), "week")


@pytest.mark.parametrize("expression", ["a day after", "decade", "", "night"])
def test_expressions_that_name_no_date(expression):
    assert resolve_date(expression, MONDAY) is None


def test_impossible_day_is_none():
    assert resolve_date("February 30, 2015", MONDAY) is None


@pytest.mark.parametrize("expression, expected", [
    ("ten months", (dt.date(2015, 5, 1), "month")),
    ("three days", (dt.date(2016, 3, 24), "day")),
    ("a year", (dt.date(2015, 1, 1), "year")),
    ("months", None),  # no count: no date
])
def test_time_before(expression, expected):
    assert time_before(expression, dt.date(2016, 3, 27)) == expected


@pytest.mark.parametrize("expression, expected", [
    ("three weeks later", (dt.date(2016, 4, 11), "week")),
    ("two days later", (dt.date(2016, 3, 29), "day")),
    ("months later", None),  # no count: no date
])
def test_time_after(expression, expected):
    assert time_after(expression, dt.date(2016, 3, 27)) == expected


def test_a_count_beyond_the_calendar_names_no_date():
    assert resolve_date("99999999 days ago", dt.date(2017, 10, 5)) is None
    assert resolve_date("1950 years ago", dt.date(1950, 1, 1)) is None
    assert duration_start("a 99999999-day siege", dt.date(2017, 10, 5)) is None

"""Calendar dates for the date expressions of news sentences, resolved against the publication date.

News dates events relative to the day it is published ('yesterday', 'on Sunday', 'last month'), so
each expression becomes a (date, precision) pair: day precision gives the day, week precision the
Monday of the ISO week, month precision the 1st of the month, year precision the 1st of January.
Words without a year ('in June', 'June 17', 'Sunday') mean the latest such date on or before
publication, because news reports what has happened.
"""
import calendar
import datetime as dt
import re

DAY, WEEK, MONTH, YEAR, UNKNOWN = "day", "week", "month", "year", "unknown"
PRECISIONS = (DAY, WEEK, MONTH, YEAR, UNKNOWN)

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": None, "few": None}
# Words that place an expression without changing the date it names ('on Sunday', 'late Saturday').
_CONTEXT_WORDS = frozenset("on in since during until till by from through of at the early late mid "
                           "earlier later beginning end start".split())
_DAY_PARTS = frozenset("morning afternoon evening night".split())
_RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "overnight": 0, "previous day": -1,
                  "preceding day": -1, "day before yesterday": -2}
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_DEICTIC_SHIFT = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1}
_UNIT_PRECISION = {"day": DAY, "week": WEEK, "month": MONTH, "year": YEAR}
_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")  # 'November 21st' = 'November 21'
_TOKEN = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|[a-z]+|\d+")


def _words(expression: str) -> list[str]:
    expression = _ORDINAL.sub(r"\1", expression.lower().replace("’s", "").replace("'s", ""))
    words = _TOKEN.findall(expression)
    while words and (words[0] in _CONTEXT_WORDS or words[0] == "the") and len(words) > 1:
        words.pop(0)
    # 'the 9th of February' reads as '9 February'
    words = [word for number, word in enumerate(words) if not (word == "of" and number and words[number - 1].isdigit())]
    return [word for word in words if word not in _DAY_PARTS or len(words) == 1]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _latest_on_or_before(month: int, day: int | None, published: dt.date) -> dt.date | None:
    """The month (day) in the publication year, or the year before when that is still to come."""
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.date(year, month, day or 1)
        except ValueError:
            return None
        if candidate <= published:
            return candidate
    return None


def _explicit_date(words: list[str], published: dt.date) -> tuple[dt.date, str] | None:
    """'Oct 2 2017', '17 June 2018', 'June 17', 'June 2014', 'June', '2014', '17/06/2018'."""
    numeric = _NUMERIC_DATE.match(words[0]) if len(words) == 1 else None
    if numeric:
        first, second, year = (int(part) for part in numeric.groups())
        year += 2000 if year < 100 else 0
        day, month = (first, second) if second <= 12 else (second, first)  # day first unless impossible
        try:
            return dt.date(year, month, day), DAY
        except ValueError:
            return None
    months = [word for word in words if word in _MONTHS]
    numbers = [word for word in words if word.isdigit()]
    years = [int(word) for word in numbers if _YEAR.match(word)]
    days = [int(word) for word in numbers if len(word) <= 2]
    if len(months) > 1 or len(years) > 1 or len(days) > 1 or len(months) + len(numbers) != len(words):
        return None
    if not months:
        return (dt.date(years[0], 1, 1), YEAR) if years and not days else None
    month = _MONTHS[months[0]]
    try:
        if years:
            return (dt.date(years[0], month, days[0]), DAY) if days else (dt.date(years[0], month, 1), MONTH)
    except ValueError:
        return None
    resolved = _latest_on_or_before(month, days[0] if days else None, published)
    return (resolved, DAY if days else MONTH) if resolved else None


def _weekday(words: list[str], published: dt.date) -> tuple[dt.date, str] | None:
    """'Sunday', 'last Sunday', 'next Monday': the latest such day on or before publication."""
    if not words or words[-1] not in _WEEKDAYS or len(words) > 2:
        return None
    back = (published.weekday() - _WEEKDAYS[words[-1]]) % 7
    if words[0] == "next":
        return published + dt.timedelta(days=(7 - back) % 7 or 7), DAY
    return published - dt.timedelta(days=back), DAY


def _relative_day(words: list[str], published: dt.date) -> tuple[dt.date, str] | None:
    """'yesterday', 'the previous day', 'the day before yesterday'."""
    shift = _RELATIVE_DAYS.get(" ".join(words))
    return (published + dt.timedelta(days=shift), DAY) if shift is not None else None


def _deictic_period(words: list[str], published: dt.date) -> tuple[dt.date, str] | None:
    """'this week', 'last month', 'past year', 'this weekend', 'last summer'."""
    if len(words) != 2 or words[0] not in _DEICTIC_SHIFT:
        return None
    shift, period = _DEICTIC_SHIFT[words[0]], words[1]
    if period in ("week", "weekend"):
        return _monday(published) + dt.timedelta(weeks=shift), WEEK
    if period == "month":
        return _shift_months(published, shift), MONTH
    if period == "year":
        return dt.date(published.year + shift, 1, 1), YEAR
    if period in _SEASON_START:
        start = _latest_on_or_before(_SEASON_START[period], None, published)
        if start is None:
            return None
        return dt.date(start.year + shift, 1, 1) if shift else start.replace(month=1), YEAR
    return None


def _ago(words: list[str], published: dt.date) -> tuple[dt.date, str] | None:
    """'two weeks ago', '3 days ago', 'a month ago'."""
    if len(words) != 3 or words[2] != "ago":
        return None
    count = int(words[0]) if words[0].isdigit() else _NUMBER_WORDS.get(words[0])
    unit = words[1].rstrip("s")
    if count is None or unit not in _UNIT_PRECISION:
        return None
    return _units_before(published, count, unit)


def _units_before(day: dt.date, count: int, unit: str) -> tuple[dt.date, str] | None:
    """The date `count` units ('day', 'week', 'month', 'year') before `day`, at that unit's precision;
    None for a count that reaches outside the calendar ('99999999 days ago' names no date)."""
    try:
        if unit == "day":
            return day - dt.timedelta(days=count), DAY
        if unit == "week":
            return _monday(day - dt.timedelta(weeks=count)), WEEK
        if unit == "month":
            return _shift_months(day, -count), MONTH
        return dt.date(day.year - count, 1, 1), YEAR
    except (OverflowError, ValueError):
        return None


_DURATION = re.compile(r"\b(?:(\d+|%s)\s*-?\s*)?(day|week|month|year)(s?)(\s*-?\s*long)?\b"
                       % "|".join(_NUMBER_WORDS))
_COARSER = {DAY: WEEK, WEEK: MONTH, MONTH: YEAR, YEAR: YEAR}


def at_precision(day: dt.date, precision: str) -> dt.date:
    """The date that stands for `day`'s period at `precision` (see the module doc)."""
    if precision == WEEK:
        return _monday(day)
    if precision == MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1) if precision == YEAR else day


def duration_start(expression: str, end: dt.date) -> tuple[dt.date, str] | None:
    """When something that lasted the duration in `expression` ('two-month', 'a 40-day', 'week-long',
    'months-long') and ended on `end` began: its span counts the end day, so a two-month siege
    broken on 31 August began in July. A duration without a count ('months-long', 'several weeks')
    is at least two units, and its start is known only to the next coarser precision."""
    duration = _duration(expression)
    if duration is None:
        return None
    count, unit = duration
    start = _units_before(end + dt.timedelta(days=1), count or 2, unit)
    if start is None or count:
        return start
    coarser = _COARSER[start[1]]
    return at_precision(start[0], coarser), coarser


def time_before(expression: str, day: dt.date) -> tuple[dt.date, str] | None:
    """When an event came the time in `expression` ('ten months', 'three days') before `day`
    ('ten months after the city fell'), at that unit's precision; a duration without a count
    ('months after') names no date."""
    duration = _duration(expression)
    if duration is None or duration[0] is None:
        return None
    return _units_before(day, *duration)


def time_after(expression: str, day: dt.date) -> tuple[dt.date, str] | None:
    """When an event came the time in `expression` ('three weeks later') after `day`, at that
    unit's precision; None without a count."""
    duration = _duration(expression)
    if duration is None or duration[0] is None:
        return None
    return _units_before(day, -duration[0], duration[1])


def _duration(expression: str) -> tuple[int | None, str] | None:
    """The (count, unit) of the first duration in `expression`; count None for 'months-long'."""
    for number, unit, plural, long in _DURATION.findall(expression.lower()):
        if not (number or long):
            continue  # 'the month': a time, not a duration
        return (int(number) if number.isdigit() else _NUMBER_WORDS.get(number, None if plural else 1)), unit
    return None


_RESOLVERS = (_relative_day, _weekday, _deictic_period, _ago, _explicit_date)


def resolve_date(expression: str, published: dt.date) -> tuple[dt.date, str] | None:
    """(date, precision) of a date expression in an article published on `published`, or None when
    the expression names no date on its own ('a day after', 'the next decade')."""
    words = _words(expression)
    if not words:
        return None
    for resolver in _RESOLVERS:
        resolved = resolver(words, published)
        if resolved is not None:
            return resolved
    return None

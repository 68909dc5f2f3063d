"""Publication dates: parsing what feeds give (ISO 8601, RFC 2822) and datelines in the text."""
import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

# Outside these years a publication date is a data error, not news.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

# A publication time this far past the reading time is still taken: time zones, embargoed copies.
FUTURE_TOLERANCE = dt.timedelta(days=1)

TIME = "time"
DAY = "day"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class PublishedTime:
    at: dt.datetime  # timezone-aware, UTC
    precision: str  # TIME or DAY

    @property
    def date(self) -> dt.date:
        return self.at.date()


class UnparseableDate(ValueError):
    kind = "unparseable_date"


class ImplausibleDate(ValueError):
    kind = "implausible_date"


class FutureDate(ValueError):
    """A publication time after the moment the article is read: a wrong clock or a wrong field."""

    kind = "future_date"


def latest_publication(now: dt.datetime | None = None) -> dt.datetime:
    """The latest publication time an article read at `now` (default: this moment) can have."""
    return (now or dt.datetime.now(dt.timezone.utc)) + FUTURE_TOLERANCE


def _parse_datetime(text: str) -> tuple[dt.datetime, str] | None:
    try:  # a date alone, in any ISO 8601 form ('2017-10-05', '20171005', '2017-W40-4')
        day = dt.date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return dt.datetime(day.year, day.month, day.day), DAY
    for parse in (lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00")),
                  email.utils.parsedate_to_datetime):
        try:
            return parse(text), TIME
        except (TypeError, ValueError, IndexError):
            continue
    return None


def parse_published(value: str, latest: dt.datetime | None = None) -> PublishedTime:
    """Parse an ISO 8601 or RFC 2822 publication date; the error says why it cannot be used. A time
    after `latest` (when given) is a FutureDate."""
    parsed = _parse_datetime(value.strip())
    if parsed is None:
        raise UnparseableDate(f"unparseable publication date {value!r}: use ISO 8601 (2017-10-05 or "
                              f"2017-10-05T14:30:00Z) or RFC 2822 (Thu, 05 Oct 2017 14:30:00 +0000)")
    at, precision = parsed
    if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
        raise ImplausibleDate(f"implausible publication year {at.year} in {value!r}")
    if at.tzinfo is None:  # a naive time in a feed is taken as UTC, the only reproducible choice
        at = at.replace(tzinfo=dt.timezone.utc)
    at = at.astimezone(dt.timezone.utc)
    if latest is not None and at > latest:
        raise FutureDate(f"publication time {at.isoformat()} (from {value!r}) is after the time the article "
                         f"was read, {(latest - FUTURE_TOLERANCE).isoformat(timespec='seconds')}")
    return PublishedTime(at, precision)


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE_IN_DATELINE = (rf"(?P<date>{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
                     r"|\d{4}-\d{2}-\d{2})")
# 'BAGHDAD, Oct. 5, 2017 (Reuters) -', 'MOSUL, Iraq, 28 May 2017 —', 'HASAKAH (Kurdistan 24) June 17, 2018 -'
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z .'’-]{{1,40}}(?:,\s*[A-Z][A-Za-z .'’-]{{1,30}})?[,\s]+(?:\([^)]{{1,40}}\)\s*)?"
    rf"{_DATE_IN_DATELINE}")
_WEEKDAY = (r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|"
            r"Sat|Sun)\.?,?")
# '23-04-2016', '01.10.2017': numbers written day first
_NUMERIC_DATE = r"(?P<day>\d{1,2})[-.](?P<month>\d{1,2})[-.](?P<year>\d{4})"
# A date line that opens the text: 'Tuesday 12 July 2016 Rebels launch …', 'Published October 3 2016',
# 'Date of publication 7 July 2016', 'Thu Jul 7 2016', '23-04-2016 Child killed …'
_DATE_LINE = re.compile(
    rf"^\s*(?:(?:Published|Posted|Updated|Last updated|Date of publication)(?:\s+(?:on|at))?:?\s+)?"
    rf"(?:{_WEEKDAY}\s+)?(?:{_DATE_IN_DATELINE}|{_NUMERIC_DATE})(?!\d)")
# A wire byline after the headline: '… jihadist advance Monitor AFP Saturday 26 Jul 2014 At least …'
_WIRE_DATE = re.compile(rf"\b(?:AFP|Reuters|AP)\s+{_WEEKDAY}\s+{_DATE_IN_DATELINE}")
WIRE_DATE_WITHIN = 300  # characters of the first paragraph: the headline and the byline


def dateline_date(text: str, latest: dt.datetime | None = None) -> dt.date | None:
    """The date an article gives itself at its start, if it does (and it is not after `latest`): a
    dateline at the start of one of its first paragraphs, a date line that opens the text, or a wire
    byline after the headline."""
    paragraphs = text.lstrip().split("\n", 3)
    match = next(filter(None, map(_DATELINE.match, paragraphs[:3])), None) or _DATE_LINE.match(paragraphs[0]) \
        or _WIRE_DATE.search(paragraphs[0][:WIRE_DATE_WITHIN])
    if match is None:
        return None
    try:
        if match.groupdict().get("year"):
            day = dt.date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        else:
            day = dateutil_parser.parse(match.group("date"), default=dt.datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
    plausible = EARLIEST_YEAR <= day.year <= LATEST_YEAR
    return day if plausible and (latest is None or day <= latest.date()) else None

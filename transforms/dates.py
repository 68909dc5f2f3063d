"""Publication dates: parsing what feeds give (ISO 8601, RFC 2822) and datelines in the text."""
import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

# Outside these years a publication date is a data error, not news.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

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


def _parse_datetime(text: str) -> tuple[dt.datetime, str] | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        return dt.datetime(day.year, day.month, day.day), DAY
    for parse in (lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00")),
                  email.utils.parsedate_to_datetime):
        try:
            return parse(text), TIME
        except (TypeError, ValueError, IndexError):
            continue
    return None


def parse_published(value: str) -> PublishedTime:
    """Parse an ISO 8601 or RFC 2822 publication date; the error says why it cannot be used."""
    parsed = _parse_datetime(value.strip())
    if parsed is None:
        raise UnparseableDate(f"unparseable publication date {value!r}: use ISO 8601 (2017-10-05 or "
                              f"2017-10-05T14:30:00Z) or RFC 2822 (Thu, 05 Oct 2017 14:30:00 +0000)")
    at, precision = parsed
    if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
        raise ImplausibleDate(f"implausible publication year {at.year} in {value!r}")
    if at.tzinfo is None:  # a naive time in a feed is taken as UTC, the only reproducible choice
        at = at.replace(tzinfo=dt.timezone.utc)
    return PublishedTime(at.astimezone(dt.timezone.utc), precision)


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE_IN_DATELINE = (rf"(?P<date>{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
                     r"|\d{4}-\d{2}-\d{2})")
# 'BAGHDAD, Oct. 5, 2017 (Reuters) -', 'MOSUL, Iraq, 28 May 2017 —', 'HASAKAH (Kurdistan 24) June 17, 2018 -'
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z .'’-]{{1,40}}(?:,\s*[A-Z][A-Za-z .'’-]{{1,30}})?[,\s]+(?:\([^)]{{1,40}}\)\s*)?"
    rf"{_DATE_IN_DATELINE}")


def dateline_date(text: str) -> dt.date | None:
    """The date of a dateline at the start of an article's first paragraph, if it has one."""
    for paragraph in text.lstrip().split("\n", 3)[:3]:
        match = _DATELINE.match(paragraph)
        if match:
            try:
                day = dateutil_parser.parse(match.group("date"), default=dt.datetime(2000, 1, 1)).date()
            except (ValueError, OverflowError):
                return None
            return day if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None
    return None

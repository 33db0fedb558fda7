"""The period of the figures, in Paris days, and the period before it that they are compared with.

- « 12 derniers mois » (the default): the current month and the eleven before it;
- a civil year;
- any range of days.

A period of whole months is compared with as many months just before it (a civil year with the year
before); any other range with as many days just before it. Bounds are Paris midnights, so a request
made at 00:30 on the 1st of April in Paris counts in April whatever the offset to UTC that day.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def paris_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=PARIS)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class Period:
    first_day: datetime.date
    last_day: datetime.date

    @classmethod
    def last_twelve_months(cls, today: datetime.date | None = None) -> "Period":
        today = today or timezone.localdate()
        start = month_start(today) - relativedelta(months=11)
        return cls(start, month_start(today) + relativedelta(months=1, days=-1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def start(self) -> datetime.datetime:
        """The first instant of the period (included)."""
        return paris_midnight(self.first_day)

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the period (excluded)."""
        return paris_midnight(self.last_day + datetime.timedelta(days=1))

    @property
    def months(self) -> int | None:
        """How many whole months the period covers, or None when it is not made of whole months."""
        after = self.last_day + datetime.timedelta(days=1)
        if self.first_day.day != 1 or after.day != 1:
            return None
        delta = relativedelta(after, self.first_day)
        return delta.years * 12 + delta.months

    @property
    def previous(self) -> "Period":
        months = self.months
        if months:
            return Period(self.first_day - relativedelta(months=months), self.first_day - datetime.timedelta(days=1))
        days = (self.last_day - self.first_day).days + 1
        return Period(self.first_day - datetime.timedelta(days=days), self.first_day - datetime.timedelta(days=1))

    def month_starts(self) -> list[datetime.date]:
        """The first day of each month the period touches, in order."""
        months, month = [], month_start(self.first_day)
        while month <= self.last_day:
            months.append(month)
            month += relativedelta(months=1)
        return months

    @property
    def label(self) -> str:
        if self.months == 12 and self.first_day.month == 1:
            return f"année {self.first_day.year}"
        return f"du {date_format(self.first_day, 'j F Y')} au {date_format(self.last_day, 'j F Y')}"

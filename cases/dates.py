"""Business days, for due dates ("échéances") in the workspace, the dashboard and the digest.

A business day is Monday to Friday, French public holidays excepted (the
`holidays` package; Alsace-Moselle's two extra days are not counted).
"""

import datetime

import holidays
from django.utils import timezone

SATURDAY = 5


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY and day not in holidays.country_holidays("FR", years=day.year)


def add_business_days(day: datetime.date, count: int) -> datetime.date:
    """The date `count` business days after `day` (a weekend day first moves to Monday)."""
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    for _ in range(count):
        day += datetime.timedelta(days=1)
        while not is_business_day(day):
            day += datetime.timedelta(days=1)
    return day


def due_soon_limit(today: datetime.date | None = None) -> datetime.date:
    """Cases due on or before this date are "due within one business day" (overdue ones included)."""
    return add_business_days(today or timezone.localdate(), 1)


class DueState:
    OVERDUE = "overdue"
    SOON = "soon"


def due_state(due_date: datetime.date | None, today: datetime.date | None = None) -> str | None:
    """`overdue` when the date has passed, `soon` when it falls within one business day, else None."""
    if due_date is None:
        return None
    today = today or timezone.localdate()
    if due_date < today:
        return DueState.OVERDUE
    if due_date <= due_soon_limit(today):
        return DueState.SOON
    return None

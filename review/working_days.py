"""Working days for the 公示 period: Monday to Friday, less the public holidays the settings list
(``PUBLICITY_HOLIDAYS``), plus the weekend days worked in their place (``PUBLICITY_MAKEUP_WORKDAYS``,
调休). Plain functions of dates; the settings are read at each call."""

from datetime import date, timedelta

from django.conf import settings

ONE_DAY = timedelta(days=1)


def is_working_day(day: date) -> bool:
    if day in settings.PUBLICITY_MAKEUP_WORKDAYS:
        return True
    return day.weekday() < 5 and day not in settings.PUBLICITY_HOLIDAYS


def working_day_from(day: date) -> date:
    """``day`` itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def period_end(start: date, working_days: int) -> date:
    """The last day of a period of ``working_days`` working days from ``start`` (counted when it
    is a working day): from a Monday, five working days end on the Friday."""
    day = working_day_from(start)
    for _ in range(working_days - 1):
        day = working_day_from(day + ONE_DAY)
    return day


def working_days_in(start: date, end: date) -> int:
    """How many working days the period from ``start`` to ``end`` (both included) holds."""
    return sum(is_working_day(start + ONE_DAY * n) for n in range((end - start).days + 1))


def default_period(today: date) -> tuple[date, date]:
    """From the first working day on or after ``today``, ``PUBLICITY_WORKING_DAYS`` working
    days."""
    start = working_day_from(today)
    return start, period_end(start, settings.PUBLICITY_WORKING_DAYS)

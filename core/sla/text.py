"""Translated text that also works where no request chooses a language (jobs, CLI, tests)."""

from flask import has_request_context
from flask_babel import gettext


def _(message: str, **variables) -> str:
    """gettext inside a request; outside one, the Chinese source text (the default language).

    The core's locale selector reads the session, which exists only during a request, while
    deadlines are also computed by the sweep job in a bare application context.
    """
    if has_request_context():
        return gettext(message, **variables)
    return message % variables if variables else message


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; translate it where it is used."""
    return message


WEEKDAY_NAMES = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))


def weekday_name(weekday: int) -> str:
    """周一 … 周日 for ``date.weekday()`` 0 … 6 (translated)."""
    return _(WEEKDAY_NAMES[weekday])


# The package names its holidays in English (enum values); these are the usual Chinese names.
_OFFICIAL_HOLIDAY_NAMES = {
    "New Year's Day": N_("元旦"),
    "Spring Festival": N_("春节"),
    "Tomb-sweeping Day": N_("清明节"),
    "Labour Day": N_("劳动节"),
    "Dragon Boat Festival": N_("端午节"),
    "National Day": N_("国庆节"),
    "Mid-autumn Festival": N_("中秋节"),
    "Anti-Fascist 70th Day": N_("抗战胜利 70 周年纪念日"),
}


def official_holiday_name(value: str) -> str:
    """The Chinese (translated) name of a ``chinese_calendar`` holiday value."""
    name = _OFFICIAL_HOLIDAY_NAMES.get(value)
    if name is None:
        from chinese_calendar import Holiday

        try:
            return Holiday(value).chinese
        except ValueError:
            return value
    return _(name)

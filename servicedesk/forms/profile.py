"""The user's own profile: interface language and time zone."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import User


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc/")))


def time_zone_choices() -> list[tuple[str, str | Promise]]:
    default = _("Installation default (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", default), *((zone, zone.replace("_", " ")) for zone in _zones())]


def language_names() -> list[tuple[str, str | Promise]]:
    """The interface languages named in the reader's language («Английский» on a Russian page):
    `settings.LANGUAGES` keeps each language's own name for the language switcher."""
    names = {"ru": _("Russian"), "en": _("English")}
    return [(code, names.get(code, name)) for code, name in settings.LANGUAGES]


def language_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("As the browser says")), *language_names()]


class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Interface language"), choices=language_choices, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        required=False,
        help_text=_("Dates and times everywhere in the interface, the bell included, are shown in this zone."),
    )

    class Meta:
        model = User
        fields = ("language", "time_zone")

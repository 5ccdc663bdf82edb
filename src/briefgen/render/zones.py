"""Which time-zone abbreviation a note may print for a zone: one its reader can read one way only.

An abbreviation is printed only where, in the locale it comes from, it names one UTC
offset at that moment. CLDR curates its short names per locale (SAST in en_ZA, IST in
en_IN, JST in ja), and those pass; tzdata's abbreviations (the fallback for English
notes) are checked against the English of the zone's territory: tzdata calls Manila's
time "PST", which en_PH (like en) uses for US Pacific time, so Manila gets its offset alone.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import cache

#: What counts as an abbreviation: letters only ("SAST"), not tzdata's numeric "+03".
_ABBREVIATION = re.compile(r"[A-Z]{2,5}")


def zone_abbreviation(moment: _dt.datetime, zone: str, locale: str) -> str | None:
    """The short name a reader in `locale` (Babel form: "en_GB", "ja") knows `zone` by at `moment`, or None.

    English notes look in the English of the zone's territory first (en_ZA for
    Africa/Johannesburg), then in their own, then at tzdata's abbreviation; other
    locales use CLDR's short names in their own language only.
    """
    from babel.dates import get_timezone_name

    english = locale == "en" or locale.startswith("en_")
    places = [*_territory_english(zone), locale] if english else [locale]
    for place in places:
        name = get_timezone_name(moment, "short", locale=place, zone_variant=None)
        if _ABBREVIATION.fullmatch(name) and _one_offset(name, place, moment):
            return name
    tzdata = moment.tzname() or ""
    if english and _ABBREVIATION.fullmatch(tzdata) and _one_offset(tzdata, places[0], moment, tzdata_of=zone):
        return tzdata
    return None


def _one_offset(name: str, locale: str, moment: _dt.datetime, tzdata_of: str | None = None) -> bool:
    """Whether every zone `locale` calls `name` (and the zone tzdata calls so) is at one offset at `moment`."""
    offsets = {_offset(owner, moment) for owner in _short_names(locale).get(name, ())}
    if tzdata_of is not None:
        offsets.add(moment.utcoffset())
    return len(offsets - {None}) <= 1


def _offset(owner: str, moment: _dt.datetime) -> _dt.timedelta | None:
    """The UTC offset at `moment` of a zone, or of a metazone through one of its zones."""
    import zoneinfo

    zone = owner if "/" in owner else _metazone_zone(owner)
    if zone is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()


@cache
def _short_names(locale: str) -> dict[str, frozenset[str]]:
    """Each short zone name of a CLDR locale → the metazones and zones it stands for."""
    from babel.core import Locale

    parsed = Locale.parse(locale)
    found: dict[str, set[str]] = {}
    for owners in (parsed.meta_zones, parsed.time_zones):
        for owner, names in owners.items():
            for name in names.get("short", {}).values():
                found.setdefault(str(name), set()).add(str(owner))
    return {name: frozenset(owners) for name, owners in found.items()}


@cache
def _metazone_zone(metazone: str) -> str | None:
    from babel.core import get_global

    return next((str(zone) for zone, meta in get_global("meta_zones").items() if meta == metazone), None)


@cache
def _territory_english(zone: str) -> tuple[str, ...]:
    """The English CLDR locale of the territory a zone is in ("Asia/Manila" → en_PH), else plain en."""
    from babel.core import get_global
    from babel.localedata import locale_identifiers

    territory = next((str(place) for place, zones in get_global("territory_zones").items() if zone in zones), None)
    if territory and f"en_{territory}" in locale_identifiers():
        return (f"en_{territory}",)
    return ("en",)

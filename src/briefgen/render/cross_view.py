"""A page across briefs as its template reads it: every value written out in the page's language and house style.

Made from the CrossIndex alone (the records of the briefs a build published), so a release's
pages hold only what its released sheets say. A page's banner is the highest marking of the
briefs it names (render.site_index.index_banner, the site index's own rule): each brief's banner
already covers every item of it the page quotes.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import Markup

from briefgen.across.history import KINDS, Appearance, CrossIndex, Meeting, Subject, overdue, page_path, steps
from briefgen.render.catalogs import Labels, labels
from briefgen.render.cross_charts import MeetingPoint, StatusPoint, commitments_chart, meetings_timeline, tick_days
from briefgen.render.formatting import DEFAULT_LOCALE, HouseStyle
from briefgen.render.names import country_name
from briefgen.render.site_index import INDEX_TITLE, IndexEntry, index_banner
from briefgen.render.view import COMMITMENT_STATUS_LABELS, FRAMEWORK_STATUS_LABELS, ROLE_LABELS
from briefgen.render.view_records import Banner
from briefgen.sheet.kinds import N_
from briefgen.sheet.mentions import CommitmentMention, FollowUpMention, FrameworkMention, PersonMention, anchor

if TYPE_CHECKING:
    from briefgen.theme import Theme

KIND_TITLES = {"countries": N_("Countries"), "frameworks": N_("Frameworks"), "people": N_("People"),
               "commitments": N_("Commitments")}
KIND_NAMES = {"countries": N_("Country"), "frameworks": N_("Framework"), "people": N_("Person"),
              "commitments": N_("Commitment")}
#: A country page's lists of what its briefs name, in this order.
COUNTRY_GROUPS = ("frameworks", "commitments", "people")

#: Per country, per kind: each subject named in that country's briefs, with only those appearances.
CountryScope = Mapping[str, Mapping[str, tuple[tuple[Subject, tuple[Appearance, ...]], ...]]]


def country_scope(index: CrossIndex, only: str | None = None) -> CountryScope:
    """What each country page lists (see CountryScope), or the page of country `only`, in one pass over the
    index; subjects newest first."""
    codes = [only] if only is not None else list(index.of("countries"))
    found: dict[str, dict[str, dict[str, tuple[Subject, list[Appearance]]]]] = {
        code: {kind: {} for kind in COUNTRY_GROUPS} for code in codes}
    for kind in COUNTRY_GROUPS:
        for subject in index.of(kind).values():
            for appearance in subject.appearances:
                for code in appearance.meeting.countries:
                    if code not in found:
                        continue
                    by_key = found[code][kind]
                    if subject.key in by_key:
                        by_key[subject.key][1].append(appearance)
                    else:
                        by_key[subject.key] = (subject, [appearance])
    scope: dict[str, dict[str, tuple[tuple[Subject, tuple[Appearance, ...]], ...]]] = {}
    for code, by_kind in found.items():
        scope[code] = {}
        for kind, listed in by_kind.items():
            # Newest first (appearances are), then by name: the order the page lists them in.
            ordered = sorted(listed.values(), key=lambda item: (item[0].name.casefold(), item[0].key))
            ordered.sort(key=lambda item: item[1][0].meeting.meeting_date, reverse=True)
            scope[code][kind] = tuple((subject, tuple(shown) if len(shown) != len(subject.appearances)
                                       else subject.appearances) for subject, shown in ordered)
    return scope


@dataclass(frozen=True)
class Cell:
    """A table cell: its text and, when it links somewhere, where."""

    text: str
    href: str | None = None
    iso: str | None = None


@dataclass(frozen=True)
class CrossRow:
    """One brief naming the subject, as the subject's page lists it (newest first)."""

    date: str
    date_iso: str
    title: str
    href: str | None
    status: str | None
    detail: str | None


@dataclass(frozen=True)
class FollowUpRow:
    """An action a brief left on a commitment, and whether it is done, open or overdue."""

    action: str
    owner: str | None
    due: str | None
    due_iso: str | None
    state: str
    state_key: str
    set_in: str
    href: str | None


@dataclass(frozen=True)
class TimelineStep:
    """A commitment as one brief left it, oldest first, and what changed since the brief before."""

    date: str
    date_iso: str
    title: str
    href: str | None
    status: str | None
    amount: str | None
    changes: tuple[str, ...]
    follow_ups: tuple[FollowUpRow, ...]


@dataclass(frozen=True)
class SubjectLine:
    """A subject as a listing or a country page names it: its page, how often and when last, and as what."""

    name: str
    href: str
    count: int
    latest: str
    latest_iso: str
    status: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class SubjectGroup:
    kind: str
    heading: str
    lines: tuple[SubjectLine, ...]


@dataclass(frozen=True)
class Chart:
    """A picture (inline SVG) and the table beside it that holds the same data."""

    id: str
    heading: str
    svg: Markup
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    current: bool = False


@dataclass(frozen=True)
class CrossPageView:
    """One page across briefs: a subject's (key set) or a kind's listing (key None)."""

    kind: str
    key: str | None
    title: str
    kind_label: str
    language: str
    banner: Banner
    labels: Labels
    index_href: str
    nav: tuple[NavLink, ...]
    summary: str = ""
    native_name: str | None = None
    related: tuple[NavLink, ...] = ()
    rows: tuple[CrossRow, ...] = ()
    timeline: tuple[TimelineStep, ...] = ()
    follow_ups: tuple[FollowUpRow, ...] = ()
    groups: tuple[SubjectGroup, ...] = ()
    charts: tuple[Chart, ...] = ()
    #: The page as printed (the PDF): the same content, with no links (the site's are relative).
    printed: bool = False


@dataclass(frozen=True)
class _Writer:
    """The page's labels and house style, and how each status and amount is written in them."""

    labels: Labels
    style: HouseStyle

    def _(self, message: str) -> str:
        return self.labels.gettext(message)

    def date(self, day: _dt.date) -> str:
        return self.style.written_date(day)

    def status(self, appearance: Appearance) -> str | None:
        mention = appearance.mention
        if isinstance(mention, PersonMention):
            return self._(ROLE_LABELS.get(mention.role, mention.role))
        if isinstance(mention, FrameworkMention):
            return self._(FRAMEWORK_STATUS_LABELS.get(mention.status, mention.status))
        if isinstance(mention, CommitmentMention):
            return self.commitment_status(mention.status)
        return None

    def commitment_status(self, status: str) -> str:
        return self._(COMMITMENT_STATUS_LABELS.get(status, status))

    def amount(self, mention: CommitmentMention | None) -> str | None:
        if mention is None or mention.amount is None or mention.currency is None:
            return None
        return self.style.money(Decimal(mention.amount), mention.currency)

    def detail(self, appearance: Appearance) -> str | None:
        mention = appearance.mention
        if isinstance(mention, PersonMention):
            return country_name(mention.country, self.style.locale)
        if isinstance(mention, FrameworkMention):
            since = mention.since
            return self.labels.format(N_("since {date}"), date=self.style.partial_date(since)) if since else None
        if isinstance(mention, CommitmentMention):
            return self.amount(mention)
        meeting = appearance.meeting
        return " · ".join(part for part in (meeting.occasion, meeting.venue) if part) or None

    def subject_name(self, subject: Subject) -> str:
        return country_name(subject.key, self.style.locale) if subject.kind == "countries" else subject.name


def writer(locale: str | None, theme: Theme) -> _Writer:
    """The labels and house style of pages in `locale` (default en-GB), the theme's catalogs over the packaged ones."""
    the_labels = labels(locale or DEFAULT_LOCALE, theme)
    return _Writer(the_labels, HouseStyle(locale or DEFAULT_LOCALE, gettext=the_labels.gettext))


def _brief_href(meeting: Meeting, item: str = "") -> str | None:
    """A link from KIND/ to the brief's page, at the item's row when given."""
    if meeting.page is None:
        return None
    return f"../{meeting.page}#{item}" if item else f"../{meeting.page}"


def _marked(meetings: list[Meeting]) -> Banner:
    """The highest marking of `meetings`, by the site index's rule."""
    return index_banner([IndexEntry(id=m.id, title=m.title, kind="", kind_label="", meeting_date="",
                                    meeting_date_iso="", occasion=None, venue=None, level=m.level,
                                    banner=m.banner, tone=m.tone, html_href=None, pdf_href=None,
                                    scheme=m.scheme or None, caveats=m.caveats, categories=m.categories)
                         for m in {m.id: m for m in meetings}.values()])


def _nav(w: _Writer, kind: str, listing: bool) -> tuple[NavLink, ...]:
    return (NavLink(w._(INDEX_TITLE), "../index.html"),
            *(NavLink(w._(KIND_TITLES[k]), "index.html" if k == kind else f"../{k}/index.html",
                      listing and k == kind) for k in KINDS))


def follow_up_row(w: _Writer, meeting: Meeting, item: FollowUpMention, as_of: _dt.date) -> FollowUpRow:
    state = "done" if item.done else "overdue" if overdue(item, as_of) else "open"
    labels_of = {"done": N_("Done"), "overdue": N_("Overdue"), "open": N_("Open")}
    due = _dt.date.fromisoformat(item.due) if item.due else None
    return FollowUpRow(item.action, item.owner, w.date(due) if due else None, item.due, w._(labels_of[state]), state,
                       meeting.title, _brief_href(meeting, anchor(item.path)))


def _timeline(w: _Writer, subject: Subject, as_of: _dt.date) -> tuple[TimelineStep, ...]:
    found = []
    for step in steps(subject):
        a = step.appearance
        mention = a.mention if isinstance(a.mention, CommitmentMention) else None
        before = step.previous.mention if step.previous is not None else None
        changes = []
        if "status" in step.changed and isinstance(before, CommitmentMention) and mention is not None:
            changes.append(w.labels.format(N_("Status changed from {before} to {after}"),
                                           before=w.commitment_status(before.status),
                                           after=w.commitment_status(mention.status)))
        if "amount" in step.changed and isinstance(before, CommitmentMention):
            changes.append(w.labels.format(N_("Amount changed from {before} to {after}"),
                                           before=w.amount(before) or "—", after=w.amount(mention) or "—"))
        found.append(TimelineStep(w.date(a.meeting.meeting_date), a.meeting.meeting_date.isoformat(),
                                  a.meeting.title, _brief_href(a.meeting, a.anchor),
                                  w.commitment_status(mention.status) if mention else None, w.amount(mention),
                                  tuple(changes), tuple(follow_up_row(w, a.meeting, f, as_of) for f in a.follow_ups)))
    return tuple(found)


def _line(w: _Writer, subject: Subject, shown: tuple[Appearance, ...], href: str) -> SubjectLine:
    latest = shown[0]
    return SubjectLine(w.subject_name(subject), href, len({a.meeting.id for a in shown}),
                       w.date(latest.meeting.meeting_date), latest.meeting.meeting_date.isoformat(),
                       w.status(latest), w.detail(latest) if subject.kind != "countries" else None)


def listing_view(kind: str, index: CrossIndex, theme: Theme, *, locale: str | None) -> CrossPageView:
    """KIND/index.html: every subject of the kind, by name, with how many briefs name it and when last."""
    w = writer(locale, theme)
    subjects = index.of(kind).values()
    lines = sorted((_line(w, s, s.appearances, page_path(kind, s.key).split("/", 1)[1]) for s in subjects),
                   key=lambda line: (line.name.casefold(), line.href))
    return CrossPageView(kind, None, w._(KIND_TITLES[kind]), w._(KIND_TITLES[kind]), w.style.locale,
                         _marked([a.meeting for s in subjects for a in s.appearances]), w.labels, "../index.html",
                         _nav(w, kind, True), groups=(SubjectGroup(kind, w._(KIND_TITLES[kind]), tuple(lines)),))


def subject_view(kind: str, key: str, index: CrossIndex, theme: Theme, *, locale: str | None, as_of: _dt.date,
                 scope: CountryScope | None = None) -> CrossPageView:
    """A subject's page: every brief naming it, newest first; a commitment's timeline; a country's lists, pictures."""
    w = writer(locale, theme)
    subject = index.of(kind)[key]
    rows = tuple(CrossRow(w.date(a.meeting.meeting_date), a.meeting.meeting_date.isoformat(), a.meeting.title,
                          _brief_href(a.meeting, a.anchor), w.status(a), w.detail(a)) for a in subject.appearances)
    count = len({a.meeting.id for a in subject.appearances})
    # Counts are written "Briefs: 3" rather than in a sentence: no plural form to choose.
    summary = w.labels.format(N_("Briefs naming it: {count}; the latest on {date}."), count=count,
                              date=w.date(subject.latest.meeting.meeting_date))
    countries = index.of("countries")
    related = tuple(NavLink(country_name(code, w.style.locale), f"../{page_path('countries', code)}")
                    for code in subject.countries if code in countries and kind != "countries")
    view = CrossPageView(kind, key, w.subject_name(subject), w._(KIND_NAMES[kind]), w.style.locale,
                         _marked([a.meeting for a in subject.appearances]), w.labels, "../index.html",
                         _nav(w, kind, False), summary, subject.native_name, related, rows)
    if kind == "commitments":
        follow = tuple(follow_up_row(w, m, f, as_of) for m, f in subject.follow_ups())
        return _replace(view, timeline=_timeline(w, subject, as_of), follow_ups=follow)
    if kind == "countries":
        return _country(view, w, subject, (scope if scope is not None else country_scope(index, key))[key])
    return view


def _replace(view: CrossPageView, **changes: object) -> CrossPageView:
    import dataclasses

    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


def _country(view: CrossPageView, w: _Writer, subject: Subject,
             scope: Mapping[str, tuple[tuple[Subject, tuple[Appearance, ...]], ...]]) -> CrossPageView:
    groups = tuple(SubjectGroup(kind, w._(KIND_TITLES[kind]),
                                tuple(_line(w, s, shown, f"../{page_path(kind, s.key)}") for s, shown in scope[kind]))
                   for kind in COUNTRY_GROUPS if scope.get(kind))
    return _replace(view, groups=groups, charts=country_charts(w, subject, scope, view.title))


def country_charts(w: _Writer, subject: Subject,
                   scope: Mapping[str, tuple[tuple[Subject, tuple[Appearance, ...]], ...]],
                   country: str) -> tuple[Chart, ...]:
    """The timeline of the country's meetings, and its commitments' status by sector over time, each with its table."""
    meetings = [a.meeting for a in subject.appearances]
    days = [m.meeting_date for m in meetings]
    ticks = _ticks(w, min(days), max(days))
    first, last = w.date(min(days)), w.date(max(days))
    timeline = meetings_timeline(
        [MeetingPoint(m.meeting_date, w.date(m.meeting_date), m.title) for m in meetings], ticks,
        chart_id="chart-meetings", title=w.labels.format(N_("Meetings with {country}"), country=country),
        desc=w.labels.format(N_("Meetings: {count}, from {first} to {last}."), count=len(meetings), first=first,
                             last=last))
    charts = [Chart("chart-meetings", w._("Timeline of meetings"), timeline, w._("The meetings on the timeline"),
                    (w._("Date"), w._("Brief"), w._("Where")),
                    tuple((Cell(w.date(m.meeting_date), iso=m.meeting_date.isoformat()), Cell(m.title, _brief_href(m)),
                           Cell(" · ".join(p for p in (m.occasion, m.venue) if p) or "—")) for m in meetings))]
    points = [StatusPoint(a.mention.sector, a.meeting.meeting_date, a.mention.status,
                          w.commitment_status(a.mention.status), w.date(a.meeting.meeting_date), s.key)
              for s, shown in scope.get("commitments", ()) for a in shown if isinstance(a.mention, CommitmentMention)]
    if points:
        points.sort(key=lambda p: (p.sector.casefold(), p.day, p.series))
        statuses = [s for s in COMMITMENT_STATUS_LABELS if any(p.status == s for p in points)]
        statuses += sorted({p.status for p in points} - set(statuses))
        p_days = [p.day for p in points]
        chart = commitments_chart(
            points, _ticks(w, min(p_days), max(p_days)), [(s, w.commitment_status(s)) for s in statuses],
            chart_id="chart-commitments",
            title=w.labels.format(N_("Commitments with {country} by sector"), country=country),
            desc=w.labels.format(N_("Commitment statuses by sector: {count}, from {first} to {last}."),
                                 count=len(points), first=w.date(min(p_days)), last=w.date(max(p_days))))
        charts.append(Chart("chart-commitments", w._("Commitments by sector"), chart,
                            w._("Each commitment's status at each meeting"),
                            (w._("Sector"), w._("Date"), w._("Status")),
                            tuple((Cell(p.sector), Cell(p.date_text, iso=p.day.isoformat()), Cell(p.status_text))
                                  for p in points)))
    return tuple(charts)


def _ticks(w: _Writer, first: _dt.date, last: _dt.date) -> tuple[tuple[_dt.date, str], ...]:
    return tuple((day, w.style.axis_label(day, unit)) for day, unit in tick_days(first, last))

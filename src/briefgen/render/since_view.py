"""The Since last time block's view: a job's SinceLastTime record against its release, formatted for the note.

The plan gave the job the record (across/since.py), made from the earlier briefs' released
mentions; this module only writes it in the note's locale: statuses through the catalogs,
amounts as the note writes money, dates in its house style, and each row's portion mark that of
the item in this brief, as the brief's other rows carry it. An item the release does not keep
has no row. A block whose every row would be new is not printed: it would say no more than the
frameworks and commitments tables above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from briefgen.sheet.kinds import N_
from briefgen.sheet.mentions import CommitmentMention, anchor

if TYPE_CHECKING:
    from briefgen.records import EarlierBrief, SinceLastTime
    from briefgen.release.cut import Release
    from briefgen.render.catalogs import Labels
    from briefgen.render.layout import Typeset

SINCE_INTRO = N_("What changed since earlier briefs with the same counterpart countries; the most recent "
                 "was {brief}.")
SINCE_COLUMNS = (N_("Framework or commitment"), N_("Last time"), N_("Status"), N_("Amount"))
SINCE_BRIEF = N_("{date} ({id})")
SINCE_NEW = N_("New since {brief}")
SINCE_CHANGE = N_("{then} → {now}")
SINCE_UNCHANGED = N_("{now} (unchanged)")
SINCE_NONE = N_("none")
KIND_LABELS = {"frameworks": N_("Framework"), "commitments": N_("Commitment")}


@dataclass(frozen=True)
class SinceRow:
    """One framework or commitment: what it is in this brief, and what the earlier brief said of it."""

    #: The item's portion mark in this brief, its kind ("Framework") and name, and its row's id in this brief.
    mark: str
    kind: str
    name: str
    anchor: str
    #: The earlier brief ("29 August 2025 (tokyo-annual-summit-2025)"), or "New since …" when none named it.
    last_time: str
    is_new: bool
    #: "Launched → Reaffirmed", "Reaffirmed (unchanged)", or the status now for a new item.
    status: str
    status_changed: bool
    #: Likewise for a commitment's amount; None when neither brief gives one.
    amount: str | None = None
    amount_changed: bool = False


@dataclass(frozen=True)
class SinceView:
    """The block: its introduction (naming the most recent earlier brief) and its rows."""

    intro: str
    columns: tuple[str, ...]
    rows: tuple[SinceRow, ...]


def since_view(since: SinceLastTime | None, release: Release, typeset: Typeset,
               framework_status: dict[str, str], commitment_status: dict[str, str]) -> SinceView | None:
    """The block of `since` for `release`, or None when there is nothing to show."""
    if since is None:
        return None
    labels = typeset.labels
    sheet = release.sheet
    rows = []
    for item in since.items:
        kind, index = item.path
        assert isinstance(kind, str) and isinstance(index, int)
        listed = sheet.frameworks if kind == "frameworks" else sheet.commitments
        if index >= len(listed):  # not in this release (the record was made for it, so never expected)
            continue
        now = listed[index]
        statuses = framework_status if kind == "frameworks" else commitment_status
        status_now = labels.gettext(statuses[now.status])
        named: str = now.name if kind == "frameworks" else now.sector  # type: ignore[union-attr]
        name = typeset.plain(named)
        money = getattr(now, "amount", None)
        amount_now = _money(typeset, money.value, money.currency) if money is not None else None
        mark, kind_label, row_anchor = release.mark_of(now), labels.gettext(KIND_LABELS[kind]), anchor(item.path)
        if item.earlier is None or item.then is None:
            rows.append(SinceRow(mark, kind_label, name, row_anchor,
                                 labels.format(SINCE_NEW, brief=_brief(since.last, typeset)),
                                 is_new=True, status=status_now, status_changed=False, amount=amount_now))
            continue
        then = item.then
        status_then = labels.gettext(statuses.get(then.status, then.status))
        amount_then = None
        if isinstance(then, CommitmentMention) and then.amount is not None and then.currency is not None:
            amount_then = _money(typeset, Decimal(then.amount), then.currency)
        status, status_changed = _change(labels, status_then, status_now)
        amount, amount_changed = (None, False) if amount_then is None and amount_now is None else \
            _change(labels, amount_then or labels.gettext(SINCE_NONE), amount_now or labels.gettext(SINCE_NONE))
        rows.append(SinceRow(mark, kind_label, name, row_anchor, _brief(item.earlier, typeset), is_new=False,
                             status=status,
                             status_changed=status_changed, amount=amount, amount_changed=amount_changed))
    if all(row.is_new for row in rows):  # nothing carried over: the block would only repeat the tables above
        return None
    # English names, as the other tables': the template tests for a column by its name, prints it through gettext.
    columns = tuple(c for c in SINCE_COLUMNS if c != "Amount" or any(row.amount for row in rows))
    return SinceView(labels.format(SINCE_INTRO, brief=_brief(since.last, typeset)), columns, tuple(rows))


def _brief(brief: EarlierBrief, typeset: Typeset) -> str:
    return typeset.labels.format(SINCE_BRIEF, date=typeset.style.written_date(brief.meeting_date), id=brief.id)


def _money(typeset: Typeset, value: Decimal, currency: str) -> str:
    return typeset.style.money(value, currency)


def _change(labels: Labels, then: str, now: str) -> tuple[str, bool]:
    if then == now:
        return labels.format(SINCE_UNCHANGED, now=now), False
    return labels.format(SINCE_CHANGE, then=then, now=now), True

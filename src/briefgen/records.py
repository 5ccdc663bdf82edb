"""The typed records the stages pass on: Options → Plan (of PlannedSheets and Jobs) → Outcome → BriefRecord.

plan() makes a Plan from Options; run() turns each Job into an Outcome; publish() writes the
Outcomes and keeps each BriefRecord in the manifest, which the site index lists. Records are
frozen: a later stage makes new ones, never changes what an earlier stage passed on.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.sheet.marks import DataPath
from briefgen.sheet.mentions import CommitmentMention, FrameworkMention, Mentions

if TYPE_CHECKING:
    from briefgen.inputs import InputFile
    from briefgen.release.audience import Audience
    from briefgen.report.diagnostics import Diagnostic, Report
    from briefgen.sheet.marks import SourceMap
    from briefgen.sheet.model import FactSheet
    from briefgen.sheet.registry import Registry
    from briefgen.theme import Theme


@dataclass(frozen=True)
class BriefRecord:
    """One brief as published: what it is, how it is classified, and the files it became."""

    id: str
    title: str
    kind: str
    meeting_date: _dt.date
    occasion: str | None
    venue: str | None
    #: The banner's level and text (level and caveats), and its colour.
    level: str
    scheme: str
    banner: str
    tone: str
    #: The label of the audience it was cut for ("PUBLIC", "OFFICIAL"), or None for the full document.
    audience: str | None
    pages: int | None
    #: Output format → file name inside the output folder, e.g. {"html": "g20-2025.html"}.
    outputs: Mapping[str, str]
    #: For the site index's columns and filters: the document's status as readers see it
    #: ("Draft", "Final"), its reference, and who owns it (the drafter, with unit).
    status: str | None = None
    reference: str | None = None
    owner: str | None = None
    #: The participants' countries by name, for the index's country filter.
    countries: tuple[str, ...] = ()
    #: The controls the banner carries, as it writes each ("NOFORN", "REL TO USA, AUS"): the
    #: site index's banner is written from them by the scheme's grammar.
    caveats: tuple[str, ...] = ()
    #: The CUI categories the banner writes ("SP-EXPT").
    categories: tuple[str, ...] = ()
    #: The people, frameworks and commitments its released sheet names (refs, statuses, amounts):
    #: what the checks and pages across briefs read, without parsing the sheet again.
    mentions: Mentions = field(default_factory=Mentions)

    def to_json(self) -> dict[str, Any]:
        """The record as the manifest stores it (outputs are added by publish, with their hashes)."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "meeting_date": self.meeting_date.isoformat(),
            "occasion": self.occasion,
            "venue": self.venue,
            "level": self.level,
            "scheme": self.scheme,
            "banner": self.banner,
            "tone": self.tone,
            "audience": self.audience,
            "pages": self.pages,
            "status": self.status,
            "reference": self.reference,
            "owner": self.owner,
            "countries": list(self.countries),
            "caveats": list(self.caveats),
            "categories": list(self.categories),
            "mentions": self.mentions.to_json(),
        }

    @classmethod
    def from_json(cls, entry: Mapping[str, Any], where: str = "") -> BriefRecord:
        """A record read back from a manifest entry. Raises ValueError naming the first field that
        is wrong, below `where` (e.g. "`briefs[2].title` must be text")."""
        at = f"{where}." if where else ""
        outputs = entry.get("outputs") or {}
        if not isinstance(outputs, Mapping):
            raise ValueError(f"`{at}outputs` must be an object")
        meeting_date = _text(entry, "meeting_date", at)
        try:
            date = _dt.date.fromisoformat(meeting_date)
        except ValueError:
            raise ValueError(f"`{at}meeting_date` must be a date (YYYY-MM-DD), not {meeting_date[:40]!r}") from None
        pages = entry.get("pages")
        if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool) or pages < 0):
            raise ValueError(f"`{at}pages` must be a whole number")
        countries = entry.get("countries") or []
        if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
            raise ValueError(f"`{at}countries` must be a list of text")
        level = _optional_text(entry, "level", at) or ""
        return cls(
            id=_text(entry, "id", at),
            title=_text(entry, "title", at),
            kind=_optional_text(entry, "kind", at) or "brief",
            meeting_date=date,
            occasion=_optional_text(entry, "occasion", at),
            venue=_optional_text(entry, "venue", at),
            level=level,
            scheme=_optional_text(entry, "scheme", at) or "",
            banner=_optional_text(entry, "banner", at) or level,
            tone=_optional_text(entry, "tone", at) or "",
            # Manifests before audiences recorded the release level as `cleared_to`.
            audience=_optional_text(entry, "audience" if "audience" in entry else "cleared_to", at),
            pages=pages,
            outputs={str(kind): _text(output if isinstance(output, Mapping) else {}, "path", f"{at}outputs.{kind}.")
                     for kind, output in outputs.items()},
            status=_optional_text(entry, "status", at),
            reference=_optional_text(entry, "reference", at),
            owner=_optional_text(entry, "owner", at),
            countries=tuple(countries),
            caveats=_texts(entry, "caveats", at) if "caveats" in entry
            else _legacy_caveats(_optional_text(entry, "banner", at) or "", level),
            categories=_texts(entry, "categories", at),
            mentions=_mentions(entry, at),
        )


def _mentions(entry: Mapping[str, Any], at: str) -> Mentions:
    found = entry.get("mentions")
    if found is None:
        return Mentions()  # manifests written before records kept them
    if not isinstance(found, Mapping):
        raise ValueError(f"`{at}mentions` must be an object")
    return Mentions.from_json(found, f"{at}mentions")


def _texts(entry: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
    values = entry.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"`{at}{key}` must be a list of text")
    return tuple(values)


def _legacy_caveats(banner: str, level: str) -> tuple[str, ...]:
    # Manifests before the scheme grammars wrote banners as "SECRET — UK EYES ONLY, NOFORN".
    prefix = f"{level} — "
    if not banner.startswith(prefix):
        return ()
    return tuple(c.strip() for c in banner[len(prefix):].split(", ") if c.strip())


def _text(entry: Mapping[str, Any], key: str, at: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str):
        raise ValueError(f"`{at}{key}` must be text" if value is not None else f"`{at}{key}` is missing")
    return value


def _optional_text(entry: Mapping[str, Any], key: str, at: str) -> str | None:
    return None if entry.get(key) is None else _text(entry, key, at)


@dataclass(frozen=True)
class Options:
    """What to make of the fact sheets; shared by check, build and the preview server."""

    #: The audience to cut each brief for (see audience.py), or None for full documents.
    audience: Audience | None = None
    html: bool = True
    pdf: bool = True
    strict: bool = False
    #: Templates and styles; None plans a check only (no jobs).
    theme: Theme | None = None
    #: (K, N): plan only the briefs of shard K of N (see `in_shard`).
    shard: tuple[int, int] | None = None
    #: The locales the notes are written in (briefgen.toml `locale`, `--locale en-GB,ja`): one note per
    #: locale; () lets each sheet's scheme decide (uk en-GB, us en-US).
    locales: tuple[str, ...] = ()
    #: With two locales, also one note with both side by side, paragraph by paragraph (`--parallel`).
    parallel: bool = False
    #: The PDF variant to print (render/pdf_variants.py: "pdf/a-2b", "pdf/ua-1"), or None for a plain tagged PDF.
    pdf_variant: str | None = None
    #: Also write each note as a Word document (render/docx.py), ID.docx.
    docx: bool = False
    #: The project's reference document for the Word documents' styles (briefgen.toml `docx_reference`), or None.
    docx_reference: ReferenceDocument | None = None
    #: The project's registry of people, frameworks and commitments (sheet/registry.py), or None.
    registry: Registry | None = None
    #: The day the pages across briefs say a follow-up is overdue against (commands: SOURCE_DATE_EPOCH's
    #: day when set, for reproducible bytes, else today); None: today, when they are published.
    as_of: _dt.date | None = None
    #: Folders whose fact sheets are earlier briefs for the Since last time block, besides those the plan's
    #: paths find: `build FILE` names the project's briefs folder here when FILE lies in it. Read for their
    #: mentions only (from the output folder's records when their key still holds); never built.
    history: tuple[Path, ...] = ()

    @property
    def locale(self) -> str | None:
        """The first locale: the one the site index is written in; None when each scheme decides."""
        return self.locales[0] if self.locales else None

    def output_kinds(self) -> tuple[str, ...]:
        """What each brief becomes, as the manifest names its outputs: ("html", "pdf") for one locale;
        ("en-GB.html", "en-GB.pdf", "ja.html", …) for several, and "en-GB+ja.pdf" for the parallel note
        (which has no Word document: a DOCX is one language's note)."""
        formats = [f for f, wanted in (("html", self.html), ("pdf", self.pdf), ("docx", self.docx)) if wanted]
        return tuple(f"{stem}.{f}" if stem else f for stem, _ in note_stems(self.locales, self.parallel)
                     for f in formats if f != "docx" or "+" not in stem)


@dataclass(frozen=True)
class ReferenceDocument:
    """A Word document or template whose styles the Word output starts from: its name as given, and its bytes."""

    name: str
    data: bytes = field(repr=False)

    @property
    def digest(self) -> str:
        """sha256 of its bytes: an input of every job key that writes a DOCX."""
        return hashlib.sha256(self.data).hexdigest()


def note_stems(locales: tuple[str, ...], parallel: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each note a brief becomes: (its file-name suffix, its locales), e.g. ("", ("ja",)) for one locale;
    ("en-GB", ("en-GB",)), ("ja", ("ja",)) and, in parallel, ("en-GB+ja", ("en-GB", "ja")) for two."""
    if len(locales) <= 1:
        return (("", locales),)
    notes = tuple((locale, (locale,)) for locale in locales)
    return (*notes, ("+".join(locales), locales)) if parallel else notes


@dataclass(frozen=True)
class EarlierBrief:
    """An earlier brief the Since last time block measures from: its id and meeting date."""

    id: str
    meeting_date: _dt.date


@dataclass(frozen=True)
class SinceItem:
    """One framework or commitment of a brief against the most recent earlier brief (with a counterpart
    country in common) that named it: what that brief said then, or nothing when it is new since."""

    #: The item's place in the brief's released sheet: ("commitments", 1).
    path: DataPath
    earlier: EarlierBrief | None = None
    then: FrameworkMention | CommitmentMention | None = None


@dataclass(frozen=True)
class SinceLastTime:
    """What a brief's Since last time block shows (across/since.py): the most recent earlier brief with a
    counterpart country in common, and each of its frameworks and commitments against the earlier briefs."""

    last: EarlierBrief
    items: tuple[SinceItem, ...] = ()

    def digest(self) -> str:
        """sha256 of everything the block shows: a part of the brief's job key."""
        lines = [f"last {self.last.id} {self.last.meeting_date.isoformat()}"]
        for item in self.items:
            line = f"{item.path[0]} {item.path[1]}"
            if item.earlier is not None and item.then is not None:
                then = item.then
                amount = f"{then.amount} {then.currency}" if isinstance(then, CommitmentMention) else ""
                line += f" {item.earlier.id} {item.earlier.meeting_date.isoformat()} {then.status} {amount}"
            lines.append(line)
        return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Job:
    """Everything needed to render one brief, and nothing else: picklable, keyed by content."""

    sheet_id: str
    #: The fact sheet's path as diagnostics show it.
    path: str
    #: The fact sheet's folder: relative URLs resolve against it (and only it, the templates and styles).
    source_dir: Path
    sheet: FactSheet
    marks: SourceMap
    audience: Audience | None
    html: bool
    pdf: bool
    theme: Theme
    #: sha256 of the sheet's text, its path as shown, the options, the theme and the toolchain.
    key: str
    #: The note's locales (formatting.SUPPORTED_LOCALES), resolved: one note per locale (`note_stems`).
    locales: tuple[str, ...] = ("en-GB",)
    #: With two locales, also the side-by-side note.
    parallel: bool = False
    #: The PDF variant (Options.pdf_variant), or None.
    pdf_variant: str | None = None
    #: Whether to write the Word document, and the reference document it starts from (Options.docx_reference).
    docx: bool = False
    docx_reference: ReferenceDocument | None = None
    #: What changed since the earlier briefs (across/since.py), or None: no earlier brief, or the
    #: sheet's `document.since_last_time` is false. Part of the key, so an earlier sheet's change re-renders it.
    since: SinceLastTime | None = None

    @property
    def locale(self) -> str:
        """The first locale: the brief's record (title, dates in the index) is in it."""
        return self.locales[0]


@dataclass(frozen=True)
class PlannedSheet:
    """One fact sheet as planned: its report so far, and its job when it is to be rendered."""

    path: str
    report: Report
    sheet_id: str | None
    job: Job | None
    #: Why nothing of it is released at the plan's release level, or None.
    withheld: str | None = None
    #: Set when the output folder already holds this sheet's outputs for the same key: the
    #: sheet was neither parsed nor validated again, and its report is the one recorded.
    reused: str | None = None
    #: The valid sheet itself, kept only by `plan(keep_sheets=True)`: for a driver that reads what the
    #: sheets say without rendering them (briefgen query), so that it need not parse them again.
    sheet: FactSheet | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Plan:
    options: Options
    sheets: tuple[PlannedSheet, ...]
    #: The paths the plan was asked for, and every fact sheet found under them (in any shard).
    roots: tuple[Path, ...] = ()
    found: frozenset[str] = frozenset()
    #: sha256 of every fact sheet found (in any shard) with its key: the shards of one build
    #: share it, so `assemble` can tell a stale or foreign shard.
    digest: str = ""
    #: Whether the output folder must hold exactly this plan's briefs: releases and shards
    #: (a brief withdrawn, made invalid, deleted or moved to another shard is removed).
    exact: bool = False
    #: The registry's own warnings from the checks across sheets (`registry-unused`, at its lines):
    #: a command reports them only when the plan read the project's whole briefs folder.
    registry_findings: tuple[Diagnostic, ...] = ()

    @property
    def audience(self) -> Audience | None:
        return self.options.audience

    @property
    def release(self) -> str | None:
        """The audience's label, or None for full documents."""
        return self.options.audience.label if self.options.audience is not None else None

    def deleted(self, source: str) -> bool:
        """Whether a brief once built from `source` lost its fact sheet: the sheet lies where this
        plan looked and was not found. Briefs built from elsewhere into the same folder are not."""
        where = Path(source).resolve()
        if source in self.found or where.exists():
            return False
        for root in self.roots:
            resolved = root.resolve()
            if where == resolved or (root.is_dir() and where.is_relative_to(resolved)):
                return True
        return False

    @property
    def theme(self) -> Theme | None:
        return self.options.theme

    @property
    def jobs(self) -> tuple[Job, ...]:
        return tuple(s.job for s in self.sheets if s.job is not None)

    @property
    def reports(self) -> tuple[Report, ...]:
        return tuple(s.report for s in self.sheets)

    def final_reports(self, outcomes: Iterable[Outcome]) -> list[Report]:
        """Each sheet's report with what rendering found added (new Reports; the plan is unchanged)."""
        found: dict[str, list[Diagnostic]] = {}
        for outcome in outcomes:
            found.setdefault(outcome.path, []).extend(outcome.diagnostics)
        return [s.report.extended(found[s.path]) if s.path in found else s.report for s in self.sheets]


@dataclass(frozen=True)
class Outcome:
    """The result of one job: output bytes by file name, what rendering found, and the record."""

    sheet_id: str
    path: str
    key: str
    outputs: Mapping[str, bytes] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The published brief's facts; None when rendering failed.
    record: BriefRecord | None = None
    #: True when the output folder already held this job's outputs (same key): nothing was rendered.
    unchanged: bool = False
    #: Every file the render read besides the sheet (templates, styles, files beside the sheet).
    inputs: tuple[InputFile, ...] = ()

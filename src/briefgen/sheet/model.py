"""The fact-sheet format, version 1: the single source of truth for its shape.

Field descriptions become hover help in editors through the JSON Schema
(`briefgen schema`). The type of each field and its own checks live in `fields.py`;
checks that need more than one field at a time live in `rules.py`; checks that need
a scheme (classification levels) live there too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag
from pydantic.config import JsonDict

from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.completions import editor_choice
from briefgen.sheet.fields import (
    LEVELS_HELP,
    MAX_DURATION_MINUTES,
    MAX_PAGE_LIMIT,
    AmountValue,
    BriefId,
    ClockTime,
    CountryCode,
    CrossRef,
    CurrencyCode,
    HttpUrl,
    IsoDate,
    LanguageTag,
    Level,
    Line,
    OfficeSymbol,
    PortionCaveats,
    PortionPublic,
    SchemeName,
    SheetId,
    SourceRefs,
    TimeZone,
    YearOrDate,
)
from briefgen.sheet.kinds import KINDS
from briefgen.sheet.language_fields import (
    SheetLanguage,
    TranslatedLine,
    TranslatedMarkdown,
    TranslatedText,
    language_context,
)
from briefgen.sheet.scheme import Scheme
from briefgen.sheet.translations import DEFAULT_LANGUAGE, is_translation_mapping

FORMAT_VERSION = 1


class Strict(BaseModel):
    """Base of every format model: unknown keys are errors, no silent coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PortionText(Strict):
    """A portion with a level of its own, or with the sources it rests on."""

    text: TranslatedMarkdown = Field(description="The portion itself (Markdown)")
    classification: Level | None = Field(
        None, description="Level of this portion; unmarked portions have the document's level")
    sources: SourceRefs = Field(default_factory=list)
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


def _portion_tag(value: Any) -> str:
    # A mapping is the portion's keys, or its text per language ({en: …, ja: …}).
    if isinstance(value, dict) and not is_translation_mapping(value, PortionText.model_fields):
        return "mapping"
    return "text"


def _as_portion(value: Any) -> Any:
    return PortionText(text=value, classification=None) if isinstance(value, str) else value


Portion = Annotated[
    Annotated[TranslatedMarkdown, Tag("text")] | Annotated[PortionText, Tag("mapping")],
    Discriminator(_portion_tag),
    AfterValidator(_as_portion),
    # The type lets editors complete a portion as text (or a mapping), not as a bare key.
    Field(description="Markdown text, or {text, classification, sources} to mark its own level or cite sources; "
                      "the text may be given per language, e.g. {en: …, ja: …}",
          json_schema_extra={"type": ["string", "object"]}),
]


class Recommendation(Strict):
    """A recommendation: what the principal is asked to decide (a decision line in an action memo)."""

    text: TranslatedMarkdown = Field(description="The recommendation, e.g. That you agree … (Markdown)")
    decide_by: IsoDate | None = Field(
        None, description="Date the decision is needed by (YYYY-MM-DD); an action memo's is at least five "
                          "business days after document.date")
    classification: Level | None = Field(
        None, description="Level of this recommendation; unmarked ones have the document's level")
    sources: SourceRefs = Field(default_factory=list)
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


def _recommendation_tag(value: Any) -> str:
    if isinstance(value, dict) and not is_translation_mapping(value, Recommendation.model_fields):
        return "mapping"
    return "text"


def _as_recommendation(value: Any) -> Any:
    return Recommendation(text=value) if isinstance(value, str) else value


RecommendationPortion = Annotated[
    Annotated[TranslatedMarkdown, Tag("text")] | Annotated[Recommendation, Tag("mapping")],
    Discriminator(_recommendation_tag),
    AfterValidator(_as_recommendation),
    Field(description="Markdown text, or {text, decide_by, classification} to add a date or a level of its own",
          json_schema_extra={"type": ["string", "object"]}),
]


class Annex(Strict):
    """An annex (UK) or attachment (US, "Tab 1"): a document that goes with the note."""

    title: TranslatedLine = Field(description="Title of the annex, e.g. Draft joint statement")
    body: TranslatedMarkdown | None = Field(
        None, description="Its text (Markdown); leave out for an annex sent separately")
    classification: Level | None = Field(
        None, description="Level of this annex; unmarked annexes have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class CuiDesignation(Strict):
    """The CUI designation indicator of a US document (32 CFR 2002.20): who controls it and how."""

    controlled_by: Line | None = Field(
        None, description="The agency (and office) that designated the information, e.g. Department of State, EAP/J")
    category: Line | None = Field(None, description="CUI category or categories, e.g. PRVCY, or SP-EXPT")
    dissemination: Line | None = Field(
        None, description="Limited dissemination control, e.g. NOFORN, FEDCON (leave out when none applies)")
    contact: Line | None = Field(
        None, description="Point of contact: a name with an e-mail address or telephone number")


class ClassifiedBy(Strict):
    """Who classified the note (E.O. 13526 §1.6(a)(1)-(2)): by name and position, and their office."""

    name: Line = Field(description="Name of the classifier, e.g. Jane Roe")
    title: Line = Field(description="Their position, e.g. Director")
    office: Line | None = Field(None, description="Agency and office of origin, e.g. Department of State, EAP/MTS")


class ClassificationAuthority(Strict):
    """The classification authority block of a US classified note (E.O. 13526 §1.6)."""

    classified_by: ClassifiedBy = Field(description="Who classified it: {name, title, office}")
    reason: Line | None = Field(
        None, description="The §1.4 categories, e.g. \"1.4(b), (d)\" (original classification)")
    derived_from: Line | None = Field(
        None, description="The source of a derivative classification, e.g. \"State SCG 2024, dated 20240115\"")
    declassify_on: Line = Field(
        description="A date (YYYY-MM-DD) after the note's date and at most 25 years on, an exemption "
                    "(25X1…25X9 with a date, 50X1-HUM, 50X2-WMD) or an event")


class Classification(Strict):
    """The sheet's classification: its scheme, overall level and caveats."""

    level: Level = Field(description="Overall level of the document: the highest level of any portion")
    scheme: SchemeName = Field("uk", description=f"The set of levels the sheet uses: {LEVELS_HELP}")
    caveats: list[Line] = Field(default_factory=list, description="Handling caveats, e.g. UK EYES ONLY")
    header: Level | None = Field(
        None, description="Level of the title, meeting and participant block (default: level)")
    cui: CuiDesignation | None = Field(
        None, description="US scheme: the CUI designation indicator {controlled_by, category, dissemination, contact}")
    cleared_for_public: bool = Field(
        False, description="true once the note is cleared for public release (by its press office or "
                           "originator): only then does anything of it reach a public audience")
    authority: ClassificationAuthority | None = Field(
        None, description="US scheme: the classification authority block of a classified note "
                          "{classified_by, reason or derived_from, declassify_on}")
    handling: Line | None = Field(
        None, description="UK scheme: a handling instruction printed on page 1 where the originator restricts "
                          "onward distribution, e.g. Not to be forwarded beyond the addressees")


class Person(Strict):
    """The analyst who drafted the note."""

    name: Line = Field(description="Full name")
    unit: TranslatedLine | None = Field(None, description="Team or department")
    office: OfficeSymbol | None = Field(
        None, description="Office symbol, as State Department memos print it before the name, e.g. EAP/J")


class Clearance(Strict):
    """Someone who cleared the note: a line of a US clearance list, or a UK "cleared by"."""

    name: Line = Field(description="Full name")
    unit: TranslatedLine | None = Field(None, description="Team or department")
    office: OfficeSymbol | None = Field(None, description="Office symbol of the clearing office, e.g. EAP/J or L/EAP")
    date: IsoDate | None = Field(None, description="Date of clearance (YYYY-MM-DD)")


class Document(Strict):
    """About the note itself."""

    date: IsoDate = Field(description="Date of origin of this note (YYYY-MM-DD)")
    reference: Line | None = Field(None, description="File or registry reference")
    version: Line | None = Field(None, description="Version label, as text: quote it, e.g. \"1.10\"")
    status: Literal["draft", "final"] = Field("draft", description="A draft carries a DRAFT watermark")
    drafted_by: Person | None = Field(None, description="Who drafted the note: {name, unit, office}")
    cleared_by: list[Clearance] = Field(
        default_factory=list, description="Who cleared the note: {name, unit, office, date}")
    addressee: TranslatedLine | None = Field(
        None, description="Whom the note is for: the To line of a submission (e.g. Foreign Secretary), "
                          "the ACTION MEMO FOR / INFO MEMO FOR line of a memo (e.g. THE SECRETARY)")
    sender: TranslatedLine | None = Field(
        None, description="Who sends it: the FROM line of a memo (e.g. EAP – Jane Example), the From line of a "
                          "submission (default: drafted_by)")
    contact: Line | None = Field(
        None, description="How readers reach the drafting desk, e.g. a telephone number or e-mail address")
    page_limit: Annotated[int, Field(ge=1, le=MAX_PAGE_LIMIT)] | None = Field(
        None, description="Maximum number of pages; the build warns when exceeded")
    since_last_time: bool = Field(
        True, description="Print the Since last time block: what changed since earlier briefs with the same "
                          "countries, for each framework and commitment they share; false leaves it out")


class Venue(Strict):
    """Where the meeting took place; city and country are required unless it was a call."""

    name: TranslatedLine | None = Field(None, description="Building or place, e.g. Nasrec Expo Centre")
    city: TranslatedLine | None = Field(None, description="City (required unless the meeting is a call)")
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2 code of the host country "
                                                          "(required unless the meeting is a call)")


# Not a call: a venue with a city and a country (the missing-venue rule; format defaults to bilateral).
_VENUE_UNLESS_CALL: JsonDict = {
    "if": {"properties": {"format": {"const": "call"}}, "required": ["format"]},
    "else": {"required": ["venue"],
             "properties": {"venue": {"type": "object", "required": ["city", "country"]}}},
}


class Meeting(Strict):
    """About the meeting."""

    model_config = ConfigDict(json_schema_extra=_VENUE_UNLESS_CALL)

    date: IsoDate = Field(description="Date of the meeting (YYYY-MM-DD)")
    occasion: TranslatedLine | None = Field(
        None, description="The event the meeting took place at, e.g. G20 Leaders' Summit")
    format: Literal["bilateral", "multilateral", "call", "pull-aside"] = Field(
        "bilateral", description="bilateral (participants from two countries), multilateral, call or pull-aside")
    start: ClockTime | None = Field(None, description="Local start time, HH:MM (24-hour)")
    duration_minutes: Annotated[int, Field(gt=0, le=MAX_DURATION_MINUTES)] | None = Field(
        None, description="Length of the meeting in minutes")
    venue: Venue | None = Field(None, description="Required (with city and country) unless format is call")
    timezone: TimeZone | None = Field(
        None, description="IANA time zone of the start time, e.g. Africa/Johannesburg: printed as 13:40 SAST (UTC+2)")


class Participant(Strict):
    """Someone who took part in the meeting."""

    name: Line = Field(description="Full name")
    title: TranslatedLine = Field(description="Office, e.g. Prime Minister of Japan")
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 code of the country the participant represents")
    id: BriefId | None = Field(None, description="A short handle, unique among the participants")
    ref: CrossRef | None = Field(
        None, description="The person across briefs, the same in every sheet that names them, e.g. narendra-modi")
    native_name: Line | None = Field(None, description="Name in the participant's own script")
    native_name_lang: LanguageTag | None = Field(
        None, description="Language of native_name (BCP 47, e.g. ja, hi, ar); default: guessed from its script")
    role: Literal["principal", "delegation"] = Field(
        "delegation", description="principal (leads their side) or delegation")
    bio: TranslatedMarkdown | None = Field(None, description="Short biography (Markdown)")


class Framework(Strict):
    """A framework the meeting reaffirmed, launched or referenced."""

    name: TranslatedLine = Field(description="Name of the framework, e.g. Free and Open Indo-Pacific")
    ref: CrossRef | None = Field(
        None, description="The framework across briefs, the same in every sheet that names it, "
                          "e.g. japan-india-special-strategic-global-partnership")
    status: Literal["reaffirmed", "launched", "referenced"] = Field(
        "reaffirmed", description="What the meeting did with it")
    since: YearOrDate | None = Field(None, description="When it started: YYYY, YYYY-MM or YYYY-MM-DD")
    note: TranslatedMarkdown | None = Field(None, description="A short explanation (Markdown)")
    sources: SourceRefs = Field(default_factory=list)
    classification: Level | None = Field(
        None, description="Level of this item; unmarked items have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


_APPROX_HELP = "true when the value is approximate: printed as \"about …\" (rounded to two significant digits)"


class Money(Strict):
    """A sum of money in one currency."""

    value: AmountValue = Field(description="The amount, a number > 0 without quotes, e.g. 1e13 or 1.25e9; "
                                           "printed exactly as written")
    currency: CurrencyCode = Field(description="ISO 4217 currency code, e.g. JPY")
    approx: bool = Field(False, description=_APPROX_HELP)


def _approx_tag(value: Any) -> str:
    return "approx:list" if isinstance(value, list) else "approx:flag"


class Amount(Strict):
    """The money a commitment involves."""

    value: AmountValue = Field(description="The amount, a number > 0 without quotes, e.g. 1e13 or 1.25e9; "
                                           "printed exactly as written")
    currency: CurrencyCode = Field(description="ISO 4217 currency code, e.g. JPY")
    period: TranslatedLine | None = Field(None, description="e.g. over the next decade")
    # A list here is how format 1 first wrote the equivalents: still read as `equivalents`.
    approx: Annotated[Annotated[bool, Tag("approx:flag")] | Annotated[list[Money], Tag("approx:list")],
                      Discriminator(_approx_tag)] = Field(
        False, description=_APPROX_HELP + " (a list here is read as `equivalents`)")
    equivalents: list[Money] = Field(
        default_factory=list, description="The amount in other currencies, {value, currency}: printed (≈ …)")

    @property
    def approximate(self) -> bool:
        """Whether the value itself is approximate (`approx: true`)."""
        return self.approx is True

    @property
    def in_other_currencies(self) -> tuple[Money, ...]:
        """The equivalents, however the sheet lists them (`equivalents`, or the older list under `approx`)."""
        return (*self.equivalents, *(self.approx if isinstance(self.approx, list) else ()))


class Commitment(Strict):
    """A commitment in one sector."""

    sector: TranslatedLine = Field(description="e.g. Semiconductors")
    summary: TranslatedMarkdown = Field(description="What was committed (Markdown)")
    ref: CrossRef | None = Field(
        None, description="The commitment across briefs, the same in every sheet that follows it, "
                          "e.g. japan-india-investment-target-2022")
    status: Literal["agreed", "reaffirmed", "announced", "proposed", "under-discussion"] = Field(
        "agreed", description="How firm the commitment is")
    parties: list[CountryCode] = Field(
        default_factory=list, description="Countries committed (ISO codes); each should be a participant's")
    organisations: list[Line] = Field(default_factory=list, description="Companies or bodies involved")
    amount: Amount | None = Field(
        None, description="The money involved: {value, currency, approx, period, equivalents}")
    sources: SourceRefs = Field(default_factory=list)
    classification: Level | None = Field(
        None, description="Level of this item; unmarked items have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class FollowUp(Strict):
    """An action to take after the meeting."""

    action: TranslatedText = Field(description="What is to be done (Markdown)")
    owner: TranslatedLine | None = Field(None, description="Who does it")
    due: IsoDate | None = Field(None, description="By when (YYYY-MM-DD)")
    commitment: CrossRef | None = Field(
        None, description="The `ref` of the commitment this action follows up: it joins that commitment's timeline "
                          "across briefs")
    done: bool = Field(False, description="true once the action is done: a done action is never overdue")
    classification: Level | None = Field(
        None, description="Level of this item; unmarked items have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class Section(Strict):
    """A free-form section of the note."""

    heading: TranslatedLine = Field(description="Heading of the section")
    body: TranslatedMarkdown = Field(description="The text (Markdown)")
    kind: Literal["background", "sensitivities", "press-lines", "other"] | None = Field(
        None, description="Where the section goes: background (near the end) or sensitivities, press-lines, other "
                          "(after the points); default: background when the heading starts with Background or Context")
    classification: Level | None = Field(
        None, description="Level of this section; unmarked sections have the document's level")
    caveats: PortionCaveats = None
    cleared_for_public: PortionPublic = None


class Source(Strict):
    """A report or readout that facts come from."""

    id: Line = Field(description="The name frameworks and commitments cite it by; unique")
    title: Line = Field(description="Title of the report")
    publisher: Line | None = Field(None, description="e.g. ANI")
    date: IsoDate | None = Field(None, description="Publication date (YYYY-MM-DD)")
    url: HttpUrl | None = Field(None, description="Where the source can be found: an http:// or https:// link")


def _levels_by_scheme(schema: dict[str, Any]) -> None:
    """Narrow every level in the sheet to an enum of the sheet's scheme (if/then/else on the scheme).

    The scheme defaults to the first one (uk), so the last scheme is the `else` of a
    chain of ifs: a sheet without `scheme` gets the default's levels.
    """
    names = list(SCHEMES)
    default = Classification.model_fields["scheme"].default
    ordered = [name for name in names if name != default] + [default]

    def narrowed(scheme: Scheme) -> dict[str, Any]:
        level = {"enum": list(scheme.levels)}
        item = {"properties": {"classification": level}}
        # Caveats are offered as the scheme's file declares them (a family by its example); the
        # scheme's register checks what is written (scheme.Scheme.parse).
        caveats = {"items": {"defaultSnippets": [
            editor_choice(c.shown, f'"{c.shown}"' if ", " in c.shown else c.shown,
                          f"{c.kind.replace('-', ' ')} ({c.source})" if c.source else c.kind.replace("-", " "))
            for c in scheme.caveats]}}
        return {"properties": {
            "classification": {"properties": {"level": level, "header": level, "caveats": caveats}},
            **{name: item for name in SINGLE_PORTIONS},
            **{name: {"items": item} for name in (*PORTION_LISTS, *CLASSIFIED_ITEMS)},
        }}

    chain: dict[str, Any] = narrowed(SCHEMES[ordered[-1]])
    for name in reversed(ordered[:-1]):
        chain = {
            "if": {"properties": {"classification": {"properties": {"scheme": {"const": name}},
                                                     "required": ["scheme"]}},
                   "required": ["classification"]},
            "then": narrowed(SCHEMES[name]),
            "else": chain,
        }
    schema["allOf"] = [chain]


def _parts_by_kind(schema: dict[str, Any]) -> None:
    """What each kind requires (kinds.py), as if/then conditions on `kind`: editors underline
    a submission without `recommendations` as `check` does (missing-for-kind)."""
    for kind in KINDS.values():
        lists = [p.sheet_key for p in kind.required if p.sheet_key in PORTION_LISTS]
        keys = [p.sheet_key for p in kind.required if p.sheet_key != "summary"]
        document = [key for key, _ in kind.document_keys]
        if not keys and not document:
            continue
        then: dict[str, Any] = {"required": keys, "properties": {key: {"minItems": 1} for key in lists}}
        if document:
            then["properties"]["document"] = {"required": document}
        schema["allOf"].append({"if": {"properties": {"kind": {"const": kind.name}}, "required": ["kind"]},
                                "then": then})


def _sheet_conditions(schema: dict[str, Any]) -> None:
    _levels_by_scheme(schema)
    _parts_by_kind(schema)


class FactSheet(Strict):
    """A fact sheet about one diplomatic meeting (format version 1)."""

    model_config = ConfigDict(title="briefgen fact sheet (format 1)", json_schema_extra=_sheet_conditions)

    format: Literal[1] = Field(description="Version of the fact-sheet format: 1")
    kind: Literal["brief", "readout", "submission", "action-memo", "info-memo"] = Field(
        description="brief (before the meeting), readout (after it), submission (UK, to a minister), "
                    "action-memo (US, a decision with Approve/Disapprove lines) or info-memo (US, no decision)")
    id: SheetId | None = Field(None, description="Output file name; default: the file name's stem")
    lang: SheetLanguage = Field(
        DEFAULT_LANGUAGE, description="The language the sheet is written in (BCP 47, e.g. en, en-GB, ja): a text "
                                      "given per language ({en: …, ja: …}) must hold it; default en")
    title: TranslatedLine = Field(
        description="Title of the note, e.g. Japan–India bilateral meeting at the G20 Leaders' Summit")
    classification: Classification = Field(description="Scheme, overall level, caveats and header level")
    document: Document = Field(description="About this note: date, reference, version, status, authors")
    meeting: Meeting = Field(description="About the meeting: date, occasion, format, start, venue")
    participants: Annotated[list[Participant], Field(min_length=2)] = Field(
        description="Who took part: at least two")
    summary: Portion = Field(description="The bottom line up front")
    frameworks: list[Framework] = Field(
        default_factory=list, description="Frameworks reaffirmed, launched or referenced")
    commitments: list[Commitment] = Field(default_factory=list, description="Sector commitments")
    objectives: list[Portion] = Field(default_factory=list, description="What the meeting should achieve (briefs)")
    talking_points: list[Portion] = Field(default_factory=list, description="Points to make (mainly for briefs)")
    outcomes: list[Portion] = Field(
        default_factory=list, description="What came out of the meeting (mainly for readouts)")
    follow_up: list[FollowUp] = Field(default_factory=list, description="Actions to take")
    comment: Portion | None = Field(None, description="The drafter's comment on the meeting (readouts)")
    issues_for_discussion: list[Portion] = Field(
        default_factory=list, description="Issues the principal will discuss, in agenda order (briefs)")
    lines_to_take: list[Portion] = Field(
        default_factory=list, description="The positions the principal takes, in words that can be used (briefs)")
    if_pressed: list[Portion] = Field(
        default_factory=list, description="Defensive lines, used only if the other side presses the point (briefs)")
    recommendations: list[RecommendationPortion] = Field(
        default_factory=list, description="What the principal is asked to decide (submissions; action memos print "
                                          "each with Approve / Disapprove lines)")
    timing: Portion | None = Field(
        None, description="When a decision is needed and why (submissions), e.g. Urgent: by 12 March, before …")
    argument: list[Portion] = Field(
        default_factory=list, description="The case for the recommendation, and against it (submissions)")
    discussion: list[Portion] = Field(
        default_factory=list, description="The analysis behind the memo (action and information memos)")
    presentation: list[Portion] = Field(
        default_factory=list, description="Presentation and handling: press, Parliament, partners (submissions)")
    sections: list[Section] = Field(
        default_factory=list, description="Free-form sections: Background, Sensitivities, Press lines…")
    sources: list[Source] = Field(default_factory=list, description="Reports and readouts that the facts come from")
    annexes: list[Annex] = Field(
        default_factory=list, description="Annexes (UK: Annex A, B…) or attachments (US memos: Tab 1, 2…), "
                                          "printed after the note: {title, body}")
    distribution: list[Line] = Field(
        default_factory=list, description="Who receives a copy, e.g. PS/Foreign Secretary (printed as Copy to "
                                          "in a submission, Distribution otherwise)")

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate a sheet, telling its translated texts the sheet's language (`lang`, see translations.py).

        The other options go on to pydantic as given: which ones it takes depends on its version
        (`extra` came in 2.12, `by_name` in 2.11), and naming them here would pin it to one.
        """
        options["context"] = language_context(obj, options.get("context"))
        return super().model_validate(obj, **options)


#: The parts of a sheet that carry a classification of their own, besides `summary`:
#: lists of portions, and lists of items with a `classification` key. The rules and
#: the release cut both go through these, so a new classified part is added here once.
PORTION_LISTS = ("objectives", "talking_points", "outcomes", "issues_for_discussion", "lines_to_take",
                 "if_pressed", "recommendations", "argument", "discussion", "presentation")
#: Single portions besides `summary`, walked like it.
SINGLE_PORTIONS = ("summary", "comment", "timing")
CLASSIFIED_ITEMS = ("frameworks", "commitments", "follow_up", "sections", "annexes")
#: The parts of a sheet that have the header's level (title, document, meeting, participants…):
#: released whenever the brief is. Every other top-level key is cut portion by portion.
HEADER_FIELDS = ("format", "kind", "id", "lang", "title", "classification", "document", "meeting", "participants",
                 "distribution")

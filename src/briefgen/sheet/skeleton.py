"""`briefgen new`: a commented fact-sheet skeleton of each kind to fill in.

The kinds table (kinds.py) decides what a skeleton holds: the parts its kind requires are
written out with TODO text, the others follow as comments in the kind's reading order.
"""

from __future__ import annotations

import datetime as _dt

from briefgen.sheet.kinds import KINDS, Kind

_HEAD = """\
{modeline}# A briefgen fact sheet (format 1). Replace every TODO; `briefgen check` lists the
# ones still left as `placeholder` warnings. Reference: docs/factsheet.md
format: 1
kind: {kind}{kind_pad}# {what}
id: "{id}"
{lang_line}title: "TODO: {title}"
classification:
  level: {level}{level_pad}# {levels}
  scheme: {scheme}                      # {other_levels}
  caveats: []                     # e.g. [UK EYES ONLY]: a portion may set its own
  cleared_for_public: false       # true once the press office clears it for the public site
document:
  date: {today}                # date of origin, YYYY-MM-DD
  reference: "TODO: file reference"
  version: "0.1"                  # quoted, so 0.10 stays 0.10
  status: draft                   # draft (watermarked) or final: a final note needs a contact
  # contact: "Your desk, desk@example.org"   # how readers reach you (telephone or e-mail)
{document_lines}  drafted_by:
    name: "TODO: your name"
    unit: "TODO: your unit"
{office_line}#   cleared_by:
#     - {{name: Head of Department, {clearance_office}date: {today}}}
meeting:
  date: {meeting_date}                # YYYY-MM-DD
  occasion: "TODO: the summit or visit, or remove this line"
  format: bilateral               # bilateral, multilateral, call or pull-aside
  start: "09:00"                  # local time, HH:MM (quoted)
  duration_minutes: 30
  venue:                          # required unless format is call
    name: "TODO: building or venue"
    city: "TODO: city"
    country: {country}                   # ISO 3166-1 alpha-2 code: JP, IN, ZA…
participants:                     # at least two
  - id: principal-1
    name: "TODO: full name"
    title: "TODO: office, e.g. Prime Minister of Japan"
    country: {country}                   # ISO 3166-1 alpha-2 code
    role: principal               # principal or delegation
  - id: principal-2
    name: "TODO: full name"
    title: "TODO: office"
    country: FR
    role: principal
"""

#: What the document block of a kind says about its addressee and sender lines.
_DOCUMENT_LINES = {
    "addressee": '  addressee: "TODO: {label} whom, e.g. {example}"\n',
    "sender": '  sender: "TODO: FROM whom, e.g. EAP – Jane Example, Assistant Secretary"\n',
}
_ADDRESSEES = {"To": "Foreign Secretary", "ACTION MEMO FOR": "THE SECRETARY", "INFO MEMO FOR": "THE SECRETARY"}

#: Each part of a kind, written out (the kind requires it) or as a comment: (written, commented).
#: `{heading}` is the part's heading in the kind; `{due}` a date the skeleton may use.
_PARTS: dict[str, tuple[str, str]] = {
    "summary": ('summary: "TODO: {summary}"\n', ""),
    "objectives": (
        'objectives:\n'
        '  - "TODO: what the meeting should achieve"\n',
        "# objectives:                     # what the meeting should achieve\n"
        "#   - Agree a date for the next round.\n"),
    "issues_for_discussion": (
        'issues_for_discussion:\n'
        '  - "TODO: an issue the principal will discuss"\n',
        "# issues_for_discussion:          # the agenda, in order\n"
        "#   - Trade and investment.\n"),
    "talking_points": (
        'talking_points:\n'
        '  - "TODO: first talking point"\n',
        "# talking_points:                 # points to make\n"
        "#   - Welcome the minister's first visit.\n"),
    "lines_to_take": (
        'lines_to_take:\n'
        '  - "TODO: a line the principal takes"\n',
        "# lines_to_take:                  # positions, in words that can be used\n"
        "#   - The UK supports the bid and will say so to partners.\n"),
    "if_pressed": (
        'if_pressed:\n'
        '  - "TODO: a defensive line"\n',
        "# if_pressed:                     # defensive lines, only if the point is pressed\n"
        "#   - \"[On visas] Every application is decided on its merits.\"\n"),
    # An outcome states a fact, so it cites the source it rests on (the `uncited` warning).
    "outcomes": (
        'outcomes:\n'
        '  - text: "TODO: first outcome"\n'
        '    sources: [source-1]           # the source it rests on\n',
        "# outcomes:\n"
        "#   - Both sides agreed to meet again in the autumn.\n"),
    "comment": ('comment: "TODO: your comment on the meeting"\n',
                "# comment: The drafter's comment on the meeting.\n"),
    "recommendations": (
        'recommendations:\n'
        '  - "TODO: That you agree …"\n', ""),
    "timing": ('timing: "TODO: when a decision is needed and why, e.g. Urgent: by {due}, before the visit"\n', ""),
    "argument": (
        'argument:                         # the case for the recommendation, and against it\n'
        '  - "TODO: the main argument"\n', ""),
    "discussion": (
        'discussion:                       # the analysis behind the memo\n'
        '  - "TODO: the first point of the discussion"\n',
        "# discussion:                     # the analysis behind the memo\n"
        "#   - What the other side wants, and why.\n"),
    "presentation": (
        "", "# presentation:                   # Presentation and handling: press, Parliament, partners\n"
            "#   - A joint statement, then a written ministerial statement.\n"),
    "follow_up": (
        "", "# follow_up:                      # actions ({heading})\n"
            "#   - action: What is to be done\n"
            "#     owner: Who does it\n"
            "#     due: {due}\n"),
    "frameworks": (
        "", "# frameworks:                     # reaffirmed frameworks\n"
            "#   - name: Free and Open Indo-Pacific\n"
            "#     status: reaffirmed          # reaffirmed, launched or referenced\n"
            "#     sources: [source-1]\n"),
    "commitments": (
        "", "# commitments:\n"
            "#   - sector: Investment\n"
            "#     summary: What was committed, in Markdown.\n"
            "#     status: agreed              # agreed, reaffirmed, announced, proposed, under-discussion\n"
            "#     parties: [GB, FR]\n"
            "#     amount: {{value: 10000000000000, currency: JPY, period: over the next decade}}\n"
            "#     sources: [source-1]         # every framework, commitment and outcome cites one\n"),
    "sections:background": (
        "", "# sections:                       # free sections; Background goes where the kind puts it\n"
            "#   - heading: Background\n"
            "#     body: Free text in Markdown.\n"),
    "sources": (
        'sources:\n'
        '  - id: source-1\n'
        '    title: "TODO: title of the report or readout"\n'
        '    publisher: "TODO: publisher"\n', ""),
}
#: An action memo's recommendations: each is printed with Approve / Disapprove lines.
_DECISIONS = ('recommendations:                  # each is printed with Approve / Disapprove lines\n'
              '  - text: "TODO: That you approve …"\n'
              '    decide_by: {due}              # at least five business days after document.date\n')
_END = ("# annexes:                        # {annexes}, printed after the note\n"
        "#   - title: Draft joint statement\n#     body: The text, in Markdown.\n"
        "# distribution:                   # {distribution}\n#   - {copy}\n")
_LEVELS = {"uk": "uk scheme: OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET",
           "us": "us scheme: UNCLASSIFIED, CUI, CONFIDENTIAL, SECRET, TOP SECRET"}
_SUMMARIES = {"Issue": "the issue in one or two sentences: what is to be decided, and why now",
              "BLUF": "the bottom line up front, in at most four lines",
              "Summary": "the bottom line up front, in two or three sentences"}
#: Parts a skeleton writes out although its kind does not require them (a first point to fill in).
_STARTERS = {"brief": ("talking_points",), "readout": ("outcomes",)}
_TITLES = {"submission": "one-line subject, e.g. Whether to co-host the North Sea exercise",
           "action-memo": "one-line subject, e.g. Approval to open export-licence talks",
           "info-memo": "one-line subject, e.g. What to expect at the ministerial"}


def skeleton(sheet_id: str, kind: str, schema: str | None, today: _dt.date, lang: str | None = None) -> str:
    """The text of a new fact sheet of `kind` that passes `check` with placeholder warnings only.

    `schema` is the path of the project's JSON Schema relative to the new file's folder
    (editors validate through the first-line modeline); None outside a brief repository.
    `lang` is the language the sheet is written in (`lang:`); None leaves it to the default, en.
    """
    spec = KINDS[kind]
    modeline = (f"# yaml-language-server: $schema={schema}\n" if schema else
                "# (In a brief repository made by `briefgen init`, this line points editors at the schema.)\n")
    us = spec.dates == "us"
    # A memo and a submission come before the meeting; seven days hold five business days.
    due = (today + _dt.timedelta(days=7)).isoformat()
    labels = dict(spec.document_keys)
    document_lines = "".join(_DOCUMENT_LINES[key].format(label=label, example=_ADDRESSEES.get(label, ""))
                             for key, label in spec.document_keys)
    level = "UNCLASSIFIED" if us else "OFFICIAL"
    head = _HEAD.format(
        modeline=modeline, what=spec.format_of, kind=kind, kind_pad=" " * max(1, 28 - len(kind)), id=sheet_id,
        lang_line=f"lang: {lang}{' ' * max(1, 28 - len(lang))}# the language of its text; a text may also be "
                  f"given per language, {{{lang}: …, en: …}}\n" if lang else "",
        title=_TITLES.get(kind, "one-line title, e.g. Japan–India bilateral meeting at the G20 Summit"),
        level=level, level_pad=" " * (25 - len(level)),
        levels=_LEVELS["us" if us else "uk"], other_levels="or " + _LEVELS["uk" if us else "us"],
        scheme="us" if us else "uk", today=today.isoformat(), document_lines=document_lines,
        office_line="    # office: EAP/J                 # office symbol, printed before your name\n" if us else "",
        clearance_office="office: EAP/J, " if us else "unit: Team, ",
        meeting_date=due if "addressee" in labels else today.isoformat(), country="US" if us else "GB")
    return head + _body(spec, due)


def _body(spec: Kind, due: str) -> str:
    written = {part.key for part in spec.required} | set(_STARTERS.get(spec.name, ()))
    out = []
    for part in spec.parts:
        key = part.key if part.key in _PARTS else part.sheet_key
        if key not in _PARTS or key == "sections:other" or key == "participants":
            continue
        text, commented = _PARTS[key]
        if key == "recommendations" and spec.decision_lines:
            text = _DECISIONS
        chosen = text if part.key in written or key == "sources" else commented
        out.append(chosen.format(heading=part.heading, due=due, summary=_SUMMARIES.get(part.heading, "")))
    out.append(_END.format(annexes=f"{spec.annexes_heading} ({spec.annex_name(0)}, {spec.annex_name(1)}…)",
                           distribution=f"{spec.distribution_heading}: who receives a copy",
                           copy="EAP" if spec.dates == "us" else "PS/Foreign Secretary"))
    return "".join(out)

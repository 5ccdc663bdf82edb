"""`briefgen new`: a commented fact-sheet skeleton to fill in."""

from __future__ import annotations

import datetime as _dt

_TEMPLATE = """\
{modeline}# A briefgen fact sheet (format 1). Replace every TODO; `briefgen check` lists the
# ones still left as `placeholder` warnings. Reference: docs/factsheet.md
format: 1
kind: {kind}                      # brief (before the meeting) or readout (after it)
id: "{id}"
title: "TODO: one-line title, e.g. Japan–India bilateral meeting at the G20 Summit"
classification:
  level: OFFICIAL                 # uk scheme: OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET
  scheme: uk                      # or us: UNCLASSIFIED, CUI, CONFIDENTIAL, SECRET, TOP SECRET
  caveats: []                     # e.g. [UK EYES ONLY]: a portion may set its own
  cleared_for_public: false       # true once the press office clears it for the public site
document:
  date: {today}                # date of origin, YYYY-MM-DD
  reference: "TODO: file reference"
  version: "0.1"                  # quoted, so 0.10 stays 0.10
  status: draft                   # draft (watermarked) or final: a final note needs a contact
  # contact: "Your desk, desk@example.org"   # how readers reach you (telephone or e-mail)
  drafted_by:
    name: "TODO: your name"
    unit: "TODO: your unit"
meeting:
  date: {today}                # YYYY-MM-DD
  occasion: "TODO: the summit or visit, or remove this line"
  format: bilateral               # bilateral, multilateral, call or pull-aside
  start: "09:00"                  # local time, HH:MM (quoted)
  duration_minutes: 30
  venue:                          # required unless format is call
    name: "TODO: building or venue"
    city: "TODO: city"
    country: GB                   # ISO 3166-1 alpha-2 code: JP, IN, ZA…
participants:                     # at least two
  - id: principal-1
    name: "TODO: full name"
    title: "TODO: office, e.g. Prime Minister of Japan"
    country: GB                   # ISO 3166-1 alpha-2 code
    role: principal               # principal or delegation
  - id: principal-2
    name: "TODO: full name"
    title: "TODO: office"
    country: FR
    role: principal
summary: "TODO: the bottom line up front, in two or three sentences"
{points_key}:
{first_point}
# frameworks:                     # reaffirmed frameworks
#   - name: Free and Open Indo-Pacific
#     status: reaffirmed          # reaffirmed, launched or referenced
#     sources: [source-1]
# commitments:
#   - sector: Investment
#     summary: What was committed, in Markdown.
#     status: agreed              # agreed, reaffirmed, announced, proposed, under-discussion
#     parties: [JP, IN]
#     amount: {{value: 10000000000000, currency: JPY, period: over the next decade}}
#     sources: [source-1]         # every framework, commitment and outcome cites one
# follow_up:
#   - action: What is to be done
#     owner: Who does it
#     due: {today}
# sections:
#   - heading: Background
#     body: Free text in Markdown.
sources:
  - id: source-1
    title: "TODO: title of the report or readout"
    publisher: "TODO: publisher"
"""


def skeleton(sheet_id: str, kind: str, schema: str | None, today: _dt.date) -> str:
    """The text of a new fact sheet that passes `check` with placeholder warnings.

    `schema` is the path of the project's JSON Schema relative to the new file's folder
    (editors validate through the first-line modeline); None outside a brief repository.
    """
    if kind == "brief":
        points_key, first_point = "talking_points", '  - "TODO: first talking point"'
    else:  # an outcome states a fact, so it cites the source it rests on (the `uncited` warning)
        points_key, first_point = "outcomes", ('  - text: "TODO: first outcome"\n'
                                               "    sources: [source-1]           # the source it rests on")
    modeline = (f"# yaml-language-server: $schema={schema}\n" if schema else
                "# (In a brief repository made by `briefgen init`, this line points editors at the schema.)\n")
    return _TEMPLATE.format(modeline=modeline, kind=kind, id=sheet_id, today=today.isoformat(),
                            points_key=points_key, first_point=first_point)

"""Write the hostile corpus: tests/hostile/sheets/*.yaml, each a variation of tests/data/rules/valid.yaml.

Run it again after changing the cases; expected.json (file → expected code and line, or
"clean") is kept by hand, and tests/sheet/test_hostile.py checks every file against it. Files
that would be large, or that must be made at run time (symlinks, FIFOs, unreadable
folders), are made by the test instead.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "sheets"
BASE = (HERE.parent / "data" / "rules" / "valid.yaml").read_text(encoding="utf-8")

MARKDOWN_FIELDS = {
    # name: (old text in BASE, new text with {x} where the payload goes)
    "summary": ("summary: The bottom line up front.", "summary: {x}"),
    "talking-point": ("  - The first point.", "  - {x}"),
    "portion-text": ("  - text: The second point.", "  - text: {x}"),
    "commitment-summary": ("    summary: Private investment over the next decade.", "    summary: {x}"),
    "framework-note": ("    since: 2025-08", "    since: 2025-08\n    note: {x}"),
    "participant-bio": ("    role: principal\n  - id: beta", "    role: principal\n    bio: {x}\n  - id: beta"),
    "section-body": ("sources:\n", "sections:\n  - heading: Background\n    body: {x}\nsources:\n"),
    "outcome": ("sources:\n", "outcomes:\n  - {x}\nsources:\n"),
    "follow-up": ("sources:\n", "follow_up:\n  - action: {x}\nsources:\n"),
}
LINE_FIELDS = {
    "title": ("title: Test bilateral meeting", "title: {x}"),
    "occasion": ("  occasion: G20 Leaders' Summit", "  occasion: {x}"),
    "venue-city": ("    city: Johannesburg", "    city: {x}"),
    "participant-name": ("    name: Alpha Person", "    name: {x}"),
    "participant-title": ("    title: Prime Minister of Japan", "    title: {x}"),
    "drafted-by": ("{name: Test Analyst, unit: Test Desk}", "{name: {x}, unit: Test Desk}"),
    "source-title": ("    title: A report on the meeting", "    title: {x}"),
    "framework-name": ("  - name: Joint Vision for the Next Decade", "  - name: {x}"),
    "sector": ("  - sector: Investment", "  - sector: {x}"),
    "version": ('  version: "1.0"', "  version: {x}"),
}

XSS = {
    "script": '"<script>alert(1)</script>"',
    "style": '"<style>body{display:none}</style> text"',
    "iframe": '"<iframe src=\\"https://evil.example\\"></iframe> text"',
    "javascript-link": '"[click](javascript:alert(1))"',
    "data-html-link": '"[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"',
    "autolink-javascript": '"<javascript:alert(1)>"',
    "file-image": '"![x](file:///etc/passwd)"',
    "http-image": '"![x](http://evil.example/x.png)"',
    "svg-onload": '"<svg onload=alert(1)>"',
}


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def cases() -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    # --- syntax and encoding -------------------------------------------------------
    out["syntax-unclosed-quote"] = edit("title: Test bilateral meeting", 'title: "Test bilateral meeting')
    out["syntax-tab-indent"] = edit("  level: OFFICIAL-SENSITIVE", "\tlevel: OFFICIAL-SENSITIVE")
    out["syntax-colon-in-value"] = edit("title: Test bilateral meeting", "title: Japan: a readout")
    out["syntax-bad-indent"] = edit("    city: Johannesburg", "      city: Johannesburg")
    out["syntax-unclosed-flow"] = edit("    parties: [JP, IN]", "    parties: [JP, IN")
    out["syntax-at-sign"] = edit("title: Test bilateral meeting", "title: @handle")
    out["syntax-backtick"] = edit("title: Test bilateral meeting", "title: `code`")
    out["syntax-nul-byte"] = edit("title: Test bilateral meeting", "title: Test\x00meeting")
    out["syntax-raw-escape"] = edit("title: Test bilateral meeting", "title: Test \x1b[2J meeting")
    out["encoding-latin1"] = edit("title: Test bilateral meeting", "title: Caf\udce9").encode("utf-8", "surrogateescape")
    out["encoding-utf16"] = BASE.encode("utf-16")
    out["bom-utf8"] = b"\xef\xbb\xbf" + BASE.encode("utf-8")
    out["crlf-line-ends"] = BASE.replace("\n", "\r\n")
    out["empty"] = ""
    out["whitespace-only"] = "   \n\n\t\n"
    out["comments-only"] = "# nothing here\n# at all\n"
    out["null-document"] = "~\n"
    out["scalar-document"] = "just text\n"
    out["list-document"] = "- a\n- b\n"
    out["multiple-documents"] = BASE + "---\nformat: 1\n"
    # --- structure -----------------------------------------------------------------
    out["deep-nesting"] = BASE + "extra: " + "[" * 60 + "]" * 60 + "\n"
    out["alias-bomb"] = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                         + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
                                   f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
                                   for i in range(8)))
    out["duplicate-key-top"] = BASE + "title: Another title\n"
    out["duplicate-key-nested"] = edit("    city: Johannesburg", "    city: Johannesburg\n    city: Pretoria")
    out["duplicate-key-list-item"] = edit("    role: principal\n  - id: beta", "    role: principal\n    role: delegation\n  - id: beta")
    out["duplicate-key-flow"] = edit("{name: Test Analyst, unit: Test Desk}", "{name: Test Analyst, name: Other}")
    out["tag-python"] = edit("title: Test bilateral meeting", "title: !!python/object/apply:os.system [id]")
    out["tag-custom"] = edit("title: Test bilateral meeting", "title: !custom Test")
    out["tag-binary"] = edit("title: Test bilateral meeting", "title: !!binary aGVsbG8=")
    out["tag-int-mismatch"] = edit("  page_limit: 4", "  page_limit: !!int four") if "page_limit" in BASE else \
        edit('  version: "1.0"', '  version: "1.0"\n  page_limit: !!int four')
    out["merge-key"] = edit("meeting:\n", "base: &base {x: 1}\nmeeting:\n  <<: *base\n")
    out["key-not-string"] = BASE + "1: one\n"
    out["key-is-list"] = BASE + "? [a, b]\n: value\n"
    out["unknown-key"] = BASE + "titel: typo\n"
    out["many-items"] = edit("  - The first point.", "\n".join(f"  - Point {i}." for i in range(250)))
    # --- text ----------------------------------------------------------------------
    out["title-too-long"] = edit("title: Test bilateral meeting", "title: " + "long " * 120)
    out["summary-too-long"] = edit("summary: The bottom line up front.", "summary: " + "word " * 4100)
    out["title-escape-quoted"] = edit("title: Test bilateral meeting", 'title: "Test \\e]0;pwned\\a meeting"')
    out["title-csi-quoted"] = edit("title: Test bilateral meeting", 'title: "Test \\e[2J meeting"')
    out["title-nul-quoted"] = edit("title: Test bilateral meeting", 'title: "Test \\0 meeting"')
    out["title-newline-quoted"] = edit("title: Test bilateral meeting",
                                       'title: "Test\\nsheet.yaml:1:1: error[forged]: fake"')
    out["title-cr"] = edit("title: Test bilateral meeting", 'title: "Test\\rmeeting"')
    out["title-nel"] = edit("title: Test bilateral meeting", 'title: "Test\\Nmeeting"')
    out["title-line-separator"] = edit("title: Test bilateral meeting", 'title: "Test\\Lmeeting"')
    out["title-bidi-override"] = edit("title: Test bilateral meeting", 'title: "Test \\u202egnitee\\u202c m"')
    out["title-hangul-filler"] = edit("title: Test bilateral meeting", 'title: "\\u3164\\u3164"')
    out["title-braille-blank"] = edit("title: Test bilateral meeting", 'title: "\\u2800"')
    out["title-bom-only"] = edit("title: Test bilateral meeting", 'title: "\\ufeff \\u200b"')
    out["summary-bell"] = edit("summary: The bottom line up front.", 'summary: "bottom \\a line"')
    out["summary-escape-in-block"] = edit("summary: The bottom line up front.", 'summary: "a\\n\\e[31mred\\n"')
    out["unknown-key-escape"] = BASE + '"\\e]0;pwned\\a": 1\n'
    out["title-rtl"] = edit("title: Test bilateral meeting", "title: اجتماع ثنائي")
    out["title-combining"] = edit("title: Test bilateral meeting", "title: Te\u0301st me\u0308eting Z\u0351\u0352\u0353")
    out["title-cjk"] = edit("title: Test bilateral meeting", "title: 日印首脳会談")
    out["title-emoji"] = edit("title: Test bilateral meeting", "title: Meeting 🤝")
    # --- wrong types -----------------------------------------------------------------
    for name, (old, new) in LINE_FIELDS.items():
        out[f"wrong-type-{name}"] = edit(old, new.replace("{x}", "[a, b]"))
    for name, (old, new) in MARKDOWN_FIELDS.items():
        out[f"wrong-type-{name}"] = edit(old, new.replace("{x}", "{a: b}"))
    out["wrong-type-participants"] = edit("participants:\n", "participants: many\nx-old:\n")
    out["wrong-type-meeting-date"] = edit("  date: 2025-11-23", "  date: [2025]")
    out["wrong-type-amount"] = edit("{value: 100, currency: JPY}", '{value: "100", currency: JPY}')
    out["wrong-type-parties"] = edit("    parties: [JP, IN]", "    parties: JP")
    out["wrong-type-format"] = edit("format: 1", "format: one")
    out["wrong-type-root-list"] = "- " + BASE.replace("\n", "\n  ")
    # --- dates and numbers -------------------------------------------------------------
    out["date-feb-30"] = edit("  date: 2025-11-23", "  date: 2025-02-30")
    out["date-month-13"] = edit("  date: 2025-11-23", "  date: 2025-13-01")
    out["date-year-0"] = edit("  date: 2025-11-23", "  date: 0000-01-01")
    out["time-25h"] = edit('  start: "13:40"', '  start: "25:00"')
    out["int-5000-digits"] = edit('  version: "1.0"', '  version: "1.0"\n  page_limit: ' + "9" * 5000)
    out["hex-5000-digits"] = edit('  version: "1.0"', '  version: "1.0"\n  page_limit: 0x' + "f" * 5000)
    out["int-key-5000-digits"] = BASE + "9" * 5000 + ": x\n"
    out["duration-1e29"] = edit('  start: "13:40"', '  start: "13:40"\n  duration_minutes: 1' + "0" * 29)
    out["duration-too-long"] = edit('  start: "13:40"', '  start: "13:40"\n  duration_minutes: 20000')
    out["page-limit-huge"] = edit('  version: "1.0"', '  version: "1.0"\n  page_limit: 100000')
    out["amount-1e300"] = edit("{value: 100, currency: JPY}", "{value: 1e300, currency: JPY}")
    out["amount-1e999"] = edit("{value: 100, currency: JPY}", "{value: 1e999, currency: JPY}")
    out["amount-inf"] = edit("{value: 100, currency: JPY}", "{value: .inf, currency: JPY}")
    out["amount-nan"] = edit("{value: 100, currency: JPY}", "{value: .nan, currency: JPY}")
    out["amount-tiny"] = edit("{value: 100, currency: JPY}", "{value: 0.004, currency: JPY}")
    out["amount-largest"] = edit("{value: 100, currency: JPY}", "{value: 1e15, currency: JPY}")
    out["country-padded"] = edit("    country: JP", '    country: " JP "')
    out["country-lower"] = edit("    country: JP", "    country: jp")
    # --- Markdown cost -----------------------------------------------------------------
    out["blockquotes-150"] = edit("summary: The bottom line up front.", 'summary: "' + ">" * 150 + ' deep"')
    out["blockquotes-9"] = edit("summary: The bottom line up front.", "summary: |\n  " + "> " * 9 + "deep")
    out["blockquotes-8"] = edit("summary: The bottom line up front.", "summary: |\n  " + "> " * 8 + "deep")
    out["lists-nested-deep"] = edit("summary: The bottom line up front.", "summary: |\n" + "".join(
        "  " + "    " * i + "- level\n" for i in range(40)))
    out["lists-one-line-deep"] = edit("summary: The bottom line up front.", 'summary: "' + "- " * 100 + 'x"')
    out["brackets-many"] = edit("summary: The bottom line up front.", 'summary: "' + "[" * 15000 + '"')
    out["emphasis-many"] = edit("summary: The bottom line up front.", 'summary: "' + "*a*" * 400 + '"')
    out["lines-many"] = edit("summary: The bottom line up front.", "summary: |\n" + "  -\n" * 400)
    out["brackets-20k"] = edit("summary: The bottom line up front.", 'summary: "' + "[" * 20480 + '"')
    # --- Markdown and Jinja injection (clean: the build shows them as text) --------------
    for field, (old, new) in MARKDOWN_FIELDS.items():
        for attack, payload in XSS.items():
            out[f"xss-{attack}-{field}"] = edit(old, new.replace("{x}", payload))
    for field, (old, new) in {**LINE_FIELDS, **MARKDOWN_FIELDS}.items():
        out[f"jinja-{field}"] = edit(old, new.replace("{x}", '"{{ 7*7 }} {% raw %}x"'))
    # --- ids ------------------------------------------------------------------------------
    out["id-traversal"] = edit("id: rules-base", 'id: "../../etc/passwd"')
    out["id-absolute"] = edit("id: rules-base", 'id: "/tmp/x"')
    out["id-index"] = edit("id: rules-base", "id: index")
    out["id-manifest"] = edit("id: rules-base", "id: manifest")
    out["id-briefgen-prefix"] = edit("id: rules-base", "id: briefgen-lock")
    out["id-trailing-newline"] = edit("id: rules-base", 'id: "nl\\n"')
    out["id-block-newline"] = edit("id: rules-base", "id: |\n  nl")
    out["index"] = edit("id: rules-base\n", "")
    out["participant-id-index"] = edit("  - id: alpha", "  - id: index")
    # Names no file can have on Windows (devices, a trailing dot or space), and ids that
    # differ from another only in case: the brief's files could not be checked out there.
    out["id-windows-con"] = edit("id: rules-base", "id: con")
    out["id-windows-lpt1"] = edit("id: rules-base", "id: lpt1")
    out["id-windows-nul-upper"] = edit("id: rules-base", "id: NUL")
    out["id-trailing-dot"] = edit("id: rules-base", 'id: "g20."')
    out["id-trailing-space"] = edit("id: rules-base", 'id: "g20 "')
    out["id-upper-case"] = edit("id: rules-base", "id: G20-2025")
    out["id-windows-device-prefix"] = edit("id: rules-base", "id: con-talks")
    # A caveat the model rejects reaches the marking rules as None (one-pass partial sheet):
    # it was an internal error, exit 3. Also a REL TO list whose split items include one.
    out["caveat-not-text"] = edit("  scheme: uk\n", "  scheme: uk\n  caveats: [5]\n")
    out["caveat-split-list-not-text"] = edit("  scheme: uk\n", '  scheme: uk\n  caveats: ["UK EYES ONLY", {a: 1}, US]\n')
    return out


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.yaml"):
        old.unlink()
    for name, content in cases().items():
        # Without `id:` each sheet's id is its file name, so that the corpus can be
        # checked and built as one folder (one id for all would be duplicate-build-id).
        raw = content.encode("utf-8") if isinstance(content, str) else content
        raw = re.sub(rb"(?m)^id: rules-base\r?\n", b"", raw)
        (OUT / f"{name}.yaml").write_bytes(raw)


if __name__ == "__main__":
    main()

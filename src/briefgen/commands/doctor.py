"""`briefgen doctor`: what a bug report or a reproducible build needs to know about this machine.

Versions of briefgen, Python, WeasyPrint and the C libraries it prints with (Pango,
HarfBuzz and HarfBuzz-subset, fontconfig), the fonts that cover the scripts analysts
meet, whether each shipped locale can be typeset here, the Python dependencies, and the
`pagefind` binary that builds the site's search.
Each item is a Finding; a missing part is either required (exit 4) or a warning.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import io
import json
import platform
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal

import click

from briefgen import __version__
from briefgen.render.fonts import TYPESET_LOCALES, font_needs, unmet_needs

Status = Literal["ok", "warning", "missing"]

#: Exit code when a required part is missing: the environment cannot build a PDF as promised.
EXIT_ENVIRONMENT = 4

#: Distributions briefgen imports (setup.cfg install_requires, WeasyPrint apart), then
#: the two of WeasyPrint's that decide the bytes of a PDF: pydyf writes it, fontTools
#: subsets fonts when HarfBuzz-subset cannot.
DEPENDENCIES = ("click", "PyYAML", "pydantic", "pycountry", "tzdata", "Jinja2", "Markdown", "nh3", "Babel", "wcwidth",
                "watchfiles", "filelock", "pikepdf", "pyhanko", "pyhanko-certvalidator", "python-docx", "python-pkcs11",
                "pagefind-bin", "pydyf", "fonttools")

# Debian packages of the C libraries WeasyPrint loads.
_PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
_HARFBUZZ_SUBSET_PACKAGE = "libharfbuzz-subset0"
_FONTCONFIG_PACKAGE = "fontconfig"


@dataclass(frozen=True)
class Finding:
    """One line of the report: a name, what was found, and whether that is a problem."""

    name: str
    value: str
    status: Status = "ok"
    #: What to do about a problem ("install fonts-noto-core").
    fix: str | None = None

    def line_value(self) -> str:
        if self.status == "ok":
            return self.value
        label = "missing" if self.status == "missing" else "warning"
        text = f"{label} — {self.fix}" if self.fix else label
        return f"{text} ({self.value})" if self.value else text


@dataclass(frozen=True)
class Script:
    """A writing system a brief may use, and characters any font for it must have."""

    name: str
    sample: str
    packages: tuple[str, ...]
    required: bool = False
    #: What goes wrong without a font, for the report.
    without: str = "its text prints as empty boxes"


SCRIPTS = (
    Script("latin", "AZaz\u00e9\u00df", ("fonts-noto-core",), required=True,
           without="no brief can be printed"),
    Script("japanese", "\u3042\u30a2\u65e5\u672c", ("fonts-ipafont-mincho", "fonts-ipafont-gothic"),
           without="Japanese names print as empty boxes"),
    Script("devanagari", "\u0915\u0928\u093f\u094d", ("fonts-noto-core",),
           without="Hindi names print as empty boxes"),
    Script("arabic", "\u0639\u0631\u0628\u064a", ("fonts-noto-core",),
           without="Arabic names print as empty boxes"),
)


@dataclass(frozen=True)
class Libraries:
    """What WeasyPrint loaded, as WeasyPrint itself sees it."""

    weasyprint: str
    pango: str
    harfbuzz: str | None
    #: WeasyPrint found libharfbuzz-subset.
    harfbuzz_subset: bool
    #: WeasyPrint subsets with it (it also needs HarfBuzz ≥ 4.1.0); otherwise fontTools.
    harfbuzz_subset_used: bool
    fontconfig: str | None
    #: Warnings raised while importing WeasyPrint (its DeprecationWarning without HarfBuzz-subset).
    import_warnings: tuple[str, ...] = ()


class LoadFailed(Exception):
    """WeasyPrint could not be imported, or could not load its C libraries."""

    def __init__(self, message: str, *, installed: bool = True) -> None:
        super().__init__(message)
        #: False when the weasyprint package itself is missing, not one of its libraries.
        self.installed = installed


@dataclass(frozen=True)
class Report:
    """Everything `doctor` found, in the order it is printed."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def missing_required(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "missing"]

    @property
    def exit_code(self) -> int:
        return EXIT_ENVIRONMENT if self.missing_required else 0

    def to_text(self) -> str:
        width = max(len(f.name) for f in self.findings) + 1
        return "\n".join(f"{f.name + ':':<{width}} {f.line_value()}" for f in self.findings) + "\n"

    def to_json(self) -> str:
        data = {
            "ok": not self.missing_required,
            "exit_code": self.exit_code,
            "items": [{"name": f.name, "value": f.value, "status": f.status, "fix": f.fix}
                      for f in self.findings],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- C libraries, through WeasyPrint -----------------------------------------------


def _library_version(names: Sequence[str], find: str, call: Callable[[Any], str]) -> str | None:
    """A version read with ctypes from the first of `names` that loads.

    WeasyPrint declares no version function for HarfBuzz or fontconfig. It loads them
    by these names, and loading an already loaded library again gives the same one.
    """
    found = ctypes.util.find_library(find)
    for name in (*names, *([found] if found else [])):
        try:
            return call(ctypes.CDLL(name))
        except (OSError, AttributeError):
            continue
    return None


def _harfbuzz_version(library: Any) -> str:
    library.hb_version_string.restype = ctypes.c_char_p
    return str(library.hb_version_string().decode("ascii"))


def _fontconfig_version(library: Any) -> str:
    number = int(library.FcGetVersion())
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def load_libraries(import_module: Callable[[str], Any] = importlib.import_module) -> Libraries:
    """Import WeasyPrint (capturing what it prints and warns) and ask it what it loaded."""
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, redirect_stdout(printed):
        warnings.simplefilter("always")
        try:
            weasyprint = import_module("weasyprint")
            ffi = import_module("weasyprint.text.ffi")
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("weasyprint"):
                raise LoadFailed(str(exc)) from exc  # one of WeasyPrint's Python dependencies
            raise LoadFailed("the weasyprint package is not installed", installed=False) from exc
        except (ImportError, OSError) as exc:
            # WeasyPrint prints installation advice to stdout before it fails; the
            # exception says which library, which is what the report needs.
            raise LoadFailed(str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__) from exc
    number = int(ffi.pango.pango_version())
    subset = ffi.harfbuzz_subset is not None
    return Libraries(
        weasyprint=str(weasyprint.__version__),
        pango=f"{number // 10000}.{number // 100 % 100}.{number % 100}",
        harfbuzz=_library_version(("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
                                  "harfbuzz", _harfbuzz_version),
        harfbuzz_subset=subset,
        # The condition weasyprint/pdf/fonts.py tests before it subsets a font.
        harfbuzz_subset_used=subset and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0)),
        fontconfig=_library_version(("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"),
                                    "fontconfig", _fontconfig_version),
        import_warnings=tuple(str(w.message) for w in caught),
    )


def _library_findings(load: Callable[[], Libraries]) -> list[Finding]:
    try:
        libraries = load()
    except LoadFailed as exc:
        if not exc.installed:
            return [Finding("weasyprint", str(exc), "missing", "pip install weasyprint")]
        return [Finding("weasyprint", f"cannot load: {exc}", "missing",
                        f"install WeasyPrint's libraries (Debian: {_PANGO_PACKAGES} {_HARFBUZZ_SUBSET_PACKAGE})")]
    findings = [
        Finding("weasyprint", libraries.weasyprint),
        Finding("pango", libraries.pango),
        Finding("harfbuzz", libraries.harfbuzz or "version unknown"),
    ]
    if libraries.harfbuzz_subset_used:
        findings.append(Finding("harfbuzz-subset", "in use (WeasyPrint subsets fonts with HarfBuzz)"))
    elif libraries.harfbuzz_subset:
        findings.append(Finding("harfbuzz-subset", "found, but unused: HarfBuzz is older than 4.1.0", "missing",
                                "install HarfBuzz 4.1.0 or later"))
    else:
        note = "; ".join(libraries.import_warnings)
        findings.append(Finding(
            "harfbuzz-subset",
            "WeasyPrint subsets fonts with fontTools: slower, and PDFs differ byte for byte"
            + (f"; WeasyPrint warned: {note}" if note else ""),
            "missing", f"install {_HARFBUZZ_SUBSET_PACKAGE}"))
    findings.append(Finding("fontconfig", libraries.fontconfig or "version unknown"))
    return findings


# --- fonts ---------------------------------------------------------------------------


def reading_families() -> list[str]:
    """The families the packaged styles ask for in body text (styles/base.css `--serif`)."""
    css = resources.files("briefgen").joinpath("styles", "base.css").read_text(encoding="utf-8")
    match = re.search(r"--serif:\s*([^;]+);", css)
    if match is None:
        return ["serif"]
    return [name.strip().strip("\"'") for name in match.group(1).split(",") if name.strip()]


def _fc_pattern_families(families: Sequence[str]) -> str:
    # fontconfig's pattern syntax: commas separate families; `\`, `-`, `:` and `,` are escaped.
    return ",".join(re.sub(r"([\\\-:,])", r"\\\1", name) for name in families)


def _fc(tool: str, *args: str) -> list[str]:
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=False)
    return [line for line in done.stdout.splitlines() if line]


_FACE = "%{file}|%{index}"


def fallback_order(families: Sequence[str], fc_match: str) -> list[tuple[str, str]]:
    """(face, family) of every installed font, in the order fontconfig offers them for `families`."""
    lines = _fc(fc_match, "-a", "--format", _FACE + "\t%{family[0]}\n", _fc_pattern_families(families))
    return [(face, family) for face, _, family in (line.partition("\t") for line in lines)]


def font_for(script: Script, order: Sequence[tuple[str, str]], fc_list: str) -> tuple[str | None, int]:
    """The family that would print `script` in body text, and how many fonts cover it.

    Pango takes, for each character, the first font in fontconfig's order for the
    requested families that has it; the sample stands for the script's characters.
    """
    charset = ":charset=" + " ".join(f"{ord(c):x}" for c in script.sample)
    covering = set(_fc(fc_list, "--format", _FACE + "\n", charset))
    family = next((family for face, family in order if face in covering), None)
    return family, len(covering)


def _font_findings(scripts: Sequence[Script]) -> list[Finding]:
    fc_list, fc_match = shutil.which("fc-list"), shutil.which("fc-match")
    if fc_list is None or fc_match is None:
        return [Finding("fonts", "cannot check: fc-list and fc-match not found", "missing",
                        f"install {_FONTCONFIG_PACKAGE} (briefgen's missing-glyph warnings need it too)")]
    order = fallback_order(reading_families(), fc_match)
    findings = []
    for script in scripts:
        name = f"font {script.name}"
        family, count = font_for(script, order, fc_list)
        if family is not None:
            findings.append(Finding(name, f"{family} ({count} font{'s' if count != 1 else ''} cover it)"))
        else:
            findings.append(Finding(name, script.without if count == 0 else
                                    f"{count} fonts cover it, but fontconfig never offers them",
                                    "missing" if script.required else "warning",
                                    f"install {' + '.join(script.packages)}"))
    return findings


def _script_name(code: str) -> str:
    from babel import Locale

    return "currency sign" if code == "Zsym" else str(Locale("en").scripts.get(code, code))


def _locale_findings(locales: Sequence[str]) -> list[Finding]:
    """Whether notes in each locale can be typeset here, and which packages would make them so.

    Warnings, never a failure: a machine that builds only English notes needs no
    Japanese font (a missing font for Latin is already `font latin`, required).
    """
    findings = []
    for locale in locales:
        unmet = unmet_needs(locale)
        if not unmet:
            needs = [n for n in font_needs(locale) if n.script != "Zsym"]
            scripts = ", ".join(f"{_script_name(n.script)}: {' + '.join(n.packages)}" for n in needs)
            findings.append(Finding(f"locale {locale}", f"can be typeset ({scripts})"))
            continue
        packages = " + ".join(dict.fromkeys(p for need in unmet for p in need.packages))
        lacking = ", ".join(_script_name(n.script) for n in unmet)
        findings.append(Finding(f"locale {locale}", f"cannot be typeset here: no font for {lacking}",
                                "warning", f"install {packages}"))
    return findings


# --- Python --------------------------------------------------------------------------


def _dependency_findings(names: Sequence[str]) -> list[Finding]:
    findings = []
    for name in names:
        try:
            findings.append(Finding(name.lower(), metadata.version(name)))
        except metadata.PackageNotFoundError:
            findings.append(Finding(name.lower(), "", "missing", f"pip install {name}"))
    return findings


def _search_findings() -> list[Finding]:
    """The `pagefind` binary the site's search index is built with (publish/search.py), run for its version."""
    from briefgen.publish.search import INSTALL_HINT, SearchFailed, executable

    try:
        binary = executable()
        ran = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30,
                             stdin=subprocess.DEVNULL, check=False)
    except SearchFailed as failed:
        return [Finding("pagefind", str(failed).split(",")[0], "warning", INSTALL_HINT)]
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Finding("pagefind", f"cannot be run: {exc}", "warning", INSTALL_HINT)]
    said = ran.stdout.strip()
    if ran.returncode != 0 or not said.startswith("pagefind "):
        return [Finding("pagefind", f"{binary} does not run ({ran.stderr.strip()[:200] or ran.returncode})",
                        "warning", INSTALL_HINT)]
    return [Finding("pagefind", f"{said.removeprefix('pagefind ')} ({binary}; builds the site's search)")]


def diagnose(*, scripts: Sequence[Script] = SCRIPTS, load: Callable[[], Libraries] = load_libraries,
             dependencies: Sequence[str] = DEPENDENCIES, locales: Sequence[str] = TYPESET_LOCALES) -> Report:
    """Look at this machine: versions, C libraries, fonts, the locales it can typeset, dependencies."""
    package = Path(__file__).resolve().parents[1]  # the briefgen package, not its commands/
    findings = [
        Finding("briefgen", f"{__version__} ({package})"),
        Finding("python", f"{platform.python_version()} ({platform.python_implementation()})"),
        Finding("python executable", sys.executable),
        Finding("platform", platform.platform()),
        *_library_findings(load),
        *_font_findings(scripts),
        *_locale_findings(locales),
        *_dependency_findings(dependencies),
        *_search_findings(),
    ]
    return Report(findings)


def make_doctor_command(look: Callable[[], Report] = diagnose) -> click.Command:
    """The `doctor` command, looking at the machine with `look` (tests pass a narrower one)."""

    @click.command("doctor")
    @click.option("--output-format", "output_format", type=click.Choice(["text", "json"]), default="text",
                  show_default=True, help="text for people; json for tools.")
    def doctor(output_format: str) -> None:
        """Print the versions and fonts to quote in a bug report, and what is missing.

        Says for each shipped locale whether its notes can be typeset here, and which
        Debian packages it would need. Exits 0 when briefgen can print PDFs here (missing
        Japanese, Devanagari or Arabic fonts, and locales that cannot be typeset, are
        warnings), 4 when a required part is missing: WeasyPrint's libraries,
        HarfBuzz-subset (needed for byte-identical PDFs) or a font for Latin text.
        """
        report = look()
        if output_format == "json":
            click.echo(report.to_json(), nl=False)
        else:
            click.echo(report.to_text(), nl=False)
            if report.missing_required:
                names = ", ".join(f.name for f in report.missing_required)
                click.echo(f"briefgen cannot print PDFs as it promises here: missing {names}", err=True)
        sys.exit(report.exit_code)

    return doctor


doctor_command = make_doctor_command()

"""briefgen doctor, run for real on this machine (WeasyPrint, HarfBuzz-subset and the fonts are installed)."""

from __future__ import annotations

import configparser
import dataclasses
import functools
import importlib
import json
import re
import subprocess
import sys
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import briefgen
from briefgen.commands.doctor import (
    DEPENDENCIES,
    EXIT_ENVIRONMENT,
    SCRIPTS,
    Libraries,
    LoadFailed,
    diagnose,
    doctor_command,
    load_libraries,
    make_doctor_command,
    reading_families,
)
from briefgen.render.fonts import TYPESET_LOCALES, missing_fonts
from build_helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^(?P<name>[a-z][a-zA-Z0-9 -]*):(?P<pad> +)(?P<value>\S.*)$")
# A code point no font has: U+10FFFF, a noncharacter.
NOWHERE = "\U0010ffff"


def _invoke(command: click.Command, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(command, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _lines(stdout: str) -> dict[str, str]:
    """name → value of every `name: value` line, checking each line's shape and alignment."""
    found: dict[str, str] = {}
    columns = set()
    for line in stdout.splitlines():
        match = LINE.match(line)
        assert match, f"not a `name: value` line: {line!r}"
        assert match["name"] not in found, f"{match['name']} twice"
        found[match["name"]] = match["value"]
        columns.add(match.start("value"))
    assert len(columns) == 1, f"values do not line up: columns {sorted(columns)}"
    return found


@functools.cache
def _real_run() -> tuple[int, str, str]:
    return _invoke(doctor_command)


def test_doctor_passes_here_and_prints_aligned_lines() -> None:
    exit_code, stdout, stderr = _real_run()
    assert (exit_code, stderr) == (0, "")
    lines = _lines(stdout)
    for name in ("briefgen", "python", "python executable", "weasyprint", "pango", "harfbuzz", "harfbuzz-subset",
                 "fontconfig", "font latin", "font japanese", "font devanagari", "font arabic"):
        assert name in lines, f"no {name} line"
    assert "missing" not in stdout and "warning" not in stdout


def test_versions_are_the_installed_ones() -> None:
    lines = _lines(_real_run()[1])
    assert lines["briefgen"].split()[0] == briefgen.__version__
    assert lines["weasyprint"] == metadata.version("weasyprint")
    for name in DEPENDENCIES:
        assert lines[name.lower()] == metadata.version(name), name
    assert lines["python executable"] == sys.executable
    assert lines["python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro} ")


def test_library_versions_are_what_weasyprint_loaded() -> None:
    from weasyprint.text.ffi import harfbuzz, pango

    lines = _lines(_real_run()[1])
    major, minor, micro = map(int, lines["pango"].split("."))
    assert major * 10000 + minor * 100 + micro == pango.pango_version()
    hb = tuple(map(int, lines["harfbuzz"].split(".")))
    assert harfbuzz.hb_version_atleast(*hb) and not harfbuzz.hb_version_atleast(hb[0], hb[1], hb[2] + 1)
    assert lines["harfbuzz-subset"].startswith("in use")
    fontconfig = subprocess.run(["fc-list", "--version"], capture_output=True, text=True, check=True)
    assert lines["fontconfig"] in fontconfig.stdout + fontconfig.stderr


def test_fonts_name_the_family_pango_would_use() -> None:
    lines = _lines(_real_run()[1])
    # The packaged serif stack asks for Noto Serif, then IPA Mincho for Japanese
    # (fonts-noto-core and fonts-ipafont-mincho are installed here, as in CI).
    assert lines["font latin"].startswith("Noto Serif (")
    assert lines["font japanese"].startswith("IPAMincho (")
    assert re.match(r"Noto S\w+ Devanagari \(", lines["font devanagari"])
    assert re.search(r"\(\d+ fonts? cover it\)$", lines["font arabic"])


def test_reading_families_come_from_the_packaged_styles() -> None:
    families = reading_families()
    assert families[0] == "Noto Serif" and "IPAMincho" in families and families[-1] == "serif"


def test_json_shape() -> None:
    exit_code, stdout, _ = _invoke(doctor_command, "--output-format", "json")
    data = json.loads(stdout)
    assert exit_code == 0
    assert set(data) == {"ok", "exit_code", "items"}
    assert (data["ok"], data["exit_code"]) == (True, 0)
    for item in data["items"]:
        assert set(item) == {"name", "value", "status", "fix"}
        assert item["status"] in ("ok", "warning", "missing")
        assert all(isinstance(item[k], str) for k in ("name", "value"))
    items = {item["name"]: item for item in data["items"]}
    assert list(items) == list(_lines(_real_run()[1]))  # the same items as the text, in order
    assert items["weasyprint"]["value"] == metadata.version("weasyprint")


def test_dependencies_are_setup_cfgs() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    required = {re.split(r"[<>=!~; \[]", line.strip())[0].lower()
                for line in config["options"]["install_requires"].splitlines() if line.strip()}
    listed = {name.lower() for name in DEPENDENCIES}
    assert required - {"weasyprint"} <= listed, f"doctor does not list {required - listed - {'weasyprint'}}"


def test_no_font_for_a_required_script_exits_4() -> None:
    # The real fontconfig query, for briefgen's Latin plus a character no font has.
    assert [s.name for s in SCRIPTS if s.required] == ["latin"]
    script = dataclasses.replace(SCRIPTS[0], sample=SCRIPTS[0].sample + NOWHERE)
    command = make_doctor_command(functools.partial(diagnose, scripts=[script]))
    exit_code, stdout, stderr = _invoke(command)
    assert exit_code == EXIT_ENVIRONMENT
    assert _lines(stdout)["font latin"] == "missing — install fonts-noto-core (no brief can be printed)"
    assert "missing font latin" in stderr

    exit_code, stdout, _ = _invoke(command, "--output-format", "json")
    data = json.loads(stdout)
    assert (exit_code, data["ok"], data["exit_code"]) == (EXIT_ENVIRONMENT, False, EXIT_ENVIRONMENT)
    (latin,) = [i for i in data["items"] if i["name"] == "font latin"]
    assert (latin["status"], latin["fix"]) == ("missing", "install fonts-noto-core")


def test_no_font_for_an_optional_script_is_a_warning() -> None:
    arabic = next(s for s in SCRIPTS if s.name == "arabic")
    script = dataclasses.replace(arabic, sample=arabic.sample + NOWHERE)
    command = make_doctor_command(functools.partial(diagnose, scripts=[SCRIPTS[0], script]))
    exit_code, stdout, stderr = _invoke(command)
    assert (exit_code, stderr) == (0, "")
    assert _lines(stdout)["font arabic"] == "warning — install fonts-noto-core (Arabic names print as empty boxes)"


def test_harfbuzz_subset_missing_exits_4() -> None:
    # What load_libraries reports when WeasyPrint's dlopen of libharfbuzz-subset fails.
    def without_subset() -> Libraries:
        return dataclasses.replace(load_libraries(), harfbuzz_subset=False, harfbuzz_subset_used=False,
                                   import_warnings=("HarfBuzz-Subset will be required by future versions",))

    exit_code, stdout, stderr = _invoke(make_doctor_command(functools.partial(diagnose, load=without_subset)))
    assert exit_code == EXIT_ENVIRONMENT
    value = _lines(stdout)["harfbuzz-subset"]
    assert value.startswith("missing — install libharfbuzz-subset0 (")
    assert "fontTools" in value and "HarfBuzz-Subset will be required" in value
    assert "harfbuzz-subset" in stderr


def _noisy_import(name: str) -> Any:
    # What WeasyPrint does on import without HarfBuzz-subset (a DeprecationWarning), or
    # when a library is missing (advice printed to stdout, then OSError).
    print("WeasyPrint could not import some external libraries")
    warnings.warn("HarfBuzz-Subset will be required by future versions of WeasyPrint", DeprecationWarning,
                  stacklevel=1)
    if name == "weasyprint.text.ffi" and _noisy_import.fail:  # type: ignore[attr-defined]
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
    return importlib.import_module(name)


@pytest.mark.parametrize("fail", [False, True])
def test_what_weasyprint_prints_and_warns_on_import_is_captured(fail: bool, capsys: pytest.CaptureFixture[str],
                                                                recwarn: pytest.WarningsRecorder) -> None:
    _noisy_import.fail = fail  # type: ignore[attr-defined]
    if fail:
        with pytest.raises(LoadFailed, match="cannot load library 'libpango-1.0-0'"):
            load_libraries(_noisy_import)
    else:
        with warnings.catch_warnings():
            # Python's default outside __main__ (and outside pytest): DeprecationWarning ignored.
            warnings.simplefilter("ignore", DeprecationWarning)
            libraries = load_libraries(_noisy_import)
        assert libraries.import_warnings[0].startswith("HarfBuzz-Subset will be required")
    assert capsys.readouterr() == ("", "")
    assert not [w for w in recwarn if "HarfBuzz-Subset" in str(w.message)]


def test_weasyprint_that_cannot_load_exits_4() -> None:
    def broken() -> Libraries:
        raise LoadFailed("cannot load library 'libpango-1.0-0'")

    exit_code, stdout, _ = _invoke(make_doctor_command(functools.partial(diagnose, load=broken)))
    assert exit_code == EXIT_ENVIRONMENT
    value = _lines(stdout)["weasyprint"]
    assert value.startswith("missing — install WeasyPrint's libraries (Debian: libpango-1.0-0")
    assert "libpango-1.0-0'" in value


def test_weasyprint_not_installed_exits_4() -> None:
    def absent(name: str) -> Any:
        return importlib.import_module(name.replace("weasyprint", "weasyprint_not_installed_here"))

    libraries = functools.partial(load_libraries, absent)
    exit_code, stdout, _ = _invoke(make_doctor_command(functools.partial(diagnose, load=libraries)))
    assert exit_code == EXIT_ENVIRONMENT
    assert _lines(stdout)["weasyprint"] == "missing — pip install weasyprint (the weasyprint package is not installed)"


def test_a_missing_dependency_exits_4() -> None:
    command = make_doctor_command(functools.partial(diagnose, dependencies=["click", "briefgen-no-such-package"]))
    exit_code, stdout, _ = _invoke(command)
    assert exit_code == EXIT_ENVIRONMENT
    assert _lines(stdout)["briefgen-no-such-package"] == "missing — pip install briefgen-no-such-package"


def _fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True,
                          check=False, timeout=120)


def test_json_is_clean_in_a_fresh_process() -> None:
    # WeasyPrint is first imported inside doctor here: whatever it prints or warns
    # must not reach stdout (JSON) or stderr.
    ran = _fresh_python("import sys, click; from briefgen.commands.doctor import doctor_command; "
                        "click.Group('briefgen', commands=[doctor_command])(['doctor', '--output-format', 'json'])")
    assert (ran.returncode, ran.stderr) == (0, "")
    assert json.loads(ran.stdout)["ok"] is True


def test_importing_the_commands_does_not_import_weasyprint() -> None:
    ran = _fresh_python("import sys, briefgen.commands.doctor, briefgen.commands.init; "
                        "print(sorted(m for m in sys.modules if m.startswith('weasyprint')))")
    assert (ran.returncode, ran.stdout) == (0, "[]\n")


@pytest.mark.parametrize("args", [["doctor"], ["doctor", "--output-format", "json"]])
def test_as_a_subcommand(args: list[str]) -> None:
    group = click.Group("briefgen", commands=[doctor_command])
    exit_code, stdout, _ = _invoke(group, *args)
    assert exit_code == 0 and "weasyprint" in stdout


# --- locales ---------------------------------------------------------------------------


def test_doctor_says_each_shipped_locale_can_be_typeset_here() -> None:
    ran = run_cli(["doctor"])
    assert ran.exit_code == 0, ran.output
    lines = _lines(ran.stdout)
    assert {name for name in lines if name.startswith("locale ")} == {f"locale {tag}" for tag in TYPESET_LOCALES}
    assert lines["locale en-GB"] == "can be typeset (Latin: fonts-noto-core)"
    assert lines["locale ja"] == ("can be typeset (Latin: fonts-noto-core, "
                                  "Japanese: fonts-ipafont-mincho + fonts-ipafont-gothic)")
    assert lines["locale hi"] == "can be typeset (Latin: fonts-noto-core, Devanagari: fonts-noto-core)"
    assert lines["locale fr"] == "can be typeset (Latin: fonts-noto-core)"
    assert lines["briefgen"].endswith(f"({Path(briefgen.__file__).resolve().parent})")


def _fc_has(language: str) -> bool:
    return bool(subprocess.run(["fc-list", f":lang={language}"], capture_output=True, text=True).stdout.strip())


def test_a_locale_without_fonts_is_a_warning_naming_the_packages() -> None:
    # Korean has no font here (scripts/install-test-requirements installs no Hangul font):
    # the real fontconfig is asked, and the line names the package that covers Hangul.
    assert not _fc_has("ko"), "a Korean font is installed: this test needs a locale with none"
    assert missing_fonts("ko") == ("fonts-noto-cjk",)
    command = make_doctor_command(lambda: diagnose(locales=("ja", "ko")))
    exit_code, stdout, stderr = _invoke(command)
    assert (exit_code, stderr) == (0, "")
    lines = _lines(stdout)
    assert lines["locale ja"] == ("can be typeset (Latin: fonts-noto-core, "
                                  "Japanese: fonts-ipafont-mincho + fonts-ipafont-gothic)")
    assert lines["locale ko"] == ("warning — install fonts-noto-cjk "
                                  "(cannot be typeset here: no font for Korean)")
    items = {item["name"]: item for item in json.loads(diagnose(locales=("ko",)).to_json())["items"]}
    assert items["locale ko"]["status"] == "warning"
    assert items["locale ko"]["fix"] == "install fonts-noto-cjk"

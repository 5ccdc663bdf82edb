"""Releases for audiences (issue 14): the public is not a level, caveats follow the reader,
every file of a release folder is derived from the released sheet only, withdrawn means gone,
and a nearly empty release warns.

Sources for the marking rules pinned here (looked up, not recalled):
- UK Government Security Classifications (Cabinet Office, April 2014), as quoted by
  Statewatch, https://statewatch.org/news/2014/february/uk-cabinet-office-government-security-classifications-april-2014:
  "Unless explicitly named, information bearing a national caveat must not be sent to foreign
  governments … or released to any foreign nationals … without the originator's consent …
  e.g: TOP SECRET - UK / US EYES ONLY"; OFFICIAL is a tier of handling, not of publication.
- DoD Manual 5200.01 Vol. 2, Enclosure 4, dissemination control markings
  (https://1library.net/article/dissemination-control-markings-marking-standard.y9mrpdlq):
  "(S//REL TO USA, AUS) … a portion that is releasable to Australia".
- The FVEY tetragraph and its members AUS, CAN, GBR, NZL, USA: "TOP SECRET//COMINT//REL TO USA,
  FVEY" (https://felicityruby.com/five-eyes/, quoting released documents).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.pipeline import plan, run
from briefgen.publish.folder import publish
from briefgen.records import Options
from briefgen.release.audience import Audience, default_public, parse_audiences, shorthand
from briefgen.sheet.classification import SCHEMES, readers_allowed
from briefgen.theme import Theme
from build_helpers import (
    ROOT,
    US_AUTHORITY,
    compact_sheet,
    parse_html,
    run_cli,
    script_env,
    site_content,
    text_of,
    write_sheet,
)

FVEY = {"AUS", "CAN", "GBR", "NZL", "USA"}


# --- the model: who may read what -----------------------------------------------------------


@pytest.mark.parametrize(("scheme", "caveat", "allowed"), [
    ("uk", "UK EYES ONLY", {"GBR"}),                 # GSC 2014: not to foreign nationals
    ("uk", "UK / US EYES ONLY", {"GBR", "USA"}),     # GSC 2014's own example
    ("uk", "uk eyes only", {"GBR"}),                 # any case, any spacing
    ("uk", "LOCSEN", None),                          # a descriptor: handling, not nationality
    ("uk", "SOME NEW CAVEAT", {"GBR"}),              # unknown: fail closed to the originator
    ("us", "NOFORN", {"USA"}),
    ("us", "REL TO USA, AUS", {"USA", "AUS"}),       # DoDM 5200.01 Vol. 2's example
    ("us", "REL TO USA, FVEY", FVEY),                # a tetragraph stands for its members
    ("us", "ORCON", None),
    ("us", "NOT A CONTROL", {"USA"}),
])
def test_caveats_say_which_nationalities_may_read(scheme: str, caveat: str, allowed: set[str] | None) -> None:
    found = readers_allowed(SCHEMES[scheme], caveat)
    assert (set(found) if found is not None else None) == allowed


def test_an_audience_reads_by_level_nationality_and_public_clearance() -> None:
    uk, us = SCHEMES["uk"], SCHEMES["us"]
    fvey = Audience("fvey-secret", (("uk", "SECRET"), ("us", "SECRET")), "FVEY")
    assert fvey.admits(uk, "SECRET", (), False)
    assert not fvey.admits(uk, "TOP SECRET", (), False)
    assert not fvey.admits(uk, "OFFICIAL", ("UK EYES ONLY",), False)  # Canadians are among its readers
    assert fvey.admits(us, "SECRET", ("REL TO USA, FVEY",), False)
    assert not fvey.admits(us, "SECRET", ("REL TO USA, AUS",), False)  # not every Five Eyes reader is named
    assert not fvey.admits(us, "CUI", ("NOFORN",), False)
    own = shorthand("secret")  # --release SECRET: the sheet's own nationals, in both schemes
    assert own.admits(uk, "SECRET", ("UK EYES ONLY",), False) and own.admits(us, "SECRET", ("NOFORN",), False)
    public = default_public()
    assert public.admits(uk, "OFFICIAL", (), True)
    assert not public.admits(uk, "OFFICIAL", (), False)            # a classification is no decision to publish
    assert not public.admits(uk, "OFFICIAL", ("LOCSEN",), True)     # nothing caveated reaches the public
    assert not public.admits(uk, "OFFICIAL-SENSITIVE", (), True)
    assert not public.admits(us, "CUI", (), True)


@pytest.mark.parametrize(("toml", "line", "message"), [
    ('[audiences.x]\nnationality = "GBR"\nlevels = { eu = "SECRET" }\n', 3, "'eu' is not a scheme"),
    ('[audiences.x]\nnationality = "GBR"\nlevels = { uk = "RESTRICTED" }\n', 3,
     "'RESTRICTED' is not a level of the uk scheme"),
    ('jobs = 2\n\n[audiences.x]\nnationality = "Britain"\nlevels = { uk = "SECRET" }\n', 4,
     "'Britain' is not an ISO 3166 alpha-3 country code or a known tetragraph"),
    ('[audiences.x]\nnationality = "GB"\nlevels = { uk = "SECRET" }\n', 2, "'GB' is not an ISO 3166 alpha-3"),
    ('[audiences.x]\nlevels = { uk = "SECRET" }\n', 1, "audience `x` names no `nationality`"),
    ('[audiences.press]\npublic = true\nlevels = { uk = "OFFICIAL-SENSITIVE" }\n', 3,
     "the public reads only OFFICIAL in the uk scheme"),
    ('[audiences.x]\nnationality = "GBR"\nlevel = { uk = "SECRET" }\n', 3, "unknown key `level` in audience `x`"),
    ('[audiences.Bad_Name]\npublic = true\n', 1, "'Bad_Name' cannot name an audience"),
    ('public_release = "OFFICIAL"\n', 1, "`public_release` is gone"),
])
def test_a_mis_declared_audience_is_refused_at_its_line(tmp_path: Path, toml: str, line: int, message: str) -> None:
    (tmp_path / "briefgen.toml").write_text(toml, encoding="utf-8")
    write_sheet(tmp_path / "briefs", compact_sheet("alpha"))
    for command in (["check"], ["build", "--no-pdf"]):
        ran = run_cli(command, cwd=tmp_path)
        assert ran.exit_code == 2, ran.output
        assert f"briefgen.toml:{line}: " in ran.stderr and message in ran.stderr, ran.stderr
        assert "Traceback" not in ran.output


def test_an_undeclared_audience_is_a_usage_error_naming_the_declared_ones(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text('[audiences.uk]\nnationality = "GBR"\nlevels = { uk = "SECRET" }\n',
                                            encoding="utf-8")
    write_sheet(tmp_path / "briefs", compact_sheet("alpha"))
    ran = run_cli(["build", "--audience", "partners"], cwd=tmp_path)
    assert ran.exit_code == 2 and "no audience named 'partners' (declared: public, uk)" in ran.stderr


# --- finding 1 and 2: this repository's public build ----------------------------------------


def _every_file(folder: Path) -> dict[str, bytes]:
    """Every file a reader of the folder can fetch, by its path in it, the search index's gunzipped
    (Pagefind's own code aside: build_helpers.site_content)."""
    return site_content(folder)


def test_the_public_build_of_this_repository_publishes_only_what_is_cleared(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    shutil.copytree(ROOT / "briefs", briefs)
    shutil.copy(ROOT / "briefgen.toml", tmp_path / "briefgen.toml")
    out = tmp_path / "public"
    ran = run_cli(["build", "--public", "-o", out, "--strict"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    files = _every_file(out)
    # The example and the two earlier Japan–India meetings (briefs/history), each cleared for public release.
    briefs = ("g20-2025", "leaders-call-2025-10", "tokyo-annual-summit-2025")
    assert sorted(name for name in files if "/" not in name) == sorted(
        [*(f"{b}.{kind}" for b in briefs for kind in ("html", "pdf")), "index.html", "manifest.json"])
    assert any(name.startswith("pagefind/fragment/") for name in files)
    for name, data in files.items():
        for caveat in (b"UK EYES ONLY", b"NOFORN", b"FEDCON", b"OFFICIAL-SENSITIVE", b"SECRET", b"CUI"):
            assert caveat not in data, (caveat, name)
    manifest = json.loads(files["manifest.json"])
    assert [b["audience"] for b in manifest["briefs"]] == ["PUBLIC"] * 3
    # Each sheet not cleared is withheld with a note saying what to add; the US sheet stops nothing.
    assert "withheld uk-secret-draft: it is not cleared for public release" in ran.stdout
    assert "withheld us-cui-call: its header (title, meeting and participants) is CUI, above UNCLASSIFIED" \
        in ran.stdout
    assert "add `cleared_for_public: true` under classification" in ran.stdout


def test_a_release_level_of_one_scheme_withholds_the_other_schemes_sheets(tmp_path: Path) -> None:
    out = tmp_path / "official"
    ran = run_cli(["build", ROOT / "briefs", "--release", "OFFICIAL", "--no-pdf", "-o", out], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    assert "withheld us-cui-call: the audience OFFICIAL reads no notes of the us scheme" in ran.stdout
    assert (out / "uk-secret-draft.html").exists() and not (out / "us-cui-call.html").exists()


def test_the_pages_workflow_and_the_init_workflows_build_the_public_audience() -> None:
    workflows = [ROOT / ".github" / "workflows" / "pages.yml",
                 ROOT / "src" / "briefgen" / "examples" / "project" / ".github" / "workflows" / "publish.yml"]
    for workflow in workflows:
        text = workflow.read_text(encoding="utf-8")
        assert "briefgen build --public" in text or "briefgen build --audience public" in text, workflow
        assert "public_release" not in text


# --- finding 3: the manifest of a release folder ------------------------------------------


def _kp_sheet() -> dict[str, Any]:
    return compact_sheet(
        "energy", classification={"level": "SECRET", "header": "OFFICIAL", "scheme": "uk"},
        participants=[{"name": "Anna Example", "title": "Secretary of State", "country": "GB", "role": "principal"},
                      {"name": "Ben Example", "title": "Minister of Energy", "country": "NO", "role": "principal"}],
        summary={"text": "Open summary of the talks.", "classification": "OFFICIAL"},
        outcomes=[{"text": "An open outcome.", "classification": "OFFICIAL"}],
        commitments=[{"sector": "Subsea cables", "summary": "Watch the CANARY-VESSEL near the pipeline.",
                      "parties": ["GB", "NO", "KP"], "classification": "SECRET"}])


def test_a_release_folder_records_no_diagnostic_of_a_withheld_portion(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "briefs", _kp_sheet())
    full = run_cli(["build", sheet, "--no-pdf", "-o", tmp_path / "full"])
    assert full.exit_code == 0 and "KP is a party to this commitment" in full.stdout  # the author sees it
    assert "KP is a party" in (tmp_path / "full" / "manifest.json").read_text(encoding="utf-8")
    out = tmp_path / "released"
    released = run_cli(["build", sheet, "--no-pdf", "--release", "OFFICIAL", "-o", out, "--output-format", "github"])
    assert released.exit_code == 0, released.output
    for name, data in _every_file(out).items():
        for secret in (b"KP", b"CANARY-VESSEL", b"party-not-participant", b"withheld-diagnostics"):
            assert secret not in data, (secret, name)
    # The author's release build counts what it will not quote, and says where to read it.
    assert "KP" not in released.stdout and "CANARY" not in released.stdout
    assert re.search(r"\d+ warnings? not shown: this release withholds part of this brief", released.stdout)
    assert f"briefgen check {sheet}" in released.stdout


def test_a_fully_released_sheet_keeps_its_diagnostics_in_the_release_manifest(tmp_path: Path) -> None:
    # Nothing withheld, nothing to hide: a warning is recorded and reported again when unchanged.
    sheet = write_sheet(tmp_path, compact_sheet("alpha", document__date="2025-02-27"))  # readout before meeting
    out = tmp_path / "released"
    first = run_cli(["build", sheet, "--no-pdf", "--release", "OFFICIAL", "-o", out])
    assert first.exit_code == 0 and "warning[readout-before-meeting]" in first.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [d["code"] for d in manifest["briefs"][0]["checked"]] == ["readout-before-meeting"]
    again = run_cli(["build", sheet, "--no-pdf", "--release", "OFFICIAL", "-o", out, "--strict"])
    assert again.exit_code == 1 and "warning[readout-before-meeting]" in again.stdout


def test_strict_fails_a_release_whose_only_warnings_are_withheld_even_when_unchanged(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, _kp_sheet())
    out = tmp_path / "released"
    assert run_cli(["build", sheet, "--no-pdf", "--release", "OFFICIAL", "-o", out]).exit_code == 0
    strict = run_cli(["build", sheet, "--no-pdf", "--release", "OFFICIAL", "-o", out, "--strict"])
    assert strict.exit_code == 1, strict.output
    assert re.search(r"\d+ warnings? not shown", strict.stdout)


# --- finding 5: withdrawn means gone ---------------------------------------------------------


def _briefgen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=script_env(),
                          capture_output=True, text=True, timeout=300)


def _ids(folder: Path) -> set[str]:
    return {b["id"] for b in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["briefs"]}


def _raise_header(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["classification"] = {"level": "SECRET", "scheme": "uk"}
    path.write_text(json.dumps(data), encoding="utf-8")


def _repository(root: Path, count: int = 9) -> list[str]:
    names = [f"brief-{n:02d}" for n in range(count)]
    for name in names:
        write_sheet(root / "briefs", compact_sheet(name, outcomes=[f"Outcome of {name}."]))
    return names


def test_a_raised_brief_is_gone_after_resharding_with_cached_shard_folders(tmp_path: Path) -> None:
    names = _repository(tmp_path)
    for k in range(1, 5):
        assert _briefgen(tmp_path, "build", "--no-pdf", "--release", "OFFICIAL", "--shard", f"{k}/4",
                         "-o", f"site-{k}").returncode == 0
    raised = names[3]
    _raise_header(tmp_path / "briefs" / f"{raised}.yaml")
    for k in range(1, 6):  # the cached folders of 4 shards, and a fifth
        done = _briefgen(tmp_path, "build", "--no-pdf", "--release", "OFFICIAL", "--shard", f"{k}/5",
                         "-o", f"site-{k}")
        assert done.returncode == 0, done.stderr
    for k in range(1, 6):
        assert raised not in _ids(tmp_path / f"site-{k}")
    done = _briefgen(tmp_path, "assemble", *[f"site-{k}" for k in range(1, 6)], "-o", "public")
    assert done.returncode == 0, done.stderr
    assert _ids(tmp_path / "public") == set(names) - {raised}
    assert not (tmp_path / "public" / f"{raised}.html").exists()
    # The four old folders of the earlier 4-shard build are not one build's shards any more.
    stale = _briefgen(tmp_path, "assemble", *[f"site-{k}" for k in range(1, 5)], "-o", "stale")
    assert stale.returncode == 2 and not (tmp_path / "stale").exists()


def test_a_narrower_release_build_into_the_same_folder_holds_only_its_plan(tmp_path: Path) -> None:
    names = _repository(tmp_path, 3)
    assert _briefgen(tmp_path, "build", "--no-pdf", "--release", "OFFICIAL", "-o", "out").returncode == 0
    assert _ids(tmp_path / "out") == set(names)
    done = _briefgen(tmp_path, "build", f"briefs/{names[0]}.yaml", "--no-pdf", "--release", "OFFICIAL", "-o", "out")
    assert done.returncode == 0, done.stderr
    assert _ids(tmp_path / "out") == {names[0]}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["brief-00.html", "countries", "index.html",
                                                                      "manifest.json", "pagefind", "people"]


def test_a_raised_brief_that_is_also_invalid_leaves_no_release_copy(tmp_path: Path) -> None:
    names = _repository(tmp_path, 2)
    assert _briefgen(tmp_path, "build", "--no-pdf", "--release", "OFFICIAL", "-o", "out").returncode == 0
    path = tmp_path / "briefs" / f"{names[1]}.yaml"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["classification"] = {"level": "SECRET", "scheme": "uk"}
    data["meeting"]["date"] = "2025-02-30"  # and an error
    path.write_text(json.dumps(data), encoding="utf-8")
    done = _briefgen(tmp_path, "build", "--no-pdf", "--release", "OFFICIAL", "-o", "out")
    assert done.returncode == 1
    assert _ids(tmp_path / "out") == {names[0]} and not (tmp_path / "out" / f"{names[1]}.html").exists()


def test_assemble_refuses_a_missing_shard_and_publishes_nothing(tmp_path: Path) -> None:
    _repository(tmp_path, 4)
    for k in (1, 2):
        assert _briefgen(tmp_path, "build", "--no-pdf", "--public", "--shard", f"{k}/2", "-o", f"site-{k}",
                         ).returncode == 0
    done = _briefgen(tmp_path, "assemble", "site-1", "-o", "public")
    assert done.returncode == 2 and "shard 2 of 2 is missing" in done.stderr, done.stderr
    assert not (tmp_path / "public").exists()


def test_a_shard_manifest_names_its_build_and_no_brief_of_another_shard(tmp_path: Path) -> None:
    _repository(tmp_path, 4)
    assert _briefgen(tmp_path, "build", "--no-pdf", "--release", "OFFICIAL", "--shard", "2/3", "-o", "s").returncode == 0
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text(encoding="utf-8"))
    build = manifest["build"]
    assert build["shard"] == [2, 3] and build["audience"]["name"] == "OFFICIAL"
    assert len(build["plan"]) == 64 and build["version"]
    text = json.dumps(build)
    assert "brief-" not in text  # the plan is a digest: it names no brief


# --- finding 6: a nearly empty release -------------------------------------------------------


def test_a_release_that_keeps_no_substance_warns(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, compact_sheet(
        "hollow", classification={"level": "SECRET", "header": "OFFICIAL-SENSITIVE", "scheme": "uk"},
        summary="Everything said was secret.", outcomes=["A secret outcome."]))
    ran = run_cli(["build", sheet, "--no-pdf", "--release", "OFFICIAL-SENSITIVE", "-o", tmp_path / "out"])
    assert ran.exit_code == 0, ran.output
    assert "warning[release-withholds-substance]" in ran.stdout
    assert "keeps none of this brief's substance: its summary, recommendations" in ran.stdout
    # The warning speaks of a withholding: it is for the author, never in the release folder.
    assert b"withholds-substance" not in (tmp_path / "out" / "manifest.json").read_bytes()
    assert run_cli(["build", sheet, "--no-pdf", "--release", "OFFICIAL-SENSITIVE", "-o", tmp_path / "out",
                    "--strict"]).exit_code == 1
    full = run_cli(["build", sheet, "--no-pdf", "-o", tmp_path / "full"])
    assert "release-withholds-substance" not in full.stdout


# --- caveats follow the reader ---------------------------------------------------------------


PARTNERS_TOML = """\
[audiences.fvey-secret]
nationality = "FVEY"
levels = { uk = "SECRET", us = "SECRET" }

[audiences.australia]
nationality = "AUS"
levels = { us = "SECRET" }
"""


def test_national_caveats_keep_portions_from_readers_of_other_nationalities(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text(PARTNERS_TOML, encoding="utf-8")
    write_sheet(tmp_path / "briefs", compact_sheet(
        "uk-talks", classification={"level": "SECRET", "scheme": "uk"},
        summary={"text": "Shared summary.", "caveats": []},
        outcomes=[{"text": "UK-ONLY-CANARY outcome.", "caveats": ["UK EYES ONLY"]},
                  {"text": "Shared with partners.", "caveats": []},
                  "Unmarked: the document's caveats, none here."]))
    write_sheet(tmp_path / "briefs", compact_sheet(
        "us-talks", classification={"level": "SECRET", "scheme": "us", "caveats": ["NOFORN"],
                                     "authority": US_AUTHORITY},
        participants=[{"name": "Anna Example", "title": "Secretary", "country": "US", "role": "principal"},
                      {"name": "Ben Example", "title": "Minister", "country": "AU", "role": "principal"}],
        summary={"text": "Releasable summary.", "caveats": ["REL TO USA, AUS"]},
        outcomes=[{"text": "NOFORN-CANARY by inheritance."},
                  {"text": "AUS-CANARY for Australia.", "caveats": ["REL TO USA, AUS"]},
                  {"text": "Five Eyes outcome.", "caveats": ["REL TO USA, FVEY"]}]))
    fvey = run_cli(["build", "--audience", "fvey-secret", "--no-pdf", "-o", tmp_path / "fvey"], cwd=tmp_path)
    assert fvey.exit_code == 0, fvey.output
    uk_html = (tmp_path / "fvey" / "uk-talks.html").read_text(encoding="utf-8")
    assert "Shared with partners." in uk_html and "UK-ONLY-CANARY" not in uk_html
    # The US sheet's header carries NOFORN: nothing of it reaches the Five Eyes audience.
    assert "withheld us-talks: it carries the caveat NOFORN" in fvey.stdout
    australia = run_cli(["build", "--audience", "australia", "--no-pdf", "-o", tmp_path / "aus"], cwd=tmp_path)
    assert "withheld us-talks: it carries the caveat NOFORN" in australia.stdout
    own = run_cli(["build", "--release", "SECRET", "--no-pdf", "-o", tmp_path / "own"], cwd=tmp_path)
    assert own.exit_code == 0, own.output
    us_html = (tmp_path / "own" / "us-talks.html").read_text(encoding="utf-8")
    assert "NOFORN-CANARY" in us_html and "AUS-CANARY" in us_html  # US readers read it all


def test_rel_to_lists_are_honoured(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text(PARTNERS_TOML, encoding="utf-8")
    write_sheet(tmp_path / "briefs", compact_sheet(
        "us-talks", classification={"level": "SECRET", "scheme": "us", "caveats": ["REL TO USA, AUS"],
                                     "authority": US_AUTHORITY},
        participants=[{"name": "Anna Example", "title": "Secretary", "country": "US", "role": "principal"},
                      {"name": "Ben Example", "title": "Minister", "country": "AU", "role": "principal"}],
        summary="Releasable to Australia.",
        outcomes=[{"text": "NOFORN-CANARY outcome.", "caveats": ["NOFORN"]},
                  {"text": "For Australia.", "caveats": ["REL TO USA, AUS"]}]))
    aus = run_cli(["build", "--audience", "australia", "--no-pdf", "-o", tmp_path / "aus"], cwd=tmp_path)
    assert aus.exit_code == 0, aus.output
    html = (tmp_path / "aus" / "us-talks.html").read_text(encoding="utf-8")
    assert "For Australia." in html and "NOFORN-CANARY" not in html
    fvey = run_cli(["build", "--audience", "fvey-secret", "--no-pdf", "-o", tmp_path / "fvey"], cwd=tmp_path)
    assert "withheld us-talks: it carries the caveat REL TO USA, AUS" in fvey.stdout  # Canadians are not named


@pytest.mark.parametrize(("classification", "portion", "code"), [
    ({"level": "OFFICIAL", "scheme": "uk", "caveats": ["UK EYES ONLY"], "cleared_for_public": True}, None,
     "public-with-caveat"),
    ({"level": "OFFICIAL-SENSITIVE", "scheme": "uk", "cleared_for_public": True}, None, "public-above-lowest"),
    ({"level": "OFFICIAL-SENSITIVE", "scheme": "uk", "header": "OFFICIAL", "cleared_for_public": True},
     {"text": "x", "classification": "OFFICIAL-SENSITIVE", "cleared_for_public": True}, "public-above-lowest"),
    ({"level": "OFFICIAL", "scheme": "uk", "cleared_for_public": True},
     {"text": "x", "caveats": ["LOCSEN"], "cleared_for_public": True}, "public-with-caveat"),
    ({"level": "OFFICIAL", "scheme": "uk"}, {"text": "x", "cleared_for_public": True},
     "public-portion-of-unreleased-note"),
])
def test_a_public_clearance_that_cannot_take_effect_is_reported(tmp_path: Path, classification: dict[str, Any],
                                                                portion: dict[str, Any] | None, code: str) -> None:
    changes: dict[str, Any] = {"classification": classification}
    if portion is not None:
        changes["outcomes"] = [portion]
    ran = run_cli(["check", write_sheet(tmp_path, compact_sheet("alpha", **changes))])
    assert f"[{code}]" in ran.stdout, ran.stdout


# --- finding 4: the preview under a ceiling --------------------------------------------------


def test_the_preview_under_a_ceiling_never_shows_what_it_withholds(tmp_path: Path) -> None:
    from serve_helpers import make_project, start_server

    invalid = compact_sheet("north-sea", classification={"level": "SECRET", "header": "OFFICIAL", "scheme": "uk"},
                            summary={"text": "Open summary.", "classification": "OFFICIAL"},
                            sections=[{"heading": "Open", "body": "Open body.", "classification": "OFFICIAL"},
                                      {"heading": "Vessels", "body": "CANARY-BODY of the survey.",
                                       "kind": "Langeled-survey-vessel-activity", "classification": "SECRET"}])
    secret = compact_sheet("hidden-talks", title="CANARY-TITLE talks",
                           classification={"level": "SECRET", "scheme": "uk"})
    partly = compact_sheet("partly", classification={"level": "SECRET", "header": "OFFICIAL", "scheme": "uk"},
                           summary={"text": "Open part.", "classification": "OFFICIAL"},
                           outcomes=[{"text": "CANARY-OUTCOME withheld.", "classification": "SECRET"},
                                     {"text": "A Langeled pipeline canary CANARY-FIXED.", "classification": "SECRET"}],
                           meeting__duration_minutes=None)
    partly["document"]["date"] = "2025-02-27"  # a warning (readout before the meeting) to be counted, not quoted
    make_project(tmp_path, {f"{s['id']}.yaml": json.dumps(s) for s in (invalid, secret, partly)})
    server = start_server(tmp_path, ["--release", "OFFICIAL"])
    try:
        pages = ["/", "/north-sea.html", "/north-sea.side.html", "/hidden-talks.html", "/hidden-talks.side.html",
                 "/partly.html", "/partly.side.html", "/north-sea.html?release=SECRET", "/partly.html?release=SECRET"]
        for path in pages:
            body = server.get(path)[1].decode("utf-8")
            for canary in ("Langeled", "CANARY", "hidden-talks"):
                assert canary not in body, (canary, path)
        assert server.get("/hidden-talks.html")[0] == 404 and server.get("/hidden-talks.pdf")[0] == 404
        index = server.text("/")
        assert "1 fact sheet is not released to this audience and not listed" in index
        partly_page = server.text("/partly.html")
        assert "Open part." in partly_page and '<span class="briefgen-warnings">1 warning</span>' in partly_page
        assert "written before the meeting" not in partly_page
        status, pdf = server.get("/partly.pdf", timeout=120)
        assert status == 200 and b"CANARY" not in pdf
        events = _first_event(server, "/_briefgen/events?kind=page&page=north-sea&etag=x")
        assert "Langeled" not in events and "CANARY" not in events
    finally:
        server.stop()


def _first_event(server: Any, path: str) -> str:
    import urllib.request

    request = urllib.request.Request(server.url.rstrip("/") + path)
    with urllib.request.urlopen(request, timeout=10) as stream:
        return stream.readline().decode("utf-8") + stream.readline().decode("utf-8")


# --- the property: nothing above the audience in any file -----------------------------------

LONG = os.environ.get("BRIEFGEN_LONG_FUZZ") == "1"
#: What the oracle knows of each caveat, written from the sources above — independent of the code.
CAVEATS = {
    "uk": {"UK EYES ONLY": {"GBR"}, "UK/US EYES ONLY": {"GBR", "USA"}, "LOCSEN": None, "NEW UK CAVEAT": {"GBR"}},
    "us": {"NOFORN": {"USA"}, "REL TO USA, AUS": {"USA", "AUS"}, "REL TO USA, FVEY": FVEY, "ORCON": None,
           "NEW US CONTROL": {"USA"}},
}
LEVELS = {"uk": ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"],
          "us": ["UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET"]}
#: Caveats `check` accepts, and where (test_marking_rules pins the rules): the property draws
#: sheets that build, so that it tests releases rather than rejections. A caveat the scheme does
#: not know makes a sheet invalid; that the release stage still reads one fail closed is pinned
#: by test_an_unknown_caveat_is_read_fail_closed_by_the_release_stage.
KNOWN = {"uk": ["UK EYES ONLY", "UK/US EYES ONLY", "LOCSEN"],
         "us": ["NOFORN", "REL TO USA, AUS", "REL TO USA, FVEY", "ORCON"]}
#: The lowest level each US control may mark (ISM-ID-00028: ORCON on classified portions; NOFORN and
#: REL TO on CUI and classified material).
LOWEST = {"NOFORN": "CUI", "REL TO USA, AUS": "CUI", "REL TO USA, FVEY": "CUI", "ORCON": "CONFIDENTIAL"}


def _valid(scheme: str, caveats: list[str], levels: list[str]) -> list[str]:
    """`caveats` less those `check` would reject for material at `levels`: a control below its
    lowest level, REL TO beside NOFORN (ISM-ID-00033), a second REL TO or EYES ONLY list."""
    kept = [c for c in caveats if scheme != "us" or all(
        LEVELS["us"].index(level) >= LEVELS["us"].index(LOWEST[c]) for level in levels)]
    if "NOFORN" in kept:
        kept = [c for c in kept if not c.startswith("REL TO")]
    for family in ("REL TO", "EYES ONLY"):
        listed = [c for c in kept if family in c]
        kept = [c for c in kept if family not in c or c == listed[0]]
    return kept
OWN = {"uk": "GBR", "us": "USA"}
AUDIENCES = [
    ("public", None, True, {"uk": "OFFICIAL", "us": "UNCLASSIFIED"}),
    ("own-os", None, False, {"uk": "OFFICIAL-SENSITIVE"}),
    ("own-secret", None, False, {"uk": "SECRET", "us": "SECRET"}),
    ("fvey", "FVEY", False, {"uk": "SECRET", "us": "TOP SECRET"}),
    ("aus", "AUS", False, {"us": "SECRET", "uk": "OFFICIAL-SENSITIVE"}),
    ("gbr", "GBR", False, {"uk": "TOP SECRET", "us": "CONFIDENTIAL"}),
]


def _audience(name: str, nationality: str | None, public: bool, levels: dict[str, str]) -> Audience:
    return Audience(name, tuple(sorted(levels.items())), nationality, public)


def _oracle(audience: tuple[Any, ...], scheme: str, level: str, caveats: list[str], public: bool) -> bool:
    _, nationality, is_public, ceilings = audience
    if scheme not in ceilings or LEVELS[scheme].index(level) > LEVELS[scheme].index(ceilings[scheme]):
        return False
    if is_public:
        return public and not caveats and level == LEVELS[scheme][0]
    readers = FVEY if nationality == "FVEY" else {nationality or OWN[scheme]}
    return all(CAVEATS[scheme][c] is None or readers <= CAVEATS[scheme][c] for c in caveats)


@st.composite
def marked_sheets(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, str, list[str], bool]]]:
    """A valid sheet with marked portions, each holding a canary, and each portion's effective marking.

    Public clearance is drawn only where `check` accepts it (cleared portions are at the lowest
    level and uncaveated), so that nearly every example is a sheet that builds.
    """
    scheme = draw(st.sampled_from(["uk", "us"]))
    levels = LEVELS[scheme]
    caveat = st.lists(st.sampled_from(KNOWN[scheme]), max_size=2, unique=True)
    document_caveats = draw(caveat)
    portions = []
    for n in range(draw(st.integers(1, 6))):
        own_level = draw(st.none() | st.sampled_from(levels))
        own_caveats = draw(st.none() | caveat)
        portions.append([n, own_level, own_caveats, None])
    stated = [lvl for _, lvl, _, _ in portions if lvl] + [draw(st.sampled_from(levels))]
    document_level = max(stated, key=levels.index)
    header = draw(st.just(levels[0]) | st.sampled_from(levels[:levels.index(document_level) + 1]))
    inheriting = [header, document_level] + [own or document_level for _, own, mine, _ in portions if mine is None]
    document_caveats = _valid(scheme, document_caveats, inheriting)
    for spec in portions:
        if spec[2] is not None:
            spec[2] = _valid(scheme, spec[2], [spec[1] or document_level])
    document_public = header == levels[0] and not document_caveats and draw(st.booleans())
    classification: dict[str, Any] = {"level": document_level, "scheme": scheme, "header": header,
                                      "caveats": document_caveats, "cleared_for_public": document_public}
    if scheme == "us" and levels.index(document_level) >= levels.index("CONFIDENTIAL"):
        classification["authority"] = US_AUTHORITY  # E.O. 13526 §1.6: a final classified note carries one
    effective = []
    texts: list[Any] = []
    for portion_spec in portions:
        n, own_level, own_caveats, _ = portion_spec
        level = own_level or document_level
        caveats = own_caveats if own_caveats is not None else document_caveats
        clearable = level == levels[0] and not caveats
        own_public = draw(st.none() | (st.booleans() if clearable else st.just(False)))
        portion: dict[str, Any] = {"text": f"Outcome PORTION{n:02d}CANARY."}
        if own_level:
            portion["classification"] = own_level
        if own_caveats is not None:
            portion["caveats"] = own_caveats
        if own_public is not None:
            portion["cleared_for_public"] = own_public
        texts.append(portion)
        effective.append((f"PORTION{n:02d}CANARY", level, caveats,
                          own_public if own_public is not None else document_public))
    header_marking = ("HEADERCANARY", header, document_caveats, document_public)
    country = "US" if scheme == "us" else "GB"
    sheet = compact_sheet("prop", title="Talks HEADERCANARY", classification=classification,
                          summary={"text": "Summary.", "classification": document_level, "caveats": document_caveats},
                          outcomes=texts,
                          participants=[{"name": "Anna Example", "title": "Minister", "country": country,
                                         "role": "principal"},
                                        {"name": "Ben Example", "title": "Minister", "country": "FR",
                                         "role": "principal"}])
    return sheet, [header_marking, *effective]


#: How the property's examples went: each sheet released with something, withheld, or invalid.
SEEN: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_property_counts() -> Any:
    yield
    if SEEN:
        print("\nrelease property examples: " + ", ".join(f"{k} {v}" for k, v in sorted(SEEN.items())))


@settings(max_examples=500 if LONG else 50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(marked_sheets(), st.sampled_from(AUDIENCES))
def test_no_file_of_a_release_holds_a_portion_its_audience_may_not_read(tmp_path_factory: pytest.TempPathFactory,
                                                                        drawn: Any, spec: tuple[Any, ...]) -> None:
    sheet, markings = drawn
    folder = tmp_path_factory.mktemp("prop")
    path = write_sheet(folder / "briefs", sheet)
    audience = _audience(*spec)
    options = Options(audience=audience, pdf=False, theme=Theme.default())
    planned = plan([path], options)
    outcomes = [run(job) for job in planned.jobs]
    out = folder / "site"
    publish(planned, outcomes, out)
    files = _every_file(out)
    scheme = sheet["classification"]["scheme"]
    header, *portions = markings
    header_read = _oracle(spec, scheme, header[1], header[2], header[3])
    valid = not planned.sheets[0].report.errors
    kind = "invalid" if not valid else "withheld" if planned.sheets[0].withheld else "released"
    SEEN[kind] = SEEN.get(kind, 0) + 1
    for canary, level, caveats, public in markings:
        readable = header_read and _oracle(spec, scheme, level, caveats, public)
        found = [name for name, data in files.items() if canary.encode() in data]
        if not readable:
            assert not found, (canary, level, caveats, public, found)
        elif valid:
            assert f"{sheet['id']}.html" in found, (canary, level, caveats, public)


def test_the_property_fails_on_a_cut_that_ignores_caveats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The mutation check: with caveats ignored, a UK EYES ONLY portion reaches a Five Eyes reader,
    # and the oracle above catches it.
    from briefgen.release import audience as module

    monkeypatch.setattr(module, "readers_allowed", lambda scheme, caveat: None)
    sheet = compact_sheet("alpha", classification={"level": "SECRET", "scheme": "uk"},
                          outcomes=[{"text": "UKCANARY.", "caveats": ["UK EYES ONLY"]}])
    path = write_sheet(tmp_path, sheet)
    spec = AUDIENCES[3]
    planned = plan([path], Options(audience=_audience(*spec), pdf=False, theme=Theme.default()))
    html = run(planned.jobs[0]).outputs["alpha.html"].decode()
    assert "UKCANARY" in html  # the broken cut leaks …
    assert not _oracle(spec, "uk", "SECRET", ["UK EYES ONLY"], False)  # … and the oracle says it must not


def test_released_html_names_whom_it_is_for(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, compact_sheet("alpha", classification={"level": "OFFICIAL", "scheme": "uk",
                                                                         "cleared_for_public": True}))
    ran = run_cli(["build", sheet, "--no-pdf", "--public", "-o", tmp_path / "out"])
    assert ran.exit_code == 0, ran.output
    root = parse_html((tmp_path / "out" / "alpha.html").read_text(encoding="utf-8"))
    notes = [text_of(e) for e in root.iter() if "release-note" in (e.get("class") or "").split()]
    assert notes == ["For public release"]  # the GSC's handling instruction, from the uk scheme's file
    assert "AB/01-R-PUBLIC" in (tmp_path / "out" / "alpha.html").read_text(encoding="utf-8")


def test_parse_audiences_reports_every_problem_at_once() -> None:
    found, problems = parse_audiences({"a": {"levels": {"uk": "X"}}, "b": {"public": "yes"}, "c": 5})
    assert not found
    assert len(problems) >= 4


# --- the property, for the pages across briefs ---------------------------------------------------
# A country's, framework's or commitment's page in a release is made from the released records only:
# a withheld framework, commitment or follow-up is named on no page (nor in a page's file name), and
# each page lists exactly the briefs in which its subject is readable, so that no count, date or
# status on it comes from a withheld portion.

FRAMEWORK_REFS = ("fw-alpha", "fw-beta", "fw-gamma")
COMMITMENT_REFS = ("cm-alpha", "cm-beta")


def _marking(draw: st.DrawFn, scheme: str, document_level: str) -> tuple[dict[str, Any], tuple[str, list[str], bool]]:
    """An item's own marking (what the sheet writes) and its effective one (level, caveats, public)."""
    levels = LEVELS[scheme]
    own_level = draw(st.none() | st.sampled_from(levels[:levels.index(document_level) + 1]))
    level = own_level or document_level
    caveats = _valid(scheme, draw(st.lists(st.sampled_from(KNOWN[scheme]), max_size=1)), [level])
    public = level == levels[0] and not caveats and draw(st.booleans())
    written: dict[str, Any] = {"caveats": caveats, "cleared_for_public": public}
    if own_level:
        written["classification"] = own_level
    return written, (level, caveats, public)


@st.composite
def crossing_sheets(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Two or three valid sheets naming shared frameworks and commitments (by ref), each item and follow-up
    marked on its own and holding its own canary; with what each item's effective marking is."""
    scheme = draw(st.sampled_from(["uk", "us"]))
    levels = LEVELS[scheme]
    sheets, items = [], []
    for n in range(draw(st.integers(2, 3))):
        document_level = draw(st.sampled_from(levels))
        header = draw(st.sampled_from(levels[:levels.index(document_level) + 1]))
        public = header == levels[0] == document_level and draw(st.booleans())
        classification: dict[str, Any] = {"level": document_level, "scheme": scheme, "header": header,
                                          "cleared_for_public": public}
        if scheme == "us" and levels.index(document_level) >= levels.index("CONFIDENTIAL"):
            classification["authority"] = US_AUTHORITY
        sheet_id = f"cross-{n}"
        document = (document_level, [], public)
        found: list[dict[str, Any]] = [{"sheet": sheet_id, "kind": "countries", "key": "FR", "header": header,
                                        "marking": document, "canary": None}]
        frameworks = []
        for ref in draw(st.lists(st.sampled_from(FRAMEWORK_REFS), min_size=1, max_size=2, unique=True)):
            written, effective = _marking(draw, scheme, document_level)
            frameworks.append({"name": f"Framework {ref.upper()}CANARY", "ref": ref,
                               "status": draw(st.sampled_from(["reaffirmed", "launched", "referenced"])), **written})
            found.append({"sheet": sheet_id, "kind": "frameworks", "key": ref, "header": header,
                          "marking": effective, "canary": f"{ref.upper()}CANARY"})
        commitments, follow_up = [], []
        for ref in draw(st.lists(st.sampled_from(COMMITMENT_REFS), max_size=2, unique=True)):
            written, effective = _marking(draw, scheme, document_level)
            commitments.append({"sector": f"Sector {ref.upper()}CANARY", "ref": ref, "summary": "A commitment.",
                                "status": draw(st.sampled_from(["announced", "agreed", "signed"])),
                                "parties": ["FR", "DE"], "sources": ["joint-statement"], **written})
            found.append({"sheet": sheet_id, "kind": "commitments", "key": ref, "header": header,
                          "marking": effective, "canary": f"{ref.upper()}CANARY"})
            if draw(st.booleans()):
                written, effective = _marking(draw, scheme, document_level)
                canary = f"FOLLOWUP{n}{ref[3:].upper()}CANARY"  # no canary holds another
                follow_up.append({"action": f"Action {canary}.", "commitment": ref, "due": "2026-01-31", **written})
                found.append({"sheet": sheet_id, "kind": "follow-up", "key": ref, "header": header,
                              "marking": effective, "canary": canary})
        fields: dict[str, Any] = {"classification": classification, "frameworks": frameworks,
                                  "meeting__date": f"2025-0{n + 1}-01", "document__date": f"2025-0{n + 1}-02"}
        if commitments:
            fields["commitments"] = commitments
        if follow_up:
            fields["follow_up"] = follow_up
        sheets.append(compact_sheet(sheet_id, title=f"Talks {n}", **fields))
        items += found
    return scheme, sheets, items


_BRIEF_LINK = re.compile(r'href="\.\./([^"/#]+)\.html')


@settings(max_examples=200 if LONG else 60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(crossing_sheets(), st.sampled_from(AUDIENCES))
def test_no_page_across_briefs_of_a_release_holds_or_counts_what_its_audience_may_not_read(
        tmp_path_factory: pytest.TempPathFactory, drawn: Any, spec: tuple[Any, ...]) -> None:
    scheme, sheets, items = drawn
    folder = tmp_path_factory.mktemp("cross")
    paths = [write_sheet(folder / "briefs", sheet) for sheet in sheets]
    planned = plan(paths, Options(audience=_audience(*spec), pdf=False, theme=Theme.default()))
    out = folder / "site"
    publish(planned, [run(job) for job in planned.jobs], out)
    files = _every_file(out)
    published = {s.sheet_id for s in planned.sheets if s.job is not None and not s.report.errors}

    def readable(item: dict[str, Any]) -> bool:
        level, caveats, public = item["marking"]
        header_read = _oracle(spec, scheme, item["header"], [], item["header"] == LEVELS[scheme][0]
                              and sheets[int(item["sheet"][-1])]["classification"]["cleared_for_public"])
        return item["sheet"] in published and header_read and _oracle(spec, scheme, level, caveats, public)

    for item in items:
        if item["canary"] is None:
            continue
        shown = readable(item) or any(readable(other) for other in items if other["canary"] == item["canary"])
        found = [name for name, data in files.items()
                 if item["canary"].encode() in data or item["canary"].lower() in name.lower()]
        if not shown:
            assert not found, (item, found)
    for kind in ("frameworks", "commitments"):
        for key in {i["key"] for i in items if i["kind"] == kind}:
            expected = {i["sheet"] for i in items if i["kind"] == kind and i["key"] == key and readable(i)}
            page = f"{kind}/{key}.html"
            if not expected:
                assert page not in files, (page, items)
                continue
            assert page in files, (page, expected)
            linked = set(_BRIEF_LINK.findall(files[page].decode("utf-8"))) - {"index"}
            assert linked == expected, (page, linked, expected)
    country = files.get("countries/FR.html")
    if country is not None:
        assert set(_BRIEF_LINK.findall(country.decode("utf-8"))) - {"index"} <= published
    SEEN["cross " + ("with pages" if any(n.startswith("frameworks/") for n in files) else "without pages")] = \
        SEEN.get("cross " + ("with pages" if any(n.startswith("frameworks/") for n in files) else "without pages"),
                 0) + 1

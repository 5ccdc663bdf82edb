"""Releases (--release LEVEL): nothing above the level reaches any output — HTML, PDF text,
PDF metadata and bookmarks, manifest, index — and briefs above it are withheld."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from build_helpers import (
    compact_sheet,
    decompressed,
    find_all,
    outline_titles,
    page_texts,
    parse_html,
    pdf_reader,
    pdf_strings,
    placed_text,
    run_cli,
    text_of,
    write_sheet,
)

#: Every canary sits in a SECRET portion (explicit, or unmarked in a SECRET document).
CANARIES = [f"CANARY-S{n:02d}" for n in range(1, 18)]


def _mixed_sheet() -> dict:
    official = "OFFICIAL"
    secret = "SECRET"
    return compact_sheet(
        "mixed",
        title="Mixed talks",
        classification={"level": secret, "header": official, "scheme": "uk"},
        summary={"text": "Summary CANARY-S01 of the talks.", "classification": secret},
        talking_points=[{"text": "Point CANARY-S02.", "classification": secret},
                        {"text": "Open point.", "classification": official}],
        outcomes=[
            {"text": "Open outcome.", "classification": official},
            {"text": "Hidden outcome CANARY-S03.", "classification": secret},
            "Unmarked outcome CANARY-S04, which has the document's level.",
        ],
        commitments=[
            {"sector": "Open sector", "summary": "Open commitment.", "classification": official,
             "sources": ["open-source"]},
            {"sector": "Sector CANARY-S05", "summary": "Commitment CANARY-S06.", "classification": secret,
             "organisations": ["CANARY-S07 Corporation"], "sources": ["secret-source"],
             "amount": {"value": 5000000, "currency": "EUR", "period": "over CANARY-S08"}},
            {"sector": "Unmarked sector", "summary": "Unmarked commitment CANARY-S09."},
        ],
        frameworks=[
            {"name": "Open framework", "note": "Open note.", "classification": official},
            {"name": "Framework CANARY-S10", "note": "Note CANARY-S11.", "classification": secret},
        ],
        sections=[
            {"heading": "Open section", "body": "Open body.", "classification": official},
            {"heading": "Heading CANARY-S12", "body": "Body CANARY-S13.", "classification": secret},
        ],
        follow_up=[
            {"action": "Open action.", "classification": official},
            {"action": "Action CANARY-S14.", "owner": "Owner CANARY-S15", "classification": secret},
        ],
        sources=[
            {"id": "open-source", "title": "Open source title", "publisher": "Open Press"},
            {"id": "secret-source", "title": "Source CANARY-S16"},
            {"id": "uncited-source", "title": "Uncited source CANARY-S17"},
        ],
    )


def _withheld_sheet() -> dict:
    return compact_sheet(
        "withheld",
        title="Withheld talks CANARY-W1",
        classification={"level": "SECRET", "scheme": "uk"},
        meeting__occasion="Occasion CANARY-W2",
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory):
    """Build both sheets in full into a folder, keep a copy, then rebuild it --release OFFICIAL."""
    root = tmp_path_factory.mktemp("release")
    sheets = root / "sheets"
    write_sheet(sheets, _mixed_sheet())
    write_sheet(sheets, _withheld_sheet())
    site = root / "site"
    full_run = run_cli(["build", sheets, "-o", site])
    assert full_run.exit_code == 0, full_run.output
    full = root / "full"
    shutil.copytree(site, full)
    released_run = run_cli(["build", sheets, "-o", site, "--release", "OFFICIAL"])
    return {"full": full, "released": site, "full_run": full_run, "released_run": released_run}


def _everything_readable(folder: Path) -> dict[str, str]:
    """What a reader of the folder can see, by where it is: files' text, each PDF page, PDF strings."""
    seen: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".pdf":
            reader = pdf_reader(path)
            for number, text in enumerate(page_texts(reader), start=1):
                seen[f"{name} page {number}"] = text
            seen[f"{name} metadata and bookmarks"] = pdf_strings(reader)
            seen[f"{name} streams decompressed"] = _decompressed_streams(path)
        else:
            # The search index's files too (pagefind/…), gunzipped: a reader's browser fetches them.
            seen[name] = decompressed(path).decode("utf-8", "replace")
    return seen


def _decompressed_streams(path: Path) -> str:
    """Every stream of the PDF decoded (the XMP, the content streams with their ActualText, the fonts' maps)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return "\n".join(obj.read_bytes().decode("latin-1") for obj in pdf.objects
                         if isinstance(obj, pikepdf.Stream))


# --- the full build proves the canaries would show ------------------------------------------


def test_the_full_build_contains_every_canary(sites) -> None:
    seen = _everything_readable(sites["full"])
    html = seen["mixed.html"]
    for canary in CANARIES:
        assert canary in html, canary
    pdf_text = " ".join(v for k, v in seen.items() if k.startswith("mixed.pdf page"))
    for canary in ("CANARY-S01", "CANARY-S03", "CANARY-S04", "CANARY-S06", "CANARY-S11", "CANARY-S13",
                   "CANARY-S14", "CANARY-S16"):
        assert canary in pdf_text, canary
    assert "Heading CANARY-S12" in seen["mixed.pdf metadata and bookmarks"]
    assert "Framework CANARY-S10" in seen["mixed.pdf metadata and bookmarks"]  # in the keywords
    assert "Occasion CANARY-W2" in seen["withheld.pdf streams decompressed"]  # its XMP: dc:description
    assert "CANARY-W1" in seen["index.html"] and "CANARY-W1" in seen["manifest.json"]
    assert (sites["full"] / "withheld.pdf").exists()


def test_the_full_build_banner_is_secret(sites) -> None:
    reader = pdf_reader(sites["full"] / "mixed.pdf")
    for text in page_texts(reader):
        assert text.count("SECRET") >= 2


# --- the release ---------------------------------------------------------------------


def test_the_release_build_succeeds(sites) -> None:
    ran = sites["released_run"]
    assert ran.exit_code == 0, ran.output
    assert re.search(r"^built mixed: \d+ pages? → ", ran.stdout, re.MULTILINE), ran.stdout


def test_no_canary_anywhere_in_the_release(sites) -> None:
    seen = _everything_readable(sites["released"])
    assert {"mixed.html", "mixed.pdf page 1", "mixed.pdf metadata and bookmarks", "index.html",
            "manifest.json"} <= set(seen)
    for where, text in seen.items():
        assert "CANARY" not in text, f"{where} leaks: {re.findall(r'CANARY-[A-Z0-9]+', text)}"
    # Nor in any byte of any file (temporary files included), the search index's gunzipped.
    files = [path for path in sites["released"].rglob("*") if path.is_file()]
    assert any(path.parent.name == "pagefind" for path in files)
    for path in files:
        assert b"CANARY" not in path.read_bytes() and b"CANARY" not in decompressed(path), path.name


def test_the_release_keeps_the_official_portions(sites) -> None:
    html = (sites["released"] / "mixed.html").read_text(encoding="utf-8")
    root = parse_html(html)
    for kept in ("Open outcome.", "Open point.", "Open commitment.", "Open framework", "Open note.",
                 "Open section", "Open body.", "Open action.", "Open source title",
                 "Releasable at OFFICIAL to UK nationals"):
        assert kept in html, kept
    free = [s for s in find_all(root, "section", class_="text-part") if s.get("class") in (
        "text-part other", "text-part background", "text-part sensitivities", "text-part press-lines")]
    assert [text_of(s.find("h2")) for s in free] == ["Open section"]
    assert [text_of(li) for li in find_all(root, "li") if li.get("id", "").startswith("source-")] == [
        "Open source title. Open Press. ↩"]  # ↩: back to where it is first cited
    reader = pdf_reader(sites["released"] / "mixed.pdf")
    assert "Open section" in outline_titles(reader)


def test_the_release_banner_is_the_highest_level_present(sites) -> None:
    root = parse_html((sites["released"] / "mixed.html").read_text(encoding="utf-8"))
    assert [text_of(b) for b in find_all(root, "div", class_="banner")] == ["OFFICIAL", "OFFICIAL"]
    assert "tone-official" in root.find("body").get("class").split()
    reader = pdf_reader(sites["released"] / "mixed.pdf")
    for page in reader.pages:
        text = page.extract_text()
        assert "SECRET" not in text
        height = float(page.mediabox.height)
        banners = [y for run, _, y in placed_text(page) if run == "OFFICIAL"]
        assert any(y > height - 80 for y in banners) and any(y < 80 for y in banners), banners
    manifest = json.loads((sites["released"] / "manifest.json").read_text())
    (entry,) = manifest["briefs"]
    assert entry["level"] == "OFFICIAL" and entry["banner"] == "OFFICIAL"
    assert entry["audience"] == "OFFICIAL"
    index = parse_html((sites["released"] / "index.html").read_text(encoding="utf-8"))
    assert [text_of(b) for b in find_all(index, "span", class_="badge")] == ["OFFICIAL"]


def test_the_portion_marks_of_the_release(sites) -> None:
    root = parse_html((sites["released"] / "mixed.html").read_text(encoding="utf-8"))
    marks = {text_of(m) for m in find_all(root, "span", class_="mark")}
    assert marks == {"(O)"}


# --- withheld briefs -----------------------------------------------------------------


def test_a_brief_whose_header_is_above_the_level_is_withheld(sites) -> None:
    ran = sites["released_run"]
    assert "note[not-released]" in ran.stdout
    assert re.search(r"^withheld withheld: .*header.*SECRET.*above OFFICIAL", ran.stdout, re.MULTILINE), ran.stdout
    released = sites["released"]
    # Its earlier outputs in this folder are gone, and it is not listed.
    assert not (released / "withheld.html").exists()
    assert not (released / "withheld.pdf").exists()
    manifest = json.loads((released / "manifest.json").read_text())
    assert [b["id"] for b in manifest["briefs"]] == ["mixed"]
    assert "withheld" not in (released / "index.html").read_text(encoding="utf-8")


def test_the_release_folder_holds_only_what_was_released(sites) -> None:
    assert sorted(p.name for p in sites["released"].iterdir()) == [
        "commitments", "countries", "frameworks", "index.html", "manifest.json", "mixed.html", "mixed.pdf",
        "pagefind", "people"]


def test_the_pages_across_briefs_of_the_release_name_only_released_subjects(sites) -> None:
    # A page's name is read too (a folder listing, a link): a withheld framework or sector has no page,
    # under any spelling (keys are lower-case slugs of the names).
    released, full = sites["released"], sites["full"]
    names = sorted(p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file())
    for canary in CANARIES:
        assert not [n for n in names if canary.lower() in n.lower()], canary
    assert sorted(p.name for p in (released / "frameworks").iterdir()) == ["index.html", "open-framework.html"]
    assert "framework-canary-s10.html" in {p.name for p in (full / "frameworks").iterdir()}  # the full build has it
    commitments = sorted(p.name for p in (released / "commitments").iterdir())
    assert not [n for n in commitments if "canary" in n], commitments
    assert any("canary" in p.name for p in (full / "commitments").iterdir())


def test_withheld_is_not_a_failure_under_strict(tmp_path: Path) -> None:
    # Withholding is the release doing its job: a public build under --strict still passes.
    sheet = write_sheet(tmp_path, _withheld_sheet())
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--release", "OFFICIAL", "--strict", "--no-pdf"])
    assert ran.exit_code == 0, ran.output
    assert "note[not-released]" in ran.stdout
    assert "withheld withheld:" in ran.stdout
    assert not (tmp_path / "site" / "withheld.html").exists()


def test_a_release_level_of_another_scheme_withholds_the_sheet_with_a_note(tmp_path: Path) -> None:
    # Issue 14, finding 2: one sheet of another scheme never stops a release build. CUI is a
    # level of the us scheme only, so a uk sheet is withheld, with a note at its scheme.
    sheet = write_sheet(tmp_path, _mixed_sheet())
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--release", "CUI", "--no-pdf", "--strict"])
    assert ran.exit_code == 0, ran.output
    assert "note[not-released]: not released to CUI: the audience CUI reads no notes of the uk scheme" in ran.stdout
    assert not (tmp_path / "site" / "mixed.html").exists()


def test_an_unknown_release_level_is_a_usage_error(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, _mixed_sheet())
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--release", "PUBLIC"])
    assert ran.exit_code == 2, ran.output
    assert not (tmp_path / "site").exists()


def test_the_banner_is_the_highest_level_kept_not_the_release_level(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, compact_sheet(
        "layered",
        classification={"level": "TOP SECRET", "header": "OFFICIAL", "scheme": "uk"},
        summary={"text": "Open summary.", "classification": "OFFICIAL"},
        outcomes=[{"text": "Top outcome CANARY-TS1.", "classification": "TOP SECRET"},
                  {"text": "Open outcome.", "classification": "OFFICIAL"}],
    ))
    ran = run_cli(["build", sheet, "-o", tmp_path / "site", "--release", "SECRET", "--no-pdf"])
    assert ran.exit_code == 0, ran.output
    html = (tmp_path / "site" / "layered.html").read_text(encoding="utf-8")
    root = parse_html(html)
    assert [text_of(b) for b in find_all(root, "div", class_="banner")] == ["OFFICIAL", "OFFICIAL"]
    assert "CANARY" not in html and "Open outcome." in html
    assert "Releasable at SECRET to UK nationals" in html
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text())
    assert manifest["briefs"][0]["level"] == "OFFICIAL"

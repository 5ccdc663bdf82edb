"""Incremental builds: content-hashed keys decide what is rendered again; shards and
`briefgen assemble` give what one build gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_helpers import (
    build_in_subprocess,
    compact_sheet,
    first_image_colour,
    reproducible_files,
    script_env,
    solid_png,
    write_sheet,
)

NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")


def _repo(root: Path, names: tuple[str, ...] = NAMES, **extra: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = ['briefs = "briefs"', 'output = "site"', *(f'{k} = "{v}"' for k, v in extra.items())]
    (root / "briefgen.toml").write_text("\n".join(lines) + "\n")
    for name in names:
        write_sheet(root / "briefs", compact_sheet(name, title=f"{name.capitalize()} talks"))
    return root


def _build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return build_in_subprocess(root, *args)


def _state(site: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time (ns)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.iterdir()}


def _built(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.split()[1].rstrip(":") for line in done.stdout.splitlines() if line.startswith("built ")}


def _unchanged(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.split()[1] for line in done.stdout.splitlines() if line.startswith("unchanged ")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository built once, HTML and PDF."""
    root = _repo(tmp_path_factory.mktemp("repo"))
    first = _build(root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert _built(first) == set(NAMES)
    return root


def test_new_modification_times_rebuild_nothing(built: Path) -> None:
    before = _state(built / "site")
    later = time.time() + 3600
    for path in (built / "briefs").iterdir():  # as a fresh git checkout leaves them
        os.utime(path, (later, later))
    again = _build(built)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _unchanged(again) == set(NAMES) and _built(again) == set()
    assert _state(built / "site") == before, "an unchanged brief's files were rewritten"


def test_a_noop_rebuild_does_not_import_weasyprint(built: Path) -> None:
    probe = ("import sys\nfrom briefgen.commands.main import main\n"
             "try:\n    main(['build'])\nexcept SystemExit as exc:\n    code = exc.code\n"
             "print('weasyprint' in sys.modules, 'briefgen.sheet.model' in sys.modules, code)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=built, env=script_env(), capture_output=True,
                          text=True, timeout=120)
    # Neither printed nor even checked again: the sheets' keys equal the recorded ones.
    assert done.stdout.splitlines()[-1] == "False False 0", done.stdout + done.stderr


def test_editing_one_sheet_rebuilds_only_it(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha", "beta", "gamma"))
    assert _build(root, "--no-pdf").returncode == 0
    before = _state(root / "site")
    write_sheet(root / "briefs", compact_sheet("beta", title="Beta talks, revised"))
    again = _build(root, "--no-pdf")
    assert again.returncode == 0
    assert _built(again) == {"beta"} and _unchanged(again) == {"alpha", "gamma"}
    after = _state(root / "site")
    assert after["alpha.html"] == before["alpha.html"] and after["gamma.html"] == before["gamma.html"]
    assert "Beta talks, revised" in (root / "site" / "beta.html").read_text(encoding="utf-8")


def test_a_template_or_style_change_rebuilds_the_briefs_that_use_it(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha", "beta"), styles="styles")
    (root / "styles").mkdir()
    assert _build(root, "--no-pdf").returncode == 0
    (root / "styles" / "print.css").write_text("/* a project print style */\n")
    again = _build(root, "--no-pdf")
    assert _built(again) == {"alpha", "beta"}, again.stdout
    assert "a project print style" in (root / "site" / "alpha.html").read_text(encoding="utf-8")
    assert _unchanged(_build(root, "--no-pdf")) == {"alpha", "beta"}
    _rewrite_in_place(root / "styles" / "print.css", "/* a project PRINT style */\n")  # edited in place
    assert _built(_build(root, "--no-pdf")) == {"alpha", "beta"}
    assert "a project PRINT style" in (root / "site" / "alpha.html").read_text(encoding="utf-8")


def test_options_and_force_rebuild(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha", "beta"))
    assert _build(root, "--no-pdf").returncode == 0
    released = _build(root, "--no-pdf", "--release", "OFFICIAL")
    assert _built(released) == {"alpha", "beta"}, "a release level is another key"
    manifest = json.loads((root / "site" / "manifest.json").read_text())
    assert {b["audience"] for b in manifest["briefs"]} == {"OFFICIAL"}
    assert _unchanged(_build(root, "--no-pdf", "--release", "OFFICIAL")) == {"alpha", "beta"}
    forced = _build(root, "--no-pdf", "--release", "OFFICIAL", "--force")
    assert _built(forced) == {"alpha", "beta"}


def test_warnings_from_rendering_are_reported_again_and_strict_agrees(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha",))
    sheet = compact_sheet("alpha", title="Alpha talks")
    sheet["participants"][1]["native_name"] = "Ben \U0001FAE8"  # no installed font draws it
    write_sheet(root / "briefs", sheet)
    first = _build(root, "--no-pdf")
    assert first.returncode == 0 and "warning[missing-glyphs]" in first.stdout, first.stdout
    again = _build(root, "--no-pdf")
    assert _unchanged(again) == {"alpha"}
    assert "warning[missing-glyphs]" in again.stdout, "a cached brief must report its warnings again"
    strict = _build(root, "--no-pdf", "--strict")
    assert strict.returncode == 1 and "warning[missing-glyphs]" in strict.stdout


def test_a_deleted_sheet_leaves_the_site_and_foreign_files_stay(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha", "beta"))
    assert _build(root, "--no-pdf").returncode == 0
    (root / "site" / "notes.txt").write_text("mine")
    (root / "briefs" / "beta.yaml").unlink()
    again = _build(root, "--no-pdf")
    assert again.returncode == 0, again.stdout + again.stderr
    assert sorted(p.name for p in (root / "site").iterdir()) == ["alpha.html", "countries", "index.html",
                                                                 "manifest.json", "notes.txt", "pagefind", "people"]
    assert "Beta talks" not in (root / "site" / "index.html").read_text(encoding="utf-8")
    assert (root / "site" / "notes.txt").read_text() == "mine"


def test_shards_assembled_equal_one_build(tmp_path: Path) -> None:
    names = tuple(f"brief-{n:02d}" for n in range(12))
    root = _repo(tmp_path, names=names)
    shards = []
    for number in (1, 2, 3):
        out = root / f"shard-{number}"
        done = _build(root, "--no-pdf", "--shard", f"{number}/3", "-o", str(out))
        assert done.returncode == 0, done.stdout + done.stderr
        shards.append(out)
    counts = [len(json.loads((s / "manifest.json").read_text())["briefs"]) for s in shards]
    assert sum(counts) == len(names) and all(counts), counts
    assembled = subprocess.run([sys.executable, "-m", "briefgen", "assemble", *map(str, shards), "-o", "site-all"],
                               cwd=root, env=script_env(), capture_output=True, text=True, timeout=120)
    assert assembled.returncode == 0, assembled.stderr
    single = _build(root, "--no-pdf", "-o", "site-one")
    assert single.returncode == 0
    one = reproducible_files(root / "site-one")
    assert reproducible_files(root / "site-all") == one
    # Adding a sheet moves no other brief to another shard.
    write_sheet(root / "briefs", compact_sheet("brief-99"))
    for number, out in enumerate(shards, start=1):
        before = set(json.loads((out / "manifest.json").read_text()) and
                     [b["id"] for b in json.loads((out / "manifest.json").read_text())["briefs"]])
        _build(root, "--no-pdf", "--shard", f"{number}/3", "-o", str(out))
        after = {b["id"] for b in json.loads((out / "manifest.json").read_text())["briefs"]}
        assert before <= after and len(after - before) <= 1


def test_assemble_refuses_folders_that_are_not_the_shards_of_one_build(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha", "beta", "gamma"))
    assert _build(root, "--no-pdf", "-o", "one").returncode == 0
    assert _build(root, "--no-pdf", "-o", "released", "--release", "OFFICIAL", "--shard", "2/2").returncode == 0
    assert _build(root, "--no-pdf", "-o", "half", "--shard", "1/2").returncode == 0

    def assemble(*folders: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "briefgen", "assemble", *folders, "-o", "all"], cwd=root,
                              env=script_env(), capture_output=True, text=True, timeout=120)

    plain = assemble("one", "half")
    assert plain.returncode == 2 and "one was not built with --shard K/N" in plain.stderr
    mixed = assemble("half", "released")
    assert mixed.returncode == 2 and "differ in their audience" in mixed.stderr
    twice = assemble("half", "half")
    assert twice.returncode == 2 and "are both shard 1/2" in twice.stderr
    assert not (root / "all").exists()  # nothing published


def test_warnings_from_checking_are_reported_again_for_an_unchanged_sheet(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha",))
    write_sheet(root / "briefs", compact_sheet("alpha", document__date="2025-02-27"))  # a readout before the meeting
    first = _build(root, "--no-pdf")
    assert first.returncode == 0 and "warning[readout-before-meeting]" in first.stdout, first.stdout
    again = _build(root, "--no-pdf")
    assert _unchanged(again) == {"alpha"}
    assert again.stdout.count("warning[readout-before-meeting]") == 1, again.stdout
    assert "briefs/alpha.yaml:" in again.stdout and "^" in again.stdout  # with its line and caret
    assert _build(root, "--no-pdf", "--strict").returncode == 1


def test_a_changed_sheet_that_takes_an_unchanged_ones_id_is_reported_for_both(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha", "beta"))
    assert _build(root, "--no-pdf").returncode == 0
    write_sheet(root / "briefs", compact_sheet("alpha", title="Beta talks"), name="beta.yaml")
    clash = _build(root, "--no-pdf")
    assert clash.returncode == 1
    assert clash.stdout.count("error[duplicate-build-id]") == 2, clash.stdout


# --- every byte a render read is in its key (issue 17, item 7) -----------------------------------


def _summary_partial(extra: str) -> str:
    """The packaged summary partial with `extra` inside its section."""
    from briefgen.theme import packaged

    text = (packaged("templates") / "partials" / "_summary.html").read_text(encoding="utf-8")
    assert "</section>" in text
    return text.replace("</section>", f"{extra}\n</section>")


def _rewrite_in_place(path: Path, data: str | bytes) -> None:
    """New bytes of the same length, with the old modification time: only the bytes tell."""
    before = path.stat()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    assert len(raw) == before.st_size
    path.write_bytes(raw)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_editing_an_existing_template_in_place_rebuilds_the_briefs(tmp_path: Path) -> None:
    root = _repo(tmp_path, names=("alpha", "beta"), templates="templates")
    partial = root / "templates" / "partials" / "_summary.html"
    partial.parent.mkdir(parents=True)
    partial.write_text(_summary_partial("<p>VERSION-ONE</p>"), encoding="utf-8")
    assert _build(root, "--no-pdf").returncode == 0
    assert _unchanged(_build(root, "--no-pdf")) == {"alpha", "beta"}
    _rewrite_in_place(partial, _summary_partial("<p>VERSION-TWO</p>"))
    again = _build(root, "--no-pdf")
    assert _built(again) == {"alpha", "beta"}, again.stdout
    assert "VERSION-TWO" in (root / "site" / "alpha.html").read_text(encoding="utf-8")


def test_a_symlinked_partials_folder_is_part_of_the_key(tmp_path: Path) -> None:
    """templates/partials -> ../shared/partials: Jinja follows the link, and so does the key."""
    root = _repo(tmp_path, names=("alpha",), templates="templates")
    shared = root / "shared" / "partials"
    shared.mkdir(parents=True)
    (shared / "_summary.html").write_text(_summary_partial("<p>VERSION-ONE</p>"), encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "partials").symlink_to("../shared/partials", target_is_directory=True)
    first = _build(root, "--no-pdf")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "VERSION-ONE" in (root / "site" / "alpha.html").read_text(encoding="utf-8")
    assert _unchanged(_build(root, "--no-pdf")) == {"alpha"}
    _rewrite_in_place(shared / "_summary.html", _summary_partial("<p>VERSION-TWO</p>"))
    again = _build(root, "--no-pdf")
    assert _built(again) == {"alpha"}, again.stdout
    assert "VERSION-TWO" in (root / "site" / "alpha.html").read_text(encoding="utf-8")


def test_editing_a_logo_a_template_embeds_rebuilds_the_pdf(tmp_path: Path) -> None:
    """The logo beside the sheet is read by the confined fetcher: its bytes are part of the key."""
    root = _repo(tmp_path, names=("alpha",), templates="templates")
    partial = root / "templates" / "partials" / "_summary.html"
    partial.parent.mkdir(parents=True)
    partial.write_text(_summary_partial('<img src="logo.png" alt="" style="width: 1cm">'), encoding="utf-8")
    logo = root / "briefs" / "logo.png"
    logo.write_bytes(solid_png((200, 0, 0)))
    first = _build(root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first_image_colour(root / "site" / "alpha.pdf") == (200, 0, 0)
    manifest = json.loads((root / "site" / "manifest.json").read_text(encoding="utf-8"))
    inputs = {(i["root"], i["name"]) for i in manifest["briefs"][0]["inputs"]}
    assert ("sheet", "logo.png") in inputs and ("templates.0", "partials/_summary.html") in inputs
    assert _unchanged(_build(root)) == {"alpha"}
    _rewrite_in_place(logo, solid_png((0, 0, 200)))
    again = _build(root)
    assert _built(again) == {"alpha"}, again.stdout
    assert first_image_colour(root / "site" / "alpha.pdf") == (0, 0, 200)
    logo.unlink()  # a missing input is a change too: rendered again, and the refusal reported
    gone = _build(root)
    assert _built(gone) == {"alpha"} and "warning[refused-resource]" in gone.stdout, gone.stdout

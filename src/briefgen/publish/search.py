"""The site's search index: Pagefind run over the HTML pages a publish leaves in the folder, owned by hash.

The index is built from the output folder's own pages, after they are written, never from a
fact sheet: a release folder holds only what its audience may read, so nothing above the
audience can reach the index. Only the HTML pages the manifest lists are indexed (hard links
to them in a temporary folder beside), never a file someone else put there.

`pagefind/` is owned as a whole: briefgen replaces or removes it only when it holds exactly the
files of a bundle the manifest (or a killed build's journal) recorded, by name and sha256. A
`pagefind/` briefgen never recorded refuses the publish (NotOurs); one changed by hand is left
alone and reported. The index is rebuilt only when what it is built from changed (the pages'
names and hashes, Pagefind's version), so a no-op rebuild never runs Pagefind.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from briefgen.publish.manifest import SEARCH, Journal, Manifest, NotOurs, SearchBundle

#: The distribution that ships the `pagefind` binary, and how to get it.
DISTRIBUTION = "pagefind-bin"
INSTALL_HINT = f"pip install '{DISTRIBUTION}>=1.5'"
#: What Pagefind writes that briefgen's search box does not load (its ready-made interfaces): not published.
_UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                     "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js"})
#: Bumped when briefgen runs Pagefind differently, so that every index is rebuilt.
_RECIPE = 1
#: Far above what Pagefind takes for ten thousand pages (seconds).
TIMEOUT = 600.0


class SearchFailed(Exception):
    """Pagefind is missing or failed: the message says what happened and what to do."""


@dataclass(frozen=True)
class SearchStep:
    """What one publish does with `pagefind/`: keep it, build it, remove it, or leave it alone."""

    #: "keep", "build", "remove", "none" (there is none and none is wanted) or "left-alone".
    action: str
    #: What the index is to be built from: page name → sha256 (the pages the manifest will list).
    pages: Mapping[str, str]
    #: The digest of what it is built from (SearchBundle.inputs).
    inputs: str
    #: The bundle in the folder now, when it is one briefgen recorded.
    current: SearchBundle | None
    #: The line reported for a folder left alone.
    line: str | None = None


def pagefind_version() -> str | None:
    """The installed pagefind-bin's version, without running it; None when it is not installed."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def executable() -> Path:
    """The `pagefind` binary the pagefind-bin wheel ships; SearchFailed (with the fix) when there is none."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchFailed(f"{DISTRIBUTION} is not installed, so the site has no search; {INSTALL_HINT}") from None
    try:
        return Path(get_executable())
    except OSError as exc:
        raise SearchFailed(f"{DISTRIBUTION} is installed but its pagefind binary is missing ({exc}), so the "
                           f"site has no search; reinstall it: pip install --force-reinstall "
                           f"'{DISTRIBUTION}>=1.5'") from None


def inputs_digest(pages: Mapping[str, str], version: str | None) -> str:
    """The digest of what an index is built from: each page's name and hash, Pagefind's version, the recipe."""
    data = {"pages": sorted(pages.items()), "pagefind": version, "recipe": _RECIPE}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def bundle_files(folder: Path) -> dict[str, str] | None:
    """Each regular file in `folder` (path inside it → sha256); None when anything else is there
    (a link, a device, a deeper folder) or `folder` is not a plain folder."""
    if folder.is_symlink() or not folder.is_dir():
        return None
    found: dict[str, str] = {}
    for here, folders, names in os.walk(folder, followlinks=False):
        base = Path(here)
        inside = base.relative_to(folder).parts
        if len(inside) > 1 or any((base / name).is_symlink() for name in folders):
            return None
        for name in names:
            path = base / name
            if path.is_symlink() or not path.is_file():
                return None
            found["/".join((*inside, name))] = _hash_file(path)
    return found


def _hash_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def plan_search(out: Path, manifest: Manifest | None, journal: Journal, pages: Mapping[str, str]) -> SearchStep:
    """Decide what this publish does with `pagefind/`. Raises NotOurs, before anything is written,
    for a `pagefind/` that briefgen never recorded writing."""
    folder = out / SEARCH
    recorded = [*([manifest.search] if manifest is not None and manifest.search is not None else []),
                *journal.searches]
    inputs = inputs_digest(pages, pagefind_version())
    if not os.path.lexists(folder):
        return SearchStep("build" if pages else "none", pages, inputs, None)
    disowned = manifest is not None and SEARCH in manifest.left_alone
    if not recorded and not disowned and not pages:
        return SearchStep("none", pages, inputs, None)  # not ours, and no index is to be written there
    if not recorded and not disowned:
        raise NotOurs(f"{folder} exists and was not written by briefgen; move it away or choose another "
                      "output folder (-o): briefgen writes the site's search index there")
    files = bundle_files(folder)
    current = next((bundle for bundle in recorded if files is not None and dict(bundle.files) == files), None)
    if current is None:
        return SearchStep("left-alone", pages, inputs, None, line=(
            f"left alone: {folder} was changed by hand since briefgen wrote it, so briefgen did not replace it and "
            "no longer lists it; its search may list briefs this build no longer publishes: move it away and "
            "build again"))
    if not pages:
        return SearchStep("remove", pages, inputs, current)
    if current.inputs == inputs:
        return SearchStep("keep", pages, inputs, current)
    return SearchStep("build", pages, inputs, current)


def build_bundle(out: Path, pages: Mapping[str, Path], inputs: str,
                 temporary_name: Callable[[str], str]) -> tuple[Path, SearchBundle]:
    """Run Pagefind over the folder's pages (name → the file in the folder holding its bytes: the page,
    or the temporary about to become it) into a new temporary folder beside `pagefind/`; its path and
    record. Raises SearchFailed (and leaves nothing) when Pagefind is missing or fails, OSError when
    the folder cannot be written."""
    binary = executable()
    site = out / temporary_name("search-pages")
    bundle = out / temporary_name(SEARCH)
    try:
        site.mkdir()
        for name, source in pages.items():
            _link_or_copy(source, site / name)
        try:
            # Pagefind also reads a pagefind.yml/.toml/.json in its working folder and PAGEFIND_*
            # variables: run it where there is none, with none, so that only these options apply.
            ran = subprocess.run([str(binary), "--site", os.path.abspath(site), "--output-path",
                                  os.path.abspath(bundle), "--silent"],
                                 cwd=site, env=_environment(), capture_output=True, text=True, timeout=TIMEOUT,
                                 stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchFailed(f"pagefind could not be run ({exc}), so the site has no search; "
                               f"check `briefgen doctor`, or reinstall: {INSTALL_HINT}") from None
        if ran.returncode != 0:
            said = " ".join((ran.stderr or ran.stdout).split())[-400:] or f"exit status {ran.returncode}"
            raise SearchFailed(f"pagefind failed ({said}), so the site has no search; "
                               "check `briefgen doctor`, and report it if it persists")
        for name in _UNUSED:
            (bundle / name).unlink(missing_ok=True)
        files = bundle_files(bundle)
        damaged = _damage(bundle, files)
        if damaged:
            if _full(out):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / SEARCH))
            raise SearchFailed(f"pagefind wrote a damaged search index ({damaged}), so the site has no "
                               "search; check `briefgen doctor`, and the free space of the output folder")
        assert files is not None
        for path in (bundle, *(p for p in bundle.rglob("*"))):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)  # served to readers, whatever the umask
    except BaseException:
        remove_tree(bundle)
        raise
    finally:
        remove_tree(site)
    return bundle, SearchBundle(inputs, files)


def _environment() -> dict[str, str]:
    """This process's environment without Pagefind's own settings (PAGEFIND_SITE, PAGEFIND_GLOB, …)."""
    return {name: value for name, value in os.environ.items() if not name.upper().startswith("PAGEFIND_")}


#: What each of Pagefind's compressed files holds once decompressed.
_SIGNATURE = b"pagefind_dcd"


def _damage(bundle: Path, files: Mapping[str, str] | None) -> str | None:
    """What is wrong with a bundle Pagefind says it wrote, or None. Pagefind 1.5.2 exits 0 when it
    cannot write (a full disk leaves empty files), so every file is read back: none empty, each
    compressed one whole, the entry file naming meta files that are there."""
    if files is None:
        return "not plain files"
    for name in files:
        data = (bundle / name).read_bytes()
        if not data:
            return f"{name} is empty"
        if name.endswith(".pagefind") or ".pf_" in name:
            try:
                whole = gzip.decompress(data)
            except (OSError, EOFError, zlib.error):
                return f"{name} is not whole"
            if not whole.startswith(_SIGNATURE):
                return f"{name} is not Pagefind's"
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_bytes())
        metas = [f"pagefind.{language['hash']}.pf_meta" for language in entry["languages"].values()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "pagefind-entry.json is missing or not Pagefind's"
    missing = [name for name in ("pagefind.js", *metas) if name not in files]
    return f"{', '.join(missing)} missing" if missing else None


def _full(folder: Path) -> bool:
    """Whether the file system of `folder` has (next to) no space left for a search index."""
    try:
        found = os.statvfs(folder)
    except (OSError, AttributeError):
        return False
    return found.f_bavail * found.f_frsize < 1 << 20


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(source, target, follow_symlinks=False)


def move_into_place(out: Path, bundle: Path, temporary_name: Callable[[str], str]) -> None:
    """Replace `pagefind/` (briefgen's, checked before) with the new bundle: readers find the old or the new."""
    remove_bundle(out, temporary_name)
    os.replace(bundle, out / SEARCH)


def remove_bundle(out: Path, temporary_name: Callable[[str], str]) -> None:
    """Move briefgen's `pagefind/` out of the way under a temporary name, then delete it."""
    folder = out / SEARCH
    if not os.path.lexists(folder):
        return
    old = out / temporary_name(f"{SEARCH}-old")
    os.replace(folder, old)
    remove_tree(old)


def remove_tree(folder: Path) -> None:
    """Delete a folder briefgen made (a temporary), never following a link out of it."""
    if folder.is_symlink():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder)


def bundles_known(manifest: Manifest | None, journal: Journal, new: Iterable[SearchBundle] = ()) -> tuple[
        SearchBundle, ...]:
    """Every bundle a build may leave in `pagefind/`, for its journal: recorded, a killed build's, and its own."""
    found: list[SearchBundle] = []
    for bundle in (*([manifest.search] if manifest is not None and manifest.search else []), *journal.searches,
                   *new):
        if bundle not in found:
            found.append(bundle)
    return tuple(found)

"""Build: fact sheets → checked → released → view → HTML → PDF → published outputs.

`render_brief` runs the stages for one checked fact sheet in memory (it is what
`build` and the preview server drive); `build` runs it for every sheet and publishes
the results atomically with the manifest and the site index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .diagnostics import Diagnostic, Report, Severity
from .fonts import missing_glyphs, package_for
from .loader import text_values
from .publish import Manifest, NotOurs, check_writable, remove_leftovers, remove_owned, sha256, write_atomic
from .release import NotReleasable, Release, release
from .render import Theme
from .sources import find_fact_sheets, load_fact_sheet
from .validate import Checked


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where; the command line maps onto this one to one."""

    out: Path = Path("site")
    release: str | None = None
    html: bool = True
    pdf: bool = True
    strict: bool = False
    theme: Theme = field(default_factory=Theme.default)


@dataclass
class Rendered:
    """One brief rendered in memory: its outputs (file name → bytes) and what was found."""

    sheet_id: str
    outputs: dict[str, bytes]
    pages: int | None
    entry: dict[str, Any]
    diagnostics: list[Diagnostic]


@dataclass
class BuildResult:
    reports: list[Report]
    #: Briefs whose outputs were written: (id, pages, paths).
    written: list[tuple[str, int | None, list[Path]]]
    #: Briefs withheld by the release level: (id, reason).
    withheld: list[tuple[str, str]]

    def failed(self, strict: bool) -> bool:
        return any(report.failed(strict) for report in self.reports)


def _diagnostic(checked: Checked, loc: tuple[Any, ...], severity: Severity, code: str, message: str,
                hint: str | None = None) -> Diagnostic:
    return Diagnostic.at(checked.path, checked.loaded.marks.value(loc), severity, code, message, hint)


def render_brief(checked: Checked, options: BuildOptions) -> Rendered:
    """Run release, view, HTML and (optionally) PDF for a valid sheet.

    Raises NotReleasable when the sheet's header is above the release level.
    """
    from .render import render_html
    from .view import brief_view

    sheet = checked.sheet
    assert sheet is not None and checked.sheet_id is not None
    cut = release(sheet, options.release)  # raises NotReleasable
    view = brief_view(cut)
    html = render_html(view, options.theme)
    found = list(_glyph_warnings(checked, cut))
    outputs: dict[str, bytes] = {}
    pages = None
    if options.html:
        outputs[f"{checked.sheet_id}.html"] = html.encode("utf-8")
    if options.pdf:
        from .pdf import print_pdf

        source_folder = Path(checked.path).parent
        printed = print_pdf(html, base=source_folder, day=sheet.document.date,
                            roots=options.theme.roots())
        outputs[f"{checked.sheet_id}.pdf"] = printed.data
        pages = printed.pages
        for url in printed.refused:
            found.append(_diagnostic(checked, (), "warning", "refused-resource",
                                     f"the brief refers to {url[:200]}, which briefgen does not fetch",
                                     "only data: URLs and files beside the fact sheet, the templates and the styles are used"))
        limit = sheet.document.page_limit
        if limit is not None and pages > limit:
            found.append(_diagnostic(checked, ("document", "page_limit"), "warning", "page-limit",
                                     f"the PDF has {pages} pages, over the page limit of {limit}",
                                     "shorten the text, or raise document.page_limit"))
    entry = {
        "id": checked.sheet_id,
        "title": sheet.title,
        "kind": sheet.kind,
        "meeting_date": sheet.meeting.date.isoformat(),
        "occasion": view.occasion,
        "venue": view.venue,
        "level": cut.level,
        "scheme": cut.scheme.name,
        "banner": view.banner.text,
        "tone": view.banner.tone,
        "cleared_to": cut.cleared_to,
        "pages": pages,
    }
    return Rendered(checked.sheet_id, outputs, pages, entry, found)


def _glyph_warnings(checked: Checked, cut: Release) -> Iterator[Diagnostic]:
    texts = text_values(cut.sheet.model_dump(exclude_none=True, warnings=False))
    for loc, chars in missing_glyphs(texts):
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:12])
        packages = " or ".join(package_for(chars))
        yield _diagnostic(checked, loc, "warning", "missing-glyphs",
                          f"`{'.'.join(map(str, loc))}`: no installed font can draw {shown}",
                          f"install a font that covers them, e.g. `apt-get install {packages}`")


def build(paths: list[Path], options: BuildOptions) -> BuildResult:
    """Check every fact sheet, render the valid ones and publish them into `options.out`.

    Raises sources.MissingPath for a path that does not exist and publish.NotOurs when
    the output folder holds files briefgen did not write.
    """
    manifest = Manifest.read(options.out)
    checked = [load_fact_sheet(path) for path in find_fact_sheets(paths)]
    _duplicate_ids(checked)
    rendered: list[tuple[Checked, Rendered]] = []
    withheld: list[tuple[str, str]] = []
    extra: dict[str, list[Diagnostic]] = {c.path: [] for c in checked}
    for item in checked:
        if item.sheet is None:
            continue
        if options.release is not None and options.release not in _scheme_levels(item):
            extra[item.path].append(_diagnostic(
                item, ("classification", "scheme"), "error", "unknown-release-level",
                f"--release {options.release} is not a level of this sheet's {item.sheet.classification.scheme} scheme",
                "use one of: " + ", ".join(_scheme_levels(item))))
            continue
        try:
            result = render_brief(item, options)
        except NotReleasable as exc:
            reason = str(exc)
            withheld.append((item.sheet_id or "", reason))
            extra[item.path].append(_diagnostic(item, ("classification", "header"), "warning", "not-released",
                                                f"not released at {options.release}: {reason}",
                                                "nothing of this brief is written in this release"))
            continue
        extra[item.path].extend(result.diagnostics)
        rendered.append((item, result))

    reports = [c.report.extended(extra[c.path]) for c in checked]
    failed_paths = {r.path for r in reports if r.failed(options.strict)}
    # Under --strict a warning found while rendering (page limit, glyphs) also withholds output.
    ready = [result for item, result in rendered if item.path not in failed_paths]
    written = _publish(options, manifest, ready, [w[0] for w in withheld])
    return BuildResult(reports, written, withheld)


def _scheme_levels(item: Checked) -> tuple[str, ...]:
    from .classification import SCHEMES

    assert item.sheet is not None
    return SCHEMES[item.sheet.classification.scheme].levels


def _duplicate_ids(checked: list[Checked]) -> None:
    by_id: dict[str, list[Checked]] = {}
    for item in checked:
        if item.sheet_id is not None:
            by_id.setdefault(item.sheet_id, []).append(item)
    for sheet_id, items in by_id.items():
        if len(items) < 2:
            continue
        for item in items:
            others = ", ".join(o.path for o in items if o is not item)
            problem = _diagnostic(item, ("id",), "error", "duplicate-build-id",
                                  f"the id '{sheet_id}' is also used by {others}; outputs would collide",
                                  "give each fact sheet its own `id:`")
            item.report = item.report.extended([problem])
            item.sheet = None


def _publish(options: BuildOptions, manifest: Manifest, ready: list[Rendered],
             withheld: list[str]) -> list[tuple[str, int | None, list[Path]]]:
    from .render import render_index
    from .view import IndexEntry

    folder = options.out
    for brief in ready:
        check_writable(folder, manifest, list(brief.outputs))
    # Withheld briefs and briefs from another release must not stay in this folder:
    # a public site built with --release keeps nothing above its level.
    for brief_id in withheld:
        remove_owned(folder, manifest, brief_id)
    for brief_id, entry in list(manifest.briefs.items()):
        if brief_id not in {b.sheet_id for b in ready} and entry.get("cleared_to") != options.release:
            remove_owned(folder, manifest, brief_id)
    for brief in ready:
        remove_owned(folder, manifest, brief.sheet_id, keep=set(brief.outputs))
        manifest.briefs[brief.sheet_id] = {
            **brief.entry,
            "outputs": {name.rsplit(".", 1)[1]: {"path": name, "sha256": sha256(data)}
                        for name, data in brief.outputs.items()},
        }
    # The manifest goes first: it records ownership of the files about to be written.
    folder.mkdir(parents=True, exist_ok=True)
    for name in ["manifest.json", "index.html", *(n for brief in ready for n in brief.outputs)]:
        remove_leftovers(folder / name)  # hidden temporaries of a build that was killed
    write_atomic(folder / "manifest.json", manifest.to_bytes())
    written = []
    for brief in ready:
        paths = []
        for name, data in brief.outputs.items():
            write_atomic(folder / name, data)
            paths.append(folder / name)
        written.append((brief.sheet_id, brief.pages, paths))
    entries = [IndexEntry.from_manifest({**entry, "outputs": {k: v["path"] for k, v in entry["outputs"].items()}})
               for entry in manifest.briefs.values()]
    from .view import site_index_view

    write_atomic(folder / "index.html", render_index(site_index_view(entries), options.theme).encode("utf-8"))
    return written


__all__ = ["BuildOptions", "BuildResult", "NotOurs", "Rendered", "build", "render_brief"]

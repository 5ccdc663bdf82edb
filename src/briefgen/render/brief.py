"""One brief rendered: a job → release → view → HTML → PDF, in memory, into an Outcome."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from briefgen.records import BriefRecord, Job, Outcome, note_stems
from briefgen.report.diagnostics import TEMPLATE_ERROR_CODE, Diagnostic, Span, format_path
from briefgen.sheet.marks import DataPath, text_values

if TYPE_CHECKING:
    from briefgen.inputs import Reads
    from briefgen.render.view_records import BriefView, LanguageLink


def run(job: Job) -> Outcome:
    """Render one brief: release → view → HTML → PDF, in memory. Never raises for one brief's problem.

    A template problem becomes a `template-error` diagnostic naming the template file and
    line; anything else a renderer raises is reported for this brief (`render-failed`),
    so the other briefs of the build still build.
    """
    from briefgen.render.template_problems import TemplateProblem

    try:
        return _render(job)
    except TemplateProblem as exc:
        problem = Diagnostic.at(exc.path, Span(exc.line, 1), "error", TEMPLATE_ERROR_CODE, exc.message,
                                "fix the template; `briefgen build` names the file and line")
    except RecursionError:
        problem = Diagnostic.at(job.path, Span(1, 1), "error", "render-failed",
                                "the brief nests too deeply to render", "flatten nested lists and quotes")
    except Exception as exc:  # noqa: BLE001 - the job boundary: one brief's failure is reported, not fatal
        detail = f"{type(exc).__name__}: {exc}"[:300]
        problem = Diagnostic.at(job.path, Span(1, 1), "error", "render-failed",
                                f"rendering this brief failed ({detail})",
                                "this is a bug in briefgen or a library it uses: please report it")
    return Outcome(job.sheet_id, job.path, job.key, diagnostics=(problem,))


def _render(job: Job) -> Outcome:
    from briefgen.inputs import Reads, input_roots
    from briefgen.release.cut import release
    from briefgen.render.view import brief_view

    cut = release(job.sheet, job.audience)
    notes = note_stems(job.locales, job.parallel)
    views = _linked({locale: brief_view(cut, locale, job.theme, job.since) for locale in job.locales}, job, notes)
    reads = Reads(input_roots(job.theme, job.source_dir))
    from briefgen.render.untranslated import font_warnings, language_warnings
    from briefgen.sheet.mentions import mentions_of
    from briefgen.sheet.translations import text_in

    found = list(_glyph_warnings(job, cut.shows))
    for locale in job.locales:
        found += language_warnings(job, locale, cut.shows)
    if job.pdf:
        found += font_warnings(job, cut.shows)
    outputs: dict[str, bytes] = {}
    names: dict[str, str] = {}
    pages = None
    for stem, locales in notes:
        written = _note(job, [views[locale] for locale in locales], stem, reads, found)
        for kind, (name, data, printed_pages) in written.items():
            names[kind] = name
            outputs[name] = data
            if pages is None and printed_pages is not None:
                pages = printed_pages  # the first note's pages: the one the build reports
    view = views[job.locale]
    record = BriefRecord(
        id=job.sheet_id,
        # In the first locale's language, as the index that lists it is written.
        title=text_in(job.sheet.title, job.locale, job.sheet.lang)[0],
        kind=job.sheet.kind,
        meeting_date=job.sheet.meeting.date,
        occasion=view.occasion,
        venue=view.venue,
        level=cut.level,
        scheme=cut.scheme.name,
        banner=view.banner.text,
        tone=view.banner.tone,
        audience=cut.cleared_to,
        pages=pages,
        outputs=names,
        status=view.status,
        reference=cut.reference,
        owner=view.drafted_by,
        countries=tuple(sorted({p.country for p in view.participants})),
        caveats=view.banner.caveats,
        categories=view.banner.categories,
        mentions=mentions_of(cut.sheet),
    )
    return Outcome(job.sheet_id, job.path, job.key, outputs, tuple(found), record, inputs=reads.files)


def _note(job: Job, views: list[BriefView], stem: str, reads: Reads, found: list[Diagnostic]
          ) -> dict[str, tuple[str, bytes, int | None]]:
    """One note's files (kind → file name, bytes, pages): a locale's note, or two side by side."""
    from briefgen.render.stylesheets import weasyprint_styles
    from briefgen.render.templates import render_html

    if len(views) == 1:
        html = render_html(views[0], job.theme, reads)
    else:
        from briefgen.render.parallel import render_parallel_html

        this = " ".join(view.metadata.language for view in views)  # its own link is the current one
        views = [dataclasses.replace(view, languages=tuple(dataclasses.replace(link, current=link.lang == this)
                                                           for link in view.languages)) for view in views]
        html = render_parallel_html(views, job.theme, reads)
    name = f"{job.sheet_id}.{stem}" if stem else job.sheet_id
    prefix = f"{stem}." if stem else ""
    written: dict[str, tuple[str, bytes, int | None]] = {}
    if job.html:
        written[f"{prefix}html"] = (f"{name}.html", html.encode("utf-8"), None)
    if job.docx and len(views) == 1:  # a Word document is one language's note (Options.output_kinds)
        from briefgen.render.docx import write_docx

        reference = job.docx_reference.data if job.docx_reference is not None else None
        written[f"{prefix}docx"] = (f"{name}.docx", write_docx(views[0], reference), None)
    if job.pdf:
        from briefgen.render.pdf import print_pdf

        printed = print_pdf(html, base=job.source_dir, roots=job.theme.roots(),
                            stylesheets=weasyprint_styles(job.theme, reads), reads=reads, variant=job.pdf_variant)
        written[f"{prefix}pdf"] = (f"{name}.pdf", printed.data, printed.pages)
        for url in printed.refused:
            found.append(_diagnostic(job, (), "warning", "refused-resource",
                                     f"the brief refers to {url[:200]}, which briefgen does not fetch",
                                     "only data: URLs and files beside the fact sheet, the templates "
                                     "and the styles are used"))
        limit = job.sheet.document.page_limit
        if limit is not None and printed.pages > limit and "+" not in stem:
            found.append(_diagnostic(job, ("document", "page_limit"), "warning", "page-limit",
                                     f"the PDF{f' in {stem}' if stem else ''} has {printed.pages} pages, "
                                     f"over the page limit of {limit}",
                                     "shorten the text, or raise document.page_limit"))
    return written


def _linked(views: dict[str, BriefView], job: Job, notes: tuple[tuple[str, tuple[str, ...]], ...]
            ) -> dict[str, BriefView]:
    """Each locale's view with links to the same note in the build's other locales (none for one locale)."""
    if len(views) <= 1:
        return views
    from briefgen.render.names import languages_label
    from briefgen.render.view_records import LanguageLink

    def link(stem: str, locales: tuple[str, ...], current: str) -> LanguageLink:
        return LanguageLink(languages_label(locales), " ".join(locales),
                            f"{job.sheet_id}.{stem}.html" if job.html else None,
                            f"{job.sheet_id}.{stem}.pdf" if job.pdf else None, locales == (current,))

    return {locale: dataclasses.replace(view, languages=tuple(link(stem, locales, locale) for stem, locales in notes))
            for locale, view in views.items()}


def _diagnostic(job: Job, loc: DataPath, severity: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic.at(job.path, job.marks.value(loc), severity, code, message, hint)  # type: ignore[arg-type]


def _glyph_warnings(job: Job, shows: Callable[[DataPath], bool]) -> Iterable[Diagnostic]:
    from briefgen.render.fonts import missing_glyphs, package_for

    texts = [(loc, text) for loc, text in text_values(job.sheet.model_dump(exclude_none=True, warnings=False))
             if shows(loc)]
    for loc, chars in missing_glyphs(texts):
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:12])
        packages = " or ".join(package_for(chars))
        yield _diagnostic(job, loc, "warning", "missing-glyphs",
                          f"`{format_path(loc)}`: no installed font can draw {shown}",
                          f"install a font that covers them, e.g. `apt-get install {packages}`")

"""What a note prints in a language other than its own, or cannot set at all: its warnings.

`untranslated`: a text the sheet gives in no language of the note, so the note prints it in
the sheet's own (marked with that `lang`). A sheet with no text at all in the note's language
gets one warning, not one per field. `translation-paragraphs`: a translation with more or
fewer paragraphs than its source, which would number the note's paragraphs differently in
each language. `no-font`: a language the note prints that no installed font can set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from briefgen.records import Job
from briefgen.report.diagnostics import Diagnostic, format_path
from briefgen.sheet.marks import DataPath
from briefgen.sheet.translations import Translated, primary, tag_for, text_in, translatable_texts, untranslated

#: A Markdown paragraph break: a blank line.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def language_warnings(job: Job, locale: str, shows: Callable[[DataPath], bool]) -> Iterator[Diagnostic]:
    """The warnings of `job`'s note in `locale` about what it prints in another language, for what the release shows."""
    source = job.sheet.lang
    shown = [(path, text) for path, text in translatable_texts(job.sheet) if shows(path)]
    missing = [path for path in untranslated(job.sheet, locale, source) if shows(path)]
    if missing and len(missing) == len(shown):
        yield Diagnostic.at(job.path, job.marks.value(("lang",)), "warning", "untranslated",
                            f"nothing in this sheet is in {locale}: the {locale} note prints its "
                            f"{len(missing)} texts in {source}",
                            f"give a text in both languages as {{{source}: …, {primary(locale)}: …}}, "
                            f"or build in {source}")
        return
    for path in missing:
        yield Diagnostic.at(job.path, job.marks.value(path), "warning", "untranslated",
                            f"`{format_path(path)}` has no {locale} text: the {locale} note prints it in {source}",
                            f"add {primary(locale)}: … beside {source}: …")
    for path, text in shown:
        if isinstance(text, Translated) and tag_for(text.texts, locale) is not None:
            translated, _ = text_in(text, locale, source)
            original, _ = text_in(text, source, source)
            if _paragraphs(translated) != _paragraphs(original):
                yield Diagnostic.at(
                    job.path, job.marks.value(path), "warning", "translation-paragraphs",
                    f"`{format_path(path)}` has {_paragraphs(original)} paragraphs in {source} but "
                    f"{_paragraphs(translated)} in {locale}: the notes' paragraph numbers would differ",
                    "give the translation the paragraphs of its source, so that paragraph 7 is the same "
                    "paragraph in every language")


def font_warnings(job: Job, shows: Callable[[DataPath], bool]) -> Iterator[Diagnostic]:
    """`no-font`: a language the build prints (a note's locale, or a text's) that no installed font can set,
    once per language, at the first text printed in it, with the packages that would set it."""
    from briefgen.render.fonts import missing_fonts

    source = job.sheet.lang
    first: dict[str, DataPath] = {}
    for locale in job.locales:
        for path, text in translatable_texts(job.sheet):
            if shows(path):
                first.setdefault(text_in(text, locale, source)[1], path)
    for locale in job.locales:
        first.setdefault(locale, ("lang",))
    for language, path in first.items():
        packages = missing_fonts(language)
        if packages:
            yield Diagnostic.at(job.path, job.marks.value(path), "warning", "no-font",
                                f"no installed font can set {language}: the PDF would print boxes for "
                                f"its text (`{format_path(path)}` and any other in {language})",
                                f"install a font for it, e.g. `apt-get install {' '.join(packages)}`; "
                                "`briefgen doctor` lists what each language needs")


def _paragraphs(text: str) -> int:
    return len([block for block in _PARAGRAPH_BREAK.split(text.strip()) if block.strip()])

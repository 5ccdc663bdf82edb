"""What a note in a language other than its sheet's prints in the sheet's language instead: its warnings.

`untranslated`: a text the sheet gives in no language of the note, so the note prints it in
the sheet's own (marked with that `lang`). A sheet with no text at all in the note's language
gets one warning, not one per field. `translation-paragraphs`: a translation with more or
fewer paragraphs than its source, which would number the note's paragraphs differently in
each language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from briefgen.records import Job
from briefgen.report.diagnostics import Diagnostic, format_path
from briefgen.sheet.marks import DataPath
from briefgen.sheet.translations import Translated, tag_for, text_in, translatable_texts, untranslated

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
                            f"give a text in both languages as {{{source}: …, {locale.split('-')[0]}: …}}, "
                            f"or build in {source}")
        return
    for path in missing:
        yield Diagnostic.at(job.path, job.marks.value(path), "warning", "untranslated",
                            f"`{format_path(path)}` has no {locale} text: the {locale} note prints it in {source}",
                            f"add {locale.split('-')[0]}: … beside {source}: …")
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


def _paragraphs(text: str) -> int:
    return len([block for block in _PARAGRAPH_BREAK.split(text.strip()) if block.strip()])

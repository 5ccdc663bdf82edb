"""The PDF variants briefgen prints (`--pdf-variant`, briefgen.toml `pdf`): archival PDF/A-2b and accessible PDF/UA-1.

WeasyPrint makes both itself (`write_pdf(pdf_variant=…)`): PDF/A-2b with its XMP identifiers
(pdfaid:part 2, conformance B) and an sRGB output intent, PDF/UA-1 with its identifier
(pdfuaid:part 1); both tagged, with `DisplayDocTitle` on and the note's /Lang. WeasyPrint 70
writes one identification per PDF, so a PDF that is both (`pdf/a-2b+ua-1`) is printed as
PDF/A-2b and given the PDF/UA identification afterwards (render/pdf_finish.py): WeasyPrint's
own pdf/ua-1 adds nothing else (weasyprint/pdf/pdfua.py: the identifier, PDF 1.7 and tags),
and briefgen tags every PDF. No validator checks them here: veraPDF is in none of the
registries this project reaches (docs/outputs.md says what the tests check instead).
"""

from __future__ import annotations

#: Both at once: archival and accessible.
COMBINED = "pdf/a-2b+ua-1"
#: The variants a note may be printed as; None is a tagged PDF that declares no conformance.
PDF_VARIANTS = ("pdf/a-2b", "pdf/ua-1", COMBINED)
#: What a release (a build for an audience) is printed as unless told otherwise: it is what a
#: ministry sends and so archives.
RELEASE_VARIANT = "pdf/a-2b"
#: `--pdf-variant none`, `pdf = "none"`: a tagged PDF that declares no conformance, for a release too.
NO_VARIANT = "none"


def pdf_variant_problem(value: object) -> str | None:
    """Why `value` is not a variant briefgen prints, or None when it is."""
    if value in PDF_VARIANTS or value == NO_VARIANT:
        return None
    if isinstance(value, str) and value.strip().casefold() in PDF_VARIANTS + (NO_VARIANT,):
        return f"write {value.strip().casefold()!r}: variants are written in lower case, without spaces"
    return (f"{str(value)[:40]!r} is not a PDF variant briefgen prints; choose "
            + ", ".join(PDF_VARIANTS) + f" or {NO_VARIANT}")


def chosen_variant(given: str | None, configured: str | None, release: bool) -> str | None:
    """The variant a build prints: the flag, else briefgen.toml's, else PDF/A-2b for a release and none otherwise."""
    variant = given or configured or (RELEASE_VARIANT if release else None)
    return None if variant == NO_VARIANT else variant


def weasyprint_variant(variant: str) -> str:
    """What WeasyPrint is asked to print for `variant`: PDF/A-2b for the combined one (see the module)."""
    return "pdf/a-2b" if variant == COMBINED else variant


def declares_ua(variant: str | None) -> bool:
    """Whether the PDF must carry the PDF/UA-1 identification that WeasyPrint did not write."""
    return variant == COMBINED

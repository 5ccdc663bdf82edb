"""The PDF variants briefgen prints (`--pdf-variant`, briefgen.toml `pdf`): archival PDF/A-2b and accessible PDF/UA-1.

WeasyPrint makes both itself (`write_pdf(pdf_variant=…)`): PDF/A-2b with its XMP identifiers
(pdfaid:part 2, conformance B) and an sRGB output intent, PDF/UA-1 with its identifier
(pdfuaid:part 1); both tagged, with `DisplayDocTitle` on and the note's /Lang. WeasyPrint 70
makes one variant per PDF, so a PDF that is both is refused rather than half made. No
validator checks them here: veraPDF is in none of the registries this project reaches (the
README's "PDF variants" says what tests/render/test_pdf_variants.py checks instead).
"""

from __future__ import annotations

#: The variants a note may be printed as; None is a tagged PDF that declares no conformance.
PDF_VARIANTS = ("pdf/a-2b", "pdf/ua-1")
#: What a release (a build for an audience) is printed as unless told otherwise: it is what a
#: ministry sends and so archives.
RELEASE_VARIANT = "pdf/a-2b"
#: `--pdf-variant none`, `pdf = "none"`: a tagged PDF that declares no conformance, for a release too.
NO_VARIANT = "none"
#: Both at once: what the issue asks for where WeasyPrint can make it. WeasyPrint 70 cannot.
COMBINED = "pdf/a-2b+ua-1"


def pdf_variant_problem(value: object) -> str | None:
    """Why `value` is not a variant briefgen prints, or None when it is."""
    if value in PDF_VARIANTS or value == NO_VARIANT:
        return None
    if isinstance(value, str) and value.strip().casefold() == COMBINED:
        return (f"{COMBINED} is not made: WeasyPrint 70 writes one variant per PDF; choose "
                + " or ".join(PDF_VARIANTS))
    return (f"{str(value)[:40]!r} is not a PDF variant briefgen prints; choose "
            + ", ".join(PDF_VARIANTS) + f" or {NO_VARIANT}")


def chosen_variant(given: str | None, configured: str | None, release: bool) -> str | None:
    """The variant a build prints: the flag, else briefgen.toml's, else PDF/A-2b for a release and none otherwise."""
    variant = given or configured or (RELEASE_VARIANT if release else None)
    return None if variant == NO_VARIANT else variant

"""Print: one HTML document → PDF bytes through WeasyPrint, with confined file access.

WeasyPrint takes about a second to import, so this module is imported only when a PDF
is actually printed (never by `check`, `--version` or HTML-only builds).
"""

from __future__ import annotations

import functools
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from briefgen.files import read_regular_file
from briefgen.inputs import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from briefgen.inputs import Reads


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Fetches only `data:` URLs and `file:` URLs inside the allowed folders.

    Everything else (http, https, ftp, other files, `../` escapes, symlinks out of
    the folders) is refused and recorded, so the build can report it. Files are read as
    briefgen reads every file (regular files only, at most MAX_INPUT_BYTES, without
    blocking on a FIFO), and each is recorded in `reads`: part of the brief's key.
    """

    def __init__(self, roots: tuple[Path, ...], reads: Reads | None = None) -> None:
        super().__init__(timeout=5, allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []
        self.reads = reads

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = self._inside(url) if scheme == "file" else None
        if path is not None:
            try:
                data = read_regular_file(path, MAX_INPUT_BYTES, whole=True)
            except OSError:
                path = None
            else:
                if self.reads is not None:
                    self.reads.add_path(path, data)
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": kind, "Content-Length": str(len(data))})
        self.refused.append(url)
        raise ValueError(f"briefgen does not fetch {url}: only data: URLs and files beside the fact sheet, "
                         "the templates and the styles may be used")

    def _inside(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        return path if any(path.is_relative_to(root) for root in self.roots) else None


@dataclass
class Printed:
    """A printed PDF: its bytes, its page count and any resources that were refused."""

    data: bytes
    pages: int
    refused: list[str] = field(default_factory=list)


def write_options() -> dict[str, object]:
    """The WeasyPrint options briefgen prints with (the benchmark uses the same ones)."""
    return {"pdf_tags": True, "attachments": [], "uncompressed_pdf": False}


@functools.cache
def _font_config() -> FontConfiguration:
    # One per process, reused by every brief it prints: building it reads the system's
    # fonts (a third of a PDF's time here) and each new one kept memory of its own.
    # briefgen's styles declare no @font-face, so nothing of one brief stays in it.
    return FontConfiguration()


def print_pdf(html: str, *, base: Path, roots: tuple[Path, ...], stylesheets: tuple[str, ...] = (),
              reads: Reads | None = None, variant: str | None = None) -> Printed:
    """Render `html` to PDF; `base` resolves relative URLs, `roots` confine file access.

    `stylesheets` are CSS only WeasyPrint reads (bookmarks and the like, which browsers
    and validators reject), applied after the styles inside the HTML. `reads` records
    every file fetched (see inputs.py). `variant` is a PDF variant WeasyPrint makes
    (pdf_variants.PDF_VARIANTS), or None for a tagged PDF that declares no conformance.

    The bytes depend only on the HTML, the fonts and the versions of WeasyPrint and
    HarfBuzz: dates come from the document's metadata, and HarfBuzz-subset (which
    `briefgen doctor` requires) stamps no time into subset fonts. Nothing here touches
    process-wide state such as os.environ, so documents may print in parallel.
    """
    fetcher = ConfinedFetcher(roots + (base,), reads)
    base_url = base.resolve().as_uri() + "/"
    fonts = _font_config()
    extra = [CSS(string=css, base_url=base_url, url_fetcher=fetcher, font_config=fonts) for css in stylesheets]
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=extra, font_config=fonts)
    # No attachments, even where a template override adds <link rel="attachment">.
    document.metadata.attachments = []
    from briefgen.render.pdf_finish import finish_pdf
    from briefgen.render.pdf_variants import declares_ua, weasyprint_variant

    data = document.write_pdf(**write_options(), **({"pdf_variant": weasyprint_variant(variant)} if variant else {}))
    return Printed(finish_pdf(data, html, also_ua=declares_ua(variant)), len(document.pages), fetcher.refused)

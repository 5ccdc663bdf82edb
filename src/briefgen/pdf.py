"""Print: one HTML document → PDF bytes through WeasyPrint, with confined file access.

WeasyPrint takes about a second to import, so this module is imported only when a PDF
is actually printed (never by `check`, `--version` or HTML-only builds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Fetches only `data:` URLs and `file:` URLs inside the allowed folders.

    Everything else (http, https, ftp, other files, `../` escapes, symlinks out of
    the folders) is refused and recorded, so the build can report it.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(timeout=5, allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and self._inside(url):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"briefgen does not fetch {url}: only data: URLs and files beside the fact sheet, "
                         "the templates and the styles may be used")

    def _inside(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots) and path.is_file()


@dataclass
class Printed:
    """A printed PDF: its bytes, its page count and any resources that were refused."""

    data: bytes
    pages: int
    refused: list[str] = field(default_factory=list)


def write_options() -> dict[str, object]:
    """The WeasyPrint options briefgen prints with (the benchmark uses the same ones)."""
    return {"pdf_tags": True, "attachments": [], "uncompressed_pdf": False}


def print_pdf(html: str, *, base: Path, roots: tuple[Path, ...], stylesheets: tuple[str, ...] = ()) -> Printed:
    """Render `html` to PDF; `base` resolves relative URLs, `roots` confine file access.

    `stylesheets` are CSS only WeasyPrint reads (bookmarks and the like, which browsers
    and validators reject), applied after the styles inside the HTML.

    The bytes depend only on the HTML, the fonts and the versions of WeasyPrint and
    HarfBuzz: dates come from the document's metadata, and HarfBuzz-subset (which
    `briefgen doctor` requires) stamps no time into subset fonts. Nothing here touches
    process-wide state such as os.environ, so documents may print in parallel.
    """
    fetcher = ConfinedFetcher(roots + (base,))
    base_url = base.resolve().as_uri() + "/"
    extra = [CSS(string=css, base_url=base_url, url_fetcher=fetcher) for css in stylesheets]
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=extra)
    # No attachments, even where a template override adds <link rel="attachment">.
    document.metadata.attachments = []
    data = document.write_pdf(**write_options())
    return Printed(data, len(document.pages), fetcher.refused)

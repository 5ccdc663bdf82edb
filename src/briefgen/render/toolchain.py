"""What a PDF's bytes depend on besides the HTML: versions of briefgen, WeasyPrint and
HarfBuzz, whether HarfBuzz-subset is present, and the installed fonts.

Read without importing WeasyPrint (it takes a second), so a no-op build stays fast.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version


def package_version(name: str) -> str | None:
    """The installed version of distribution `name`, or None."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def harfbuzz_version() -> str | None:
    """HarfBuzz's version, from the shared library WeasyPrint loads too."""
    name = ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0"
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    library.hb_version_string.restype = ctypes.c_char_p
    value = library.hb_version_string()
    return value.decode() if isinstance(value, bytes) else None


@functools.lru_cache(maxsize=1)
def harfbuzz_subset_available() -> bool:
    """Whether libharfbuzz-subset can be loaded (WeasyPrint then subsets fonts with it)."""
    for name in (ctypes.util.find_library("harfbuzz-subset"), "libharfbuzz-subset.so.0"):
        if not name:
            continue
        try:
            ctypes.CDLL(name)
            return True
        except OSError:
            continue
    return False


@functools.lru_cache(maxsize=1)
def fonts_digest() -> str:
    """A hash of the installed fonts (files and versions) as fontconfig lists them."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return "no-fontconfig"
    listed = subprocess.run([fc_list, "--format", "%{file}|%{index}|%{fontversion}\n"],
                            capture_output=True, text=True, check=False, timeout=60).stdout
    return hashlib.sha256("\n".join(sorted(listed.splitlines())).encode()).hexdigest()


def fingerprint() -> str:
    """Everything besides a brief's own inputs that its output bytes depend on."""
    from briefgen import __version__
    from briefgen.sheet.scheme_files import schemes_digest

    parts = [
        f"briefgen={__version__}",
        f"weasyprint={package_version('weasyprint')}",
        f"harfbuzz={harfbuzz_version()}",
        f"harfbuzz-subset={harfbuzz_subset_available()}",
        f"jinja2={package_version('jinja2')}",
        f"markdown={package_version('markdown')}",
        f"nh3={package_version('nh3')}",
        f"babel={package_version('babel')}",
        # pikepdf (and the qpdf inside it) finishes every PDF (render/pdf_finish.py).
        f"pikepdf={package_version('pikepdf')}",
        f"fonts={fonts_digest()}",
        # Banners and portion marks are written by the scheme files' grammars.
        f"schemes={schemes_digest()}",
    ]
    return "\n".join(parts)

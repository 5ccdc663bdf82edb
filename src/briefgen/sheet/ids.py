"""What may name a brief: the id rule, and the names briefgen and Windows keep for themselves."""

from __future__ import annotations

import re

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX_LENGTH = 64

#: Names of files briefgen writes beside the briefs: no brief may take them.
RESERVED_IDS = frozenset({"index", "manifest"})
RESERVED_ID_PREFIX = "briefgen-"
#: The later pages of the site index (index-2.html…): no brief may take their names.
INDEX_PAGE_ID = r"index-[0-9]+"
#: Names Windows keeps for devices, in any case and before any extension (NUL.txt and
#: NUL.tar.gz are both NUL): no file can have one there, so no brief may (Microsoft,
#: "Naming Files, Paths, and Namespaces", Naming Conventions).
WINDOWS_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul",
                                  *(f"{port}{digit}" for port in ("com", "lpt") for digit in "123456789¹²³")})


def is_valid_id(text: str) -> bool:
    """Whether `text` can name a brief (and its output files): the rule of the `id` key.

    Lower-case letters, digits and single hyphens (so no trailing dot or space, and no two
    ids that differ only in case), at most ID_MAX_LENGTH, and neither a name briefgen
    keeps for itself nor one Windows keeps for a device.
    """
    # fullmatch: with re.match, `$` also matches before a trailing newline.
    return (len(text) <= ID_MAX_LENGTH and re.fullmatch(ID_PATTERN, text) is not None
            and not is_reserved_id(text) and not is_windows_device_name(text))


def is_reserved_id(text: str) -> bool:
    """Whether `text` is a name briefgen gives its own files (index, index-2…, manifest, briefgen-*)."""
    return (text in RESERVED_IDS or text.startswith(RESERVED_ID_PREFIX)
            or re.fullmatch(INDEX_PAGE_ID, text) is not None)


def is_windows_device_name(name: str) -> bool:
    """Whether Windows takes the file name `name` for a device (con, NUL.txt, Lpt1 .tar.gz…)."""
    return name.partition(".")[0].rstrip(" ").casefold() in WINDOWS_DEVICE_NAMES

"""Reading a file briefgen did not write: regular files only, never blocking, at most a bound."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_regular_file(path: Path | str, limit: int, *, whole: bool = False, follow: bool = True) -> bytes:
    """At most `limit` + 1 bytes of a regular file; OSError for anything else (FIFO, device, folder).

    The one way briefgen reads a file it did not just write: fact sheets, manifests and
    journals, shards, templates, styles, the files a brief embeds, briefgen.toml. Opened
    without blocking, so that a FIFO or a device cannot stall the read, and checked to be a
    regular file before a byte is read. With `whole`, a file larger than `limit` raises
    OSError (EFBIG) instead of being cut; with `follow` False, a symbolic link raises
    OSError (ELOOP) instead of being followed.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            # At most 1 MiB at a time: os.read allocates all it is asked for before reading.
            chunk = os.read(fd, min(limit + 1 - size, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if whole and size > limit:
        raise OSError(errno.EFBIG, f"larger than {_size(limit)}", str(path))
    return b"".join(chunks)


_CHUNK = 1 << 20


def _size(limit: int) -> str:
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= factor:
            return f"{limit / factor:g} {unit}"
    return f"{limit} bytes"

"""Writing files safely and checksumming them."""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: Path | str, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it over ``path``.

    A crash at any moment leaves either the old file or the new one, never half of one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)          # mkstemp makes 0600; use the usual permissions
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path | str, data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    atomic_write(path, lambda f: f.write(data))


def write_text(path: Path | str, text: str) -> None:
    """Atomically write UTF-8 ``text`` to ``path``."""
    write_bytes(path, text.encode("utf-8"))


def sha256_file(path: Path | str) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_exactly(stream: BinaryIO, size: int, chunk: int = 1 << 20) -> bytearray:
    """Exactly ``size`` bytes of ``stream``, read in chunks so that memory grows only with the data
    really present (a header may lie about the size). EOFError if the stream ends early, ValueError
    if it holds more."""
    buf = bytearray()
    while len(buf) < size:
        data = stream.read(min(chunk, size - len(buf)))
        if not data:
            raise EOFError(f"truncated: {len(buf)} of the {size} bytes announced are present")
        buf += data
    if stream.read(1):
        raise ValueError(f"more bytes than the {size} announced")
    return buf

"""Downloading data files with verified checksums (MNIST's four files; the pendigits archive).

Each file comes from the first mirror that delivers it. It is written to a temporary
``*.part`` file beside its final name, checked against its published SHA-256 and only then
renamed into place, so the folder never holds half a file under a final name.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import HdrError
from ..files import sha256_file
from ..reporting import ProgressFactory, Reporter, silent
from .mnist import default_cache_dir

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
FILES = {   # file name -> published SHA-256 of the .gz file
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MAX_FILE_BYTES = 64 << 20   # the largest MNIST file is 9.9 MB
CHUNK = 1 << 16


class DownloadError(HdrError):
    """No mirror delivered a file with the right checksum, or the folder is not writable."""


class _Unreachable(Exception):
    """The mirror could not be contacted (DNS failure, refused connection, timeout, TLS)."""


class _BadTransfer(Exception):
    """The mirror answered but did not deliver the right file."""


def _reason(e: BaseException) -> str:
    """A short human description of a network exception."""
    if isinstance(e, urllib.error.URLError) and not isinstance(e, urllib.error.HTTPError):
        return str(e.reason)
    return str(e) or type(e).__name__


def _content_length(resp) -> int | None:
    try:
        return int(resp.headers["Content-Length"])
    except (TypeError, ValueError):
        return None


def _fetch(url: str, out, timeout: float, progress: ProgressFactory | None, max_bytes: int) -> str:
    """Stream ``url`` into the open file ``out``; return the SHA-256 of what was received.

    Network problems raise _Unreachable or _BadTransfer (HTTP error, cut short, too large);
    only local file errors escape as OSError.
    """
    try:
        resp = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        e.close()
        raise _BadTransfer(f"HTTP {e.code} {e.reason}") from e
    except (OSError, http.client.HTTPException) as e:   # URLError, timeout, refused, TLS
        raise _Unreachable(_reason(e)) from e
    with resp:
        length = _content_length(resp)
        if length is not None and length > max_bytes:
            raise _BadTransfer(f"announces {length} bytes, more than the {max_bytes >> 20} MiB limit")
        h, done = hashlib.sha256(), 0
        bar = progress(length or 0, Path(urlsplit(url).path).name) if progress else None
        try:
            while True:
                try:
                    chunk = resp.read(CHUNK)
                except (OSError, http.client.HTTPException) as e:
                    raise _BadTransfer(f"transfer broke off after {done} bytes ({_reason(e)})") from e
                if not chunk:
                    break
                done += len(chunk)
                if done > max_bytes:
                    raise _BadTransfer(f"sent more than the {max_bytes >> 20} MiB limit")
                h.update(chunk)
                out.write(chunk)
                if bar:
                    bar.update(done, f"{done / 1e6:.1f} MB")
        finally:
            if bar:
                bar.close()
    if length is not None and done < length:
        raise _BadTransfer(f"truncated: received {done} of {length} bytes")
    return h.hexdigest()


def _no_network_message(source: Source, dest: Path, mirrors: Sequence[str], reasons: list[str]) -> str:
    hosts = ", ".join(urlsplit(m).netloc or m for m in mirrors)
    why = "; ".join(dict.fromkeys(reasons))
    return (f"Could not reach any {source.what} mirror ({hosts}: {why}): check your internet connection, "
            f"or {source.offline_hint.format(dest=dest)}")


@dataclass(frozen=True)
class Source:
    """Where a set of files comes from, what they must hash to, and what to say when they cannot be had."""
    what: str                       # e.g. "MNIST"
    files: Mapping[str, str | None]   # file name -> expected SHA-256 of the downloaded bytes
                                      # (None: not published; the caller verifies what it extracts)
    mirrors: Sequence[str]          # base URLs, tried in order
    offline_hint: str               # what to do without the internet; "{dest}" is the folder
    max_bytes: int = MAX_FILE_BYTES


def _download_file(source: Source, name: str, dest: Path, mirrors: Sequence[str], timeout: float,
                   report: Reporter, progress: ProgressFactory | None, unreachable: set[str]) -> Path:
    """Fetch ``name`` from the first mirror that delivers the right bytes; DownloadError if none does.

    Mirrors in ``unreachable`` (filled in here) are tried last, so a dead mirror costs
    one timeout, not one per file.
    """
    expected, final = source.files[name], dest / name
    failures: list[tuple[str, str, bool]] = []   # (url, reason, unreachable)
    for mirror in sorted(mirrors, key=lambda m: m in unreachable):
        url = mirror.rstrip("/") + "/" + name
        try:
            fd, tmp_name = tempfile.mkstemp(dir=dest, prefix=name + ".", suffix=".part")
        except OSError as e:
            raise DownloadError(f"Cannot write to {dest}: {e}") from e
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                got = _fetch(url, out, timeout, progress, source.max_bytes)
                out.flush()
                os.fsync(out.fileno())
            if expected is not None and got != expected:
                report(f"warning: {url}: checksum mismatch for {name}: expected SHA-256 {expected}, "
                       f"got {got}; deleted the download.")
                raise _BadTransfer(f"checksum mismatch (expected SHA-256 {expected}, got {got})")
            os.replace(tmp, final)
            return final
        except _Unreachable as e:
            unreachable.add(mirror)
            failures.append((url, str(e), True))
        except _BadTransfer as e:
            unreachable.discard(mirror)
            failures.append((url, str(e), False))
        except OSError as e:   # network errors became the two above: this one is local
            raise DownloadError(f"Cannot write {final}: {e}") from e
        finally:
            tmp.unlink(missing_ok=True)
    if all(unreached for _, _, unreached in failures):
        raise DownloadError(_no_network_message(source, dest, mirrors, [why for _, why, _ in failures]))
    tried = "; ".join(f"{url}: {why}" for url, why, _ in failures)
    raise DownloadError(f"Could not download {name} ({tried}): {source.offline_hint.format(dest=dest)}")


def download(source: Source, dest: Path, mirrors: Sequence[str] | None = None, timeout: float = 30,
             report: Reporter | None = None, progress: ProgressFactory | None = None) -> list[Path]:
    """Download and verify every file of ``source`` into ``dest``; return their paths.

    Files already there with the right SHA-256 are kept. Raises DownloadError with one
    sentence saying what went wrong and what to do.
    """
    mirrors = source.mirrors if mirrors is None else mirrors
    report = report or silent
    if not mirrors:
        raise ValueError("no mirrors given")
    dest = Path(dest).expanduser()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadError(f"Cannot create the folder {dest}: {e}") from e
    unreachable: set[str] = set()
    paths = []
    for name, expected in source.files.items():
        final = dest / name
        if final.is_file() and expected is not None:
            try:
                got = sha256_file(final)
            except OSError as e:
                raise DownloadError(f"Cannot read {final}: {e}") from e
            if got == expected:
                report(f"{name}: already present, checksum OK")
                paths.append(final)
                continue
            report(f"warning: {final} has SHA-256 {got}, expected {expected}; downloading it again.")
        paths.append(_download_file(source, name, dest, mirrors, timeout, report, progress, unreachable))
    return paths


MNIST = Source("MNIST", FILES, MIRRORS, "copy the four files into {dest} yourself, or point --data-dir / "
               "HDR_DATA_DIR at a folder that has them.")


def download_mnist(dest: Path | None = None, mirrors: Sequence[str] | None = None, timeout: float = 30,
                   report: Reporter | None = None, progress: ProgressFactory | None = None) -> list[Path]:
    """The four MNIST .gz files, verified, in ``dest`` (default: the user cache)."""
    return download(MNIST, Path(dest) if dest else default_cache_dir(), mirrors, timeout, report, progress)

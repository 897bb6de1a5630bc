"""Download the four MNIST files: ``python main.py download-mnist``.

Each file comes from the first mirror that delivers it. It is written to a temporary
``*.part`` file beside its final name, checked against its published SHA-256 and only then
renamed into place, so the folder never holds half a file under a final name.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from .files import sha256_file
from .mnist import default_cache_dir
from .progress import ProgressBar

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


class DownloadError(Exception):
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


def _fetch(url: str, out, timeout: float, progress: bool) -> str:
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
        if length is not None and length > MAX_FILE_BYTES:
            raise _BadTransfer(f"announces {length} bytes, more than the {MAX_FILE_BYTES >> 20} MiB limit")
        h, done = hashlib.sha256(), 0
        bar = ProgressBar(length or 0, Path(urlsplit(url).path).name) if progress else None
        try:
            while True:
                try:
                    chunk = resp.read(CHUNK)
                except (OSError, http.client.HTTPException) as e:
                    raise _BadTransfer(f"transfer broke off after {done} bytes ({_reason(e)})") from e
                if not chunk:
                    break
                done += len(chunk)
                if done > MAX_FILE_BYTES:
                    raise _BadTransfer(f"sent more than the {MAX_FILE_BYTES >> 20} MiB limit")
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


def _no_network_message(dest: Path, mirrors: Sequence[str], reasons: list[str]) -> str:
    hosts = ", ".join(urlsplit(m).netloc or m for m in mirrors)
    why = "; ".join(dict.fromkeys(reasons))
    return (f"Could not reach any MNIST mirror ({hosts}: {why}): check your internet connection, "
            f"or copy the four files into {dest} yourself, or point --data-dir / HDR_DATA_DIR "
            f"at a folder that has them.")


def _download_file(name: str, expected: str, dest: Path, mirrors: Sequence[str], timeout: float,
                   progress: bool, unreachable: set[str]) -> Path:
    """Fetch ``name`` from the first mirror that delivers the right bytes; DownloadError if none does.

    Mirrors in ``unreachable`` (filled in here) are tried last, so a dead mirror costs
    one timeout, not one per file.
    """
    final = dest / name
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
                got = _fetch(url, out, timeout, progress)
                out.flush()
                os.fsync(out.fileno())
            if got != expected:
                print(f"warning: {url}: checksum mismatch for {name}: expected SHA-256 {expected}, "
                      f"got {got}; deleted the download.", file=sys.stderr)
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
        raise DownloadError(_no_network_message(dest, mirrors, [why for _, why, _ in failures]))
    tried = "; ".join(f"{url}: {why}" for url, why, _ in failures)
    raise DownloadError(f"Could not download {name} ({tried}): copy the four files into {dest} "
                        f"yourself, or point --data-dir / HDR_DATA_DIR at a folder that has them.")


def download_mnist(dest: Path, mirrors: Sequence[str] = MIRRORS, progress: bool = True,
                   timeout: float = 30) -> list[Path]:
    """Download and verify the four MNIST .gz files into ``dest``; return their paths.

    Files already there with the right SHA-256 are kept. Raises DownloadError with one
    sentence saying what went wrong and what to do.
    """
    if not mirrors:
        raise ValueError("no mirrors given")
    dest = Path(dest).expanduser()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadError(f"Cannot create the folder {dest}: {e}") from e
    unreachable: set[str] = set()
    paths = []
    for name, expected in FILES.items():
        final = dest / name
        if final.is_file():
            try:
                got = sha256_file(final)
            except OSError as e:
                raise DownloadError(f"Cannot read {final}: {e}") from e
            if got == expected:
                if progress:
                    print(f"{name}: already present, checksum OK", file=sys.stderr)
                paths.append(final)
                continue
            print(f"warning: {final} has SHA-256 {got}, expected {expected}; downloading it again.",
                  file=sys.stderr)
        paths.append(_download_file(name, expected, dest, mirrors, timeout, progress, unreachable))
    return paths


def cmd_download(dest: Path | None, mirrors: list[str] | None = None) -> int:
    """``download-mnist``: fetch into ``dest`` (default: the user cache); exit code 0, 1 or 130."""
    dest = Path(dest).expanduser() if dest else default_cache_dir()
    print(f"Downloading MNIST into {dest}")
    try:
        download_mnist(dest, mirrors or MIRRORS)
    except DownloadError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: no partial file was left behind", file=sys.stderr)
        return 130
    print(f"MNIST is ready in {dest}")
    return 0

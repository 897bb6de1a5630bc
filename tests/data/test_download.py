"""download-mnist against a local HTTP server on 127.0.0.1 serving generated fake files."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from pen_files import LINE, RING, pendigits_text
from unix_compress import compress

from cnn_numpy.data import download, pendigits
from cnn_numpy.data.download import DownloadError, download_mnist
from hdr_cli import commands

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@dataclass
class Server:
    """The test server: ``routes`` maps a URL path to (body, Content-Length sent or None)."""
    port: int
    routes: dict[str, tuple[bytes, int | None]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def mirror(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}/"

    def serve(self, mirror: str, files: dict[str, bytes]) -> None:
        """Serve ``files`` intact under mirror folder ``mirror``."""
        for name, body in files.items():
            self.routes[f"/{mirror}/{name}"] = (body, len(body))


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Clients that hang up early (refused downloads) are expected here."""


@pytest.fixture(scope="module")
def http_server() -> Iterator[Server]:
    state = Server(port=0)

    class Handler(BaseHTTPRequestHandler):   # HTTP/1.0: the connection closes after each response
        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path not in state.routes:
                self.send_error(404)
                return
            body, length = state.routes[self.path]
            self.send_response(200)
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = _QuietServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(http_server: Server, monkeypatch) -> Server:
    """The module's server with no routes, and no proxy in the way of 127.0.0.1."""
    http_server.routes.clear()
    http_server.requests.clear()
    for var in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(var, "*")
    return http_server


@pytest.fixture
def fake_files(monkeypatch) -> dict[str, bytes]:
    """Four random payloads under the MNIST names; the module's checksum table is theirs."""
    rng = np.random.default_rng(0)
    files = {name: rng.integers(0, 256, 70_000 + 1000 * i, dtype=np.uint8).tobytes()
             for i, name in enumerate(NAMES)}
    checksums = {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
    monkeypatch.setattr(download, "MNIST", dataclasses.replace(download.MNIST, files=checksums))
    return files


@pytest.fixture
def closed_port_mirror() -> Iterator[str]:
    """A mirror URL on a 127.0.0.1 port that is bound but not listening: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{s.getsockname()[1]}/mnist/"


def leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` that are not final MNIST names (temporaries)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in NAMES)


def test_good_files_download_and_verify(server, fake_files, tmp_path):
    server.serve("m1", fake_files)
    paths = download_mnist(tmp_path, [server.mirror("m1")])
    assert paths == [tmp_path / n for n in NAMES]
    assert all(p.read_bytes() == fake_files[p.name] for p in paths)
    assert leftovers(tmp_path) == []


def test_truncated_download_leaves_no_file(server, fake_files, tmp_path):
    server.serve("m1", fake_files)
    body = fake_files[NAMES[1]]
    server.routes[f"/m1/{NAMES[1]}"] = (body[:len(body) // 2], len(body))   # server closes early
    with pytest.raises(DownloadError, match=r"truncated: received \d+ of \d+ bytes") as info:
        download_mnist(tmp_path, [server.mirror("m1")])
    assert NAMES[1] in str(info.value)
    assert not (tmp_path / NAMES[1]).exists()
    assert (tmp_path / NAMES[0]).read_bytes() == fake_files[NAMES[0]]
    assert leftovers(tmp_path) == []


def test_corrupted_file_is_deleted_and_error_says_checksum(server, fake_files, tmp_path):
    server.serve("m1", fake_files)
    bad = bytearray(fake_files[NAMES[0]])
    bad[1000] ^= 0xFF
    server.routes[f"/m1/{NAMES[0]}"] = (bytes(bad), len(bad))
    notes: list[str] = []
    with pytest.raises(DownloadError, match="checksum mismatch") as info:
        download_mnist(tmp_path, [server.mirror("m1")], report=notes.append)
    expected, got = download.MNIST.files[NAMES[0]], hashlib.sha256(bad).hexdigest()
    assert expected in str(info.value) and got in str(info.value)
    warning = "\n".join(notes)
    assert NAMES[0] in warning and expected in warning and got in warning and "deleted" in warning
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("first", ["missing", "corrupt", "truncated", "refused"])
def test_falls_back_to_second_mirror(server, fake_files, tmp_path, closed_port_mirror, first):
    server.serve("m2", fake_files)
    if first in ("corrupt", "truncated"):
        for name, body in fake_files.items():
            sent = body[::-1] if first == "corrupt" else body[:100]
            server.routes[f"/m1/{name}"] = (sent, len(body))
    m1 = closed_port_mirror if first == "refused" else server.mirror("m1")
    paths = download_mnist(tmp_path, [m1, server.mirror("m2")])
    assert all(p.read_bytes() == fake_files[p.name] for p in paths)
    assert [r for r in server.requests if r.startswith("/m2/")] == [f"/m2/{n}" for n in NAMES]
    assert leftovers(tmp_path) == []


def test_dead_mirror_is_tried_last_for_later_files(server, fake_files, tmp_path, closed_port_mirror,
                                                   monkeypatch):
    urls: list[str] = []
    real_urlopen = download.urllib.request.urlopen

    def recording_urlopen(url: str, timeout: float):
        urls.append(url)
        return real_urlopen(url, timeout=timeout)

    monkeypatch.setattr(download.urllib.request, "urlopen", recording_urlopen)
    server.serve("m2", fake_files)
    download_mnist(tmp_path, [closed_port_mirror, server.mirror("m2")])
    assert urls == [closed_port_mirror + NAMES[0]] + [server.mirror("m2") + n for n in NAMES]


def cmd_download(dest, mirrors: list[str]) -> int:
    """``python main.py download-mnist --data-dir DEST --mirror M ...``"""
    return commands.main(["download-mnist", "--data-dir", str(dest), *(a for m in mirrors for a in ("--mirror", m))])


def test_unreachable_mirrors_give_one_sentence(server, fake_files, tmp_path, closed_port_mirror, capsys):
    code = cmd_download(tmp_path, [closed_port_mirror, closed_port_mirror.replace("/mnist/", "/other/")])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: Could not reach any MNIST mirror")
    assert str(tmp_path) in err and "--data-dir" in err and "HDR_DATA_DIR" in err
    assert len(re.split(r"[.!?]\s", err)) == 1 and err.endswith(".")
    assert list(tmp_path.iterdir()) == []


def test_existing_good_file_is_skipped_and_bad_one_replaced(server, fake_files, tmp_path):
    server.serve("m1", fake_files)
    (tmp_path / NAMES[0]).write_bytes(fake_files[NAMES[0]])
    (tmp_path / NAMES[1]).write_bytes(b"not the right file")
    paths = download_mnist(tmp_path, [server.mirror("m1")])
    assert all(p.read_bytes() == fake_files[p.name] for p in paths)
    assert server.requests == [f"/m1/{n}" for n in NAMES[1:]]


def test_all_present_needs_no_network(fake_files, tmp_path, closed_port_mirror):
    for name, body in fake_files.items():
        (tmp_path / name).write_bytes(body)
    assert download_mnist(tmp_path, [closed_port_mirror]) == [tmp_path / n for n in NAMES]


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "no-length"])
def test_oversized_response_is_refused(server, fake_files, tmp_path, monkeypatch, announce):
    monkeypatch.setattr(download, "MNIST", dataclasses.replace(download.MNIST, max_bytes=10_000))
    body = fake_files[NAMES[0]]
    server.routes[f"/m1/{NAMES[0]}"] = (body, len(body) if announce else None)
    with pytest.raises(DownloadError, match="MiB limit"):
        download_mnist(tmp_path, [server.mirror("m1")])
    assert list(tmp_path.iterdir()) == []


def test_interrupt_leaves_no_partial_file(server, fake_files, tmp_path, monkeypatch, capsys):
    class InterruptingBar:
        """Stands in for the progress bar and presses Ctrl+C after the first chunk."""
        def __init__(self, total: int, label: str):
            pass

        def update(self, done: int, info: str = "") -> None:
            raise KeyboardInterrupt

        def close(self) -> None:
            pass

    server.serve("m1", fake_files)
    monkeypatch.setattr(commands, "ProgressBar", InterruptingBar)
    assert cmd_download(tmp_path, [server.mirror("m1")]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert server.requests == [f"/m1/{NAMES[0]}"]
    assert list(tmp_path.iterdir()) == []


def test_cmd_download_success(server, fake_files, tmp_path, capsys):
    server.serve("m1", fake_files)
    assert cmd_download(tmp_path / "new" / "dir", [server.mirror("m1")]) == 0
    out = capsys.readouterr()
    assert f"MNIST is ready in {tmp_path / 'new' / 'dir'}" in out.out
    assert all(n in out.err for n in NAMES)   # progress lines name each file
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == sorted(NAMES)


# --- download-pendigits: UCI's zip, its .Z members decompressed and checked ------------------

ARCHIVE_NAME = pendigits.ARCHIVE_URL.rsplit("/", 1)[1]


@pytest.fixture
def uci_archive(monkeypatch) -> bytes:
    """A zip laid out like UCI's, holding two small .Z pendigits files; their checksums are the module's."""
    texts = {"pendigits-orig.tra": pendigits_text([LINE, RING], [1, 0], [1, 2]).encode(),
             "pendigits-orig.tes": pendigits_text([LINE], [1], [3]).encode()}
    for name, text in texts.items():
        monkeypatch.setitem(pendigits.PENDIGITS_FILES, name, hashlib.sha256(text).hexdigest())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in texts.items():
            z.writestr(f"pendigits/{name}.Z", compress(text))
    return buf.getvalue()


def test_download_pendigits_unpacks_verifies_and_deletes_the_archive(server, uci_archive, tmp_path, capsys):
    server.serve("uci", {ARCHIVE_NAME: uci_archive})
    dest = tmp_path / "pd"
    assert commands.main(["download-pendigits", "--pendigits-dir", str(dest), "--mirror", server.mirror("uci")]) == 0
    assert sorted(p.name for p in dest.iterdir()) == sorted(pendigits.PENDIGITS_FILES)
    assert len(pendigits.load_pendigits("test", dest)) == 1 and len(pendigits.load_pendigits("train", dest)) == 2
    assert f"pendigits is ready in {dest}" in capsys.readouterr().out
    assert commands.main(["download-pendigits", "--pendigits-dir", str(dest), "--mirror", "http://127.0.0.1:9/"]) == 0


def test_download_pendigits_with_other_bytes_says_what_it_found_and_writes_nothing(server, uci_archive, tmp_path,
                                                                                   monkeypatch, capsys):
    monkeypatch.setitem(pendigits.PENDIGITS_FILES, "pendigits-orig.tes", "0" * 64)
    server.serve("uci", {ARCHIVE_NAME: uci_archive})
    dest = tmp_path / "pd"
    assert commands.main(["download-pendigits", "--pendigits-dir", str(dest), "--mirror", server.mirror("uci")]) == 2
    err = capsys.readouterr().err
    assert "expected " + "0" * 64 in err and "nothing was written" in err
    assert list(dest.iterdir()) == []


def test_download_pendigits_offline_says_what_to_do(tmp_path, closed_port_mirror, capsys):
    assert commands.main(["download-pendigits", "--pendigits-dir", str(tmp_path),
                          "--mirror", closed_port_mirror]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Could not reach any pendigits mirror") and "--pendigits-dir" in err

"""Shared fixtures. Tests that need MNIST or the shipped weights skip where they are missing,
except when HDR_REQUIRE_DATA=1 (set by .ci/run): then a missing dependency fails the run.

On a machine without a display, Qt's default platform (xcb) aborts the process when the first
QApplication is made, so this file chooses the offscreen platform before any test imports Qt.
"""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest


def _choose_offscreen_without_display() -> None:
    """QT_QPA_PLATFORM=offscreen where X11/Wayland has no display and no platform was chosen."""
    display_or_platform = any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if sys.platform not in ("win32", "darwin") and not display_or_platform:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


_choose_offscreen_without_display()     # at import: conftest is imported before the test modules


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_weights: uses the shipped weights in weights/")
    config.addinivalue_line("markers", "needs_mnist: reads MNIST from $HDR_DATA_DIR")


def _missing(what: str):
    if os.environ.get("HDR_REQUIRE_DATA") == "1":
        pytest.fail(f"{what} is required in CI (HDR_REQUIRE_DATA=1) but missing")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The MNIST folder ($HDR_DATA_DIR), or skip/fail."""
    from cnn_numpy.data.mnist import MnistError, find_file, resolve_data_dir
    try:
        find_file("t10k-images-idx3-ubyte")
    except MnistError:
        _missing("MNIST ($HDR_DATA_DIR)")
    return resolve_data_dir()


@pytest.fixture(scope="session")
def mnist_test(mnist_dir):
    """(images uint8 (10000, 28, 28), labels) of the MNIST test split."""
    from cnn_numpy.data.mnist import load_mnist
    return load_mnist("test", mnist_dir)


@pytest.fixture(scope="session")
def recognizer():
    """The shipped weights as a Recognizer, or skip/fail."""
    from cnn_numpy.paths import DEFAULT_WEIGHTS
    from cnn_numpy.recognition.recognizer import Recognizer
    if not DEFAULT_WEIGHTS.is_file():
        _missing(f"shipped weights {DEFAULT_WEIGHTS}")
    return Recognizer.from_weights()


@pytest.fixture
def deny(monkeypatch):
    """``deny(method, denied)``: make ``Path.<method>`` (or ``os.scandir``) raise PermissionError for the paths where
    ``denied(path)`` holds, as for a user without permission (tests may run as root, which ignores
    permission bits)."""
    def patch(method: str, denied) -> None:
        owner = Path if method != "scandir" else os            # os.scandir(path): folders listed
        original = getattr(owner, method)

        def guarded(self, *args, **kwargs):
            if denied(Path(self)):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return original(self, *args, **kwargs)
        monkeypatch.setattr(owner, method, guarded)
    return patch

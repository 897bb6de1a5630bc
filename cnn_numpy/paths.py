"""Where the project's own files are: shipped weights, the Designer .ui files, translations.

Every path to a resource of the repository is resolved here, from this file's location, so
the app and the commands work from any working directory.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WEIGHTS = REPO_ROOT / "weights" / "simple_convnet.npz"
TRAINING_LOG_NAME = "training_log.json"     # beside the weights it belongs to
UI_DIR = REPO_ROOT / "ui"
MAIN_WINDOW_UI = UI_DIR / "main_window.ui"
INSIDE_VIEW_UI = UI_DIR / "inside_view.ui"
TRANSLATIONS_DIR = UI_DIR / "translations"


def shown_path(path: Path | str) -> str:
    """``path`` relative to the repository when it lies inside it (for reports and captions)."""
    path = Path(path).resolve()
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def user_cache_dir(name: str) -> Path:
    """The per-user folder where the project downloads the data set ``name``
    (``$XDG_CACHE_HOME/hdr-numpy/NAME``, else ``~/.cache/hdr-numpy/NAME``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hdr-numpy" / name


def data_folder(given: Path | str | None, env_var: str, name: str) -> Path:
    """Where a data set is looked for: the option ``given``, else ``$env_var``, else the user cache."""
    if given:
        return Path(given).expanduser()
    env = os.environ.get(env_var)
    return Path(env).expanduser() if env else user_cache_dir(name)

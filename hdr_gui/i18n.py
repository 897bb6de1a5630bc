"""Language choice and Qt translators (Chinese is the source language of the UI)."""
from __future__ import annotations

import logging

from PyQt5.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PyQt5.QtGui import QFontDatabase

from cnn_numpy.paths import TRANSLATIONS_DIR

LANGUAGES = ("zh", "en")

log = logging.getLogger(__name__)
_installed: list[QTranslator] = []


def resolve_language(lang: str | None) -> str:
    """`lang` if given, else "zh" for a Chinese system locale and "en" for any other."""
    if lang is None:
        return "zh" if QLocale.system().name().startswith("zh") else "en"
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    return lang


def install_language(lang: str) -> None:
    """Replace the translators installed by an earlier call with those for `lang`."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    qt_dir = QLibraryInfo.location(QLibraryInfo.TranslationsPath)
    if lang == "en":
        _install(app, "hdr_en", str(TRANSLATIONS_DIR))
    else:
        _install(app, "qtbase_zh_CN", qt_dir)  # Qt's own buttons (OK, Cancel) in Chinese
        if not QFontDatabase().families(QFontDatabase.SimplifiedChinese):
            log.warning("No Chinese font found: labels may show as boxes. "
                        "Install one (e.g. fonts-wqy-zenhei) or start with --lang en.")


def _install(app: QCoreApplication, name: str, directory: str) -> None:
    translator = QTranslator(app)
    if translator.load(name, directory):
        app.installTranslator(translator)
        _installed.append(translator)
    else:
        log.warning("Translation %s not found in %s", name, directory)

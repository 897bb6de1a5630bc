"""My handwriting in the app: correct an answer (a sample is kept), learn from the samples in the
background (personal weights written beside, never over, the shipped ones), cancel, switch, delete,
and personal weights whose base changed are not used."""
from __future__ import annotations

import json

import numpy as np
import pytest
from gui_fakes import ONE, ZERO, draw
from PIL import Image
from PyQt5.QtCore import Qt
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QFileDialog

from cnn_numpy.data.samples import count_samples, sample_files
from cnn_numpy.files import sha256_file
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.training.personalize import PersonalizeConfig, personalize
from cnn_numpy.weights import metadata_path, read_metadata
from hdr_gui.main_window import Mode

QUICK = PersonalizeConfig(steps=3, batch_size=8)


QUICK_OPTIONS = {"config": QUICK, "replay": None}   # a few steps, no replay data: the real path, quickly


def bar(path) -> None:
    """A sample file: an upright bar."""
    image = Image.new("L", (28, 28), 0)
    image.paste(255, (12, 4, 16, 24))
    image.save(path)


def answer(window, qtbot, strokes=ONE) -> None:
    draw(window.canvas, strokes)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)


def test_correcting_keeps_the_drawing_as_a_sample(make_window, fake, qtbot, tmp_path):
    window = make_window(fake)
    buttons = window.personal.correct_buttons
    assert not any(button.isEnabled() for button in buttons)           # nothing to correct yet
    answer(window, qtbot)
    qtbot.mouseClick(buttons[1], Qt.LeftButton)
    QTest.keyClick(window, Qt.Key_1, Qt.ControlModifier)              # the keyboard shortcut does the same
    files = sample_files(tmp_path / "user" / "samples")
    assert [digit for _, digit in files] == [1, 1]
    assert window.sampleCountLabel.text() == "我的样本：2"
    assert not window.learnButton.isEnabled()          # the fake network has no weights file to start from


def test_no_correction_in_mnist_mode(make_window, fake, qtbot):
    window = make_window(fake)
    with qtbot.waitSignal(window.mnist_load_finished):
        window.modeCombo.setCurrentIndex(Mode.MNIST)
    window.draw_sample()
    window.recognize()
    assert not any(button.isEnabled() for button in window.personal.correct_buttons)


def test_unwritable_samples_folder_is_one_sentence(make_window, fake, qtbot, tmp_path, message_boxes):
    window = make_window(fake)
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "samples").write_text("a file where the folder should be")
    answer(window, qtbot)
    qtbot.mouseClick(window.personal.correct_buttons[1], Qt.LeftButton)
    assert "samples" in window.statusbar.currentMessage() and message_boxes == []


@pytest.mark.needs_weights
def test_learning_writes_personal_weights_and_uses_them(make_window, recognizer, qtbot, tmp_path):
    shipped = sha256_file(DEFAULT_WEIGHTS)
    window = make_window(recognizer)
    window.personal.learning_options = QUICK_OPTIONS
    answer(window, qtbot, ZERO)
    for digit in (0, 6):
        qtbot.mouseClick(window.personal.correct_buttons[digit], Qt.LeftButton)
    with qtbot.waitSignal(window.usePersonalCheck.toggled, timeout=20_000):
        qtbot.mouseClick(window.learnButton, Qt.LeftButton)
    personal = tmp_path / "user" / "personal_weights.npz"
    assert window.recognizer().weights_path == personal and window.usePersonalCheck.isChecked()
    assert read_metadata(personal)["personal"]["samples"] == 2
    assert "download-mnist" in window.statusbar.currentMessage()        # learned without replay: said so
    assert sha256_file(DEFAULT_WEIGHTS) == shipped                      # the shipped weights are untouched
    window.usePersonalCheck.setChecked(False)                           # switch back to the shipped weights
    assert window.recognizer() is recognizer
    assert json.loads((tmp_path / "user" / "personal.json").read_text()) == {"use_personal": False}


@pytest.mark.needs_weights
def test_learning_with_replay_says_nothing_of_missing_mnist(make_window, recognizer, qtbot):
    window = make_window(recognizer)
    replay = np.zeros((40, 28, 28), np.uint8), np.arange(40) % 10       # everyone else's digits (stand-ins)
    window.personal.learning_options = {"config": QUICK, "replay": replay}
    answer(window, qtbot, ZERO)
    qtbot.mouseClick(window.personal.correct_buttons[0], Qt.LeftButton)
    with qtbot.waitSignal(window.usePersonalCheck.toggled, timeout=20_000):
        qtbot.mouseClick(window.learnButton, Qt.LeftButton)
    assert "学好了" in window.statusbar.currentMessage() and "MNIST" not in window.statusbar.currentMessage()


@pytest.mark.needs_weights
def test_personal_weights_are_used_at_start_and_can_be_deleted(make_window, recognizer, tmp_path):
    samples = tmp_path / "user" / "samples"
    (samples / "4").mkdir(parents=True)
    bar(samples / "4" / "a.png")
    personalize(None, samples, tmp_path / "user" / "personal_weights.npz", QUICK, replay=None)
    window = make_window(recognizer)
    assert window.usePersonalCheck.isChecked() and window.recognizer() is not recognizer
    window.personal.delete_weights()
    assert window.recognizer() is recognizer and not (tmp_path / "user" / "personal_weights.npz").exists()
    assert not window.usePersonalCheck.isEnabled() and count_samples(samples) == 1     # the samples stay


@pytest.mark.needs_weights
def test_personal_weights_of_another_base_are_not_used(make_window, recognizer, tmp_path):
    samples = tmp_path / "user" / "samples"
    (samples / "1").mkdir(parents=True)
    bar(samples / "1" / "a.png")
    out = tmp_path / "user" / "personal_weights.npz"
    personalize(None, samples, out, QUICK, replay=None)
    meta = json.loads(metadata_path(out).read_text())
    meta["personal"]["base_sha256"] = "0" * 64                          # made from other weights
    metadata_path(out).write_text(json.dumps(meta))
    window = make_window(recognizer)
    assert window.recognizer() is recognizer and not window.usePersonalCheck.isChecked()
    assert "重新学" in window.statusbar.currentMessage()


@pytest.mark.needs_weights
def test_cancelled_learning_writes_nothing(make_window, recognizer, qtbot, tmp_path):
    window = make_window(recognizer)
    # 1,000 steps, never read surely enough to stop early: the bar (0-1000) moves after the first; cancelled
    # long before the last
    window.personal.learning_options = {"config": PersonalizeConfig(steps=1000, fit_margin=1.1), "replay": None}
    answer(window, qtbot)
    qtbot.mouseClick(window.personal.correct_buttons[1], Qt.LeftButton)
    qtbot.mouseClick(window.learnButton, Qt.LeftButton)
    assert window.cancelLearnButton.isVisible() and not window.learnButton.isVisible()
    qtbot.waitUntil(lambda: window.learnProgress.value() > 0, timeout=20_000)
    qtbot.mouseClick(window.cancelLearnButton, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.learnButton.isVisible(), timeout=20_000)
    assert "已取消" in window.statusbar.currentMessage()
    assert not (tmp_path / "user" / "personal_weights.npz").exists() and window.recognizer() is recognizer


def test_learning_without_weights_is_off(make_window):
    window = make_window(None)
    assert not window.learnButton.isEnabled()
    assert np.all([not b.isEnabled() for b in window.personal.correct_buttons])



def test_samples_export_and_import_as_folders(make_window, fake, qtbot, tmp_path, monkeypatch):
    window = make_window(fake)
    answer(window, qtbot)
    qtbot.mouseClick(window.personal.correct_buttons[1], Qt.LeftButton)
    out = tmp_path / "exported"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    window.personal.export_samples()
    qtbot.waitUntil(lambda: "已导出 1 个样本" in window.statusbar.currentMessage(), timeout=10_000)
    assert [digit for _, digit in sample_files(out)] == [1]
    other = tmp_path / "other"
    (other / "7").mkdir(parents=True)
    bar(other / "7" / "mine.png")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(other))
    window.personal.import_samples()
    qtbot.waitUntil(lambda: window.sampleCountLabel.text() == "我的样本：2", timeout=10_000)
    window.personal.import_samples()                                   # the same folder again adds nothing
    qtbot.waitUntil(lambda: "已导入 0 个新样本" in window.statusbar.currentMessage(), timeout=10_000)
    assert count_samples(tmp_path / "user" / "samples") == 2


def test_import_of_a_badly_laid_out_folder_is_one_sentence(make_window, fake, qtbot, tmp_path, monkeypatch,
                                                            message_boxes):
    window = make_window(fake)
    bad = tmp_path / "bad"
    (bad / "seven").mkdir(parents=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(bad))
    window.personal.import_samples()
    qtbot.waitUntil(lambda: "seven" in window.statusbar.currentMessage(), timeout=10_000)
    assert message_boxes == [] and window.sampleCountLabel.text() == "我的样本：0"

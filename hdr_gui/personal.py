"""My handwriting: keep corrected answers as samples, learn from them in the background, and switch
between the personal and the shipped weights.

Everything lives in the user's data folder (Qt's AppDataLocation unless the window is given another):
``samples/0..9/*.png`` (the ImageFolder layout of cnn_numpy.data.samples), ``personal_weights.npz``
(+ ``.json``) and ``personal.json`` (whether to use them). The shipped weights are never written.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PyQt5.QtCore import QObject, QStandardPaths, QThread, QUrl, pyqtSignal
from PyQt5.QtGui import QDesktopServices
from PyQt5.QtWidgets import QFileDialog, QMenu, QPushButton

from cnn_numpy.data.samples import count_samples, export_samples, import_samples, save_sample
from cnn_numpy.errors import HdrError
from cnn_numpy.files import write_text
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.training.personalize import DRAWN_REPLAY, NO_REPLAY, Cancelled, personal_base_matches
from cnn_numpy.weights import metadata_path, read_metadata

from .background import BackgroundCall
from .learning_process import learn_in_child
from .slot_errors import guarded_slot, show_error

log = logging.getLogger(__name__)
SAMPLES = "samples"
WEIGHTS = "personal_weights.npz"
SETTINGS = "personal.json"
PROGRESS_STEPS = 1000           # the progress bar's maximum


def default_data_dir() -> Path:
    """The user's data folder for this app (Qt's AppDataLocation)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation))


class PersonalTraining(QThread):
    """Watches personalising in a child process (learning_process.py) from a worker thread, so the
    window stays responsive; ``cancel()`` stops it between two steps."""

    progressed = pyqtSignal(float)        # fraction done
    succeeded = pyqtSignal(object, object)  # the metadata written, the Recognizer of the new weights
    failed = pyqtSignal(object)           # the exception (Cancelled when cancelled)

    def __init__(self, base: Path | None, samples: Path, out: Path, options: dict,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._args = (base, samples, out, {"command": "python main.py (app): 用我的样本学习", **options})
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def run(self) -> None:
        try:
            for report in learn_in_child(*self._args, cancelled=lambda: self._cancelled):
                if isinstance(report, dict):      # loaded here too: reading 18 MB would block the window
                    self.succeeded.emit(report, Recognizer.from_weights(self._args[2]))
                else:
                    self.progressed.emit(report)
        except Exception as error:  # noqa: BLE001 - handed to the GUI thread, which explains it
            self.failed.emit(error)


class PersonalHandwriting(QObject):
    """The window's 我的手写 group: correct buttons 0-9, sample count, learn / cancel, the personal
    weights switch and a menu (export, import, open folder, delete personal weights).

    ``current_sample()`` gives the image of the answer shown (None when there is none to correct);
    ``use(recognizer)`` makes the window recognise with another recognizer."""

    def __init__(self, window, data_dir: Path, current_sample: Callable[[], Image.Image | None],
                 use: Callable[[Recognizer | None], None]) -> None:
        super().__init__(window)
        self._w = window
        self._dir = data_dir
        self._current_sample = current_sample
        self._use = use
        self._base: Recognizer | None = None           # the weights the app was started with
        self._personal: Recognizer | None = None
        self._training: PersonalTraining | None = None
        self._busy: BackgroundCall | None = None       # an import or export
        self.learning_options: dict = {}                 # extra arguments of personalize() (tests, benchmarks)
        self.correct_buttons = [self._correct_button(digit) for digit in range(10)]
        menu = QMenu(window.personalMenuButton)
        self._export_action = menu.addAction(self.tr("导出我的样本…"), self.export_samples)
        self._import_action = menu.addAction(self.tr("导入样本…"), self.import_samples)
        menu.addAction(self.tr("打开样本文件夹"), self.open_folder)
        menu.addSeparator()
        self._delete_action = menu.addAction(self.tr("删除我的权重（样本保留）"), self.delete_weights)
        window.personalMenuButton.setMenu(menu)
        window.learnButton.clicked.connect(self.learn)
        window.cancelLearnButton.clicked.connect(self.cancel)
        window.usePersonalCheck.toggled.connect(self._use_toggled)
        window.learnProgress.setMaximum(PROGRESS_STEPS)
        self._show_busy(False)

    @property
    def samples_dir(self) -> Path:
        return self._dir / SAMPLES

    @property
    def weights_path(self) -> Path:
        return self._dir / WEIGHTS

    def wait(self) -> None:
        """Let a running training or copy finish (a QThread must not be destroyed while running)."""
        if self._training is not None:
            self._training.cancel()
            self._training.wait()
        if self._busy is not None:
            self._busy.wait()

    def set_base(self, recognizer: Recognizer | None) -> None:
        """The weights the app was started with; personal weights made from them are used if chosen."""
        self._base = recognizer
        notice = self._load_personal()
        self._apply_choice()
        if notice:
            self._w.statusbar.showMessage(notice)

    def using_personal(self) -> bool:
        return self._personal is not None and self._w.usePersonalCheck.isChecked()

    def sample_count(self) -> int:
        try:
            return count_samples(self.samples_dir) if self.samples_dir.is_dir() else 0
        except HdrError:
            return 0

    @guarded_slot(int)
    def correct(self, digit: int) -> None:
        """Keep the answer shown as a sample of ``digit``."""
        image = self._current_sample()
        if image is None:
            self._w.statusbar.showMessage(self.tr("先写一个数字并识别，再告诉我它其实是几。"))
            return
        try:
            save_sample(self.samples_dir, digit, image)
        except HdrError as error:
            self._w.statusbar.showMessage(str(error))
            return
        self._show_idle()
        self._w.statusbar.showMessage(self.tr("已存为数字 {digit} 的样本（我的样本：{count}）。").format(
            digit=digit, count=self.sample_count()))

    @guarded_slot()
    def learn(self) -> None:
        """Fine-tune on the samples in the background; the window stays usable."""
        if self._training is not None or self._base_path() is None:
            return
        if self.sample_count() == 0:
            self._w.statusbar.showMessage(self.tr("还没有样本：识别后点「其实是…」里正确的数字，样本就会存下来。"))
            return
        self._training = PersonalTraining(self._base_path(), self.samples_dir, self.weights_path,
                                          self.learning_options, self)
        self._training.progressed.connect(self._progressed)
        self._training.succeeded.connect(self._learned)
        self._training.failed.connect(self._learn_failed)
        self._w.learnProgress.setValue(0)
        self._show_busy(True)
        self._w.statusbar.showMessage(self.tr("正在学习我的样本……"))
        self._training.start()

    @guarded_slot()
    def cancel(self) -> None:
        if self._training is not None:
            self._training.cancel()

    @guarded_slot()
    def export_samples(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._w, self.tr("导出到哪个（空）文件夹？"))
        if folder:
            self._run_copy(lambda: export_samples(self.samples_dir, Path(folder)),
                           self.tr("已导出 {n} 个样本到 {folder}。"), folder)

    @guarded_slot()
    def import_samples(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._w, self.tr("选择一个样本文件夹（子文件夹 0–9）"))
        if folder:
            self._run_copy(lambda: import_samples(Path(folder), self.samples_dir),
                           self.tr("已导入 {n} 个新样本（来自 {folder}）。"), folder)

    @guarded_slot()
    def open_folder(self) -> None:
        self.samples_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.samples_dir)))

    @guarded_slot()
    def delete_weights(self) -> None:
        """Remove the personal weights (the samples stay) and go back to the shipped weights."""
        for path in (self.weights_path, metadata_path(self.weights_path)):
            path.unlink(missing_ok=True)
        self._personal = None
        self._apply_choice()
        self._w.statusbar.showMessage(self.tr("已删除我的权重，现在用随附的权重。样本还在。"))

    def _base_path(self) -> Path | None:
        """The file of the base weights (None without weights, or for a network built in memory)."""
        return getattr(self._base, "weights_path", None)

    def _correct_button(self, digit: int) -> QPushButton:
        button = QPushButton(str(digit), self._w.personalGroup)
        button.setObjectName(f"correct{digit}Button")
        button.setFixedWidth(button.fontMetrics().horizontalAdvance("00") + 14)
        button.setToolTip(self.tr("这个答案其实是 {digit}：存为样本（Ctrl+{digit}）").format(digit=digit))
        button.clicked.connect(lambda: self.correct(digit))
        self._w.correctRow.addWidget(button)
        return button

    @guarded_slot(float)
    def _progressed(self, fraction: float) -> None:
        self._w.learnProgress.setValue(round(fraction * PROGRESS_STEPS))

    @guarded_slot(object, object)
    def _learned(self, meta: dict, personal: Recognizer) -> None:
        self._end_training()
        self._personal = personal
        self._w.usePersonalCheck.setChecked(True)
        self._apply_choice()
        record = meta.get("personal", {})
        message = self.tr("学好了：用了 {n} 个样本，{s} 秒。现在用我的权重识别。").format(
            n=record.get("samples", "?"), s=record.get("seconds", "?"))
        if record.get("replay") in (DRAWN_REPLAY, NO_REPLAY):
            message += " " + self.tr("没找到 MNIST：运行 python main.py download-mnist 后再学一次更稳妥。")
        self._w.statusbar.showMessage(message)

    @guarded_slot(object)
    def _learn_failed(self, error: Exception) -> None:
        self._end_training()
        if isinstance(error, Cancelled):
            self._w.statusbar.showMessage(self.tr("已取消学习：什么都没有写，原来的权重照常使用。"))
        elif isinstance(error, HdrError):
            self._w.statusbar.showMessage(str(error))
        else:
            show_error(self._w, error)

    def _end_training(self) -> None:
        self._training.wait()
        self._training.deleteLater()
        self._training = None
        self._show_busy(False)

    def _run_copy(self, copy: Callable[[], int], done: str, folder: str) -> None:
        if self._busy is not None:
            return
        self._busy = BackgroundCall(copy, self)
        self._busy.succeeded.connect(lambda n: self._copied(done.format(n=n, folder=folder)))
        self._busy.failed.connect(self._copy_failed)
        self._busy.start()
        self._show_busy(True, progress=False)

    @guarded_slot(str)
    def _copied(self, message: str) -> None:
        self._end_copy()
        self._w.statusbar.showMessage(message)

    @guarded_slot(object)
    def _copy_failed(self, error: Exception) -> None:
        self._end_copy()
        if not isinstance(error, HdrError):
            raise error
        self._w.statusbar.showMessage(str(error))

    def _end_copy(self) -> None:
        self._busy.wait()
        self._busy.deleteLater()
        self._busy = None
        self._show_busy(False)

    def _load_personal(self) -> str:
        """Load the personal weights if there are any and they were made from the current base weights.
        -> why personal weights that exist are not used ("" when they are, or there are none)."""
        self._personal = None
        if self._base_path() is None or not self.weights_path.is_file():
            return ""
        try:
            meta = read_metadata(self.weights_path)
            if not personal_base_matches(meta, self._base_path()):
                return self.tr("我的权重是从另一版随附权重学来的，现在不用它；点「用我的样本学习」重新学一次即可。")
            self._personal = Recognizer.from_weights(self.weights_path)
        except HdrError as error:
            log.warning("personal weights unusable: %s", error)
            return self.tr("我的权重无法读取（{error}），现在用随附的权重。").format(error=error)
        return ""

    def _apply_choice(self) -> None:
        """Recognise with the personal weights when there are some and the user wants them."""
        check = self._w.usePersonalCheck
        check.blockSignals(True)
        check.setChecked(self._personal is not None and self._wants_personal())
        check.blockSignals(False)
        self._use(self._personal if self.using_personal() else self._base)
        self._show_idle()

    @guarded_slot(bool)
    def _use_toggled(self, checked: bool) -> None:
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            write_text(self._dir / SETTINGS, json.dumps({"use_personal": checked}))
        except OSError as error:
            log.warning("cannot remember the weights choice: %s", error)
        self._use(self._personal if self.using_personal() else self._base)
        self._w.statusbar.showMessage(self.tr("现在用我的权重识别。") if self.using_personal()
                                      else self.tr("现在用随附的权重识别。"))

    def _wants_personal(self) -> bool:
        try:
            return bool(json.loads((self._dir / SETTINGS).read_text(encoding="utf-8")).get("use_personal", True))
        except (OSError, ValueError, AttributeError):
            return True

    def _show_busy(self, busy: bool, progress: bool = True) -> None:
        w = self._w
        w.learnProgress.setVisible(busy and progress)
        w.cancelLearnButton.setVisible(busy and progress)
        w.learnButton.setVisible(not (busy and progress))
        w.learnButton.setEnabled(not busy and self._base_path() is not None)
        for action in (self._export_action, self._import_action):
            action.setEnabled(not busy)
        self._show_idle()

    def _show_idle(self) -> None:
        w = self._w
        count = self.sample_count()
        w.sampleCountLabel.setText(self.tr("我的样本：{count}").format(count=count))
        w.usePersonalCheck.setEnabled(self._personal is not None)
        self._delete_action.setEnabled(self.weights_path.is_file())
        self._export_action.setEnabled(count > 0 and self._busy is None)
        if self._training is None and self._busy is None:
            w.learnButton.setEnabled(self._base_path() is not None and count > 0)

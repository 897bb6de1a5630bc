"""A dependency-free text progress bar on stderr (redrawn in place on a terminal,
one line per 10 % otherwise, so logs stay short)."""
from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, total: int, label: str = "", width: int = 30, stream=None):
        self.total, self.label, self.width = max(1, total), label, width
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.start = time.perf_counter()
        self._last_decile = -1

    def update(self, done: int, info: str = "") -> None:
        frac = min(1.0, done / self.total)
        if not self.tty:
            decile = int(frac * 10)
            if decile == self._last_decile:
                return
            self._last_decile = decile
        filled = int(frac * self.width)
        elapsed = time.perf_counter() - self.start
        eta = elapsed / frac - elapsed if frac > 0 else 0.0
        line = (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {frac * 100:5.1f}% "
                f"{elapsed:5.0f}s<{eta:4.0f}s {info}")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

"""In-memory conversion of a QImage to a PIL image (no temporary files)."""
from __future__ import annotations

import numpy as np
from PIL import Image
from PyQt5.QtGui import QImage


def qimage_to_pil(image: QImage) -> Image.Image:
    """Copy `image` into a PIL image: mode "L" for Format_Grayscale8, "RGBA" otherwise.

    Rows of a QImage are padded to 4-byte multiples, so each row is cut to its
    visible width using bytesPerLine.
    """
    if image.format() == QImage.Format_Grayscale8:
        channels = 1
    else:
        image = image.convertToFormat(QImage.Format_RGBA8888)  # byte order R,G,B,A on every platform
        channels = 4
    width, height = image.width(), image.height()
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    rows = np.frombuffer(bits, dtype=np.uint8).reshape(height, image.bytesPerLine())
    pixels = rows[:, : width * channels].reshape(height, width, channels)
    if channels == 1:
        pixels = pixels[:, :, 0]
    return Image.fromarray(pixels.copy())

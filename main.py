"""Handwritten digit recognition with a from-scratch NumPy CNN.

    python main.py                 open the app
    python main.py --help          all commands (train, evaluate, evaluate-real, predict, download-mnist)
"""
import os
import sys

# The app answers one image at a time and predict's decoding workers use every core: there a
# multi-threaded BLAS only adds hand-over costs and stalls (measured: 12 ms -> 3 ms per answer).
# Training and evaluation keep all threads. Set before NumPy is first imported.
if sys.argv[1:2] not in (["train"], ["evaluate"], ["evaluate-real"]):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

from cnn_numpy.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

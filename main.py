"""Handwritten digit recognition with a from-scratch NumPy CNN.

    python main.py                 open the app
    python main.py --help          all commands (train, evaluate, predict, download-mnist)
"""
import os
import sys

if sys.argv[1:2] == ["predict"]:   # its decoding workers use every core: a threaded BLAS would fight them
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

from cnn_numpy.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

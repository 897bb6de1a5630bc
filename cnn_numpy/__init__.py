"""A convolutional network for handwritten digits, from scratch in NumPy. The folders are
the architecture:

    nn/           the network itself: layers, the Sequential model, the SimpleConvNet,
                  dense baselines, optimisers, weight averaging (no I/O)
    data/         MNIST and its download, pen-stroke collections and their rendering,
                  augmentation, synthesised writing styles, safe image-file opening
    recognition/  preprocessing (any picture -> 28x28 input) and the Recognizer, the one
                  path from image to probabilities; image files in bulk; reading numbers
                  (ink maps of paper, segmentation into digits)
    training/     the training loop (Trainer), training data, shipping weights
    evaluation/   scores, real-writer evaluation, report figures
    weights.py    saving and loading weights with metadata and checksum
    paths.py      where the repository's resources are; errors.py, files.py, reporting.py

Nothing here imports Qt or the command line (hdr_gui/, hdr_cli/ sit above this package).

BLAS threads: one, unless the environment says otherwise. The app answers one image at a
time, predict's workers use every core, and on a busy 2-core machine a second BLAS
thread makes training and evaluation slower, not faster (bench/README.md). This takes effect
when ``cnn_numpy`` is imported before NumPy, as every entry point of the project does.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

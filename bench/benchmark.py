"""Speed of the NumPy SimpleConvNet side by side with the identical network in PyTorch (CPU).

    python -m bench.benchmark [--iterations 200] [--rounds 3] [--threads N] [--quick]

One run, same machine, same batches (batch 100, float32), same thread count for both: NumPy's
OpenBLAS thread count is read from the library and PyTorch is set to it (``--threads`` sets
it for both before NumPy loads). Measured:
    training         Adam steps on the same MNIST batches (augmentation off), images/s
    batch inference  the 10,000 MNIST test images in batches of 1,000, images/s
    latency          one image (batch of 1), median of 1,000 calls; and the app's path:
                     a 280x280 canvas image -> Recognizer.recognize -> answer, with one
                     BLAS thread as main.py runs the app (and with the shared thread count)
    augmentation     augment_batch on a batch of 100, against a training step
    evaluation       load the 10,000 MNIST test images + predict, end to end
    peak RSS         of a training run on the full MNIST set (``main.py train --epochs 1``
                     in a child process; ``--quick``: 5,000 images)
NumPy and PyTorch take turns (20 training steps, one inference batch of 1,000, 100 latency
calls at a time, the order reversed every other turn, a pause before each turn) so that both
see the same machine load. Throughputs are medians over the turns; each ratio is the median
of the ratios of back-to-back turns (``--rounds`` rounds of them). MNIST is found as by every
command (--data-dir is not offered: $HDR_DATA_DIR, else the user cache); without it the timings
use random images (noted in the output).
PyTorch is a benchmark-only dependency (requirements-bench.txt); the app never imports it.

The figures come last, one per line, ``name: value unit``.
"""
from __future__ import annotations

import argparse
import ctypes
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

BATCH = 100          # training batch
CHUNK = 20           # training steps per turn
SETTLE = 0.2         # seconds of pause before each turn
INFER_BATCH = 1000   # inference batch (predict_proba's default)


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iterations", type=int, default=200, help="training steps per framework and round")
    ap.add_argument("--rounds", type=int, default=3, help="alternating NumPy/PyTorch rounds")
    ap.add_argument("--threads", type=int, default=None,
                    help="BLAS/PyTorch threads for both (default: what OpenBLAS uses, i.e. the cores)")
    ap.add_argument("--quick", action="store_true", help="smoke run: few iterations, one round, small sets")
    args = ap.parse_args()
    if args.quick:
        args.iterations, args.rounds = min(args.iterations, 20), 1
    return args


ARGS = parse_args()
if ARGS.threads:                                  # before NumPy loads OpenBLAS
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from cnn_numpy.data.augment import AugmentConfig, augment_batch
from cnn_numpy.data.mnist import MnistError, load_mnist, to_input
from cnn_numpy.data.strokes import render_digit
from cnn_numpy.evaluation.scores import evaluate_mnist_test
from cnn_numpy.nn.convnet import SimpleConvNet
from cnn_numpy.nn.optimizers import Adam
from cnn_numpy.paths import DEFAULT_WEIGHTS, REPO_ROOT
from cnn_numpy.recognition.recognizer import Recognizer

LR = 1e-3


def _openblas_function(name: str) -> Callable | None:
    """``openblas_<name>`` of the OpenBLAS that NumPy loaded (symbol names vary by build)."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "openblas" in line.lower() and line.strip().endswith(".so")}
    for lib in sorted(libs):
        handle = ctypes.CDLL(lib)
        for symbol in (f"scipy_openblas_{name}64_", f"openblas_{name}64_", f"openblas_{name}"):
            if hasattr(handle, symbol):
                return getattr(handle, symbol)
    return None


def blas_threads() -> int:
    """Threads of NumPy's OpenBLAS (falls back to the environment / CPU count)."""
    get = _openblas_function("get_num_threads")
    if get is not None:
        return int(get())
    return int(os.environ.get("OPENBLAS_NUM_THREADS") or len(os.sched_getaffinity(0)))


def set_blas_threads(n: int) -> None:
    """Change NumPy's OpenBLAS thread count at run time (no-op if it cannot be found)."""
    set_threads = _openblas_function("set_num_threads")
    if set_threads is not None:
        set_threads(n)


def take_turns(tasks: list[Callable[[], object]], repeat: int, settle: float = 0.0) -> list[list[float]]:
    """Wall seconds of every call of each task, the tasks taking turns ``repeat`` times (the
    order reversed every other turn), so that all of them run under the same machine load.

    ``settle`` seconds of sleep before each call let the other framework's worker threads,
    which busy-wait for a while after their last job (OpenBLAS up to ~0.1 s), go idle.
    """
    times: list[list[float]] = [[] for _ in tasks]
    for turn in range(repeat):
        order = list(enumerate(tasks))
        for i, task in order[::-1] if turn % 2 else order:
            time.sleep(settle)
            start = time.perf_counter()
            task()
            times[i].append(time.perf_counter() - start)
    return times


def call_medians(tasks: list[Callable[[], object]], blocks: int, calls: int) -> list[float]:
    """Median wall seconds of one call of each task; the tasks take turns in ``blocks``
    blocks of ``calls`` calls each."""
    samples: list[list[float]] = [[] for _ in tasks]

    def block(i: int) -> Callable[[], None]:
        return lambda: samples[i].extend(take_turns([tasks[i]], calls)[0])
    take_turns([block(i) for i in range(len(tasks))], blocks, SETTLE)
    return [statistics.median(s) for s in samples]


def load_data(quick: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """(train images (N, 1, 28, 28) float32, train labels int64, test images, is_mnist)."""
    try:
        train_images, train_labels = load_mnist("train")
        test_images, _ = load_mnist("test")
        return to_input(train_images), train_labels.astype(np.int64), to_input(test_images), True
    except MnistError as e:
        print(f"NOTE: MNIST not found ({e}); timing on random images instead")
        rng = np.random.default_rng(0)
        n_test = 2000 if quick else 10000
        return (rng.random((60000, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 60000),
                rng.random((n_test, 1, 28, 28), dtype=np.float32), False)


def torch_twin(net: SimpleConvNet) -> torch.nn.Sequential:
    """The same network in PyTorch (dropout included if the config has it), with ``net``'s
    initial parameters."""
    cfg = net.config
    hidden = [torch.nn.Linear(cfg.flat_size, cfg.hidden), torch.nn.ReLU()]
    if net.config.dropout > 0:
        hidden.append(torch.nn.Dropout(net.config.dropout))
    model = torch.nn.Sequential(torch.nn.Conv2d(cfg.input_shape[0], cfg.filter_num, cfg.filter_size),
                                torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), *hidden, torch.nn.Linear(cfg.hidden, cfg.classes))
    conv, first, last = (m for m in model if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)))
    p = net.params
    with torch.no_grad():
        for layer, w, b in ((conv, p["W1"], p["b1"]), (first, p["W2"].T, p["b2"]), (last, p["W3"].T, p["b3"])):
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            layer.bias.copy_(torch.from_numpy(b))
    return model


class NumpyTrainer:
    def __init__(self, net: SimpleConvNet):
        self.net, self.opt = net, Adam()

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        loss, grads = self.net.gradient(x, y)
        self.opt.update(self.net.params, grads, LR)
        return loss


class TorchTrainer:
    def __init__(self, model: torch.nn.Module):
        self.model, self.opt = model, torch.optim.Adam(model.parameters(), lr=LR)

    def step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        self.opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()


def torch_predict(model: torch.nn.Module, x: torch.Tensor, batch: int = INFER_BATCH) -> torch.Tensor:
    """Class probabilities, in batches, like SimpleConvNet.predict_proba."""
    with torch.inference_mode():
        return torch.cat([torch.softmax(model(x[i:i + batch]), dim=1) for i in range(0, len(x), batch)])


def canvas_image(seed: int = 0) -> Image.Image:
    """A '7' drawn on the app's 280x280 canvas (white, antialiased pen on black)."""
    seven = [np.array([[0.2, 0.15], [0.8, 0.15], [0.45, 0.9]]), np.array([[0.35, 0.52], [0.72, 0.52]])]
    return render_digit(seven, np.random.default_rng(seed))


LAUNCHER = ("import resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:], capture_output=True, check=False).returncode\n"
            "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss_mb(quick: bool, is_mnist: bool) -> tuple[float, str]:
    """Peak RSS (MB) of one epoch of the real training loop, in a child process.

    The child is started by a small launcher process: a child's ru_maxrss starts from the
    resident size of the process that forked it (here, the benchmark with PyTorch loaded).
    """
    n = 5000 if quick else 60000
    with tempfile.TemporaryDirectory(prefix="bench_rss_") as out:
        if is_mnist:
            cmd = [str(REPO_ROOT / "main.py"), "train", "--epochs", "1", "--subset", str(n), "--out", out]
            what = f"python main.py train --epochs 1 --subset {n}"
        else:
            cmd = ["-c", ("import numpy as np\n"
                          "from cnn_numpy.training.trainer import TrainConfig, train\n"
                          f"x = np.random.default_rng(0).random(({n}, 1, 28, 28), dtype=np.float32)\n"
                          f"y = np.arange({n}) % 10\n"
                          f"train(TrainConfig(epochs=1), x, y, x[:1000], y[:1000], {out!r}, log=print)\n")]
            what = f"cnn_numpy.training.trainer.train, 1 epoch of {n} random images"
        proc = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, *cmd],
                              capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    code, kilobytes = map(int, proc.stdout.split())
    if code != 0:
        raise RuntimeError(f"the training run ({what}) exited with {code}")
    return kilobytes / 1024, what


def compare(what: str, np_task: Callable[[], None], torch_task: Callable[[], None], turns: int,
            images: int) -> tuple[float, float, float]:
    """(NumPy images/s, PyTorch images/s, NumPy/PyTorch) over ARGS.rounds rounds of ``turns``
    turns each, a turn being ``images`` images: medians over the turns, the ratio being the
    median of the ratios of the two turns run back to back, so that load drift cancels."""
    np_times: list[float] = []
    torch_times: list[float] = []
    for r in range(ARGS.rounds):
        t_np, t_torch = take_turns([np_task, torch_task], turns, SETTLE)
        np_times += t_np
        torch_times += t_torch
        print(f"round {r + 1}: {what} NumPy {len(t_np) * images / sum(t_np):.0f} img/s, PyTorch "
              f"{len(t_torch) * images / sum(t_torch):.0f} img/s, load {os.getloadavg()[0]:.2f}")
    ratio = statistics.median(b / a for a, b in zip(np_times, torch_times, strict=True))
    return images / statistics.median(np_times), images / statistics.median(torch_times), ratio


def cycling(step: Callable, items: list, size: int) -> Callable[[], None]:
    """A task that calls ``step(*item)`` on the next ``size`` items of ``items`` (cyclically)."""
    starts = itertools.cycle(range(0, len(items), size))

    def run() -> None:
        i = next(starts)
        for item in items[i:i + size]:
            step(*item)
    return run


def main() -> int:
    threads = ARGS.threads or blas_threads()
    torch.set_num_threads(threads)
    load_before = os.getloadavg()[0]
    print(f"numpy {np.__version__}, torch {torch.__version__}, threads {threads} "
          f"(OpenBLAS {blas_threads()}, torch {torch.get_num_threads()}), load {os.getloadavg()}")

    x_train, y_train, x_test, is_mnist = load_data(ARGS.quick)
    if ARGS.quick:
        x_test = x_test[:2000]
    order = np.random.default_rng(0).permutation(len(x_train))[:ARGS.iterations * BATCH]
    xs, ys = x_train[order], y_train[order]
    batches = [(xs[i:i + BATCH], ys[i:i + BATCH]) for i in range(0, len(xs), BATCH)]
    torch_batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches]

    # --- the same network twice: same initial parameters, same outputs
    net = SimpleConvNet(seed=0)
    model = torch_twin(net).eval()
    x0, y0 = batches[0]
    with torch.inference_mode():
        diff = float(np.abs(net.forward(x0) - model(torch.from_numpy(x0)).numpy()).max())
    model.train()
    np_trainer, torch_trainer = NumpyTrainer(net), TorchTrainer(model)
    first = np_trainer.step(x0, y0), torch_trainer.step(*torch_batches[0])
    print(f"same network ({net.config}): initial logits differ by at most {diff:.1e}; first-step loss "
          f"NumPy {first[0]:.5f}, PyTorch {first[1]:.5f}" + (" (own dropout masks)" if net.config.dropout else ""))
    for (x, y), (tx, ty) in zip(batches[1:5], torch_batches[1:5], strict=True):    # warm-up
        np_trainer.step(x, y)
        torch_trainer.step(tx, ty)

    # --- training throughput: NumPy and PyTorch take turns of CHUNK steps on the same batches
    np_task, torch_task = cycling(np_trainer.step, batches, CHUNK), cycling(torch_trainer.step, torch_batches, CHUNK)
    np_train, torch_train, train_ratio = compare("training", np_task, torch_task, -(-len(batches) // CHUNK),
                                                 CHUNK * BATCH)

    # --- batch inference over the test set, taking turns batch by batch (1,000 images)
    model.eval()
    tx_test = torch.from_numpy(x_test)
    slices = [(x_test[i:i + INFER_BATCH],) for i in range(0, len(x_test), INFER_BATCH)]
    torch_slices = [(tx_test[i:i + INFER_BATCH],) for i in range(0, len(x_test), INFER_BATCH)]
    np_task = cycling(lambda x: net.predict_proba(x, INFER_BATCH), slices, 1)
    torch_task = cycling(lambda x: torch_predict(model, x), torch_slices, 1)
    take_turns([np_task, torch_task], 1)                                            # warm-up
    np_infer, torch_infer, infer_ratio = compare("inference", np_task, torch_task, len(slices), INFER_BATCH)
    agree = float((net.predict_proba(x_test).argmax(1) == torch_predict(model, tx_test).numpy().argmax(1)).mean())
    print(f"after the same training steps, NumPy and PyTorch predictions agree on {agree:.2%} of the test images")

    # --- single-image latency: network alone (both) and the app's path, taking turns
    if DEFAULT_WEIGHTS.is_file():
        recognizer, weights = Recognizer.from_weights(), str(DEFAULT_WEIGHTS.relative_to(REPO_ROOT))
    else:
        recognizer, weights = Recognizer(SimpleConvNet()), "fresh SimpleConvNet() (no shipped weights)"
    canvas = canvas_image()

    def app_path():
        return recognizer.recognize_images([canvas])[0]

    print(f"app path: 280x280 canvas -> Recognizer.recognize_images with {weights} -> digit {app_path().digit}")
    one, tone = x_test[:1], tx_test[:1]
    blocks, calls = (2, 50) if ARGS.quick else (10, 100)
    np_lat, torch_lat, app_lat_shared = call_medians(
        [lambda: net.predict_proba(one), lambda: torch_predict(model, tone), app_path],
        blocks, calls)
    set_blas_threads(1)              # as the app runs: main.py gives the GUI and predict one BLAS thread
    app_lat = call_medians([app_path], blocks, calls)[0]
    set_blas_threads(threads)

    # --- augmentation of a batch against a training step on it
    rng, x0, y0 = np.random.default_rng(0), *batches[0]
    aug, step = call_medians([lambda: augment_batch(x0, rng, AugmentConfig()), lambda: np_trainer.step(x0, y0)],
                             1 if ARGS.quick else 5, 10)

    # --- evaluation of the 10,000 MNIST test images, loading included
    if is_mnist:
        runs = take_turns([lambda: evaluate_mnist_test(Recognizer(net))], 1 if ARGS.quick else 3)
        evaluate = statistics.median(runs[0])
    load_after = os.getloadavg()[0]

    # --- peak RSS of a training run
    rss, what = peak_rss_mb(ARGS.quick, is_mnist)
    print(f"peak RSS measured on: {what}")
    print(f"data: {'MNIST' if is_mnist else 'random images (MNIST missing)'}; uptime load average "
          f"{load_before:.2f} at start, {load_after:.2f} before the RSS run")

    figures = [
        ("threads", threads, ""),
        ("numpy_train", f"{np_train:.0f}", "img/s"),
        ("torch_train", f"{torch_train:.0f}", "img/s"),
        ("train_ratio", f"{train_ratio:.2f}", "x"),
        ("numpy_infer", f"{np_infer:.0f}", "img/s"),
        ("torch_infer", f"{torch_infer:.0f}", "img/s"),
        ("infer_ratio", f"{infer_ratio:.2f}", "x"),
        ("numpy_latency", f"{np_lat * 1e3:.3f}", "ms"),
        ("torch_latency", f"{torch_lat * 1e3:.3f}", "ms"),
        ("app_latency", f"{app_lat * 1e3:.3f}", "ms"),
        (f"app_latency_{threads}_threads", f"{app_lat_shared * 1e3:.3f}", "ms"),
        ("augment_batch", f"{aug * 1e3:.2f}", "ms"),
        ("train_step", f"{step * 1e3:.2f}", "ms"),
        ("augment_vs_step", f"{aug / step:.2f}", "x"),
    ]
    if is_mnist:
        figures.append(("evaluate_10k", f"{evaluate:.3f}", "s"))
    figures += [("train_peak_rss", f"{rss:.0f}", "MB"),
                ("load_start", f"{load_before:.2f}", ""), ("load_end", f"{load_after:.2f}", "")]
    for name, value, unit in figures:
        print(f"{name}: {value} {unit}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Training: the loss falls, optimisers step, resume is exact, a kill mid-checkpoint is harmless."""
from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cnn_numpy.nn.convnet import PARAM_NAMES, ConvNetConfig, SimpleConvNet
from cnn_numpy.nn.optimizers import cosine_lr, make_optimizer
from cnn_numpy.paths import REPO_ROOT
from cnn_numpy.training.trainer import CHECKPOINT, TrainConfig, TrainingError, load_checkpoint, train

SMALL = ConvNetConfig(filter_num=4, hidden=16)


def toy_data(n: int = 240, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Bars at a digit-dependent row: learnable in a few steps, no dataset needed."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    x = rng.random((n, 1, 28, 28), dtype=np.float32) * 0.1
    for i, d in enumerate(y):
        x[i, 0, 3 + 2 * d:5 + 2 * d, 4:24] = 1.0
    return x, y


def quiet(*_):
    pass


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_each_optimiser_lowers_the_loss(name):
    x, y = toy_data(100)
    net = SimpleConvNet(SMALL, seed=0)
    opt = make_optimizer(name, weight_decay=1e-4)
    lr = 0.05 if name != "adam" else 2e-3
    first = net.loss(x, y)
    for _ in range(15):
        _, grads = net.gradient(x, y)
        opt.update(net.params, grads, lr)
    assert net.loss(x, y) < 0.7 * first


def test_cosine_schedule_warms_up_and_decays():
    lrs = [cosine_lr(1.0, s, 100, warmup_steps=10) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in itertools.pairwise(lrs[10:]))
    assert lrs[-1] < 0.05


def test_seeded_training_on_a_small_subset_learns(tmp_path, mnist_dir):
    from cnn_numpy.data.mnist import load_mnist, to_input
    images, labels = load_mnist("train", mnist_dir)
    x, y = to_input(images[:1200]), labels[:1200].astype(np.int64)
    cfg = TrainConfig(epochs=3, batch_size=25, lr=3e-3, seed=3, augment=False,
                      net=ConvNetConfig(filter_num=8, hidden=32))
    _, history = train(cfg, x[:1000], y[:1000], x[1000:], y[1000:], tmp_path, log=quiet)
    assert history.rows[1]["train_loss"] < history.rows[0]["train_loss"]
    assert history.rows[-1]["val_acc"] > 0.7
    for name in ("log.json", "log.csv", "curves.png", CHECKPOINT):
        assert (tmp_path / name).stat().st_size > 0


def test_ctrl_c_then_resume_reproduces_the_uninterrupted_run(tmp_path):
    x, y = toy_data()
    cfg = TrainConfig(epochs=3, seed=5, net=SMALL)
    full, _ = train(cfg, x[:200], y[:200], x[200:], y[200:], tmp_path / "full", log=quiet)

    def ctrl_c_after_epoch_1(line: str) -> None:
        if line.startswith("epoch 1/"):
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        train(cfg, x[:200], y[:200], x[200:], y[200:], tmp_path / "cut", log=ctrl_c_after_epoch_1)
    assert load_checkpoint(tmp_path / "cut" / CHECKPOINT, PARAM_NAMES)[2] == 1
    resumed, history = train(cfg, x[:200], y[:200], x[200:], y[200:], tmp_path / "cut", resume=True, log=quiet)
    assert [r["epoch"] for r in history.rows] == [1, 2, 3]
    for k, v in full.params.items():
        np.testing.assert_array_equal(resumed.params[k], v)


def test_training_without_a_validation_split_logs_null(tmp_path):
    x, y = toy_data(100)
    _, history = train(TrainConfig(epochs=1, net=SMALL), x, y, x[:0], y[:0], tmp_path, log=quiet)
    assert history.rows[0]["val_loss"] is None and history.rows[0]["val_acc"] is None
    assert "NaN" not in (tmp_path / "log.json").read_text()
    assert (tmp_path / "curves.png").stat().st_size > 0


def test_resume_without_a_checkpoint_says_so_and_starts_fresh(tmp_path):
    x, y = toy_data(100)
    lines = []
    _, history = train(TrainConfig(epochs=1, net=SMALL), x, y, x[:20], y[:20], tmp_path, resume=True,
                       log=lines.append)
    assert "no checkpoint" in lines[0] and len(history.rows) == 1


def test_resume_with_other_settings_is_refused(tmp_path):
    x, y = toy_data()
    train(TrainConfig(epochs=1, seed=5, net=SMALL), x[:200], y[:200], x[200:], y[200:], tmp_path, log=quiet)
    with pytest.raises(TrainingError, match="other settings"):
        train(TrainConfig(epochs=1, seed=6, net=SMALL), x[:200], y[:200], x[200:], y[200:], tmp_path,
              resume=True, log=quiet)


KILLER = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    from cnn_numpy.nn.convnet import ConvNetConfig
    from cnn_numpy.training.trainer import TrainConfig, train
    import test_training as tt
    real_savez, calls = np.savez, []
    def savez_then_die(f, **arrays):
        calls.append(1)
        if len(calls) == 2:                      # second checkpoint: write half, then die
            f.write(b"PK\\x03\\x04 half a zip")
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        real_savez(f, **arrays)
    np.savez = savez_then_die
    x, y = tt.toy_data()
    train(TrainConfig(epochs=3, seed=5, net=tt.SMALL), x[:200], y[:200], x[200:], y[200:], {out!r}, log=tt.quiet)
""")


def test_killed_while_writing_a_checkpoint_keeps_the_last_good_one(tmp_path):
    out = tmp_path / "run"
    script = KILLER.format(out=str(out))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(Path(__file__).parent)])}
    proc = subprocess.run([sys.executable, "-c", script], check=False, env=env, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    epoch = load_checkpoint(out / CHECKPOINT, PARAM_NAMES)[2]         # intact, from epoch 1
    assert epoch == 1
    # resuming finishes the run exactly as an uninterrupted one
    x, y = toy_data()
    cfg = TrainConfig(epochs=3, seed=5, net=SMALL)
    resumed, _ = train(cfg, x[:200], y[:200], x[200:], y[200:], out, resume=True, log=quiet)
    full, _ = train(cfg, x[:200], y[:200], x[200:], y[200:], tmp_path / "full", log=quiet)
    for k in full.params:
        np.testing.assert_array_equal(resumed.params[k], full.params[k])
    assert not list(out.glob("*.tmp"))


def test_weight_average_follows_then_smooths():
    from cnn_numpy.nn.averaging import WeightAverage
    params = {"W": np.zeros(3, np.float32)}
    avg = WeightAverage(params, decay=0.99)
    params["W"][...] = 1.0
    avg.update(params)                       # step 1: decay min(0.99, 2/11) -> follows closely
    assert avg.params["W"][0] == pytest.approx(1 - 2 / 11)
    for _ in range(2000):
        avg.update(params)
    assert avg.params["W"][0] == pytest.approx(1.0, abs=1e-6)
    restored = WeightAverage({"W": np.zeros(3, np.float32)}, decay=0.99)
    restored.load_state(avg.state())
    assert restored.steps == avg.steps and np.array_equal(restored.params["W"], avg.params["W"])

"""Early stopping: it stops after ``patience`` epochs without a lower validation loss, ships the best
epoch's (averaged) weights, resumes to the same result, and needs a validation split."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_training import SMALL, quiet, toy_data

from cnn_numpy.training.trainer import CHECKPOINT, TrainConfig, TrainingError, train
from hdr_cli.commands import main

# Half the validation labels are wrong, so the validation loss falls to epoch 3, then rises as the network fits.
CFG = TrainConfig(epochs=10, batch_size=20, lr=3e-3, seed=5, net=SMALL, patience=2)
BEST, STOP = 3, 5


def data() -> tuple[np.ndarray, ...]:
    x, y = toy_data(300)
    y_val = y[200:].copy()
    y_val[:50] = (y_val[:50] + 1) % 10
    return x[:200], y[:200], x[200:], y_val


def interrupt_after(epoch: int):
    """A log reporter that stops the run (as Ctrl+C would) once ``epoch`` is checkpointed and logged."""
    def log(line: str) -> None:
        if line.startswith(f"epoch {epoch}/"):
            raise KeyboardInterrupt
    return log


def without_seconds(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def test_stops_after_patience_epochs_without_improvement_and_keeps_the_best_epoch(tmp_path):
    lines = []
    net, history = train(CFG, *data(), tmp_path / "run", log=lines.append)
    losses = [row["val_loss"] for row in history.rows]
    assert len(losses) == STOP and int(np.argmin(losses)) + 1 == BEST
    assert [row["stopped_early"] for row in history.rows] == [False] * (STOP - 1) + [True]
    assert [row["best_epoch"] for row in history.rows] == [1, 2, 3, 3, 3]
    assert json.loads((tmp_path / "run" / "log.json").read_text())[-1]["stopped_early"] is True
    assert lines[-1] == (f"stopping early after epoch {STOP}: the validation loss has not improved for 2 epochs; "
                         f"keeping epoch {BEST}'s weights (val loss {losses[BEST - 1]:.4f})")
    # the same run without early stopping, stopped after the best epoch: its checkpoint holds the validated average
    with pytest.raises(KeyboardInterrupt):
        train(replace(CFG, patience=0), *data(), tmp_path / "plain", log=interrupt_after(BEST))
    with np.load(tmp_path / "plain" / CHECKPOINT) as checkpoint:
        assert int(checkpoint["epoch"]) == BEST
        for k, v in net.params.items():
            np.testing.assert_array_equal(v, checkpoint[f"opt.avg.{k}"])


@pytest.mark.parametrize("cut", [BEST - 1, BEST + 1, STOP])
def test_resume_after_a_stop_mid_way_gives_the_same_epochs_and_weights(tmp_path, cut):
    full, full_history = train(CFG, *data(), tmp_path / "full", log=quiet)
    with pytest.raises(KeyboardInterrupt):
        train(CFG, *data(), tmp_path / "cut", log=interrupt_after(cut))
    resumed, history = train(CFG, *data(), tmp_path / "cut", resume=True, log=quiet)
    assert without_seconds(history.rows) == without_seconds(full_history.rows)
    for k, v in full.params.items():
        np.testing.assert_array_equal(resumed.params[k], v)


def test_resume_with_another_patience_is_refused(tmp_path):
    train(replace(CFG, epochs=1), *data(), tmp_path, log=quiet)
    with pytest.raises(TrainingError, match="other settings"):
        train(replace(CFG, epochs=1, patience=3), *data(), tmp_path, resume=True, log=quiet)


def test_patience_without_a_validation_split_is_refused(tmp_path, capsys):
    x, y, _, _ = data()
    with pytest.raises(TrainingError, match="needs a validation split"):
        train(CFG, x, y, x[:0], y[:0], tmp_path, log=quiet)
    assert main(["train", "--patience", "2", "--val-size", "0", "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err == ("error: --patience needs a validation split to watch: give --val-size above 0, or drop "
                   "--patience.\n")
    assert not Path(tmp_path / "run").exists()


def test_patience_below_one_is_refused_up_front(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--patience", "0"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == ("python main.py train: error: argument --patience: must be "
                                                        "at least 1, not 0")

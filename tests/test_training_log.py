"""The training log beside the weights, read as curves; a bad log is named in one sentence."""
from __future__ import annotations

import json

import numpy as np
import pytest

from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.training_log import TrainingLogError, read_training_log, training_log_path

ROWS = [{"epoch": 1, "train_loss": 0.4, "train_acc": 0.88, "val_loss": None, "val_acc": None, "lr": 1e-3,
         "seconds": 30.0},
        {"epoch": 2, "train_loss": 0.1, "train_acc": 0.97, "val_loss": 0.2, "val_acc": 0.95, "lr": 5e-4}]


def test_curves_with_null_validation_as_nan(tmp_path):
    path = tmp_path / "training_log.json"
    path.write_text(json.dumps(ROWS))
    curves = read_training_log(path)
    np.testing.assert_array_equal(curves.epoch, [1, 2])
    np.testing.assert_array_equal(curves.train_acc, [0.88, 0.97])
    assert np.isnan(curves.val_loss[0]) and curves.val_loss[1] == 0.2
    assert training_log_path(DEFAULT_WEIGHTS) == DEFAULT_WEIGHTS.parent / "training_log.json"


@pytest.mark.parametrize("content, words", [
    (None, "not found"), ("{", "not a training log"), ("[]", "not a training log"),
    ('{"epoch": 1}', "not a training log"), ('[{"epoch": "one"}]', "not a training log"),
    ("x" * (1 << 21), "larger than"),
])
def test_bad_log_is_named(tmp_path, content, words):
    path = tmp_path / "training_log.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(TrainingLogError, match=words) as caught:
        read_training_log(path)
    assert str(path) in str(caught.value)

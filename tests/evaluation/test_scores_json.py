"""Scores as JSON and as a table: a digit without samples is null / "-", never NaN."""
from __future__ import annotations

import json

import numpy as np

from cnn_numpy.evaluation.scores import Scores, format_table


def test_digits_without_samples_are_null_in_json_and_dashes_in_the_table():
    scores = Scores.of("few", np.array([1, 1, 2]), np.array([1, 2, 2]))
    as_json = json.loads(json.dumps(scores.to_dict(), allow_nan=False))
    assert as_json["accuracy"] == round(2 / 3, 6) and as_json["samples"] == 3
    assert as_json["per_digit"]["1"] == 1.0 and as_json["per_digit"]["2"] == 0.5
    assert [d for d, a in as_json["per_digit"].items() if a is None] == ["0", *map(str, range(3, 10))]
    table = format_table([scores])
    assert "nan" not in table.lower()
    assert table.count("no samples") == 8

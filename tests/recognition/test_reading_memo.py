"""Reading again through a ReadingMemo: the same reading, only new ink through the network."""
from __future__ import annotations

import numpy as np
from number_drawings import canvas

from cnn_numpy.recognition.numbers import read_number
from cnn_numpy.recognition.reading_memo import ReadingMemo, _Table, pack_mask, unpack_mask


def same_reading(a, b) -> bool:
    return (a.text == b.text and [(d.box, d.verdict, d.digit) for d in a.digits]
            == [(d.box, d.verdict, d.digit) for d in b.digits]
            and np.allclose([d.confidence for d in a.digits], [d.confidence for d in b.digits], atol=1e-6))


def counting(recognizer, monkeypatch) -> list[int]:
    """The number of inputs of every network pass of ``recognizer``."""
    passes = []
    original = recognizer.probabilities

    def counted(x):
        passes.append(len(x))
        return original(x)
    monkeypatch.setattr(recognizer, "probabilities", counted)
    return passes


def test_a_number_read_again_reads_the_same_without_the_network(recognizer, monkeypatch):
    image = canvas(["4", "1", "0", "0"], gap=[0.35, 0.35, -0.02])     # "00" touching: cut
    passes = counting(recognizer, monkeypatch)
    cold = read_number(recognizer, image)
    memo = ReadingMemo()
    passes.clear()
    first = read_number(recognizer, image, memo=memo)
    read_first, passes[:] = sum(passes), []
    again = read_number(recognizer, image, memo=memo)
    assert same_reading(cold, first) and same_reading(cold, again) and cold.text == "4100"
    assert read_first > 4 and len(memo.cuts) and passes == []     # every piece and cut found in the memo


def test_a_digit_added_reads_only_its_own_ink(recognizer, monkeypatch):
    memo = ReadingMemo()
    read_number(recognizer, canvas(["4", "1", "0", "0"], gap=[0.35, 0.35, -0.02]), memo=memo)
    image = canvas(["4", "1", "0", "0", "7"], gap=[0.35, 0.35, -0.02, 0.35])
    passes = counting(recognizer, monkeypatch)
    cold = read_number(recognizer, image)
    read_cold, passes[:] = sum(passes), []
    reading = read_number(recognizer, image, memo=memo)
    assert same_reading(reading, cold) and reading.text == "41007"
    assert 0 < sum(passes) < read_cold                     # the new 1, and the line height changed: some cuts


def test_a_memo_forgets_what_another_recognizer_read(recognizer):
    memo = ReadingMemo()
    read_number(recognizer, canvas(["1", "0", "4"]), memo=memo)
    assert len(memo) > 0
    memo.bind(recognizer)
    assert len(memo) > 0
    memo.bind(object())
    assert len(memo) == 0


def test_a_memo_table_keeps_the_most_recently_used():
    table = _Table(2)
    table.put("a", 1)
    table.put("b", 2)
    assert table.get("a") == 1          # "a" used last: "b" goes first
    table.put("c", 3)
    assert (table.get("a"), table.get("b"), table.get("c"), len(table)) == (1, None, 3, 2)


def test_masks_are_remembered_packed_bit_for_bit():
    rng = np.random.default_rng(0)
    for shape in [(1, 1), (3, 5), (17, 9), (40, 33)]:
        mask = rng.random(shape) < 0.4
        packed = pack_mask(mask)
        assert len(packed[1]) == -(-mask.size // 8) and np.array_equal(unpack_mask(packed), mask)

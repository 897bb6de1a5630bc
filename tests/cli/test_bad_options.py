"""Bad command-line options and training failures: refused up front in argparse's format (exit 2), or
one sentence (exit 2) that keeps the last good checkpoint and never ships weights."""
from __future__ import annotations

import errno
import gzip
import os
from pathlib import Path

import numpy as np
import pytest

from cnn_numpy.training import trainer
from hdr_cli.commands import main


def write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes(), compresslevel=1))


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory) -> Path:
    """Tiny MNIST-format files: 200 training and 50 test images, digit d a bar at row 4 + 2d."""
    folder = tmp_path_factory.mktemp("mnist")
    for split, n in (("train", 200), ("t10k", 50)):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = np.zeros((n, 28, 28), np.uint8)
        for i, d in enumerate(labels):
            images[i, 4 + 2 * d:6 + 2 * d, 6:22] = 255
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)
    return folder


def train_argv(mnist_dir: Path, out: Path, *more: str) -> list[str]:
    """A training run of well under a second: 100 images, one epoch of one step, 8 hidden units."""
    return ["train", "--data-dir", str(mnist_dir), "--out", str(out), "--subset", "100", "--epochs", "1",
            "--hidden", "8", "--val-size", "0", "--styles", "0", "--pen-renders", "0", "--letters", "0", "--noise", "0",
            "--no-augment", *more]


def error_line(capsys) -> str:
    """The one error line that ends stderr (progress bars may come before it); no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith("error: ") and last.endswith(".")
    return last


@pytest.mark.parametrize("argv, message", [
    (["train", "--seed", "-1"], "argument --seed: must be at least 0, not -1"),
    (["train", "--hidden", "0"], "argument --hidden: must be at least 1, not 0"),
    (["train", "--hidden", "-1"], "argument --hidden: must be at least 1, not -1"),
    (["train", "--dropout", "1"], "argument --dropout: must be at least 0 and below 1, not 1"),
    (["train", "--dropout", "-0.5"], "argument --dropout: must be at least 0 and below 1, not -0.5"),
    (["train", "--average", "2"], "argument --average: must be above 0 and below 1 (or 0.0), not 2"),
    (["train", "--styles", "5"], "argument --styles: must be at least 0 and at most 1, not 5"),
    (["train", "--val-size", "-1"], "argument --val-size: must be at least 0, not -1"),
    (["train", "--subset", "-499"], "argument --subset: must be at least 1, not -499"),
    (["train", "--lr", "nan"], "argument --lr: must be a finite number, not nan"),
    (["train", "--lr", "inf"], "argument --lr: must be a finite number, not inf"),
    (["train", "--weight-decay", "nan"], "argument --weight-decay: must be a finite number, not nan"),
    (["train", "--out", "{file}"], "argument --out: {file} is a file, not a folder"),
    (["train", "--out", "/dev/null/run"], "argument --out: /dev/null is a file, not a folder"),
    (["train", "--ship", "{folder}"], "argument --ship: {folder} is a folder; give a file name such as "
                                      "{folder}/weights.npz"),
    (["download-mnist", "--mirror", "notaurl"], "argument --mirror: not an http:// or https:// address: 'notaurl'"),
])
def test_bad_option_is_refused_up_front(argv, message, tmp_path, capsys):
    if "/dev/null/run" in argv and not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null here")
    paths = {"file": tmp_path / "a file", "folder": tmp_path}
    paths["file"].write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        main([arg.format(**paths) for arg in argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.rstrip("\n").splitlines()[-1] == f"python main.py {argv[0]}: error: {message.format(**paths)}"


def test_resume_with_other_options_is_refused(mnist_dir, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(train_argv(mnist_dir, out)) == 0
    before = (out / "checkpoint.npz").read_bytes()
    assert main(train_argv(mnist_dir, out, "--hidden", "9", "--resume")) == 2
    assert error_line(capsys) == (f"error: The checkpoint {out / 'checkpoint.npz'} was made with other settings: "
                                  "resume with the same options, or choose another --out folder.")
    assert (out / "checkpoint.npz").read_bytes() == before


def test_resume_from_a_truncated_checkpoint_is_refused(mnist_dir, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(train_argv(mnist_dir, out)) == 0
    checkpoint = out / "checkpoint.npz"
    checkpoint.write_bytes(checkpoint.read_bytes()[:2000])
    assert main(train_argv(mnist_dir, out, "--resume")) == 2
    line = error_line(capsys)
    assert line.startswith(f"error: The checkpoint {checkpoint} is damaged or incomplete (")
    assert line.endswith("delete it to start again, or choose another --out folder.")


@pytest.fixture
def disk_full_at_checkpoint(monkeypatch) -> list[Path]:
    """Checkpoint writes after the first fail as on a full disk, part-way through; -> the paths written."""
    real_write, written = trainer.atomic_write, []

    def write(path: Path, content) -> None:
        written.append(path)
        if len(written) == 1:
            return real_write(path, content)

        def partial(f) -> None:
            f.write(b"PK\x03\x04 the first bytes of a checkpoint")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(path, partial)

    monkeypatch.setattr(trainer, "atomic_write", write)
    return written


def test_full_disk_while_checkpointing_keeps_the_last_good_checkpoint(mnist_dir, tmp_path, capsys,
                                                                      disk_full_at_checkpoint):
    out = tmp_path / "run"
    assert main(train_argv(mnist_dir, out, "--epochs", "2")) == 2
    assert error_line(capsys) == (f"error: Could not write the checkpoint of epoch 2 in {out} "
                                  f"({os.strerror(errno.ENOSPC)}), and {out / 'checkpoint.npz'} still holds the last "
                                  "good epoch.")
    assert len(disk_full_at_checkpoint) == 2
    with np.load(out / "checkpoint.npz") as checkpoint:
        assert int(checkpoint["epoch"]) == 1
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("checkpoint")) == ["checkpoint.npz"]


def test_loss_becoming_nan_stops_training_and_ships_nothing(mnist_dir, tmp_path, capsys):
    out, ship = tmp_path / "run", tmp_path / "w.npz"
    argv = train_argv(mnist_dir, out, "--lr", "1e30", "--epochs", "2", "--batch-size", "25", "--ship", str(ship))
    assert main(argv) == 2
    line = error_line(capsys)
    assert line.startswith("error: The loss became nan at epoch 1, step ") and "nothing was shipped" in line
    assert not ship.exists() and not ship.with_suffix(".json").exists()


def test_weights_that_overflow_in_the_last_step_are_not_shipped(mnist_dir, tmp_path, capsys):
    out, ship = tmp_path / "run", tmp_path / "w.npz"
    assert main(train_argv(mnist_dir, out, "--lr", "1e39", "--ship", str(ship))) == 2   # one step: loss still finite
    assert "NaN or infinite" in error_line(capsys)
    assert not ship.exists() and not ship.with_suffix(".json").exists()


@pytest.mark.parametrize("failure", ["nan", "disk full"])
def test_failure_in_the_first_epoch_claims_no_checkpoint(mnist_dir, tmp_path, capsys, monkeypatch, failure):
    out = tmp_path / "run"
    if failure == "disk full":
        monkeypatch.setattr(trainer, "atomic_write", lambda path, write: (_ for _ in ()).throw(
            OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
        argv = train_argv(mnist_dir, out)
    else:
        argv = train_argv(mnist_dir, out, "--lr", "1e30", "--batch-size", "25")
    assert main(argv) == 2
    line = error_line(capsys)
    assert not (out / "checkpoint.npz").exists()
    assert "intact" not in line and "still holds" not in line and "no checkpoint was written" in line


def test_diverging_training_prints_no_numpy_warnings(mnist_dir, tmp_path, recwarn):
    assert main(train_argv(mnist_dir, tmp_path / "run", "--lr", "1e30", "--batch-size", "25")) == 2
    assert [str(w.message) for w in recwarn if issubclass(w.category, RuntimeWarning)] == []

"""``python main.py [COMMAND] ...``: run a command, print its results, choose its exit code.
Without a command, the GUI opens."""
from __future__ import annotations

import json
import os
import sys
import time

from cnn_numpy.data.download import DownloadError, download_mnist
from cnn_numpy.data.mnist import resolve_data_dir
from cnn_numpy.data.unipen import load_pen_digits
from cnn_numpy.errors import HdrError
from cnn_numpy.evaluation.figures import plot_confusion, plot_mistakes
from cnn_numpy.evaluation.real_writers import evaluate_real_writers
from cnn_numpy.evaluation.scores import confusion_matrix, evaluate_mnist_test, format_table
from cnn_numpy.nn.convnet import ConvNetConfig
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.reporting import printable_command
from cnn_numpy.training.datasets import DataConfig, training_data
from cnn_numpy.training.shipping import TRAINING_LOG, ship
from cnn_numpy.training.trainer import CHECKPOINT, TrainConfig, train

from .parser import COMMANDS, build_parser
from .predict import run_predict
from .progress import ProgressBar


def eprint(*args) -> None:
    print(*args, file=sys.stderr)


def command_line() -> str:
    """The command that was run (for metadata and captions), without machine-specific folders."""
    return printable_command("python main.py", sys.argv[1:])


def cmd_train(args) -> int:
    cfg = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, optimizer=args.optimizer,
                      weight_decay=args.weight_decay, seed=args.seed, augment=not args.no_augment,
                      average=args.average, net=ConvNetConfig(hidden=args.hidden, dropout=args.dropout))
    data_cfg = DataConfig(val_size=args.val_size, subset=args.subset, styles=args.styles)
    data = training_data(data_cfg, args.seed, args.data_dir)
    if data.styled:
        print(f"added {data.styled} slashed zeros")
    started = time.perf_counter()
    try:
        net, history = train(cfg, data.x_train, data.y_train, data.x_val, data.y_val, args.out,
                             resume=args.resume, log=print, progress=ProgressBar)
    except KeyboardInterrupt:
        eprint(f"\nInterrupted. The last good checkpoint is {args.out / CHECKPOINT} "
               "(continue with the same command and --resume).")
        return 130
    minutes = (time.perf_counter() - started) / 60
    print(f"training took {minutes:.1f} min; logs and curves in {args.out}")
    if args.ship:
        scores = ship(net, args.ship, command_line(), cfg, data_cfg, history.rows, minutes, args.data_dir,
                      os.environ.get("HDR_UNIPEN_DIR"))
        print(format_table(scores))
        print(f"wrote {args.ship}, {args.ship.with_suffix('.json')} and {TRAINING_LOG} beside them")
    return 0


def cmd_evaluate(args) -> int:
    recognizer = Recognizer.from_weights(args.weights)
    started = time.perf_counter()
    scores = evaluate_mnist_test(recognizer, args.data_dir)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**scores.to_dict(), "weights": str(args.weights or DEFAULT_WEIGHTS),
                          "seconds": round(seconds, 3)}))
    else:
        print(f"weights: {args.weights or DEFAULT_WEIGHTS}")
        print(format_table([scores]))
        print(f"({seconds:.2f} s including loading the test set)")
    return 0


def cmd_evaluate_real(args) -> int:
    recognizer = Recognizer.from_weights(args.weights)
    digits = load_pen_digits(args.unipen_dir)
    started = time.perf_counter()
    result = evaluate_real_writers(recognizer, digits, args.seed)
    seconds = time.perf_counter() - started
    scores, recs = result.scores, result.recognitions
    command = command_line()
    answered = recs.present
    plot_confusion(confusion_matrix(scores.predictions[answered], scores.labels[answered]),
                   args.out / "confusion.png", "Real writers (UNIPEN dev)", command)
    plot_mistakes(recs.inputs, scores.labels, scores.predictions, recs.confidence, args.out / "mistakes.png",
                  "Real writers: what the network received", command)
    if args.json:
        print(json.dumps({**scores.to_dict(), "per_source": result.per_source, "seconds": round(seconds, 2)}))
    else:
        print(format_table([scores]))
        if not answered.all():
            print(f"{int((~answered).sum())} renders had no ink after preprocessing (counted wrong)")
        print("per source: " + ", ".join(f"{k} {v * 100:.2f} %" for k, v in result.per_source.items()))
        print(f"figures in {args.out} ({seconds:.1f} s)")
    return 0


def cmd_predict(args) -> int:
    return run_predict(args.paths, args.weights, args.json, args.batch_size, args.workers)


def cmd_download_mnist(args) -> int:
    dest = resolve_data_dir(args.data_dir)
    print(f"Downloading MNIST into {dest}")
    try:
        download_mnist(dest, args.mirror, report=eprint, progress=ProgressBar)
    except DownloadError as e:
        eprint(f"error: {e}")
        return 1
    except KeyboardInterrupt:
        eprint("\ninterrupted: no partial file was left behind")
        return 130
    print(f"MNIST is ready in {dest}")
    return 0


def cmd_gui(args) -> int:
    from hdr_gui.app import run
    return run(weights=args.weights, data_dir=args.data_dir, lang=args.lang)


RUN = {"train": cmd_train, "evaluate": cmd_evaluate, "evaluate-real": cmd_evaluate_real, "predict": cmd_predict,
       "download-mnist": cmd_download_mnist, "gui": cmd_gui}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0] not in COMMANDS + ("-h", "--help"):
        argv = ["gui"] + argv
    args = parser.parse_args(argv)
    try:
        return RUN[args.command](args)
    except HdrError as e:
        eprint(f"error: {e}")
        return 2

"""Command line: ``python main.py [COMMAND] ...``. Without a command, the GUI opens."""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from .files import write_text
from .mnist import MnistError, content_sha256, load_mnist, resolve_data_dir, to_input
from .network import ConvNetConfig
from .pen_digits import UnipenMissingError
from .weights import DEFAULT_WEIGHTS, WeightsError, load_weights, save_weights

MACHINE_OPTIONS = ("--data-dir", "--unipen-dir")   # left out of commands printed under figures
COMMANDS = ("train", "evaluate", "evaluate-real", "predict", "download-mnist", "gui")


def add_common(p: argparse.ArgumentParser, weights: bool = True, data: bool = True) -> None:
    if weights:
        p.add_argument("--weights", type=Path, default=None,
                       help=f"weights .npz (default: {DEFAULT_WEIGHTS.relative_to(DEFAULT_WEIGHTS.parent.parent)})")
    if data:
        p.add_argument("--data-dir", type=Path, default=None,
                       help="folder with the MNIST IDX files (default: $HDR_DATA_DIR, else the user cache)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python main.py", description=(
        "Handwritten digit recognition with a from-scratch NumPy CNN. Without a command, opens the app."))
    sub = parser.add_subparsers(dest="command")

    gui = sub.add_parser("gui", help="open the app (the default)")
    add_common(gui)
    gui.add_argument("--lang", choices=("zh", "en"), default=None, help="interface language (default: system locale)")

    tr = sub.add_parser("train", help="train the network on MNIST")
    add_common(tr, weights=False)
    tr.add_argument("--epochs", type=int, default=30)
    tr.add_argument("--batch-size", type=int, default=100)
    tr.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (cosine schedule)")
    tr.add_argument("--optimizer", choices=("sgd", "momentum", "adam"), default="adam")
    tr.add_argument("--weight-decay", type=float, default=0.0, help="L2 weight decay")
    tr.add_argument("--hidden", type=int, default=ConvNetConfig.hidden,
                    help="hidden units of the first Affine layer (default: %(default)s)")
    tr.add_argument("--dropout", type=float, default=ConvNetConfig.dropout,
                    help="dropout rate after the hidden layer (default: %(default)s)")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--average", type=float, default=0.999, metavar="DECAY",
                    help="validate and ship an exponential moving average of the weights (0: off)")
    tr.add_argument("--no-augment", action="store_true", help="train on the plain images")
    tr.add_argument("--styles", type=float, default=0.5, metavar="FRACTION",
                    help="add slashed zeros made from this fraction of the training zeros (0: off)")
    tr.add_argument("--val-size", type=int, default=5000, help="training images held out for validation")
    tr.add_argument("--subset", type=int, default=None, help="use only the first N training images (quick runs)")
    tr.add_argument("--out", type=Path, default=Path("runs/train"), help="folder for checkpoint, logs and curves")
    tr.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    tr.add_argument("--ship", type=Path, default=None, metavar="WEIGHTS",
                    help="when done, evaluate on MNIST test and write weights + metadata here "
                         "(the app's file is weights/simple_convnet.npz)")

    ev = sub.add_parser("evaluate", help="accuracy of the weights on the 10,000 MNIST test images")
    add_common(ev)
    ev.add_argument("--json", action="store_true", help="print one JSON object")

    dl = sub.add_parser("download-mnist", help="download the four MNIST files and verify their SHA-256")
    dl.add_argument("--data-dir", type=Path, default=None,
                    help="destination (default: $HDR_DATA_DIR, else the user cache)")
    dl.add_argument("--mirror", action="append", default=None, metavar="URL",
                    help="base URL to try instead of the official mirrors (repeatable)")

    er = sub.add_parser("evaluate-real", help="accuracy on real writers' pen digits drawn as on the canvas")
    add_common(er, data=False)
    er.add_argument("--unipen-dir", type=Path, default=None,
                    help="folder with strokes.npz (default: $HDR_UNIPEN_DIR)")
    er.add_argument("--seed", type=int, default=0, help="seed of the sizes, positions and pen widths")
    er.add_argument("--out", type=Path, default=Path("docs/real_writers"),
                    help="folder for the confusion matrix and the mistakes gallery")
    er.add_argument("--json", action="store_true", help="print one JSON object")
    pr = sub.add_parser("predict", help="recognise the digit in image files or folders")
    add_common(pr, data=False)
    pr.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="image files or folders of images")
    pr.add_argument("--json", action="store_true", help="one JSON object per line")
    pr.add_argument("--batch-size", type=int, default=256, help="images per network pass")
    pr.add_argument("--workers", type=int, default=None, help="decoding processes (default: CPU count)")
    return parser


def cmd_predict(args) -> int:
    from .predict import cmd_predict as run
    return run(args.paths, args.weights, args.json, args.batch_size, args.workers)


def cmd_train(args) -> int:
    from .train import TrainConfig, train
    if args.epochs < 1 or args.batch_size < 1:
        raise SystemExit("--epochs and --batch-size must be at least 1")
    images, labels = load_mnist("train", args.data_dir)
    if args.subset:
        images, labels = images[:args.subset], labels[:args.subset]
    val = min(args.val_size, len(images) // 5)
    order = np.random.default_rng(12345).permutation(len(images))   # fixed split, whatever --seed
    val_idx, train_idx = order[:val], order[val:]
    x, y = to_input(images), labels.astype(np.int64)
    x_train, y_train = x[train_idx], y[train_idx]
    if args.styles > 0:
        from .styles import synthesize_styles
        sx, sy = synthesize_styles(x_train[:, 0], y_train, np.random.default_rng([args.seed, 777]), args.styles)
        x_train, y_train = np.concatenate([x_train, sx[:, None]]), np.concatenate([y_train, sy])
        print(f"added {len(sy)} slashed zeros")
    cfg = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, optimizer=args.optimizer,
                      weight_decay=args.weight_decay, seed=args.seed, augment=not args.no_augment,
                      average=args.average,
                      net=ConvNetConfig(hidden=args.hidden, dropout=args.dropout))
    started = time.perf_counter()
    try:
        net, history = train(cfg, x_train, y_train, x[val_idx], y[val_idx], args.out, resume=args.resume)
    except KeyboardInterrupt:
        print(f"\nInterrupted. The last good checkpoint is {args.out / 'checkpoint.npz'} "
              "(continue with the same command and --resume).", file=sys.stderr)
        return 130
    minutes = (time.perf_counter() - started) / 60
    print(f"training took {minutes:.1f} min; logs and curves in {args.out}")
    if args.ship:
        ship(net, args, history.rows, minutes)
    return 0


def ship(net, args, rows: list[dict], minutes: float) -> None:
    """Evaluate (MNIST test; real writers when $HDR_UNIPEN_DIR is set) and write the weights,
    their metadata and the training log (``training_log.json`` beside the weights)."""
    from .evaluate import evaluate_mnist_test, format_table
    scores = [evaluate_mnist_test(net, args.data_dir)]
    meta = {
        "command": training_command(),
        "seed": args.seed, "epochs": args.epochs,
        "training": {"batch_size": args.batch_size, "lr": args.lr, "optimizer": args.optimizer,
                     "weight_decay": args.weight_decay, "augment": not args.no_augment,
                     "average": args.average,
                     "styles": args.styles, "val_size": args.val_size, "subset": args.subset,
                     "minutes": round(minutes, 1), "final_epoch": rows[-1] if rows else None},
        "data_sha256_uncompressed": content_sha256(args.data_dir),
        "mnist_test": scores[0].to_dict(),
    }
    if os.environ.get("HDR_UNIPEN_DIR"):
        from .pen_digits import load_pen_digits
        from .real_writers import evaluate_real_writers
        from .recognizer import Recognizer
        real = evaluate_real_writers(Recognizer(net), load_pen_digits())
        scores.append(real.scores)
        meta["real_writers_dev"] = {**real.scores.to_dict(), "per_source": real.per_source,
                                    "command": "python main.py evaluate-real"}
    meta["created"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    print(format_table(scores))
    save_weights(net, args.ship, meta)
    write_text(Path(args.ship).parent / "training_log.json", json.dumps(rows, indent=1) + "\n")
    print(f"wrote {args.ship}, {Path(args.ship).with_suffix('.json')} and training_log.json beside them")


def printable_command(prefix: str, argv: list[str]) -> str:
    """``prefix ARGS`` as run, quoted, without the machine-specific data folders."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in MACHINE_OPTIONS:
            skip = True
        elif not a.startswith(tuple(o + "=" for o in MACHINE_OPTIONS)):
            out.append(shlex.quote(a))
    return " ".join([prefix, *out])


def training_command() -> str:
    """The training command that was run (for the weights' metadata)."""
    return printable_command("python main.py", sys.argv[1:])


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate_mnist_test, format_table
    net, _ = load_weights(args.weights)
    started = time.perf_counter()
    scores = evaluate_mnist_test(net, args.data_dir)
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
    from .evaluate import confusion_matrix, format_table
    from .figures import plot_confusion, plot_mistakes
    from .pen_digits import load_pen_digits
    from .real_writers import evaluate_real_writers
    from .recognizer import Recognizer
    recognizer = Recognizer.from_weights(args.weights)
    digits = load_pen_digits(args.unipen_dir)
    started = time.perf_counter()
    result = evaluate_real_writers(recognizer, digits, args.seed)
    seconds = time.perf_counter() - started
    scores = result.scores
    command = printable_command("python main.py", sys.argv[1:])
    args.out.mkdir(parents=True, exist_ok=True)
    answered = scores.predictions >= 0
    plot_confusion(confusion_matrix(scores.predictions[answered], scores.labels[answered]),
                   args.out / "confusion.png", "Real writers (UNIPEN dev)", command)
    confidence = result.probs.max(axis=1)
    plot_mistakes(result.inputs, scores.labels, scores.predictions, confidence, args.out / "mistakes.png",
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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0] not in COMMANDS + ("-h", "--help"):
        argv = ["gui"] + argv
    args = parser.parse_args(argv)
    try:
        if args.command == "download-mnist":
            from .download import cmd_download
            return cmd_download(resolve_data_dir(args.data_dir), args.mirror)
        if args.command == "gui":
            from hdr_gui.app import run
            return run(weights=args.weights, data_dir=args.data_dir, lang=args.lang)
        return {"train": cmd_train, "evaluate": cmd_evaluate,
                "evaluate-real": cmd_evaluate_real, "predict": cmd_predict}[args.command](args)
    except (MnistError, WeightsError, UnipenMissingError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

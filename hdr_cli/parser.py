"""The options of every command. Defaults come from the library's config dataclasses, so each
default has one source."""
from __future__ import annotations

import argparse
from pathlib import Path

from cnn_numpy.nn.convnet import ConvNetConfig
from cnn_numpy.nn.optimizers import OPTIMIZERS
from cnn_numpy.paths import DEFAULT_WEIGHTS, REPO_ROOT
from cnn_numpy.recognition.files import BATCH
from cnn_numpy.recognition.numbers import SPLITS
from cnn_numpy.training.datasets import DataConfig
from cnn_numpy.training.personalize import PersonalizeConfig
from cnn_numpy.training.trainer import TrainConfig

from .options import float_in, http_url, int_at_least, output_file, output_folder

COMMANDS = ("train", "evaluate", "evaluate-real", "evaluate-numbers", "calibrate", "export-int8", "predict",
            "download-mnist",
            "download-pendigits", "gui", "personalize", "evaluate-personal")
REPLAYS = ("mnist", "drawn", "none")
TRAIN, NET, DATA, PERSONAL = TrainConfig(), ConvNetConfig(), DataConfig(), PersonalizeConfig()


def weights_file(value: str) -> Path:
    path = output_file(value)
    if path.suffix != ".npz":
        raise argparse.ArgumentTypeError(f"weights are written as .npz: give a name ending in .npz, not {value}")
    return path


def add_common(p: argparse.ArgumentParser, weights: bool = True, data: bool = True) -> None:
    if weights:
        p.add_argument("--weights", type=Path, default=None,
                       help=f"weights .npz (default: {DEFAULT_WEIGHTS.relative_to(REPO_ROOT)})")
    if data:
        p.add_argument("--data-dir", type=Path, default=None,
                       help="folder with the MNIST IDX files (default: $HDR_DATA_DIR, else the user cache)")


def add_pen_dirs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pendigits-dir", type=Path, default=None,
                   help="folder with pendigits-orig.tra/.tes (default: $HDR_PENDIGITS_DIR, else the user cache)")
    p.add_argument("--unipen-dir", type=Path, default=None,
                   help="folder with UNIPEN strokes.npz and letters.npz (default: $HDR_UNIPEN_DIR)")


def add_train(sub) -> None:
    tr = sub.add_parser("train", help="train the network (MNIST and pen-drawn digits)")
    add_common(tr, weights=False)
    tr.add_argument("--epochs", type=int_at_least(1), default=TRAIN.epochs)
    tr.add_argument("--batch-size", type=int_at_least(1), default=TRAIN.batch_size)
    tr.add_argument("--lr", type=float_in(0, low_open=True), default=TRAIN.lr,
                    help="peak learning rate (cosine schedule)")
    tr.add_argument("--optimizer", choices=tuple(OPTIMIZERS), default=TRAIN.optimizer)
    tr.add_argument("--weight-decay", type=float_in(0), default=TRAIN.weight_decay, help="L2 weight decay")
    tr.add_argument("--hidden", type=int_at_least(1), default=NET.hidden,
                    help="hidden units of the first Affine layer (default: %(default)s)")
    tr.add_argument("--dropout", type=float_in(0, 1, high_open=True), default=NET.dropout,
                    help="dropout rate after the hidden layer (default: %(default)s)")
    tr.add_argument("--seed", type=int_at_least(0), default=TRAIN.seed)
    tr.add_argument("--average", type=float_in(0, 1, low_open=True, high_open=True, also=(0.0,)),
                    default=TRAIN.average, metavar="DECAY",
                    help="validate and ship an exponential moving average of the weights (0: off)")
    tr.add_argument("--patience", type=int_at_least(1), default=TRAIN.patience, metavar="N",
                    help="stop when the validation loss has not improved for N epochs and keep the best epoch's "
                         "weights (needs --val-size above 0; default: off)")
    tr.add_argument("--no-augment", action="store_true", help="train on the plain images")
    tr.add_argument("--elastic", type=float_in(0), default=TRAIN.aug.elastic_px, metavar="PX",
                    help="add a smooth elastic distortion of this many pixels (std) to the augmentation "
                         "(0: off; default: %(default)s)")
    tr.add_argument("--styles", type=float_in(0, 1), default=DATA.styles, metavar="FRACTION",
                    help="add slashed zeros made from this fraction of the training zeros (0: off)")
    tr.add_argument("--pen-renders", type=int_at_least(0), default=DATA.pen_renders, metavar="N",
                    help="canvas renders of every pendigits training digit per epoch (0: train on MNIST alone; "
                         "default: %(default)s)")
    tr.add_argument("--pen-styles", type=float_in(0, 1), default=DATA.pen_styles, metavar="FRACTION",
                    help="share of the pen zeros and sevens drawn slashed or crossed (default: %(default)s)")
    tr.add_argument("--letters", type=float_in(0, 1), default=DATA.letters, metavar="FRACTION",
                    help="share of the UNIPEN letters drawn each epoch as not-a-digit examples (default: %(default)s)")
    tr.add_argument("--noise", type=int_at_least(0), default=DATA.noise, metavar="N",
                    help="scribbles and noise images per epoch as not-a-digit examples (default: %(default)s)")
    tr.add_argument("--pairs", type=int_at_least(0), default=DATA.pairs, metavar="N",
                    help="touching pairs of pen digits per epoch as not-a-digit examples (default: %(default)s)")
    tr.add_argument("--fragments", type=int_at_least(0), default=DATA.fragments, metavar="N",
                    help="pen digits and touching pairs cut wrongly per epoch, the halves that are no whole digit "
                         "as not-a-digit examples; none with --pen-renders 0 (default: %(default)s)")
    add_pen_dirs(tr)
    tr.add_argument("--val-size", type=int_at_least(0), default=DATA.val_size,
                    help="training images held out for validation")
    tr.add_argument("--subset", type=int_at_least(1), default=DATA.subset,
                    help="use only the first N training images (quick runs)")
    tr.add_argument("--out", type=output_folder, default=Path("runs/train"),
                    help="folder for checkpoint, logs and curves")
    tr.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    tr.add_argument("--ship", type=weights_file, default=None, metavar="WEIGHTS",
                    help="when done, evaluate on MNIST test and write weights + metadata here "
                         "(the app's file is weights/simple_convnet.npz)")


def add_personal_recipe(p: argparse.ArgumentParser) -> None:
    p.add_argument("--steps", type=int_at_least(1), default=PERSONAL.steps,
                   help="fine-tuning steps (default: %(default)s)")
    p.add_argument("--replay", choices=REPLAYS, default=REPLAYS[0],
                   help="what to replay of everyone else's digits: mnist (the MNIST training images; drawn "
                        "templates when they are not found), drawn (templates of the ten digits, drawn), none "
                        "(pull toward the base weights instead) (default: %(default)s)")


def add_personalize(sub) -> None:
    pe = sub.add_parser("personalize", help="fine-tune the weights on your own samples (SAMPLES_DIR/0/ ... 9/ of "
                                            "image files) and write personal weights")
    add_common(pe)
    pe.add_argument("samples", type=Path, metavar="SAMPLES_DIR", help="one sub-folder per digit (0/ ... 9/)")
    pe.add_argument("--out", type=weights_file, required=True, metavar="W.npz", help="where to write them")
    add_personal_recipe(pe)
    ep = sub.add_parser("evaluate-personal", help="personalise on 2 samples of each digit of each pendigits test "
                                                  "writer and read their other digits, before and after")
    add_common(ep)
    ep.add_argument("--pendigits-dir", type=Path, default=None,
                    help="folder with pendigits-orig.tes (default: $HDR_PENDIGITS_DIR, else the user cache)")
    ep.add_argument("--per-digit", type=int_at_least(1), default=2, help="samples of each digit (default: 2)")
    ep.add_argument("--few", type=int_at_least(1), default=3,
                    help="samples of each of the two hardest digits in the few-digits case (default: 3)")
    ep.add_argument("--seed", type=int_at_least(0), default=0, help="seed of the renders and the samples chosen")
    ep.add_argument("--json", action="store_true", help="print one JSON object")
    add_personal_recipe(ep)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python main.py", description=(
        "Handwritten digit recognition with a from-scratch NumPy CNN. Without a command, opens the app."))
    sub = parser.add_subparsers(dest="command")

    gui = sub.add_parser("gui", help="open the app (the default)")
    add_common(gui)
    gui.add_argument("--lang", choices=("zh", "en"), default=None, help="interface language (default: system locale)")

    add_train(sub)

    ev = sub.add_parser("evaluate", help="accuracy of the weights on the 10,000 MNIST test images")
    add_common(ev)
    ev.add_argument("--json", action="store_true", help="print one JSON object")

    er = sub.add_parser("evaluate-real", help="accuracy on real writers' pen digits drawn as on the canvas")
    add_common(er, data=False)
    add_pen_dirs(er)
    er.add_argument("--seed", type=int_at_least(0), default=0, help="seed of the sizes, positions and pen widths")
    er.add_argument("--out", type=output_folder, default=Path("docs/real_writers"),
                    help="folder for the confusion matrix and the mistakes gallery")
    er.add_argument("--json", action="store_true", help="print one JSON object")

    en = sub.add_parser("evaluate-numbers", help="read numbers of 2-6 digits by the development writers, on the "
                                                 "canvas and on paper, and count the numbers read exactly")
    add_common(en, data=False)
    add_pen_dirs(en)
    en.add_argument("--count", type=int_at_least(1), default=200,
                    help="numbers per writer set and medium (default: %(default)s)")
    en.add_argument("--seed", type=int_at_least(0), default=0, help="seed of the numbers drawn")
    en.add_argument("--split", choices=SPLITS, default=SPLITS[0],
                    help="how touching digits are cut (the alternatives, for comparison; default: %(default)s)")
    en.add_argument("--single-digits", action="store_true",
                    help="also read every validation writer's digit alone on the canvas (as evaluate-real draws it) "
                         "and count those read otherwise than as one digit")
    en.add_argument("--not-digits", action="store_true",
                    help="also read pictures of no digit as the app reads them: the held-out writers' letters "
                         "(UNIPEN letters.npz) drawn alone on the canvas, scribbles, scrawls over the whole canvas and "
                         "noise; count those answered with a digit")
    en.add_argument("--json", action="store_true", help="print one JSON object")

    ca = sub.add_parser("calibrate", help="fit the weights' confidence calibration and verdict thresholds on the "
                                          "validation writers, and record them in the weights' metadata")
    add_common(ca, data=False)
    add_pen_dirs(ca)
    ca.add_argument("--seed", type=int_at_least(0), default=0, help="seed of the sizes, positions and pen widths")

    ex = sub.add_parser("export-int8", help="write the weights with int8 weight matrices (one float32 scale per "
                                            "output channel), about a quarter of the size")
    add_common(ex, data=False)
    ex.add_argument("--out", type=weights_file, required=True, metavar="PATH.npz", help="where to write them")

    pr = sub.add_parser("predict", help="recognise the digit in image files or folders")
    add_common(pr, data=False)
    pr.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="image files or folders of images")
    pr.add_argument("--json", action="store_true", help="one JSON object per line")
    pr.add_argument("--batch-size", type=int_at_least(1), default=BATCH, help="images per network pass")
    pr.add_argument("--workers", type=int_at_least(1), default=None,
                    help="processes reading and recognising the files (default: CPU count)")
    pr.add_argument("--multi", action="store_true",
                    help="read every digit of each image, left to right (a number), with its box")

    add_personalize(sub)

    dl = sub.add_parser("download-mnist", help="download the four MNIST files and verify their SHA-256")
    dl.add_argument("--data-dir", type=Path, default=None,
                    help="destination (default: $HDR_DATA_DIR, else the user cache)")
    dl.add_argument("--mirror", type=http_url, action="append", default=None, metavar="URL",
                    help="base URL to try instead of the official mirrors (repeatable)")
    dp = sub.add_parser("download-pendigits", help="download the pendigits pen trajectories (UCI) and verify them")
    dp.add_argument("--pendigits-dir", type=Path, default=None,
                    help="destination (default: $HDR_PENDIGITS_DIR, else the user cache)")
    dp.add_argument("--mirror", type=http_url, action="append", default=None, metavar="URL",
                    help="base URL to try instead of UCI's (repeatable)")
    return parser

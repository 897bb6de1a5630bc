"""``python main.py [COMMAND] ...``: run a command, print its results, choose its exit code.
Without a command, the GUI opens."""
from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from cnn_numpy.data.augment import AugmentConfig
from cnn_numpy.data.download import DownloadError, download_mnist
from cnn_numpy.data.mnist import load_mnist, resolve_data_dir, to_input
from cnn_numpy.data.not_digits import letters_if_present, load_letters, split_by_writer
from cnn_numpy.data.pen_archives import UnipenMissingError
from cnn_numpy.data.pendigits import PendigitsMissingError, download_pendigits, load_pendigits, resolve_pendigits_dir
from cnn_numpy.data.strokes import render_all
from cnn_numpy.errors import HdrError
from cnn_numpy.evaluation.calibrate import calibrate, noise_images, verdict_rates
from cnn_numpy.evaluation.figures import plot_confusion, plot_mistakes
from cnn_numpy.evaluation.number_sets import MEDIA, number_samples, number_writer_sets
from cnn_numpy.evaluation.numbers import not_digit_check, score_numbers, scrawls, single_digit_check
from cnn_numpy.evaluation.personal import WriterResult, evaluate_personalization
from cnn_numpy.evaluation.real_writers import RealWriterInputs, evaluate_real_writers, writer_sets
from cnn_numpy.evaluation.scores import Scores, confusion_matrix, format_table, mnist_test_recognitions
from cnn_numpy.nn.convnet import ConvNetConfig
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.recognition.calibration import Calibration
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.reporting import printable_command
from cnn_numpy.training.datasets import DataConfig, training_data
from cnn_numpy.training.personalize import (
    DRAWN_REPLAY,
    NO_REPLAY,
    PersonalizeConfig,
    Replay,
    default_replay,
    drawn_replay,
    personalize,
)
from cnn_numpy.training.shipping import TRAINING_LOG, ship
from cnn_numpy.training.trainer import CHECKPOINT, TrainConfig, TrainingError, train
from cnn_numpy.weights import export_int8, load_weights, metadata_path, save_int8_weights, save_weights

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
                      average=args.average, patience=args.patience,
                      net=ConvNetConfig(hidden=args.hidden, dropout=args.dropout),
                      aug=AugmentConfig(elastic_px=args.elastic))
    if args.patience and not args.val_size:
        raise TrainingError("--patience needs a validation split to watch: give --val-size above 0, or drop "
                            "--patience.")
    data_cfg = DataConfig(val_size=args.val_size, subset=args.subset, styles=args.styles,
                          pen_renders=args.pen_renders, pen_styles=args.pen_styles, letters=args.letters,
                          noise=args.noise, pairs=args.pairs,
                          fragments=args.fragments if args.pen_renders else 0)   # cut from the pen digits
    try:
        data = training_data(data_cfg, args.seed, args.epochs, args.data_dir, args.pendigits_dir, args.unipen_dir)
    except PendigitsMissingError as e:
        raise PendigitsMissingError(f"{e} To train without pen digits, pass --pen-renders 0.") from e
    except UnipenMissingError as e:
        raise UnipenMissingError(f"{e} The letters taught as not-a-digit come from it; to train without "
                                 "them, pass --letters 0.") from e
    if data.styled:
        print(f"added {data.styled} slashed zeros")
    if data.extra:
        print(f"each epoch adds about {data.extra.size:,} pen-drawn samples (pendigits training writers"
              f"{', letters' if args.letters else ''}{', scribbles and noise' if args.noise else ''}"
              f"{', touching pairs' if args.pairs else ''}{', wrongly cut digits' if args.fragments else ''})")
    started = time.perf_counter()
    try:
        net, history = train(cfg, data.x_train, data.y_train, data.x_val, data.y_val, args.out,
                             resume=args.resume, log=print, progress=ProgressBar, extra=data.extra)
    except KeyboardInterrupt:
        eprint(f"\nInterrupted. The last good checkpoint is {args.out / CHECKPOINT} "
               "(continue with the same command and --resume).")
        return 130
    finally:
        if data.extra:
            data.extra.close()
    minutes = (time.perf_counter() - started) / 60
    print(f"training took {minutes:.1f} min; logs and curves in {args.out}")
    if args.ship:
        scores = ship(net, args.ship, command_line(), cfg, data_cfg, history.rows, minutes, args.data_dir,
                      args.pendigits_dir, args.unipen_dir, log=eprint)
        print(format_table(scores))
        print(f"wrote {args.ship}, {args.ship.with_suffix('.json')} and {TRAINING_LOG} beside them")
    return 0


def cmd_evaluate(args) -> int:
    recognizer = Recognizer.from_weights(args.weights)
    started = time.perf_counter()
    recs, labels = mnist_test_recognitions(recognizer, args.data_dir)
    scores, verdicts = Scores.of("MNIST test", recs.digits, labels), verdict_rates(recs, labels)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**scores.to_dict(), "verdicts": {k: round(v, 6) for k, v in verdicts.items()},
                          "weights": str(args.weights or DEFAULT_WEIGHTS), "seconds": round(seconds, 3)}))
    else:
        print(f"weights: {args.weights or DEFAULT_WEIGHTS}")
        print(format_table([scores]))
        print(f"verdicts: wrong answers flagged {verdicts['wrong_flagged'] * 100:.1f} %, right answers flagged "
              f"{verdicts['right_flagged'] * 100:.2f} %, called not a digit {verdicts['digits_not_digit'] * 100:.2f} %")
        print(f"({seconds:.2f} s including loading the test set)")
    return 0


def cmd_evaluate_real(args) -> int:
    recognizer = Recognizer.from_weights(args.weights)
    sets = writer_sets(args.unipen_dir, args.pendigits_dir)
    command, results, started = command_line(), {}, time.perf_counter()
    for key, (name, digits) in sets.items():
        result = results[key] = evaluate_real_writers(recognizer, digits, args.seed, name)
        scores, recs = result.scores, result.recognitions
        answered = recs.present
        plot_confusion(confusion_matrix(scores.predictions[answered], scores.labels[answered]),
                       args.out / f"confusion_{key}.png", name, command)
        plot_mistakes(recs.inputs, scores.labels, scores.predictions, recs.confidence,
                      args.out / f"mistakes_{key}.png", f"{name}: what the network received", command)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({key: {**r.scores.to_dict(), "per_source": r.per_source} for key, r in results.items()}
                         | {"seconds": round(seconds, 2)}))
        return 0
    print(format_table([r.scores for r in results.values()]))
    for key, r in results.items():
        blank = int((~r.recognitions.present).sum())
        if blank:
            print(f"{r.scores.name}: {blank} renders had no ink after preprocessing (counted wrong)")
        if key == "dev":
            print("UNIPEN per source: " + ", ".join(f"{k} {v * 100:.2f} %" for k, v in r.per_source.items()))
    print(f"figures in {args.out} ({seconds:.1f} s)")
    return 0


def cmd_evaluate_numbers(args) -> int:
    recognizer = Recognizer.from_weights(args.weights)
    sets = number_writer_sets(args.unipen_dir, args.pendigits_dir)
    results, started = {}, time.perf_counter()
    for key, (name, digits) in sets.items():
        for medium in MEDIA:
            samples = number_samples(digits, args.count, medium, args.seed)
            results[f"{key}_{medium}"] = score_numbers(recognizer, samples, args.split)
    singles = ({key: single_digit_check(recognizer, digits, args.seed)
                for key, (_, digits) in writer_sets(args.unipen_dir, args.pendigits_dir).items()}
               if args.single_digits else {})
    others = {}
    if args.not_digits:
        letters = split_by_writer(load_letters(args.unipen_dir))[1]
        noise = noise_images()
        others = {"letters": not_digit_check(recognizer, render_all(letters, args.seed), canvas=True),
                  "scribbles": not_digit_check(recognizer, noise[0::2], canvas=True),
                  "scrawls over the canvas": not_digit_check(recognizer, scrawls(args.seed), canvas=True),
                  "noise": not_digit_check(recognizer, noise[1::2])}
    seconds = time.perf_counter() - started
    if args.json:
        extra = {"single_digits": {key: c.to_dict() for key, c in singles.items()}} if singles else {}
        extra |= {"not_digits": {key: c.to_dict() for key, c in others.items()}} if others else {}
        print(json.dumps({key: r.to_dict() for key, r in results.items()} | extra | {"split": args.split,
                                                                                     "seconds": round(seconds, 2)}))
        return 0
    print(f"{'writers_medium':<18} {'numbers':>7} {'exact':>7} {'touching':>8} {'exact':>7} {'apart':>7} "
          f"{'digits':>6} {'extra':>5} {'missing':>7} {'wrong':>5} {'ms/number':>9}")
    for key, r in results.items():
        print(f"{key:<18} {r.numbers:>7} {r.exact * 100:>6.1f}% {r.touching:>8} {r.exact_touching * 100:>6.1f}% "
              f"{r.exact_apart * 100:>6.1f}% {r.digits:>6} {r.extra:>5} {r.missing:>7} {r.wrong:>5} "
              f"{r.ms_per_number:>9.1f}")
    for key, c in singles.items():
        print(f"{key} single digits: {c.changed} of {c.digits} read otherwise than as one digit; right "
              f"{c.right_number} read as numbers, {c.right_single} as one digit")
    for key, c in others.items():
        n = c.pictures
        print(f"{key} (no digit): {c.digit_number} of {n} ({c.digit_number / n:.1%}) answered with a digit as the "
              f"canvas reads them ({c.text_number} with a digit or an unsure one), {c.digit_single} "
              f"({c.digit_single / n:.1%}) by the one-digit path")
    print(f"split: {args.split}. exact: numbers read exactly, of all, of those with touching digits, of the others; "
          f"extra: pieces read that are not digits of the number, missing: digits not read, wrong: digits read as "
          f"another ({seconds:.1f} s)")
    return 0


def cmd_calibrate(args) -> int:
    path = args.weights or DEFAULT_WEIGHTS
    net, meta = load_weights(path)
    sets = writer_sets(args.unipen_dir, args.pendigits_dir)
    letters = letters_if_present(args.unipen_dir)
    if letters is None:
        eprint("note: no UNIPEN letters.npz: the not-a-digit verdict is checked on noise and scribbles only")
    writers = {name: RealWriterInputs.of(digits, args.seed) for name, digits in sets.values()}
    calibration, figures = calibrate(net, writers, letters, args.seed)
    meta.update(calibration=calibration.to_dict(), calibration_figures=figures, calibration_command=command_line())
    (save_int8_weights if "quantization" in meta else save_weights)(net, path, meta)
    print(format_calibration(calibration, figures))
    print(f"recorded in {metadata_path(path)}")
    return 0


def format_calibration(calibration: Calibration, figures: dict) -> str:
    """The calibration and what it achieves, as plain text."""
    lines = [f"temperature {calibration.temperature:.3f}; not a digit below {calibration.not_digit_below:.3f}, "
             f"unsure below {calibration.unsure_below:.3f}"]
    for name, fig in figures.items():
        if "calibrated" in fig:
            before, after = fig["uncalibrated"], fig["calibrated"]
            lines.append(f"{name}: accuracy {after['accuracy'] * 100:.2f} %, ECE {before['ece'] * 100:.2f} % -> "
                         f"{after['ece'] * 100:.2f} %, wrong answers flagged {after['wrong_flagged'] * 100:.1f} %, "
                         f"right answers flagged {after['right_flagged'] * 100:.2f} %, called not a digit "
                         f"{after['digits_not_digit'] * 100:.2f} %")
        else:
            lines.append(f"{name}: called a digit {fig['called_digit'] * 100:.1f} %, "
                         f"not a digit {fig['called_not_digit'] * 100:.1f} % (of {fig['samples']:,})")
    return "\n".join(lines)


def cmd_export_int8(args) -> int:
    meta = export_int8(args.weights, args.out, command_line())
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) and {metadata_path(args.out)}; "
          f"source SHA-256 {meta['quantization']['source_sha256']}")
    return 0


def cmd_predict(args) -> int:
    return run_predict(args.paths, args.weights, args.json, args.batch_size, args.workers, args.multi)


def fetch(what: str, dest: Path, download, mirrors: list[str] | None) -> int:
    """Run ``download(dest, mirrors, ...)`` with progress; exit code 0, 1 (could not) or 130 (interrupted)."""
    print(f"Downloading {what} into {dest}")
    try:
        download(dest, mirrors, report=eprint, progress=ProgressBar)
    except DownloadError as e:
        eprint(f"error: {e}")
        return 1
    except KeyboardInterrupt:
        eprint("\ninterrupted: no partial file was left behind")
        return 130
    print(f"{what} is ready in {dest}")
    return 0


def cmd_download_mnist(args) -> int:
    return fetch("MNIST", resolve_data_dir(args.data_dir), download_mnist, args.mirror)


def cmd_download_pendigits(args) -> int:
    return fetch("pendigits", resolve_pendigits_dir(args.pendigits_dir), download_pendigits, args.mirror)


def replay_of(args) -> Replay | None:
    """What --replay asks for."""
    if args.replay == "none":
        return None
    return drawn_replay() if args.replay == "drawn" else default_replay(args.data_dir)


def cmd_personalize(args) -> int:
    config = PersonalizeConfig(steps=args.steps)
    replay = replay_of(args)
    if args.replay == "mnist" and replay.name == DRAWN_REPLAY:
        eprint("note: no MNIST training images found to replay (see 'python main.py download-mnist'); drawn "
               "templates of the ten digits are replayed instead")
    bar = ProgressBar(config.steps, "personalising")
    started = time.perf_counter()
    try:
        meta = personalize(args.weights, args.samples, args.out, config,
                           progress=lambda done: bar.update(round(done * config.steps)), replay=replay,
                           command=command_line())
    except KeyboardInterrupt:
        eprint("\ninterrupted: nothing was written")
        return 130
    finally:
        bar.close()
    record = meta["personal"]
    print(f"wrote {args.out} and {metadata_path(args.out)}: learned from {record['samples']} samples "
          f"(per digit {record['per_digit']}), replay: {record['replay']}, kept {record['kept']:.2f} of the change, "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def format_writer(full: WriterResult, few: WriterResult) -> str:
    """One writer's line of evaluate-personal."""
    mnist = f"{full.mnist * 100:.2f} %" if full.mnist is not None else "-"
    return (f"{full.writer:>10} | {full.before * 100:6.2f} % -> {full.after * 100:6.2f} % ({full.others}) | "
            f"MNIST {mnist} | kept {full.kept:.2f} | {full.seconds:4.1f} s | "
            f"{few.samples} of {' and '.join(map(str, few.digits))}: "
            f"{few.before * 100:6.2f} % -> {few.after * 100:6.2f} % ({few.others}); "
            f"those two {few.learned_before * 100:6.2f} % -> {few.learned_after * 100:6.2f} % ({few.learned})")


def cmd_evaluate_personal(args) -> int:
    net, _ = load_weights(args.weights)
    config = PersonalizeConfig(steps=args.steps)
    replay = replay_of(args)
    images, labels = load_mnist("test", args.data_dir)
    writers = RealWriterInputs.of(load_pendigits("test", args.pendigits_dir), args.seed)
    if not args.json:
        print(f"{'writer':>10} | other digits before -> after (count) | personal weights on MNIST test | "
              f"share of the change kept | "
              f"fine-tuning | samples of two digits only: the other digits before -> after; the writer's other "
              f"digits of those two")
    results = evaluate_personalization(net, writers, config, replay, args.per_digit, args.few,
                                       (to_input(images), labels.astype(np.int64)), args.seed,
                                       done=None if args.json else lambda full, few: print(format_writer(full, few)))
    full, few = [r[0] for r in results], [r[1] for r in results]
    def mean(rows: list[WriterResult], key: str) -> float:
        return float(np.mean([getattr(r, key) for r in rows]))
    summary = {"writers": len(results), "before": mean(full, "before"), "after": mean(full, "after"),
               "mnist": mean(full, "mnist"), "mnist_lowest": float(min(r.mnist for r in full)),
               "seconds": mean(full, "seconds"), "few_before": mean(few, "before"), "few_after": mean(few, "after"),
               "few_worse": sum(r.after < r.before for r in few), "few_learned_before": mean(few, "learned_before"),
               "few_learned_after": mean(few, "learned_after"),
               "replay": replay.name if replay is not None else NO_REPLAY}
    if args.json:
        print(json.dumps({**summary, "per_writer": [{"full": asdict(a), "few": asdict(b)} for a, b in results]}))
        return 0
    print(f"average over {len(results)} writers: other digits {summary['before'] * 100:.2f} % -> "
          f"{summary['after'] * 100:.2f} %; personal weights on MNIST test {summary['mnist'] * 100:.2f} % (lowest "
          f"{summary['mnist_lowest'] * 100:.2f} %); fine-tuning {summary['seconds']:.1f} s; few samples of two digits: "
          f"the other digits {summary['few_before'] * 100:.2f} % -> {summary['few_after'] * 100:.2f} %, worse for "
          f"{summary['few_worse']} of {len(results)} writers; their other digits of those two "
          f"{summary['few_learned_before'] * 100:.2f} % -> {summary['few_learned_after'] * 100:.2f} %; "
          f"replay: {summary['replay']}")
    return 0


def cmd_gui(args) -> int:
    from hdr_gui.app import run
    return run(weights=args.weights, data_dir=args.data_dir, lang=args.lang)


RUN = {"train": cmd_train, "evaluate": cmd_evaluate, "evaluate-real": cmd_evaluate_real, "calibrate": cmd_calibrate,
       "export-int8": cmd_export_int8, "predict": cmd_predict, "evaluate-numbers": cmd_evaluate_numbers,
       "download-mnist": cmd_download_mnist, "download-pendigits": cmd_download_pendigits, "gui": cmd_gui,
       "personalize": cmd_personalize, "evaluate-personal": cmd_evaluate_personal}


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

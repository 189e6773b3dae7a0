"""How often does training fit? Train many seeds at once and count the outcomes.

Run ``python -m examples.study --help`` for the options. For example::

    python -m examples.study parabola --activation sigmoid --hidden 2 \\
        --seeds 5000 --epochs 2000 --out results.csv --figure losses.png

trains 5,000 copies of a 1-2-1 sigmoid network on the parabola (seeds 0 to 4999),
writes one CSV row per seed, draws a histogram of the final losses and prints a
summary. Each copy's outcome is the book's one definition,
:func:`examples.outcomes.classify_runs`, against the loss of the best straight line
through the data (chapter 4):

- ``fits``: the final loss is below ``--threshold`` (0.1) times the best line's;
- ``straight line``: the final loss is at least 0.9 times the best line's;
- ``in between``: neither;
- ``diverged``: the loss stopped being finite (see ``diverged_at``).

On the ``line`` target the best line's loss is 0: a straight line is the answer,
and every copy that did not diverge counts as ``straight line``.

Shown in no chapter as code: chapter 4 (``04-parabola-network``) and the
glossary (``glossary``) name the ``python -m examples.study`` command.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import numpy as np

from examples import _validate
from examples.data import line_data, noisy_parabola, parabola
from examples.outcomes import FIT_BELOW, LINE_ABOVE, OUTCOMES, classify_runs

#: The most weights and biases of one network (examples.models.MAX_PARAMETERS).
MAX_PARAMETERS = 10**7

# torch and matplotlib take seconds to import: the command line imports them only
# once the cheap argument checks have passed, so a typo fails at once.
if TYPE_CHECKING:
    from examples.ensemble import EnsembleHistory

#: The data sets the command line trains on, by name: a short description each.
TARGETS = {
    "parabola": "x = -5..5, y = x^2 (examples.data.parabola)",
    "noisy": "x = -5..5, y = (x + N(0, 1))^2 (examples.data.noisy_parabola)",
    "line": "x = 1..6, y = 3x (examples.data.line_data)",
}

CSV_COLUMNS = ("seed", "final_loss", "diverged_at", "fits", "outcome")


def target_data(name: str, data_seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The data set ``name`` (one of :data:`TARGETS`) as ``(X, y)``.

    >>> X, y = target_data("line")
    >>> y.tolist()
    [3.0, 6.0, 9.0, 12.0, 15.0, 18.0]
    """
    if name == "parabola":
        return parabola()
    if name == "noisy":
        return noisy_parabola(seed=data_seed)
    if name == "line":
        return line_data()
    raise ValueError(f"name must be one of {', '.join(TARGETS)}; got {name!r}")


def outcomes(
    history: EnsembleHistory,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    fit_below: float = FIT_BELOW,
) -> np.ndarray:
    """Each copy's outcome, one of :data:`examples.outcomes.OUTCOMES`.

    :func:`examples.outcomes.classify_runs` of the final losses against the best
    straight line's loss on ``(X, y)``.

    >>> from examples.ensemble import train_ensemble
    >>> X, y = parabola()
    >>> history = train_ensemble(X, y, sizes=(1, 2, 1), activations="sigmoid",
    ...                          seeds=[0], lr=0.001, num_epochs=1)
    >>> outcomes(history, X, y).tolist()
    ['straight line']
    """
    from examples.convergence import straight_line_loss

    line_loss = straight_line_loss(X, y)
    return classify_runs(history.final_loss, line_loss, fit_below=fit_below)


def summary(
    history: EnsembleHistory, outcome: np.ndarray
) -> tuple[list[tuple[str, int, str]], list[tuple[str, float]]]:
    """The summary's two tables: copies per outcome, and final-loss quantiles.

    The quantiles are over the copies that did not diverge.
    """
    counts = [
        (name, int(np.sum(outcome == name)), f"{np.mean(outcome == name):.1%}")
        for name in OUTCOMES
    ]
    finite = history.final_loss[history.diverged_at < 0]
    levels = [("min", 0.0), ("q10", 0.1), ("q25", 0.25), ("median", 0.5)]
    levels += [("q75", 0.75), ("q90", 0.9), ("max", 1.0)]
    quantiles = (
        [(label, float(np.quantile(finite, q))) for label, q in levels]
        if len(finite)
        else []
    )
    return counts, quantiles


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    def format_help(self) -> str:
        for action in self._actions:
            if action.dest == "activation":
                action.help = action.help.replace(
                    "ACTIVATION_NAMES", ", ".join(_activation_names())
                )
        return super().format_help()


def _activation_names() -> list[str]:
    """The names of examples.models.ACTIVATIONS (importing torch)."""
    from examples.models import ACTIVATIONS

    return sorted(ACTIVATIONS)


def _number_type(
    check: Callable[[str, float], float], kind: type
) -> Callable[[str], float]:
    def convert(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {'an integer' if kind is int else 'a number'}, got {text!r}"
            ) from None
        try:
            return check("value", value)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err).replace("value ", "")) from None

    convert.__name__ = kind.__name__  # argparse names the type in its messages
    return convert


_positive_int = _number_type(_validate.positive_int, int)
_non_negative_int = _number_type(_validate.non_negative_int, int)
_seed = _number_type(_validate.seed, int)
_epochs = _number_type(_validate.iteration_count, int)
_copies = _number_type(
    lambda name, value: _validate.iteration_count(name, value, limit=MAX_COPIES), int
)
_width = _number_type(
    lambda name, value: _validate.iteration_count(name, value, limit=MAX_WIDTH), int
)

#: The most seeds one run may train (examples.ensemble.MAX_COPIES).
MAX_COPIES = 10**6

#: The widest hidden layer the command accepts.
MAX_WIDTH = 10**4

#: Without --force, the command refuses a run estimated to need more memory than
#: this (bytes) or more time than this (seconds).
SOFT_BYTES = 2 * 2**30
SOFT_SECONDS = 2 * 3600.0
_positive_float = _number_type(_validate.positive_number, float)
_non_negative_float = _number_type(_validate.non_negative_number, float)


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (``python -m examples.study --help``)."""
    parser = _Parser(
        prog="python -m examples.study",
        description=(
            "Train many seeds of a small fully connected network at once "
            "(examples.ensemble.train_ensemble: per-sample SGD with momentum, "
            "the steps of examples.training.train_per_sample for each seed, or "
            "mini-batches, shuffling and Adam) and "
            "report how often training fits."
        ),
        epilog=(
            "Outcomes (examples.outcomes, the book's chapter 4): 'fits' when the "
            "final loss is below THRESHOLD times the loss of the best straight "
            "line through the data; 'straight line' when it is at least "
            f"{LINE_ABOVE:g} times that loss; 'in between' when neither; "
            "'diverged' when the loss stopped being finite. On the line target "
            "the best line's loss is 0, so every copy that does not diverge is "
            "'straight line'. Errors in the arguments end the program with "
            "status 2 before any training."
        ),
    )
    parser.add_argument(
        "target",
        choices=list(TARGETS),
        help="the data set: "
        + "; ".join(f"{name}: {text}" for name, text in TARGETS.items()),
    )
    parser.add_argument(
        "--activation",
        nargs="+",
        default=["sigmoid"],
        metavar="NAME",
        help="the hidden layers' activation, one name for all or one per hidden "
        "layer; one of ACTIVATION_NAMES (default: sigmoid)",
    )
    parser.add_argument(
        "--hidden",
        nargs="+",
        type=_width,
        default=[2],
        metavar="WIDTH",
        help="the widths of the hidden layers, e.g. '--hidden 10 10' for a "
        "1-10-10-1 network (default: 2)",
    )
    parser.add_argument(
        "--seeds",
        type=_copies,
        default=1000,
        metavar="N",
        help="how many seeds (copies) to train: FIRST_SEED .. FIRST_SEED + N - 1 "
        "(default: 1000)",
    )
    parser.add_argument(
        "--first-seed",
        type=_seed,
        default=0,
        metavar="FIRST_SEED",
        help="the first seed (default: 0)",
    )
    parser.add_argument(
        "--epochs",
        type=_epochs,
        default=2000,
        metavar="N",
        help="training epochs, each one pass over the samples (default: 2000)",
    )
    parser.add_argument(
        "--lr",
        type=_positive_float,
        default=0.001,
        help="learning rate of SGD (default: 0.001)",
    )
    parser.add_argument(
        "--momentum",
        type=_non_negative_float,
        default=None,
        help="momentum of SGD, PyTorch's convention (default: 0.1; with "
        "--optimizer adam, 0 and no other value)",
    )
    parser.add_argument(
        "--optimizer",
        choices=["sgd", "adam"],
        default="sgd",
        help="torch.optim.SGD (with --momentum) or torch.optim.Adam (its "
        "default betas and eps, with --lr) (default: sgd)",
    )
    parser.add_argument(
        "--batch-size",
        type=_positive_int,
        default=1,
        metavar="B",
        help="samples per step, the gradient of their mean loss; at most the "
        "number of samples (default: 1, one step per sample)",
    )
    parser.add_argument(
        "--shuffle-seed",
        type=_seed,
        default=None,
        metavar="SEED",
        help="shuffle the samples every epoch, as a DataLoader with a generator "
        "seeded SEED does, the same order for every copy (default: in order)",
    )
    parser.add_argument(
        "--data-seed",
        type=_seed,
        default=0,
        metavar="SEED",
        help="seed of the noise draw of the 'noisy' target (default: 0)",
    )
    parser.add_argument(
        "--threshold",
        type=_positive_float,
        default=FIT_BELOW,
        help="a copy fits when its final mean loss is below THRESHOLD x the best "
        f"straight line's loss; below {LINE_ABOVE:g} (default: {FIT_BELOW:g})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="CSV",
        help="write one row per seed to this CSV file, with columns "
        f"{', '.join(CSV_COLUMNS)} (diverged_at is -1 for copies that did not "
        "diverge; final_loss is nan for those that did)",
    )
    parser.add_argument(
        "--figure",
        type=Path,
        metavar="PNG",
        help="save a histogram of the final losses to this PNG file",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar on stderr",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even when the estimate of memory or time is above the usual "
        f"limits ({SOFT_BYTES / 2**30:.0f} GiB, {SOFT_SECONDS / 3600:.0f} hours)",
    )
    return parser


def _check_output(parser: argparse.ArgumentParser, option: str, path: Path) -> None:
    """End with a usage error unless ``path`` can be written, before any training."""
    if path.is_dir():
        parser.error(f"{option} {path}: is a folder, not a file")
    if not path.parent.is_dir():
        parser.error(f"{option} {path}: the folder {path.parent} does not exist")
    existed = path.exists()
    try:
        # A device (/dev/full) accepts the open and fails on the first write:
        # write a byte to anything that is not a regular file, then flush.
        with path.open("a") as f:
            if existed and not path.is_file():
                f.write("\n")
                f.flush()
    except OSError as err:
        parser.error(f"{option} {path}: cannot write there ({err.strerror})")
    if not existed:
        path.unlink()


def _check_size(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """End with a usage error if the run cannot fit: the seeds past 2**63 - 1, or
    (unless --force) memory or time estimated above the usual limits."""
    last_seed = args.first_seed + args.seeds - 1
    if last_seed > _validate.MAX_SEED:
        parser.error(
            f"argument --first-seed: the last seed {last_seed} is past 2**63 - 1; "
            "lower --first-seed or --seeds"
        )
    from examples.ensemble import MAX_BYTES, estimated_bytes, estimated_seconds

    sizes = (1, *args.hidden, 1)
    n = len(target_data(args.target, 0)[0])
    params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    if params > MAX_PARAMETERS:
        parser.error(
            f"argument --hidden: a {'-'.join(map(str, sizes))} network has {params} "
            f"parameters; the most allowed is {MAX_PARAMETERS}"
        )
    nbytes = estimated_bytes(sizes, args.seeds, n, args.epochs)
    seconds = estimated_seconds(sizes, args.seeds, n, args.epochs)
    if nbytes > MAX_BYTES:
        parser.error(
            f"arguments --seeds and --hidden: the run needs about "
            f"{nbytes / 2**30:.1f} GiB; the most allowed is {MAX_BYTES / 2**30:.0f} GiB"
        )
    if args.force:
        return
    if nbytes > SOFT_BYTES or seconds > SOFT_SECONDS:
        parser.error(
            f"the run needs about {nbytes / 2**30:.1f} GiB and {seconds / 3600:.1f} "
            f"hours (limits {SOFT_BYTES / 2**30:.0f} GiB, "
            f"{SOFT_SECONDS / 3600:.0f} hours); lower --seeds, --hidden or --epochs, "
            "or pass --force"
        )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse and check the arguments; usage errors exit with status 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if len(args.activation) not in (1, len(args.hidden)):
        parser.error(
            f"argument --activation: give one name or one per hidden layer "
            f"({len(args.hidden)}), got {len(args.activation)}"
        )
    if not args.threshold < LINE_ABOVE:
        parser.error(
            f"argument --threshold: must be below {LINE_ABOVE:g}, the fraction "
            f"from which a copy ends as a straight line, got {args.threshold:g}"
        )
    if args.figure is not None and args.figure.suffix.lower() != ".png":
        parser.error(f"argument --figure: expected a .png path, got {args.figure}")
    if (
        args.out is not None
        and args.figure is not None
        and args.out.resolve() == args.figure.resolve()
    ):
        parser.error(f"arguments --out and --figure: both are {args.out}")
    for option, path in (("--out", args.out), ("--figure", args.figure)):
        if path is not None:
            _check_output(parser, option, path)
    names = _activation_names()
    unknown = [name for name in args.activation if name not in names]
    if unknown:
        parser.error(
            f"argument --activation: unknown activation {unknown[0]!r}; choose from "
            f"{', '.join(names)}"
        )
    _check_optimizer(parser, args)
    _check_size(parser, args)
    return args


def _check_optimizer(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Fill in --momentum's default; refuse momentum with Adam and batches larger
    than the data set."""
    if args.momentum is None:
        args.momentum = 0.1 if args.optimizer == "sgd" else 0.0
    elif args.optimizer == "adam" and args.momentum:
        parser.error(
            "argument --momentum: must be 0 with --optimizer adam (Adam keeps its "
            f"own moving average of the gradient), got {args.momentum:g}"
        )
    n = len(target_data(args.target, 0)[0])
    if args.batch_size > n:
        parser.error(
            f"argument --batch-size: at most the {n} samples of the "
            f"{args.target} target, got {args.batch_size}"
        )


@contextlib.contextmanager
def _replace_at_end(path: Path, mode: str = "w", **kwargs) -> Iterator:
    """Open a file that appears at ``path`` only once complete: written next to it
    under a temporary name, then renamed (a device such as /dev/null is written
    directly). An error or Ctrl-C leaves no partial file."""
    partial = path.with_name(f".{path.name}.partial")
    direct = path.exists() and not path.is_file()
    try:
        with (path if direct else partial).open(mode, **kwargs) as f:
            yield f
        if not direct:
            os.replace(partial, path)
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from None
    finally:
        partial.unlink(missing_ok=True)


def write_csv(path: Path, history: EnsembleHistory, outcome: np.ndarray) -> None:
    """One row per copy: seed, final_loss, diverged_at, fits, outcome."""
    with _replace_at_end(path, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for seed, loss, epoch, result in zip(
            history.seeds.tolist(),
            history.final_loss.tolist(),
            history.diverged_at.tolist(),
            outcome.tolist(),
            strict=True,
        ):
            fits = "true" if result == "fits" else "false"
            writer.writerow([seed, repr(loss), epoch, fits, result])


def format_summary(
    counts: list[tuple[str, int, str]], quantiles: list[tuple[str, float]]
) -> str:
    """The two summary tables as aligned plain text."""
    lines = [f"{'outcome':<13} {'copies':>7} {'share':>7}"]
    lines += [f"{name:<13} {count:>7d} {share:>7}" for name, count, share in counts]
    if quantiles:
        lines += ["", "final mean loss of the copies that did not diverge:"]
        lines += ["  ".join(f"{label} {value:.4g}" for label, value in quantiles)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the study the arguments describe; return the exit status.

    Ctrl-C ends it with one line, ``interrupted``, and status 130; a write error
    with one line naming the file and status 1. Neither leaves a partial file.
    """
    prog = "python -m examples.study"
    try:
        return _run(parse_args(argv))
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except OSError as err:
        name = err.filename or "output"
        print(f"{prog}: error: cannot write {name}: {err.strerror}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    """Train, summarise and write what ``args`` asks for."""

    import matplotlib as mpl
    from matplotlib.figure import Figure
    from tqdm import tqdm

    from examples.convergence import plot_final_losses, straight_line_loss
    from examples.ensemble import EnsembleTrainer
    from examples.plotting import BOOK_STYLE

    X, y = target_data(args.target, args.data_seed)
    sizes = (1, *args.hidden, 1)
    activations = args.activation
    if len(activations) == 1:
        activations = activations * len(args.hidden)
    seeds = np.arange(args.first_seed, args.first_seed + args.seeds)
    trainer = EnsembleTrainer(
        X,
        y,
        sizes=sizes,
        activations=activations,
        seeds=seeds,
        lr=args.lr,
        momentum=args.momentum,
        batch_size=args.batch_size,
        shuffle_seed=args.shuffle_seed,
        optimizer=args.optimizer,
    )
    chunk = max(1, min(50, args.epochs // 100))
    with tqdm(
        total=args.epochs,
        unit="epoch",
        desc=f"{len(seeds)} seeds",
        file=sys.stderr,
        disable=args.quiet,
    ) as bar:
        while trainer.epochs_done < args.epochs:
            step = min(chunk, args.epochs - trainer.epochs_done)
            trainer.train(step)
            bar.update(step)
    history = trainer.history()
    outcome = outcomes(history, X, y, args.threshold)
    line_loss = straight_line_loss(X, y)

    network = "-".join(map(str, sizes)) + " " + "/".join(activations)
    order = "in order" if args.shuffle_seed is None else "shuffled"
    optimizer = (
        "adam" if args.optimizer == "adam" else f"sgd, momentum {args.momentum:g}"
    )
    print(
        f"{args.target}: {network}, {optimizer}, lr {args.lr:g}, "
        f"batch size {args.batch_size} {order}, "
        f"{args.epochs} epochs, seeds {seeds[0]}..{seeds[-1]}"
    )
    print(
        f"best straight line's loss {line_loss:.4g}; fits: final loss below "
        f"{args.threshold:g} x {line_loss:.4g} = {args.threshold * line_loss:.4g}; "
        f"straight line: at least {LINE_ABOVE:g} x {line_loss:.4g} = "
        f"{LINE_ABOVE * line_loss:.4g}"
    )
    print(format_summary(*summary(history, outcome)))
    if args.out is not None:
        write_csv(args.out, history, outcome)
        print(f"wrote {args.out}")
    if args.figure is not None:
        with mpl.rc_context(BOOK_STYLE):
            figure = Figure(layout="constrained")
            ax = figure.subplots()
            if line_loss > 0 and np.any(history.final_loss > 0):
                plot_final_losses(
                    history.final_loss[history.final_loss > 0],
                    line_loss,
                    ax,
                    fit_below=args.threshold,
                )
            ax.set_title(f"{args.target}, {network}: {len(seeds)} seeds")
            with _replace_at_end(args.figure, "wb") as f:
                figure.savefig(f, format="png")
        print(f"wrote {args.figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The study command line: its CSV against train_ensemble, and its usage errors."""

import csv
import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from examples import study
from examples.data import noisy_parabola, parabola
from examples.ensemble import train_ensemble
from examples.models import ACTIVATIONS
from examples.outcomes import OUTCOMES, classify_runs
from examples.study import main, outcomes, summary

SRC = Path(__file__).resolve().parents[1] / "src"


def run_cli(*args, cwd):
    """``python -m examples.study ARGS`` in a subprocess, on this tree's package."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "examples.study", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def independent_outcomes(final_loss, X, y, fit_below):
    """The outcomes written out again, against numpy's own least-squares line."""
    slope, intercept = np.polyfit(X, y, 1)
    line_loss = np.mean((slope * X + intercept - y) ** 2)
    labels = []
    for loss in final_loss:
        if not np.isfinite(loss):
            labels.append("diverged")
        elif loss < fit_below * line_loss:
            labels.append("fits")
        elif loss >= 0.9 * line_loss:
            labels.append("straight line")
        else:
            labels.append("in between")
    return labels


def assert_rows_match(rows, history, X, y, threshold):
    expected = outcomes(history, X, y, threshold)
    assert expected.tolist() == independent_outcomes(
        history.final_loss, X, y, threshold
    )
    assert [int(r["seed"]) for r in rows] == history.seeds.tolist()
    got_loss = np.array([float(r["final_loss"]) for r in rows])
    # the CSV holds the exact float: same computation, same rounding
    np.testing.assert_array_equal(got_loss, history.final_loss)
    assert [int(r["diverged_at"]) for r in rows] == history.diverged_at.tolist()
    assert [r["outcome"] for r in rows] == expected.tolist()
    assert [r["fits"] == "true" for r in rows] == (expected == "fits").tolist()
    assert {r["fits"] for r in rows} <= {"true", "false"}


def test_happy_path_writes_what_train_ensemble_computes(tmp_path):
    result = run_cli(
        "parabola",
        "--seeds", 20, "--first-seed", 3, "--epochs", 100, "--lr", 0.01,
        "--threshold", 0.2, "--out", "results.csv", "--figure", "losses.png",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "100/100" in result.stderr  # the progress bar reached the end
    X, y = parabola()
    history = train_ensemble(
        X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=range(3, 23),
        lr=0.01, num_epochs=100, momentum=0.1,
    )  # fmt: skip
    rows = read_csv(tmp_path / "results.csv")
    assert list(rows[0]) == [
        "seed",
        "final_loss",
        "diverged_at",
        "fits",
        "outcome",
    ]
    assert_rows_match(rows, history, X, y, threshold=0.2)
    found = {r["outcome"] for r in rows}
    assert {"fits", "straight line", "in between"} <= found  # a meaningful mix
    # the summary counts what the CSV holds
    for name in OUTCOMES:
        count = sum(r["outcome"] == name for r in rows)
        assert f"\n{name:<13} {count:>7d} " in result.stdout
    median = np.median([float(r["final_loss"]) for r in rows])
    assert f"median {median:.4g}" in result.stdout
    assert (tmp_path / "losses.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_noisy_target_with_divergence_and_per_layer_activations(tmp_path, capsys):
    out = tmp_path / "noisy.csv"
    status = main(
        ["noisy", "--data-seed", "4", "--activation", "relu", "--hidden", "4",
         "--seeds", "30", "--epochs", "60", "--lr", "0.01", "--threshold", "0.5",
         "--out", str(out), "--quiet"]
    )  # fmt: skip
    assert status == 0
    X, y = noisy_parabola(seed=4)
    history = train_ensemble(
        X, y, sizes=(1, 4, 1), activations="relu", seeds=range(30), lr=0.01,
        num_epochs=60, momentum=0.1,
    )  # fmt: skip
    rows = read_csv(out)
    assert_rows_match(rows, history, X, y, threshold=0.5)
    diverged = [r for r in rows if r["outcome"] == "diverged"]
    assert 0 < len(diverged) < len(rows)
    assert all(
        r["final_loss"] == "nan" and int(r["diverged_at"]) >= 0 for r in diverged
    )
    assert all(r["fits"] == "false" for r in diverged)
    captured = capsys.readouterr()
    assert captured.err == ""  # --quiet: no progress bar
    assert f"\ndiverged      {len(diverged):>7d} " in captured.out

    status = main(
        ["parabola", "--activation", "sigmoid", "relu", "--hidden", "5", "3",
         "--seeds", "4", "--epochs", "5", "--out", str(out), "--quiet"]
    )  # fmt: skip
    assert status == 0
    X, y = parabola()
    history = train_ensemble(
        X, y, sizes=(1, 5, 3, 1), activations=["sigmoid", "relu"], seeds=range(4),
        lr=0.001, num_epochs=5, momentum=0.1,
    )  # fmt: skip
    assert_rows_match(read_csv(out), history, X, y, threshold=0.1)
    assert "1-5-3-1 sigmoid/relu" in capsys.readouterr().out


def test_outcomes_are_the_books_one_definition():
    X, y = parabola()
    history = train_ensemble(
        X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=range(6), lr=0.01,
        num_epochs=100, momentum=0.1,
    )  # fmt: skip
    result = outcomes(history, X, y)
    assert result.tolist() == independent_outcomes(history.final_loss, X, y, 0.1)
    # the parabola's best line is flat at the mean: its loss is the variance
    assert result.tolist() == classify_runs(history.final_loss, np.var(y)).tolist()
    counts, quantiles = summary(history, result)
    assert sum(count for _, count, _ in counts) == 6
    assert dict(quantiles)["max"] == history.final_loss.max()


def test_on_the_line_target_a_straight_line_is_the_answer(tmp_path, capsys):
    out = tmp_path / "line.csv"
    assert main(["line", "--seeds", "3", "--epochs", "2", "--out", str(out),
                 "--quiet"]) == 0  # fmt: skip
    assert [r["outcome"] for r in read_csv(out)] == ["straight line"] * 3
    assert "best straight line's loss 0;" in capsys.readouterr().out


def unwritable_path(tmp_path):
    """A file path this process cannot write, even as root where possible."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked / "results.csv"
    if Path("/proc/version").exists():
        return Path("/proc/version")  # procfs refuses writes, even root's
    pytest.skip("no path is unwritable for root on this system")


BAD = {
    "zero seeds": ["parabola", "--seeds", "0"],
    "negative seeds": ["parabola", "--seeds", "-5"],
    "non-integer seeds": ["parabola", "--seeds", "ten"],
    "negative first seed": ["parabola", "--first-seed", "-1"],
    "zero epochs": ["parabola", "--epochs", "0"],
    "negative lr": ["parabola", "--lr", "-0.1"],
    "negative momentum": ["parabola", "--momentum", "-0.5"],
    "momentum with adam": ["parabola", "--optimizer", "adam", "--momentum", "0.9"],
    "unknown optimizer": ["parabola", "--optimizer", "rmsprop"],
    "zero batch size": ["parabola", "--batch-size", "0"],
    "batch larger than the data": ["parabola", "--batch-size", "12"],
    "non-integer batch size": ["parabola", "--batch-size", "2.5"],
    "negative shuffle seed": ["parabola", "--shuffle-seed", "-1"],
    "non-integer shuffle seed": ["parabola", "--shuffle-seed", "x"],
    "zero width": ["parabola", "--hidden", "2", "0"],
    "unknown activation": ["parabola", "--activation", "softsign"],
    "activations for the wrong number of layers": [
        "parabola",
        "--hidden",
        "2",
        "2",
        "2",
        "--activation",
        "relu",
        "tanh",
    ],  # fmt: skip
    "unknown target": ["circle"],
    "threshold not below 0.9": ["parabola", "--threshold", "0.9"],
    "missing folder": ["parabola", "--out", "no/such/folder/results.csv"],
    "output is a folder": ["parabola", "--out", "."],
    "figure not png": ["parabola", "--figure", "losses.svg"],
    "figure in a missing folder": ["parabola", "--figure", "nowhere/losses.png"],
    # issue 17, 13: the last seed would overflow int64
    "seeds past 2**63 - 1": [
        "parabola",
        "--first-seed",
        "9223372036854775807",
        "--seeds",
        "2",
    ],  # fmt: skip
    "first seed past 2**63 - 1": ["parabola", "--first-seed", str(2**64)],
    # issue 17, 14: sizes that cannot fit are refused before anything is allocated
    "a billion seeds": ["parabola", "--seeds", "1000000000"],
    "a billion hidden units": ["parabola", "--hidden", "1000000000"],
    "10**20 epochs": ["parabola", "--epochs", str(10**20)],
    "over the memory limit even with --force": [
        "parabola",
        "--seeds",
        "100000",
        "--hidden",
        "100",
        "100",
        "--force",
    ],  # fmt: skip
    "over the time estimate without --force": [
        "parabola",
        "--seeds",
        "1000000",
        "--epochs",
        "100000",
    ],  # fmt: skip
    # issue 17, 16 and 17: outputs that cannot be written, or the same file twice
    "output on a full device": ["parabola", "--out", "/dev/full"],
    "out and figure the same file": [
        "parabola",
        "--out",
        "same.png",
        "--figure",
        "same.png",
    ],  # fmt: skip
    "out and figure the same file by two names": [
        "parabola",
        "--out",
        "same.png",
        "--figure",
        "./same.png",
    ],  # fmt: skip
}


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_arguments_end_with_one_line_and_status_2(args, tmp_path):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m examples.study: error:")
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing trained, nothing written


def test_unwritable_output_is_refused_before_training(tmp_path):
    path = unwritable_path(tmp_path)
    result = run_cli(
        "parabola", "--seeds", 3, "--epochs", 1, "--out", path, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "cannot write" in result.stderr
    assert result.stdout == ""


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    for option in ["--activation", "--hidden", "--seeds", "--first-seed", "--epochs",
                   "--lr", "--momentum", "--data-seed", "--threshold", "--out",
                   "--figure", "--quiet", "parabola", "noisy", "line",
                   "--optimizer", "--batch-size", "--shuffle-seed"]:  # fmt: skip
        assert option in help_text
    # the activation names come from examples.models.ACTIVATIONS
    names = ", ".join(sorted(ACTIVATIONS))
    assert names in " ".join(help_text.split())


def test_the_size_estimate_is_refused_unless_forced(tmp_path, monkeypatch, capsys):
    """Over the soft limits a run needs --force; with it, the run goes ahead."""
    monkeypatch.setattr(study, "SOFT_SECONDS", 0.0)
    args = ["parabola", "--seeds", "2", "--epochs", "3", "--quiet"]
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "hours" in err and "--force" in err and len(err.splitlines()) == 1
    assert main([*args, "--force"]) == 0
    assert "fits" in capsys.readouterr().out


def test_the_command_line_limits_are_the_library_limits():
    """study keeps its own copies (to refuse sizes before importing torch)."""
    from examples import ensemble, models

    assert study.MAX_COPIES == ensemble.MAX_COPIES
    assert study.MAX_PARAMETERS == models.MAX_PARAMETERS


def test_ctrl_c_prints_one_line_and_leaves_no_file(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.study", "parabola", "--seeds", "200",
         "--epochs", "100000", "--out", "results.csv"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        # The progress bar's first characters on stderr: training has started.
        assert process.stderr.read(1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.replace("\r", "\n").splitlines()[-1] == (
        "python -m examples.study: interrupted"
    )
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # no CSV, no partial file


def test_a_write_error_after_training_is_one_line(tmp_path, monkeypatch, capsys):
    def full_disk(path, history, outcome):
        with study._replace_at_end(path) as f:
            f.write("seed\n")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(study, "write_csv", full_disk)
    out = tmp_path / "results.csv"
    args = ["parabola", "--seeds", "2", "--epochs", "2", "--quiet", "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == (
        f"python -m examples.study: error: cannot write {out}: "
        f"{os.strerror(errno.ENOSPC)}\n"
    )
    assert list(tmp_path.iterdir()) == []  # no CSV, no partial file


@pytest.mark.parametrize(
    ("options", "settings"),
    [
        (["--optimizer", "adam", "--lr", "0.1", "--batch-size", "11"],
         dict(optimizer="adam", lr=0.1, batch_size=11, momentum=0.0)),
        (["--batch-size", "4", "--shuffle-seed", "3", "--momentum", "0.9",
          "--lr", "0.003"],
         dict(batch_size=4, shuffle_seed=3, momentum=0.9, lr=0.003)),
    ],
)  # fmt: skip
def test_mini_batches_shuffling_and_adam_reach_the_trainer(
    tmp_path, capsys, options, settings
):
    out = tmp_path / "runs.csv"
    args = ["parabola", "--seeds", "12", "--epochs", "40", "--quiet", "--out"]
    assert main([*args, str(out), *options]) == 0
    X, y = parabola()
    history = train_ensemble(
        X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=range(12),
        num_epochs=40, **settings,
    )  # fmt: skip
    assert_rows_match(read_csv(out), history, X, y, threshold=0.1)
    first_line = capsys.readouterr().out.splitlines()[0]
    assert f"batch size {settings['batch_size']}" in first_line
    assert ("adam" in first_line) == (settings.get("optimizer") == "adam")

"""Markdown tables, and glueing a dataclass of results in one call."""

from dataclasses import dataclass

import numpy as np
import pytest

from examples.tables import glue_fields, glue_values, markdown_table


@dataclass(frozen=True)
class Result:
    runs: int
    loss: float


def test_markdown_table_checks_its_rows():
    assert markdown_table(["a"], [(0.5,)]).splitlines()[-1] == "| 0.5 |"
    with pytest.raises(ValueError, match=r"rows\[0\] has 2 cells"):
        markdown_table(["a"], [(1, 2)])


def test_glue_fields_glues_every_field_as_a_python_number(capsys):
    glued = glue_fields("demo", Result(runs=np.int64(3), loss=np.float64(4.25)))
    assert glued == {"demo_runs": 3, "demo_loss": 4.25}
    assert [type(v) for v in glued.values()] == [int, float]
    # outside a notebook, IPython's display prints each glued value's text
    printed = capsys.readouterr().out
    assert "np." not in printed


def test_glue_fields_refuses_what_is_not_a_dataclass_instance():
    with pytest.raises(ValueError, match="result must be a dataclass instance"):
        glue_fields("x", {"runs": 3})
    with pytest.raises(ValueError, match="result must be a dataclass instance"):
        glue_fields("x", Result)
    with pytest.raises(ValueError, match="prefix must be a Python name"):
        glue_fields("not a name", Result(1, 2.0))


def _read_back(value: object) -> object:
    """What a chapter test gets: tests/chapter_runner.py's reading of the text."""
    from tests.chapter_runner import _literal

    return _literal(repr(value))


def test_glue_values_glues_what_a_chapter_test_reads_back(capsys):
    @dataclass
    class Fit:
        loss: float
        steps: int

    glued = glue_values(
        loss=np.float64(0.25),
        best=None,
        ratio=float("inf"),
        worst=-np.inf,
        curve=np.array([1.0, np.nan]),
        fit=Fit(loss=np.float32(0.5), steps=np.int64(7)),
    )
    assert glued == {
        "loss": 0.25,
        "best": None,
        "ratio": "inf",
        "worst": "-inf",
        "curve": [1.0, "nan"],
        "fit_loss": 0.5,
        "fit_steps": 7,
    }
    for name, value in glued.items():
        assert _read_back(value) == value, name
    assert float(_read_back(glued["ratio"])) == float("inf")


def test_glue_values_refuses_what_a_test_could_not_read_back():
    with pytest.raises(ValueError, match="model must be a number.*got object"):
        glue_values(model=object())

"""Markdown tables, and glueing a dataclass of results in one call."""

from dataclasses import dataclass

import numpy as np
import pytest

from examples.tables import glue_fields, markdown_table


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

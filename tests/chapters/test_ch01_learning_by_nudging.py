"""The claims chapter 1 makes, checked against a fresh execution of the chapter."""

import pytest

from tests.chapter_runner import BOOK

CHAPTER = "01-learning-by-nudging.md"


def test_runs_without_errors(chapter):
    assert chapter.errors() == []
    assert chapter.images() >= 1


def test_converges_near_three_within_tolerance(chapter):
    g = chapter.glued
    assert abs(g["final_error"]) <= 0.1
    assert g["final_weight"] == pytest.approx(3.0, abs=0.1 / 3)
    assert g["final_prediction"] == pytest.approx(3.0 * g["final_weight"])
    assert 1 <= g["iterations"] <= 90


def test_inference_uses_the_learned_weight(chapter):
    g = chapter.glued
    assert g["inference_x5"] == pytest.approx(5.0 * g["final_weight"])
    assert g["inference_x5"] != 15.0


def test_zero_tolerance_never_converges_and_straddles_zero(chapter):
    g = chapter.glued
    assert g["stuck_converged"] == "False"
    assert g["stuck_low"] < 0 < g["stuck_high"]
    # "one step on either side of zero": the two errors are one nudge (3 * 0.05) apart
    assert g["stuck_high"] - g["stuck_low"] == pytest.approx(g["error_change"])
    assert g["error_change"] == pytest.approx(0.15)


def test_log_is_printed(chapter):
    out = chapter.stdout()
    assert "iteration  0" in out
    assert "stop" in out


def test_log_counts_iterations_from_zero(chapter):
    # "after 48 iterations ... its last line is iteration 47"
    g = chapter.glued
    assert g["last_iteration"] == g["iterations"] - 1
    # the log's last line (the "Try it" cell prints a sentence after the log)
    log = [ln for ln in chapter.stdout().splitlines() if ln.startswith("iteration")]
    last = log[-1]
    assert last.startswith(f"iteration {g['last_iteration']}:") and "stop" in last


def test_zero_tolerance_never_gets_within_tolerance(chapter):
    assert chapter.glued["stuck_min_error"] > 0.0


def test_animation_replays_the_run(chapter):
    html = chapter.html_outputs("bml-animation")
    assert len(html) == 1
    # one frame per iteration, plus the last frame again as the initial image
    assert html[0].count("data:image/png;base64,") == chapter.glued["iterations"] + 1


def test_exercise_solutions_claims(chapter):
    g = chapter.glued
    assert g["ex_small_iterations"] > g["ex_mid_iterations"] == g["iterations"]
    # "bounces between ... for all 500 iterations": one step (1.5) apart, both outside
    assert g["ex_big_converged"] == "False"
    assert g["ex_big_high"] - g["ex_big_low"] == pytest.approx(3 * 0.5)
    assert g["ex_big_low"] < -0.1 and g["ex_big_high"] > 0.1
    assert g["ex_neg_weight"] == pytest.approx(3.0, abs=0.05)
    assert abs(g["ex_naive_last"]) > abs(g["ex_naive_first"])  # "its error grows"
    # each proportional step multiplies the error by 1 - lr * x**2
    assert g["ex_factor"] == pytest.approx(1 - 0.05 * 9)
    assert g["ex_factor_big"] == pytest.approx(1 - 0.25 * 9)
    assert g["ex_prop_converged"] == "True"
    assert g["ex_prop_iterations"] < g["ex_mid_iterations"]


def test_converged_is_not_a_word_of_this_chapter():
    text = (BOOK / CHAPTER).read_text(encoding="utf-8")
    # "converged" is the glossary's outcome of a run, not a word for these chapters
    # (the code's NudgeResult.converged field aside)
    prose = text.replace(".converged", "").replace("_converged", "")
    assert "converg" not in prose.lower()


def test_step_explorer_has_a_figure_per_step(chapter):
    from examples.explore import STEPS

    html = chapter.html_outputs("bml-explore")
    assert len(html) == 1
    assert html[0].count('class="bml-explore__panel"') == len(STEPS)
    assert html[0].count(" hidden>") == len(STEPS) - 1


def test_steps_no_wider_than_the_band_always_stop(chapter):
    # "Up to a step of 0.0667 ... every such step stops"; larger ones may or may not
    g = chapter.glued
    assert g["try_safe"] == pytest.approx(0.2 / 3)
    stops = [float(s) for s in g["try_stops"].split(", ")]
    never = [float(s) for s in g["try_never"].split(", ")]
    lucky = [float(s) for s in g["try_lucky"].split(", ")]
    assert all(s > g["try_safe"] for s in never)
    assert lucky and all(s in stops and s > g["try_safe"] for s in lucky)
    assert min(stops) == g["try_smallest"] and max(never) == g["try_largest"]
    assert g["try_small_iterations"] <= 300


def test_reader_cell_describes_its_step(chapter):
    assert "Step 0.07: the error is within tolerance (0.1) after" in chapter.stdout()

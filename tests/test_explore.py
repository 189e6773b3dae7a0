"""The explorers: their data are the package's own runs, their HTML is complete."""

import re
from html.parser import HTMLParser

import pytest

from examples.data import line_data
from examples.explore import (
    Control,
    Explorer,
    Panel,
    describe_nudging,
    learning_rate_explorer,
    lr_momentum_run,
    step_size_explorer,
    step_size_runs,
)
from examples.models import LinearModel
from examples.scratch import learn_by_nudging
from examples.training import TrainingDivergedError, train_per_sample


class _Panels(HTMLParser):
    """The panels of an explorer's HTML: their data-* attributes and visibility."""

    def __init__(self):
        super().__init__()
        self.panels = []
        self.inputs = []
        self.labels = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "bml-explore__panel" in (a.get("class") or ""):
            self.panels.append(a)
        if tag == "input":
            self.inputs.append(a)
        if tag == "label":
            self.labels.append(a.get("for"))


def parse(explorer):
    parser = _Panels()
    parser.feed(explorer.to_html())
    return parser


@pytest.fixture(scope="module")
def steps():
    return step_size_explorer(steps=(0.01, 0.05, 0.08, 0.5))


@pytest.fixture(scope="module")
def rates():
    return learning_rate_explorer(
        lrs=(0.01, 0.06), momentums=(0.0, 0.9), default=(0.01, 0.0), num_epochs=40
    )


@pytest.mark.parametrize("step", [0.01, 0.05, 0.08, 0.5])
def test_step_panels_are_learn_by_nudging(steps, step):
    expected = learn_by_nudging(
        x=3.0, y=9.0, step=step, tolerance=0.1, max_iterations=300, seed=0
    )
    panel = next(p for p in parse(steps).panels if p["data-step"] == f"{step:g}")
    assert panel["data-iterations"] == str(expected.iterations)
    assert panel["data-converged"] == str(expected.converged).lower()
    assert float(panel["data-final-error"]) == expected.final_error
    assert steps.panels[(step,)].summary == describe_nudging(expected)
    # the drawn line has one point per iteration
    svg = steps.panels[(step,)].svg
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert len(points) == expected.iterations


def test_small_steps_stop_and_a_large_one_never_does(steps):
    runs = step_size_runs(steps=(0.01, 0.05, 0.5))
    assert runs[0.01].converged and runs[0.05].converged
    assert not runs[0.5].converged
    assert runs[0.01].iterations > runs[0.05].iterations


def _train(lr, momentum, epochs):
    X, y = line_data(weight=3.0, n=6)
    model = LinearModel(bias=True, seed=0)
    history = train_per_sample(model, X, y, lr=lr, momentum=momentum, num_epochs=epochs)
    return model, history


@pytest.mark.parametrize(("lr", "momentum"), [(0.01, 0.0), (0.01, 0.9), (0.06, 0.0)])
def test_training_panels_are_train_per_sample(rates, lr, momentum):
    panel = next(
        p
        for p in parse(rates).panels
        if p["data-key"] == f"lr={lr:g}|momentum={momentum:g}"
    )
    try:
        model, history = _train(lr, momentum, 40)
    except TrainingDivergedError as error:
        assert panel["data-outcome"] == "diverged"
        assert f"epoch {panel['data-diverged-at']}:" in str(error)
        return
    assert panel["data-outcome"] in ("fell", "grew")
    assert float(panel["data-final-loss"]) == history.loss[-1]


def test_a_diverged_run_keeps_its_loss_up_to_the_overflow():
    run = lr_momentum_run(0.06, 0.9, num_epochs=201)
    assert run.outcome == "diverged"
    with pytest.raises(TrainingDivergedError, match=f"epoch {run.diverged_at}:"):
        _train(0.06, 0.9, 201)
    assert len(run.loss) == run.diverged_at
    if run.loss:
        assert list(run.loss) == _train(0.06, 0.9, run.diverged_at)[1].loss


def test_the_chapter_setting_fits(rates):
    run = lr_momentum_run(0.01, 0.2, num_epochs=201)
    model, history = _train(0.01, 0.2, 201)
    assert run.outcome == "fell"
    assert run.loss == tuple(history.loss)
    assert run.weight == model.weight


def test_html_has_one_labelled_control_per_setting_and_one_visible_panel(rates):
    parsed = parse(rates)
    assert len(parsed.inputs) == 2
    assert parsed.labels == [i["id"] for i in parsed.inputs]
    assert len(parsed.panels) == 4
    visible = [p for p in parsed.panels if "hidden" not in p]
    assert [p["data-key"] for p in visible] == ["lr=0.01|momentum=0"]
    html = rates.to_html()
    assert html.count('role="img" aria-label="') == 4
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_every_alt_text_names_its_setting(steps):
    for (step,), panel in steps.panels.items():
        assert f"step of {step:g}" in panel.alt


def test_html_is_deterministic():
    a = step_size_explorer(steps=(0.05, 0.5)).to_html()
    assert a == step_size_explorer(steps=(0.05, 0.5)).to_html()


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="default of step"):
        Control("step", "Step", (0.1, 0.2), 0.3)
    with pytest.raises(ValueError, match="label"):
        Control("step", " ", (0.1, 0.2), 0.1)
    with pytest.raises(ValueError, match="panels must cover"):
        Explorer(
            "x",
            (Control("step", "Step", (0.1, 0.2), 0.1),),
            {(0.1,): Panel("", "alt", "s")},
        )
    with pytest.raises(ValueError, match="max_iterations"):
        step_size_explorer(max_iterations=0)
    with pytest.raises(ValueError, match="step"):
        step_size_runs(steps=(0.05, -1.0))


@pytest.mark.parametrize(("noise", "seed"), [(0.25, 0), (1.0, 3), (2.0, 9)])
def test_noise_panels_are_least_squares_of_the_noisy_line(noise, seed):
    from examples.data import noisy_line
    from examples.explore import noise_explorer
    from examples.least_squares import least_squares_line

    explorer = noise_explorer(noises=(0.25, 1.0, 2.0), seeds=(0, 3, 9))
    X, y = noisy_line(n=10, noise=noise, seed=seed)
    weight, bias = least_squares_line(X, y)
    panel = next(
        p
        for p in parse(explorer).panels
        if p["data-key"] == f"noise={noise:g}|seed={seed}"
    )
    assert float(panel["data-weight"]) == weight
    assert float(panel["data-bias"]) == bias
    svg = explorer.panels[(noise, seed)].svg
    assert svg.count('class="bml-explore__point"') == len(X)

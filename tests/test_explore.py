"""The explorers: their data are the package's own runs, their HTML is complete."""

import re
from html.parser import HTMLParser

import numpy as np
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
    with pytest.raises(TrainingDivergedError, match=f"epoch {run.diverged_at}:") as e:
        _train(0.06, 0.9, 201)
    assert e.value.epoch == run.diverged_at
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


# ---------------------------------------------------------------------------------
# Chapter 4: the seeds of the 1-2-1 network


@pytest.fixture(scope="module")
def parabola_runs():
    from examples.convergence import straight_line_loss
    from examples.data import parabola
    from examples.ensemble import train_ensemble

    X, y = parabola(-5, 5)
    runs = train_ensemble(
        X,
        y,
        sizes=(1, 2, 1),
        activations="sigmoid",
        seeds=range(6),
        lr=0.01,
        momentum=0.1,
        num_epochs=300,
    )
    return X, y, runs, straight_line_loss(X, y)


@pytest.fixture(scope="module")
def seeds_explorer(parabola_runs):
    from examples.explore import seed_explorer

    X, y, runs, line_loss = parabola_runs
    return seed_explorer(runs, X, y, line_loss, default=2)


def _ys(points):
    return [float(p.split(",")[1]) for p in points.split()]


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_seed_panels_are_the_runs_of_mlp_and_train_per_sample(
    parabola_runs, seeds_explorer, seed
):
    from examples.explore import _FIT_AXES, FIT_GRID, describe_seed
    from examples.models import mlp
    from examples.outcomes import classify_runs
    from examples.training import predict

    X, y, runs, line_loss = parabola_runs
    model = mlp((1, 2, 1), "sigmoid", seed=seed)
    history = train_per_sample(model, X, y, lr=0.01, momentum=0.1, num_epochs=300)
    panel = next(
        p for p in parse(seeds_explorer).panels if p["data-key"] == f"seed={seed}"
    )
    final = history.loss[-1]
    assert float(runs.final_loss[seed]) == pytest.approx(final, rel=1e-5)
    assert panel["data-outcome"] == classify_runs([final], line_loss)[0]
    assert seeds_explorer.panels[(seed,)].summary == describe_seed(
        seed, float(runs.final_loss[seed]), line_loss
    )
    # the curve drawn is the trained network's prediction, y pixel by y pixel
    fit_ys = [float(v) for v in panel["data-lines"].split(";")[0].split()]
    expected = [_FIT_AXES._y(v) for v in predict(model, list(FIT_GRID))]
    assert fit_ys == pytest.approx(expected, abs=0.51)  # whole pixels


def test_compact_explorer_writes_one_figure_and_the_lines_of_the_others(
    seeds_explorer,
):
    parsed = parse(seeds_explorer)
    html = seeds_explorer.to_html()
    assert len(parsed.panels) == 6
    assert html.count("<svg") == 1  # the default's; the script draws the rest
    visible = [p for p in parsed.panels if "hidden" not in p]
    assert [p["data-key"] for p in visible] == ["seed=2"]
    default = seeds_explorer.panels[(2,)]
    # the default figure's moving lines are the ones its panel lists
    drawn = re.findall(r'class="bml-explore__line" points="([^"]+)"', default.svg)
    assert [_ys(d) for d in drawn] == [
        [float(v) for v in line.split()] for line in default.lines
    ]
    for (seed,), panel in seeds_explorer.panels.items():
        assert panel.alt.startswith(f"{panel.summary} ")
        assert panel.summary.startswith(f"Seed {seed} ")
    for p in parsed.panels:
        assert len(p["data-lines"].split(";")) == 2


def test_seed_explorer_outcomes_match_classify_runs(parabola_runs):
    from examples.explore import seed_runs
    from examples.outcomes import classify_runs

    X, y, runs, line_loss = parabola_runs
    got = [r.outcome for r in seed_runs(runs, line_loss)]
    assert got == classify_runs(runs.final_loss, line_loss).tolist()


def test_describe_seed_names_the_outcome():
    from examples.explore import describe_seed

    assert "Seed 3 fits" in describe_seed(3, 2.0, 78.0)
    assert "ends as a straight line" in describe_seed(3, 77.0, 78.0)
    assert "ends in between" in describe_seed(3, 40.0, 78.0)


# ---------------------------------------------------------------------------------
# Chapter 7: width and depth


@pytest.fixture(scope="module")
def shapes(parabola_runs):
    from examples.explore import architecture_explorer

    X, y, _, line_loss = parabola_runs
    return architecture_explorer(
        X, y, line_loss, widths=(1, 4), depths=(1, 2), seeds=range(4),
        default=(4, 1), num_epochs=200,
    )  # fmt: skip


@pytest.mark.parametrize(("width", "depth"), [(1, 1), (4, 2)])
def test_shape_panels_count_the_outcomes_of_each_seed(
    parabola_runs, shapes, width, depth
):
    from examples.models import mlp
    from examples.outcomes import classify_runs

    X, y, _, line_loss = parabola_runs
    sizes = (1,) + (width,) * depth + (1,)
    finals = []
    for seed in range(4):
        model = mlp(sizes, "relu", seed=seed)
        history = train_per_sample(model, X, y, lr=0.001, momentum=0.1, num_epochs=200)
        finals.append(history.loss[-1])
    labels = classify_runs(finals, line_loss).tolist()
    panel = next(
        p
        for p in parse(shapes).panels
        if p["data-key"] == f"width={width}|depth={depth}"
    )
    for name, outcome in (("fits", "fits"), ("in-between", "in between"),
                          ("straight-line", "straight line")):  # fmt: skip
        assert panel[f"data-{name}"] == str(labels.count(outcome))
    alt = shapes.panels[(width, depth)].alt
    assert f"width {width} and depth {depth}" in alt
    # one curve per seed that did not diverge, plus the dotted parabola
    assert shapes.panels[(width, depth)].svg.count("<polyline") == 4 + 1


def test_first_seeds_are_the_runs_of_those_seeds_alone(parabola_runs):
    from examples.explore import first_seeds

    X, y, runs, _ = parabola_runs
    head = first_seeds(runs, 3)
    alone = train_ensemble_like(X, y, range(3))
    assert head.final_loss.tolist() == alone.final_loss.tolist()
    assert head.predict([0.0, 1.0]).tolist() == alone.predict([0.0, 1.0]).tolist()
    with pytest.raises(ValueError, match="n must be at most 6"):
        first_seeds(runs, 7)


def train_ensemble_like(X, y, seeds):
    from examples.ensemble import train_ensemble

    return train_ensemble(
        X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=seeds,
        lr=0.01, momentum=0.1, num_epochs=300,
    )  # fmt: skip


def test_architecture_names_its_arguments():
    from examples.explore import architecture

    assert architecture(10, 2) == (1, 10, 10, 1)
    with pytest.raises(ValueError, match="width"):
        architecture(0, 2)
    with pytest.raises(ValueError, match="depth"):
        architecture(3, 0)


# ---------------------------------------------------------------------------------
# Chapter 9: activation and learning rate


@pytest.mark.parametrize(("name", "lr"), [("tanh", 0.003), ("relu", 0.01)])
def test_activation_panels_count_the_outcomes_of_each_seed(parabola_runs, name, lr):
    from examples.explore import activation_explorer, describe_activation
    from examples.models import mlp
    from examples.outcomes import classify_runs

    X, y, _, line_loss = parabola_runs
    explorer = activation_explorer(
        X, y, line_loss, ("tanh", "relu"), lrs=(0.003, 0.01), seeds=range(3),
        default=("tanh", 0.003), num_epochs=50,
    )  # fmt: skip
    finals = []
    for seed in range(3):
        model = mlp((1, 10, 10, 1), name, seed=seed)
        history = train_per_sample(model, X, y, lr=lr, momentum=0.1, num_epochs=50)
        finals.append(history.loss[-1])
    labels = classify_runs(finals, line_loss).tolist()
    panel = next(
        p
        for p in parse(explorer).panels
        if p["data-key"] == f"activation={name}|lr={lr:g}"
    )
    assert panel["data-fits"] == str(labels.count("fits"))
    assert panel["data-straight-line"] == str(labels.count("straight line"))
    assert f"{name} network with a learning rate of {lr:g}" in (
        explorer.panels[(name, lr)].alt
    )
    summary = explorer.panels[(name, lr)].summary
    assert summary.startswith(f"{name}, learning rate {lr:g}: of 3 seeds, ")
    assert summary == describe_activation(
        _activation_alone(X, y, name, lr), line_loss, lr
    )


def _activation_alone(X, y, name, lr):
    from examples.explore import activation_runs

    return activation_runs(X, y, name, lr, seeds=range(3), num_epochs=50)


def test_a_control_of_names_shows_the_names():
    control = Control("activation", "Activation", ("relu", "tanh"), "tanh")
    assert [control.text(v) for v in control.values] == ["relu", "tanh"]


# ---------------------------------------------------------------------------------
# Chapter 10: the classifier's width and seed


@pytest.fixture(scope="module")
def moons():
    from examples.classification import split_data, train_many, two_moons

    X, y = two_moons(n=400, noise=0.2, seed=0)
    split = split_data(X, y, val=0.25, test=0.25, seed=0)
    runs = {
        w: train_many(split, (2, w, 1), "tanh", seeds=range(3), lr=0.5,
                      momentum=0.9, num_epochs=60)
        for w in (2, 3)
    }  # fmt: skip
    return split, runs


@pytest.mark.parametrize(("width", "seed"), [(2, 0), (3, 2)])
def test_classifier_panels_are_train_classifier(moons, width, seed):
    from examples.classification import evaluate, train_classifier
    from examples.explore import classifier_explorer, decision_boundary
    from examples.models import mlp

    split, runs = moons
    explorer = classifier_explorer(runs, *split.test, seeds=range(3))
    model = mlp((2, width, 1), "tanh", seed=seed)
    train_classifier(model, split, lr=0.5, momentum=0.9, num_epochs=60)
    _, test_accuracy = evaluate(model, *split.test)
    panel = next(
        p
        for p in parse(explorer).panels
        if p["data-key"] == f"width={width}|seed={seed}"
    )
    assert float(panel["data-test-accuracy"]) == pytest.approx(test_accuracy)
    # the boundary drawn is where the trained model's logit is zero
    lines = decision_boundary(model)
    assert lines and all(len(line) > 1 for line in lines)
    import torch

    with torch.no_grad():
        logit = model(torch.tensor(np.vstack(lines), dtype=torch.float32))
    assert np.abs(logit.numpy()).max() < 0.5
    path = explorer.panels[(width, seed)].paths[0]
    assert path.count("M") == len(lines)
    alt = explorer.panels[(width, seed)].alt
    assert alt.startswith(f"2-{width}-1 tanh network, seed {seed}: test accuracy")


def test_classifier_explorer_is_compact(moons):
    from examples.explore import classifier_explorer

    split, runs = moons
    explorer = classifier_explorer(runs, *split.test, seeds=range(3), default=(3, 1))
    html = explorer.to_html()
    assert html.count("<svg") == 1
    assert html.count("<circle") + html.count("<rect x") == len(split.test[1])


def test_a_compact_panel_whose_alt_is_not_its_summary_is_refused():
    control = Control("seed", "Seed", (0, 1), 0)
    panels = {
        (k,): Panel("x</svg>", f"s{k} end", f"s{k}", lines=("1",)) for k in (0, 1)
    }
    assert "s1 end" not in Explorer("x", (control,), panels, "", True, "end").to_html()
    panels[(1,)] = Panel("x</svg>", "other", "s1", lines=("1",))
    with pytest.raises(ValueError, match="alt_suffix; seed=1"):
        Explorer("x", (control,), panels, "", True, "end").to_html()


# ---------------------------------------------------------------------------------
# Chapter 6: the setting and the seed, from compare_settings' own runs


@pytest.fixture(scope="module")
def setting_results():
    from examples.data import parabola
    from examples.mini_batches import SETTINGS, compare_settings

    X, y = parabola(-5, 5)
    chosen = [SETTINGS[0], SETTINGS[4]]  # per sample in order; full batch, m 0.9
    results = compare_settings(X, y, chosen, seeds=range(6), num_epochs=300)
    return X, y, results


@pytest.fixture(scope="module")
def settings_panels(setting_results):
    from examples.explore import settings_explorer

    X, y, results = setting_results
    return settings_explorer(
        results, X, y, seeds=(0, 3, 5), default=("full batch, m 0.9", 3)
    )


@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("seed", [0, 5])
def test_settings_panels_are_that_seed_trained_alone(
    setting_results, settings_panels, index, seed
):
    from examples.ensemble import train_ensemble
    from examples.explore import _FIT_AXES, FIT_GRID, describe_setting_run
    from examples.outcomes import classify_runs

    X, y, results = setting_results
    result = results[index]
    s = result.setting
    alone = train_ensemble(
        X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=[seed], lr=s.lr,
        num_epochs=300, batch_size=s.batch_size, shuffle_seed=s.shuffle_seed,
        optimizer=s.optimizer, momentum=s.momentum,
    )  # fmt: skip
    final = float(alone.final_loss[0])
    key = f"setting={s.name}|seed={seed}"
    panel = next(p for p in parse(settings_panels).panels if p["data-key"] == key)
    assert float(panel["data-final-loss"]) == pytest.approx(final, rel=1e-5)
    assert panel["data-outcome"] == classify_runs([final], result.line_loss)[0]
    summary = settings_panels.panels[(s.name, seed)].summary
    assert summary == describe_setting_run(result, seed)
    assert summary.startswith(f"{s.name}, seed {seed} ")
    # the curve drawn is that network's prediction, y pixel by y pixel
    fit_ys = [float(v) for v in panel["data-lines"].split(";")[0].split()]
    expected = [_FIT_AXES._y(v) for v in alone.predict(list(FIT_GRID))[0]]
    assert fit_ys == pytest.approx(expected, abs=1.01)  # whole pixels, float32
    assert panel["data-titles"].startswith(f"{s.name}, seed {seed}|")


def test_settings_explorer_is_compact_and_its_alt_follows_the_setting(
    settings_panels,
):
    from examples.explore import SETTING_ALT

    parsed = parse(settings_panels)
    assert len(parsed.panels) == 2 * 3
    assert settings_panels.to_html().count("<svg") == 1
    visible = [p for p in parsed.panels if "hidden" not in p]
    assert [p["data-key"] for p in visible] == ["setting=full batch, m 0.9|seed=3"]
    alts = {p.alt for p in settings_panels.panels.values()}
    assert len(alts) == 6
    for panel in settings_panels.panels.values():
        assert panel.alt == f"{panel.summary} {SETTING_ALT}"
    assert "full batch, m 0.9, seed 3" in settings_panels.note
    assert "website" in settings_panels.note


def test_describe_setting_run_counts_the_first_fitting_epoch(setting_results):
    from examples.explore import describe_setting_run

    X, y, results = setting_results
    for result in results:
        for seed in range(6):
            first = int(result.epochs_to_fit[seed])
            text = describe_setting_run(result, seed)
            if first > 0:
                assert f"first below the fit threshold in epoch {first}." in text
            else:
                assert text.endswith("never below the fit threshold.")


def test_settings_explorer_rejects_results_without_runs_or_seeds(
    setting_results,
):
    import dataclasses

    from examples.explore import describe_setting_run, settings_explorer

    X, y, results = setting_results
    bare = [dataclasses.replace(r, runs=None) for r in results]
    with pytest.raises(ValueError, match="runs"):
        settings_explorer(bare, X, y, seeds=(0, 1))
    with pytest.raises(ValueError, match="seed must be one of the seeds"):
        describe_setting_run(results[0], 6)
    with pytest.raises(ValueError, match="results"):
        settings_explorer([], X, y)


# ---------------------------------------------------------------------------------
# Chapter 5: the nudge of finite differences


@pytest.fixture(scope="module")
def nudge_setup():
    from examples.backprop import network_parameters
    from examples.data import parabola
    from examples.explore import EPSILONS, nudge_curves, nudge_explorer
    from examples.models import mlp

    X, y = parabola(-5, 5)
    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    errors = nudge_curves(p, X[0], y[0], EPSILONS)
    return p, X[0], y[0], errors, nudge_explorer(p, X[0], y[0], EPSILONS, 1e-6)


def test_the_nudges_are_a_log_grid_from_1e_12_to_0_1():
    from examples.explore import EPSILONS

    assert EPSILONS[0] == 1e-12 and EPSILONS[-1] == 0.1
    assert len(EPSILONS) == 23 and list(EPSILONS) == sorted(set(EPSILONS))
    steps = np.diff(np.log10(EPSILONS))
    assert np.all((steps > 0.45) & (steps < 0.55))  # 1, 3, 10, 30, ...
    assert all(f"{e:.0e}"[0] in "13" and float(f"{e:.0e}") == e for e in EPSILONS)


def test_nudge_errors_are_the_packages_finite_difference_errors(nudge_setup):
    from examples.backprop import finite_difference_errors

    p, x, y, errors, _ = nudge_setup
    for dtype in ("float64", "float32"):
        expected = finite_difference_errors(p, x, y, errors.eps, dtype)
        assert getattr(errors, dtype) == tuple(expected)
    assert errors.best("float64") == errors.eps[int(np.argmin(errors.float64))]
    assert errors.best("float32") > errors.best("float64")


def test_the_dominant_error_follows_the_eps_squared_law_of_truncation(nudge_setup):
    # Truncation alone falls like eps**2 (from the largest nudge, where rounding is
    # negligible): where the label says truncation dominates, the error follows
    # that law; where it says rounding dominates, the error is well above it.
    _, _, _, errors, _ = nudge_setup
    for dtype in ("float64", "float32"):
        values = getattr(errors, dtype)
        law = [values[-1] * (e / errors.eps[-1]) ** 2 for e in errors.eps]
        for eps, error, trunc in zip(errors.eps, values, law, strict=True):
            dominant = errors.dominant(eps, dtype)
            if dominant == "truncation":
                assert trunc / 2 < error < 2 * trunc, (dtype, eps)
            elif dominant == "rounding":
                assert error > 2 * trunc, (dtype, eps)
            else:
                assert eps == errors.best(dtype)


def test_nudge_explorer_panels_hold_each_nudges_errors(nudge_setup):
    from examples.explore import NUDGE_ALT, _nudge_marker, describe_nudge

    _, _, _, errors, explorer = nudge_setup
    assert explorer.compact and explorer.default == (1e-6,)
    parsed = parse(explorer)
    assert len(parsed.panels) == len(errors.eps)
    assert explorer.to_html().count("<svg") == 1
    for k, (attrs, eps) in enumerate(zip(parsed.panels, errors.eps, strict=True)):
        assert attrs["data-key"] == f"eps={eps:g}"
        assert float(attrs["data-error64"]) == errors.float64[k]
        assert float(attrs["data-error32"]) == errors.float32[k]
        assert attrs["data-dominant32"] == errors.dominant(eps, "float32")
        assert attrs["data-paths"] == ";".join(_nudge_marker(errors, k))
        panel = explorer.panels[(eps,)]
        assert panel.summary == describe_nudge(errors, eps)
        assert panel.alt == f"{panel.summary} {NUDGE_ALT}"
        assert f"{errors.float32[k]:.2g} in float32" in panel.summary
    assert "1e-06" in explorer.note and "website" in explorer.note
    assert [i["aria-valuetext"] for i in parsed.inputs] == ["1e-06"]


def test_the_nudge_marker_sits_on_both_curves(nudge_setup):
    import math

    from examples.explore import _EPS_AXES, _nudge_marker

    _, _, _, errors, explorer = nudge_setup
    svg = explorer.panels[(1e-6,)].svg
    k = errors.eps.index(1e-6)
    line, dot64, dot32 = _nudge_marker(errors, k)
    x = _EPS_AXES._x(math.log10(1e-6))
    assert line.startswith(f"M{x:.1f}".rstrip("0").rstrip("."))
    for dot, error in ((dot64, errors.float64[k]), (dot32, errors.float32[k])):
        y = float(dot[1:-2].split(",")[1])
        assert y == pytest.approx(_EPS_AXES._y(error), abs=0.06)
        assert f'd="{dot}"' in svg
    # each curve (float64, then float32) passes through its dot
    curves = re.findall(r'<polyline points="([^"]+)"', svg)
    assert len(curves) == 2
    for points, dot in zip(curves, (dot64, dot32), strict=True):
        assert len(points.split()) == len(errors.eps)
        assert points.split()[k] == dot[1:-2]


def test_nudge_explorer_is_compact_and_deterministic(nudge_setup):
    from examples.explore import nudge_explorer

    p, x, y, _, explorer = nudge_setup
    assert explorer.nbytes < 25_000
    assert nudge_explorer(p, x, y).to_html() == explorer.to_html()


def test_describe_nudge_refuses_a_nudge_not_computed(nudge_setup):
    from examples.explore import describe_nudge, nudge_curves

    p, x, y, errors, _ = nudge_setup
    with pytest.raises(ValueError, match="^eps"):
        describe_nudge(errors, 2e-6)
    with pytest.raises(ValueError, match="^eps_values"):
        nudge_curves(p, x, y, (1e-3, 1e-4))


# Chapter 8: the same network with each activation, or with none


@pytest.fixture(scope="module")
def shape_explorer():
    from examples.collapse import best_line_loss
    from examples.data import parabola
    from examples.explore import activation_shape_explorer

    X, y = parabola()
    line_loss = best_line_loss(X, y)
    explorer = activation_shape_explorer(
        X, y, line_loss, names=("identity", "tanh", "relu"), default="tanh",
        num_epochs=20,
    )  # fmt: skip
    return X, y, line_loss, explorer


@pytest.mark.parametrize("name", ["identity", "tanh", "relu"])
def test_shape_panels_draw_the_formulas_and_the_network_trained_alone(
    shape_explorer, name
):
    from examples.activations import closed_form, closed_form_derivative
    from examples.explore import _FIT_AXES, _SHAPE_AXES, NETWORK_GRID, SHAPE_GRID
    from examples.models import mlp
    from examples.training import predict

    X, y, _, explorer = shape_explorer
    panel = next(
        p for p in parse(explorer).panels if p["data-key"] == f"activation={name}"
    )
    function, slope, network = (
        [float(v) for v in line.split()] for line in panel["data-lines"].split(";")
    )
    # the function and its slope, against the formulas derived by hand
    for drawn, values in (
        (function, closed_form(name, SHAPE_GRID)),
        (slope, closed_form_derivative(name, SHAPE_GRID)),
    ):
        assert drawn == pytest.approx([_SHAPE_AXES._y(v) for v in values], abs=0.51)
    # the network's curve, against the same network trained by the one-model loop
    # (over 20 epochs: a 1-10-10-1 copy in the ensemble drifts from its twin over
    # long runs, as chapter 8 says, since batched operations round in another order)
    model = mlp((1, 10, 10, 1), name, seed=0)
    history = train_per_sample(model, X, y, lr=0.001, momentum=0.1, num_epochs=20)
    assert float(panel["data-final-loss"]) == pytest.approx(history.loss[-1], rel=1e-5)
    expected = [_FIT_AXES._y(v) for v in predict(model, list(NETWORK_GRID))]
    assert network == pytest.approx(expected, abs=1.01)  # whole pixels, float32


def test_only_the_network_without_an_activation_is_a_straight_line(shape_explorer):
    from examples.collapse import collapse_to_line
    from examples.explore import activation_shape_run

    X, y, _, explorer = shape_explorer
    straight = {p["data-key"]: p["data-straight"] for p in parse(explorer).panels}
    assert straight == {
        "activation=identity": "true",
        "activation=tanh": "false",
        "activation=relu": "false",
    }
    weight, bias = collapse_to_line(
        activation_shape_run(X, y, "identity", num_epochs=20).model(0)
    )
    summary = explorer.panels[("identity",)].summary
    assert summary.startswith("No activation (identity): f(x) = x")
    sign = "+" if bias >= 0 else "−"
    assert f"is one straight line, ŷ = {weight:.4f} x {sign} {abs(bias):.2f}" in (
        summary
    )
    for name in ("tanh", "relu"):
        assert " network bends: it strays up to " in explorer.panels[(name,)].summary


def test_shape_explorer_is_compact_and_its_alt_follows_the_setting(shape_explorer):
    from examples.explore import SHAPE_ALT

    *_, explorer = shape_explorer
    html = explorer.to_html()
    assert html.count("<svg") == 1
    parsed = parse(explorer)
    assert [p["data-key"] for p in parsed.panels if "hidden" not in p] == [
        "activation=tanh"
    ]
    for p in parsed.panels:
        assert len(p["data-lines"].split(";")) == 3
    for (name,), panel in explorer.panels.items():
        assert panel.alt == f"{panel.summary} {SHAPE_ALT}"
        label = {"identity": "identity", "tanh": "tanh", "relu": "ReLU"}[name]
        assert panel.titles == (
            f"{label} and its slope",
            f"The network with {label}, trained",
        )
    assert "shows tanh" in explorer.note and "3 settings" in explorer.note


def test_is_straight_tells_a_line_from_a_curve():
    from examples.explore import is_straight

    grid = np.linspace(-5.0, 5.0, 41)
    assert is_straight(grid, 1e3 * grid + 7.0)
    assert is_straight(grid, 10.0 + 1e-5 * np.cos(grid))  # float32 rounding
    assert not is_straight(grid, 10.0 + 0.1 * np.abs(grid))


def test_shape_functions_name_their_arguments(shape_explorer):
    from examples.ensemble import train_ensemble
    from examples.explore import activation_shape_run, describe_activation_shape

    X, y, line_loss, _ = shape_explorer
    with pytest.raises(ValueError, match="name must be one of identity, sigmoid"):
        activation_shape_run(X, y, "softsign")
    two = train_ensemble(
        X,
        y,
        sizes=(1, 10, 10, 1),
        activations="relu",
        seeds=[0, 1],
        lr=0.001,
        num_epochs=2,
    )
    with pytest.raises(ValueError, match="runs must hold one copy, got 2"):
        describe_activation_shape(two, line_loss)


def test_the_plain_text_of_an_explorer_is_short_and_names_its_default(
    seeds_explorer, rates
):
    # A notebook stores the plain text beside the HTML: every panel in it made the
    # downloaded chapter 4 notebook 8 MB.
    for explorer in (seeds_explorer, rates):
        text = repr(explorer)
        assert len(text) < 600, len(text)
        assert explorer.panels[explorer.default].summary in text
        for control in explorer.controls:
            assert f"{control.name} ({len(control.values)} values" in text

import matplotlib

matplotlib.use("Agg")

import io  # noqa: E402
import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from examples.animation import (  # noqa: E402
    PAGE_BUDGET_BYTES,
    Animation,
    TrainingScene,
    animate,
    frame_indices,
    render_frames,
    training_animation,
)
from examples.data import line_data  # noqa: E402
from examples.models import LinearModel  # noqa: E402
from examples.plotting import use_book_style  # noqa: E402
from examples.scratch import (  # noqa: E402
    NudgingScene,
    learn_by_nudging,
    nudging_animation,
)
from examples.training import History, train_per_sample  # noqa: E402


@pytest.fixture(scope="module")
def nudged():
    return learn_by_nudging(x=3.0, y=9.0, step=0.05, tolerance=0.1, seed=0)


@pytest.fixture(scope="module")
def trained():
    X, y = line_data(weight=3.0, n=6)
    model = LinearModel(bias=True, seed=0)
    history = train_per_sample(model, X, y, lr=0.01, momentum=0.2, num_epochs=201)
    return history, X, y


def _tilting_line(num_frames=3):
    fig, ax = plt.subplots(figsize=(2, 1))
    (line,) = ax.plot([0, 1], [0, 0])
    ax.set_ylim(-1, num_frames)
    return fig, (lambda i: line.set_ydata([0, i]))


def test_render_frames_gives_palette_pngs_of_the_figure_size():
    fig, update = _tilting_line()
    frames = render_frames(fig, update, 3, colors=16)
    plt.close(fig)
    assert len(frames) == 3
    for frame in frames:
        with Image.open(io.BytesIO(frame)) as image:
            assert image.format == "PNG"
            assert image.mode == "P"  # a palette image, not full colour
            assert image.size == (200, 100)
            assert len(image.getcolors()) <= 16
            assert image.convert("RGB").getpixel((0, 0)) == (255, 255, 255)
    assert len(set(frames)) == 3  # each frame drew something different


def test_rendering_is_deterministic():
    first = render_frames(*_tilting_line(), 3)
    second = render_frames(*_tilting_line(), 3)
    plt.close("all")
    assert first == second


def test_animate_closes_its_figure():
    fig, update = _tilting_line()
    animate(fig, update, 2, alt="A line that tilts upwards.")
    assert not plt.fignum_exists(fig.number)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_frames": 0}, "num_frames"),
        ({"colors": 1}, "colors"),
        ({"colors": 300}, "colors"),
        ({"alt": "plot.png"}, "alt"),
        ({"alt": ""}, "alt"),
        ({"interval_ms": 0}, "interval_ms"),
    ],
)
def test_animate_rejects_bad_arguments(kwargs, message):
    fig, update = _tilting_line()
    args = {"num_frames": 2, "alt": "A line that tilts upwards."} | kwargs
    with pytest.raises(ValueError, match=message):
        animate(fig, update, **args)
    plt.close("all")


def test_animation_rejects_frames_that_are_not_png():
    with pytest.raises(ValueError, match="frames"):
        Animation((), alt="An empty animation here.")
    with pytest.raises(ValueError, match=r"frames\[0\]"):
        Animation((b"GIF89a",), alt="A frame in the wrong format.")


def test_html_player_has_every_frame_labelled_controls_and_escaped_alt():
    fig, update = _tilting_line(4)
    anim = animate(fig, update, 4, alt='A line "tilts" <up> & stops.')
    page = anim.to_html()
    assert anim._repr_html_() == page
    sources = re.findall(r"data:image/png;base64,[A-Za-z0-9+/=]+", page)
    # every frame once in the script, and the last one again as the initial image
    assert len(sources) == 5
    assert sources[0] == sources[-1]
    assert 'alt="A line &quot;tilts&quot; &lt;up&gt; &amp; stops."' in page
    assert 'max="3"' in page and 'value="3"' in page
    for name in ("Play", "Previous", "Next"):
        assert f">{name}</button>" in page
    assert "<label>Frame <input" in page
    assert "prefers-reduced-motion" in page
    assert anim.nbytes == len(page.encode())


def test_two_animations_on_a_page_get_different_ids():
    one = animate(*_tilting_line(2), 2, alt="A line that tilts upwards.")
    two = animate(*_tilting_line(3), 3, alt="A line that tilts upwards.")
    ids = [re.search(r'id="(bml-anim-[0-9a-f]+)"', a.to_html())[1] for a in (one, two)]
    assert ids[0] != ids[1]


@pytest.mark.parametrize(
    ("num_items", "num_frames"), [(201, 40), (201, 8), (48, 48), (5, 2), (1000, 3)]
)
def test_frame_indices_keep_the_ends_and_are_denser_early(num_items, num_frames):
    indices = frame_indices(num_items, num_frames)
    assert indices[0] == 0 and indices[-1] == num_items - 1
    assert len(indices) == min(num_items, num_frames)
    assert indices == sorted(set(indices))
    gaps = np.diff(indices)
    assert gaps[0] <= gaps[-1]


def test_frame_indices_reject_bad_arguments():
    with pytest.raises(ValueError, match="num_items"):
        frame_indices(0, 3)
    with pytest.raises(ValueError, match="num_frames"):
        frame_indices(10, 0)
    assert frame_indices(10, 1) == [9]


def test_nudging_scene_draws_the_line_of_each_iteration(nudged):
    use_book_style()
    scene = NudgingScene(nudged)
    try:
        for i in (0, 10, nudged.iterations - 1):
            scene.update(i)
            xs, ys = scene.line.get_data()
            # the line through the origin with the weight of iteration i
            np.testing.assert_allclose(ys, nudged.weights[i] * np.asarray(xs))
            # the error segment joins the prediction w * x and the target y
            _, gap = scene.gap.get_data()
            assert gap[0] - gap[1] == pytest.approx(nudged.errors[i])
            assert len(scene.err_line.get_xdata()) == i + 1
    finally:
        plt.close(scene.fig)


def test_nudging_animation_has_one_frame_per_iteration_within_budget(nudged):
    use_book_style()
    anim = nudging_animation(nudged)
    assert anim.num_frames == nudged.iterations
    assert str(nudged.iterations) in anim.alt
    assert anim.nbytes < PAGE_BUDGET_BYTES / 2
    with pytest.raises(ValueError, match="NudgeResult"):
        nudging_animation([1.0, 2.0])


def test_training_scene_draws_the_learned_line_of_each_epoch(trained):
    history, X, y = trained
    scene = TrainingScene(history, X, y, epochs=[0, 5, 200])
    try:
        for i, epoch in enumerate([0, 5, 200]):
            scene.update(i)
            xs, ys = scene.line.get_data()
            expected = history.weight[epoch] * np.asarray(xs) + history.bias[epoch]
            np.testing.assert_allclose(ys, expected)
            assert scene.loss_dot.get_ydata()[0] == history.loss[epoch]
            assert len(scene.loss_line.get_xdata()) == epoch + 1
    finally:
        plt.close(scene.fig)


def test_training_animation_frames_and_validation(trained):
    history, X, y = trained
    anim = training_animation(history, X, y, num_frames=12)
    assert anim.num_frames == 12
    assert anim.nbytes < PAGE_BUDGET_BYTES / 2
    with pytest.raises(ValueError, match="history"):
        training_animation(History(loss=[1.0, 0.5]), X, y)
    with pytest.raises(ValueError, match="epochs"):
        TrainingScene(history, X, y, epochs=[0, 201])
    plt.close("all")


def test_nudging_scene_titles_count_like_the_log(nudged):
    # nudging_log calls the start "iteration 0"; the frames say the same.
    scene = NudgingScene(nudged)
    try:
        scene.update(0)
        assert scene.title.get_text().startswith("iteration 0 (start): w = 0.64")
        last = nudged.iterations - 1
        scene.update(last)
        assert scene.title.get_text().startswith(f"iteration {last}: ")
    finally:
        plt.close(scene.fig)


def test_training_scene_can_show_the_line_before_training(trained):
    history, X, y = trained
    start = LinearModel(bias=True, seed=0)
    w0, b0 = start.weight, start.bias
    scene = TrainingScene(history, X, y, epochs=[0, 200], start=(w0, b0))
    try:
        assert scene.num_frames == 3
        scene.update(0)
        xs, ys = scene.line.get_data()
        np.testing.assert_allclose(ys, w0 * np.asarray(xs) + b0)
        assert scene.title.get_text().startswith("before training")
        assert len(scene.loss_line.get_xdata()) == 0  # no epoch has ended yet
        # the start is not epoch 0's end: the first epoch moved the line
        assert abs(history.weight[0] - w0) > 1.0
        scene.update(1)
        assert scene.title.get_text().startswith("epoch 0: ")
    finally:
        plt.close(scene.fig)
    anim = training_animation(history, X, y, num_frames=12, start=(w0, b0))
    assert anim.num_frames == 13
    assert "random start" in anim.alt
    with pytest.raises(ValueError, match="start"):
        training_animation(history, X, y, start=(1.0, float("nan")))
    with pytest.raises(ValueError, match="start"):
        training_animation(history, X, y, start=3.0)

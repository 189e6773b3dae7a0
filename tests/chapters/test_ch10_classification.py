"""The claims chapter 10 makes, checked against a fresh execution of the chapter."""

import numpy as np
import pytest

from examples.classification import scores, split_data, train_classifier, two_moons
from examples.models import mlp
from tests.chapter_runner import BOOK

CHAPTER = "10-classification.md"

SPLIT = split_data(*two_moons(n=400, noise=0.2, seed=0), val=0.25, test=0.25, seed=0)


def test_no_cell_fails_and_every_figure_is_drawn(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 7


def test_the_data_as_described(chapter):
    g = chapter.glued
    assert (g["n_train"], g["n_val"], g["n_test"]) == (200, 100, 100)
    assert g["share_class1"] == pytest.approx(SPLIT.train[1].mean())
    assert 0.4 < g["share_class1"] < 0.6


def test_cross_entropy_matches_pytorch_and_survives_confident_mistakes(chapter):
    g = chapter.glued
    assert 0 <= g["bce_gap"] < 1e-5
    assert g["naive_far"] == "inf"  # -log(0) in float32
    assert g["softplus_far"] == pytest.approx(120.0)


def test_gradients_as_the_text_states(chapter):
    g = chapter.glued

    def squared(z):  # 2 (p - 1) p (1 - p) for a point of class 1, by hand
        p = 1 / (1 + np.exp(-z))
        return 2 * (1 - p) * p * (1 - p)

    assert g["sq_at_minus5"] == pytest.approx(squared(-5.0))
    assert g["ce_at_minus5"] == pytest.approx(1 - 1 / (1 + np.exp(5.0)))
    assert g["ratio_at_minus5"] == pytest.approx(g["ce_at_minus5"] / g["sq_at_minus5"])
    assert g["ratio_at_minus5"] > 50
    assert (
        g["sq_at_minus8"] == pytest.approx(squared(-8.0)) and g["sq_at_minus8"] < 1e-3
    )
    # largest at p = 1/3, "a point only a little wrong" (z = -log 2), value 8/27
    assert g["sq_largest"] == pytest.approx(8 / 27, abs=1e-4)
    assert g["sq_largest"] < g["ce_at_minus5"]


def test_logistic_regression_is_the_best_straight_line(chapter):
    g = chapter.glued
    model = mlp((2, 1), seed=123)  # another start: the loss has one minimum
    train_classifier(model, SPLIT, lr=0.5, momentum=0.9, num_epochs=2000)
    other = scores(model, SPLIT)
    assert g["lr_train_acc"] == pytest.approx(other["train"][1])
    assert g["lr_val_acc"] == pytest.approx(other["val"][1])
    assert g["lr_train_acc"] < 0.9  # "gets the tips wrong"


def test_the_network_bends_and_wins(chapter):
    g = chapter.glued
    assert g["net_train_acc"] > 0.95 and g["net_val_acc"] > 0.95
    assert g["net_train_acc"] > g["lr_train_acc"] + 0.05
    # the loss figure, at epochs 0, 40, 50, 100 and 199 (the last of 200)
    lr_curve, net_curve = g["lr_loss_at"], g["net_loss_at"]
    lr_val, net_val = g["lr_val_at"], g["net_val_at"]
    assert sorted(lr_curve) == sorted(net_val) == [0, 40, 50, 100, 199]
    # logistic levels off within a few dozen epochs ...
    assert lr_curve[50] == pytest.approx(lr_curve[199], rel=0.05)
    # ... the network falls far below it; as the alt text says
    assert net_curve[199] < lr_curve[199] / 3
    assert net_curve[199] < 0.1 and net_val[199] < 0.1
    assert lr_curve[0] == pytest.approx(0.7, abs=0.1)
    assert net_curve[0] == pytest.approx(0.7, abs=0.1)
    assert abs(lr_curve[199] - 0.3) < 0.02 and abs(lr_val[199] - 0.25) < 0.01
    assert g["net_train_loss"] == pytest.approx(net_curve[199], rel=0.05)
    # "for about as long the network follows the same course ... then falls"
    assert net_curve[40] == pytest.approx(lr_curve[40], rel=0.15)
    assert net_curve[100] < lr_curve[100] / 2
    # "on both models the validation loss is lower than the training loss"
    assert lr_val[199] < lr_curve[199]
    assert net_val[199] < net_curve[199]


def test_thousand_seeds(chapter):
    g = chapter.glued
    # copies are the single-model loop: retrain three seeds one at a time
    for seed, acc in g["net4_seed_accs"].items():
        model = mlp((2, 4, 1), "tanh", seed=seed)
        train_classifier(model, SPLIT, lr=0.5, momentum=0.9, num_epochs=200)
        assert acc == pytest.approx(scores(model, SPLIT)["test"][1])
    assert sorted(g["net4_seed_accs"]) == [0, 1, 999]
    assert g["lr_seed_spread"] == 0
    assert g["lr_seed_acc"] == pytest.approx(g["lr_test_acc"])
    assert g["good_share_2"] < 0.2 < 0.5 < g["good_share_3"] < g["good_share_4"]
    # "the others end with a boundary much like logistic regression's"
    assert g["net2_near_lr"] > 0.8
    assert "test accuracy 5%" in chapter.stdout()
    # the alt text of the figure
    assert g["lr_seed_acc"] == pytest.approx(0.85)
    assert g["net3_share_88"] == pytest.approx(g["good_share_3"], abs=0.02)
    assert 0.7 < g["good_share_3"] < 0.8
    assert g["net4_share_95"] > 0.9
    assert g["net_max_acc"] <= 0.97
    # the two seeds of the two-unit figure: the first short of GOOD, the first at it
    stuck, bent, first = g["stuck_seed"], g["bent_seed"], g["two_first_accs"]
    assert len(first) == max(stuck, bent) + 1
    assert g["stuck_acc"] == first[stuck] < g["good"]
    assert all(acc >= g["good"] for acc in first[:stuck])
    assert g["bent_acc"] == first[bent] >= g["good"]
    assert all(acc < g["good"] for acc in first[:bent])
    # and they are what those seeds reach when trained one at a time
    for seed in (stuck, bent):
        model = mlp((2, 2, 1), "tanh", seed=seed)
        train_classifier(model, SPLIT, lr=0.5, momentum=0.9, num_epochs=200)
        assert first[seed] == pytest.approx(scores(model, SPLIT)["test"][1])


def test_choice_on_validation_report_on_test(chapter):
    g = chapter.glued
    assert g["chosen"] in ("logistic", "2-2-1", "2-3-1", "2-4-1")
    width = int(g["chosen"][2])
    model = mlp((2, width, 1), "tanh", seed=g["chosen_seed"])
    train_classifier(model, SPLIT, lr=0.5, momentum=0.9, num_epochs=200)
    alone = scores(model, SPLIT)
    assert alone["val"][1] == pytest.approx(g["chosen_val_acc"])
    assert alone["test"][1] == pytest.approx(g["chosen_test_acc"])
    assert g["chosen_test_acc"] < g["chosen_val_acc"]  # "the second" is lower
    assert g["chosen_test_acc"] <= g["chosen_median_test"]  # "no better"
    assert g["chosen_median_test"] == pytest.approx(g["net_median_accs"][width])


def test_exercise_solutions_claims(chapter):
    g = chapter.glued
    assert g["ex_bad_start_acc"] == pytest.approx(1 - g["lr_train_acc"])
    assert g["ex_bad_ce_acc"] == pytest.approx(g["lr_train_acc"])
    assert g["ex_bad_start_acc"] < g["ex_bad_sq_acc"] < g["ex_bad_ce_acc"] - 0.1
    assert g["ex_poly_val_acc"] >= 0.9 and g["ex_poly_test_acc"] >= 0.9
    assert abs(g["ex_poly_test_acc"] - g["chosen_test_acc"]) <= 0.03  # "close"
    # "the cubes are large (up to about 15 at the tips)"
    assert 10 < np.abs(SPLIT.train[0] ** 3).max() < 20


def test_converged_is_not_a_word_of_this_chapter():
    text = (BOOK / CHAPTER).read_text(encoding="utf-8")
    assert "converg" not in text.lower()

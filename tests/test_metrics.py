import pytest
import torch

from course_lib import metrics
from course_lib.core import assets, wardrobe


@pytest.fixture(scope="module")
def images():
    return wardrobe.make_wardrobe(1000, seed=0).images  # offline, real-looking 28x28 images


def test_classifier_card_and_accuracy():
    card = assets.card(metrics.CLASSIFIER)
    assert card["test_accuracy"] >= 0.88 and card["fid_real_vs_real_10k"] >= 0


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_distortion(images):
    clf = assets.pretrained(metrics.CLASSIFIER)[0]
    same = metrics.fid(images, images, clf)
    noisy = metrics.fid(images, (images + 0.05 * torch.randn_like(images)).clamp(0, 1), clf)
    dark = metrics.fid(images, images * 0.4, clf)
    assert abs(same) < 1e-3 and same < noisy < dark


def test_precision_recall_on_constructed_cases():
    torch.manual_seed(0)
    left, right = torch.randn(500, 8), torch.randn(500, 8) + 20
    real = torch.cat([left, right])
    same = metrics.manifold_scores(real, torch.cat([torch.randn(500, 8), torch.randn(500, 8) + 20]))
    assert same["precision"] > 0.8 and same["recall"] > 0.8  # k = 3 balls miss a few points of the same law
    half = metrics.manifold_scores(real, torch.randn(1000, 8))  # one of two modes: good but not varied
    assert half["precision"] > 0.8 and 0.35 < half["recall"] < 0.55
    far = metrics.manifold_scores(real, torch.randn(1000, 8) - 50)
    assert far == {"precision": 0.0, "recall": 0.0}


def test_class_histogram_and_report(images):
    hist = metrics.class_histogram(images)
    assert hist.shape == (10,) and hist.sum() == len(images)
    out = metrics.report(images[:300], images[300:600])
    assert set(out) == {"fid", "precision", "recall", "classes"} and out["fid"] < 5


def test_bad_images_are_named():
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        metrics.features(torch.rand(4, 28, 28))
    with pytest.raises(ValueError, match=r"\(x \+ 1\) / 2"):
        metrics.features(torch.rand(4, 1, 28, 28) * 2 - 1)
    with pytest.raises(ValueError, match="NaN"):
        metrics.features(torch.full((2, 1, 28, 28), float("nan")))


def test_mutual_information_gap_tells_one_coordinate_per_factor_from_mixed_or_random_codes():
    g = torch.Generator().manual_seed(0)
    factors = torch.rand(5_000, 5, generator=g)
    noise = torch.randn(5_000, 3, generator=g)
    rotation, _ = torch.linalg.qr(torch.randn(5, 5, generator=g))
    aligned = metrics.mutual_information_gap(torch.cat([factors, noise], 1), factors)
    mixed = metrics.mutual_information_gap(torch.cat([factors @ rotation, noise], 1), factors)
    random = metrics.mutual_information_gap(torch.randn(5_000, 8, generator=g), factors)
    twice = metrics.mutual_information_gap(torch.cat([factors, factors], 1), factors)   # each factor held by two
    assert aligned["mig"] > 0.9 and aligned["best"].tolist() == [0, 1, 2, 3, 4]
    assert mixed["mig"] < 0.3 and random["mig"] < 0.02 and twice["mig"] < 0.01
    assert aligned["mi"].shape == (5, 8) and (aligned["per_factor"] <= 1 + 1e-9).all()
    assert (aligned["held"] > 0.9).all() and (twice["held"] > 0.9).all()     # held, in one coordinate or in two
    assert (random["held"] < 0.05).all()                                      # lost

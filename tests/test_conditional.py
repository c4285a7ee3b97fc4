"""course_lib.chapters.conditional: the request join, the conditional VAE and GAN, the measuring tools."""
import pytest
import torch

from course_lib import metrics
from course_lib.chapters import conditional as C
from course_lib.core import assets, wardrobe
from course_lib.models import conditional as cnets

from course_answers import a08_virtual_wardrobe as a08
from course_answers.a04_gan_basics import gan_step


def test_join_is_code_onehot_sizes_along_features():
    h = a08.conditioned_input(torch.tensor([[1.0, 2.0]]), torch.tensor([2]), torch.tensor([[0.3]]), 4)
    assert torch.equal(h, torch.tensor([[1.0, 2.0, 0, 0, 1, 0, 0.3]]))
    h = a08.conditioned_input(torch.zeros(3, 5), torch.zeros(3, dtype=torch.long), cnets.no_sizes(torch.zeros(3)), 10)
    assert h.shape == (3, 15)


def test_cvae_loss_decodes_and_uses_the_request():
    torch.manual_seed(0)
    model = cnets.CondVAE(5, 2, latent_dim=4)
    x, y, s = torch.rand(6, 1, 28, 28), torch.randint(5, (6,)), torch.rand(6, 2)
    out = model.loss(x, y, s)
    assert set(out) == {"loss", "rec", "kl"} and out["loss"].requires_grad
    z = torch.zeros(2, 4)
    with torch.no_grad():
        a, b = model.decode(z, torch.tensor([0, 0]), torch.tensor([[0.1, 0.1], [0.9, 0.9]]))
    assert a.shape == (1, 28, 28) and not torch.allclose(a, b)
    assert model.sample(torch.tensor([1, 2, 3]), torch.rand(3, 2)).shape == (3, 1, 28, 28)


def test_train_cvae_learns_to_follow_the_class():
    data = wardrobe.make_wardrobe(600, seed=0)
    model, cost = C.train_cvae(data.images, data.labels, data.factors[:, [1, 2]], epochs=1, n_classes=5)
    assert cost["cpu_s"] > 0 and cost["params"] == metrics.n_parameters(model)
    first = model.loss(data.images, data.labels, data.factors[:, [1, 2]])["loss"].item()
    assert first < 500   # an untrained decoder pays about 784 * log 2 = 543 nats


def test_projection_is_realism_plus_inner_product():
    psi, embed = torch.nn.Linear(3, 1), torch.nn.Embedding(4, 3)
    phi, y = torch.randn(5, 3), torch.tensor([0, 1, 2, 3, 0])
    expected = psi(phi)[:, 0] + (embed.weight[y] * phi).sum(1)
    assert torch.allclose(a08.projection_logit(phi, y, psi, embed), expected)


def test_cgan_step_updates_both_and_samples_are_images():
    G, D, opts = C.make_cgan(seed=0)
    before = [p.clone() for p in (next(G.parameters()), D.psi.parametrizations.weight.original)]
    out = C.cgan_step(G, D, torch.rand(8, 1, 28, 28) * 2 - 1, torch.randint(10, (8,)), *opts, gan_step)
    assert set(out) == {"d_loss", "g_loss", "D(x)", "D(G(z))"}   # gan_step's report
    after = (next(G.parameters()), D.psi.parametrizations.weight.original)
    assert all(not torch.equal(b, a) for b, a in zip(before, after))
    images = C.sample_cgan(G, torch.arange(10))
    assert images.shape == (10, 1, 28, 28) and images.min() >= 0 and images.max() <= 1


def test_shipped_cgan_loads_with_its_card():
    G, card, _ = assets.pretrained(C.PRETRAINED_CGAN)
    assert card["epochs"] >= 1 and len(card["accuracy_per_epoch"]) == card["epochs"]
    assert C.sample_cgan(G, torch.tensor([3, 3])).shape == (2, 1, 28, 28)


def test_reader_outputs_factors_in_unit_interval_and_classes():
    reader = cnets.Reader()
    x = torch.rand(4, 1, 28, 28)
    assert reader.factors(x).shape == (4, 5) and 0 <= reader.factors(x).min() <= reader.factors(x).max() <= 1
    assert reader.classes(x).shape == (4,)


def test_r2_spearman_diversity_novelty():
    t = torch.rand(50, 2)
    assert torch.allclose(metrics.r2(t, t), torch.ones(2, dtype=torch.float64))
    assert torch.allclose(metrics.r2(t.mean(0).expand_as(t), t), torch.zeros(2, dtype=torch.float64))
    assert metrics.spearman(torch.arange(6.0), torch.tensor([0.0, 1, 4, 9, 16, 25])) == pytest.approx(1.0)
    assert metrics.spearman(torch.arange(6.0), -torch.arange(6.0)) == pytest.approx(-1.0)
    same = torch.ones(4, 1, 28, 28)
    assert metrics.mean_pairwise_distance(same) == pytest.approx(0.0)
    assert metrics.mean_pairwise_distance(torch.stack([torch.zeros(1, 28, 28), torch.ones(1, 28, 28)])) == pytest.approx(1.0)
    train = torch.rand(20, 1, 28, 28)
    floor = torch.full((10,), 0.3)
    copies = metrics.novelty(train[:5], train, floor)
    assert copies["generated"] == pytest.approx(0.0) and copies["share closer than the closest 1% of test"] == 1.0

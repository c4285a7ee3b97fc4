import copy
import math

import pytest
import torch
from torch import nn

from course_lib import metrics
from course_lib.chapters import compare
from course_lib.chapters.gan_game import train_toy_gan
from course_lib.core import toy2d
from course_lib.models import gan

from course_answers import a04_gan_basics as a04


def test_losses_at_known_points():
    zero = torch.zeros(4, 1)
    assert a04.discriminator_loss(zero, zero).item() == pytest.approx(2 * math.log(2))
    assert a04.generator_loss(zero).item() == pytest.approx(math.log(2))
    assert gan.saturating_generator_loss(zero).item() == pytest.approx(-math.log(2))
    losing = torch.full((3, 1), -8.0, requires_grad=True)
    g_ns, = torch.autograd.grad(a04.generator_loss(losing), losing)
    g_s, = torch.autograd.grad(gan.saturating_generator_loss(losing), losing)
    assert g_ns.abs().mean() > 100 * g_s.abs().mean()  # vanishing gradients of the saturating loss


def test_gan_step_updates_both_and_keeps_d_step_out_of_g():
    torch.manual_seed(0)
    G, D = gan.mlp(2, 2, 16), gan.mlp(2, 1, 16)
    opt_G, opt_D = torch.optim.SGD(G.parameters(), 0.1), torch.optim.SGD(D.parameters(), 0.1)
    calls = []
    for p in G.parameters():
        p.register_hook(lambda g: calls.append(1))
    before = [p.detach().clone() for p in list(G.parameters()) + list(D.parameters())]
    out = a04.gan_step(G, D, toy2d.ring(32, seed=0), opt_G, opt_D, z_dim=2)
    assert set(out) == {"d_loss", "g_loss", "D(x)", "D(G(z))"} and 0 < out["D(x)"] < 1
    assert len(calls) == len(list(G.parameters()))  # one gradient per G weight: the fakes were detached for D
    after = list(G.parameters()) + list(D.parameters())
    assert all(not torch.equal(b, a) for b, a in zip(before, after))


def test_dirac_gan_spirals_out_circles_or_converges():
    r = {mode: gan.dirac_gan(400, 0.1, mode).norm(dim=1) for mode in ("simultaneous", "alternating")}
    assert r["simultaneous"][-1] > 1.3 * r["simultaneous"][0]
    assert abs(r["alternating"][-1] - r["alternating"][0]) < 0.1 * r["alternating"][0]
    assert gan.dirac_gan(400, 0.1, "simultaneous", gamma=0.3).norm(dim=1)[-1] < 0.05
    with pytest.raises(ValueError, match="mode"):
        gan.dirac_gan(1, mode="sideways")


def test_mode_coverage_counts_modes_and_quality():
    centres = toy2d.ring_centres()
    perfect = toy2d.ring(2500, seed=0)
    # in 2-D, P(|noise| <= 3 std) = 1 - exp(-9/2) = 0.989
    assert metrics.mode_coverage(perfect, centres, 0.02) == {"modes": 8, "of": 8,
                                                          "high_quality": pytest.approx(1 - math.exp(-4.5), abs=0.006)}
    one_mode = centres[3] + 0.02 * torch.randn(2500, 2)
    assert metrics.mode_coverage(one_mode, centres, 0.02)["modes"] == 1
    assert metrics.mode_coverage(torch.zeros(2500, 2), centres, 0.02) == {"modes": 0, "of": 8, "high_quality": 0.0}
    assert toy2d.grid(10, seed=1).shape == (10, 2) and len(toy2d.grid_centres()) == 25


def test_discriminator_variants_and_packing():
    x = torch.randn(8, 2)
    assert gan.toy_discriminator("plain")(x).shape == (8, 1)
    assert gan.toy_discriminator("mbstd")(x).shape == (8, 1)
    assert gan.toy_discriminator("pack2")(x).shape == (4, 1)
    collapsed = torch.ones(5, 3, requires_grad=True)   # every sample the same: std 0 (up to the 1e-8 inside sqrt)
    out = gan.MinibatchStd()(collapsed)
    assert out[:, -1].abs().max() < 1e-3
    out[:, -1].sum().backward()
    assert torch.isfinite(collapsed.grad).all(), "a fully collapsed batch must not give a NaN gradient"
    with pytest.raises(ValueError, match="kind"):
        gan.toy_discriminator("huge")


def test_train_toy_gan_runs_and_snapshots():
    G, history, shots = train_toy_gan(lambda n: toy2d.ring(n), gan.toy_discriminator(), 20, a04.gan_step, snapshots=2,
                                          batch=32)
    assert len(history.steps["d_loss"]) == 20 and sorted(shots) == [10, 20] and shots[20].shape == (1000, 2)


def test_dcgan_shapes():
    G, D = gan.DCGenerator(z_dim=8, channels=4), gan.DCDiscriminator(channels=4)
    G.apply(gan.dcgan_init)
    x = G(torch.randn(3, 8))
    assert x.shape == (3, 1, 28, 28) and x.abs().max() <= 1 and D(x).shape == (3, 1)


def test_r1_penalty_of_a_linear_discriminator_is_its_squared_weight():
    w = torch.tensor([[3.0, -4.0]])
    real = torch.randn(10, 2, requires_grad=True)
    assert gan.r1_penalty(real @ w.T, real).item() == pytest.approx(25.0)


def test_with_r1_adds_gamma_half_r1_to_d_loss_only():
    torch.manual_seed(0)
    D = nn.Linear(2, 1)
    G = gan.mlp(2, 2, 8)
    real = toy2d.ring(16, seed=1)
    grads = {}
    for r1 in (0.0, 2.0):
        Dc = copy.deepcopy(D)
        opt_D = torch.optim.SGD(Dc.parameters(), 1.0)
        torch.manual_seed(3)
        step = gan.with_r1(a04.gan_step, r1) if r1 else a04.gan_step
        step(copy.deepcopy(G), Dc, real, torch.optim.SGD(G.parameters(), 0.0), opt_D, 2)
        grads[r1] = D.weight.detach() - Dc.weight.detach()   # = lr x (D's gradient) + G's step leaves D alone
    # d/dw of (r1 / 2) |w|^2 is r1 w: the R1 step differs by exactly r1 x w
    torch.testing.assert_close(grads[2.0] - grads[0.0], 2.0 * D.weight.detach(), atol=1e-5, rtol=1e-4)


def _step_with_r1_in_d_loss(G, D, real, opt_G, opt_D, z_dim, r1):
    """The GAN step with (r1 / 2) x R1 added to D's loss itself: what gan.with_r1 must amount to."""
    fake = G(torch.randn(len(real), z_dim))
    opt_D.zero_grad()
    real = real.detach().requires_grad_(True)
    d_real, d_fake = D(real), D(fake.detach())
    (a04.discriminator_loss(d_real, d_fake) + r1 / 2 * gan.r1_penalty(d_real, real)).backward()
    opt_D.step()
    opt_G.zero_grad()
    a04.generator_loss(D(fake)).backward()
    opt_G.step()


def test_with_r1_around_a_plain_step_is_the_step_with_r1_in_d_loss():
    """gan.with_r1 adds R1's gradient at D's update: the same update as R1 added to D's loss."""
    torch.manual_seed(0)
    G, D, real = gan.mlp(2, 2, 8), gan.toy_discriminator("mbstd", hidden=8), toy2d.ring(16, seed=1)
    after = []
    for step in (lambda *a: _step_with_r1_in_d_loss(*a, r1=2.0), gan.with_r1(a04.gan_step, 2.0)):
        g, d = copy.deepcopy(G), copy.deepcopy(D)
        opts = torch.optim.Adam(g.parameters(), 1e-2), torch.optim.Adam(d.parameters(), 1e-2)
        for i in range(3):
            torch.manual_seed(i)
            step(g, d, real, *opts, 2)
        after.append(torch.cat([p.detach().flatten() for p in [*g.parameters(), *d.parameters()]]))
    torch.testing.assert_close(after[0], after[1], atol=1e-5, rtol=1e-4)


def test_train_toy_gan_decays_learning_rates_to_zero():
    D = gan.toy_discriminator("plain", hidden=8)
    G, history, _ = train_toy_gan(lambda n: toy2d.ring(n), D, 20, a04.gan_step, batch=16, lr_decay=True, betas=(0.0, 0.99))
    assert len(history.steps["d_loss"]) == 20


def test_optimal_discriminator_and_js_on_a_half_collapsed_ring():
    centres, std = toy2d.ring_centres(), 0.02
    log_p_data = lambda x: toy2d.mixture_log_density(x, centres, std)   # noqa: E731
    log_p_g = lambda x: toy2d.mixture_log_density(x, centres[::2], std)   # noqa: E731
    d_star = torch.sigmoid(metrics.optimal_discriminator_logit(centres[:2], log_p_data, log_p_g))
    torch.testing.assert_close(d_star, torch.tensor([1 / 3, 1.0]), atol=1e-4, rtol=0)
    js = metrics.js_divergence(lambda n: toy2d.ring(n), lambda n: toy2d.mixture(centres[::2], n, std), log_p_data, log_p_g)
    assert js == pytest.approx(0.75 * math.log(4 / 3), abs=0.003)
    # a 2-D Gaussian's log density at its centre
    assert toy2d.mixture_log_density(torch.zeros(1, 2), torch.zeros(1, 2), 0.5).item() == \
        pytest.approx(-math.log(2 * math.pi * 0.25), abs=1e-5)


def test_forward_kl_covers_every_mode_and_reverse_kl_seeks_one():
    """One Gaussian fitted to the 8-mode ring, same start, optimiser and budget: maximum likelihood (forward KL)
    covers all modes at the cost of precision; reverse KL sits on one mode, at the single-mode floor log 8."""
    centres = toy2d.ring_centres()
    forward = metrics.divergence_report(*compare.fit_gaussian(centres, 0.1, "forward", steps=400), centres, 0.1)
    reverse = metrics.divergence_report(*compare.fit_gaussian(centres, 0.1, "reverse", steps=400), centres, 0.1)
    assert forward["modes covered"] == 8 and forward["recall"] > 0.95 and forward["precision"] < 0.2
    assert reverse["modes covered"] == 1 and reverse["precision"] > 0.9 and reverse["recall"] < 0.2
    assert abs(reverse["KL(q||p)"] - math.log(8)) < 0.2 and forward["KL(p||q)"] < reverse["KL(p||q)"]
    with pytest.raises(ValueError, match="forward' or 'reverse"):
        compare.fit_gaussian(centres, 0.1, "sideways", steps=1)

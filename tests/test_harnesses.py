"""The visible tests' shared harnesses (course_lib/teaching/harnesses.py): each passes the teacher's answer and
fails a wrong one with the sentence the learner reads."""
from __future__ import annotations

import pytest
import torch

from course_lib.core import toy2d
from course_lib.models import VAE, gan
from course_lib.teaching import harnesses as H
from course_lib.teaching.checks import ExerciseError

from course_answers import a02_variational_autoencoders as a02
from course_answers import a03_vae_applications as a03
from course_answers import a04_gan_basics as a04


def test_vae_sgd_steps_pass_the_answer_and_catch_a_step_that_drops_beta():
    torch.manual_seed(12)
    x = torch.rand(16, 1, 28, 28).round()
    H.check_vae_sgd_steps(a02.train_step, a02.negative_elbo, lambda: VAE(latent_dim=2, arch="mlp", hidden=8), x)

    def drops_beta(model, batch, optimizer, beta=1.0):
        return a02.train_step(model, batch, optimizer)
    with pytest.raises(ExerciseError, match="pass beta on"):
        H.check_vae_sgd_steps(drops_beta, a02.negative_elbo, lambda: VAE(latent_dim=2, arch="mlp", hidden=8), x)


def test_score_draws_pass_the_answer_and_catch_a_score_of_mu_alone():
    torch.manual_seed(30)
    tiny, x = VAE(latent_dim=2, arch="mlp", hidden=16), torch.rand(5, 1, 28, 28)
    torch.manual_seed(29)
    H.check_score_draws(a03.anomaly_score, a02.kl_divergence, tiny, x[:1], k=8)

    @torch.no_grad()
    def of_mu(model, x, k=8):   # decodes mu k times: no spread
        mu, logvar = model.encode(x)
        from course_lib.models.vae import reconstruction_nll
        return sum(reconstruction_nll(model.decode_logits(mu), x) for _ in range(k)) / k + a02.kl_divergence(mu, logvar)
    with pytest.raises(AssertionError, match="spread with std 2"):
        H.check_score_draws(of_mu, a02.kl_divergence, tiny, x[:1], k=8)


def test_point_codes_make_the_score_exact():
    torch.manual_seed(30)
    tiny, x = VAE(latent_dim=2, arch="mlp", hidden=16), torch.rand(5, 1, 28, 28)
    point = H.PointCodes(tiny)
    first, second = a03.anomaly_score(point, x, k=1), a03.anomaly_score(point, x, k=4)
    torch.testing.assert_close(first, second, rtol=1e-4, atol=1e-4)


def test_gan_rounds_pass_the_answer_and_catch_a_step_that_forgets_zero_grad():
    torch.manual_seed(24)
    H.check_gan_rounds(a04.gan_step, a04.discriminator_loss, a04.generator_loss, gan.mlp(2, 1, 16),
                       toy2d.ring(32, seed=3), lr=0.1, rounds=2, z_dim=2)

    def no_zero_grad(G, D, real, opt_G, opt_D, z_dim):
        opt_D.zero_grad = lambda *a, **k: None   # D's old gradients pile up
        return a04.gan_step(G, D, real, opt_G, opt_D, z_dim)
    torch.manual_seed(24)
    with pytest.raises(ExerciseError, match="after round 2"):
        H.check_gan_rounds(no_zero_grad, a04.discriminator_loss, a04.generator_loss, gan.mlp(2, 1, 16),
                           toy2d.ring(32, seed=3), lr=0.1, rounds=2, z_dim=2)


def test_the_noise_generator_shows_the_z_it_was_given():
    G = H.NoiseGenerator()
    z = torch.randn(4, 2)
    torch.testing.assert_close(G(z), z)
    assert G.seen[0] is not z and torch.equal(G.seen[0], z)


def test_the_critics_of_known_penalty_give_the_answers_penalties():
    from course_answers import a05_dcgan as a05
    torch.manual_seed(0)
    assert abs(a05.gradient_penalty(H.LinearCritic([1.8, 2.4]), torch.randn(6, 2), torch.randn(6, 2)).item() - 4) < 1e-5
    critic = H.HalfSquareCritic()
    far, near = torch.tensor([[3.0, 0.0]]).expand(4_000, 2), torch.tensor([[1.0, 0.0]]).expand(4_000, 2)
    assert abs(a05.gradient_penalty(critic, far, near).item() - 4 / 3) < 0.1
    flat = a05.gradient_penalty(H.across_diagonal, torch.full((100, 2), 2.0), torch.zeros(100, 2))
    assert abs(flat.item() - 1) < 1e-6
    per_coordinate = H.across_diagonal(torch.rand(100, 2)).sum()   # off the diagonal the critic is not flat
    assert per_coordinate.item() > 0

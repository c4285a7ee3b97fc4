import math

import pytest
import torch

from course_lib.metrics import likelihood
from course_lib.models import VAE
from course_lib.models import vae as V

from course_answers import a02_variational_autoencoders as a02


def test_kl_analytic_values():
    zero = torch.zeros(1, 3)
    assert a02.kl_divergence(zero, zero).item() == 0.0
    assert a02.kl_divergence(torch.tensor([[1.0, 2.0]]), torch.zeros(1, 2)).item() == pytest.approx(2.5)
    var = 4.0
    expected = 0.5 * (var - 1 - math.log(var))
    assert a02.kl_divergence(torch.zeros(1, 1), torch.full((1, 1), math.log(var))).item() == pytest.approx(expected)


def test_kl_matches_monte_carlo():
    torch.manual_seed(0)
    mu, logvar = torch.tensor([[0.7, -1.2]]), torch.tensor([[-0.5, 0.8]])
    z = mu + (0.5 * logvar).exp() * torch.randn(400_000, 2)
    log_q = torch.distributions.Normal(mu, (0.5 * logvar).exp()).log_prob(z).sum(1)
    log_p = V.PRIOR.log_prob(z).sum(1)
    assert (log_q - log_p).mean().item() == pytest.approx(a02.kl_divergence(mu, logvar).item(), abs=0.01)


def test_reparameterize_statistics_and_gradients():
    torch.manual_seed(0)
    mu = torch.tensor([1.0, -2.0]).repeat(100_000, 1).requires_grad_()
    logvar = torch.tensor([math.log(4.0), math.log(0.25)]).repeat(100_000, 1).requires_grad_()
    z = a02.reparameterize(mu, logvar)
    assert torch.allclose(z.mean(0), torch.tensor([1.0, -2.0]), atol=0.02)
    assert torch.allclose(z.std(0), torch.tensor([2.0, 0.5]), atol=0.02)
    z.sum().backward()
    assert torch.allclose(mu.grad, torch.ones_like(mu)) and logvar.grad.abs().sum() > 0


@pytest.mark.parametrize("arch", ["conv", "mlp"])
def test_vae_shapes_and_sampling(arch):
    model = VAE(latent_dim=4, arch=arch, channels=8, hidden=32)
    x = torch.rand(5, 1, 28, 28)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, 4)
    assert model(x).shape == x.shape and model.sample(3).shape == (3, 1, 28, 28)
    losses = a02.negative_elbo(model, x)
    assert losses["kl"] >= 0 and losses["rec"] > 0


def test_negative_elbo_beta_weights_the_kl():
    torch.manual_seed(0)
    model = VAE(latent_dim=3, arch="mlp", hidden=16)
    x = torch.rand(4, 1, 28, 28).round()
    torch.manual_seed(1)
    a = a02.negative_elbo(model, x, beta=0.0)
    torch.manual_seed(1)
    b = a02.negative_elbo(model, x, beta=3.0)
    assert a["loss"].item() == pytest.approx(a["rec"].item())
    assert b["loss"].item() == pytest.approx(b["rec"].item() + 3 * b["kl"].item(), rel=1e-5)


def test_gaussian_likelihood_is_squared_error_plus_constant():
    x, logits = torch.rand(2, 1, 28, 28), torch.randn(2, 1, 28, 28)
    nll = V.reconstruction_nll(logits, x, "gaussian", sigma=1.0)
    sq = 0.5 * (x - torch.sigmoid(logits)).pow(2).flatten(1).sum(1)
    assert torch.allclose(nll, sq + 784 * 0.5 * math.log(2 * math.pi))
    with pytest.raises(ValueError, match="likelihood"):
        V.reconstruction_nll(logits, x, "poisson")


def test_importance_weighted_bound_is_tighter_than_elbo():
    torch.manual_seed(0)
    model = VAE(latent_dim=2, arch="mlp", hidden=16)
    x = torch.rand(64, 1, 28, 28).round()
    torch.manual_seed(1)
    neg_elbo = torch.stack([a02.negative_elbo(model, x)["loss"] for _ in range(50)]).mean().item()
    nll = {k: likelihood.importance_weighted_nll(model, x, k=k).mean().item() for k in (1, 10, 100)}
    assert nll[1] == pytest.approx(neg_elbo, rel=0.01)
    assert nll[100] < nll[10] < nll[1]


def test_conditional_vae_uses_the_label():
    torch.manual_seed(0)
    model = VAE(latent_dim=3, arch="mlp", hidden=16, n_classes=10)
    z = torch.randn(2, 3)
    assert not torch.allclose(model.decode(z, torch.tensor([0, 0])), model.decode(z, torch.tensor([5, 5])))
    with pytest.raises(ValueError, match="conditional"):
        model.decode(z)
    assert model.sample(2, y=torch.tensor([1, 2])).shape == (2, 1, 28, 28)


def test_elbo_of_the_encoders_q_matches_the_closed_form_elbo():
    torch.manual_seed(3)
    model, x = VAE(latent_dim=2, arch="mlp", hidden=16), torch.rand(4, 1, 28, 28).round()
    with torch.no_grad():
        mu, logvar = model.encode(x)
        monte_carlo = likelihood.elbo_of(model, x, mu, logvar, k=4000)
        rec = torch.stack([V.reconstruction_nll(model.decode_logits(a02.reparameterize(mu, logvar)), x)
                           for _ in range(4000)]).mean(0)
    closed_form = -(rec + a02.kl_divergence(mu, logvar))   # the Monte-Carlo KL of elbo_of against the exact one
    assert torch.allclose(monte_carlo, closed_form, rtol=2e-3)


def test_amortisation_gap_improves_each_images_elbo_and_leaves_the_model_alone():
    torch.manual_seed(4)
    model, x = VAE(latent_dim=2, arch="mlp", hidden=16), torch.rand(6, 1, 28, 28).round()
    before = [p.detach().clone() for p in model.parameters()]
    gap = likelihood.amortisation_gap(model, x, steps=60, lr=0.05, k=4, k_eval=256)
    assert gap["encoder"].shape == gap["optimised"].shape == (6,)
    assert (gap["optimised"] > gap["encoder"]).float().mean() >= 5 / 6   # an ELBO climbed per image
    assert all(torch.equal(b, p) for b, p in zip(before, model.parameters()))
    assert all(p.grad is None for p in model.parameters()), "the decoder's weights get no gradient"
    with torch.no_grad():
        iwae = -likelihood.importance_weighted_nll(model, x, k=2000)
    assert (gap["optimised"].mean() <= iwae.mean() + 0.5)   # still a lower bound on log p(x), up to noise

"""How well a VAE explains data: importance-weighted estimates of -log p(x) (IWAE, Burda et al. 2016), the ELBO
of any Gaussian q for an image, and the amortisation gap (notebooks 02 and 06)."""
from __future__ import annotations

import math

import torch
from torch.distributions import Normal

from ..models.vae import PRIOR, reconstruction_nll


def log_weights(model, x, mu, logvar, k: int, y=None, likelihood: str = "bernoulli"):
    """(k, B): for k draws z ~ q = N(mu, exp(logvar)), any Gaussian for x (the encoder's or another),
    log p(x|z) + log p(z) - log q(z|x). Their mean is the ELBO, their log-mean-exp the IWAE bound."""
    q = Normal(mu, torch.exp(0.5 * logvar), validate_args=False)
    log_w = []
    for _ in range(k):
        z = q.rsample()
        log_px_z = -reconstruction_nll(model.decode_logits(z, y), x, likelihood)
        log_w.append(log_px_z + PRIOR.log_prob(z).sum(-1) - q.log_prob(z).sum(-1))
    return torch.stack(log_w)


@torch.no_grad()
def importance_weighted_nll(model, x, y=None, k: int = 64, likelihood: str = "bernoulli"):
    """-log p(x) per example, in nats, estimated with k importance samples (IWAE bound).
    k = 1 gives -ELBO (in expectation); a larger k gives a tighter (smaller) value."""
    mu, logvar = model.encode(x, y)
    return -(torch.logsumexp(log_weights(model, x, mu, logvar, k, y, likelihood), dim=0) - math.log(k))


def elbo_of(model, x, mu, logvar, k: int = 1, likelihood: str = "bernoulli"):
    """ELBO per example, in nats, of *any* Gaussian q = N(mu, exp(logvar)) for x: the mean of k
    ``log_weights``. Differentiable in mu and logvar."""
    return log_weights(model, x, mu, logvar, k, likelihood=likelihood).mean(0)


def amortisation_gap(model, x, steps: int = 200, lr: float = 0.02, k: int = 4, k_eval: int = 64):
    """The encoder's q(z|x) against the best Gaussian found for each image on its own (Cremer, Li & Duvenaud
    2018): starting from the encoder's (mu, logvar), Adam climbs each image's ELBO in its own (mu, logvar), the
    decoder fixed. Returns per-example ELBOs {"encoder", "optimised"} (k_eval draws each). Their difference,
    the amortisation gap, is what one shared encoder costs; the optimum is only approached, so it is a lower bound."""
    with torch.no_grad():
        mu, logvar = model.encode(x)
    start = (mu.clone(), logvar.clone())
    mu, logvar = mu.clone().requires_grad_(True), logvar.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([mu, logvar], lr=lr)
    for _ in range(steps):   # each image's ELBO depends on its own (mu, logvar) only: the sum climbs them all
        mu.grad, logvar.grad = torch.autograd.grad(-elbo_of(model, x, mu, logvar, k).sum(), [mu, logvar])
        optimizer.step()   # the decoder's weights get no gradient: they stay as trained
    with torch.no_grad():
        return {"encoder": elbo_of(model, x, *start, k_eval), "optimised": elbo_of(model, x, mu, logvar, k_eval)}

"""Test harnesses that visible tests share: stand-in models whose right answer is known exactly, and the
step-by-step checks built on them. A notebook's test cell calls these with the learner's functions and reads
as a few calls with hints; ``tests/test_harnesses.py`` runs each on a right and a wrong answer."""
from __future__ import annotations

import copy

import torch
from torch import nn

from course_lib.models.vae import reconstruction_nll

from .checks import check_close

# ---- 02 · a VAE's training step ------------------------------------------------------------------------

def check_vae_sgd_steps(train_step, negative_elbo, make_model, x, lr: float = 1e-3) -> None:
    """With plain SGD every step must move the weights by exactly -lr x (this step's gradient of -ELBO_beta),
    at two betas, and return the losses it was computed from."""
    model = make_model()
    sgd = torch.optim.SGD(model.parameters(), lr=lr)
    for step, beta in ((1, 1.0), (2, 3.0)):
        params = list(model.parameters())
        before = [p.detach().clone() for p in params]
        torch.manual_seed(100 + step)
        before_loss = negative_elbo(model, x, beta)["loss"]
        grads = torch.autograd.grad(before_loss, params, allow_unused=True)
        torch.manual_seed(100 + step)
        got = train_step(model, (x, None), sgd, beta)
        check_close(got["loss"], before_loss.item(), f"the loss returned by step {step} (beta = {beta})", rtol=1e-5,
                    hint="return the losses the step was computed from (before the update), and pass beta on to "
                         "negative_elbo.")
        for p, b, g in zip(params, before, grads):
            check_close(p, b if g is None else b - lr * g, f"the weights after SGD step {step}", atol=1e-5,
                        hint="zero the gradients before backward() (they pile up otherwise), then optimizer.step(); "
                         "the step follows -ELBO with the beta it is given.")


# ---- 03 · the anomaly score -----------------------------------------------------------------------------

class PointCodes(nn.Module):
    """``vae`` with q(z|x) shrunk to a point (log-variance -30): z = mu, so the score is known exactly."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def encode(self, x, y=None):
        mu, _ = self.vae.encode(x)
        return mu, torch.full_like(mu, -30.0)

    def decode_logits(self, z, y=None):
        return self.vae.decode_logits(z)


class CodeRecorder(nn.Module):
    """``vae``'s decoder behind q(z|x) = N(0, sigma^2 I) in ``latent`` dimensions: every code and every decoded
    logit is kept (``codes``, ``logits``)."""

    def __init__(self, vae, latent: int = 2, sigma: float = 2.0):
        super().__init__()
        self.vae, self.latent, self.sigma, self.codes, self.logits = vae, latent, sigma, [], []

    def encode(self, x, y=None):
        mu = torch.zeros(len(x), self.latent)
        return mu, torch.full_like(mu, float(torch.tensor(self.sigma ** 2).log()))

    def decode_logits(self, z, y=None):
        self.codes.append(z)
        self.logits.append(self.vae.decode_logits(z))
        return self.logits[-1]


# ---- 04 · one round of the GAN game ---------------------------------------------------------------------

class PointGenerator(nn.Module):
    """A generator that is one learnable point: G(z) = p whatever z, so the noise drawn does not matter."""

    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.tensor([[0.5, -0.5]]))

    def forward(self, z):
        return self.p.expand(len(z), 2)


class NoiseGenerator(nn.Module):
    """G(z) = z + p: the fakes are the noise itself, so a test sees the z that was drawn (``seen``), and they
    differ."""

    def __init__(self):
        super().__init__()
        self.p, self.seen = nn.Parameter(torch.zeros(2)), []

    def forward(self, z):
        self.seen.append(z.detach())
        return z + self.p


def check_gan_rounds(gan_step, discriminator_loss, generator_loss, D, real, lr: float, rounds: int,
                     z_dim: int) -> None:
    """Check each round of ``gan_step`` against what it must do, with a point generator and plain SGD: D's step
    on D's loss alone, then G's step through the updated D."""
    G = PointGenerator()
    opt_G, opt_D = torch.optim.SGD(G.parameters(), lr), torch.optim.SGD(D.parameters(), lr)
    calls = []
    G.p.register_hook(lambda g: calls.append(1))
    for r in range(1, rounds + 1):
        D0, p0 = copy.deepcopy(D), G.p.detach().clone()
        d_real, d_fake = D0(real), D0(p0.expand(len(real), 2))
        want_d = discriminator_loss(d_real, d_fake)
        grads_D = torch.autograd.grad(want_d, list(D0.parameters()))
        got = gan_step(G, D, real, opt_G, opt_D, z_dim)
        check_close(got["d_loss"], want_d, f"d_loss in round {r}", rtol=1e-4,
                    hint="D's loss on the real batch and the generated one, before D's update.")
        check_close(got["D(x)"], torch.sigmoid(d_real).mean(), f"D(x) in round {r}", rtol=1e-4,
                    hint="report probabilities: the sigmoid of D's logits on the real batch, averaged.")
        check_close(got["D(G(z))"], torch.sigmoid(d_fake).mean(), f"D(G(z)) in round {r}", rtol=1e-4,
                    hint="the sigmoid of D's logits on the fakes, averaged, before D's update.")
        for (name, p), b, g in zip(D.named_parameters(), D0.parameters(), grads_D):
            check_close(p, b - lr * g, f"D's {name} after round {r}", atol=1e-6,
                        hint="D's update is one step of opt_D on D's loss alone: opt_D.zero_grad() first "
                             "(old gradients pile up otherwise), then backward, then opt_D.step().")
        p_ = p0.clone().requires_grad_(True)
        want_g = generator_loss(D(p_.expand(len(real), 2)))
        g_grad, = torch.autograd.grad(want_g, p_)
        check_close(got["g_loss"], want_g, f"g_loss in round {r}", rtol=1e-4,
                    hint="G's loss is the non-saturating loss of the *updated* D on the fakes.")
        check_close(G.p, p0 - lr * g_grad, f"G's point after round {r}", atol=1e-6,
                    hint="G's update is one step of opt_G on G's loss, through the updated D.")
    assert len(calls) == rounds, ("the discriminator's step sent gradients into the generator: "
                                  "use D(fake.detach()) there, so D's step leaves G alone")


def check_score_draws(anomaly_score, kl_divergence, vae, image, k: int = 8, copies: int = 50) -> None:
    """``anomaly_score`` on ``copies`` copies of one image behind q(z|x) = N(0, 2^2 I): no gradients kept, k
    codes decoded per image with the spread sigma = 2, and each score the mean of its k values of -log p(x|z_j)
    plus the KL."""
    recorder, same = CodeRecorder(vae, latent=2, sigma=2.0), image[:1].expand(copies, -1, -1, -1)
    scores = anomaly_score(recorder, same, k=k)
    assert not scores.requires_grad, "no gradients are needed: keep the @torch.no_grad() above the function"
    codes, logits = torch.cat([c.reshape(-1) for c in recorder.codes]), torch.cat(recorder.logits)
    assert codes.numel() == k * copies * 2, (f"decode k = {k} codes per image: {codes.numel() // 2} codes for "
                                             f"{copies} images")
    assert 1.8 < codes.std().item() < 2.2, (f"with sigma = exp(logvar / 2) = 2 the codes should spread with std 2, "
                                            f"not {codes.std().item():.1f}: draw them with reparameterize(mu, logvar)")
    each = reconstruction_nll(logits, image[:1].expand(len(logits), -1, -1, -1))   # -log p(x|z) of every code
    mu0, logvar0 = recorder.encode(same)
    check_close(scores.sum(), each.sum() / k + kl_divergence(mu0, logvar0).sum(),
                "the sum of the scores: per image, the mean of its k values of -log p(x|z_j), plus the KL", rtol=1e-5,
                hint="average the k reconstruction terms themselves: not the log of a mean likelihood, nor the "
                     "likelihood of averaged logits.")


# ---- 05 · critics whose gradient penalty is known exactly --------------------------------------------------

class LinearCritic(nn.Module):
    """f(x) = w . x over a sample's dimensions: its gradient is w everywhere, so the penalty is (|w| - 1)^2 for any eps."""

    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(torch.as_tensor(w, dtype=torch.float32))

    def forward(self, x):
        return (x * self.w).flatten(1).sum(1, keepdim=True)


class HalfSquareCritic(nn.Module):
    """f(x) = s |x|^2 / 2: its gradient is s x, so the penalty depends on where x_hat falls between real and fake."""

    def __init__(self):
        super().__init__()
        self.s = nn.Parameter(torch.ones(()))

    def forward(self, x):
        return self.s * x.pow(2).flatten(1).sum(1, keepdim=True) / 2


def across_diagonal(x):
    """f(x) = (x1 - x2)^2 / 2 on 2-D points: zero gradient on the diagonal x1 = x2, and only there."""
    return (x[:, 0] - x[:, 1]).pow(2)[:, None] / 2

import torch
from sklearn.metrics import roc_auc_score

from course_lib.chapters import applications as app
from course_lib.models import VAE
from course_lib.models.tabular import TabularVAE

from course_answers import a03_vae_applications as ans


def test_threshold_keeps_its_false_positive_rate():
    scores = torch.randn(10_000)
    for fpr in (0.01, 0.1):
        assert abs((scores > ans.threshold_at_fpr(scores, fpr)).float().mean().item() - fpr) < 0.002


def test_anomaly_score_is_elbo_for_a_point_posterior():
    torch.manual_seed(0)
    model, x = VAE(latent_dim=2, arch="mlp", hidden=8), torch.rand(4, 1, 28, 28)
    s = ans.anomaly_score(model, x, k=4)
    assert s.shape == (4,) and (s > 0).all()


def test_bernoulli_floor_is_the_best_reconstruction_nll():
    from course_lib.models.vae import reconstruction_nll
    x = torch.tensor([0.0, 1.0, 0.5, 0.2]).view(1, 1, 2, 2)
    floor = app.bernoulli_floor(x)
    p = torch.tensor(0.2)
    expected = torch.log(torch.tensor(2.0)) - (p * p.log() + (1 - p) * (1 - p).log())   # 0 and 1 cost nothing
    assert torch.allclose(floor, expected.view(1), atol=1e-6)
    logits = torch.logit(x.clamp(1e-6, 1 - 1e-6))
    assert torch.allclose(reconstruction_nll(logits, x), floor, atol=1e-3)        # perfect decoder: nll = H(x)
    assert (reconstruction_nll(logits + 0.3, x) > floor).all()                     # any other: more


def test_impute_keeps_observed_pixels_and_block_mask():
    torch.manual_seed(0)
    model, x = VAE(latent_dim=2, arch="mlp", hidden=8), torch.rand(3, 1, 28, 28)
    for kind, share in (("random", 0.5), ("block", 14 * 14 / 784)):
        observed = app.masks(x.shape, kind)
        assert abs((~observed).float().mean().item() - share) < 0.03
        out = ans.impute(model, x, observed, steps=3)
        assert torch.equal(out[observed], x[observed]) and out.min() >= 0 and out.max() <= 1


def test_latent_ascent_on_a_linear_predictor():
    w, z0 = torch.tensor([2.0, -1.0]), torch.zeros(2, 2)
    path = ans.latent_ascent(z0, lambda z: z @ w, lr=0.25, steps=4)
    assert path.shape == (5, 2, 2) and torch.equal(z0, torch.zeros(2, 2))
    assert torch.allclose(path[-1], w.expand(2, 2))


def test_transactions_anomalies_are_detectable():
    x, labels = app.transactions(6000, anomaly_rate=0.05, seed=1)
    assert x.shape == (6000, 6) and 0.03 < labels.float().mean() < 0.07
    torch.manual_seed(0)
    normal = x[labels == 0]
    mean, std = normal.mean(0), normal.std(0)
    model = TabularVAE(6)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(300):
        batch = (normal[torch.randint(len(normal), (256,))] - mean) / std
        opt.zero_grad()
        model.loss(batch)["loss"].backward()
        opt.step()
    auc = roc_auc_score(labels.numpy(), model.score((x - mean) / std).numpy())
    assert auc > 0.85, auc

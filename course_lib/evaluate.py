"""Measurements the notebooks report: reconstruction error, a PCA baseline,
a linear probe on codes, and distance to the nearest real image."""
from __future__ import annotations

import torch
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


@torch.no_grad()
def batched(fn, x: torch.Tensor, batch_size: int = 1000, device=None) -> torch.Tensor:
    """``fn`` applied to ``x`` in chunks (on ``device``), results gathered on the CPU."""
    device = device or torch.device("cpu")
    return torch.cat([fn(chunk.to(device)).cpu() for chunk in x.split(batch_size)])


def reconstruction_mse(model, x: torch.Tensor, device=None) -> float:
    """Mean squared error per pixel of ``model(x)`` against ``x``."""
    device = device or next(model.parameters()).device
    model.eval()
    x_hat = batched(model, x, device=device)
    return ((x_hat - x) ** 2).mean().item()


def pca_reconstruction_mse(x_train: torch.Tensor, x_test: torch.Tensor, sizes) -> dict:
    """Per-pixel test MSE of PCA keeping k components, for each k in ``sizes``.

    PCA is the best *linear* code: x_hat = mean + W_k^T W_k (x - mean).
    """
    train, test = x_train.flatten(1).numpy(), x_test.flatten(1).numpy()
    pca = PCA(n_components=max(sizes), random_state=0).fit(train)
    centred = torch.from_numpy(test - pca.mean_)
    components = torch.from_numpy(pca.components_)
    errors = {}
    for k in sizes:
        w = components[:k]
        errors[k] = ((centred @ w.T @ w - centred) ** 2).mean().item()
    return errors


def linear_probe_accuracy(train_features, train_labels, test_features, test_labels) -> float:
    """Test accuracy of a logistic regression on fixed features: how much class
    information a representation exposes to a *linear* read-out."""
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    probe.fit(torch.as_tensor(train_features).flatten(1).numpy(), torch.as_tensor(train_labels).numpy())
    return float(probe.score(torch.as_tensor(test_features).flatten(1).numpy(),
                             torch.as_tensor(test_labels).numpy()))


@torch.no_grad()
def nearest_neighbour_distance(queries: torch.Tensor, reference: torch.Tensor,
                               batch_size: int = 500) -> torch.Tensor:
    """For each query image, the RMS pixel distance to its closest image in ``reference``."""
    ref = reference.flatten(1).float()
    out = [torch.cdist(q.flatten(1).float(), ref).min(dim=1).values for q in queries.split(batch_size)]
    return torch.cat(out) / ref.shape[1] ** 0.5

import matplotlib.pyplot as plt
import torch

from course_lib import metrics
from course_lib.core import data, plots, train
from course_lib.models import Autoencoder, conv_autoencoder


def test_conv_autoencoder_shapes_and_range():
    ae = conv_autoencoder(latent_dim=7)
    x = torch.rand(3, 1, 28, 28)
    assert ae.encode(x).shape == (3, 7)
    out = ae(x)
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1


def test_reconstruction_mse_of_identity_is_zero():
    identity = Autoencoder(torch.nn.Identity(), torch.nn.Identity())
    identity.register_parameter("dummy", torch.nn.Parameter(torch.zeros(1)))
    x = torch.rand(20, 1, 28, 28)
    assert metrics.reconstruction_mse(identity, x) == 0.0
    assert torch.equal(data.batched(lambda t: t * 2, x, batch_size=7), x * 2)


def test_pca_error_falls_with_more_components_and_is_exact_at_full_rank():
    torch.manual_seed(0)
    x = torch.randn(200, 1, 4, 4) @ torch.randn(4, 4)  # 16 pixels
    errors = metrics.pca_reconstruction_mse(x[:150], x[150:], [1, 4, 16])
    assert errors[1] > errors[4] > errors[16] and errors[16] < 1e-8


def test_linear_probe_reads_separable_features():
    torch.manual_seed(0)
    y = torch.arange(200) % 2
    features = torch.randn(200, 5) + 4 * y[:, None].float()
    assert metrics.linear_probe_accuracy(features[:100], y[:100], features[100:], y[100:]) > 0.95


def test_nearest_neighbour_distance():
    reference = torch.zeros(3, 1, 2, 2)
    reference[1] = 1.0
    queries = torch.stack([reference[1], torch.full((1, 2, 2), 0.5)])
    assert torch.allclose(metrics.nearest_neighbour_distance(queries, reference, batch_size=1),
                          torch.tensor([0.0, 0.5]))


def test_plots_draw_without_error():
    x = torch.rand(12, 1, 28, 28)
    figures = [
        plots.show_images(x, nrow=6, title="t", show=False),
        plots.show_reconstructions(x, x.flip(0), n=6, show=False),
        plots.show_strip(x[:5], labels=list("abcde"), title="s", show=False),
        plots.plot_history(train.History(steps={"loss": [3.0, 2.0, 1.0] * 20}), show=False),
        plots.plot_curves([2, 4, 8], {"a": [3, 2, 1], "b": [2, 2, 2]}, "d", "err", logx=True, logy=True, show=False),
        plots.plot_latent_scatter(torch.randn(50, 2), torch.arange(50) % 10, [str(k) for k in range(10)], show=False),
    ]
    assert all(f is not None and f.axes for f in figures)
    assert plots.show_images(x, show=True) is None  # shown, not returned: no double display in notebooks
    plt.close("all")


def test_sharpness_measures_rank_sharp_above_blurred():
    torch.manual_seed(0)
    sharp = (torch.rand(20, 1, 28, 28) > 0.5).float()
    blurred = torch.nn.functional.avg_pool2d(sharp, 3, stride=1, padding=1)
    assert (metrics.laplacian_variance(sharp) > 4 * metrics.laplacian_variance(blurred)).all()
    assert (metrics.high_frequency_energy(sharp) > metrics.high_frequency_energy(blurred)).all()
    flat = torch.full((2, 1, 28, 28), 0.3)
    assert torch.allclose(metrics.laplacian_variance(flat), torch.zeros(2))
    stripes = torch.zeros(1, 1, 28, 28)
    stripes[..., ::2] = 1.0  # the highest frequency there is
    assert metrics.high_frequency_energy(stripes).item() > 0.99


def test_fit_regressor_recovers_a_linear_factor():
    torch.manual_seed(0)
    factor = torch.rand(300)
    images = factor[:, None, None, None] * torch.ones(300, 1, 4, 4) + 0.01 * torch.randn(300, 1, 4, 4)
    predict, r2 = metrics.fit_regressor(images, factor)
    assert r2 > 0.99 and torch.allclose(predict(images[:5]).float(), factor[:5], atol=0.05)


def test_latent_plots_and_explorer():
    def decode(z):
        return torch.sigmoid(z[:, :1, None, None].expand(-1, 1, 28, 28))

    assert plots.latent_grid(decode, n=4, show=False).axes
    assert plots.latent_traversal(decode, torch.zeros(3), dims=[0, 2], values=[-1, 0, 1], show=False).axes
    from course_lib.teaching import widgets
    sliders = widgets.latent_explorer(decode, torch.zeros(1, 3), n_sliders=2)
    assert [s.description for s in sliders] == ["z1", "z2"]
    sliders[0].value = 1.5  # redraws without error
    plt.close("all")

"""course_lib.chapters.compare (notebook 06) and the feature-based FID in course_lib.metrics."""
import math

import pytest
import torch

from course_lib import metrics
from course_lib.chapters import compare
from course_lib.core import assets
from course_lib.models import VAE, gan

from course_answers.a02_variational_autoencoders import negative_elbo
from course_answers.a04_gan_basics import gan_step


def test_fid_from_features_has_the_analytic_value_of_two_diagonal_gaussians():
    torch.manual_seed(0)
    s_r, s_g = torch.tensor([1.0, 2.0, 0.5]), torch.tensor([3.0, 1.0, 0.5])
    a = torch.randn(200_000, 3) * s_r
    b = torch.randn(200_000, 3) * s_g + torch.tensor([0.0, 1.0, 0.0])
    expected = 1.0 + ((s_r - s_g) ** 2).sum().item()
    assert metrics.fid_from_features(a, b) == pytest.approx(expected, rel=0.02)
    assert metrics.fid_from_features(a, a) == pytest.approx(0.0, abs=1e-6)


def test_fid_of_images_is_the_fid_of_their_features():
    torch.manual_seed(1)
    real, fake = torch.rand(300, 1, 28, 28), torch.rand(300, 1, 28, 28) ** 2
    clf = assets.pretrained(metrics.CLASSIFIER)[0]
    direct = metrics.fid_from_features(metrics.features(real, clf), metrics.features(fake, clf))
    assert metrics.fid(real, fake, clf) == pytest.approx(direct, rel=1e-6)


def test_edge_images_are_sharp_steps_and_their_mean_is_a_ramp():
    edges = compare.edge_images(torch.tensor([3, 10]))
    assert edges.shape == (2, 1, 28, 28)
    assert edges[0, 0, 5, :3].eq(0).all() and edges[0, 0, 5, 3:].eq(1).all()
    mean = edges.mean(0)
    assert set(mean.unique().tolist()) == {0.0, 0.5, 1.0}


def test_radial_power_spectrum_is_flat_for_white_noise_and_falls_for_smooth_images():
    torch.manual_seed(2)
    freqs, white = compare.radial_power_spectrum(torch.randn(200, 1, 28, 28))
    assert freqs.min() > 0 and freqs.max() < 0.5
    assert white.max() / white.min() < 1.5
    smooth = torch.nn.functional.avg_pool2d(torch.randn(200, 1, 32, 32), 5, stride=1)[..., :28, :28]
    _, power = compare.radial_power_spectrum(smooth)
    assert power[-1] < 0.05 * power[1]


def test_path_straightness_is_one_for_an_even_straight_path_and_flags_a_jump():
    ident = lambda images: images.flatten(1)  # noqa: E731
    t = torch.linspace(0, 1, 9)
    straight = t.view(1, 9, 1, 1, 1).expand(1, 9, 1, 2, 2).clone()
    out = metrics.path_straightness(straight, ident)
    assert out["length / end distance"] == pytest.approx(1.0, abs=1e-5)
    assert out["largest / mean step"] == pytest.approx(1.0, abs=1e-5)
    jump = (t > 0.5).float().view(1, 9, 1, 1, 1).expand(1, 9, 1, 2, 2).clone()
    assert metrics.path_straightness(jump, ident)["largest / mean step"] == pytest.approx(8.0, rel=1e-4)


def test_interpolation_paths_start_and_end_at_the_decoded_ends():
    decode = lambda z: z.view(-1, 1, 2, 2)  # noqa: E731
    start, end = torch.zeros(3, 4), torch.ones(3, 4)
    paths = metrics.interpolation_paths(decode, start, end, steps=5)
    assert paths.shape == (3, 5, 1, 2, 2)
    assert paths[:, 0].eq(0).all() and paths[:, -1].eq(1).all()
    assert paths[0, 2].allclose(torch.full((1, 2, 2), 0.5))


def test_vaegan_step_adds_the_weighted_adversarial_loss_and_updates_both_networks():
    torch.manual_seed(3)
    vae, D = VAE(latent_dim=4, arch="mlp", hidden=16), gan.DCDiscriminator(channels=4)
    x = torch.rand(8, 1, 28, 28)
    before_vae = [p.clone() for p in vae.parameters()]
    before_d = [p.clone() for p in D.parameters()]
    out = compare.vaegan_step(vae, D, (x,), torch.optim.SGD(vae.parameters(), 1e-3), torch.optim.SGD(D.parameters(), 1e-3),
                              adv_weight=20.0)
    assert set(out) == {"-elbo", "adv", "d_loss"} and all(math.isfinite(float(v)) for v in out.values())
    assert any(not torch.equal(a, b) for a, b in zip(before_vae, vae.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(before_d, D.parameters()))
    # with adv_weight = 0 the decoder's update is the plain VAE's (the discriminator does not reach it)
    torch.manual_seed(4)
    v1, v2 = VAE(latent_dim=4, arch="mlp", hidden=16), VAE(latent_dim=4, arch="mlp", hidden=16)
    v2.load_state_dict(v1.state_dict())
    torch.manual_seed(5)
    compare.vaegan_step(v1, D, (x,), torch.optim.SGD(v1.parameters(), 1e-2), torch.optim.SGD(D.parameters(), 0.0), 0.0)
    torch.manual_seed(5)
    compare.vaegan_step(v2, D, (x,), torch.optim.SGD(v2.parameters(), 1e-2), torch.optim.SGD(D.parameters(), 0.0), 5.0)
    assert any(not torch.allclose(a, b) for a, b in zip(v1.parameters(), v2.parameters()))


def test_training_functions_report_cost_and_samplers_give_images_in_unit_range():
    x = torch.rand(64, 1, 28, 28).round()
    vae, cost = compare.train_vae(x, epochs=1, loss=negative_elbo, seed=0, desc="test VAE")
    assert cost["params"] == metrics.n_parameters(vae) and cost["cpu_s"] > 0
    G, cost = compare.train_dcgan(x, epochs=1, step=gan_step, seed=0, desc="test DCGAN")
    assert cost["params"] > cost["sampler_params"] == metrics.n_parameters(G)
    for images in (compare.sample_vae(vae, 5), compare.sample_dcgan(G, 5)):
        assert images.shape == (5, 1, 28, 28) and images.min() >= 0 and images.max() <= 1
    assert torch.equal(compare.sample_dcgan(G, 3, seed=1), compare.sample_dcgan(G, 3, seed=1))
    assert compare.images_per_second(lambda n: compare.sample_vae(vae, n), n=50) > 0


def test_scores_of_real_images_against_themselves_sit_at_the_floor():
    torch.manual_seed(6)
    clf = assets.pretrained(metrics.CLASSIFIER)[0]
    from course_lib.core import data
    try:
        real, _ = data.fashion_mnist("test", n=400)
    except data.DataNotFoundError:
        pytest.skip("Fashion-MNIST is not available here")
    out = metrics.image_scores(metrics.features(real, clf), real, clf)
    assert out["fid"] == pytest.approx(0.0, abs=1e-3)
    assert out["precision"] == 1.0 and out["recall"] == 1.0
    assert out["classes covered"] == 10 and 0.1 <= out["largest class"] < 0.2


def test_slerp_keeps_the_norm_of_gaussian_codes_and_hits_both_ends():
    torch.manual_seed(7)
    a, b = torch.randn(50, 64), torch.randn(50, 64)
    mid = metrics.slerp(a, b, torch.tensor(0.5))
    assert torch.allclose(metrics.slerp(a, b, torch.tensor(0.0)), a, atol=1e-4)
    assert torch.allclose(metrics.slerp(a, b, torch.tensor(1.0)), b, atol=1e-4)
    assert (mid.norm(dim=1) / ((a.norm(dim=1) + b.norm(dim=1)) / 2)).sub(1).abs().max() < 0.1
    assert torch.lerp(a, b, 0.5).norm(dim=1).mean() < 0.8 * mid.norm(dim=1).mean()


def test_scores_report_feature_spread_and_the_class_histogram():
    clf = assets.pretrained(metrics.CLASSIFIER)[0]
    torch.manual_seed(8)
    real = torch.rand(200, 1, 28, 28)
    out = metrics.image_scores(metrics.features(real, clf), real[:1].expand(200, 1, 28, 28).clone(), clf)
    assert out["feature spread"] == pytest.approx(0.0, abs=1e-6)      # one image repeated: no spread
    assert sum(out["histogram"]) == 200 and out["classes covered"] == 1 and out["largest class"] == 1.0


def test_checkpoints_record_both_budgets_and_leave_training_unchanged():
    x = torch.rand(256, 1, 28, 28)
    plain, cost0 = compare.train_vae(x, 1, negative_elbo, seed=3)
    tracked, cost = compare.train_vae(x, 1, negative_elbo, seed=3, checkpoints=2)
    assert all(torch.equal(a, b) for a, b in zip(plain.parameters(), tracked.parameters()))
    assert cost0["checkpoints"] == [] and cost["updates"] == 4   # 256 images in batches of 64
    rows = cost["checkpoints"]
    assert [r["updates"] for r in rows] == [2, 4]
    assert 0 < rows[0]["cpu_s"] < rows[1]["cpu_s"] <= cost["cpu_s"] + 1e-6
    assert rows[0]["samples"].shape == (1000, 1, 28, 28)
    G0, _ = compare.train_dcgan(x, 1, gan_step, seed=3)
    G, gcost = compare.train_dcgan(x, 1, gan_step, seed=3, checkpoints=2)
    assert gcost["updates"] == 2 and [r["updates"] for r in gcost["checkpoints"]] == [1, 2]   # batches of 128
    assert all(torch.equal(a, b) for a, b in zip(G0.state_dict().values(), G.state_dict().values()))

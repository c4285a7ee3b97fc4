import torch

from course_lib import metrics
from course_lib.core import assets
from course_lib.models import stylegan as sg

from course_answers import a04_gan_basics as a04
from course_answers import a07_stylegan as a07


def test_adain_sets_each_channels_statistics():
    x = torch.randn(3, 4, 8, 8) * 7 + 3
    scale, bias = torch.rand(3, 4) + 0.5, torch.randn(3, 4)
    out = a07.adain(x, scale, bias)
    assert torch.allclose(out.mean(dim=(2, 3)), bias, atol=1e-4)
    assert torch.allclose(out.std(dim=(2, 3), unbiased=False), scale, rtol=1e-3)


def test_noise_is_shared_by_channels_and_scaled_per_channel():
    x, strength = torch.zeros(2, 3, 5, 5), torch.tensor([1.0, 2.0, -1.0])
    out = a07.add_noise(x, strength)
    assert torch.allclose(out[:, 1], 2 * out[:, 0]) and torch.allclose(out[:, 2], -out[:, 0])


def test_truncation_and_mixing():
    torch.manual_seed(0)
    w, w_avg = torch.randn(4, 6), torch.randn(6)
    # w_avg + 1 * (w - w_avg) equals w only up to float rounding: entries of w near 0 need an atol
    assert torch.allclose(a07.truncate(w, w_avg, 0.0), w_avg.expand(4, 6), atol=1e-6)
    assert torch.allclose(a07.truncate(w, w_avg, 1.0), w, atol=1e-6)
    assert torch.allclose(a07.truncate(w, w_avg, 0.5), (w + w_avg) / 2, atol=1e-6)
    ws = a07.mix_styles(w, -w, 2, 5)
    assert ws.shape == (4, 5, 6) and torch.equal(ws[:, 1], w) and torch.equal(ws[:, 2], -w)


def test_demodulation_gives_unit_output_std():
    torch.manual_seed(0)
    x, weight, style = torch.randn(8, 16, 8, 8), torch.randn(4, 16, 3, 3), torch.rand(8, 16) * 5
    assert (sg.modulated_conv(x, weight, style).std(dim=(0, 2, 3)) - 1).abs().max() < 0.2
    assert sg.modulated_conv(x, weight, style, demodulate=False).std() > 3


def test_generator_shapes_styles_and_noise():
    torch.manual_seed(0)
    G = sg.Generator()
    z = torch.randn(3, G.z_dim)
    assert G(z).shape == (3, 1, 32, 32) and G.num_layers == len(G.resolutions) == 7
    noise = G.make_noise(3, seed=1)
    same = G.synthesis(G.map(z), noise)
    assert torch.equal(same, G.synthesis(G.map(z), noise))
    ws = a07.mix_styles(G.map(z), G.map(torch.randn(3, G.z_dim)), 3, G.num_layers)
    assert not torch.equal(G.synthesis(ws, noise), same)  # the fine layers do change the image
    assert sg.crop28(same).shape == (3, 1, 28, 28)
    d = sg.Discriminator()(sg.pad32(torch.rand(4, 1, 28, 28)))
    assert d.shape == (4, 1)


def test_trainer_updates_g_d_ema_and_w_avg():
    torch.manual_seed(0)
    G, D = sg.Generator(channels=(16, 16, 8, 8)), sg.Discriminator(channels=(8, 16, 16))
    trainer = sg.Trainer(G, D, a04.gan_step, r1_every=1)
    before = [p.clone() for p in (G.const, next(D.parameters()), trainer.G_ema.const)]
    out = trainer(G, (sg.pad32(torch.rand(8, 1, 28, 28)),))
    assert set(out) == {"d_loss", "g_loss", "D(x)", "D(G(z))"}
    after = [G.const, next(D.parameters()), trainer.G_ema.const]
    assert all(not torch.equal(b, a) for b, a in zip(before, after))
    assert G.w_avg.abs().sum() > 0 and torch.equal(trainer.G_ema.w_avg, G.w_avg)


def test_shipped_generator_loads_and_makes_clothes():
    G, card, _ = assets.pretrained(sg.PRETRAINED)
    images = sg.sample(G, 64, seed=0)
    assert images.shape == (64, 1, 28, 28) and images.min() >= 0 and images.max() <= 1
    assert {"images_seen", "train_seconds", "hardware", "psi=1.0", "psi=0.7"} <= set(card)
    assert card["psi=1.0"]["fid"] < 100
    classes = metrics.class_histogram(images)
    assert (classes > 0).sum() >= 5  # varied garments, not one mode
    w_smooth = metrics.path_length(G, 64, "w", assets.pretrained(metrics.CLASSIFIER)[0].features).median()
    assert w_smooth > 0

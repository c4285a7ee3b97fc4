"""course_lib.chapters.wardrobe_app: AdaIN transfer, paired restyling, pix2pix, CycleGAN, shape measures, try-on."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from course_lib import metrics
from course_lib.chapters import wardrobe_app as A
from course_lib.core import assets, wardrobe
from course_lib.models.translation import CycleGAN, UNet, patch_discriminator

from course_answers import a08_virtual_wardrobe as a08


def test_adain_transfer_takes_style_statistics_and_content_layout():
    torch.manual_seed(0)
    c, s = torch.randn(2, 3, 5, 5), torch.randn(2, 3, 4, 6) * 2 + torch.tensor([1.0, -2.0])[:, None, None, None]
    out = a08.adain_transfer(c, s)
    assert out.shape == c.shape
    assert torch.allclose(out.mean(dim=(2, 3)), s.mean(dim=(2, 3)), atol=1e-4)
    assert torch.allclose(out.std(dim=(2, 3), unbiased=False), s.std(dim=(2, 3), unbiased=False), atol=1e-3)


def test_restyle_keeps_shape_and_takes_fabric():
    a = wardrobe.make_wardrobe(8, seed=1)
    fabric = torch.tensor([[0.0, 0.0, 0.0, 0.0, 1.0]]).expand(8, -1)
    out = A.restyle(a.labels, a.factors, fabric)
    plain = a.factors.clone()
    plain[:, 3], plain[:, 4] = 0.0, 1.0
    assert torch.allclose(out, wardrobe.render(a.labels, plain))
    iou = metrics.silhouette_iou(out, a.images)   # the same shape in another fabric: edges move by under a pixel
    assert iou.mean() > 0.93 and iou.min() > 0.85


def test_style_pairs_shapes():
    c, s, t = A.style_pairs(6, seed=3)
    assert c.shape == s.shape == t.shape == (6, 1, 28, 28)


def test_transfer_net_and_unet_shapes_and_one_training_step():
    c, s, t = A.style_pairs(64, seed=4)
    net, cost = A.train_transfer(c, s, t, epochs=1)
    assert net(c[:3], s[:3]).shape == (3, 1, 28, 28) and cost["cpu_s"] > 0
    G, cost = A.train_pix2pix(c, t, epochs=1)
    out = G(c[:3])
    assert out.shape == (3, 1, 28, 28) and out.min() >= 0 and out.max() <= 1
    assert patch_discriminator()(torch.cat([c[:2], t[:2]], 1)).shape == (2, 1, 7, 7)


def test_iou_and_extent():
    a = torch.zeros(1, 1, 28, 28)
    a[..., :14, :] = 1
    b = torch.zeros(1, 1, 28, 28)
    b[..., 7:21, :] = 1
    assert metrics.silhouette_iou(a, b).item() == pytest.approx(7 / 21)
    assert metrics.extent(a)[0].tolist() == pytest.approx([0.5, 1.0])


def test_blend_ends_are_the_two_designs():
    a, b = torch.zeros(3), torch.ones(3)
    path = A.blend(lambda h: h, a, b, steps=5)
    assert torch.equal(path[0], a) and torch.equal(path[-1], b) and path[2].tolist() == [0.5] * 3


def test_avatar_torso_matches_a_top_of_the_same_size():
    for w, h in [(0.2, 0.3), (0.8, 0.9)]:
        person, torso = wardrobe.avatar(w, h), wardrobe.torso(w, h)
        assert person.shape == (1, 56, 40) and torso.any() and (person[0][torso] > 0).all()
        top = wardrobe.render([0], [[0.0, w, h, 0.0, 1.0]])[0]
        placed = wardrobe.place(top)[0] > wardrobe.THRESHOLD
        assert (placed & torso).sum() / torso.sum() > 0.85     # the top covers its own-size torso
        scores = metrics.fit_scores(person, torso, top)
        assert scores["torso covered"] > 0.85 and scores["off the body"] < 0.2
    dressed = wardrobe.try_on(wardrobe.avatar(0.5, 0.5), top)
    assert dressed.shape == (1, 56, 40) and dressed.max() > 0.35


def test_stripe_contrast_grows_with_the_stripes():
    w = wardrobe.make_wardrobe(300, seed=3)
    means = []
    for texture in (0.0, 0.5, 1.0):
        f = w.factors.clone()
        f[:, 3] = texture
        means.append(metrics.stripe_contrast(wardrobe.render(w.labels, f)).mean().item())
    assert means[0] < means[1] < means[2]
    assert metrics.stripe_contrast(torch.zeros(2, 1, 28, 28)).tolist() == [0.0, 0.0]   # nothing inside: no stripes


def test_l1_only_pix2pix_trains_the_generator_alone():
    w = wardrobe.make_wardrobe(128, seed=5)
    G, cost = A.train_pix2pix(w.images, w.images.flip(-1), epochs=1, adversarial=False)
    assert cost["cpu_s"] > 0 and not G.training
    with torch.no_grad():
        assert G(w.images[:4]).shape == (4, 1, 28, 28)


def test_fabric_domain_draws_the_texture_in_its_range():
    plain, striped = A.fabric_domain(200, 1, 0.0, 0.0), A.fabric_domain(200, 2, 0.6, 1.0)
    assert plain.factors[:, 3].eq(0).all() and striped.factors[:, 3].min() >= 0.6 and striped.factors[:, 3].max() <= 1
    assert torch.equal(striped.images, wardrobe.render(striped.labels, striped.factors))
    assert torch.equal(A.fabric_domain(200, 2, 0.6, 1.0).images, striped.images)   # the same for the same seed
    assert metrics.stripe_contrast(plain.images).mean() < metrics.stripe_contrast(striped.images).mean()


def test_cyclegan_step_moves_both_generators_and_both_discriminators():
    torch.manual_seed(0)
    model = CycleGAN(c=8)
    D_a, D_b = patch_discriminator(8, in_channels=1), patch_discriminator(8, in_channels=1)
    opt_G = torch.optim.Adam(model.parameters(), 1e-3)
    opt_D = torch.optim.Adam([*D_a.parameters(), *D_b.parameters()], 1e-3)
    nets = [model.ab, model.ba, D_a, D_b]
    before = [[p.clone() for p in net.parameters()] for net in nets]
    a, b = A.fabric_domain(8, 1, 0.0, 0.0).images, A.fabric_domain(8, 2, 0.6, 1.0).images
    losses = A.cyclegan_step(model, D_a, D_b, a, b, opt_G, opt_D)
    assert set(losses) == {"d_loss", "adv", "cycle", "identity"} and all(v.isfinite() for v in losses.values())
    for net, old in zip(nets, before):
        assert any(not torch.equal(p, q) for p, q in zip(net.parameters(), old))


def test_cyclegan_normalises_each_image_alone():
    model, x = CycleGAN(c=8), torch.rand(6, 1, 28, 28)
    with torch.no_grad():
        train_out = model.train().ab(x)
        assert torch.allclose(model.eval().ab(x), train_out, atol=1e-6)             # no running statistics
        assert torch.allclose(model.ab(x[:2]), train_out[:2], atol=1e-6)           # nor batch statistics
    assert UNet(8).down2[1].__class__.__name__ == "BatchNorm2d"                    # pix2pix keeps batch norm


def test_train_cyclegan_checks_outside_the_clock():
    a, b = A.fabric_domain(64, 1, 0.0, 0.0).images, A.fabric_domain(64, 2, 0.6, 1.0).images
    seen = []
    model, cost = A.train_cyclegan(a, b, 4, batch_size=4, every=2,
                                   check=lambda m, updates, cpu: seen.append((m.training, updates, cpu)))
    assert [s[:2] for s in seen] == [(False, 2), (False, 4)] and seen[0][2] <= seen[1][2] == cost["cpu_s"]
    assert not model.training and model.ab(a[:2]).shape == (2, 1, 28, 28)


@pytest.mark.slow
def test_train_cyclegan_script_writes_a_checkpoint_that_loads(tmp_path):
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, str(root / "scripts" / "train_cyclegan.py"), "--updates", "4", "--every", "2",
                    "--out", str(tmp_path)], check=True, cwd=root, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(root)})
    model, card, _ = assets.pretrained(A.PRETRAINED_CYCLEGAN, folder=tmp_path)
    assert isinstance(model, CycleGAN) and [c["updates"] for c in card["checks"]] == [2, 4] and card["updates"] == 4


def test_shipped_cyclegan_loads_with_its_card_and_translates():
    model, card, _ = assets.pretrained(A.PRETRAINED_CYCLEGAN)
    assert isinstance(model, CycleGAN) and card["updates"] == card["checks"][-1]["updates"]
    plain, striped = A.fabric_domain(100, 90, 0.0, 0.0).images, A.fabric_domain(100, 91, 0.6, 1.0).images
    with torch.no_grad():
        to_striped, to_plain = model.ab(plain), model.ba(striped)
    assert metrics.silhouette_iou(to_striped, plain).mean() > 0.9 and metrics.silhouette_iou(to_plain, striped).mean() > 0.9
    assert metrics.stripe_contrast(to_striped).mean() > metrics.stripe_contrast(plain).mean() + 0.03   # the fabric changed ...
    assert metrics.stripe_contrast(to_plain).mean() < metrics.stripe_contrast(striped).mean() - 0.03   # ... both ways

"""course_lib.chapters.wardrobe_app: AdaIN transfer, paired restyling, pix2pix, shape measures, try-on."""
import pytest
import torch

from course_lib.chapters import wardrobe_app as A
from course_lib.core import wardrobe
from course_lib.models.translation import patch_discriminator

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
    iou = A.silhouette_iou(out, a.images)   # the same shape in another fabric: edges move by under a pixel
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
    assert A.silhouette_iou(a, b).item() == pytest.approx(7 / 21)
    assert A.extent(a)[0].tolist() == pytest.approx([0.5, 1.0])


def test_blend_ends_are_the_two_designs():
    a, b = torch.zeros(3), torch.ones(3)
    path = A.blend(lambda h: h, a, b, steps=5)
    assert torch.equal(path[0], a) and torch.equal(path[-1], b) and path[2].tolist() == [0.5] * 3


def test_avatar_torso_matches_a_top_of_the_same_size():
    for w, h in [(0.2, 0.3), (0.8, 0.9)]:
        person, torso = A.avatar(w, h), A.torso(w, h)
        assert person.shape == (1, 56, 40) and torso.any() and (person[0][torso] > 0).all()
        top = wardrobe.render([0], [[0.0, w, h, 0.0, 1.0]])[0]
        placed = A.place(top)[0] > A.THRESHOLD
        assert (placed & torso).sum() / torso.sum() > 0.85     # the top covers its own-size torso
        scores = A.fit_scores(person, torso, top)
        assert scores["torso covered"] > 0.85 and scores["off the body"] < 0.2
    dressed = A.try_on(A.avatar(0.5, 0.5), top)
    assert dressed.shape == (1, 56, 40) and dressed.max() > 0.35


def test_stripe_contrast_grows_with_the_stripes():
    w = wardrobe.make_wardrobe(300, seed=3)
    means = []
    for texture in (0.0, 0.5, 1.0):
        f = w.factors.clone()
        f[:, 3] = texture
        means.append(A.stripe_contrast(wardrobe.render(w.labels, f)).mean().item())
    assert means[0] < means[1] < means[2]
    assert A.stripe_contrast(torch.zeros(2, 1, 28, 28)).tolist() == [0.0, 0.0]   # nothing inside: no stripes


def test_l1_only_pix2pix_trains_the_generator_alone():
    w = wardrobe.make_wardrobe(128, seed=5)
    G, cost = A.train_pix2pix(w.images, w.images.flip(-1), epochs=1, adversarial=False)
    assert cost["cpu_s"] > 0 and not G.training
    with torch.no_grad():
        assert G(w.images[:4]).shape == (4, 1, 28, 28)

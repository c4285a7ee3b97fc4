"""The teacher's answers are generated from the solution cells (``python -m grading answers``): one source per
answer. The first test fails while a module of ``course_answers`` is not what its notebook gives; the others
hold course_lib's models, which do the exercises' operations with PyTorch's built-ins unless they are handed
an answer (``up_block=``, ``join=``, ``head=``, ``transfer=``), equal to what the answers give.
"""
from __future__ import annotations

import importlib

import pytest
import torch

from course_lib.chapters import compare
from course_lib.models import conditional as cnets
from course_lib.models import gan, vae
from course_lib.models import stylegan as sg
from course_lib.models.translation import TransferNet
from grading import answers

from course_answers import ASSIGNMENTS
from course_answers import a02_variational_autoencoders as a02
from course_answers import a05_dcgan as a05
from course_answers import a07_stylegan as a07
from course_answers import a08_virtual_wardrobe as a08


def test_the_answers_are_generated_from_the_solution_cells():
    stale = answers.write_all(check=True)
    assert not stale, (f"{', '.join(stale)} differ from the solution cells they are generated from: run "
                       "`python -m grading answers` (make answers) and commit the result")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_answers_module_defines_every_solution_function(assignment):
    import ast

    import nbformat
    nb = nbformat.read(answers.source_notebook(assignment), as_version=4)
    names = {node.name for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
             for node in ast.parse(c.source).body if isinstance(node, ast.FunctionDef)}
    module = importlib.import_module(f"course_answers.a{assignment}")
    assert names and all(callable(getattr(module, n, None)) for n in names), sorted(names)


def same(a, b, what: str, atol: float = 1e-6):
    if isinstance(a, dict):
        assert set(a) == set(b), f"{what}: keys {sorted(a)} vs {sorted(b)}"
        for k in a:
            same(a[k], b[k], f"{what}[{k!r}]", atol)
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), what
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{what}[{i}]", atol)
    else:
        a, b = torch.as_tensor(a).double(), torch.as_tensor(b).double()
        assert a.shape == b.shape and torch.allclose(a, b, atol=atol, rtol=1e-5), f"{what}: solution and course_lib differ"


def seeded(f, *args, seed: int = 0, **kwargs):
    torch.manual_seed(seed)
    return f(*args, **kwargs)



# ---- course_lib does the exercises' operations with PyTorch's built-ins: the same numbers as the answers


def test_vae_samples_and_kl_as_the_answers():
    model, x = seeded(vae.VAE, latent_dim=3, arch="mlp", hidden=16), torch.rand(5, 1, 28, 28)
    mu, logvar = model.encode(x)
    same(seeded(model, x), seeded(lambda: model.decode(a02.reparameterize(mu, logvar))), "VAE.forward's draw")
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    same(torch.distributions.kl_divergence(q, vae.PRIOR).sum(1), a02.kl_divergence(mu, logvar), "KL", atol=1e-5)
    cvae = seeded(cnets.CondVAE, 5, 2, latent_dim=3, hidden=16)
    labels, sizes = torch.tensor([0, 1, 2, 3, 4]), torch.rand(5, 2)
    mu, logvar = cvae.encode(x, labels, sizes)
    rec = lambda: vae.reconstruction_nll(cvae.decode_logits(a02.reparameterize(mu, logvar), labels, sizes), x)  # noqa: E731
    kl = a02.kl_divergence(mu, logvar)
    same(seeded(cvae.loss, x, labels, sizes), {"loss": (seeded(rec) + kl).mean(), "rec": seeded(rec).mean(), "kl": kl.mean()},
         "CondVAE.loss, the ELBO of notebook 02 with the request", atol=1e-4)


def test_dcgan_blocks_written_out_as_the_answers():
    z, x = torch.randn(4, 8), torch.rand(4, 1, 28, 28)
    same(seeded(lambda: gan.DCGenerator(8, 4)(z)), seeded(lambda: gan.DCGenerator(8, 4, up_block=a05.up_block)(z)),
         "DCGenerator without and with up_block")
    same(seeded(lambda: gan.DCDiscriminator(4)(x)), seeded(lambda: gan.DCDiscriminator(4, down_block=a05.down_block)(x)),
         "DCDiscriminator without and with down_block")
    G = seeded(gan.DCGenerator, compare.Z_DIM, 4).train()
    z = torch.randn(6, compare.Z_DIM, generator=torch.Generator().manual_seed(1))
    same(compare.sample_dcgan(G, 6, seed=1), a05.generate(G, z), "compare.sample_dcgan vs generate")
    assert G.training, "sample_dcgan must restore training mode"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_stylegan_layers_as_the_answers(dtype):
    G = seeded(sg.Generator, z_dim=8, w_dim=8, mapping_layers=2, channels=(8, 8, 4, 4)).to(dtype)
    with torch.no_grad():
        for layer in G.layers:
            layer.noise_strength.normal_()
        G.w_avg.normal_()
    z, noise = torch.randn(3, 8, dtype=dtype), G.make_noise(3, seed=0)
    noise = [n.to(dtype) for n in noise]
    w = G.map(z)

    def by_answers(ws):
        x = G.const.expand(len(ws), -1, -1, -1)
        for i, layer in enumerate(G.layers):
            if layer.upsample:
                x = torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = torch.nn.functional.leaky_relu(a07.add_noise(layer.conv(x), layer.noise_strength, noise[i]), 0.2)
            x = a07.adain(x, *layer.affine(ws[:, i]).chunk(2, dim=1))
        return G.to_image(x)

    w2 = G.map(torch.randn(3, 8, dtype=dtype))
    mixed = a07.mix_styles(w, w2, 3, G.num_layers)
    same(G.synthesis(mixed, noise), by_answers(mixed), "synthesis: AdaIN and noise", atol=1e-5)
    same(G.map(z, psi=0.6), a07.truncate(w, G.w_avg, 0.6), "truncation", atol=1e-6)
    if dtype == torch.float64:
        return
    torch.manual_seed(0)
    ws, _ = sg.training_styles(G, 3, mixing_prob=1.0)
    torch.manual_seed(0)
    z1, z2 = torch.randn(2, 3, G.z_dim)
    w1 = G.map(z1)
    crossover = int(torch.randint(1, G.num_layers, ())) if torch.rand(()) < 1.0 else G.num_layers
    same(ws, a07.mix_styles(w1, G.map(z2), crossover, G.num_layers), "training_styles' mixing", atol=1e-6)


def test_wardrobe_models_as_the_answers():
    z, labels, sizes = torch.randn(6, 4), torch.tensor([0, 1, 2, 3, 4, 0]), torch.rand(6, 2)
    cvae = seeded(cnets.CondVAE, 5, 2, latent_dim=4, hidden=16)
    x = torch.rand(6, 1, 28, 28)
    same(cvae.decode(z, labels, sizes), seeded(cnets.CondVAE, 5, 2, latent_dim=4, hidden=16,
                                                 join=a08.conditioned_input).decode(z, labels, sizes), "CondVAE's join")
    D = seeded(cnets.ProjectionDiscriminator, n_classes=5, channels=4, width=8)
    D_answer = seeded(cnets.ProjectionDiscriminator, n_classes=5, channels=4, width=8, head=a08.projection_logit)
    same(D(x, labels), D_answer(x, labels), "ProjectionDiscriminator's head", atol=1e-5)
    G = seeded(cnets.CondGenerator, 5, z_dim=4, channels=4)
    G_answer = seeded(cnets.CondGenerator, 5, z_dim=4, channels=4, join=a08.conditioned_input)
    same(G(z, labels), G_answer(z, labels), "CondGenerator's join")
    net = seeded(TransferNet, channels=4)
    net_answer = seeded(TransferNet, channels=4, transfer=a08.adain_transfer)
    same(net(x, x.flip(0)), net_answer(x, x.flip(0)), "TransferNet's AdaIN", atol=1e-5)

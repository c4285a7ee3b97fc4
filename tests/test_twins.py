"""Every exercise exists twice: the solution cell in solutions/ and its reference answer in the
teacher's course_answers (which later notebooks and scripts import once the assignment is released).
d2l generates one from the other (#@save); here both are written by hand, so this test runs each pair
on the same seeded inputs and requires equal results. A drift between the two (a missing dtype=,
another loss scaling) fails here, not in a learner's run. Where course_lib's models do the same
operation without the answer (PyTorch's built-ins, layers written out), the last tests hold them equal too.
"""
from __future__ import annotations

import ast
import copy

import nbformat
import pytest
import torch
from nbgrading import nbgrader_meta, solution_code, source_notebook
from torch import nn

from course_lib import metrics
from course_lib.chapters import compare
from course_lib.core import train
from course_lib.models import ae, gan, vae
from course_lib.models import conditional as cnets
from course_lib.models import stylegan as sg
from course_lib.models.translation import TransferNet

from course_answers import a01_autoencoders as a01
from course_answers import a02_variational_autoencoders as a02
from course_answers import a03_vae_applications as a03
from course_answers import a04_gan_basics as a04
from course_answers import a05_dcgan as a05
from course_answers import a06_vae_vs_gan as a06
from course_answers import a07_stylegan as a07
from course_answers import a08_virtual_wardrobe as a08


def _imports(nb) -> str:
    """The notebook's top-level import statements (its setup), without running any other cell."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse("\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return "\n".join(lines)


def solution(assignment: str, grade_id: str) -> dict:
    """The namespace after running the notebook's imports and its solution cells (as solved) up to
    ``grade_id``: a later exercise may call an earlier one (02's ELBO calls the learner's KL)."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    assert ids.count(grade_id) == 1, f"{assignment}: no single cell {grade_id}"
    namespace: dict = {}
    exec(_imports(nb), namespace)  # the course's own notebooks
    for cell in nb.cells[: ids.index(grade_id) + 1]:
        if nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
            exec(solution_code(cell.source), namespace)
    return namespace


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


def twin_steps(step_a, step_b, model, batch, make_opt, steps: int = 3):
    """Three steps of each from the same start: equal losses and equal parameters after."""
    m_a, m_b = copy.deepcopy(model), copy.deepcopy(model)
    o_a, o_b = make_opt(m_a), make_opt(m_b)

    def losses(out):   # a float is the step's "loss", as fit reads it
        return out if isinstance(out, dict) else {"loss": out}

    for i in range(steps):
        same(losses(seeded(step_a, m_a, batch, o_a, seed=i)), losses(seeded(step_b, m_b, batch, o_b, seed=i)),
             f"step {i} losses", 1e-5)
    same(list(m_a.parameters()), list(m_b.parameters()), "parameters after the steps", 1e-5)


def sgd(model):
    return torch.optim.SGD(model.parameters(), lr=0.05)


def test_01_autoencoder():
    ns = solution("01_autoencoders", "ex1_encoder_decoder")
    x = torch.rand(4, 1, 28, 28)
    same(seeded(lambda: ae.Autoencoder(*ns["make_mlp_autoencoder"](3, hidden=8))(x)),
         seeded(lambda: a01.mlp_autoencoder(3, hidden=8)(x)), "the MLP autoencoder (same seed, same input)")
    loss = solution("01_autoencoders", "ex2_reconstruction_loss")["reconstruction_loss"]
    x_hat = torch.rand(4, 1, 28, 28)
    same(loss(x_hat, x), a01.squared_error(x_hat, x).mean(), "reconstruction_loss vs squared_error(...).mean()")
    ns = solution("01_autoencoders", "ex3_train_step")
    twin_steps(ns["train_step"], train.minimize(lambda m, b: a01.squared_error(m(b[0]), b[0]).mean()),
               seeded(a01.mlp_autoencoder, 3, hidden=8), (x, torch.zeros(4)), sgd)


def test_02_vae():
    mu, logvar = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    rep = solution("02_variational_autoencoders", "ex1_reparameterize")["reparameterize"]
    same(seeded(rep, mu, logvar), seeded(a02.reparameterize, mu, logvar), "reparameterize (same seed)")
    kl = solution("02_variational_autoencoders", "ex2_kl_divergence")["kl_divergence"]
    same(kl(mu, logvar), a02.kl_divergence(mu, logvar), "kl_divergence")
    ns = solution("02_variational_autoencoders", "ex3_elbo_step")
    model, x = seeded(vae.VAE, latent_dim=2, arch="mlp", hidden=16), torch.rand(6, 1, 28, 28)
    for beta in (1.0, 0.3):
        same(seeded(ns["negative_elbo"], model, x, beta), seeded(a02.negative_elbo, model, x, beta=beta),
             f"negative_elbo with beta = {beta}")
    twin_steps(ns["train_step"], train.minimize(lambda m, b: a02.negative_elbo(m, b[0])), model, (x,), sgd)


def test_03_applications():
    model, x = seeded(vae.VAE, latent_dim=2, arch="mlp", hidden=16), torch.rand(5, 1, 28, 28)
    score = solution("03_vae_applications", "ex1_anomaly_score")["anomaly_score"]
    same(seeded(score, model, x, k=4), seeded(a03.anomaly_score, model, x, k=4), "anomaly_score (k = 4)")
    threshold = solution("03_vae_applications", "ex2_threshold")["threshold_at_fpr"]
    scores = torch.randn(1000)
    for fpr in (0.01, 0.05, 0.3):
        same(threshold(scores, fpr), a03.threshold_at_fpr(scores, fpr), f"threshold_at_fpr({fpr})")
    impute = solution("03_vae_applications", "ex3_impute")["impute"]
    observed = torch.rand(5, 1, 28, 28) > 0.5
    same(impute(model, x, observed, steps=3), a03.impute(model, x, observed, steps=3), "impute")
    ascent = solution("03_vae_applications", "ex4_latent_ascent")["latent_ascent"]
    head = seeded(nn.Sequential, nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    z = torch.randn(4, 2)
    same(ascent(z, lambda v: head(v).squeeze(1), lr=0.2, steps=5),
         a03.latent_ascent(z, lambda v: head(v).squeeze(1), lr=0.2, steps=5), "latent_ascent")


def test_04_gan():
    d_real, d_fake = torch.randn(8, 1), torch.randn(8, 1)
    d_loss = solution("04_gan_basics", "ex1_discriminator_loss")["discriminator_loss"]
    same(d_loss(d_real, d_fake), a04.discriminator_loss(d_real, d_fake), "discriminator_loss")
    g_loss = solution("04_gan_basics", "ex2_generator_loss")["generator_loss"]
    same(g_loss(d_fake), a04.generator_loss(d_fake), "generator_loss")
    step = solution("04_gan_basics", "ex3_gan_step")["gan_step"]
    G, D = seeded(gan.mlp, 2, 2, hidden=16), seeded(gan.mlp, 2, 1, hidden=16, seed=1)
    real = torch.randn(32, 2)
    results = []
    for f in (step, a04.gan_step):
        g, d = copy.deepcopy(G), copy.deepcopy(D)
        opt_g, opt_d = torch.optim.Adam(g.parameters(), 1e-2), torch.optim.Adam(d.parameters(), 1e-2)
        outs = [seeded(f, g, d, real, opt_g, opt_d, 2, seed=i) for i in range(3)]
        results.append((outs, list(g.parameters()) + list(d.parameters())))
    same(results[0], results[1], "three GAN steps: losses, D outputs, then G's and D's parameters", 1e-5)


def test_05_dcgan():
    x = torch.randn(4, 16, 7, 7)
    up = solution("05_dcgan", "ex1_up_block")["up_block"]
    same(seeded(lambda: up(16, 8)(x)), seeded(lambda: a05.up_block(16, 8)(x)), "up_block")
    down = solution("05_dcgan", "ex2_down_block")["down_block"]
    for bn in (True, False):
        same(seeded(lambda bn=bn: down(16, 8, batchnorm=bn)(x)), seeded(lambda bn=bn: a05.down_block(16, 8, batchnorm=bn)(x)),
             f"down_block(batchnorm={bn})")
    ns = solution("05_dcgan", "ex3_training_loop")
    G, D = seeded(gan.DCGenerator, 8, 4), seeded(gan.DCDiscriminator, 4, seed=1)
    batch = (torch.rand(6, 1, 28, 28), torch.zeros(6))
    results = []
    for f in (ns["dcgan_step"], lambda g, d, b, og, od, z: a04.gan_step(g, d, 2 * b[0] - 1, og, od, z)):
        g, d = copy.deepcopy(G), copy.deepcopy(D)
        opt_g, opt_d = torch.optim.Adam(g.parameters(), 1e-3), torch.optim.Adam(d.parameters(), 1e-3)
        results.append([seeded(f, g, d, batch, opt_g, opt_d, 8, seed=i) for i in range(2)] + list(g.parameters()))
    same(results[0], results[1], "dcgan_step vs gan_step on 2x - 1", 1e-5)
    z = torch.randn(5, 8)
    G.train()
    same(ns["generate"](G, z), a05.generate(G, z), "generate (eval mode)")
    assert G.training, "generate must restore training mode"


def test_06_scores():
    gen = torch.Generator().manual_seed(0)
    real = torch.randn(300, 6, generator=gen) @ torch.randn(6, 6, generator=gen)
    fake = 0.7 * torch.randn(300, 6, generator=gen) + 0.4
    fd = solution("06_vae_vs_gan", "ex1_frechet")["frechet_distance"]
    same(fd(real, fake), a06.frechet_distance(real, fake), "frechet_distance")
    same(fd(real, fake), metrics.fid_from_features(real, fake), "frechet_distance vs torchmetrics' FID", atol=1e-3)
    pr = solution("06_vae_vs_gan", "ex2_precision_recall")["precision_recall"]
    same(pr(real, fake, k=3), a06.precision_recall(real, fake, k=3), "precision_recall")
    same(pr(real, fake, k=3), metrics.manifold_scores(real, fake, k=3), "precision_recall vs prdc's")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_07_stylegan(dtype):
    x = torch.randn(2, 3, 4, 4, dtype=dtype)
    scale, bias = torch.randn(2, 3, dtype=dtype), torch.randn(2, 3, dtype=dtype)
    adain = solution("07_stylegan", "ex1_adain")["adain"]
    same(adain(x, scale, bias), a07.adain(x, scale, bias), "adain")
    add_noise = solution("07_stylegan", "ex2_add_noise")["add_noise"]
    strength = torch.tensor([0.0, 1.0, 2.0], dtype=dtype)
    same(seeded(add_noise, x, strength), seeded(a07.add_noise, x, strength), f"add_noise with fresh {dtype} noise")
    assert seeded(add_noise, x, strength).dtype == dtype
    truncate = solution("07_stylegan", "ex3_truncate")["truncate"]
    w, w_avg = torch.randn(4, 5, dtype=dtype), torch.randn(5, dtype=dtype)
    for psi in (0.0, 0.7, 1.0):
        same(truncate(w, w_avg, psi), a07.truncate(w, w_avg, psi), f"truncate(psi = {psi})")
    mix = solution("07_stylegan", "ex4_mix_styles")["mix_styles"]
    w2 = torch.randn(4, 5, dtype=dtype)
    for k in range(0, 8):
        same(mix(w, w2, k, 7), a07.mix_styles(w, w2, k, 7), f"mix_styles(crossover = {k})")


def test_08_wardrobe():
    z, labels, sizes = torch.randn(6, 4, dtype=torch.float64), torch.tensor([0, 1, 2, 3, 4, 0]), torch.rand(6, 2)
    cond = solution("08_virtual_wardrobe", "ex1_condition")["conditioned_input"]
    same(cond(z, labels, sizes, 5), a08.conditioned_input(z, labels, sizes, 5), "conditioned_input vs a08.conditioned_input")
    assert cond(z, labels, sizes, 5).dtype == torch.float64
    proj = solution("08_virtual_wardrobe", "ex2_projection")["projection_logit"]
    features, psi, embed = torch.randn(6, 8), seeded(nn.Linear, 8, 1), seeded(nn.Embedding, 5, 8, seed=1)
    same(proj(features, labels, psi, embed), a08.projection_logit(features, labels, psi, embed), "projection_logit")
    transfer = solution("08_virtual_wardrobe", "ex3_adain_transfer")["adain_transfer"]
    content, style = torch.randn(3, 4, 7, 7), 2 + 3 * torch.randn(3, 4, 5, 5)
    same(transfer(content, style), a08.adain_transfer(content, style), "adain_transfer")


# ---- course_lib does the exercises' operations without the answers: the same numbers


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

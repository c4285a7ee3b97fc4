"""Every exercise exists twice: the solution cell in solutions/ and its reference in course_lib
(which later notebooks and scripts use). d2l generates one from the other (#@save); here both are
written by hand, so this test runs each pair on the same seeded inputs and requires equal results.
A drift between the two (a missing dtype=, another loss scaling) fails here, not in a learner's run.
"""
from __future__ import annotations

import ast
import copy

import nbformat
import pytest
import torch
from nbgrading import nbgrader_meta, solution_code, source_notebook
from torch import nn

from course_lib import applications, metrics, train
from course_lib.models import ae, gan, vae
from course_lib.models import stylegan as sg


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
         seeded(lambda: ae.mlp_autoencoder(3, hidden=8)(x)), "the MLP autoencoder (same seed, same input)")
    loss = solution("01_autoencoders", "ex2_reconstruction_loss")["reconstruction_loss"]
    x_hat = torch.rand(4, 1, 28, 28)
    same(loss(x_hat, x), ae.squared_error(x_hat, x).mean(), "reconstruction_loss vs squared_error(...).mean()")
    ns = solution("01_autoencoders", "ex3_train_step")
    twin_steps(ns["train_step"], train.minimize(lambda m, b: ae.squared_error(m(b[0]), b[0]).mean()),
               seeded(ae.mlp_autoencoder, 3, hidden=8), (x, torch.zeros(4)), sgd)


def test_02_vae():
    mu, logvar = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    rep = solution("02_variational_autoencoders", "ex1_reparameterize")["reparameterize"]
    same(seeded(rep, mu, logvar), seeded(vae.reparameterize, mu, logvar), "reparameterize (same seed)")
    kl = solution("02_variational_autoencoders", "ex2_kl_divergence")["kl_divergence"]
    same(kl(mu, logvar), vae.kl_divergence(mu, logvar), "kl_divergence")
    ns = solution("02_variational_autoencoders", "ex3_elbo_step")
    model, x = seeded(vae.VAE, latent_dim=2, arch="mlp", hidden=16), torch.rand(6, 1, 28, 28)
    for beta in (1.0, 0.3):
        same(seeded(ns["negative_elbo"], model, x, beta), seeded(vae.negative_elbo, model, x, beta=beta),
             f"negative_elbo with beta = {beta}")
    twin_steps(ns["train_step"], train.minimize(lambda m, b: vae.negative_elbo(m, b[0])), model, (x,), sgd)


def test_03_applications():
    model, x = seeded(vae.VAE, latent_dim=2, arch="mlp", hidden=16), torch.rand(5, 1, 28, 28)
    score = solution("03_vae_applications", "ex1_anomaly_score")["anomaly_score"]
    same(seeded(score, model, x, k=4), seeded(applications.anomaly_score, model, x, k=4), "anomaly_score (k = 4)")
    threshold = solution("03_vae_applications", "ex2_threshold")["threshold_at_fpr"]
    scores = torch.randn(1000)
    for fpr in (0.01, 0.05, 0.3):
        same(threshold(scores, fpr), applications.threshold_at_fpr(scores, fpr), f"threshold_at_fpr({fpr})")
    impute = solution("03_vae_applications", "ex3_impute")["impute"]
    observed = torch.rand(5, 1, 28, 28) > 0.5
    same(impute(model, x, observed, steps=3), applications.impute(model, x, observed, steps=3), "impute")
    ascent = solution("03_vae_applications", "ex4_latent_ascent")["latent_ascent"]
    head = seeded(nn.Sequential, nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    z = torch.randn(4, 2)
    same(ascent(z, lambda v: head(v).squeeze(1), lr=0.2, steps=5),
         applications.latent_ascent(z, lambda v: head(v).squeeze(1), lr=0.2, steps=5), "latent_ascent")


def test_04_gan():
    d_real, d_fake = torch.randn(8, 1), torch.randn(8, 1)
    d_loss = solution("04_gan_basics", "ex1_discriminator_loss")["discriminator_loss"]
    same(d_loss(d_real, d_fake), gan.discriminator_loss(d_real, d_fake), "discriminator_loss")
    g_loss = solution("04_gan_basics", "ex2_generator_loss")["generator_loss"]
    same(g_loss(d_fake), gan.generator_loss(d_fake), "generator_loss")
    step = solution("04_gan_basics", "ex3_gan_step")["gan_step"]
    G, D = seeded(gan.mlp, 2, 2, hidden=16), seeded(gan.mlp, 2, 1, hidden=16, seed=1)
    real = torch.randn(32, 2)
    results = []
    for f in (step, gan.gan_step):
        g, d = copy.deepcopy(G), copy.deepcopy(D)
        opt_g, opt_d = torch.optim.Adam(g.parameters(), 1e-2), torch.optim.Adam(d.parameters(), 1e-2)
        outs = [seeded(f, g, d, real, opt_g, opt_d, 2, seed=i) for i in range(3)]
        results.append((outs, list(g.parameters()) + list(d.parameters())))
    same(results[0], results[1], "three GAN steps: losses, D outputs, then G's and D's parameters", 1e-5)


def test_05_dcgan():
    x = torch.randn(4, 16, 7, 7)
    up = solution("05_dcgan", "ex1_up_block")["up_block"]
    same(seeded(lambda: up(16, 8)(x)), seeded(lambda: gan.up_block(16, 8)(x)), "up_block")
    down = solution("05_dcgan", "ex2_down_block")["down_block"]
    for bn in (True, False):
        same(seeded(lambda bn=bn: down(16, 8, batchnorm=bn)(x)), seeded(lambda bn=bn: gan.down_block(16, 8, batchnorm=bn)(x)),
             f"down_block(batchnorm={bn})")
    ns = solution("05_dcgan", "ex3_training_loop")
    G, D = seeded(gan.DCGenerator, 8, 4), seeded(gan.DCDiscriminator, 4, seed=1)
    batch = (torch.rand(6, 1, 28, 28), torch.zeros(6))
    results = []
    for f in (ns["dcgan_step"], lambda g, d, b, og, od, z: gan.gan_step(g, d, 2 * b[0] - 1, og, od, z)):
        g, d = copy.deepcopy(G), copy.deepcopy(D)
        opt_g, opt_d = torch.optim.Adam(g.parameters(), 1e-3), torch.optim.Adam(d.parameters(), 1e-3)
        results.append([seeded(f, g, d, batch, opt_g, opt_d, 8, seed=i) for i in range(2)] + list(g.parameters()))
    same(results[0], results[1], "dcgan_step vs gan_step on 2x - 1", 1e-5)
    z = torch.randn(5, 8)
    G.train()
    same(ns["generate"](G, z), gan.generate(G, z), "generate (eval mode)")
    assert G.training, "generate must restore training mode"


def test_06_scores():
    gen = torch.Generator().manual_seed(0)
    real = torch.randn(300, 6, generator=gen) @ torch.randn(6, 6, generator=gen)
    fake = 0.7 * torch.randn(300, 6, generator=gen) + 0.4
    fd = solution("06_vae_vs_gan", "ex1_frechet")["frechet_distance"]
    same(fd(real, fake), metrics.fid_from_features(real, fake), "frechet_distance vs torchmetrics' FID", atol=1e-3)
    pr = solution("06_vae_vs_gan", "ex2_precision_recall")["precision_recall"]
    same(pr(real, fake, k=3), metrics.precision_recall(real, fake, k=3), "precision_recall")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_07_stylegan(dtype):
    x = torch.randn(2, 3, 4, 4, dtype=dtype)
    scale, bias = torch.randn(2, 3, dtype=dtype), torch.randn(2, 3, dtype=dtype)
    adain = solution("07_stylegan", "ex1_adain")["adain"]
    same(adain(x, scale, bias), sg.adain(x, scale, bias), "adain")
    add_noise = solution("07_stylegan", "ex2_add_noise")["add_noise"]
    strength = torch.tensor([0.0, 1.0, 2.0], dtype=dtype)
    same(seeded(add_noise, x, strength), seeded(sg.add_noise, x, strength), f"add_noise with fresh {dtype} noise")
    assert seeded(add_noise, x, strength).dtype == dtype
    truncate = solution("07_stylegan", "ex3_truncate")["truncate"]
    w, w_avg = torch.randn(4, 5, dtype=dtype), torch.randn(5, dtype=dtype)
    for psi in (0.0, 0.7, 1.0):
        same(truncate(w, w_avg, psi), sg.truncate(w, w_avg, psi), f"truncate(psi = {psi})")
    mix = solution("07_stylegan", "ex4_mix_styles")["mix_styles"]
    w2 = torch.randn(4, 5, dtype=dtype)
    for k in range(0, 8):
        same(mix(w, w2, k, 7), sg.mix_styles(w, w2, k, 7), f"mix_styles(crossover = {k})")


def test_08_wardrobe():
    from course_lib import conditional, wardrobe_app

    z, labels, sizes = torch.randn(6, 4, dtype=torch.float64), torch.tensor([0, 1, 2, 3, 4, 0]), torch.rand(6, 2)
    cond = solution("08_virtual_wardrobe", "ex1_condition")["conditioned_input"]
    same(cond(z, labels, sizes, 5), conditional.join(z, labels, sizes, 5), "conditioned_input vs conditional.join")
    assert cond(z, labels, sizes, 5).dtype == torch.float64
    proj = solution("08_virtual_wardrobe", "ex2_projection")["projection_logit"]
    features, psi, embed = torch.randn(6, 8), seeded(nn.Linear, 8, 1), seeded(nn.Embedding, 5, 8, seed=1)
    same(proj(features, labels, psi, embed), conditional.projection(features, labels, psi, embed), "projection_logit")
    transfer = solution("08_virtual_wardrobe", "ex3_adain_transfer")["adain_transfer"]
    content, style = torch.randn(3, 4, 7, 7), 2 + 3 * torch.randn(3, 4, 5, 5)
    same(transfer(content, style), wardrobe_app.adain_transfer(content, style), "adain_transfer")

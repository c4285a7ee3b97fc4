"""Correct answers written differently from the reference (other API, other order, own
nn.Module): each replaces a whole solution cell, must pass the visible tests and keep full
points at grading (tests/test_visible.py, tests/test_grading.py)."""
from nbgrading import Variant

VARIANTS = {
    "01_autoencoders": [
        Variant("own nn.Module classes", "ex1_encoder_decoder", '''
            class _Encoder(nn.Module):
                def __init__(self, latent_dim, hidden):
                    super().__init__()
                    self.fc1, self.fc2 = nn.Linear(784, hidden), nn.Linear(hidden, latent_dim)

                def forward(self, x):
                    return self.fc2(torch.relu(self.fc1(x.view(len(x), -1))))


            class _Decoder(nn.Module):
                def __init__(self, latent_dim, hidden):
                    super().__init__()
                    self.fc1, self.fc2 = nn.Linear(latent_dim, hidden), nn.Linear(hidden, 784)

                def forward(self, z):
                    return torch.sigmoid(self.fc2(torch.relu(self.fc1(z)))).view(-1, 1, 28, 28)


            def make_mlp_autoencoder(latent_dim, hidden=256):
                return _Encoder(latent_dim, hidden), _Decoder(latent_dim, hidden)
            '''),
        Variant("named Sequential, in-place ReLU, Unflatten(-1)", "ex1_encoder_decoder", '''
            from collections import OrderedDict


            def make_mlp_autoencoder(latent_dim, hidden=256):
                encoder = nn.Sequential(OrderedDict(flat=nn.Flatten(start_dim=1), fc=nn.Linear(784, hidden),
                                                    act=nn.ReLU(inplace=True), code=nn.Linear(hidden, latent_dim)))
                decoder = nn.Sequential(OrderedDict(fc=nn.Linear(latent_dim, hidden), act=nn.ReLU(inplace=True),
                                                    out=nn.Linear(hidden, 784), squash=nn.Sigmoid(),
                                                    image=nn.Unflatten(-1, (1, 28, 28))))
                return encoder, decoder
            '''),
        Variant("F.mse_loss(reduction='sum') / batch", "ex2_reconstruction_loss", '''
            def reconstruction_loss(x_hat, x):
                return torch.nn.functional.mse_loss(x_hat, x, reduction="sum") / len(x)
            '''),
        Variant("reshape and multiply", "ex2_reconstruction_loss", '''
            def reconstruction_loss(x_hat, x):
                diff = (x_hat - x).reshape(x.shape[0], -1)
                return (diff * diff).sum(1).mean()
            '''),
        Variant("float(loss), zero_grad(set_to_none) after the forward", "ex3_train_step", '''
            def train_step(model, batch, optimizer):
                x = batch[0]
                loss = reconstruction_loss(model(x), x)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                return float(loss)
            '''),
        Variant("gradients zeroed after the step", "ex3_train_step", '''
            def train_step(model, batch, optimizer):
                x, _ = batch
                x_hat = model(x)
                loss = reconstruction_loss(x_hat, x)
                loss.backward()
                optimizer.step()
                model.zero_grad()
                return loss.detach().cpu().item()
            '''),
    ],
    "02_variational_autoencoders": [
        Variant("in-place mul/exp_ (the PyTorch VAE example)", "ex1_reparameterize", '''
            def reparameterize(mu, logvar):
                std = logvar.mul(0.5).exp_()
                eps = torch.randn_like(std)
                return eps.mul(std).add_(mu)
            '''),
        Variant("sqrt(exp(logvar)) and torch.randn(shape)", "ex1_reparameterize", '''
            def reparameterize(mu, logvar):
                return mu + torch.sqrt(torch.exp(logvar)) * torch.randn(mu.shape, dtype=mu.dtype, device=mu.device)
            '''),
        Variant("torch.distributions rsample", "ex1_reparameterize", '''
            def reparameterize(mu, logvar):
                return torch.distributions.Normal(mu, (0.5 * logvar).exp()).rsample()
            '''),
        Variant("-1/2 sum(1 + logvar - mu^2 - var)", "ex2_kl_divergence", '''
            def kl_divergence(mu, logvar):
                var = torch.exp(logvar)
                return -0.5 * torch.sum(1 + logvar - mu ** 2 - var, dim=-1)
            '''),
        Variant("torch.distributions.kl_divergence", "ex2_kl_divergence", '''
            def kl_divergence(mu, logvar):
                q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
                p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
                return torch.distributions.kl_divergence(q, p).sum(1)
            '''),
        Variant("means first, float(v), forward before zero_grad", "ex3_elbo_step", '''
            def negative_elbo(model, x, beta=1.0):
                mu, logvar = model.encode(x)
                logits = model.decode_logits(reparameterize(mu, logvar))
                rec, kl = reconstruction_nll(logits, x).mean(), kl_divergence(mu, logvar).mean()
                return dict(loss=rec + beta * kl, rec=rec, kl=kl)


            def train_step(model, batch, optimizer, beta=1.0):
                out = negative_elbo(model, batch[0], beta)
                optimizer.zero_grad()
                out["loss"].backward()
                optimizer.step()
                return {k: float(v) for k, v in out.items()}
            '''),
        Variant("BCE with logits written out, model.zero_grad()", "ex3_elbo_step", '''
            def negative_elbo(model, x, beta=1.0):
                mu, logvar = model.encode(x)
                z = mu + torch.exp(logvar / 2) * torch.randn_like(mu)
                logits = model.decode_logits(z)
                rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
                kl = kl_divergence(mu, logvar)
                loss = (rec + beta * kl).mean()
                return {"loss": loss, "rec": rec.mean(), "kl": kl.mean()}


            def train_step(model, batch, optimizer, beta=1.0):
                x = batch[0]
                model.zero_grad()
                out = negative_elbo(model, x, beta=beta)
                out["loss"].backward()
                optimizer.step()
                return {"loss": out["loss"].item(), "rec": float(out["rec"]), "kl": float(out["kl"])}
            '''),
    ],
    "03_vae_applications": [
        Variant("all k draws in one batch", "ex1_anomaly_score", '''
            @torch.no_grad()
            def anomaly_score(model, x, k=8):
                mu, logvar = model.encode(x)
                z = reparameterize(mu.repeat(k, 1), logvar.repeat(k, 1))
                rec = reconstruction_nll(model.decode_logits(z), x.repeat(k, 1, 1, 1)).view(k, len(x)).mean(0)
                return rec + kl_divergence(mu, logvar)
            '''),
        Variant("stacked draws with explicit eps", "ex1_anomaly_score", '''
            @torch.no_grad()
            def anomaly_score(model, x, k=8):
                mu, logvar = model.encode(x)
                std = torch.exp(logvar / 2)
                recs = torch.stack([reconstruction_nll(model.decode_logits(mu + std * torch.randn_like(std)), x)
                                    for _ in range(k)])
                return recs.mean(dim=0) + kl_divergence(mu, logvar)
            '''),
        Variant("order statistic of the sorted scores", "ex2_threshold", '''
            def threshold_at_fpr(normal_scores, fpr):
                s, _ = torch.sort(normal_scores)
                k = int(math.ceil((1 - fpr) * len(s))) - 1
                return float(s[k])
            '''),
        Variant("kthvalue", "ex2_threshold", '''
            def threshold_at_fpr(normal_scores, fpr):
                k = round((1 - fpr) * len(normal_scores))
                return normal_scores.kthvalue(k).values.item()
            '''),
        Variant("numpy.quantile", "ex2_threshold", '''
            import numpy as np


            def threshold_at_fpr(normal_scores, fpr):
                return float(np.quantile(normal_scores.numpy(), 1 - fpr))
            '''),
        Variant("float mask arithmetic", "ex3_impute", '''
            @torch.no_grad()
            def impute(model, x, observed, steps=20):
                m = observed.float()
                x_hat = m * x + (1 - m) * 0.5
                for _ in range(steps):
                    x_hat = m * x + (1 - m) * model.decode(model.encode(x_hat)[0])
                return x_hat
            '''),
        Variant("index assignment on a copy", "ex3_impute", '''
            @torch.no_grad()
            def impute(model, x, observed, steps=20):
                missing = ~observed
                x_hat = x.clone()
                x_hat[missing] = 0.5
                for _ in range(steps):
                    recon = model.decode(model.encode(x_hat)[0])
                    x_hat = x_hat.clone()
                    x_hat[missing] = recon[missing]
                return x_hat
            '''),
        Variant("torch.tensor(z, requires_grad=True) and .backward()", "ex4_latent_ascent", '''
            def latent_ascent(z, predictor, lr=0.1, steps=20):
                z = torch.tensor(z, requires_grad=True)
                path = [z.detach().clone()]
                for _ in range(steps):
                    predictor(z).sum().backward()
                    with torch.no_grad():
                        z.add_(lr * z.grad)
                        z.grad.zero_()
                    path.append(z.detach().clone())
                return torch.stack(path)
            '''),
        Variant("functional steps, no in-place update", "ex4_latent_ascent", '''
            def latent_ascent(z, predictor, lr=0.1, steps=20):
                current = z.detach()
                path = [current]
                for _ in range(steps):
                    current = current.clone().requires_grad_(True)
                    grad = torch.autograd.grad(predictor(current).sum(), current)[0]
                    current = (current + lr * grad).detach()
                    path.append(current)
                return torch.stack(path)
            '''),
        Variant("torch.optim.SGD(maximize=True)", "ex4_latent_ascent", '''
            def latent_ascent(z, predictor, lr=0.1, steps=20):
                z = z.detach().clone().requires_grad_(True)
                opt = torch.optim.SGD([z], lr=lr, maximize=True)
                path = [z.detach().clone()]
                for _ in range(steps):
                    opt.zero_grad()
                    predictor(z).sum().backward()
                    opt.step()
                    path.append(z.detach().clone())
                return torch.stack(path)
            '''),
    ],
    "04_gan_basics": [
        Variant("log-sigmoid", "ex1_discriminator_loss", '''
            def discriminator_loss(d_real, d_fake):
                return -(F.logsigmoid(d_real).mean() + F.logsigmoid(-d_fake).mean())
            '''),
        Variant("softplus", "ex1_discriminator_loss", '''
            def discriminator_loss(d_real, d_fake):
                return F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
            '''),
        Variant("nn.BCEWithLogitsLoss module", "ex1_discriminator_loss", '''
            def discriminator_loss(d_real, d_fake):
                bce = nn.BCEWithLogitsLoss()
                return bce(d_fake, torch.zeros_like(d_fake)) + bce(d_real, torch.ones_like(d_real))
            '''),
        Variant("-logsigmoid", "ex2_generator_loss", '''
            def generator_loss(d_fake):
                return -F.logsigmoid(d_fake).mean()
            '''),
        Variant("softplus(-l)", "ex2_generator_loss", '''
            def generator_loss(d_fake):
                return F.softplus(-d_fake).mean()
            '''),
        Variant("fakes under no_grad, G(z) again for G's step, float()", "ex3_gan_step", '''
            def gan_step(G, D, real, opt_G, opt_D, z_dim):
                z = torch.randn(real.shape[0], z_dim)
                with torch.no_grad():
                    fake = G(z)
                d_real, d_fake = D(real), D(fake)
                d_loss = discriminator_loss(d_real, d_fake)
                D.zero_grad()
                d_loss.backward()
                opt_D.step()
                g_loss = generator_loss(D(G(z)))
                G.zero_grad()
                g_loss.backward()
                opt_G.step()
                return {"d_loss": float(d_loss), "g_loss": float(g_loss),
                        "D(x)": float(torch.sigmoid(d_real).mean()), "D(G(z))": float(torch.sigmoid(d_fake).mean())}
            '''),
        Variant("fresh noise for G's step", "ex3_gan_step", '''
            def gan_step(G, D, real, opt_G, opt_D, z_dim):
                fake = G(torch.randn(len(real), z_dim))
                d_real, d_fake = D(real), D(fake.detach())
                d_loss = discriminator_loss(d_real, d_fake)
                opt_D.zero_grad()
                d_loss.backward()
                opt_D.step()
                g_loss = generator_loss(D(G(torch.randn(len(real), z_dim))))
                opt_G.zero_grad()
                g_loss.backward()
                opt_G.step()
                stats = {"D(x)": d_real.sigmoid().mean().item(), "D(G(z))": d_fake.sigmoid().mean().item()}
                return {"d_loss": d_loss.item(), "g_loss": g_loss.item(), **stats}
            '''),
    ],
    "05_dcgan": [
        Variant("own nn.Module with torch.relu", "ex1_up_block", '''
            class UpBlock(nn.Module):
                def __init__(self, in_ch, out_ch):
                    super().__init__()
                    self.conv = nn.ConvTranspose2d(in_ch, out_ch, 4, 2, 1, bias=False)
                    self.bn = nn.BatchNorm2d(out_ch)

                def forward(self, x):
                    return torch.relu(self.bn(self.conv(x)))


            def up_block(in_ch, out_ch):
                return UpBlock(in_ch, out_ch)
            '''),
        Variant("tuple arguments, in-place ReLU", "ex1_up_block", '''
            def up_block(in_ch, out_ch):
                return nn.Sequential(
                    nn.ConvTranspose2d(in_ch, out_ch, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False),
                    nn.BatchNorm2d(out_ch), nn.ReLU(inplace=True))
            '''),
        Variant("the PyTorch DCGAN tutorial's block (bias=False, inplace=True)", "ex2_down_block", '''
            def down_block(in_ch, out_ch, batchnorm=True):
                layers = [nn.Conv2d(in_ch, out_ch, 4, 2, 1, bias=False)]
                if batchnorm:
                    layers += [nn.BatchNorm2d(out_ch)]
                layers += [nn.LeakyReLU(0.2, inplace=True)]
                return nn.Sequential(*layers)
            '''),
        Variant("own nn.Module with nn.Identity", "ex2_down_block", '''
            class DownBlock(nn.Module):
                def __init__(self, in_ch, out_ch, batchnorm):
                    super().__init__()
                    self.conv = nn.Conv2d(in_ch, out_ch, kernel_size=4, stride=2, padding=1)
                    self.norm = nn.BatchNorm2d(out_ch) if batchnorm else nn.Identity()
                    self.act = nn.LeakyReLU(negative_slope=0.2)

                def forward(self, x):
                    return self.act(self.norm(self.conv(x)))


            def down_block(in_ch, out_ch, batchnorm=True):
                return DownBlock(in_ch, out_ch, batchnorm)
            '''),
        Variant("decorator no_grad, try/finally", "ex3_training_loop", '''
            def dcgan_step(G, D, batch, opt_G, opt_D, z_dim):
                images, _ = batch
                return gan_step(G, D, images * 2 - 1, opt_G, opt_D, z_dim)


            @torch.no_grad()
            def generate(G, z):
                mode = G.training
                G.train(False)
                try:
                    return G(z).add(1).div(2)
                finally:
                    G.train(mode)
            '''),
        Variant("(x - 0.5) / 0.5 and inference_mode", "ex3_training_loop", '''
            def dcgan_step(G, D, batch, opt_G, opt_D, z_dim):
                real = (batch[0] - 0.5) / 0.5
                return gan_step(G, D, real, opt_G, opt_D, z_dim)


            def generate(G, z):
                was_training = G.training
                G.eval()
                with torch.inference_mode():
                    images = G(z) * 0.5 + 0.5
                if was_training:
                    G.train()
                return images
            '''),
        Variant("own round, fakes scored before the reals; modes restored layer by layer", "ex3_training_loop", '''
            import torch.nn.functional as F


            def dcgan_step(G, D, batch, opt_G, opt_D, z_dim):
                real = 2 * batch[0] - 1
                fake = G(torch.randn(real.shape[0], z_dim))
                opt_D.zero_grad()
                d_fake = D(fake.detach())
                d_real = D(real)
                d_loss = (F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
                          + F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real)))
                d_loss.backward()
                opt_D.step()
                opt_G.zero_grad()
                d_again = D(fake)
                g_loss = F.binary_cross_entropy_with_logits(d_again, torch.ones_like(d_again))
                g_loss.backward()
                opt_G.step()
                return {"d_loss": d_loss.item(), "g_loss": g_loss.item(),
                        "D(x)": torch.sigmoid(d_real).mean().item(), "D(G(z))": torch.sigmoid(d_fake).mean().item()}


            def generate(G, z):
                modes = [(m, m.training) for m in G.modules()]
                G.eval()
                with torch.no_grad():
                    images = (G(z) + 1) / 2
                for m, mode in modes:
                    m.training = mode
                return images
            '''),
        Variant("eps on the fake side, view and F-free norm", "ex4_gradient_penalty", '''
            def gradient_penalty(critic, real, fake):
                t = torch.rand(real.shape[0], device=real.device).view(-1, *[1] * (real.ndim - 1))
                x = fake + t * (real - fake)
                x.requires_grad_()
                g = torch.autograd.grad(outputs=critic(x), inputs=x, grad_outputs=torch.ones(len(x), 1),
                                        create_graph=True, retain_graph=True)[0]
                norms = torch.sqrt((g.reshape(len(g), -1) ** 2).sum(dim=1))
                return torch.mean((norms - 1.0) ** 2)
            '''),
        Variant("uniform_ and torch.linalg.vector_norm", "ex4_gradient_penalty", '''
            def gradient_penalty(critic, real, fake):
                shape = [len(real)] + [1] * (real.dim() - 1)
                alpha = torch.empty(shape).uniform_(0, 1)
                interpolated = torch.lerp(fake, real, alpha).detach().requires_grad_(True)
                scores = critic(interpolated)
                grads = torch.autograd.grad(scores, interpolated, torch.ones_like(scores), create_graph=True)[0]
                return (torch.linalg.vector_norm(grads.flatten(start_dim=1), dim=1) - 1).square().mean()
            '''),
    ],
    "06_vae_vs_gan": [
        Variant("scipy sqrtm, numpy covariances", "ex1_frechet", '''
            import numpy as np
            from scipy import linalg

            def frechet_distance(real_features, fake_features):
                a, b = real_features.double().numpy(), fake_features.double().numpy()
                mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
                s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
                covmean = linalg.sqrtm(s1 @ s2).real
                return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))
            '''),
        Variant("1/N covariances, symmetric square root via eigh", "ex1_frechet", '''
            def frechet_distance(real_features, fake_features):
                def stats(f):
                    f = f.double()
                    centred = f - f.mean(0, keepdim=True)
                    return f.mean(0), centred.T @ centred / len(f)   # 1/N: a biased covariance is fine for large N
                m1, s1 = stats(real_features)
                m2, s2 = stats(fake_features)
                vals, vecs = torch.linalg.eigh(s1)
                root1 = vecs @ torch.diag(vals.clamp_min(0).sqrt()) @ vecs.T
                middle = torch.linalg.eigvalsh(root1 @ s2 @ root1).clamp_min(0).sqrt().sum()
                return float(torch.dot(m1 - m2, m1 - m2) + torch.trace(s1) + torch.trace(s2) - 2 * middle)
            '''),
        Variant("float32 throughout, 0-dim tensor returned", "ex1_frechet", '''
            def frechet_distance(real_features, fake_features):
                mu1, mu2 = real_features.mean(0), fake_features.mean(0)
                s1 = torch.cov(real_features.T)
                s2 = torch.cov(fake_features.T)
                tr_root = torch.linalg.eigvals(s1.double() @ s2.double()).sqrt().real.sum()
                return ((mu1 - mu2) @ (mu1 - mu2)).double() + s1.trace().double() + s2.trace().double() - 2 * tr_root
            '''),
        Variant("sort instead of kthvalue, keyword dict", "ex2_precision_recall", '''
            def precision_recall(real_features, fake_features, k=3):
                real, fake = real_features.double(), fake_features.double()
                def radius(x):
                    d = torch.cdist(x, x)
                    return d.sort(dim=1).values[:, k]
                r_real, r_fake = radius(real), radius(fake)
                precision = (torch.cdist(fake, real) <= r_real).any(1).float().mean()
                recall = (torch.cdist(real, fake) <= r_fake).any(1).float().mean()
                return dict(precision=float(precision), recall=float(recall))
            '''),
        Variant("numpy, diagonal set to infinity, explicit loop", "ex2_precision_recall", '''
            import numpy as np

            def precision_recall(real_features, fake_features, k=3):
                R, F_ = real_features.double().numpy(), fake_features.double().numpy()
                def knn_radius(X):
                    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
                    np.fill_diagonal(d, np.inf)                     # exclude the point itself
                    return np.partition(d, k - 1, axis=1)[:, k - 1]
                def coverage(Q, M):
                    rad = knn_radius(M)
                    hits = 0
                    for q in Q:
                        dist = np.sqrt(((M - q) ** 2).sum(-1))
                        hits += bool(np.any(dist <= rad))
                    return hits / len(Q)
                return {"recall": coverage(R, F_), "precision": coverage(F_, R)}
            '''),
        Variant("sklearn NearestNeighbors, strict <", "ex2_precision_recall", '''
            from sklearn.neighbors import NearestNeighbors

            def precision_recall(real_features, fake_features, k=3):
                def share_inside(queries, manifold):
                    manifold = manifold.double().numpy()
                    radius = NearestNeighbors(n_neighbors=k + 1).fit(manifold).kneighbors(manifold)[0][:, k]
                    dist = torch.cdist(queries.double(), torch.from_numpy(manifold))
                    return (dist < torch.from_numpy(radius) + 1e-12).any(dim=1).double().mean()
                return {"precision": share_inside(fake_features, real_features),
                        "recall": share_inside(real_features, fake_features)}
            '''),
    ],
    "07_stylegan": [
        Variant("F.instance_norm", "ex1_adain", '''
            def adain(x, scale, bias, eps=1e-5):
                return F.instance_norm(x, eps=eps) * scale[..., None, None] + bias[..., None, None]
            '''),
        Variant("flattened pixels, variance by hand", "ex1_adain", '''
            def adain(x, scale, bias, eps=1e-5):
                b, c = x.shape[:2]
                flat = x.reshape(b, c, -1)
                mu = flat.mean(-1, keepdim=True)
                var = ((flat - mu) ** 2).mean(-1, keepdim=True)
                out = (flat - mu) / torch.sqrt(var + eps)
                return (scale.unsqueeze(-1) * out + bias.unsqueeze(-1)).view_as(x)
            '''),
        Variant("randn_like(x[:, :1])", "ex2_add_noise", '''
            def add_noise(x, strength, noise=None):
                if noise is None:
                    noise = torch.randn_like(x[:, :1])
                return x + strength[None, :, None, None] * noise
            '''),
        Variant("new_empty().normal_() and addcmul", "ex2_add_noise", '''
            def add_noise(x, strength, noise=None):
                if noise is None:
                    noise = x.new_empty(x.shape[0], 1, x.shape[2], x.shape[3]).normal_()
                return torch.addcmul(x, strength.reshape(1, -1, 1, 1), noise)
            '''),
        Variant("torch.lerp", "ex3_truncate", '''
            def truncate(w, w_avg, psi):
                return torch.lerp(w_avg.expand_as(w), w, psi)
            '''),
        Variant("psi w + (1 - psi) w_avg", "ex3_truncate", '''
            def truncate(w, w_avg, psi):
                return psi * w + (1 - psi) * w_avg
            '''),
        Variant("repeat and slice assignment", "ex4_mix_styles", '''
            def mix_styles(w1, w2, crossover, num_layers):
                ws = w2[:, None, :].repeat(1, num_layers, 1)
                ws[:, :crossover] = w1[:, None, :]
                return ws
            '''),
        Variant("stack of per-layer choices", "ex4_mix_styles", '''
            def mix_styles(w1, w2, crossover, num_layers):
                return torch.stack([w1 if i < crossover else w2 for i in range(num_layers)], dim=1)
            '''),
    ],
    "08_virtual_wardrobe": [
        Variant("rows of an identity matrix, hstack", "ex1_condition", '''
            def conditioned_input(z, labels, sizes, n_classes):
                one_hot = torch.eye(n_classes, dtype=z.dtype, device=z.device)[labels]
                return torch.hstack((z, one_hot, sizes.type_as(z)))
            '''),
        Variant("scatter_ into zeros, cat on the last axis", "ex1_condition", '''
            def conditioned_input(z, labels, sizes, n_classes):
                one_hot = torch.zeros(len(z), n_classes, dtype=z.dtype).scatter_(1, labels[:, None], 1.0)
                return torch.cat((z, one_hot, sizes.to(z.dtype)), -1)
            '''),
        Variant("F.one_hot(...).float(), cat promotes the dtype", "ex1_condition", '''
            def conditioned_input(z, labels, sizes, n_classes):
                return torch.cat([z, F.one_hot(labels, num_classes=n_classes).float(), sizes], dim=1).to(z.dtype)
            '''),
        Variant("einsum", "ex2_projection", '''
            def projection_logit(features, labels, psi, embed):
                return psi(features)[:, 0] + torch.einsum("nf,nf->n", embed(labels), features)
            '''),
        Variant("batched matrix product", "ex2_projection", '''
            def projection_logit(features, labels, psi, embed):
                inner = features.unsqueeze(1) @ embed(labels).unsqueeze(2)   # (N, 1, 1)
                return (psi(features) + inner.reshape(-1, 1)).view(-1)
            '''),
        Variant("embedding rows by indexing embed.weight", "ex2_projection", '''
            def projection_logit(features, labels, psi, embed):
                return psi(features).flatten() + (embed.weight[labels] * features).sum(-1)
            '''),
        Variant("normalised by hand, keepdim statistics", "ex3_adain_transfer", '''
            def adain_transfer(content, style, eps=1e-5):
                c_mu = content.mean(dim=(2, 3), keepdim=True)
                c_sd = (content.var(dim=(2, 3), keepdim=True, unbiased=False) + eps).sqrt()
                s_mu = style.mean(dim=(2, 3), keepdim=True)
                s_sd = (style.var(dim=(2, 3), keepdim=True, unbiased=False) + eps).sqrt()
                return s_sd * (content - c_mu) / c_sd + s_mu
            '''),
        Variant("F.instance_norm and flattened style statistics", "ex3_adain_transfer", '''
            def adain_transfer(content, style, eps=1e-5):
                flat = style.flatten(2)
                mean, std = flat.mean(-1), flat.std(-1, unbiased=False)
                return F.instance_norm(content, eps=eps) * std[..., None, None] + mean[..., None, None]
            '''),
    ],
}

"""Notebook 03's sequence VAE over token strings (molecules): a GRU encoder to q(z|s) = N(mu, sigma^2), a GRU
decoder that starts from z and also sees z at every step. Its data and training: ``course_lib.chapters.molecules``."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal, kl_divergence

from .vae import PRIOR

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
PAD_ID, BOS_ID, EOS_ID = 0, 1, 2   # their indices: every Vocab lists them first, in this order


class SeqVAE(nn.Module):
    """A GRU VAE over token sequences (teacher forcing for training, greedy or sampled decoding)."""

    def __init__(self, vocab_size: int, latent_dim: int = 32, embed: int = 32, hidden: int = 192):
        super().__init__()
        self.latent_dim = latent_dim
        self.config = {"vocab_size": vocab_size, "latent_dim": latent_dim, "embed": embed, "hidden": hidden}   # assets
        self.embed = nn.Embedding(vocab_size, embed, padding_idx=PAD_ID)
        self.encoder = nn.GRU(embed, hidden, batch_first=True, bidirectional=True)
        self.to_stats = nn.Linear(2 * hidden, 2 * latent_dim)
        self.z_to_h = nn.Linear(latent_dim, hidden)
        self.decoder = nn.GRU(embed + latent_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def encode(self, ids):
        lengths = (ids != 0).sum(dim=1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(self.embed(ids), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.encoder(packed)                       # h: (2, N, hidden), both directions
        mu, logvar = self.to_stats(torch.cat([h[0], h[1]], dim=1)).chunk(2, dim=1)
        return mu, logvar

    def decode_logits(self, z, ids):
        """Teacher forcing: logits for tokens 1..T given tokens 0..T-1 and z."""
        inputs = self.embed(ids[:, :-1])
        inputs = torch.cat([inputs, z[:, None, :].expand(-1, inputs.shape[1], -1)], dim=2)
        h, _ = self.decoder(inputs, torch.tanh(self.z_to_h(z))[None])
        return self.out(h)

    @torch.no_grad()
    def generate(self, z, max_len: int = 80, greedy: bool = True, generator=None):
        """Token ids (N, max_len) decoded from codes z, one token at a time."""
        n = len(z)
        token = torch.full((n, 1), BOS_ID, dtype=torch.long, device=z.device)
        h, ids = torch.tanh(self.z_to_h(z))[None], [token]
        for _ in range(max_len - 1):
            out, h = self.decoder(torch.cat([self.embed(token), z[:, None, :]], dim=2), h)
            logits = self.out(out[:, -1])
            if greedy:
                token = logits.argmax(dim=1, keepdim=True)
            else:
                token = torch.multinomial(logits.softmax(dim=1).cpu(), 1, generator=generator).to(z.device)
            ids.append(token)
        return torch.cat(ids, dim=1)


def seq_negative_elbo(model: SeqVAE, ids, beta: float = 1.0, head=None, targets=None, weight: float = 1.0) -> dict:
    """-ELBO for sequences: summed token cross-entropy (pads ignored) + beta * KL.

    With a ``head`` (a small network z -> properties) and standardised ``targets``, the loss also
    gets ``weight`` * their squared error, as in Gomez-Bombarelli et al. (2018): predicting the
    properties from a *sampled* z arranges the latent space so that they change smoothly in it.
    """
    mu, logvar = model.encode(ids)
    q = Normal(mu, torch.exp(0.5 * logvar), validate_args=False)
    z = q.rsample()
    logits = model.decode_logits(z, ids)
    rec = F.cross_entropy(logits.transpose(1, 2), ids[:, 1:], ignore_index=PAD_ID, reduction="none").sum(dim=1)
    kl = kl_divergence(q, PRIOR).sum(dim=1)
    out = {"loss": (rec + beta * kl).mean(), "rec": rec.mean(), "kl": kl.mean()}
    if head is not None:
        out["prop"] = (head(z) - targets).pow(2).sum(dim=1).mean()
        out["loss"] = out["loss"] + weight * out["prop"]
    return out

"""Molecules as strings, and a sequence VAE over them (notebook 03, part 3).

* Data: SMILES of the MOSES benchmark (drug-like molecules, MIT), read straight from the
  ``molsets`` wheel (``pip install ./packaging/molsets``: without its dependencies; ``import moses`` needs more);
  where that is missing, RDKit's own 5k NCI molecules.
* Representations: SMILES (a grammar: most strings are not molecules) and SELFIES (every
  string decodes to a valid molecule), tokenised into a vocabulary.
* SeqVAE: GRU encoder -> q(z|s) = N(mu, sigma^2); GRU decoder that starts from z and
  also sees z at every step; the loss is the same -ELBO as for images, with a categorical
  likelihood per token: rec = sum_t -log p(s_t | s_<t, z).
* Scores: validity (RDKit parses it), uniqueness, novelty (not in the training set),
  reconstruction accuracy, and properties (QED drug-likeness, logP) with RDKit.
"""
from __future__ import annotations

import csv
import gzip
import importlib.util
import re
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal, kl_divergence

from . import assets
from .models.vae import PRIOR

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
PAD_ID, BOS_ID, EOS_ID = 0, 1, 2   # their indices: every Vocab lists them first, in this order
_SMILES_TOKEN = re.compile(r"(\[[^\]]+\]|Br|Cl|%\d\d|.)")


def _rdkit():
    from rdkit import Chem, RDLogger
    RDLogger.DisableLog("rdApp.*")  # invalid strings are expected; do not flood the notebook
    return Chem


def moses_file(split: str = "train") -> Path | None:
    spec = importlib.util.find_spec("moses")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "dataset" / "data" / f"{split}.csv.gz"
    return path if path.is_file() else None


def load_smiles(n: int, split: str = "train", max_len: int = 60, seed: int = 0) -> list[str]:
    """``n`` SMILES from MOSES (or RDKit's NCI set), at most ``max_len`` characters,
    drawn reproducibly from the first 200k lines of the file."""
    path = moses_file(split)
    if path is not None:
        with gzip.open(path, "rt") as f:
            rows = [r[0] for _, r in zip(range(200_000), csv.reader(f))][1:]
    else:
        from rdkit import RDConfig
        nci = Path(RDConfig.RDDataDir) / "NCI" / "first_5K.smi"
        if not nci.is_file():
            raise FileNotFoundError("no molecule data: run `pip install ./packaging/molsets` (or `make install`).")
        rows = [line.split()[0] for line in nci.read_text().splitlines() if line.strip()]
        rows = rows[: len(rows) * 4 // 5] if split == "train" else rows[len(rows) * 4 // 5:]
    rows = [s for s in rows if len(s) <= max_len]
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(seed)).tolist()
    return [rows[i] for i in order[:n]]


def tokenize(text: str, kind: str) -> list[str]:
    if kind == "smiles":
        return _SMILES_TOKEN.findall(text)
    if kind == "selfies":
        import selfies
        return list(selfies.split_selfies(text))
    raise ValueError(f"kind must be 'smiles' or 'selfies', not {kind!r}")


def encode_selfies(smiles: list[str]) -> list[str]:
    import selfies
    return [selfies.encoder(s) for s in smiles]


def to_smiles(strings: list[str], kind: str) -> list[str]:
    """Decoded strings as SMILES (SELFIES are translated; that step always gives a molecule)."""
    if kind == "smiles":
        return list(strings)
    import selfies
    return [selfies.decoder(s) or "" for s in strings]


class Vocab:
    """Token <-> index, with padding, begin and end tokens."""

    def __init__(self, tokens: list[str]):
        self.itos = [PAD, BOS, EOS] + sorted(set(tokens) - {PAD, BOS, EOS})
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @classmethod
    def from_itos(cls, itos: list[str]) -> Vocab:
        """The vocabulary a checkpoint saved (its ``extra["itos"]``)."""
        vocab = cls([])
        vocab.itos, vocab.stoi = list(itos), {t: i for i, t in enumerate(itos)}
        return vocab

    def __len__(self):
        return len(self.itos)

    def encode(self, sequences: list[list[str]], length: int) -> torch.Tensor:
        """(N, length) indices: <bos> tokens <eos> <pad>...; unknown tokens are an error."""
        out = torch.full((len(sequences), length), PAD_ID, dtype=torch.long)
        for i, seq in enumerate(sequences):
            ids = [BOS_ID] + [self.stoi[t] for t in seq] + [EOS_ID]
            if len(ids) > length:
                raise ValueError(f"sequence {i} has {len(ids)} tokens with <bos>/<eos>, more than {length}")
            out[i, : len(ids)] = torch.tensor(ids)
        return out

    def decode(self, ids: torch.Tensor) -> list[str]:
        """Indices -> strings, stopping at <eos> (the leading <bos> is dropped)."""
        texts = []
        for row in ids.tolist():
            tokens = []
            for i in row[1:] if row and row[0] == BOS_ID else row:
                if i in (PAD_ID, EOS_ID):
                    break
                tokens.append(self.itos[i])
            texts.append("".join(tokens))
        return texts


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


def canonical(smiles: str) -> str | None:
    """RDKit's canonical SMILES, or None when the string is not a molecule."""
    if not smiles:
        return None
    mol = _rdkit().MolFromSmiles(smiles)
    return _rdkit().MolToSmiles(mol) if mol is not None else None


def scores(generated: list[str], training: list[str]) -> dict:
    """Validity, uniqueness (of the valid ones) and novelty (of the unique ones), as fractions."""
    valid = [c for c in map(canonical, generated) if c is not None]
    unique = set(valid)
    train = {c for c in map(canonical, training) if c is not None}
    return {"validity": len(valid) / max(1, len(generated)), "uniqueness": len(unique) / max(1, len(valid)),
            "novelty": len(unique - train) / max(1, len(unique))}


def properties(smiles: list[str]) -> torch.Tensor:
    """(N, 2): QED drug-likeness (0..1) and logP (lipophilicity) per molecule; NaN where invalid."""
    from rdkit.Chem import QED, Crippen
    rows = []
    for s in smiles:
        mol = _rdkit().MolFromSmiles(s) if s else None
        rows.append((QED.qed(mol), Crippen.MolLogP(mol)) if mol is not None else (float("nan"), float("nan")))
    return torch.tensor(rows, dtype=torch.float32)


def draw(smiles: list[str], legends: list[str] | None = None, per_row: int = 5):
    """A grid picture of the molecules (RDKit), shown inline in Jupyter."""
    from rdkit.Chem import Draw
    mols = [_rdkit().MolFromSmiles(s) if s else None for s in smiles]
    keep = [i for i, m in enumerate(mols) if m is not None]
    return Draw.MolsToGridImage([mols[i] for i in keep], molsPerRow=per_row, subImgSize=(220, 160),
                                legends=[legends[i] for i in keep] if legends else None)


class MoleculeSet:
    """Strings of one representation, their vocabulary and padded index tensor."""

    def __init__(self, smiles: list[str], kind: str, vocab: Vocab | None = None, length: int | None = None):
        self.kind, self.smiles = kind, smiles
        self.strings = smiles if kind == "smiles" else encode_selfies(smiles)
        tokens = [tokenize(s, kind) for s in self.strings]
        self.vocab = vocab or Vocab([t for seq in tokens for t in seq])
        self.length = length or max(map(len, tokens)) + 2
        self.ids = self.vocab.encode(tokens, self.length)


def save_seqvae(name: str, model: SeqVAE, vocab: Vocab, length: int, card: dict, folder=None):
    """A self-describing checkpoint (``course_lib.assets``): float16 weights, the sizes that rebuild
    the model, the vocabulary and sequence length (its extra), and the card beside it."""
    return assets.save(name, model, card, extra={"itos": vocab.itos, "length": length}, half=True, folder=folder)

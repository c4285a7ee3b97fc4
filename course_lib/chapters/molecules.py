"""Molecules as strings, and a sequence VAE over them (notebook 03, part 3): the data and training here,
the network in ``course_lib.models.sequence``, the scores in ``course_lib.metrics.molecules``.

* Data: SMILES of the MOSES benchmark (drug-like molecules, MIT), read straight from the
  ``molsets`` wheel (``pip install ./packaging/molsets``: without its dependencies; ``import moses`` needs more);
  where that is missing, RDKit's own 5k NCI molecules.
* Representations: SMILES (a grammar: most strings are not molecules) and SELFIES (every
  string decodes to a valid molecule), tokenised into a vocabulary.
* The loss of the sequence VAE is the same -ELBO as for images, with a categorical
  likelihood per token: rec = sum_t -log p(s_t | s_<t, z).
"""
from __future__ import annotations

import csv
import gzip
import importlib.util
import re
from pathlib import Path

import torch

from ..core import assets, plots
from ..metrics.molecules import rdkit_chem
from ..models.sequence import BOS, BOS_ID, EOS, EOS_ID, PAD, PAD_ID, SeqVAE

_SMILES_TOKEN = re.compile(r"(\[[^\]]+\]|Br|Cl|%\d\d|.)")


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


def draw(smiles: list[str], legends: list[str] | None = None, per_row: int = 5, alt: str | None = None):
    """A grid picture of the molecules (RDKit), shown inline in Jupyter with its alt text (``alt``, or
    the SMILES strings and legends of the molecules drawn)."""
    from rdkit.Chem import Draw
    mols = [rdkit_chem().MolFromSmiles(s) if s else None for s in smiles]
    keep = [i for i, m in enumerate(mols) if m is not None]
    image = Draw.MolsToGridImage([mols[i] for i in keep], molsPerRow=per_row, subImgSize=(220, 160),
                                 legends=[legends[i] for i in keep] if legends else None)
    described = "; ".join(smiles[i] + (f" ({legends[i]})" if legends else "") for i in keep)
    return plots.Picture(image, alt or f"Structure drawings of {len(keep)} molecules: {described}.")


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
    """A self-describing checkpoint (``course_lib.core.assets``): float16 weights, the sizes that rebuild
    the model, the vocabulary and sequence length (its extra), and the card beside it."""
    return assets.save(name, model, card, extra={"itos": vocab.itos, "length": length}, half=True, folder=folder)

"""Scores of generated molecules (notebook 03), with RDKit: validity (RDKit parses it), uniqueness,
novelty (not in the training set), and properties (QED drug-likeness, logP)."""
from __future__ import annotations

import torch


def rdkit_chem():
    """RDKit's Chem module, its parse warnings silenced (also what chapters.molecules draws with)."""
    from rdkit import Chem, RDLogger
    RDLogger.DisableLog("rdApp.*")  # invalid strings are expected; do not flood the notebook
    return Chem


def canonical(smiles: str) -> str | None:
    """RDKit's canonical SMILES, or None when the string is not a molecule."""
    if not smiles:
        return None
    mol = rdkit_chem().MolFromSmiles(smiles)
    return rdkit_chem().MolToSmiles(mol) if mol is not None else None


def molecule_scores(generated: list[str], training: list[str]) -> dict:
    """Validity, uniqueness (of the valid ones) and novelty (of the unique ones), as fractions."""
    valid = [c for c in map(canonical, generated) if c is not None]
    unique = set(valid)
    train = {c for c in map(canonical, training) if c is not None}
    return {"validity": len(valid) / max(1, len(generated)), "uniqueness": len(unique) / max(1, len(valid)),
            "novelty": len(unique - train) / max(1, len(unique))}


def molecule_properties(smiles: list[str]) -> torch.Tensor:
    """(N, 2): QED drug-likeness (0..1) and logP (lipophilicity) per molecule; NaN where invalid."""
    from rdkit.Chem import QED, Crippen
    rows = []
    for s in smiles:
        mol = rdkit_chem().MolFromSmiles(s) if s else None
        rows.append((QED.qed(mol), Crippen.MolLogP(mol)) if mol is not None else (float("nan"), float("nan")))
    return torch.tensor(rows, dtype=torch.float32)

import pytest
import torch

from course_lib import metrics
from course_lib.chapters import molecules as mol
from course_lib.core import assets
from course_lib.models.sequence import SeqVAE, seq_negative_elbo

PHENOL, ASPIRIN = "c1ccccc1O", "CC(=O)Oc1ccccc1C(=O)O"


def test_tokenize_keeps_two_letter_atoms_and_brackets():
    assert mol.tokenize("ClCC[NH3+]Br", "smiles") == ["Cl", "C", "C", "[NH3+]", "Br"]
    selfies = mol.encode_selfies([ASPIRIN])[0]
    assert "".join(mol.tokenize(selfies, "selfies")) == selfies
    assert metrics.canonical(mol.to_smiles([selfies], "selfies")[0]) == metrics.canonical(ASPIRIN)


def test_vocab_round_trip_and_length_check():
    seqs = [mol.tokenize(s, "smiles") for s in (PHENOL, ASPIRIN)]
    vocab = mol.Vocab([t for s in seqs for t in s])
    ids = vocab.encode(seqs, 30)
    assert vocab.decode(ids) == [PHENOL, ASPIRIN]
    with pytest.raises(ValueError, match="more than"):
        vocab.encode(seqs, 5)


def test_scores_and_properties():
    s = metrics.molecule_scores([PHENOL, "c1ccccc1O", "C1CC", ASPIRIN], training=[ASPIRIN])
    assert s == {"validity": 0.75, "uniqueness": pytest.approx(2 / 3), "novelty": 0.5}
    props = metrics.molecule_properties([ASPIRIN, "not a molecule"])
    assert 0.5 < props[0, 0] < 0.6 and torch.isnan(props[1]).all()  # aspirin's QED is 0.55


def test_load_smiles_from_moses():
    smiles = mol.load_smiles(50, "train", seed=0)
    assert len(smiles) == 50 and all(metrics.canonical(s) for s in smiles)
    assert mol.moses_file("train") is not None, "molsets is not installed: run `make install`"


def test_seqvae_loss_and_generation():
    torch.manual_seed(0)
    data = mol.MoleculeSet([PHENOL, ASPIRIN] * 4, "selfies")
    model = SeqVAE(len(data.vocab), latent_dim=4, embed=8, hidden=16)
    out = seq_negative_elbo(model, data.ids)
    assert set(out) == {"loss", "rec", "kl"} and out["rec"] > 0
    head, targets = torch.nn.Linear(4, 2), torch.randn(len(data.ids), 2)
    torch.manual_seed(1)
    plain = seq_negative_elbo(model, data.ids, 0.5)
    torch.manual_seed(1)                                   # the same z: the head only adds its term
    joint = seq_negative_elbo(model, data.ids, 0.5, head, targets, weight=2.0)
    assert joint["prop"] > 0 and torch.allclose(joint["loss"], plain["loss"] + 2.0 * joint["prop"])
    ids = model.generate(torch.randn(3, 4), max_len=data.length)
    assert ids.shape == (3, data.length) and (ids[:, 0] == 1).all()


@pytest.mark.parametrize("kind", ["smiles", "selfies"])
def test_shipped_models_load_with_their_cards(kind):
    model, card, extra = assets.pretrained(f"moses_{kind}_vae")
    vocab, length = mol.Vocab.from_itos(extra["itos"]), extra["length"]
    assert card["kind"] == kind and {"validity", "uniqueness", "novelty", "reconstruction"} <= set(card)
    strings = vocab.decode(model.generate(torch.randn(20, model.latent_dim), max_len=length))
    assert len(strings) == 20
    if kind == "selfies":
        assert all(metrics.canonical(s) for s in mol.to_smiles(strings, kind) if s)

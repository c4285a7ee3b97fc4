"""The shipped checkpoints' numbers quoted in docs/checkpoints.md are their cards' (course_lib/assets/*.json), formatted
the way notebooks 06 and 08 print them: one source for every quoted score."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def card(name: str) -> dict:
    return json.loads((ROOT / "course_lib" / "assets" / f"{name}.json").read_text())


def table_row(checkpoint: str) -> str:
    rows = [line for line in (ROOT / "docs" / "checkpoints.md").read_text().splitlines()
            if line.startswith(f"| `{checkpoint}`")]
    assert len(rows) == 1, f"the checkpoint table of docs/checkpoints.md should have one row for {checkpoint}"
    return rows[0]


def test_stylegan_row_quotes_its_card():
    c, row = card("stylegan_fmnist"), table_row("stylegan_fmnist.pt")
    assert f"{c['steps']:,} steps of {c['batch_size']}" in row
    for psi in ("1", "0.7"):
        s = c[f"psi={float(psi)}"]
        assert f"FID {s['fid']:.1f}, precision {s['precision']:.2f}, recall {s['recall']:.2f} at ψ = {psi}" in row


def test_cgan_row_quotes_its_card():
    c, row = card("cgan_fmnist"), table_row("cgan_fmnist.pt")
    assert f"{c['epochs']} epochs" in row and f"{c['train_cpu_seconds']:.0f} CPU-s" in row
    assert f"{c['accuracy_per_epoch'][-1]:.1%} after the last" in row


def test_classifier_row_quotes_its_card():
    c, row = card("fmnist_classifier"), table_row("fmnist_classifier.pt")
    assert f"test accuracy {c['test_accuracy']:.2%}" in row and f"FID floor {c['fid_real_vs_real_10k']:.2f}" in row


def test_molecule_rows_quote_their_cards():
    for name in ("moses_smiles_vae", "moses_selfies_vae"):
        c, row = card(name), table_row(f"{name}.pt")
        for key in ("validity", "uniqueness", "novelty"):
            assert f"{key} {c[key]:.1%}".replace(".0%", "%") in row or f"{key} {c[key]:.1%}" in row, (name, key)
        assert f"{c['steps']:,} steps" in row


def test_cyclegan_row_quotes_its_card():
    c, row = card("cyclegan_wardrobe"), table_row("cyclegan_wardrobe.pt")
    last, ref = c["checks"][-1], c["references"]
    assert f"{c['updates']:,} updates of {c['batch_size']} + {c['batch_size']}" in row
    assert f"{c['train_cpu_seconds']:.0f} CPU-s on {c['hardware'].split(' / ')[-1]}" in row
    assert (f"silhouette IoU {last['plain_to_striped_iou']:.3f} / {last['striped_to_plain_iou']:.3f}, stripe contrast "
            f"{last['plain_to_striped_contrast']:.3f} plain → striped and {last['striped_to_plain_contrast']:.3f} striped → "
            f"plain (real striped {ref['striped_contrast']:.3f}, plain {ref['plain_contrast']:.3f}), cycle error "
            f"{last['cycle_error']:.4f}") in row

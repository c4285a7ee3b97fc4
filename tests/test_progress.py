"""Progress bars leave their last line as text in the saved notebook (a widget's state is not
saved, so a bare tqdm.auto bar reopens as "Error displaying widget: model not found")."""
import nbformat
import pytest
from nbclient import NotebookClient

from course_lib.core.progress import tqdm, trange


def test_outside_jupyter_it_is_plain_tqdm(capsys):
    assert sum(trange(3, desc="plain")) == 3
    with tqdm(total=2, desc="manual") as bar:
        bar.update(2)
    assert "manual: 100%" in capsys.readouterr().err


@pytest.mark.slow
def test_in_a_kernel_the_widget_becomes_its_text_line(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from course_lib.core.progress import tqdm\n"
        "for _ in tqdm(range(5), desc='kept'): pass\n"
        "for _ in tqdm(range(5), desc='gone', leave=False): pass\n"
        "for i in tqdm(range(5), desc='broken'):\n"
        "    if i == 2: break")]
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    texts = [o["data"]["text/plain"] for o in outputs if o.output_type == "display_data"]
    assert any(t.startswith("kept: 100%") and "5/5" in t for t in texts)
    assert any(t.startswith("broken:") and "2/5" in t for t in texts)  # stopped early: where, is kept
    assert not any("gone" in t for t in texts)

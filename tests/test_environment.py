from course_lib.teaching import environment


def test_report_lists_every_package(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))  # no data here: the report must say so
    import torchvision.datasets.mnist as tv_mnist
    monkeypatch.setattr(tv_mnist, "download_and_extract_archive",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("offline")))
    ok = environment.report()
    out = capsys.readouterr().out
    assert not ok and "FIX  Fashion-MNIST" in out and "COURSE_DATA" in out
    for pip_name in environment.required():
        assert pip_name in out


def test_old_or_missing_package_is_flagged():
    rows = dict((n, (ok, d)) for n, ok, d in environment.check_packages({"torch": "999.0", "not-a-package": "1.0"}))
    assert rows["torch"][0] is False and "older than 999.0" in rows["torch"][1]
    assert rows["not-a-package"][0] is False and "pip install" in rows["not-a-package"][1]


def test_data_line_reads_as_a_sentence(monkeypatch):
    import os
    if not os.environ.get("COURSE_DATA"):
        import pytest
        pytest.skip("needs COURSE_DATA")
    ok, message = environment.check_data()
    assert ok and "a sample of 16 images of 28x28 pixels loaded" in message and "((" not in message


def test_required_packages_are_the_projects_dependencies():
    import tomllib
    from pathlib import Path

    listed = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["dependencies"]
    assert sorted(environment.required()) == sorted(d.split(">")[0].split("=")[0].strip() for d in listed)
    assert environment.required()["torch"] == "2.2"

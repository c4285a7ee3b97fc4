"""Collect (grading/exchange.py) on an exchange where each student's files carry their own uid, as on
Zero to JupyterHub (each pod its user's uid, computed from the name): real `nbgrader collect`, files made
with the owners a forger and an honest student would give them (as root: chown). The class hub's system
accounts are tried in tests/browser/test_class_hub.py."""
import datetime as dt
import os
import shutil

import pytest
from nbgrading import ROOT, run_nbgrader

from grading.exchange import uid_from_name

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.geteuid() != 0, reason="makes files of other uids: run as root")]
A, COURSE = "01_autoencoders", "generative-models"


def hand_in(inbound, name, owner, claimed, text):
    folder = inbound / f"{name}+{A}+{claimed:%Y-%m-%d %H:%M:%S.%f} UTC+x{abs(hash(text)) % 1000}"
    folder.mkdir()
    (folder / f"{A}.ipynb").write_text(text)
    (folder / "timestamp.txt").write_text(f"{claimed:%Y-%m-%d %H:%M:%S.%f} UTC")
    for path in (folder, *folder.iterdir()):
        os.chown(path, uid_from_name(owner), 100)


def test_collect_takes_only_what_the_named_students_uid_wrote_timed_by_the_file_system(tmp_path, monkeypatch):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "grading", course / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    inbound = exchange / COURSE / "inbound"
    inbound.mkdir(parents=True)
    now = dt.datetime.now(dt.UTC)
    hand_in(inbound, "bob", "bob", now - dt.timedelta(hours=1), "bob's work")
    hand_in(inbound, "bob", "alice", now + dt.timedelta(days=1), "blank, in bob's name")   # newer by its name
    hand_in(inbound, "alice", "alice", now - dt.timedelta(days=3), "alice's late work")     # backdated
    # carol's own, with a link to a file of the teacher's: collect would copy what it points to, with the teacher's rights
    secret = course / "secret.txt"
    secret.write_text("the quiz key")
    hand_in(inbound, "carol", "carol", now - dt.timedelta(hours=2), "carol's work")
    folder = next(inbound.glob("carol+*"))
    (folder / "loot").symlink_to(secret)
    os.lchown(folder / "loot", uid_from_name("carol"), 100)
    monkeypatch.setenv("COURSE_EXCHANGE", str(exchange))
    monkeypatch.setenv("COURSE_EXCHANGE_ACCOUNTS", "uid-from-name")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / "jupyter"))
    out = run_nbgrader("collect", A, cwd=course)
    assert (course / "submitted" / "bob" / A / f"{A}.ipynb").read_text() == "bob's work"
    assert (course / "submitted" / "alice" / A / f"{A}.ipynb").read_text() == "alice's late work"
    recorded = (course / "submitted" / "alice" / A / "timestamp.txt").read_text()
    assert abs((dt.datetime.strptime(recorded, "%Y-%m-%d %H:%M:%S.%f %Z").replace(tzinfo=dt.UTC) - now).total_seconds()) < 60
    report = (course / f"exchange_report_{A}.md").read_text()
    assert "refused `bob+" in report and f"uid {uid_from_name('alice')}" in report, report
    assert "re-timed alice's submission" in report and "refused" in out.stdout + out.stderr
    assert not (course / "submitted" / "carol").exists() and "refused `carol+" in report and "links" in report, report

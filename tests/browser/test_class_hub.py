"""A class week on the class hub (hub/class_config.py: NativeAuthenticator, a system account per
person, nbgrader's exchange, the idle culler), run as root: the teacher signs up, imports the roster
(which creates the students' hub accounts), two students sign up and log in in Chromium, one cannot
see the other's home (an error page in the browser, "Permission denied" for their system account), nor the hub's
database or cookie secret,
both fetch 01, one hands in on time (an extension in course.yml) and one a day late; the teacher
collects, autogrades from the Formgrader (in the sandbox), grades the manual cell, releases feedback;
each student fetches it, the late one's shows the penalty; script in a written answer runs in neither the
Formgrader's page nor the feedback page; the Canvas CSV has both."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from servers import ROOT, free_port, kernel_env, serve
from test_hub import api

TEACHER, STUDENTS, TOKEN = "cls-teacher", ["cls-alice", "cls-bob"], "hub-test-token"
LATE, ON_TIME = STUDENTS
PASSWORDS = {name: f"{name}-Pw-2027" for name in [TEACHER, *STUDENTS]}
ASSIGNMENT, COURSE = "01_autoencoders", "generative-models"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("useradd"),
                                reason="the class hub makes a system account per user: run as root on Linux")


def _blocked(path: str) -> list[str]:
    """The folders on the way to ``path`` (as written: a virtual environment's bin/, and to the file it links
    to) that other users cannot pass through, as hub/class_config.py checks."""
    ways = [way.split(os.sep) for way in dict.fromkeys([os.path.abspath(path), os.path.realpath(path)])]
    folders = dict.fromkeys(os.sep.join(way[:i]) or os.sep for way in ways for i in range(1, len(way)))
    return [f for f in folders if not os.stat(f).st_mode & 0o001]


def _json(url, method, body):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode(),
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as r:
        text = r.read().decode()
    return json.loads(text) if text.strip() else None


def as_user(user, *cmd, cwd, env=None):
    return subprocess.run(["runuser", "-u", user, "--", *cmd], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def hub():
    proxy = shutil.which("configurable-http-proxy")
    if not proxy:
        pytest.fail("no configurable-http-proxy: npm install -g configurable-http-proxy")
    for name in [TEACHER, *STUDENTS]:   # left over from an interrupted run
        subprocess.run(["userdel", "-r", name], capture_output=True)
    # Every user's server runs this test's Python: where it lies under a folder others cannot pass through
    # (pyenv in /root, 0700), let them pass (o+x, no listing) for the test's length, as a class machine would.
    blocked = _blocked(sys.executable)
    modes = {folder: os.stat(folder).st_mode for folder in blocked}
    # the hub makes the course folder private: given back as it was after the test
    course_modes = {p: os.stat(p).st_mode for p in [ROOT, *ROOT.iterdir()] if not p.is_symlink()}
    for folder in blocked:
        os.chmod(folder, modes[folder] | 0o001)
    state = Path(tempfile.mkdtemp(prefix="class-hub-"))   # not pytest's tmp (0700): users pass through it
    port, log = free_port(), state / "hub.log"
    url = f"http://127.0.0.1:{port}"
    env = kernel_env(COURSE_HUB_STATE=str(state), COURSE_HUB_URL=url, COURSE_TEACHER=TEACHER,
                     COURSE_HUB_TEST_TOKEN=TOKEN, COURSE_HUB_API_URL=f"http://127.0.0.1:{free_port()}",
                     COURSE_PROXY_API_URL=f"http://127.0.0.1:{free_port()}")
    env["PATH"] = f"{Path(sys.executable).parent}:{Path(proxy).parent}:{env['PATH']}"
    try:
        with serve([sys.executable, "-m", "jupyterhub", "-f", str(ROOT / "hub" / "class_config.py")],
                   f"{url}/hub/api/", log, "the class hub", cwd=state, env=env):
            yield {"url": url, "api": f"{url}/hub/api", "state": state, "log": log, "home": state / "home"}
    finally:
        if log.exists():
            shutil.copy(log, Path(os.environ.get("BROWSER_SHOTS") or tempfile.gettempdir()) / "class_hub.log")
        for name in [TEACHER, *STUDENTS]:
            subprocess.run(["pkill", "-u", name], capture_output=True)
            subprocess.run(["userdel", "-r", name], capture_output=True)
        shutil.rmtree(state, ignore_errors=True)
        for folder, mode in modes.items():
            os.chmod(folder, mode)
        for path, mode in course_modes.items():
            os.chmod(path, mode)


def ready(hub, user) -> str:
    """The user's server, started when they logged in, once it answers."""
    for _ in range(240):
        if api(f"{hub['api']}/users/{user}")["servers"].get("", {}).get("ready"):
            return f"{hub['url']}/user/{user}"
        time.sleep(0.5)
    raise TimeoutError(f"{user}'s server did not start:\n{hub['log'].read_text()[-3000:]}")


SCRIPTED_ANSWER = ('My reflection, with <img src="x" onerror="window.pwned = 1"> and '
                   '<script>window.pwned = 2</script> in it.')


# `nbgrader submit` in the student's own Python with its clock two days back
BACKDATED_SUBMIT = """import datetime, sys
import nbgrader.exchange.abc.exchange as exchange
class Past(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime.datetime.now(tz) - datetime.timedelta(days=2)
exchange.datetime = type(sys)("datetime")
exchange.datetime.datetime = Past
from nbgrader.apps import NbGraderApp
sys.argv = ["nbgrader", "submit", sys.argv[1], "--course", sys.argv[2]]
NbGraderApp.launch_instance()
"""


def log_in(browser, hub, user, page=None):
    page = page or browser.new_page(viewport={"width": 1280, "height": 850})
    page.goto(f"{hub['url']}/hub/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=120_000)
    return page


def sign_up_and_log_in(browser, hub, user, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 850})
    page.goto(f"{hub['url']}/hub/signup")
    page.fill("input[name=username]", user)
    page.fill("input[name=signup_password]", PASSWORDS[user])
    page.fill("input[name=signup_password_confirmation]", PASSWORDS[user])
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=f"{shots}/class_hub_signup_{user}.png")
    return log_in(browser, hub, user, page)


def test_a_class_week(hub, browser, shots):
    start = time.monotonic()
    # The teacher: an account (sign-up; an admin by the hub's settings), their server holds the course.
    sign_up_and_log_in(browser, hub, TEACHER, shots).close()
    t = ready(hub, TEACHER)
    home = hub["home"] / TEACHER
    due = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=20)).strftime("%Y-%m-%d %H:%M")
    (home / "course.yml").write_text(f"answers_released: []\ndue:\n  {ASSIGNMENT}: {due}\n"
                                     "late_penalty: {per_day: 10, max: 50}\n"
                                     f"extensions:\n  {ON_TIME}: {{{ASSIGNMENT}: 2 days}}\n")
    (home / "students.csv").write_text("id,first,last,email,lms_id\n" + "".join(
        f"{s},{s[4:].title()},Student,{s}@example.edu,{2000 + i}\n" for i, s in enumerate(STUDENTS)))
    account = pwd.getpwnam(TEACHER)
    for path in ("course.yml", "students.csv"):
        os.chown(home / path, account.pw_uid, account.pw_gid)
    # the teacher's terminal: the hub's environment, their course copy first (as their server has it)
    python = str(hub["state"] / "env" / "bin" / "python")
    teacher_env = kernel_env(JUPYTER_CONFIG_PATH=str(hub["state"] / "env" / "jupyter"), HOME=str(home), USER=TEACHER,
                             COURSE_EXCHANGE=str(hub["state"] / "exchange"), COURSE_HUB_TOKEN=TOKEN,
                             PYTHONPATH=str(home))
    teacher_env["PATH"] = f"{Path(python).parent}:{teacher_env['PATH']}"   # nbgrader runs alembic by name
    roster = as_user(TEACHER, python, "-m", "grading", "roster", "students.csv", "--hub", hub["api"],
                     cwd=home, env=teacher_env)
    assert roster.returncode == 0 and "hub accounts: 2 created" in roster.stdout, roster.stdout + roster.stderr

    # Two students sign up (on the roster: in at once) and log in; each gets a system account.
    pages = {s: sign_up_and_log_in(browser, hub, s, shots) for s in STUDENTS}
    servers = {s: ready(hub, s) for s in STUDENTS}
    for s in STUDENTS:
        assert pwd.getpwnam(s).pw_dir == str(hub["home"] / s) and (hub["home"] / s).stat().st_mode & 0o777 == 0o700
    # alice cannot see bob's home: the hub answers with an error page, and her account cannot list it
    page = pages[LATE]
    response = page.goto(f"{hub['url']}/user/{ON_TIME}/tree")
    page.screenshot(path=f"{shots}/class_hub_other_home.png")
    assert response.status >= 400 or "/user/cls-alice/" in page.url, (response.status, page.url)
    assert ASSIGNMENT not in page.content()
    peek = as_user(LATE, "ls", str(hub["home"] / ON_TIME), cwd="/")
    assert peek.returncode != 0 and "Permission denied" in peek.stderr, peek
    with pytest.raises(urllib.error.HTTPError):
        api(f"{servers[LATE]}/api/contents/../{ON_TIME}")
    # nor the hub's database (every account's password hash) or its cookie secret
    for secret in ("hub/jupyterhub.sqlite", "hub/jupyterhub_cookie_secret"):
        assert (hub["state"] / secret).is_file(), secret
        peek = as_user(LATE, "cat", str(hub["state"] / secret), cwd="/")
        assert peek.returncode != 0 and "Permission denied" in peek.stderr, peek
    assert not list(hub["state"].glob("jupyterhub*")), list(hub["state"].iterdir())
    # nor any answer: her server runs the students' environment (no answer released yet), and the course
    # folder and the teacher's copy of it are closed to her
    server_python = subprocess.run(["bash", "-c", f"tr '\\0' ' ' < /proc/$(pgrep -u {LATE} -f jupyterhub.singleuser "
                                   "| head -1)/cmdline"], capture_output=True, text=True).stdout.split()[0]
    assert server_python == str(hub["state"] / "env" / "bin" / "python"), server_python
    tried = as_user(LATE, server_python, "-c", "import course_answers.a01_autoencoders", cwd=str(hub["home"] / LATE),
                    env={"HOME": str(hub["home"] / LATE), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    assert tried.returncode != 0 and "AnswersNotReleasedError" in tried.stderr and str(ROOT) not in tried.stderr, \
        tried.stderr
    for secret in (ROOT / "course_answers" / "a01_autoencoders.py", ROOT / "quiz" / "multiple_choice.yaml",
                   ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", ROOT / "gradebook.db",
                   home / "course_answers" / "a01_autoencoders.py", home / "solutions"):
        peek = as_user(LATE, "cat", str(secret), cwd="/")
        assert peek.returncode != 0 and "Permission denied" in peek.stderr, (secret, peek)
    limits = subprocess.run(["bash", "-c", f"cat /proc/$(pgrep -u {LATE} -f jupyterhub.singleuser | head -1)/limits"],
                            capture_output=True, text=True).stdout
    assert "Max processes             1024" in limits and "Max address space         8589934592" in limits, limits

    # Release; both fetch; each puts in the solution, answers the reflection; one on time, one late.
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/assign", "POST")["success"]
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/release", "POST")["success"]
    solution = json.loads((ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    path = f"{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    for s in STUDENTS:
        fetched = api(f"{servers[s]}/assignments/fetch", "POST", {"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert fetched["success"], fetched
        handed_in = json.loads(json.dumps(solution))
        if s == LATE:   # her written answer carries script for the teacher's pages
            reflection = next(c for c in handed_in["cells"] if c["cell_type"] == "markdown"
                              and c["metadata"].get("nbgrader", {}).get("solution"))
            reflection["source"] = [SCRIPTED_ANSWER]
        _json(f"{servers[s]}/api/contents/{path}", "PUT", {"type": "notebook", "content": handed_in})
        if s == ON_TIME:
            submitted = api(f"{servers[s]}/assignments/submit", "POST", {"course_id": COURSE, "assignment_id": ASSIGNMENT})
            assert submitted["success"], submitted
    # She is late, and hands in with nbgrader run in her own Python, its clock put back two days (the folder's
    # name and timestamp.txt say before the due date); then she drops a blank "submission" in bob's name,
    # named newer than his. nbgrader's own collect would record hers on time and take the blank as his.
    mine = {"HOME": str(hub["home"] / LATE), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "USER": LATE,
            "JUPYTER_CONFIG_PATH": str(hub["state"] / "env" / "jupyter"), "COURSE_EXCHANGE": str(hub["state"] / "exchange")}
    backdated = as_user(LATE, server_python, "-c", BACKDATED_SUBMIT, ASSIGNMENT, COURSE, cwd=str(hub["home"] / LATE), env=mine)
    assert backdated.returncode == 0, backdated.stdout + backdated.stderr
    inbound = hub["state"] / "exchange" / COURSE / "inbound"
    stamp = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = inbound / f"{ON_TIME}+{ASSIGNMENT}+{stamp}+forged"
    script = (f"import os, sys; os.mkdir({str(folder)!r}); open({str(folder / 'timestamp.txt')!r}, 'w').write({stamp!r}); "
              f"open({str(folder / (ASSIGNMENT + '.ipynb'))!r}, 'w').write(sys.stdin.read())")
    blank = (ROOT / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    made = subprocess.run(["runuser", "-u", LATE, "--", server_python, "-c", script], input=blank,
                          capture_output=True, text=True, cwd="/")
    assert made.returncode == 0, made.stderr
    for page in pages.values():
        page.close()

    # The teacher collects, autogrades from the Formgrader, grades the manual cell, releases feedback.
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/collect", "POST")["success"]
    report = (home / f"exchange_report_{ASSIGNMENT}.md").read_text()
    assert f"refused `{ON_TIME}+{ASSIGNMENT}+" in report and f"written by {LATE}" in report, report
    assert f"re-timed {LATE}'s submission" in report, report
    for s in STUDENTS:
        result = api(f"{t}/formgrader/api/submission/{ASSIGNMENT}/{s}/autograde", "POST", timeout=600)
        assert result["success"], result.get("log", result)[-3000:]
    for notebook in api(f"{t}/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}"):
        for grade in api(f"{t}/formgrader/api/grades?submission_id={notebook['id']}"):
            if grade["auto_score"] is None:   # the reflection: full marks
                _json(f"{t}/formgrader/api/grade/{grade['id']}", "PUT", {"manual_score": grade["max_score"]})
    scores = {s["student"]: s for s in api(f"{t}/formgrader/api/submissions/{ASSIGNMENT}")}
    full = scores[ON_TIME]["max_score"]
    assert scores[ON_TIME]["score"] == full and scores[LATE]["score"] == full, scores   # before the penalty
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/generate_feedback", "POST")["success"]
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/release_feedback", "POST")["success"]
    for s in STUDENTS:
        got = api(f"{servers[s]}/assignments/fetch_feedback", "POST", {"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert got["success"], got
    feedback = {s: next((hub["home"] / s / COURSE / ASSIGNMENT / "feedback").rglob("*.html")) for s in STUDENTS}
    assert f"Late submission penalty (Score: -{full / 10:g})" in feedback[LATE].read_text()   # 10%, manual grade in
    assert "Late submission penalty" not in feedback[ON_TIME].read_text()

    # The script in her answer runs in none of the teacher's pages (Formgrader, feedback): it shows as text.
    page = log_in(browser, hub, TEACHER)
    late = next(n for n in api(f"{t}/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
                if n["student"] == LATE)
    for url in (f"{t}/formgrader/submissions/{late['id']}/", feedback[LATE].as_uri()):
        page.goto(url)
        page.wait_for_load_state("load")
        # every image loaded or failed (an onerror handler would have been queued), then one more task
        page.wait_for_function("() => Array.from(document.images).every(image => image.complete)")
        page.evaluate("() => new Promise(done => setTimeout(done, 0))")
        assert page.evaluate("() => window.pwned") is None, url
        answer = page.get_by_text("My reflection, with", exact=False)
        assert answer.count() >= 1, url
        answer.first.scroll_into_view_if_needed()
        page.screenshot(path=f"{shots}/class_hub_scripted_answer_{'feedback' if url.startswith('file') else 'formgrader'}.png")
    page.close()

    # Grades as Canvas imports them, written in the teacher's terminal.
    export = as_user(TEACHER, python, "-m", "grading", "grades", "--lms", "canvas", cwd=home, env=teacher_env)
    assert export.returncode == 0, export.stderr
    with open(home / "grades_canvas.csv") as f:
        rows = {r["SIS User ID"]: r for r in csv.DictReader(f)}
    assert {ON_TIME, LATE} <= set(rows) and rows[ON_TIME]["ID"] == "2001"
    assert float(rows[ON_TIME][ASSIGNMENT]) == full and float(rows[LATE][ASSIGNMENT]) == pytest.approx(full * 0.9)
    assert subprocess.run(["pgrep", "-f", "jupyterhub_idle_culler"], capture_output=True).returncode == 0
    print(f"the class week: {time.monotonic() - start:.1f} s")

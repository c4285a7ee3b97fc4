"""A class on a real JupyterHub (hub/jupyterhub_config.py, configurable-http-proxy from npm):
the teacher releases 01, two students fetch it (one in the browser), one submits the solution
and one the blank release, the teacher collects, autogrades, generates and releases feedback,
the students fetch it, the grades are exported. Everything goes through the users' own servers
(the Assignment List's and the Formgrader's web API, as their buttons do)."""
import csv
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from servers import ROOT, free_port, kernel_env, serve

TEACHER, STUDENTS, PASSWORD, TOKEN = "teacher", ["alice", "bob"], "course-pw", "hub-test-token"
ASSIGNMENT, COURSE = "01_autoencoders", "generative-models"
PEEK = """for target in {targets!r}:
    try:
        print("READ", len(open(target).read()), "characters of", target)
    except OSError as error:
        print("no access:", type(error).__name__)
"""


def api(url, method="GET", data=None, timeout=300):
    body = None if data is None else urllib.parse.urlencode(data).encode()
    if method == "POST" and body is None:
        body = b""
    request = urllib.request.Request(url, data=body, method=method, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=timeout) as r:
        text = r.read().decode()
    return json.loads(text) if text.strip() else None


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    proxy = shutil.which("configurable-http-proxy")
    if not proxy:
        pytest.fail("no configurable-http-proxy: npm install -g configurable-http-proxy")
    state = tmp_path_factory.mktemp("hub")
    port, log = free_port(), state / "hub.log"
    url = f"http://127.0.0.1:{port}"
    env = kernel_env(COURSE_HUB_STATE=str(state), COURSE_HUB_URL=url, COURSE_TEACHER=TEACHER,
                     COURSE_STUDENTS=",".join(STUDENTS), COURSE_HUB_PASSWORD=PASSWORD, COURSE_HUB_TEST_TOKEN=TOKEN,
                     COURSE_HUB_API_URL=f"http://127.0.0.1:{free_port()}",
                     COURSE_PROXY_API_URL=f"http://127.0.0.1:{free_port()}")
    env["PATH"] = f"{Path(sys.executable).parent}:{Path(proxy).parent}:{env['PATH']}"  # jupyterhub-singleuser
    with serve([sys.executable, "-m", "jupyterhub", "-f", str(ROOT / "hub" / "jupyterhub_config.py")],
               f"{url}/hub/api/", log, "JupyterHub", cwd=state, env=env):
        yield {"url": url, "state": state, "log": log}


def start_server(hub, user):
    api(f"{hub['url']}/hub/api/users/{user}/server", "POST")
    for _ in range(240):
        model = api(f"{hub['url']}/hub/api/users/{user}")
        if model["servers"].get("", {}).get("ready"):
            return f"{hub['url']}/user/{user}"
        time.sleep(0.5)
    raise TimeoutError(f"{user}'s server did not start:\n{hub['log'].read_text()[-3000:]}")


def test_a_class_round_trip(hub, browser, shots):
    start = time.monotonic()
    servers = {user: start_server(hub, user) for user in [TEACHER, *STUDENTS]}
    print(f"three servers ready after {time.monotonic() - start:.1f} s")
    t = servers[TEACHER]
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/assign", "POST")["success"]
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/release", "POST")["success"]

    # bob, in the browser: log in, open the Assignment List, see 01 released, fetch it.
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{hub['url']}/hub/login")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/user/bob/lab**", timeout=60_000)
    page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    released = page.locator("#released_assignments_list")
    released.get_by_text(ASSIGNMENT).first.wait_for(timeout=60_000)
    page.screenshot(path=f"{shots}/hub_bob_assignment_list.png")
    released.get_by_role("button", name="Fetch").first.click()
    page.locator("#fetched_assignments_list").get_by_text(ASSIGNMENT).first.wait_for(timeout=60_000)
    page.close()

    # alice fetches through the same web API and pastes the solution in; bob submits the blank.
    fetched = api(f"{servers['alice']}/assignments/fetch", "POST", {"course_id": COURSE, "assignment_id": ASSIGNMENT})
    assert fetched["success"], fetched
    solution = json.loads((ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    path = f"{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    request = urllib.request.Request(f"{servers['alice']}/api/contents/{path}", method="PUT",
                                     data=json.dumps({"type": "notebook", "content": solution}).encode(),
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).close()
    # bob's blank also carries a cell that tries to read the teacher's solutions from where it is graded
    home = hub["state"] / "home"
    target = home / TEACHER / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    blank_path = home / "bob" / path
    blank = json.loads(blank_path.read_text())
    blank["cells"].append({"cell_type": "code", "execution_count": None, "id": "peek", "metadata": {}, "outputs": [],
                           "source": PEEK.format(targets=[str(target), f"../../../solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"])})
    blank_path.write_text(json.dumps(blank))
    for student in STUDENTS:
        submitted = api(f"{servers[student]}/assignments/submit", "POST",
                        {"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert submitted["success"], submitted

    graded = time.monotonic()
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/collect", "POST")["success"]
    for student in STUDENTS:
        result = api(f"{t}/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde", "POST", timeout=600)
        assert result["success"], result.get("log", result)[-3000:]
    print(f"collect + autograde of two submissions: {time.monotonic() - graded:.1f} s")
    scores = {s["student"]: s for s in api(f"{t}/formgrader/api/submissions/{ASSIGNMENT}")}
    assert scores["alice"]["max_score"] > 0
    assert scores["alice"]["score"] > 0 and scores["bob"]["score"] == 0, scores
    # graded from the hub, in the sandbox: bob's cell ran and could not open the solutions
    ran = json.loads((home / TEACHER / "autograded" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    peek = "".join("".join(o.get("text", "")) for c in ran["cells"] if c.get("id") == "peek" for o in c["outputs"])
    assert "no access: FileNotFoundError" in peek and "READ" not in peek, peek
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/generate_feedback", "POST")["success"]
    assert api(f"{t}/formgrader/api/assignment/{ASSIGNMENT}/release_feedback", "POST")["success"]
    for student in STUDENTS:
        got = api(f"{servers[student]}/assignments/fetch_feedback", "POST",
                  {"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert got["success"], got
        feedback = list((hub["state"] / "home" / student / COURSE / ASSIGNMENT / "feedback").rglob("*.html"))
        assert feedback, f"no feedback for {student}"
    assert "Score" in feedback[0].read_text() or "score" in feedback[0].read_text()

    # The grades, exported as the teacher does in a terminal of their server (its own environment).
    home = hub["state"] / "home" / TEACHER
    env = kernel_env(JUPYTER_CONFIG_PATH=str(ROOT / "jupyter"), COURSE_EXCHANGE=str(hub["state"] / "exchange"))
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", "grades.csv"], cwd=home, env=env,
                   check=True, capture_output=True)
    with open(home / "grades.csv") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert float(rows["alice"]["score"]) == scores["alice"]["score"] and float(rows["bob"]["score"]) == 0
    print(f"the whole round trip: {time.monotonic() - start:.1f} s")

"""The quiz bank is complete and sound, the classroom notebook is built from it and grades
right, and the self-study quiz builds its widgets."""
import re

import nbformat
import pytest
from nbgrading import ROOT, autograde, make_course, solutions_of, source_notebook, submit

from course_lib.teaching import quiz

SEED = ROOT.parent / "shared" / "seed"
BANK = quiz.load()


def _norm(text):
    return re.sub(r"\W+", " ", text).strip().lower()


def _seed_text():
    files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not files:
        pytest.skip("the seed study guide (../shared/seed) is not beside this clone")
    return files[0].read_text()


def test_bank_is_valid_and_large_enough():
    assert quiz.validate(BANK) == []
    assert len(BANK["short_answer"]) == 10 and len(BANK["essays"]) == 5
    assert len(BANK["multiple_choice"]) >= 25
    assert {q["topic"] for q in BANK["multiple_choice"]} == set(quiz.TOPICS)


def test_every_seed_question_and_essay_prompt_is_in_the_bank():
    seed = _seed_text()
    quiz_part = seed.split("Short-Answer Questions", 1)[1].split("-----", 1)[0]
    questions = [line.strip() for line in quiz_part.splitlines() if line.strip()]
    assert len(questions) == 10
    prompts = {_norm(q["prompt"]) for q in BANK["short_answer"]}
    assert [q for q in questions if _norm(q) not in prompts] == []
    essays = seed.split("Essay Questions", 1)[1]
    for essay in BANK["essays"]:
        assert f"{essay['title']}: {' '.join(essay['prompt'].split())}" in " ".join(essays.split()), essay["id"]


def test_glossary_has_every_seed_term_and_each_term_is_taught_and_asked():
    seed = _seed_text().split("Glossary of Key Terms", 1)[1]
    seed_terms = [line.split(":", 1)[0].strip() for line in seed.splitlines() if line.split(":", 1)[-1].strip()
                  and ":" in line]
    terms = {g["term"] for g in BANK["glossary"]}
    assert set(seed_terms) <= terms, set(seed_terms) - terms
    for g in BANK["glossary"]:
        path = source_notebook(g["notebook"])
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells).lower()
        missing = [m for m in g["match"] if m.lower() not in text]
        assert not missing, f"{g['term']}: {missing} not found in {g['notebook']}"
    asked = {t for q in BANK["multiple_choice"] for t in q["terms"]}
    assert terms <= asked, f"glossary terms no multiple-choice question covers: {terms - asked}"
    assert asked <= terms, f"questions name terms that are not in the glossary: {asked - terms}"


def test_every_question_names_a_notebook_that_exists():
    names = {p.name for p in (ROOT / "solutions").iterdir()}
    for part in ("short_answer", "multiple_choice"):
        assert {q["notebook"] for q in BANK[part]} <= names


def test_validate_names_problems():
    broken = {**BANK, "multiple_choice": [{**BANK["multiple_choice"][0], "answer": "z"}]}
    assert any("not an option" in p for p in quiz.validate(broken))


def test_classroom_notebook_is_built_from_the_bank_byte_for_byte(tmp_path):
    from grading.quiz import build_assignment

    built = build_assignment(tmp_path / "09_quiz.ipynb").read_bytes()
    assert build_assignment(tmp_path / "again.ipynb").read_bytes() == built, "two builds of one bank differ"
    assert built == source_notebook("09_quiz").read_bytes(), "solutions/09_quiz is stale: run `make quiz`"


@pytest.mark.slow
def test_quiz_command_line_writes_nothing_when_asked_for_help(tmp_path):
    import subprocess
    import sys

    before = source_notebook("09_quiz").read_bytes()
    for argv in (["-m", "grading", "quiz", "--help"], ["-m", "grading", "--help"], ["-m", "course_lib.teaching.quiz", "--help"]):
        subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, timeout=120)
    assert source_notebook("09_quiz").read_bytes() == before


@pytest.mark.slow
def test_classroom_quiz_grades_blank_right_and_wrong(tmp_path):
    course = make_course(tmp_path, "09_quiz")
    solved = solutions_of("09_quiz")
    mc = {q["id"]: q for q in quiz.graded(BANK)}
    wrong = {gid: f'answer_{gid} = "{next(k for k in mc[gid]["options"] if k != mc[gid]["answer"])}"'
             for gid in mc}
    submit(course, "09_quiz", "blank", {})
    submit(course, "09_quiz", "solution", solved)
    submit(course, "09_quiz", "allwrong", {**solved, **wrong})
    first = next(iter(mc))
    submit(course, "09_quiz", "onewrong", {**solved, first: wrong[first]})
    scores = autograde(course, "09_quiz")
    assert len(scores["solution"]) == len(mc)
    assert sum(s for s, _ in scores["blank"].values()) == 0
    assert all(s == m for s, m in scores["solution"].values())
    assert sum(s for s, _ in scores["allwrong"].values()) == 0
    assert scores["onewrong"][f"{first}_test"][0] == 0
    assert sum(s for s, _ in scores["onewrong"].values()) == len(mc) - 1


def test_interactive_quiz_builds_checks_and_scores():
    practice = quiz.self_study(BANK)
    box = quiz.interactive(bank=BANK, display_it=False)
    assert len(box.children) == 1 + len(practice)   # the score, then the self-study questions only
    first = box.children[1]
    heading, choice, button, feedback = first.children
    assert practice[0]["prompt"] in heading.value
    choice.value = practice[0]["answer"]
    button.click()
    assert "Right" in feedback.value and "1 right of 1" in box.children[0].value
    second = box.children[2]
    second.children[1].value = next(k for k in practice[1]["options"] if k != practice[1]["answer"])
    second.children[2].click()
    assert "Not quite" in second.children[3].value and "1 right of 2" in box.children[0].value


def test_text_quiz_works_without_widgets():
    plain = quiz.text(BANK)
    assert all(q["prompt"] in plain for q in quiz.self_study(BANK))
    assert "Answer:" not in plain and "Answer:" in quiz.text(BANK, answers=True)


@pytest.mark.parametrize("pool", [quiz.graded, quiz.self_study])
def test_quiz_keys_are_balanced(pool):
    """Both pools' key letters: each at most 35% (the bank's order had "b" for 21 of 29 graded
    and 5 of 8 self-study questions); shuffling keeps each question's right text, and each
    explanation its option."""
    from collections import Counter

    shuffled = pool(BANK)
    original = {q["id"]: q for q in BANK["multiple_choice"]}
    counts = Counter(q["answer"] for q in shuffled)
    assert max(counts.values()) <= 0.35 * len(shuffled), counts
    for q in shuffled:
        o = original[q["id"]]
        assert q["options"][q["answer"]] == o["options"][o["answer"]]
        assert sorted(q["options"].values()) == sorted(o["options"].values())
        assert {q["options"][k]: v for k, v in q["why_not"].items()} == \
            {o["options"][k]: v for k, v in o["why_not"].items()}
        # an explanation that names a letter ("(b) is right") would be wrong once shuffled
        letters = "".join(o["options"])
        assert not re.search(rf"(?<!\w)[{letters}]\)|\boptions? [{letters}]\b",
                             " ".join([o["explanation"], *o["why_not"].values()])), o["id"]
    assert pool(BANK) == shuffled                # seeded: the same quiz every build


def test_self_study_quiz_is_shown_shuffled_on_a_students_install():
    """A student's course_lib carries the pool as in the bank; what it shows is shuffled the same."""
    installed = quiz.student_bank(BANK)
    assert quiz.self_study(installed) == quiz.self_study(BANK)
    plain = quiz.text(installed, answers=True)
    assert all(f"Answer: {q['answer']}) {q['explanation']}" in plain for q in quiz.self_study(BANK))


def test_graded_answers_are_never_shipped():
    """Students get neither the graded answers nor model answers nor rubrics."""
    graded = quiz.graded(BANK)
    shipped = str(quiz.student_bank(BANK))
    assert len(graded) >= 20 and len(quiz.self_study(BANK)) >= 5
    assert not [q["id"] for q in graded if q["explanation"] in shipped]
    assert not [q["id"] for q in BANK["short_answer"] if q["model_answer"].strip() in shipped]
    assert not [e["id"] for e in BANK["essays"] if e["excellent"].strip() in shipped]


def test_readme_counts_are_the_files_counts():
    """The numbers README's course map, docs/course-map.md and the instructor guide (docs/instructors.md) quote
    about the quiz, the glossary and the notebooks are the files' own."""
    files = ("README.md", "docs/course-map.md", "docs/instructors.md")
    text = {name: (ROOT / name).read_text() for name in files}
    graded, own = quiz.graded(BANK), quiz.self_study(BANK)

    def number(pattern: str) -> int:
        found = [(name, n) for name in files for n in re.findall(pattern, text[name])]
        assert found, f"{', '.join(files)} no longer say {pattern!r}"
        assert len({n for _, n in found}) == 1, f"{pattern!r} has two values: {found}"
        return int(found[0][1])

    assert number(r"(\d+) multiple-choice \(autograded\)") == len(graded) == number(r"the other (\d+) are the graded")
    assert number(r"`multiple_choice.yaml` \((\d+) questions") == len(BANK["multiple_choice"])
    assert number(r"(\d+) marked `pool: self`") == len(own)
    assert number(r"(\d+) short answers") == len(BANK["short_answer"])
    assert number(r"study guide's (\d+) questions") == len(BANK["short_answer"])
    assert number(r"(\d+) essays") == len(BANK["essays"]) == number(r"`essays.yaml` \((\d+) prompts")
    assert number(r"`glossary.yaml` \((\d+) terms") == len(BANK["glossary"])
    assert re.search(r"(\d+) multiple-choice \(autograded\)", text["README.md"]), "README's course map: the quiz"
    notebooks = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
    for name in ("README.md", "docs/course-map.md"):
        listed = re.findall(r"^\| `(\d\d_\w+)` \(\[Colab\]", text[name], flags=re.M)
        assert listed == notebooks, f"{name}'s course map"


QUIZ_ATTACKS = {
    # every file the kernel can read, searched for the key, which never enters the sandbox
    "reads_every_file": '''import os, re
found = {}
TOPS = [os.getcwd(), os.path.expanduser("~"), "/tmp", "/"]
for top in TOPS:
    for folder, dirs, files in os.walk(top):
        if folder.startswith(("/proc", "/sys", "/dev", "/usr")):
            dirs[:] = []
            continue
        for name in files:
            try:
                with open(os.path.join(folder, name), "rb") as f:   # bytes: text files, databases, anything
                    data = f.read(2_000_000)
            except OSError:
                continue
            for q, letter in re.findall(rb'answer_(mc\\d+) == \\\\?"(\\w)', data):
                found[q.decode()] = letter.decode()
for q, letter in found.items():
    globals()["answer_" + q] = letter
''',
    # prints the probe's line with "a" after every cell: at best the same as answering "a" everywhere
    "forges_the_probe": '''from IPython import get_ipython
get_ipython().events.register("post_run_cell", lambda result: print("[answer recorded for grading] 'a'"))
''',
    # clears every cell's outputs after it ran: nothing recorded, nothing earned
    "clears_outputs": '''from IPython import get_ipython
from IPython.display import clear_output
get_ipython().events.register("post_run_cell", lambda result: clear_output())
''',
}


@pytest.mark.slow
@pytest.mark.skipif(not __import__("grading.sandbox").sandbox.bwrap_available(), reason="needs bubblewrap")
def test_the_quiz_key_never_enters_the_sandbox(tmp_path):
    """make grade's sandbox: the hidden block of each multiple-choice cell is a probe there; the judge, outside,
    compares. Reading every file, forging the probe's report or clearing outputs earns nothing the answers
    themselves do not; the honest student keeps full marks."""
    from grading.run import autograde as grade
    from grading.sandbox import GIB, Limits

    course = make_course(tmp_path, "09_quiz")
    solved = solutions_of("09_quiz")
    mc = {q["id"]: q for q in quiz.graded(BANK)}
    first = next(iter(mc))
    all_a = {gid: f'answer_{gid} = "a"' for gid in mc}
    submit(course, "09_quiz", "solution", solved)
    submit(course, "09_quiz", "blank", {})
    submit(course, "09_quiz", "all_a", all_a)
    for name, code in QUIZ_ATTACKS.items():
        fill = {first: code} if name == "reads_every_file" else {**solved, first: code + solved[first]}
        submit(course, "09_quiz", name, fill)
    subs = {s.student: s for s in grade(course, "09_quiz", Limits(cell_timeout=120, notebook_timeout=300,
                                                                 memory_bytes=3 * GIB), workers=2)}
    n, a_keys = len(mc), sum(q["answer"] == "a" for q in mc.values())
    got = {name: subs[name].tests_gave for name in subs}
    assert got["solution"] == n and got["blank"] == 0 and got["all_a"] == a_keys, got
    assert got["reads_every_file"] == 0, got
    # the same search, outside the sandbox in the teacher's course folder, finds every key: it fails above for lack of
    # a file to read, not for a fault of its own
    search = QUIZ_ATTACKS["reads_every_file"].replace('TOPS = [os.getcwd(), os.path.expanduser("~"), "/tmp", "/"]',
                                                      f"TOPS = [{str(course)!r}]")
    assert search != QUIZ_ATTACKS["reads_every_file"]
    namespace = {}
    exec(search, namespace)
    assert {q: namespace["found"].get(q) for q in mc} == {q: mc[q]["answer"] for q in mc}, namespace["found"]
    assert got["forges_the_probe"] <= a_keys, got   # at most what "a" everywhere earns (two reports: none counts)
    assert got["clears_outputs"] == 0, got
    graded = (course / "autograded" / "solution" / "09_quiz" / "09_quiz.ipynb").read_text()
    assert "[answer recorded for grading]" not in graded   # the judge's outputs only, in every teacher view

"""The classroom quiz, written for the teacher: ``python -m grading quiz`` (``make quiz``) builds the
nbgrader source notebook ``solutions/09_quiz/09_quiz.ipynb`` from the question bank in ``quiz/``
(``course_lib.teaching.quiz``: the graded pool, its options shuffled so the key letters are balanced).
Multiple-choice answers are autograded by hidden tests; short answers and essays are teacher-graded
cells that carry their rubric. Cell ids come from the question ids, so a rebuild of an unchanged
bank writes the same bytes; then ``make release``."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib.core.settings import repository
from course_lib.teaching import quiz

ROOT = Path(__file__).resolve().parents[1]
_NB = "notebooks/09_quiz/09_quiz.ipynb"


def online_links() -> tuple[str, str]:
    """(Colab, Binder) addresses of the released quiz, from the repository's (pyproject.toml)."""
    slug = repository().removeprefix("https://github.com/")
    return (f"https://colab.research.google.com/github/{slug}/blob/main/{_NB}",
            f"https://mybinder.org/v2/gh/{slug}/main?labpath={_NB.replace('/', '%2F')}")


def _nbgrader(grade_id, solution=False, grade=False, points=None, locked=False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    return meta if points is None else {**meta, "points": points}


def _manual(prompt: str, solution: str, grade_id: str, points: int) -> list:
    """A prompt and a teacher-graded answer cell whose solution (model answer, rubric) only graders see."""
    answer = new_markdown_cell(f"### BEGIN SOLUTION\n{solution}\n### END SOLUTION", id=f"{grade_id}-answer")
    answer.metadata["nbgrader"] = _nbgrader(grade_id, solution=True, grade=True, points=points)
    return [new_markdown_cell(prompt, id=grade_id), answer]


def build_assignment(path: Path | str | None = None, bank: dict | None = None) -> Path:
    """Write the nbgrader source notebook of the classroom quiz (default solutions/09_quiz/09_quiz.ipynb)."""
    bank = bank or quiz.load()
    bank = {**bank, "multiple_choice": quiz.graded(bank)}
    path = Path(path or ROOT / "solutions" / "09_quiz" / "09_quiz.ipynb")
    colab, binder = online_links()
    cells = [new_markdown_cell(
        "# 09 · Quiz and essays\n\n"
        f"{len(bank['multiple_choice'])} multiple-choice questions (1 point each, graded automatically), "
        f"{len(bank['short_answer'])} short-answer questions and {len(bank['essays'])} essay prompts (graded by your "
        "teacher). For each multiple-choice question set the variable to **one letter**, e.g. "
        "`answer_mc01 = \"a\"`, and run the check cell below it: it tells you whether the format is right, "
        "not whether the answer is. Write short answers and essays in the cells marked for them.\n\n"
        "Self-study instead? The same questions with instant feedback: notebook `10_self_quiz`.")]
    cells[0].metadata["tags"] = ["setup"]
    cells[0].id = "intro"
    cells.append(new_markdown_cell(
        "**What you will be able to do**\n\n"
        "1. Recall and tell apart the ideas of notebooks 01–08 under exam conditions\n"
        "2. Explain a model's behaviour in a few sentences, citing the mechanism behind it\n"
        "3. Argue a choice between generative models at essay length, with numbers you measured\n\n"
        "**Before you start:** notebooks 01–08 (the self-study quiz, notebook 10, is good practice); no new maths.\n\n"
        "**Study time:** about 4 h of reading, exercises and questions (the multiple-choice and short answers take "
        "about 1 h 30 min, the five essays the rest).\n\n"
        f"**Run it online:** [Open in Colab]({colab}) · [Open in Binder]({binder})", id="about"))
    for i, q in enumerate(bank["multiple_choice"], 1):
        var = f"answer_{q['id']}"
        cells.append(new_markdown_cell(f"**{i}.** *({quiz.TOPICS[q['topic']]}, notebook {q['notebook']})* {q['prompt']}\n\n"
                                       + "\n".join(f"- **{k})** {v}" for k, v in q["options"].items()), id=q["id"]))
        cell = new_code_cell(f"### BEGIN SOLUTION\n{var} = \"{q['answer']}\"\n### END SOLUTION", id=f"{q['id']}-answer")
        cell.metadata["nbgrader"] = _nbgrader(q["id"], solution=True)
        cells.append(cell)
        letters = ", ".join(f'"{k}"' for k in q["options"])
        test = new_code_cell(f"assert {var} in ({letters},), 'set {var} to one letter: {letters}'\n"
                             f"print('{var} is set: it will be graded when you hand the quiz in.')\n"
                             f"### BEGIN HIDDEN TESTS\nassert {var} == \"{q['answer']}\", 'not the right option'\n"
                             "### END HIDDEN TESTS", id=f"{q['id']}-test")
        test.metadata["nbgrader"] = _nbgrader(f"{q['id']}_test", grade=True, points=1, locked=True)
        cells.append(test)
    cells.append(new_markdown_cell("## Short answers\n\nTwo to five sentences each.", id="short-answers"))
    for i, q in enumerate(bank["short_answer"], 1):
        rubric = "\n".join(f"- {p}" for p in q["key_points"])
        cells += _manual(f"**S{i}.** *({q['points']} points, notebook {q['notebook']})* {q['prompt']}",
                         f"*Model answer.* {q['model_answer'].strip()}\n\n"
                         f"*Rubric (one point per key point, up to {q['points']}):*\n{rubric}", q["id"], q["points"])
    cells.append(new_markdown_cell("## Essays\n\nAbout 400–700 words each; cite what you measured in the notebooks.",
                                   id="essays"))
    for e in bank["essays"]:
        rubric = "\n".join(f"- ({c['points']} pt) {c['criterion']}" for c in e["criteria"])
        cells += _manual(f"**{e['title']}** *({e['points']} points)* {e['prompt']}",
                         f"*Rubric for the grader:*\n{rubric}\n\n*An excellent answer:* {e['excellent'].strip()}",
                         e["id"], e["points"])
    cells.append(new_markdown_cell(quiz.glossary_markdown(bank), id="glossary"))
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}, "course": {"quiz": True}})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path

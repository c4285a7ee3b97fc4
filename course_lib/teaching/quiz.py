"""The course quiz: a question bank in ``quiz/*.yaml``, used two ways.

* Self-study: ``interactive()`` in JupyterLab, on the self-study pool only (``pool: self``):
  multiple choice with immediate feedback and explanations, short answers typed and then compared
  with the model answer and its key
  points (a self-check list), and a running score. ``text()`` is the same quiz as plain
  text, used where widgets are not available.
* Classroom: the teacher's ``grading.quiz`` (``make quiz``) writes the nbgrader source notebook
  ``solutions/09_quiz/09_quiz.ipynb`` from ``graded()``: multiple-choice answers are autograded by
  hidden tests, short answers and essays are manually graded cells that carry their rubric.

Both pools' options are shuffled per question (seeded, ``balanced``) so that the key letters
are balanced.

Students receive ``student_bank()`` (written into the student bundle), never ``quiz/``: the
graded questions' answers, short-answer model answers and essay rubrics stay with the teacher.
"""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
QUIZ_DIR = ROOT / "quiz"
PARTS = ("short_answer", "multiple_choice", "essays", "glossary")
TOPICS = {"ae": "autoencoders", "vae": "variational autoencoders", "applications": "VAE applications",
          "gan": "GAN dynamics", "dcgan": "DCGAN and metrics", "compare": "VAEs vs GANs",
          "stylegan": "StyleGAN", "wardrobe": "the virtual wardrobe"}
LETTERS = "abcdefgh"
SEED = 2024
STUDENT_BANK = Path(__file__).resolve().parents[1] / "assets" / "self_quiz.yaml"  # only in the student bundle


def load(folder: Path | str | None = None) -> dict:
    """The bank: {"short_answer": [...], "multiple_choice": [...], "essays": [...], "glossary": [...]}."""
    if folder is None and not QUIZ_DIR.is_dir() and STUDENT_BANK.exists():
        return yaml.safe_load(STUDENT_BANK.read_text())   # a student's install: the self-study pool
    folder = Path(folder or QUIZ_DIR)
    if not folder.is_dir():
        raise FileNotFoundError(f"no quiz folder at {folder}: run from a clone of the course repository.")
    return {part: yaml.safe_load((folder / f"{part}.yaml").read_text()) for part in PARTS}


def validate(bank: dict) -> list[str]:
    """Everything wrong with the bank's structure, one line each (empty when it is sound)."""
    problems = []

    def need(item, keys, where):
        problems.extend(f"{where}: missing {k!r}" for k in keys if not item.get(k))

    for q in bank["short_answer"]:
        need(q, ("id", "topic", "notebook", "prompt", "model_answer", "key_points", "points"), q.get("id", "short answer"))
        if not all(isinstance(p, str) for p in q.get("key_points", [])):
            problems.append(f"{q.get('id')}: every key point must be text (quote a point that contains ': ')")
        if not 3 <= len(q.get("key_points", [])) <= 5:
            problems.append(f"{q.get('id')}: needs 3-5 key points")
    for q in bank["multiple_choice"]:
        where = q.get("id", "multiple choice")
        need(q, ("id", "topic", "notebook", "prompt", "options", "answer", "explanation", "why_not", "terms"), where)
        options = q.get("options", {})
        if q.get("answer") not in options:
            problems.append(f"{where}: answer {q.get('answer')!r} is not an option")
        if set(q.get("why_not", {})) != set(options) - {q.get("answer")}:
            problems.append(f"{where}: why_not must explain every wrong option")
        if q.get("topic") not in TOPICS:
            problems.append(f"{where}: unknown topic {q.get('topic')!r}")
    for e in bank["essays"]:
        need(e, ("id", "title", "prompt", "criteria", "excellent", "points"), e.get("id", "essay"))
        if sum(c["points"] for c in e.get("criteria", [])) != e.get("points"):
            problems.append(f"{e.get('id')}: criteria points do not add up to {e.get('points')}")
    for g in bank["glossary"]:
        need(g, ("term", "definition", "notebook", "match"), g.get("term", "glossary entry"))
    ids = [q["id"] for part in ("short_answer", "multiple_choice", "essays") for q in bank[part] if "id" in q]
    problems.extend(f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1}))
    return problems


def self_study(bank: dict, seed: int = SEED) -> list[dict]:
    """The multiple-choice questions students may see with their answers (``pool: self``),
    options shuffled as in the graded quiz (``balanced``)."""
    return balanced([q for q in bank["multiple_choice"] if q.get("pool") == "self"], seed)


def graded(bank: dict, seed: int = SEED) -> list[dict]:
    """The graded quiz's questions, options shuffled (``balanced``)."""
    return balanced([q for q in bank["multiple_choice"] if q.get("pool") != "self"], seed)


def balanced(questions: list[dict], seed: int = SEED) -> list[dict]:
    """``questions`` with options shuffled so each letter is the key about equally often: the
    key letters are dealt round-robin in a seeded order, the other options are shuffled per
    question (seeded by its id), and ``why_not`` follows its options."""
    import random

    deal = random.Random(seed)
    keys = []
    while len(keys) < len(questions):
        keys += deal.sample(LETTERS[:4], 4)
    out = []
    for q, key in zip(questions, keys):
        letters = list(q["options"])
        key = key if key in letters else letters[-1]
        others = [k for k in letters if k != q["answer"]]
        random.Random(f"{seed}-{q['id']}").shuffle(others)
        order = others[:letters.index(key)] + [q["answer"]] + others[letters.index(key):]
        new = dict(zip(letters, order))            # new letter -> old letter
        out.append({**q, "options": {k: q["options"][old] for k, old in new.items()}, "answer": key,
                    "why_not": {k: q["why_not"][old] for k, old in new.items() if old != q["answer"]}})
    return out


def student_bank(bank: dict | None = None) -> dict:
    """What a student's install of course_lib carries: the self-study questions (``pool: self``;
    today no short answer is, since all ten are graded in 09), the glossary and the essay
    prompts (no rubrics); no graded question, answer or model answer."""
    bank = bank or load()   # the self-study questions as in the bank: self_study() shuffles them when shown
    return {"multiple_choice": [q for q in bank["multiple_choice"] if q.get("pool") == "self"],
            "short_answer": [q for q in bank["short_answer"] if q.get("pool") == "self"],
            "essays": [{k: e[k] for k in ("id", "title", "prompt", "notebooks", "points") if k in e}
                       for e in bank["essays"]],
            "glossary": bank["glossary"]}


def _options(q) -> str:
    return "\n".join(f"{k}) {v}" for k, v in q["options"].items())


def text(bank: dict | None = None, answers: bool = False, topics=None) -> str:
    """The self-study quiz as plain text; with ``answers=True`` also the answers and explanations."""
    bank = student_bank(bank or load())
    lines = ["MULTIPLE CHOICE"]
    for i, q in enumerate([q for q in self_study(bank) if topics is None or q["topic"] in topics], 1):
        lines += [f"\n{i}. [{TOPICS[q['topic']]}] {q['prompt']}", _options(q)]
        if answers:
            lines.append(f"Answer: {q['answer']}) {q['explanation']}")
    lines.append("\nSHORT ANSWER")
    for i, q in enumerate(bank["short_answer"], 1):
        lines.append(f"\n{i}. {q['prompt']}")
        if answers:
            lines += [f"Model answer: {q['model_answer'].strip()}"] + [f"  - {p}" for p in q["key_points"]]
    return "\n".join(lines)


class _Score:
    def __init__(self, label, total):
        self.label, self.total, self.right, self.done = label, total, 0, set()

    def record(self, qid, correct):
        if qid not in self.done:
            self.done.add(qid)
            self.right += bool(correct)
        self.label.value = (f"<b>Score:</b> {self.right} right of {len(self.done)} answered "
                            f"({self.total} multiple-choice questions)")


def interactive(topics=None, bank: dict | None = None, display_it: bool = True):
    """The self-study quiz as widgets (returns the container); plain text if ipywidgets is missing.
    ``topics``: a subset of ``TOPICS`` keys, e.g. ``["vae", "gan"]``."""
    bank = student_bank(bank or load())
    pick = lambda qs: [q for q in qs if topics is None or q["topic"] in topics]  # noqa: E731
    try:
        import ipywidgets as w
    except ImportError:
        print(text(bank, topics=topics))
        return None
    questions = pick(self_study(bank))
    score = _Score(w.HTML(), len(questions))
    boxes = []
    for i, q in enumerate(questions, 1):
        choice = w.RadioButtons(options=[(f"{k}) {v}", k) for k, v in q["options"].items()], value=None,
                                layout=w.Layout(width="auto"))
        feedback, button = w.HTML(), w.Button(description="Check", button_style="primary")

        def check(_, q=q, choice=choice, feedback=feedback):
            if choice.value is None:
                feedback.value = "Pick an option first."
                return
            right = choice.value == q["answer"]
            score.record(q["id"], right)
            verdict = "✅ Right." if right else f"❌ Not quite: the answer is {q['answer']})."
            why = "".join(f"<li>{k}) {v}</li>" for k, v in q["why_not"].items())
            feedback.value = f"<p>{verdict} {q['explanation']}</p><p>Why not the others:</p><ul>{why}</ul>"

        button.on_click(check)
        boxes.append(w.VBox([w.HTML(f"<b>{i}. [{TOPICS[q['topic']]}]</b> {q['prompt']}"), choice, button, feedback]))
    for q in pick(bank["short_answer"]):
        answer, reveal, shown = w.Textarea(placeholder="Your answer", layout=w.Layout(width="90%")), \
            w.Button(description="Show model answer", layout=w.Layout(width="auto")), w.VBox()  # label not cut off

        def show(_, q=q, shown=shown):
            shown.children = [w.HTML(f"<p><b>Model answer.</b> {q['model_answer']}</p><p>Tick what your answer covers:</p>")] \
                + [w.Checkbox(description=p, indent=False, layout=w.Layout(width="auto")) for p in q["key_points"]]

        reveal.on_click(show)
        boxes.append(w.VBox([w.HTML(f"<b>Short answer.</b> {q['prompt']}"), answer, reveal, shown]))
    quiz = w.VBox([score.label] + boxes)
    score.label.value = f"<b>Score:</b> 0 answered ({len(questions)} multiple-choice questions)"
    if display_it:
        from IPython.display import display
        display(quiz)
    return quiz


def glossary_markdown(bank: dict | None = None) -> str:
    """The glossary as a Markdown list: term, the notebook that teaches it, definition."""
    bank = bank or load()
    return "## Glossary\n\n" + "\n".join(f"- **{g['term']}** ({g['notebook']}): {g['definition']}"
                                        for g in bank["glossary"])


def essays_markdown(bank: dict | None = None) -> str:
    """The essay prompts (no rubrics) as Markdown: title, the notebooks it draws on, the prompt."""
    bank = bank or load()
    return "\n\n".join(f"**{e['title']}** (notebooks {', '.join(e['notebooks'])}): {e['prompt']}" for e in bank["essays"])

"""Real nbgrader autograding: blank release -> 0, solution and every correct variant
(tests/variants.py) -> full marks, every known wrong answer -> fewer points on the tests
that should catch it. One autograde run per notebook grades them all.

Each known wrong answer is a submission of its own (one mistake, everything else right), so a
lost point is its mistake's. Correct variants of *different* exercises share a submission: a
correct answer should change nothing later cells can see, so the shared submission must keep full
marks (an assumption, and a check of it: a later exercise's tests must not lean on how an earlier
one was written, e.g. on how many random numbers it drew; tests/test_visible.py also runs each
variant alone against the visible tests). That grades the same checks with fewer kernel starts."""
import pytest
from mutants import MUTANTS
from nbgrading import (
    apply_mutant,
    apply_variant,
    autograde,
    exercises_of,
    graded_assignments,
    make_course,
    solutions_of,
    submit,
)
from variants import VARIANTS

# the quiz has its own grading test (tests/test_quiz.py): a wrong choice per question
GRADED = graded_assignments()


def test_every_graded_assignment_has_mutants_for_every_exercise():
    for assignment in GRADED:
        mutated = {m.cell for m in MUTANTS.get(assignment, [])}
        assert exercises_of(assignment) <= mutated, f"{assignment}: exercises without a mutant"


def variant_rounds(variants) -> list[list]:
    """Round r holds the r-th variant of each exercise: at most one variant per exercise."""
    rounds: list[list] = []
    for variant in variants:
        free = next((r for r in rounds if variant.cell not in {v.cell for v in r}), None)
        if free is None:
            rounds.append(free := [])
        free.append(variant)
    return rounds


def test_variant_rounds_hold_every_variant_once_and_one_per_exercise():
    for assignment in GRADED:
        rounds = variant_rounds(VARIANTS[assignment])
        assert sorted(v.name for r in rounds for v in r) == sorted(v.name for v in VARIANTS[assignment])
        assert all(len({v.cell for v in r}) == len(r) for r in rounds)


@pytest.mark.parametrize("assignment", GRADED)
def test_autograde_blank_solution_variants_and_mutants(assignment, tmp_path):
    course = make_course(tmp_path, assignment)
    solved = solutions_of(assignment)
    submit(course, assignment, "blank", {})
    submit(course, assignment, "solution", solved)
    mutants = MUTANTS[assignment]
    for i, mutant in enumerate(mutants):
        submit(course, assignment, f"mutant{i:02d}", apply_mutant(solved, mutant))
    rounds = variant_rounds(VARIANTS[assignment])
    for i, together in enumerate(rounds):
        fill = solved
        for variant in together:
            fill = apply_variant(fill, variant)
        submit(course, assignment, f"variants{i:02d}", fill)

    scores = autograde(course, assignment)

    assert scores["blank"], "no autograded cells found"
    assert sum(s for s, _ in scores["blank"].values()) == 0, scores["blank"]
    assert all(s == m for s, m in scores["solution"].values()), scores["solution"]
    full = sum(m for _, m in scores["solution"].values())
    for i, together in enumerate(rounds):
        got = scores[f"variants{i:02d}"]
        lost = {cell: s for cell, s in got.items() if s[0] < s[1]}
        assert not lost, f"correct variants {[(v.cell, v.name) for v in together]} lost points: {lost}"
    for i, mutant in enumerate(mutants):
        got = scores[f"mutant{i:02d}"]
        kept = [cell for cell in mutant.loses if got[cell][0] >= got[cell][1]]
        assert not kept, f"mutant {mutant.name!r} kept full points on {kept}: {got}"
        assert sum(s for s, _ in got.values()) < full


@pytest.mark.parametrize("assignment", GRADED)
def test_validate_button(assignment, tmp_path):
    """What a learner's Validate button says (nbgrader validate exits 0 either way,
    so ask the Validator itself)."""
    from nbgrader.validator import Validator

    course = make_course(tmp_path, assignment)
    submit(course, assignment, "solution", solutions_of(assignment))
    submit(course, assignment, "blank", {})
    validator = Validator()
    solved = validator.validate(str(course / "submitted/solution" / assignment / f"{assignment}.ipynb"))
    blank = validator.validate(str(course / "submitted/blank" / assignment / f"{assignment}.ipynb"))
    assert not solved.get("failed") and not solved.get("changed"), solved
    assert blank.get("failed"), f"a blank notebook should fail validation: {blank}"

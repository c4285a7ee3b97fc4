"""What a learner sees *before* grading: the visible test cells must reject every known wrong
answer (tests/mutants.py) in the exercise's own test cell, with a message, unless the mutant is
marked hidden-only with a reason; and they must accept the reference and every correct variant
(tests/variants.py). Run in-process on the setup, solution and visible test cells only: no
training, no kernel (see nbgrading.run_visible)."""
import pytest
from mutants import MUTANTS
from nbgrading import (
    apply_mutant,
    apply_variant,
    exercises_of,
    graded_assignments,
    run_visible,
    solutions_of,
    visible_tests_of,
)
from variants import VARIANTS

GRADED = graded_assignments()
TARGET = 0.90   # share of the mutants the visible tests must catch


def test_every_exercise_has_two_correct_variants():
    for assignment in GRADED:
        counts = {ex: 0 for ex in exercises_of(assignment)}
        for variant in VARIANTS.get(assignment, []):
            counts[variant.cell] += 1
        assert all(n >= 2 for n in counts.values()), f"{assignment}: exercises with fewer than 2 variants: {counts}"


def test_hidden_only_mutants_are_few_and_explained():
    mutants = [m for ms in MUTANTS.values() for m in ms]
    hidden = [m for m in mutants if m.hidden_only]
    share = 1 - len(hidden) / len(mutants)
    print(f"visible tests catch {len(mutants) - len(hidden)} of {len(mutants)} mutants ({share:.0%})")
    assert share >= TARGET, f"only {share:.0%} of the mutants are caught by visible tests"
    assert all(len(m.hidden_only.split()) >= 4 and "\n" not in m.hidden_only for m in hidden)


@pytest.mark.parametrize("assignment", GRADED)
def test_visible_tests_accept_correct_and_reject_wrong_answers(assignment):
    solved = solutions_of(assignment)
    assert run_visible(assignment, solved) is None, "the reference solution fails a visible test"
    for variant in VARIANTS[assignment]:
        failure = run_visible(assignment, apply_variant(solved, variant))
        assert failure is None, f"correct variant {variant.name!r} fails a visible test: {failure}"
    problems = []
    for mutant in MUTANTS[assignment]:
        failure = run_visible(assignment, apply_mutant(solved, mutant))
        own = visible_tests_of(assignment, mutant.cell)
        caught = failure is not None and failure[0] in own + [mutant.cell]
        if mutant.hidden_only:
            if caught:
                problems.append(f"{mutant.name!r} is marked hidden-only but {failure[0]} catches it: unmark it")
        elif not caught:
            problems.append(f"{mutant.name!r} passes its visible tests {own}" +
                            (f" (it fails later, in {failure[0]})" if failure else ""))
        elif len(failure[1].split(":", 1)[-1].strip()) < 10:
            problems.append(f"{mutant.name!r} is caught without a message: {failure}")
    assert not problems, "\n".join(problems)

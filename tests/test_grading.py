"""Real nbgrader autograding: blank release -> 0, solution and every correct variant
(tests/variants.py) -> full marks, every known wrong answer (tests/mutants.py) -> fewer points on
the tests that should catch it. One autograde run per notebook grades them all.

Submissions hold one answer per exercise that differs from the reference, so exercises share a
kernel start (each kernel forks from a warm server: tests/warm_kernel.py):
* correct variants of different exercises share a submission, which must keep full marks (a
  correct answer should change nothing later cells can see: a later exercise's tests must not lean
  on how an earlier one was written, e.g. on how many random numbers it drew);
* wrong answers to different exercises share a submission too, and each must lose points there on
  the cells it names. A later exercise's lost points could then be an earlier mistake's, so every
  answer is also graded *alone*, in this process (``nbgrading.failing_cells``: the same setup,
  solution and test cells, hidden ones too, going on past errors as autograde does; no kernel,
  well under a second), with one torch thread and with two: alone, a wrong answer must fail every
  cell it names and a correct one none. Alone shows whose point it is; real nbgrader shows the
  point is lost. (tests/test_visible.py runs each answer against the visible tests alone.)"""
import pytest
from mutants import MUTANTS
from nbgrading import (
    apply_mutant,
    apply_variant,
    autograde,
    exercises_of,
    failing_cells,
    graded_assignments,
    make_course,
    solutions_of,
    submit,
    warm_kernel,
)
from variants import VARIANTS

pytestmark = pytest.mark.slow   # starts kernels, nbgrader or a sandbox: `make test` runs it, `make test-fast` does not

# the quiz has its own grading test (tests/test_quiz.py): a wrong choice per question
GRADED = graded_assignments()


def test_every_graded_assignment_has_mutants_for_every_exercise():
    for assignment in GRADED:
        mutated = {m.cell for m in MUTANTS.get(assignment, [])}
        assert exercises_of(assignment) <= mutated, f"{assignment}: exercises without a mutant"
        assert all(m.loses for m in MUTANTS[assignment]), f"{assignment}: a mutant names no cell it must lose"


def rounds_of(answers) -> list[list]:
    """Round r holds the r-th answer (variant or mutant) of each exercise: at most one per exercise."""
    rounds: list[list] = []
    for answer in answers:
        free = next((r for r in rounds if answer.cell not in {a.cell for a in r}), None)
        if free is None:
            rounds.append(free := [])
        free.append(answer)
    return rounds


def test_rounds_hold_every_answer_once_and_one_per_exercise():
    for assignment in GRADED:
        for answers in VARIANTS[assignment], MUTANTS[assignment]:
            rounds = rounds_of(answers)
            assert sorted(a.name for r in rounds for a in r) == sorted(a.name for a in answers)
            assert all(len({a.cell for a in r}) == len(r) for r in rounds)
        assert len(rounds) < len(answers)   # the point: fewer kernel starts than wrong answers


@pytest.mark.parametrize("assignment", GRADED)
def test_autograde_blank_solution_variants_and_mutants(assignment, tmp_path):
    solved = solutions_of(assignment)
    mutants = MUTANTS[assignment]
    course = make_course(tmp_path, assignment)
    submit(course, assignment, "blank", {})
    submit(course, assignment, "solution", solved)
    variant_rounds, mutant_rounds = rounds_of(VARIANTS[assignment]), rounds_of(mutants)
    for prefix, rounds, apply in ("variants", variant_rounds, apply_variant), ("mutants", mutant_rounds, apply_mutant):
        for i, together in enumerate(rounds):
            fill = solved
            for answer in together:
                fill = apply(fill, answer)
            submit(course, assignment, f"{prefix}{i:02d}", fill)

    scores = autograde(course, assignment)

    assert scores["blank"], "no autograded cells found"
    assert sum(s for s, _ in scores["blank"].values()) == 0, scores["blank"]
    assert all(s == m for s, m in scores["solution"].values()), scores["solution"]
    for i, together in enumerate(variant_rounds):
        got = scores[f"variants{i:02d}"]
        lost = {cell: s for cell, s in got.items() if s[0] < s[1]}
        assert not lost, f"correct variants {[(v.cell, v.name) for v in together]} lost points: {lost}"
    for i, together in enumerate(mutant_rounds):
        got = scores[f"mutants{i:02d}"]
        for mutant in together:
            kept = [cell for cell in mutant.loses if got[cell][0] >= got[cell][1]]
            assert not kept, f"graded by nbgrader, mutant {mutant.name!r} kept full points on {kept}: {got}"


@pytest.mark.parametrize("assignment", GRADED)
def test_each_answer_alone_gets_the_same_verdict_with_one_and_two_threads(assignment):
    """Alone, in this process (the setup, solution and every test cell, as autograde runs them): each
    wrong answer fails every cell it names (whose point it is), the same cells with one torch thread
    and with two, and each correct variant fails none with two (with one: nbgrader above). No verdict
    may rest on how a sum was split between threads."""
    solved = solutions_of(assignment)
    for mutant in MUTANTS[assignment]:
        one, two = (set(failing_cells(assignment, apply_mutant(solved, mutant), threads=n)) for n in (1, 2))
        assert one == two, f"mutant {mutant.name!r} fails {sorted(one)} with one thread, {sorted(two)} with two"
        passed = [cell for cell in mutant.loses if cell not in one]
        assert not passed, f"alone, mutant {mutant.name!r} passes {passed} (it fails {sorted(one)})"
    for variant in VARIANTS[assignment]:   # with one thread: graded by nbgrader in the test above
        failed = failing_cells(assignment, apply_variant(solved, variant), threads=2)
        assert not failed, f"alone, with two threads, correct variant {variant.name!r} fails {failed}"


@pytest.mark.parametrize("threads", [1, 2])
def test_a_softmax_decoder_loses_its_hidden_points_with_any_thread_count(threads):
    """Its pixels sum to 1, so the old check (the gradient of the output's sum) saw no gradient or
    rounding noise, depending on the machine; the hidden test now checks the decoder's function."""
    from mutants import MUTANTS as ALL

    softmax = next(m for m in ALL["01_autoencoders"] if m.name == "softmax over the pixels")
    failed = failing_cells("01_autoencoders", apply_mutant(solutions_of("01_autoencoders"), softmax), threads=threads)
    assert {"ex1_visible", "ex1_hidden"} <= set(failed), failed


@pytest.mark.parametrize("assignment", GRADED)
def test_validate_button(assignment, tmp_path):
    """What a learner's Validate button says (nbgrader validate exits 0 either way,
    so ask the Validator itself)."""
    from nbgrader.validator import Validator
    from traitlets.config import Config

    course = make_course(tmp_path, assignment)
    submit(course, assignment, "solution", solutions_of(assignment))
    submit(course, assignment, "blank", {})
    config = Config()
    config.Execute.kernel_name = warm_kernel()
    validator = Validator(config=config)
    solved = validator.validate(str(course / "submitted/solution" / assignment / f"{assignment}.ipynb"))
    blank = validator.validate(str(course / "submitted/blank" / assignment / f"{assignment}.ipynb"))
    assert not solved.get("failed") and not solved.get("changed"), solved
    assert blank.get("failed"), f"a blank notebook should fail validation: {blank}"

import pytest
import torch

from course_lib.teaching import checks


def test_check_shape():
    checks.check_shape(torch.zeros(2, 3), (2, 3), "z")
    with pytest.raises(checks.ExerciseError, match=r"`z` should have shape \(2, 4\) but has shape \(2, 3\). Hint: h"):
        checks.check_shape(torch.zeros(2, 3), (2, 4), "z", hint="h")
    with pytest.raises(AssertionError, match="forget to `return`"):
        checks.check_shape(None, (2,), "z")
    with pytest.raises(AssertionError, match="should be a torch.Tensor"):
        checks.check_shape([1, 2], (2,), "z")


def test_nan_is_named():
    with pytest.raises(AssertionError, match="NaN"):
        checks.check_tensor(torch.tensor([1.0, float("nan")]), "loss")


def test_check_range():
    checks.check_range(torch.tensor([0.0, 1.0]), 0, 1, "p")
    with pytest.raises(AssertionError, match=r"should lie in \[0, 1\] but ranges over \[-0.5, 1\]"):
        checks.check_range(torch.tensor([-0.5, 1.0]), 0, 1, "p")


def test_check_close():
    checks.check_close(0.1 + 0.2, 0.3, "sum")
    checks.check_close(torch.ones(3), [1.0, 1.0, 1.0], "ones")
    with pytest.raises(AssertionError, match="got 0.25, expected 196"):
        checks.check_close(torch.tensor(0.25), 196.0, "loss")
    with pytest.raises(AssertionError, match="differ from the expected ones by up to 1"):
        checks.check_close(torch.zeros(3), torch.ones(3), "v")
    with pytest.raises(AssertionError, match="shape"):
        checks.check_close(torch.zeros(3), torch.zeros(4), "v")


def test_check_scalar():
    assert checks.check_scalar(torch.tensor(2.0), "x") == 2.0
    with pytest.raises(AssertionError, match="one number"):
        checks.check_scalar(torch.ones(3), "x")
    with pytest.raises(AssertionError, match="inf"):
        checks.check_scalar(float("inf"), "x")


def test_check_grad_flow():
    a = torch.ones(3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    checks.check_grad_flow(a * 2 + b, {"a": a, "b": b}, "out")
    with pytest.raises(AssertionError, match="no gradient reaches `b`"):
        checks.check_grad_flow(a * 2 + b.detach(), {"a": a, "b": b}, "out")
    with pytest.raises(AssertionError, match="carries no gradient"):
        checks.check_grad_flow((a * 2).detach(), {"a": a}, "out")


def test_passed_prints_a_tick(capsys):
    checks.passed("fine")
    assert capsys.readouterr().out == "\u2714 fine\n"


def test_warnings_go_to_stdout_so_nbgrader_does_not_fail_the_cell(capsys):
    """nbgrader gives 0 points to a test cell with stderr output; a warning is not a failure."""
    import warnings

    import course_lib.teaching.checks

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        course_lib.teaching.checks.show_warnings_on_stdout()
        # torch warns "Converting a tensor with requires_grad=True to a scalar ..." only once per process
        warnings.warn("Converting a tensor with requires_grad=True to a scalar", UserWarning, stacklevel=1)
    out, err = capsys.readouterr()
    assert "requires_grad" in out and err == ""


def test_importing_the_checks_leaves_warnings_alone():
    import subprocess
    import sys
    code = ("import warnings; before = warnings.showwarning; import course_lib.teaching.checks; "
            "assert warnings.showwarning is before, 'importing the checks replaced warnings.showwarning'")
    subprocess.run([sys.executable, "-c", code], check=True)

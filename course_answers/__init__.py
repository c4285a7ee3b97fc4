"""course_answers: the reference answer to every graded exercise, one module per notebook; teacher-side,
a student receives a module only once its assignment is released (``make release-answers``).

``a02_variational_autoencoders`` holds the answers of ``solutions/02_variational_autoencoders``, and so
on: each module is generated from its notebook's solution cells (``python -m grading answers``), which are
the one source of every answer; ``tests/test_answers.py`` fails while a module is stale. Later notebooks
import an earlier notebook's answers from here (03 uses 02's ELBO), and ``course_lib``, what students
import, never imports this package.

A student's copy holds only the released modules. Importing one that is not there yet (a notebook's setup
cell at the start of term) raises ``AnswersNotReleasedError``: one sentence that says which assignment's answers
are missing and when they come, shown in a notebook without a traceback.
"""
import importlib.abc
import sys

ASSIGNMENTS = ("01_autoencoders", "02_variational_autoencoders", "03_vae_applications", "04_gan_basics",
               "05_dcgan", "06_vae_vs_gan", "07_stylegan", "08_virtual_wardrobe")


def module_name(assignment: str) -> str:
    """The answers module of an assignment: ``02_variational_autoencoders`` -> ``a02_variational_autoencoders``."""
    return "a" + assignment


class AnswersNotReleasedError(ModuleNotFoundError):
    """An assignment's answers that this copy of the course does not hold yet."""

    def _render_traceback_(self):   # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]


class _Unreleased(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: asked only for a module no other finder found."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.partition(".")
        if package != __name__ or not name.startswith("a") or name[1:] not in ASSIGNMENTS:
            return None
        assignment = name[1:]
        raise AnswersNotReleasedError(
            f"this notebook uses the answers of {assignment}, which your teacher has not released yet. They come "
            f"after that assignment's due date, in your next copy of the course; until then, finish {assignment}, "
            "then run this notebook with the new copy.", name=fullname)


if not any(isinstance(finder, _Unreleased) for finder in sys.meta_path):
    sys.meta_path.append(_Unreleased())

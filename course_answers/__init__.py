"""course_answers: the reference answer to every graded exercise, one module per notebook; teacher-side,
a student receives a module only once its assignment is released (``make release-answers``).

``a02_variational_autoencoders`` holds the answers of ``solutions/02_variational_autoencoders``, and so
on. Later notebooks import an earlier notebook's answers from here (03 uses 02's ELBO), the course's
tests hold each answer equal to its solution cell (``tests/test_twins.py``), and ``course_lib``, what
students import, never imports this package.
"""

ASSIGNMENTS = ("01_autoencoders", "02_variational_autoencoders", "03_vae_applications", "04_gan_basics",
               "05_dcgan", "06_vae_vs_gan", "07_stylegan", "08_virtual_wardrobe")


def module_name(assignment: str) -> str:
    """The answers module of an assignment: ``02_variational_autoencoders`` -> ``a02_variational_autoencoders``."""
    return "a" + assignment

"""Known wrong answers for every autograded exercise (see tests/test_grading.py).

Each names the solution cell it edits, the edit, and the grade cells that must lose points.
"""
from nbgrading import Mutant

MUTANTS = {
    "01_autoencoders": [
        Mutant("decoder without sigmoid", "ex1_encoder_decoder",
               "nn.Linear(hidden, 28 * 28), nn.Sigmoid(),", "nn.Linear(hidden, 28 * 28),", ["ex1_hidden"]),
        Mutant("latent size hard-coded", "ex1_encoder_decoder",
               "nn.Linear(hidden, latent_dim),", "nn.Linear(hidden, 32),", ["ex1_visible", "ex1_hidden"]),
        Mutant("decoder output not reshaped", "ex1_encoder_decoder",
               "nn.Unflatten(1, (1, 28, 28)),", "", ["ex1_visible", "ex1_hidden"]),
        Mutant("mean over pixels (F.mse_loss)", "ex2_reconstruction_loss",
               "((x_hat - x) ** 2).flatten(1).sum(dim=1).mean()", "((x_hat - x) ** 2).mean()",
               ["ex2_visible", "ex2_hidden"]),
        Mutant("summed over the batch", "ex2_reconstruction_loss",
               ".sum(dim=1).mean()", ".sum(dim=1).sum()", ["ex2_hidden"]),
        Mutant("absolute instead of squared error", "ex2_reconstruction_loss",
               "((x_hat - x) ** 2)", "(x_hat - x).abs()", ["ex2_visible", "ex2_hidden"]),
        Mutant("returns a float, no gradient", "ex2_reconstruction_loss",
               ".sum(dim=1).mean()", ".sum(dim=1).mean().item()", ["ex2_hidden"]),
        Mutant("gradients never zeroed", "ex3_train_step", "optimizer.zero_grad()", "pass", ["ex3_hidden"]),
        Mutant("optimizer never steps", "ex3_train_step", "optimizer.step()", "pass",
               ["ex3_visible", "ex3_hidden"]),
        Mutant("output detached from the graph", "ex3_train_step",
               "reconstruction_loss(model(x), x)", "reconstruction_loss(model(x).detach(), x)",
               ["ex3_visible", "ex3_hidden"]),
    ],
}

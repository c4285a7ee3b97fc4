"""course_lib: what students import (data, models, training, metrics they do not write, checks), never the
answer to a graded exercise: those live in the teacher's ``course_answers``, generated from the solution cells.

Five packages, each importing only those above it in this list (tests/test_layout.py checks it):

    core/       config (profiles, device, seeds, data root), settings (every COURSE_* variable), progress, data
                (Fashion-MNIST, MNIST, loaders, batched), toy2d (2-D mixtures), wardrobe (a synthetic clothing set
                with known factors), train (fit, minimize, linear_decay), assets (shipped checkpoints), plots
    models/     every network: ae, vae, gan, stylegan, classifier, sequence and tabular (03),
                conditional and translation (08), with the losses and update steps that define them
    metrics/    every measurement: images (FID, precision / recall, classes, the comparison's scores), codes
                (probes, PCA, distances, diversity, novelty), latent (paths, slerp, path length), likelihood
                (IWAE, ELBO of any q, amortisation gap), toy2d (D*, JS, modes, Gaussian fits), molecules
                (validity, uniqueness, novelty, properties); ``metrics.X`` reaches each
    chapters/   what only one notebook uses, its recipes and demonstrations: gan_game (04), applications and
                molecules (03), compare (06), conditional and wardrobe_app (08)
    teaching/   checks, harnesses, probes, predict, widgets, environment, quiz (self-study)

Where three kinds of code go (tests/test_layout.py checks each):

    training recipes   the one loop is core.train.fit; a recipe that runs it (a ``train_*`` function) is a
                       chapter's; a model module may define its paper's update step (stylegan.Trainer), no loop
    losses             a model's loss lives beside it in models/ (vae.reconstruction_nll, gan.r1_penalty,
                       sequence.seq_negative_elbo, CondVAE.loss); an exercise's loss is the learner's
    measurements       in metrics/, one module per kind, whatever notebook uses them
"""
__version__ = "0.1.0"

"""course_lib: what students import (data, models, training, metrics they do not write, checks), never the
answer to a graded exercise: those live in the teacher's ``course_answers``.

Five packages, each importing only those above it in this list (tests/test_layout.py checks it):

    core/       config (profiles, device, seeds, data root), progress, data (Fashion-MNIST, MNIST, loaders,
                batched), wardrobe (a synthetic clothing set with known factors), train (fit, minimize,
                linear_decay), assets (shipped checkpoints: save, pretrained), plots
    models/     every network: ae, vae, gan, stylegan, classifier, sequence and tabular (03),
                conditional and translation (08)
    metrics/    every measurement: images (FID, precision / recall, classes), codes (probes, PCA,
                distances, diversity, novelty), latent (paths, slerp, path length), toy2d (D*, JS, modes),
                molecules (validity, uniqueness, novelty, properties); ``metrics.X`` reaches each
    chapters/   what only one notebook uses: toy2d (04), applications and molecules (03), compare (06),
                conditional and wardrobe_app (08)
    teaching/   checks, predict, widgets, environment, quiz (self-study)
"""
__version__ = "0.1.0"

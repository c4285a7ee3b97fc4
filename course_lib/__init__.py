"""course_lib: what students import (data, models, training, plots, checks, metrics they do not write),
never the answer to a graded exercise: those live in the teacher's ``course_answers``.

Modules, lowest layer first:

    config        profile (quick / full), device, seeds, data root
    progress      tqdm that works in notebooks and in logs
    data          Fashion-MNIST / MNIST from disk, in-memory loaders
    wardrobe      a synthetic clothing set with known factors (sleeve, width, length, ...)
    toy2d         2-D mixtures for the GAN game: samples, densities, D*, JS divergence
    models/       the networks and their losses:
                    ae (autoencoders), vae (VAE, ELBO, IWAE), gan (losses, the GAN step, DCGAN),
                    stylegan (mapping, AdaIN, noise, truncation, mixing, Trainer), classifier
    train         fit (one loop for every model, with callbacks) and minimize (the usual step)
    assets        shipped checkpoints that rebuild themselves, with their cards
    evaluate      how well codes encode classes and factors (PCA, probes), batched evaluation
    metrics       scores of generated samples: FID, precision / recall, classes, modes, path length
    applications  notebook 03's data and models: the Bernoulli floor, masks, transactions, a tabular VAE
    molecules     SMILES / SELFIES sequence VAEs and their scores (notebook 03)
    compare       notebook 06's training and scoring of VAE, DCGAN and VAE-GAN
    plots, widgets, predict, checks, quiz, environment: what notebooks show and how they test
"""
__version__ = "0.1.0"

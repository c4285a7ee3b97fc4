"""course_lib: the code behind the notebooks of "Generative models: from autoencoders to StyleGAN".

Every exercise of a notebook has its reference here (``tests/test_twins.py`` holds them equal).
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
    applications  anomaly scores, thresholds, imputation, latent ascent (notebook 03)
    molecules     SMILES / SELFIES sequence VAEs and their scores (notebook 03)
    compare       notebook 06's training and scoring of VAE, DCGAN and VAE-GAN
    plots, widgets, predict, checks, quiz, environment: what notebooks show and how they test
"""
__version__ = "0.1.0"

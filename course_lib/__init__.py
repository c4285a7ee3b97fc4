"""course_lib: the code behind the notebooks of "Generative models: from autoencoders to StyleGAN".

Modules: config (profile, device, seeds, data root), data (Fashion-MNIST, MNIST),
wardrobe (synthetic clothing with known factors), train (fit, checkpoints),
plots, checks (exercise tests), models (reference networks).
"""
__version__ = "0.1.0"

"""metrics: every measurement of generated samples, codes, paths or models, each module one kind (images,
codes, latent paths, the 2-D game, molecules); ``from course_lib import metrics`` gives all of them."""
from .codes import (
    fit_regressor,
    high_frequency_energy,
    laplacian_variance,
    linear_probe_accuracy,
    mean_pairwise_distance,
    n_parameters,
    nearest_neighbour_distance,
    novelty,
    pca_reconstruction_mse,
    r2,
    reconstruction_mse,
    spearman,
)
from .images import CLASSIFIER, class_histogram, features, fid, fid_from_features, manifold_scores, report
from .latent import interpolation_paths, path_length, path_straightness, slerp
from .molecules import canonical, molecule_properties, molecule_scores
from .toy2d import js_divergence, mode_coverage, optimal_discriminator_logit

__all__ = ["CLASSIFIER", "canonical", "class_histogram", "features", "fid", "fid_from_features", "fit_regressor",
           "high_frequency_energy", "interpolation_paths", "js_divergence", "laplacian_variance",
           "linear_probe_accuracy", "manifold_scores", "mean_pairwise_distance", "mode_coverage", "molecule_properties",
           "molecule_scores", "n_parameters", "nearest_neighbour_distance", "novelty", "optimal_discriminator_logit",
           "path_length", "path_straightness", "pca_reconstruction_mse", "r2", "reconstruction_mse", "report", "slerp",
           "spearman"]

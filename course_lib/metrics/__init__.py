"""metrics: every measurement of generated samples, codes, paths or models, each module one kind (images, codes,
latent paths, likelihoods, the 2-D game, molecules, wardrobe garments), whatever notebook uses it; no training
(a likelihood estimate may optimise a q, never a model); ``from course_lib import metrics`` gives all of them."""
from .codes import (
    fit_regressor,
    high_frequency_energy,
    laplacian_variance,
    linear_probe_accuracy,
    mean_pairwise_distance,
    mutual_information_gap,
    n_parameters,
    nearest_neighbour_distance,
    novelty,
    pca_reconstruction_mse,
    r2,
    reconstruction_mse,
    spearman,
)
from .images import (
    CLASSIFIER,
    class_histogram,
    features,
    fid,
    fid_from_features,
    image_scores,
    manifold_scores,
    report,
)
from .latent import interpolation_paths, path_length, path_straightness, slerp
from .likelihood import amortisation_gap, elbo_of, importance_weighted_nll, log_weights
from .molecules import canonical, molecule_properties, molecule_scores
from .toy2d import divergence_report, js_divergence, mode_coverage, nearest_mode_shares, optimal_discriminator_logit
from .wardrobe import extent, fit_scores, silhouette, silhouette_iou, stripe_contrast

__all__ = ["CLASSIFIER", "amortisation_gap", "canonical", "class_histogram", "divergence_report", "elbo_of",
           "extent", "features", "fid", "fid_from_features", "fit_regressor", "fit_scores", "high_frequency_energy",
           "image_scores", "importance_weighted_nll", "interpolation_paths", "js_divergence", "laplacian_variance",
           "linear_probe_accuracy", "log_weights", "manifold_scores", "mean_pairwise_distance", "mode_coverage",
           "molecule_properties", "molecule_scores", "mutual_information_gap", "n_parameters",
           "nearest_mode_shares", "nearest_neighbour_distance", "novelty", "optimal_discriminator_logit", "path_length",
           "path_straightness", "pca_reconstruction_mse", "r2", "reconstruction_mse", "report", "silhouette",
           "silhouette_iou", "slerp", "spearman", "stripe_contrast"]

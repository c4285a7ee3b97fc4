"""chapters: what only one notebook uses (its training recipes and demonstrations), one module per topic:
gan_game (04), applications and molecules (03), compare (06), conditional and wardrobe_app (08); no loss (a
model's is in models/) and no measurement (metrics/)."""

"""chapters: what only one notebook uses (its data, training recipes and demonstrations), one module per topic:
toy2d (04, 06), applications and molecules (03), compare (06), conditional and wardrobe_app (08)."""

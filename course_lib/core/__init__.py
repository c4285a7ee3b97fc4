"""core: the machinery every notebook runs on (settings and profiles, data sets, the training loop, shipped
checkpoints, progress bars, plots), importing nothing else of course_lib."""

"""core: the machinery every notebook runs on (settings and profiles, data sets, 2-D toy data, the one training
loop ``train.fit``, shipped checkpoints, progress bars, plots), importing nothing else of course_lib."""

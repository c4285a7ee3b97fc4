"""teaching: how notebooks check and engage the learner (checks, predict-then-reveal, widgets, the environment
check, the self-study quiz), built on the rest of course_lib and never an answer to an exercise."""

"""Predict, then vary: the learner commits to a prediction (one letter), changes a knob,
measures, and ``reveal`` compares the prediction with what the measurement says."""
from __future__ import annotations


def reveal(prediction, outcome: str, options: dict, why: str = "") -> bool:
    """Print the measured outcome next to the learner's prediction; True when they agree.

    ``options`` maps letters to what each predicts, ``outcome`` is the letter the measurement
    supports, ``why`` the reason, shown in either case."""
    if outcome not in options:
        raise ValueError(f"outcome {outcome!r} is not one of the options {sorted(options)}")
    print(f"measured: ({outcome}) {options[outcome]}")
    if prediction is None:
        print(f"You did not predict: set PREDICTION to one of {', '.join(repr(k) for k in options)} "
              f"before you run the experiment, then compare.")
        return False
    letter = str(prediction).strip().lower().strip("()")
    if letter not in options:
        raise ValueError(f"PREDICTION should be one of {', '.join(repr(k) for k in options)}, not {prediction!r}")
    agree = letter == outcome
    print(("\u2714 as you predicted." if agree else f"\u2718 you predicted ({letter}) {options[letter]}.")
          + (f" Why: {why}" if why else ""))
    return agree

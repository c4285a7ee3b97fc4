import pytest

from course_lib.teaching import predict

OPTIONS = {"a": "fewer", "b": "about the same", "c": "more"}


def test_reveal_compares_prediction_and_measurement(capsys):
    assert predict.reveal("c", "c", OPTIONS, why="because") is True
    assert "\u2714" in capsys.readouterr().out
    assert predict.reveal("(A)", "c", OPTIONS) is False
    assert "you predicted (a) fewer" in capsys.readouterr().out
    assert predict.reveal(None, "b", OPTIONS) is False
    assert "set PREDICTION" in capsys.readouterr().out


def test_reveal_rejects_bad_input_clearly():
    with pytest.raises(ValueError, match="PREDICTION should be one of"):
        predict.reveal("z", "a", OPTIONS)
    with pytest.raises(ValueError, match="outcome"):
        predict.reveal("a", "q", OPTIONS)

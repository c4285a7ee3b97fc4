import math

import pytest
import torch
from torch import nn

from course_lib import data, train


def _toy():
    torch.manual_seed(0)
    x = torch.randn(256, 3)
    y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1
    return nn.Linear(3, 1), data.loader(x, y, batch_size=32)


def _step(model, batch, optimizer):
    x, y = batch
    optimizer.zero_grad()
    loss = ((model(x).squeeze(1) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    return loss.item()


def test_fit_lowers_the_loss_and_keeps_history():
    model, loader = _toy()
    history = train.fit(model, loader, _step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=3)
    assert len(history.steps["loss"]) == 3 * len(loader) and len(history.epochs["loss"]) == 3
    assert history.epochs["loss"][-1] < 0.01 * history.epochs["loss"][0]
    assert history.seconds > 0 and not history.interrupted and not model.training


def test_dict_losses_are_logged_by_name():
    model, loader = _toy()
    history = train.fit(model, loader, lambda m, b, o: {"d": 1.0, "g": torch.tensor(2.0)}, None, epochs=1)
    assert set(history.steps) == {"d", "g"} and history.epochs["g"] == [2.0]


def test_ctrl_c_stops_cleanly_and_keeps_the_model():
    model, loader = _toy()
    calls = []

    def step(m, batch, optimizer):
        if len(calls) == 5:
            raise KeyboardInterrupt
        calls.append(1)
        return _step(m, batch, optimizer)
    before = model.weight.detach().clone()
    history = train.fit(model, loader, step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=5)
    assert history.interrupted and len(history.steps["loss"]) == 5
    assert not torch.equal(before, model.weight)


def test_nan_loss_is_named():
    model, loader = _toy()
    with pytest.raises(FloatingPointError, match="loss became nan at step 0"):
        train.fit(model, loader, lambda m, b, o: math.nan, None)


def test_checkpoint_round_trip_with_weights_only(tmp_path):
    model, loader = _toy()
    history = train.fit(model, loader, _step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=1)
    path = tmp_path / "toy.pt"
    train.save_checkpoint(path, model, history, latent_dim=3, note="toy")
    fresh = nn.Linear(3, 1)
    ckpt = train.load_checkpoint(path, fresh)
    assert torch.equal(fresh.weight, model.weight)
    assert ckpt["meta"] == {"latent_dim": 3, "note": "toy"} and ckpt["history"]["steps"] == history.steps


def test_continued_history_counts_steps_of_any_loss_name():
    model, loader = _toy()
    history = train.fit(model, loader, lambda m, b, o: {"d_loss": 1.0}, None, epochs=1)
    with pytest.raises(FloatingPointError, match=f"at step {len(loader)}"):
        train.fit(model, loader, lambda m, b, o: {"d_loss": math.nan}, None, history=history)

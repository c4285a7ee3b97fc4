import math

import pytest
import torch
from torch import nn

from course_lib.core import data, train


def _toy():
    torch.manual_seed(0)
    x = torch.randn(256, 3)
    y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1
    return nn.Linear(3, 1), data.loader(x, y, batch_size=32)


def _tensor_step(model, batch, optimizer):
    """One SGD step on the toy regression; the loss stays a tensor (no host sync)."""
    x, y = batch
    optimizer.zero_grad()
    loss = ((model(x).squeeze(1) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    return loss


def _step(model, batch, optimizer):
    return _tensor_step(model, batch, optimizer).item()


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


def test_minimize_is_the_usual_step():
    model, loader = _toy()
    reference, same_loader = _toy()   # the same start and the same shuffles
    step = train.minimize(lambda m, batch: {"loss": ((m(batch[0]).squeeze(1) - batch[1]) ** 2).mean(), "zero": torch.zeros(())})
    h = train.fit(model, loader, step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=2)
    h_ref = train.fit(reference, same_loader, _step, torch.optim.SGD(reference.parameters(), lr=0.1), epochs=2)
    assert torch.allclose(model.weight, reference.weight) and h.steps["loss"] == h_ref.steps["loss"]
    assert h.epochs["zero"] == [0.0, 0.0]


def test_callback_every_n_steps_or_each_epoch_and_its_stop():
    model, loader = _toy()   # 8 batches per epoch
    seen = []

    def record(history):
        model.eval()   # a callback that samples in eval mode: fit puts the model back in training mode
        seen.append(len(history.steps["loss"]))

    def step(m, batch, optimizer):
        assert m.training
        return _step(m, batch, optimizer)

    train.fit(model, loader, step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=2, callback=record, every=3)
    assert seen == [3, 6, 9, 12, 15]
    seen.clear()
    train.fit(model, loader, step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=2, callback=record)
    assert seen == [8, 16]
    history = train.fit(model, loader, step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=5,
                        callback=lambda h: len(h.steps["loss"]) >= 5, every=1)
    assert len(history.steps["loss"]) == 5 and history.epochs["loss"] and not model.training


def test_assets_round_trip_rebuilds_from_the_models_config(tmp_path):
    from course_lib.core import assets
    from course_lib.models.stylegan import Generator

    model = Generator(z_dim=8, w_dim=8, mapping_layers=1, channels=(4, 4))
    assets.save("toy", model, {"score": 1.5}, extra={"note": "toy"}, half=True, folder=tmp_path)
    fresh, card, extra = assets.pretrained("toy", folder=tmp_path)
    assert type(fresh) is Generator and fresh.config == model.config
    assert fresh.const.dtype == torch.float32 and torch.allclose(fresh.const, model.const, atol=1e-2)
    assert card["score"] == 1.5 and "MIT" in card["license"] and extra == {"note": "toy"} and not fresh.training
    with pytest.raises(TypeError, match="config"):
        assets.save("toy", nn.Linear(3, 2), {}, folder=tmp_path)   # a model that cannot say how to rebuild it
    with pytest.raises(FileNotFoundError, match="scripts/"):
        assets.pretrained("missing", folder=tmp_path)


def test_shipped_checkpoints_describe_themselves():
    """Every file in course_lib/assets loads with weights_only=True and carries its rebuild arguments and card."""
    from course_lib.core import assets
    names = sorted(p.stem for p in assets.FOLDER.glob("*.pt"))
    assert names, "no shipped checkpoints"
    for name in names:
        ckpt = torch.load(assets.path(name), map_location="cpu", weights_only=True)
        assert set(ckpt) == {"model", "model_args", "state_dict", "extra"}, name
        assert assets.card(name) and "MIT" in assets.card(name)["license"], name
        model, _, _ = assets.pretrained(name)
        assert model.config == ckpt["model_args"] and not model.training, name


def test_continued_history_counts_steps_of_any_loss_name():
    model, loader = _toy()
    history = train.fit(model, loader, lambda m, b, o: {"d_loss": 1.0}, None, epochs=1)
    with pytest.raises(FloatingPointError, match=f"at step {len(loader)}"):
        train.fit(model, loader, lambda m, b, o: {"d_loss": math.nan}, None, history=history)


def test_reading_losses_back_every_few_steps_changes_nothing_but_when():
    """What a GPU run does (sync_every > 1: tensors stay queued, read back in groups) gives the
    same history as reading every step, a NaN still names its own step, and a callback and an
    interrupt see every finished step."""
    def tensor_step(model, batch, optimizer):
        loss = _tensor_step(model, batch, optimizer)
        return {"loss": loss, "twice": 2 * loss}   # tensors, not floats: no sync in the step

    runs = []
    for sync_every in (1, 5):
        model, loader = _toy()
        seen = []
        h = train.fit(model, loader, tensor_step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=2,
                      sync_every=sync_every, callback=lambda h, seen=seen: seen.append(len(h.steps["loss"])), every=3)
        runs.append((h.steps, h.epochs, seen))
        assert all(isinstance(v, float) for v in h.steps["loss"])
    assert runs[0] == runs[1] and runs[1][2] == [3, 6, 9, 12, 15]

    def nan_at_7(model, batch, optimizer, calls=[]):   # noqa: B006 -- counts the calls
        calls.append(1)
        return torch.tensor(math.nan if len(calls) == 8 else 1.0)
    model, loader = _toy()
    with pytest.raises(FloatingPointError, match="loss became nan at step 7"):
        train.fit(model, loader, nan_at_7, None, sync_every=5)

    def stop_at_6(model, batch, optimizer, calls=[]):   # noqa: B006
        if len(calls) == 6:
            raise KeyboardInterrupt
        calls.append(1)
        return torch.tensor(float(len(calls)))
    model, loader = _toy()
    h = train.fit(model, loader, stop_at_6, None, sync_every=4)
    assert h.interrupted and h.steps["loss"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_mixed_precision_autocast_trains_where_asked():
    """amp=True runs each step under bfloat16 autocast (on by default only on CUDA GPUs): on the
    CPU, where it can be asked for, the model still learns and the losses come back as floats."""
    runs = {}
    for amp in (False, True):
        model, loader = _toy()
        runs[amp] = train.fit(model, loader, train.minimize(lambda m, b: ((m(b[0]).squeeze(1) - b[1]) ** 2).mean()),
                              torch.optim.SGD(model.parameters(), lr=0.1), epochs=3, amp=amp).epochs["loss"]
        assert model.weight.dtype == torch.float32   # autocast casts inside the step, the weights stay float32
    assert runs[True][-1] < 0.01 * runs[True][0]
    # bfloat16 keeps 8 bits of mantissa: the same curve to a few parts in a thousand per step
    assert runs[True] == pytest.approx(runs[False], rel=0.05) and runs[True] != runs[False]


def test_a_step_autocast_refuses_runs_again_without_it(monkeypatch, capsys):
    """On a GPU amp is on by default; CUDA autocast refuses some ops (F.binary_cross_entropy).
    fit then runs that step, and the rest of the run, without autocast instead of crashing,
    and says so; an explicit amp=True keeps the error."""
    monkeypatch.setattr(train, "_bf16_autocast", lambda device: True)   # pretend: a GPU with bfloat16
    seen = []

    def step(model, batch, optimizer):
        if torch.is_autocast_enabled("cpu"):
            raise RuntimeError("torch.nn.functional.binary_cross_entropy ... are unsafe to autocast.")
        seen.append(1)
        return _step(model, batch, optimizer)

    model, loader = _toy()
    h = train.fit(model, loader, step, torch.optim.SGD(model.parameters(), lr=0.1), epochs=2)
    assert len(seen) == len(h.steps["loss"]) == 2 * len(loader)
    assert "bfloat16 autocast is off for this run" in capsys.readouterr().out
    model, loader = _toy()
    with pytest.raises(RuntimeError, match="unsafe to autocast"):
        train.fit(model, loader, step, torch.optim.SGD(model.parameters(), lr=0.1), amp=True)

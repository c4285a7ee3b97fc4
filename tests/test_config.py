import pytest
import torch

from course_lib.core import config


def test_profile_default_is_full(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert config.profile().name == "full"
    assert config.profile().pick(quick=1, full=2) == 2


def test_quick_profile_picks_quick_values(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", " Quick ")
    assert config.profile().quick
    assert config.profile().pick(quick=1, full=2) == 1


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="'quick' or 'full'"):
        config.profile()


def test_data_root_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    assert config.data_root() == tmp_path.resolve()
    monkeypatch.delenv("COURSE_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert config.data_root() == tmp_path / "cache" / "course_lib" / "data"


def test_seed_everything_repeats_random_draws():
    config.seed_everything(7)
    a = torch.randn(5)
    config.seed_everything(7)
    assert torch.equal(a, torch.randn(5))


def test_device_is_usable():
    assert torch.zeros(2, device=config.device()).sum().item() == 0

import os

import pytest
import torch

from course_lib.core import config, data

HAS_DATA = (config.data_root() / "FashionMNIST" / "raw").is_dir()
needs_data = pytest.mark.skipif(not HAS_DATA and os.environ.get("CI") != "true",
                                reason="Fashion-MNIST not on disk: set COURSE_DATA (CI always has it)")


@needs_data
def test_fashion_mnist_tensors():
    x, y = data.fashion_mnist("test", n=500)
    assert x.shape == (500, 1, 28, 28) and x.dtype == torch.float32
    assert x.min() >= 0 and x.max() <= 1 and x.max() > 0.9
    assert y.dtype == torch.int64 and set(y.tolist()) <= set(range(10)) and len(set(y.tolist())) == 10


@needs_data
def test_full_train_split_and_deterministic_subsets():
    x, y = data.fashion_mnist("train")
    assert x.shape == (60_000, 1, 28, 28)
    a, _ = data.fashion_mnist("train", n=100, seed=1)
    b, _ = data.fashion_mnist("train", n=100, seed=1)
    c, _ = data.fashion_mnist("train", n=100, seed=2)
    assert torch.equal(a, b) and not torch.equal(a, c)


@needs_data
def test_mnist_test_split():
    x, y = data.mnist("test", n=50)
    assert x.shape == (50, 1, 28, 28) and y.max() <= 9


def _no_network(monkeypatch):
    import torchvision.datasets.utils as tv_utils

    def refuse(*args, **kwargs):
        raise RuntimeError("no network in this test")
    monkeypatch.setattr(tv_utils, "download_url", refuse)
    monkeypatch.setattr(tv_utils, "download_and_extract_archive", refuse)
    import torchvision.datasets.mnist as tv_mnist
    monkeypatch.setattr(tv_mnist, "download_and_extract_archive", refuse)


def test_missing_data_is_one_clear_sentence(monkeypatch, tmp_path):
    _no_network(monkeypatch)
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    with pytest.raises(data.DataNotFoundError) as err:
        data.fashion_mnist("test")
    message = str(err.value)
    assert "COURSE_DATA" in message and "internet" in message and "wardrobe" in message
    assert message.count(". ") == 0 and "\n" not in message  # one sentence


def test_gz_files_are_read_without_writing_beside_them(monkeypatch, tmp_path):
    """A read-only data folder works: .gz files are unpacked into the cache."""
    import gzip
    import struct
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    images = torch.randint(0, 256, (3, 28, 28), dtype=torch.uint8)
    with gzip.open(raw / "t10k-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 2051, 3, 28, 28) + images.numpy().tobytes())
    with gzip.open(raw / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 2049, 3) + bytes([1, 2, 3]))
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    before = sorted(p.name for p in raw.iterdir())
    x, y = data.fashion_mnist("test")
    assert torch.equal((x[:, 0] * 255).round().to(torch.uint8), images) and y.tolist() == [1, 2, 3]
    assert sorted(p.name for p in raw.iterdir()) == before


def test_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        data.load("FashionMNIST", "validation")
    with pytest.raises(ValueError, match="unknown data set"):
        data.load("CIFAR10")


def test_loader_batches():
    x, y = torch.rand(10, 1, 28, 28), torch.arange(10)
    batches = list(data.loader(x, y, batch_size=4, shuffle=False))
    assert [len(b[0]) for b in batches] == [4, 4, 2] and torch.equal(batches[0][1], torch.arange(4))

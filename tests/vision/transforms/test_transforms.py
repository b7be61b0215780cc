"""Transform objects: composition, the CIFAR recipe, and reproducible randomness."""

import numpy as np
import pytest

import minitorch
from minitorch.vision import transforms as T


def image(h=6, w=6, c=3, seed=0):
    shape = (h, w, c) if c else (h, w)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_cifar_recipe_shapes_and_range():
    pipeline = T.Compose(
        [
            T.RandomCrop(32, padding=4),
            T.RandomHorizontalFlip(),
            T.ToTensor(),
            T.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)),
        ]
    )
    out = pipeline(image(32, 32))
    assert out.shape == (3, 32, 32) and out.dtype == minitorch.float32
    assert "RandomCrop(size=(32, 32), padding=4)" in repr(pipeline)


def test_mnist_recipe_on_grayscale():
    out = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])(image(28, 28, 0))
    assert out.shape == (1, 28, 28)


def test_random_crop_covers_all_offsets_and_repeats_with_seed():
    img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    crop = T.RandomCrop(2)
    minitorch.manual_seed(0)
    first = [crop(img)[0, 0] for _ in range(200)]
    minitorch.manual_seed(0)
    assert [crop(img)[0, 0] for _ in range(200)] == first
    assert set(first) == {r * 4 + c for r in range(3) for c in range(3)}


def test_random_crop_padding_and_pad_if_needed():
    img = image(4, 4)
    minitorch.manual_seed(1)
    outs = [T.RandomCrop(4, padding=1)(img) for _ in range(50)]
    assert all(o.shape == (4, 4, 3) for o in outs)
    assert any((o[0] == 0).all() for o in outs)  # some crops include the zero border
    out = T.RandomCrop((6, 5), pad_if_needed=True, fill=9)(img)
    assert out.shape == (6, 5, 3)
    with pytest.raises(
        ValueError,
        match=r"Required crop size \(5, 5\) is larger than input image "
        r"size \(4, 4\)",
    ):
        T.RandomCrop(5)(img)


def test_random_horizontal_flip():
    img = image()
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(img), img[:, ::-1])
    assert T.RandomHorizontalFlip(p=0.0)(img) is img
    minitorch.manual_seed(0)
    flips = [T.RandomHorizontalFlip()(img) is not img for _ in range(400)]
    assert 150 < sum(flips) < 250
    minitorch.manual_seed(0)
    assert [T.RandomHorizontalFlip()(img) is not img for _ in range(400)] == flips


def test_random_transforms_on_pil():
    Image = pytest.importorskip("PIL.Image")
    img = Image.fromarray(image(8, 8))
    out = T.Compose([T.RandomCrop(6, padding=2), T.RandomHorizontalFlip(1.0), T.Resize(3)])(img)
    assert isinstance(out, Image.Image) and out.size == (3, 3)
    assert T.ToTensor()(out).shape == (3, 3, 3)


def test_lambda():
    assert T.Lambda(lambda x: x + 1)(1) == 2
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)


def test_resize():
    assert T.Resize((3, 4))(image()).shape == (3, 4, 3)
    assert T.Resize(3, interpolation="nearest").interpolation is T.InterpolationMode.NEAREST
    assert repr(T.Resize(3)) == "Resize(size=3, interpolation=bilinear)"
    with pytest.raises(TypeError, match="Size should be int or sequence of length 1 or 2"):
        T.Resize((1, 2, 3))
    with pytest.raises(ValueError):
        T.Resize(3, interpolation="bicubic")


def test_compose_repr():
    assert repr(T.Compose([T.ToTensor(), T.RandomHorizontalFlip(0.3)])) == (
        "Compose(\n    ToTensor()\n    RandomHorizontalFlip(p=0.3)\n)"
    )

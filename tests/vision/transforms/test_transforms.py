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


def test_center_crop_and_pad():
    img = image(8, 10)
    np.testing.assert_array_equal(T.CenterCrop(4)(img), img[2:6, 3:7])
    np.testing.assert_array_equal(T.Pad((1, 2))(img), np.pad(img, ((2, 2), (1, 1), (0, 0))))
    assert "Pad(padding=(1, 2), fill=0, padding_mode=constant)" == repr(T.Pad((1, 2)))
    with pytest.raises(ValueError, match="1, 2, or 4 element tuple"):
        T.Pad((1, 2, 3))


def test_random_vertical_flip():
    img = image()
    assert T.RandomVerticalFlip(p=0.0)(img) is img
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=1.0)(img), img[::-1])


def test_random_resized_crop_params():
    img = image(50, 80)
    minitorch.manual_seed(0)
    for _ in range(200):
        top, left, h, w = T.RandomResizedCrop.get_params(img, (0.08, 1.0), (3 / 4, 4 / 3))
        assert 0 <= top <= 50 - h and 0 <= left <= 80 - w
        assert 0.08 * 4000 * 0.8 <= h * w <= 4000
    # no draw fits (the crop must cover all of a very wide image): the central crop
    assert T.RandomResizedCrop.get_params(image(10, 100), (1.0, 1.0), (1.0, 1.0)) == (0, 45, 10, 10)
    out = T.RandomResizedCrop((12, 16))(img)
    assert out.shape == (12, 16, 3)
    with pytest.warns(UserWarning, match="Scale and ratio"):
        T.RandomResizedCrop(8, scale=(1.0, 0.5))


def test_random_rotation():
    img = image(9, 9)
    minitorch.manual_seed(5)
    angle = T.RandomRotation.get_params([-30.0, 30.0])
    assert -30 <= angle <= 30
    minitorch.manual_seed(5)
    np.testing.assert_array_equal(
        T.RandomRotation(30)(img), T.functional.rotate(img, angle, fill=[0] * 3)
    )
    assert T.RandomRotation((10, 20)).degrees == [10.0, 20.0]
    with pytest.raises(ValueError, match="must be positive"):
        T.RandomRotation(-5)
    with pytest.raises(ValueError, match="must be of len 2"):
        T.RandomRotation((1, 2, 3))


def test_random_apply_choice_order():
    add_one, double = T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 2)
    assert T.RandomApply([add_one, double], p=1.0)(1) == 4
    assert T.RandomApply([add_one, double], p=0.0)(1) == 1
    minitorch.manual_seed(0)
    picks = {T.RandomChoice([add_one, double], p=[0.5, 0.5])(3) for _ in range(50)}
    assert picks == {4, 6}
    assert T.RandomChoice([add_one, double], p=[1, 0])(3) == 4
    with pytest.raises(ValueError, match="Length of p doesn't match"):
        T.RandomChoice([add_one], p=[0.5, 0.5])
    orders = {T.RandomOrder([add_one, double])(1) for _ in range(50)}
    assert orders == {3, 4}  # (1 + 1) * 2 or 1 * 2 + 1


def test_to_pil_image_and_pil_to_tensor_transforms():
    Image = pytest.importorskip("PIL.Image")
    t = minitorch.tensor(image(4, 5).transpose(2, 0, 1).copy())
    pil = T.ToPILImage()(t)
    assert isinstance(pil, Image.Image) and pil.size == (5, 4)
    np.testing.assert_array_equal(T.PILToTensor()(pil).numpy(), t.numpy())
    assert T.ToPILImage(mode="L")(t).mode == "L"


def test_augmentation_pipeline_on_arrays_pil_and_tensors():
    Image = pytest.importorskip("PIL.Image")
    pipeline = T.Compose(
        [
            T.RandomResizedCrop(24),
            T.RandomHorizontalFlip(),
            T.ColorJitter(0.4, 0.4, 0.4, 0.1),
            T.RandomRotation(15),
            T.RandomGrayscale(),
            T.GaussianBlur(3),
            T.ToTensor(),
            T.Normalize((0.5,) * 3, (0.5,) * 3),
            T.RandomErasing(),
        ]
    )
    img = image(40, 50)
    minitorch.manual_seed(7)
    from_array = pipeline(img)
    minitorch.manual_seed(7)
    from_pil = pipeline(Image.fromarray(img))
    assert tuple(from_array.shape) == tuple(from_pil.shape) == (3, 24, 24)

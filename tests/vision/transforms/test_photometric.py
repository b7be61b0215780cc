"""ColorJitter, Grayscale, RandomGrayscale, GaussianBlur and RandomErasing."""

import math
import warnings

import numpy as np
import pytest

import minitorch
from minitorch.vision import transforms as T
from minitorch.vision.transforms import functional as F


def image(h=8, w=8, c=3, seed=0):
    shape = (h, w, c) if c else (h, w)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_color_jitter_ranges_and_errors():
    jitter = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.9), saturation=0, hue=0.1)
    assert jitter.brightness == [0.5, 1.5] and jitter.contrast == [0.2, 0.9]
    assert jitter.saturation is None and jitter.hue == [-0.1, 0.1]
    assert T.ColorJitter(brightness=2).brightness == [0.0, 3.0]
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.6)
    with pytest.raises(ValueError, match="must be non negative"):
        T.ColorJitter(brightness=-1)
    with pytest.raises(TypeError, match="single number or a list/tuple with length 2"):
        T.ColorJitter(contrast=[1, 2, 3])


def test_color_jitter_applies_the_drawn_factors_in_the_drawn_order():
    jitter = T.ColorJitter(0.4, 0.4, 0.4, 0.1)
    img = image()
    minitorch.manual_seed(3)
    order, b, c, s, h = jitter.get_params(jitter.brightness, jitter.contrast, jitter.saturation,
                                          jitter.hue)  # fmt: skip
    assert sorted(order) == [0, 1, 2, 3] and 0.6 <= b <= 1.4 and -0.1 <= h <= 0.1
    expected = img
    adjust = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
    for i in order:
        expected = adjust[i](expected, [b, c, s, h][i])
    minitorch.manual_seed(3)
    np.testing.assert_array_equal(jitter(img), expected)
    assert T.ColorJitter()(img) is img  # nothing to change


def test_grayscale_and_random_grayscale():
    img = image()
    assert T.Grayscale()(img).shape == (8, 8)
    assert T.Grayscale(3)(img).shape == (8, 8, 3)
    assert T.RandomGrayscale(p=0.0)(img) is img
    out = T.RandomGrayscale(p=1.0)(img)
    assert out.shape == img.shape and (out[..., 0] == out[..., 1]).all()
    t = minitorch.tensor(img.transpose(2, 0, 1).copy())
    assert tuple(T.RandomGrayscale(p=1.0)(t).shape) == (3, 8, 8)


def test_gaussian_blur_draws_sigma():
    blur = T.GaussianBlur(3, sigma=(0.5, 1.5))
    minitorch.manual_seed(0)
    sigma = blur.get_params(0.5, 1.5)
    minitorch.manual_seed(0)
    np.testing.assert_array_equal(blur(image()), F.gaussian_blur(image(), [3, 3], [sigma, sigma]))
    assert T.GaussianBlur((3, 5), 1.0).sigma == (1.0, 1.0)
    with pytest.raises(ValueError, match="odd and positive"):
        T.GaussianBlur(4)
    with pytest.raises(ValueError, match="must be positive"):
        T.GaussianBlur(3, sigma=0)


def test_random_erasing_region_and_value():
    t = minitorch.ones(3, 20, 30)
    minitorch.manual_seed(1)
    out = T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3))(t)
    erased = out.numpy() != 1
    rows, cols = np.nonzero(erased[0])
    h, w = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    assert erased[0].sum() == h * w  # one rectangle
    assert 0.02 * 600 - 30 <= h * w <= 0.33 * 600 + 30
    np.testing.assert_allclose(out.numpy()[:, rows[0], cols[0]], [0.1, 0.2, 0.3], rtol=1e-6)
    assert (t.numpy() == 1).all()
    assert T.RandomErasing(p=0.0)(t) is t
    noisy = T.RandomErasing(p=1.0, value="random")(minitorch.zeros(3, 20, 30))
    assert noisy.numpy().std() > 0


def test_random_erasing_scale_statistics():
    minitorch.manual_seed(0)
    areas = []
    for _ in range(300):
        top, left, h, w, _ = T.RandomErasing.get_params(
            minitorch.zeros(1, 40, 40), (0.02, 0.33), (0.3, 3.3), [0.0]
        )
        areas.append(h * w / 1600)
    assert 0.12 < np.mean(areas) < 0.22  # uniform over [0.02, 0.33] (rounded sides)
    full = T.RandomErasing.get_params(minitorch.zeros(1, 4, 4), (0.99, 1.0), (1.0, 1.0), [0.0])
    assert full[:4] == (0, 0, 4, 4)  # nothing fits: the whole image, unchanged


def test_random_erasing_errors():
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        T.RandomErasing(p=1.0)(image())
    with pytest.raises(ValueError, match="should have either a single value or 3"):
        T.RandomErasing(p=1.0, value=(1, 2))(minitorch.zeros(3, 10, 10))
    with pytest.raises(ValueError, match="If value is str, it should be 'random'"):
        T.RandomErasing(value="noise")
    with pytest.raises(ValueError, match="Scale should be between 0 and 1"):
        T.RandomErasing(scale=(0.1, 2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        T.RandomErasing(ratio=(3.0, 0.3))
    assert any("Scale and ratio" in str(w.message) for w in caught)
    assert math.isclose(T.RandomErasing().p, 0.5)

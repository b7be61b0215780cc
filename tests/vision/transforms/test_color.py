"""Color operations: uint8 arrays equal Pillow's results exactly; tensors follow torchvision's
tensor formulas (checked against torch arithmetic); hue checked on pure colors."""

import numpy as np
import pytest

import minitorch
from minitorch.vision.transforms import functional as F

Image = pytest.importorskip("PIL.Image")
torch = pytest.importorskip("torch")


def image(h=9, w=11, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (h, w, c) if c else (h, w), dtype=np.uint8)


@pytest.mark.parametrize("name", ["adjust_brightness", "adjust_contrast", "adjust_saturation"])
@pytest.mark.parametrize("factor", [0.0, 0.3, 1.0, 1.7])
@pytest.mark.parametrize("c", [0, 3])
def test_uint8_arrays_equal_pillow(name, factor, c):
    a = image(c=c)
    ours = getattr(F, name)(a, factor)
    theirs = np.asarray(getattr(F, name)(Image.fromarray(a), factor))
    assert ours.dtype == np.uint8 and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("channels", [1, 3])
def test_grayscale_equals_pillow(channels):
    a = image()
    ours = F.rgb_to_grayscale(a, channels)
    theirs = np.asarray(F.rgb_to_grayscale(Image.fromarray(a), channels))
    np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(ValueError, match="num_output_channels should be either 1 or 3"):
        F.rgb_to_grayscale(a, 2)


def _torch_gray(x):
    return (0.2989 * x[..., 0, :, :] + 0.587 * x[..., 1, :, :] + 0.114 * x[..., 2, :, :]).unsqueeze(
        -3
    )


def _torch_blend(x, other, ratio):
    bound = 1.0 if x.is_floating_point() else 255.0
    return (ratio * x + (1.0 - ratio) * other).clamp(0, bound).to(x.dtype)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("batch", [(), (2,)])
def test_tensors_follow_torchvision_formulas(dtype, batch):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (*batch, 3, 6, 7)).astype(np.uint8)
    x = x if dtype == "uint8" else (x / 255).astype(np.float32)
    ours_in, t = minitorch.tensor(x), torch.tensor(x)
    gray = _torch_gray(t).to(t.dtype)
    expected = {
        "brightness": _torch_blend(t, torch.zeros_like(t), 1.4),
        "contrast": _torch_blend(t, gray.float().mean(dim=(-3, -2, -1), keepdim=True), 0.6),
        "saturation": _torch_blend(t, gray, 1.3),
        "gray": gray,
    }
    ours = {
        "brightness": F.adjust_brightness(ours_in, 1.4),
        "contrast": F.adjust_contrast(ours_in, 0.6),
        "saturation": F.adjust_saturation(ours_in, 1.3),
        "gray": F.rgb_to_grayscale(ours_in),
    }
    for key in expected:
        out = ours[key]
        assert isinstance(out, minitorch.Tensor) and str(out.dtype).endswith(dtype), key
        np.testing.assert_allclose(
            out.numpy().astype(np.float64),
            expected[key].numpy(),
            atol=1 if dtype == "uint8" else 1e-6,
        )


@pytest.mark.parametrize(
    "rgb, hue, expected",
    [
        ((255, 0, 0), 1 / 3, (0, 255, 0)),
        ((255, 0, 0), -1 / 3, (0, 0, 255)),
        ((255, 0, 0), 0.5, (0, 255, 255)),
        ((0, 255, 0), 0.0, (0, 255, 0)),
        ((128, 128, 128), 0.25, (128, 128, 128)),
    ],
)
def test_hue_rotates_pure_colors(rgb, hue, expected):
    a = np.array([[rgb]], dtype=np.uint8)
    np.testing.assert_allclose(F.adjust_hue(a, hue)[0, 0], expected, atol=1)
    t = minitorch.tensor(a.transpose(2, 0, 1).astype(np.float32) / 255)
    np.testing.assert_allclose(F.adjust_hue(t, hue).numpy()[:, 0, 0] * 255, expected, atol=1e-3)


def test_hue_is_close_to_pillow_and_checks_its_factor():
    a = image(20, 20)
    ours = F.adjust_hue(a, 0.2).astype(int)
    theirs = np.asarray(F.adjust_hue(Image.fromarray(a), 0.2)).astype(int)
    assert np.percentile(np.abs(ours - theirs), 95) <= 8  # Pillow keeps HSV in 8 bits
    assert F.adjust_hue(Image.fromarray(a[:, :, 0]), 0.2).mode == "L"
    with pytest.raises(ValueError, match=r"hue_factor \(0.6\) is not in \[-0.5, 0.5\]"):
        F.adjust_hue(a, 0.6)
    with pytest.raises(ValueError, match="brightness_factor .* is not non-negative"):
        F.adjust_brightness(a, -1)

"""Image operations on arrays and PIL Images; PIL and torch are the oracles where installed."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.vision.transforms import InterpolationMode
from minitorch.vision.transforms import functional as F

Image = pytest.importorskip("PIL.Image")


def image(h=5, w=7, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (h, w, c) if c else (h, w), dtype=np.uint8)


@pytest.mark.parametrize("c", [0, 1, 3])
def test_to_tensor_uint8(c):
    img = image(c=c)
    out = F.to_tensor(img)
    chw = img[None] if c == 0 else img.transpose(2, 0, 1)
    assert out.dtype == minitorch.float32 and out.shape == chw.shape
    assert out.numpy().flags.c_contiguous
    torch = pytest.importorskip("torch")
    expected = torch.from_numpy(np.ascontiguousarray(chw)).float().div(255).numpy()
    np.testing.assert_array_equal(out.numpy(), expected)


def test_to_tensor_keeps_other_dtypes():
    img = np.arange(24, dtype=np.float64).reshape(2, 4, 3)
    out = F.to_tensor(img)
    assert out.dtype == minitorch.float64
    np.testing.assert_array_equal(out.numpy(), img.transpose(2, 0, 1))


def test_to_tensor_pil_equals_array():
    img = image()
    np.testing.assert_array_equal(
        F.to_tensor(Image.fromarray(img)).numpy(), F.to_tensor(img).numpy()
    )
    binary = Image.fromarray(np.array([[True, False]]))
    assert F.to_tensor(binary).tolist() == [[[1.0, 0.0]]]


def test_to_tensor_errors():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        F.to_tensor([[1, 2]])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions"):
        F.to_tensor(np.zeros((1, 2, 3, 4), np.uint8))


def test_normalize_matches_torch_and_keeps_grad_path():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).random((2, 3, 4, 5), dtype=np.float32)
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.25, 2.0)
    expected = (
        (torch.from_numpy(x) - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(-1, 1, 1)
    ).numpy()
    out = F.normalize(minitorch.from_numpy(x.copy()), mean, std)
    assert out.dtype == minitorch.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    leaf = minitorch.tensor(x, requires_grad=True)
    F.normalize(leaf, mean, std).sum().backward()
    np.testing.assert_allclose(leaf.grad.numpy()[0, :, 0, 0], 1 / np.array(std), rtol=1e-6)
    inplace = minitorch.from_numpy(x.copy())
    assert F.normalize(inplace, mean, std, inplace=True) is inplace
    np.testing.assert_allclose(inplace.numpy(), expected, rtol=1e-6)


def test_normalize_errors():
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        F.normalize(minitorch.zeros(1, 2, 2, dtype=minitorch.uint8), [0], [1])
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(minitorch.zeros(1, 2, 2), [0], [0])
    with pytest.raises(
        ValueError, match=r"Expected tensor to be a tensor image of size \(\.\.\., C, H, W\)"
    ):
        F.normalize(minitorch.zeros(2, 2), [0], [1])
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.normalize(np.zeros((1, 2, 2)), [0], [1])


@pytest.mark.parametrize("c", [0, 3])
def test_hflip(c):
    img = image(c=c)
    np.testing.assert_array_equal(F.hflip(img), img[:, ::-1])
    np.testing.assert_array_equal(np.asarray(F.hflip(Image.fromarray(img))), img[:, ::-1])


@pytest.mark.parametrize("padding", [2, (1, 3), (1, 2, 3, 4), [0]])
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad_array_equals_pil(padding, mode):
    img = image(c=3)
    out = F.pad(img, padding, fill=7, padding_mode=mode)
    pil = np.asarray(F.pad(Image.fromarray(img), padding, fill=(7, 7, 7), padding_mode=mode))
    np.testing.assert_array_equal(out, pil)
    left, top, right, bottom = F._padding_ltrb(padding)
    assert out.shape == (5 + top + bottom, 7 + left + right, 3)
    np.testing.assert_array_equal(out[top : top + 5, left : left + 7], img)


def test_pad_errors():
    with pytest.raises(ValueError, match="Padding mode should be either"):
        F.pad(image(), 1, padding_mode="wrap")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple"):
        F.pad(image(), (1, 2, 3))


@pytest.mark.parametrize("box", [(1, 2, 3, 4), (0, 0, 5, 7), (-1, -2, 4, 5), (3, 5, 4, 4)])
def test_crop_array_equals_pil(box):
    img = image(c=3)
    out = F.crop(img, *box)
    assert out.shape == (box[2], box[3], 3)
    np.testing.assert_array_equal(out, np.asarray(F.crop(Image.fromarray(img), *box)))


@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(1, 20),
    w=st.integers(1, 20),
    oh=st.integers(1, 30),
    ow=st.integers(1, 30),
    c=st.sampled_from([0, 3]),
)
def test_resize_bilinear_array_matches_pil(h, w, oh, ow, c):
    img = image(h, w, c, seed=h * 100 + w)
    out = F.resize(img, (oh, ow), InterpolationMode.BILINEAR)
    pil = np.asarray(F.resize(Image.fromarray(img), (oh, ow), InterpolationMode.BILINEAR))
    assert out.shape == pil.shape and out.dtype == np.uint8
    # Pillow's bilinear works in fixed point: a rounding step apart at most
    assert np.abs(out.astype(int) - pil).max() <= 1


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 20), w=st.integers(1, 20), oh=st.integers(1, 30), ow=st.integers(1, 30))
def test_resize_nearest_array_matches_torch_nearest_exact(h, w, oh, ow):
    torch = pytest.importorskip("torch")
    img = image(h, w, 3, seed=h * 100 + w)
    out = F.resize(img, (oh, ow), InterpolationMode.NEAREST)
    chw = torch.from_numpy(img).permute(2, 0, 1)[None].float()
    expected = torch.nn.functional.interpolate(chw, size=(oh, ow), mode="nearest-exact")
    expected = expected[0].permute(1, 2, 0).byte().numpy()
    # where a center falls exactly on a pixel border, torch's float32 may round either way
    row_tie = ((2 * np.arange(oh) + 1) * h) % (2 * oh) == 0
    col_tie = ((2 * np.arange(ow) + 1) * w) % (2 * ow) == 0
    exact = ~row_tie[:, None] & ~col_tie[None, :]
    np.testing.assert_array_equal(out[exact], expected[exact])


def test_resize_nearest_pil_uses_pil():
    img = image(8, 8, 3)
    out = F.resize(Image.fromarray(img), (4, 4), InterpolationMode.NEAREST)
    np.testing.assert_array_equal(np.asarray(out), img[1::2, 1::2])


@pytest.mark.parametrize(
    "h, w, size, expected",
    [(10, 20, 5, (5, 10)), (20, 10, 5, (10, 5)), (7, 9, [4], (4, 5)), (6, 6, (3, 8), (3, 8))],
)
def test_resize_output_size_like_torchvision(h, w, size, expected):
    assert F.resize(image(h, w), size, "nearest").shape[:2] == expected
    assert F.resize(Image.fromarray(image(h, w)), size).size == expected[::-1]


def test_resize_float_array():
    img = np.ones((4, 4, 2), np.float32)
    out = F.resize(img, 8)
    assert out.dtype == np.float32 and out.shape == (8, 8, 2)
    np.testing.assert_allclose(out, 1.0, rtol=1e-6)


def test_array_checks():
    with pytest.raises(TypeError, match="img should be a numpy array, PIL Image or Tensor"):
        F.hflip([[1]])
    with pytest.raises(ValueError, match="img should be 2/3 dimensional"):
        F.hflip(np.zeros((1, 1, 1, 1)))


def chw(a):
    """The tensor form of an H x W x C array."""
    return minitorch.tensor(np.ascontiguousarray(a.transpose(2, 0, 1)))


def test_vflip_and_tensor_flips():
    img = image()
    np.testing.assert_array_equal(F.vflip(img), img[::-1])
    np.testing.assert_array_equal(np.asarray(F.vflip(Image.fromarray(img))), img[::-1])
    t = chw(img)
    np.testing.assert_array_equal(F.vflip(t).numpy(), t.numpy()[:, ::-1])
    np.testing.assert_array_equal(F.hflip(t).numpy(), t.numpy()[:, :, ::-1])
    batch = minitorch.tensor(np.stack([t.numpy(), t.numpy()]))
    np.testing.assert_array_equal(F.hflip(batch).numpy(), batch.numpy()[..., ::-1])


@pytest.mark.parametrize("op", ["crop", "pad", "resize", "center_crop"])
def test_tensors_give_the_array_result(op, device):
    img = image(8, 10)
    calls = {
        "crop": lambda x: F.crop(x, -1, 2, 5, 9),
        "pad": lambda x: F.pad(x, (1, 2, 3, 4), padding_mode="reflect"),
        "resize": lambda x: F.resize(x, 5),
        "center_crop": lambda x: F.center_crop(x, (5, 12)),
    }
    out = calls[op](chw(img).to(device))
    assert out.device.type == device.type and out.dtype == minitorch.uint8
    np.testing.assert_array_equal(out.cpu().numpy().transpose(1, 2, 0), calls[op](img))


@pytest.mark.parametrize("size", [(4, 4), (5, 7), (9, 7), (12, 3), 6])
@pytest.mark.parametrize("hw", [(9, 7), (8, 10)])
def test_center_crop_equals_pil(size, hw):
    img = image(*hw)
    ours = F.center_crop(img, size)
    theirs = np.asarray(F.center_crop(Image.fromarray(img), size))
    np.testing.assert_array_equal(ours, theirs)


def test_center_crop_rounds_half_to_even_like_torchvision():
    img = np.arange(7 * 7).reshape(7, 7).astype(np.uint8)
    # (7 - 4) / 2 = 1.5 rounds to 2 with Python's round
    np.testing.assert_array_equal(F.center_crop(img, 4), img[2:6, 2:6])
    padded = F.center_crop(np.ones((2, 3), np.uint8), (4, 5))
    np.testing.assert_array_equal(padded, np.pad(np.ones((2, 3), np.uint8), ((1, 1), (1, 1))))


def test_resized_crop():
    img = image(10, 12)
    np.testing.assert_array_equal(
        F.resized_crop(img, 1, 2, 6, 8, (3, 4)), F.resize(img[1:7, 2:10], (3, 4))
    )


@pytest.mark.parametrize("angle", [0, 90, 180, 270, 30, -45, 12.5, 200])
@pytest.mark.parametrize("expand", [False, True])
@pytest.mark.parametrize("hw", [(7, 9), (8, 8), (16, 11)])
def test_rotate_nearest_equals_pil(angle, expand, hw):
    img = image(*hw)
    ours = F.rotate(img, angle, expand=expand)
    theirs = np.asarray(F.rotate(Image.fromarray(img), angle, expand=expand))
    np.testing.assert_array_equal(ours, theirs)


def test_rotate_center_fill_bilinear_and_tensors():
    img = image(12, 10)
    pil = Image.fromarray(img)
    for kwargs in ({"center": [2, 3]}, {"fill": [10, 20, 30]}, {"fill": 7}):
        np.testing.assert_array_equal(
            F.rotate(img, 33, **kwargs), np.asarray(F.rotate(pil, 33, **kwargs))
        )
    bilinear = F.rotate(img, 21, InterpolationMode.BILINEAR).astype(int)
    reference = np.asarray(F.rotate(pil, 21, InterpolationMode.BILINEAR)).astype(int)
    assert np.abs(bilinear - reference).max() <= 1  # Pillow rounds its weights
    t = F.rotate(chw(img), 33, expand=True)
    np.testing.assert_array_equal(t.numpy().transpose(1, 2, 0), F.rotate(img, 33, expand=True))
    quarter = F.rotate(np.arange(6).reshape(2, 3).astype(np.uint8), 90, expand=True)
    np.testing.assert_array_equal(quarter, [[2, 5], [1, 4], [0, 3]])  # counter-clockwise


def test_erase_tensor_only():
    t = minitorch.ones(3, 4, 5)
    out = F.erase(t, 1, 2, 2, 2, minitorch.tensor([[[0.0]], [[5.0]], [[7.0]]]))
    assert t.numpy().min() == 1  # a copy unless inplace
    np.testing.assert_array_equal(
        out.numpy()[:, 1:3, 2:4], [[[0, 0]] * 2, [[5, 5]] * 2, [[7, 7]] * 2]
    )
    assert out.numpy().sum() == 60 - 12 + 4 * 12
    F.erase(t, 0, 0, 1, 1, 0.0, inplace=True)
    assert t.numpy()[0, 0, 0] == 0
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.erase(image(), 0, 0, 1, 1, 0)


def test_to_pil_image_and_back():
    img = image(5, 6)
    pil = F.to_pil_image(chw(img))
    assert pil.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(pil), img)
    np.testing.assert_array_equal(F.pil_to_tensor(pil).numpy(), chw(img).numpy())
    floats = minitorch.tensor([[[0.0, 0.5, 1.0]]])
    assert np.asarray(F.to_pil_image(floats)).tolist() == [[0, 127, 255]]  # scaled and truncated
    assert F.to_pil_image(image(c=0)).mode == "L"
    assert F.to_pil_image(image(c=4)).mode == "RGBA"
    with pytest.raises(ValueError, match="pic should not have > 4 channels"):
        F.to_pil_image(image(c=5))
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4"):
        F.to_pil_image(minitorch.zeros(1, 1, 2, 2))
    with pytest.raises(TypeError, match="pic should be PIL Image"):
        F.pil_to_tensor(img)


def _torch_blur(x, ksize, sigma):
    """torchvision's algorithm in torch: reflect padding, a separable Gaussian, conv2d."""
    torch = pytest.importorskip("torch")

    def k1(n, s):
        xs = torch.linspace(-(n - 1) * 0.5, (n - 1) * 0.5, n)
        p = torch.exp(-0.5 * (xs / s) ** 2)
        return p / p.sum()

    kernel = k1(ksize[1], sigma[1])[:, None] * k1(ksize[0], sigma[0])[None, :]
    t = torch.tensor(x, dtype=torch.float32)[None]
    pad = [ksize[0] // 2, ksize[0] // 2, ksize[1] // 2, ksize[1] // 2]
    t = torch.nn.functional.pad(t, pad, mode="reflect")
    c = t.shape[1]
    return torch.nn.functional.conv2d(t, kernel.expand(c, 1, *kernel.shape), groups=c)[0]


@pytest.mark.parametrize(
    "ksize, sigma", [((3, 3), (1.0, 1.0)), ((5, 3), (1.5, 0.6)), ((1, 7), (0.5, 2.0))]
)
def test_gaussian_blur_matches_torchvision_algorithm(ksize, sigma):
    x = np.random.default_rng(0).random((3, 10, 12)).astype(np.float32)
    ours = F.gaussian_blur(minitorch.tensor(x), list(ksize), list(sigma)).numpy()
    np.testing.assert_allclose(ours, _torch_blur(x, ksize, sigma).numpy(), atol=1e-6)
    img = image(10, 12)
    blurred = F.gaussian_blur(img, list(ksize), list(sigma))
    reference = np.rint(_torch_blur(img.transpose(2, 0, 1), ksize, sigma).numpy())
    assert np.abs(blurred.transpose(2, 0, 1).astype(int) - reference).max() <= 1
    pil = np.asarray(F.gaussian_blur(Image.fromarray(img), list(ksize), list(sigma)))
    np.testing.assert_array_equal(pil, blurred)


def test_gaussian_blur_errors():
    with pytest.raises(ValueError, match="odd and positive"):
        F.gaussian_blur(image(), [2, 3])
    with pytest.raises(ValueError, match="sigma should have positive values"):
        F.gaussian_blur(image(), [3, 3], [0.0, 1.0])


def test_dimensions():
    assert F.get_dimensions(image(5, 6)) == [3, 5, 6]
    assert F.get_dimensions(image(5, 6, 0)) == [1, 5, 6]
    assert F.get_dimensions(chw(image(5, 6))) == [3, 5, 6]
    assert F.get_dimensions(Image.fromarray(image(5, 6))) == [3, 5, 6]

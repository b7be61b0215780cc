"""make_grid and save_image: layouts checked by hand, files read back with Pillow."""

import numpy as np
import pytest

import minitorch
from minitorch.vision.utils import make_grid, save_image

Image = pytest.importorskip("PIL.Image")


def batch(n, c=3, h=4, w=5, seed=0):
    return minitorch.tensor(np.random.default_rng(seed).random((n, c, h, w), dtype=np.float32))


def test_grid_layout_padding_and_pad_value():
    images = batch(5)
    grid = make_grid(images, nrow=3, padding=2, pad_value=0.5)
    # 3 columns, 2 rows: (2 + 4) * 2 + 2 high, (2 + 5) * 3 + 2 wide
    assert tuple(grid.shape) == (3, 14, 23)
    g, x = grid.numpy(), images.numpy()
    np.testing.assert_array_equal(g[:, 2:6, 2:7], x[0])
    np.testing.assert_array_equal(g[:, 2:6, 9:14], x[1])
    np.testing.assert_array_equal(g[:, 8:12, 2:7], x[3])
    np.testing.assert_array_equal(g[:, 8:12, 9:14], x[4])
    assert (g[:, 8:12, 16:21] == 0.5).all()  # the empty sixth cell
    assert (g[:, :2] == 0.5).all() and (g[:, :, :2] == 0.5).all()


def test_single_images_lists_and_grayscale():
    one = batch(1)
    np.testing.assert_array_equal(make_grid(one).numpy(), one[0].numpy())
    gray = batch(2, c=1)
    grid = make_grid(gray, padding=0)
    assert tuple(grid.shape) == (3, 4, 10)  # one channel shown as RGB
    np.testing.assert_array_equal(grid.numpy()[1, :, 5:], gray.numpy()[1, 0])
    listed = make_grid([t for t in batch(3)], nrow=8)
    np.testing.assert_array_equal(listed.numpy(), make_grid(batch(3)).numpy())
    assert tuple(make_grid(minitorch.zeros(4, 5)).shape) == (3, 4, 5)


def test_normalize_range_and_scale_each():
    x = minitorch.tensor(np.stack([np.full((1, 2, 2), 2.0), np.full((1, 2, 2), 6.0)]))
    x.array[0, 0, 0, 0] = 4.0
    g = make_grid(x, normalize=True, padding=0).numpy()
    np.testing.assert_allclose(g[0, 0, :2], [0.5, 0.0])  # (v - 2) / (6 - 2)
    np.testing.assert_allclose(g[0, 0, 2:], [1.0, 1.0])
    each = make_grid(x, normalize=True, scale_each=True, padding=0).numpy()
    np.testing.assert_allclose(each[0, 0], [1.0, 0.0, 0.0, 0.0])  # 6s alone: range 1e-5
    clipped = make_grid(x, normalize=True, value_range=(2.0, 4.0), padding=0).numpy()
    np.testing.assert_allclose(clipped[0, 0], [1.0, 0.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(x, normalize=True, value_range=[0, 1])
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        make_grid(np.zeros((2, 3, 4, 4)))


def test_grid_stays_on_the_device(sim_cuda):
    grid = make_grid(batch(3).to("cuda"))
    assert grid.device.type == "cuda"


def test_save_image_writes_the_grid_as_pixels(tmp_path):
    images = batch(4)
    path = tmp_path / "grid.png"
    save_image(images, path, nrow=2)
    saved = np.asarray(Image.open(path))
    grid = make_grid(images, nrow=2).numpy()
    expected = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(saved, expected)
    save_image(images[0], str(tmp_path / "one.jpg"))
    assert Image.open(tmp_path / "one.jpg").size == (5, 4)
    with open(tmp_path / "buffer", "wb") as f:
        save_image(images, f, format="PNG")
    assert Image.open(tmp_path / "buffer").format == "PNG"

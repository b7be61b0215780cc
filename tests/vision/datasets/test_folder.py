"""ImageFolder / DatasetFolder on a generated folder tree, and FakeData."""

import os

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import DataLoader
from minitorch.vision import datasets, transforms
from minitorch.vision.datasets.folder import IMG_EXTENSIONS, find_classes, make_dataset

Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def tree(tmp_path):
    """root/{cat,dog,empty}/... with PNG and JPEG images, a text file and a nested folder."""
    rng = np.random.default_rng(0)
    files = {
        "cat/b.png": (6, 8),
        "cat/a.JPG": (6, 8),
        "cat/nested/c.png": (6, 8),
        "dog/x.png": (5, 7),
        "dog/notes.txt": None,
    }
    for name, size in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if size is None:
            path.write_text("not an image")
        else:
            pixels = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(path, quality=95)
    (tmp_path / "empty").mkdir()
    return tmp_path


def test_image_folder_classes_samples_and_items(tree):
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(tree)
    os.rmdir(tree / "empty")
    data = datasets.ImageFolder(tree)
    assert data.classes == ["cat", "dog"]
    assert data.class_to_idx == {"cat": 0, "dog": 1}
    names = [os.path.relpath(p, tree) for p, _ in data.samples]
    assert names == ["cat/a.JPG", "cat/b.png", "cat/nested/c.png", "dog/x.png"]
    assert data.targets == [0, 0, 0, 1] and data.imgs is data.samples and len(data) == 4
    image, target = data[3]
    assert isinstance(image, Image.Image) and image.mode == "RGB" and image.size == (7, 5)
    assert target == 1
    assert "Number of datapoints: 4" in repr(data)


def test_allow_empty_and_is_valid_file(tree):
    data = datasets.ImageFolder(tree, allow_empty=True)
    assert data.classes == ["cat", "dog", "empty"] and len(data) == 4
    only_png = datasets.ImageFolder(
        tree, is_valid_file=lambda p: p.endswith(".png"), allow_empty=True
    )
    assert [os.path.basename(p) for p, _ in only_png.samples] == ["b.png", "c.png", "x.png"]
    with pytest.raises(ValueError, match="Both extensions and is_valid_file"):
        make_dataset(tree, {"cat": 0}, extensions=IMG_EXTENSIONS, is_valid_file=lambda p: True)


def test_dataset_folder_with_custom_loader_and_transforms(tree):
    data = datasets.DatasetFolder(
        tree,
        loader=lambda p: open(p).read(),
        extensions=(".txt",),
        target_transform=lambda t: t * 10,
        allow_empty=True,
    )
    assert len(data) == 1 and data[0] == ("not an image", 10)


def test_image_folder_through_a_data_loader(tree):
    os.rmdir(tree / "empty")
    pipeline = transforms.Compose([transforms.Resize((4, 4)), transforms.ToTensor()])
    loader = DataLoader(datasets.ImageFolder(tree, transform=pipeline), batch_size=4)
    images, targets = next(iter(loader))
    assert tuple(images.shape) == (4, 3, 4, 4) and targets.tolist() == [0, 0, 0, 1]


def test_find_classes_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        find_classes(tmp_path)


def test_fake_data_is_repeatable_and_sized():
    data = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=3)
    image, target = data[2]
    assert image.shape == (6, 4, 3) and image.dtype == np.uint8 and 0 <= target < 3
    again, target_again = data[2]
    np.testing.assert_array_equal(image, again)
    assert target == target_again
    other = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=3, random_offset=1)
    np.testing.assert_array_equal(other[1][0], data[2][0])  # index + offset seeds the draw
    assert len(data) == 5
    with pytest.raises(IndexError):
        data[5]
    gray = datasets.FakeData(size=2, image_size=(1, 8, 8), transform=transforms.ToTensor())
    tensor, _ = gray[0]
    assert tuple(tensor.shape) == (1, 8, 8) and tensor.dtype == minitorch.float32
    small = datasets.FakeData(size=200, image_size=(1, 2, 2), num_classes=4)
    targets = [small[i][1] for i in range(200)]
    assert set(targets) == {0, 1, 2, 3}

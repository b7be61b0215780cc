"""Model builders: torchvision's parameter counts and names, forward passes (ResNet-18 against
the same network in PyTorch with the same weights), and weights= loading from a file."""

import numpy as np
import pytest

import minitorch
from minitorch.vision import models


@pytest.mark.parametrize(
    "name, params, entries",
    [
        ("resnet18", 11_689_512, 122),
        ("resnet34", 21_797_672, 218),
        ("resnet50", 25_557_032, 320),
        ("mobilenet_v2", 3_504_872, 314),
    ],
)
def test_parameter_counts_and_forward(name, params, entries):
    model = getattr(models, name)()
    assert sum(p.numel() for p in model.parameters()) == params
    assert len(model.state_dict()) == entries  # incl. running stats and num_batches_tracked
    model.eval()
    with minitorch.no_grad():
        out = model(minitorch.randn(2, 3, 64, 64))
    assert tuple(out.shape) == (2, 1000)
    small = getattr(models, name)(num_classes=7)
    assert tuple(small(minitorch.randn(2, 3, 64, 64)).shape) == (2, 7)


def test_vgg11():
    model = models.vgg11(num_classes=10)
    assert sum(p.numel() for p in model.parameters()) == 128_807_306
    names = list(model.state_dict())
    assert names[:2] == ["features.0.weight", "features.0.bias"]
    assert names[-2:] == ["classifier.6.weight", "classifier.6.bias"]
    assert "features.18.weight" in names  # the eighth convolution, as torchvision numbers it
    model.eval()
    assert tuple(model(minitorch.randn(1, 3, 32, 32)).shape) == (1, 10)
    with_bn = models.vgg.make_layers(models.vgg.CFGS["A"], batch_norm=True)
    assert "1.running_mean" in with_bn.state_dict()  # features.1 of vgg11_bn


def test_torchvision_parameter_names():
    r18 = models.resnet18().state_dict()
    for key in ("conv1.weight", "bn1.running_var", "layer1.0.conv2.weight",
                "layer2.0.downsample.0.weight", "layer2.0.downsample.1.num_batches_tracked",
                "layer4.1.bn2.bias", "fc.weight"):  # fmt: skip
        assert key in r18
    r50 = models.resnet50().state_dict()
    assert "layer3.5.conv3.weight" in r50 and tuple(r50["fc.weight"].shape) == (1000, 2048)
    mv2 = models.mobilenet_v2().state_dict()
    keys = ["features.0.0.weight", "features.0.1.running_mean", "features.1.conv.0.0.weight"]
    keys += ["features.1.conv.1.weight", "features.2.conv.0.0.weight", "features.17.conv.3.bias"]
    for key in [*keys, "features.18.0.weight", "classifier.1.weight"]:
        assert key in mv2
    assert tuple(mv2["features.2.conv.1.0.weight"].shape) == (96, 1, 3, 3)  # depthwise


def test_init_schemes():
    model = models.resnet18(zero_init_residual=True)
    assert float(model.layer1[0].bn2.weight.abs().sum()) == 0
    conv = models.resnet18().conv1.weight.detach().numpy()
    fan_out = 64 * 7 * 7
    assert abs(conv.std() - np.sqrt(2 / fan_out)) < 0.1 * np.sqrt(2 / fan_out)
    linear = models.mobilenet_v2(num_classes=50).classifier[1].weight.detach().numpy()
    assert abs(linear.std() - 0.01) < 0.002


def test_weights_from_a_file_and_a_state_dict(tmp_path):
    minitorch.manual_seed(0)
    model = models.resnet18(num_classes=5).eval()
    path = tmp_path / "resnet18.safetensors"
    minitorch.save(model.state_dict(), path)
    x = minitorch.randn(2, 3, 32, 32)
    loaded = models.resnet18(weights=path, num_classes=5).eval()
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    again = models.resnet18(weights=model.state_dict(), num_classes=5).eval()
    np.testing.assert_array_equal(again(x).detach().numpy(), model(x).detach().numpy())
    with pytest.raises(RuntimeError):  # a 1000-class file into a 5-class model
        models.resnet18(weights=models.resnet18().state_dict(), num_classes=5)
    with pytest.raises(ValueError, match="downloads nothing"):
        models.resnet18(pretrained=True)
    with pytest.raises(TypeError, match="takes a path to a saved state dict"):
        models.mobilenet_v2(weights=3)


def test_training_step_reaches_every_parameter():
    model = models.mobilenet_v2(num_classes=3, width_mult=0.25)
    loss = minitorch.nn.functional.cross_entropy(
        model(minitorch.randn(2, 3, 32, 32)), minitorch.tensor([0, 2])
    )
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())


def test_resnet18_forward_matches_pytorch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    minitorch.manual_seed(0)
    model = models.resnet18(num_classes=10).eval()
    for m in model.modules():  # non-trivial running statistics
        if isinstance(m, minitorch.nn.BatchNorm2d):
            m.running_mean.array[...] = np.random.default_rng(1).normal(0, 0.1, m.num_features)
            m.running_var.array[...] = np.random.default_rng(2).uniform(0.5, 2, m.num_features)
    w = {k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()}

    def bn(x, p):
        return F.batch_norm(x, w[p + ".running_mean"], w[p + ".running_var"], w[p + ".weight"],
                            w[p + ".bias"], False, 0.0, 1e-5)  # fmt: skip

    def block(x, p, stride):
        out = F.relu(bn(F.conv2d(x, w[p + ".conv1.weight"], stride=stride, padding=1), p + ".bn1"))
        out = bn(F.conv2d(out, w[p + ".conv2.weight"], padding=1), p + ".bn2")
        if p + ".downsample.0.weight" in w:
            x = bn(F.conv2d(x, w[p + ".downsample.0.weight"], stride=stride), p + ".downsample.1")
        return F.relu(out + x)

    x = np.random.default_rng(3).standard_normal((2, 3, 48, 48)).astype(np.float32)
    t = torch.tensor(x)
    t = F.max_pool2d(
        F.relu(bn(F.conv2d(t, w["conv1.weight"], stride=2, padding=3), "bn1")), 3, 2, 1
    )
    for layer, stride in ((1, 1), (2, 2), (3, 2), (4, 2)):
        t = block(block(t, f"layer{layer}.0", stride), f"layer{layer}.1", 1)
    expected = F.linear(t.mean((2, 3)), w["fc.weight"], w["fc.bias"])
    with minitorch.no_grad():
        out = model(minitorch.tensor(x))
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-4, atol=1e-4)

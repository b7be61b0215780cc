"""nn.summary (minitorch/nn/summary.py)."""

import minitorch
import minitorch.nn as nn


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 4)
        self.b = nn.Linear(2, 4)
        self.scale = nn.Parameter(minitorch.ones(1))

    def forward(self, x, y):
        return self.a(x) + self.b(y) * self.scale


def test_summary_table_rows_and_totals():
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Sequential(nn.Linear(128, 10)))
    model[0].weight.requires_grad_(False)
    printed = []
    text = nn.summary(model, (64, 784), print_fn=printed.append)
    assert printed == [text]
    lines = text.splitlines()
    rows = [line for line in lines if "(Linear)" in line or "(ReLU)" in line]
    assert [r.split()[0] for r in rows] == ["0", "1", "2.0"]
    assert "[64, 128]" in rows[0] and "100,480" in rows[0] and "32.00 KB" in rows[0]
    assert "[64, 10]" in rows[2] and "1,290" in rows[2]
    assert "Total params: 101,770" in lines
    assert "Trainable params: 1,418" in lines
    assert "Non-trainable params: 100,352" in lines
    assert any(line.startswith("Params and buffers size: 397.54 KB") for line in lines)


def test_summary_restores_mode_and_leaves_no_hooks(device):
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)).to(device)
    model[1].eval()
    text = nn.summary(model, (2, 4), print_fn=None)
    assert "Dropout" in text
    assert model.training and not model[1].training
    assert not any(m._forward_hooks for m in model.modules())
    assert all(p.grad is None for p in model.parameters())


def test_summary_multiple_inputs_and_own_parameters():
    text = nn.summary(TwoInputs(), [(5, 3), (5, 2)], print_fn=None)
    assert "a (Linear)" in text and "b (Linear)" in text
    assert "TwoInputs (TwoInputs)" in text  # a non-leaf module with its own parameter gets a row
    assert "Total params: 29" in text

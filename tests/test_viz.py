import re
import shutil
import sys

import numpy as np
import pytest

import minitorch
from minitorch import viz


def _expr():
    """z = sum(x * y + x): the expression whose graph the tests know by heart."""
    x = minitorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = minitorch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    return x, y, (x * y + x).sum()


def _parse(dot: str):
    """{id: label} and {(tail, head)} from the DOT text draw_graph writes."""
    nodes = dict(re.findall(r'^\s*(\w+) \[label="([^"]*)"', dot, re.M))
    edges = set(re.findall(r"^\s*(\w+) -> (\w+)", dot, re.M))
    return nodes, edges


def test_dot_has_exactly_the_expected_nodes_and_edges():
    x, y, z = _expr()
    nodes, edges = _parse(str(viz.draw_graph(z, params={"x": x, "y": y})))
    by_label = {label.split("\\n")[0]: nid for nid, label in nodes.items()}
    assert sorted(by_label) == sorted(
        [
            "x",
            "y",
            "MulBackward0",
            "AddBackward0",
            "SumBackward0",
            "output",
            "saved 0: y (3,) float32",
            "saved 1: x (3,) float32",
        ]
    )
    n = by_label
    assert edges == {
        (n["x"], n["MulBackward0"]),
        (n["y"], n["MulBackward0"]),
        (n["MulBackward0"], n["AddBackward0"]),
        (n["x"], n["AddBackward0"]),
        (n["AddBackward0"], n["SumBackward0"]),
        (n["SumBackward0"], n["output"]),
        (n["saved 0: y (3,) float32"], n["MulBackward0"]),
        (n["saved 1: x (3,) float32"], n["MulBackward0"]),
    }
    assert nodes[n["x"]] == "x\\n(3,) float32"
    assert nodes[n["output"]] == "output\\n() float32"


def test_dot_without_saved_and_with_grads():
    x, y, z = _expr()
    z.backward()
    nodes, edges = _parse(str(viz.draw_graph(z, {"x": x}, show_saved=False, show_grads=True)))
    assert len(nodes) == 6 and len(edges) == 6
    labels = set(nodes.values())
    assert "x\\n(3,) float32\\ngrad [5, 6, 7]" in labels
    assert "(3,) float32\\ngrad [1, 2, 3]" in labels  # y: unnamed leaf


def test_freed_saved_tensors_are_marked():
    _, _, z = _expr()
    z.backward()
    assert "(saved freed)" in str(viz.draw_graph(z))


def test_leaf_and_no_grad_roots():
    x = minitorch.ones(2, requires_grad=True)
    nodes, edges = _parse(str(viz.draw_graph(x, {"x": x})))
    assert len(nodes) == 2 and len(edges) == 1
    c = minitorch.ones(2)
    nodes, edges = _parse(str(viz.draw_graph(c)))
    assert len(nodes) == 1 and not edges
    assert "no graph" in next(iter(nodes.values()))


class _Halves(minitorch.autograd.Function):
    """Two outputs: the first and second half of a 1-d tensor."""

    @staticmethod
    def forward(ctx, a):
        n = a.shape[0] // 2
        return a.array[:n].copy(), a.array[n:].copy()

    @staticmethod
    def backward(ctx, gu, gv):
        return minitorch.cat([gu, gv])


def test_multi_output_and_constants(capsys):
    a = minitorch.arange(4.0).requires_grad_()
    u, v = _Halves.apply(a)
    out = (u * 2).sum() + (v * minitorch.ones(2)).sum()
    dot = str(viz.draw_graph(out, {"a": a}))
    assert "(no grad)" in dot  # the constant multiplier Mul saved
    assert 'taillabel="1"' in dot  # edges from a two-output node say which output
    viz.print_graph(out)
    listing = capsys.readouterr().out
    assert "= _HalvesBackward(%0) -> (2,) float32, (2,) float32" in listing
    assert "MulBackward0(%1.1, -)" in listing


def test_print_graph_lists_nodes_in_topological_order(capsys):
    x, y, z = _expr()
    viz.print_graph(z, params={"x": x, "y": y})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "%0 = leaf x (3,) float32 requires_grad"
    assert lines[1] == "%1 = leaf y (3,) float32 requires_grad"
    assert lines[2].startswith("%2 = MulBackward0(%0, %1) -> (3,) float32  saved:")
    assert "12 B" in lines[2]
    assert lines[3] == "%3 = AddBackward0(%2, %0) -> (3,)"  # shape from Sum, dtype unknown
    assert lines[4] == "%4 = SumBackward0(%3, -, -) -> () float32"
    assert lines[-1] == "5 nodes, 24 bytes saved for backward in 2 arrays"


def test_trace_records_visit_order_and_edge_gradients():
    x, y, z = _expr()
    with viz.trace_backward(z, {"x": x, "y": y}) as trace:
        z.backward()
    names = [s.name for s in trace.steps]
    assert names[:3] == ["SumBackward0", "AddBackward0", "MulBackward0"]
    assert sorted(names[3:]) == ["AccumulateGrad", "AccumulateGrad"]
    mul = trace.steps[2]
    np.testing.assert_allclose(mul.grad_inputs[0].numpy(), [4, 5, 6])  # d/dx of x*y is y
    np.testing.assert_allclose(mul.grad_inputs[1].numpy(), [1, 2, 3])
    leaves = {s.node.variable is x: s.grad_outputs[0] for s in trace.steps[3:]}
    np.testing.assert_allclose(leaves[True].numpy(), [5, 6, 7])
    assert "[0] SumBackward0" in str(trace) and "AccumulateGrad (x)" in str(trace)
    nodes, edges = _parse(str(trace.draw()))
    assert any(label.startswith("[2] MulBackward0") for label in nodes.values())
    assert re.search(r'-> \w+ \[label="\[4, 5, 6\]"\]', str(trace.draw()))


def test_trace_is_only_active_inside_the_block():
    from minitorch.autograd import engine

    original = engine._call_backward
    x, y, z = _expr()
    with viz.trace_backward(z) as trace:
        pass
    assert engine._call_backward is original
    z.backward()
    assert trace.steps == []
    assert all(
        e[0]._pre_hooks is None for e in z.grad_fn.next_edges[0][0].next_edges if e is not None
    )


def test_trace_with_autograd_grad():
    x, y, z = _expr()
    with viz.trace_backward(z) as trace:
        (gx,) = minitorch.autograd.grad(z, x)
    np.testing.assert_allclose(gx.numpy(), [5, 6, 7])
    assert [s.name for s in trace.steps][:3] == ["SumBackward0", "AddBackward0", "MulBackward0"]


def test_bad_format():
    _, _, z = _expr()
    with pytest.raises(ValueError, match="format"):
        viz.draw_graph(z, format="pdf")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_svg_and_png(tmp_path):
    pytest.importorskip("graphviz")
    _, _, z = _expr()
    g = viz.draw_graph(z, format="svg")
    svg = g._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "MulBackward0" in svg
    assert "image/svg+xml" in viz.draw_graph(z)._repr_mimebundle_()
    png = viz.draw_graph(z, format="png")
    assert png.pipe()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "image/png" in png._repr_mimebundle_()
    path = g.render(str(tmp_path / "g.svg"))
    assert open(path).read() == svg


def test_missing_graphviz_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    _, _, z = _expr()
    dot = viz.draw_graph(z)  # DOT text needs no graphviz
    assert dot.source.startswith("digraph")
    with pytest.raises(ImportError, match=re.escape("pip install 'minitorch[viz]'")):
        viz.draw_graph(z, format="svg")
    assert "text/plain" in dot._repr_mimebundle_()  # Jupyter falls back to the text


def test_missing_dot_executable(monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", "")
    _, _, z = _expr()
    with pytest.raises(RuntimeError, match="`dot` executable"):
        viz.draw_graph(z, format="svg")

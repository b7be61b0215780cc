"""``python -m minitorch.ops --list``: every op in the table and the names it is bound to."""

from __future__ import annotations

import argparse
import sys

from . import TABLE


def describe(op) -> str:
    """One line: the op's names in each place it is bound."""
    parts = []
    for ns in op.namespaces:
        parts.append(", ".join(f"{ns}.{n}" for n in op.names()))
    if op.method:
        kind = "property" if op.is_property else "method"
        parts.append(f"Tensor.{'/'.join(op.names())} ({kind})")
    if op.inplace:
        parts.append(f"Tensor.{op.inplace}")
    dunders = op.operators + op.reflected + op.inplace_operators
    if dunders:
        parts.append(" ".join(dunders))
    tests = "untested: " + op.untested if op.samples is None else "samples"
    if op.samples is not None and op.grad:
        tests += ", grad" + (", gradgrad" if op.gradgrad else "")
    return f"{op.name:<16} {'; '.join(parts)}  [{tests}]"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minitorch.ops", description=__doc__)
    parser.add_argument("--list", action="store_true", help="print every op (the default)")
    parser.parse_args(argv)
    for op in TABLE:
        print(describe(op))
    print(f"{len(TABLE)} ops")
    return 0


if __name__ == "__main__":
    sys.exit(main())

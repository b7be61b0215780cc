"""SummaryWriter writes event files TensorBoard can read back."""

import pytest

import minitorch
from minitorch.utils.tensorboard import SummaryWriter

pytest.importorskip("tensorboardX")


def _read_scalars(log_dir):
    from tensorboardX.event_file_writer import EventFileWriter  # noqa: F401 (package present)
    from tensorboardX.proto import event_pb2

    events = []
    for path in sorted(log_dir.glob("events.out.tfevents.*")):
        data = path.read_bytes()
        pos = 0
        while pos < len(data):
            length = int.from_bytes(data[pos : pos + 8], "little")
            record = data[pos + 12 : pos + 12 + length]
            pos += 12 + length + 4
            event = event_pb2.Event()
            event.ParseFromString(record)
            for v in event.summary.value:
                events.append((v.tag, event.step, v.simple_value))
    return events


def test_scalars_from_tensors_and_floats_are_written(tmp_path):
    with SummaryWriter(log_dir=str(tmp_path)) as w:
        w.add_scalar("loss/train", minitorch.tensor(0.25), 1)
        w.add_scalar("loss/train", 0.125, 2)
        w.add_histogram("weights", minitorch.randn(100), 2)
        w.add_text("note", "hello", 0)
    scalars = [e for e in _read_scalars(tmp_path) if e[0] == "loss/train"]
    assert scalars == [("loss/train", 1, 0.25), ("loss/train", 2, 0.125)]


def test_log_dir_is_reported(tmp_path):
    w = SummaryWriter(log_dir=str(tmp_path / "run1"))
    assert w.log_dir.endswith("run1")
    w.close()

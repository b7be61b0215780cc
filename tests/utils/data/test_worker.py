"""What runs inside a worker: exception transport, seeding, and get_worker_info."""

import random

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import get_worker_info
from minitorch.utils.data.worker import ExceptionWrapper, seed_worker


def wrap(error):
    try:
        raise error
    except Exception:
        return ExceptionWrapper("in DataLoader worker process 3")


class TwoArgError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


def test_reraise_keeps_type_and_traceback():
    with pytest.raises(ValueError) as info:
        wrap(ValueError("bad")).reraise()
    message = str(info.value)
    expected = "Caught ValueError in DataLoader worker process 3.\nOriginal Traceback"
    assert message.startswith(expected)
    assert "raise error" in message and message.rstrip().endswith("ValueError: bad")


def test_reraise_key_error_prints_its_message_as_is():
    with pytest.raises(KeyError) as info:
        wrap(KeyError("k")).reraise()
    assert str(info.value).startswith("Caught KeyError in DataLoader worker process 3.\n")


def test_reraise_falls_back_to_runtime_error():
    with pytest.raises(RuntimeError, match="Caught TwoArgError"):
        wrap(TwoArgError(1, 2)).reraise()


@pytest.fixture
def restore_random_state():
    saved = minitorch.get_rng_state(), random.getstate(), np.random.get_state()
    yield
    minitorch.set_rng_state(saved[0])
    random.setstate(saved[1])
    np.random.set_state(saved[2])


def test_seed_worker_seeds_every_stream(restore_random_state):
    def draws():
        return minitorch.rand(3).tolist(), random.random(), np.random.random()

    seed_worker(2**40 + 5)
    first = draws()
    seed_worker(2**40 + 5)
    assert draws() == first
    seed_worker(2**40 + 6)
    assert draws() != first


def test_no_worker_info_in_main_process():
    assert get_worker_info() is None

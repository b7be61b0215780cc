"""Random number generation: one seeded generator per process, as ``torch.manual_seed`` expects.

Draws happen on the host with numpy's PCG64 and are copied to the target device, so a seed gives
the same numbers on cpu and cuda.
"""

from __future__ import annotations

import json
import secrets

import numpy as np

from .tensor import Tensor


class Generator:
    """A reproducible stream of random numbers; pass one as ``generator=`` to own a stream."""

    def __init__(self, device="cpu"):
        self.device = device
        self.seed()

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF
        self.rng = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self) -> int:
        """Re-seed from a non-deterministic source and return the new seed."""
        self.manual_seed(secrets.randbits(63))
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        """The stream's position as a uint8 tensor (JSON bytes: safe to load back)."""
        blob = json.dumps([self._seed, self.rng.bit_generator.state]).encode()
        return Tensor._wrap(np.frombuffer(blob, dtype=np.uint8).copy())

    def set_state(self, state) -> Generator:
        seed, bit_state = json.loads(bytes(state.array.tolist()))
        self.manual_seed(seed)
        self.rng.bit_generator.state = bit_state
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator: the same seed repeats the same draws."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state) -> None:
    default_generator.set_state(state)


def rng(generator: Generator | None) -> np.random.Generator:
    """The numpy generator to draw from: the given one, else the process default."""
    return (generator or default_generator).rng

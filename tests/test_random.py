"""Tests for minitorch/random.py: seeding repeats draws, a Generator owns its stream, and RNG state
can be saved and restored."""

import numpy as np
import pytest

import minitorch

DRAWS = {
    "rand": lambda g: minitorch.rand(4, generator=g),
    "randn": lambda g: minitorch.randn(4, generator=g),
    "randint": lambda g: minitorch.randint(0, 100, (4,), generator=g),
    "randperm": lambda g: minitorch.randperm(10, generator=g),
    "normal": lambda g: minitorch.normal(0.0, 1.0, (4,), generator=g),
    "bernoulli": lambda g: minitorch.bernoulli(minitorch.full((8,), 0.5), generator=g),
    "multinomial": lambda g: minitorch.multinomial(minitorch.ones(2, 5), 3, generator=g),
    "uniform_": lambda g: minitorch.empty(4).uniform_(-1, 1, generator=g),
    "normal_": lambda g: minitorch.empty(4).normal_(generator=g),
    "bernoulli_": lambda g: minitorch.empty(8).bernoulli_(0.5, generator=g),
}


def values(t):
    return t.tolist()


@pytest.mark.parametrize("name", DRAWS)
def test_manual_seed_repeats_draws(name):
    draw = DRAWS[name]
    minitorch.manual_seed(1234)
    first = [values(draw(None)) for _ in range(3)]
    minitorch.manual_seed(1234)
    again = [values(draw(None)) for _ in range(3)]
    assert first == again
    assert first[0] != first[1] or first[1] != first[2], "successive draws must differ"


@pytest.mark.parametrize("name", DRAWS)
def test_generator_is_reproducible_on_its_own(name):
    draw = DRAWS[name]
    a = values(draw(minitorch.Generator().manual_seed(7)))
    minitorch.manual_seed(0)
    minitorch.rand(100)  # moving the default stream must not matter
    b = values(draw(minitorch.Generator().manual_seed(7)))
    assert a == b


def test_generator_does_not_advance_the_default_stream():
    minitorch.manual_seed(5)
    expected = values(minitorch.rand(3))
    minitorch.manual_seed(5)
    g = minitorch.Generator().manual_seed(99)
    minitorch.randn(10, generator=g)
    assert values(minitorch.rand(3)) == expected


def test_different_seeds_differ():
    minitorch.manual_seed(1)
    a = values(minitorch.rand(5))
    minitorch.manual_seed(2)
    assert values(minitorch.rand(5)) != a


def test_get_and_set_rng_state_restore_the_stream():
    minitorch.manual_seed(0)
    minitorch.rand(3)
    state = minitorch.get_rng_state()
    assert state.dtype == minitorch.uint8 and state.dim() == 1
    a = values(minitorch.randn(5))
    minitorch.rand(7)
    minitorch.set_rng_state(state)
    assert values(minitorch.randn(5)) == a


def test_generator_get_and_set_state():
    g = minitorch.Generator().manual_seed(3)
    state = g.get_state()
    a = values(minitorch.rand(4, generator=g))
    g.set_state(state)
    assert values(minitorch.rand(4, generator=g)) == a
    other = minitorch.Generator().set_state(state)
    assert values(minitorch.rand(4, generator=other)) == a


def test_seeds_are_reported():
    assert isinstance(minitorch.manual_seed(42), minitorch.Generator)
    assert minitorch.initial_seed() == 42
    g = minitorch.Generator()
    assert g.manual_seed(11) is g and g.initial_seed() == 11
    s = minitorch.seed()
    assert minitorch.initial_seed() == s


def test_unseeded_generators_differ():
    a = values(minitorch.rand(6, generator=minitorch.Generator()))
    b = values(minitorch.rand(6, generator=minitorch.Generator()))
    assert a != b


def test_rng_state_is_plain_data_not_a_pickle():
    """Loading a state must not be able to run code (it is JSON bytes in a uint8 tensor)."""
    state = bytes(minitorch.get_rng_state().tolist())
    assert state.lstrip().startswith(b"[")
    with pytest.raises(ValueError):
        minitorch.set_rng_state(minitorch.tensor(list(b"\x80\x04K\x01."), dtype=minitorch.uint8))


def test_seeded_dropout_style_mask_is_reproducible():
    """The pattern training scripts use: seed, then draw masks with bernoulli_ on a new tensor."""
    masks = []
    for _ in range(2):
        minitorch.manual_seed(0)
        masks.append(np.array(minitorch.empty(3, 4).bernoulli_(0.3).tolist()))
    np.testing.assert_array_equal(*masks)

"""The collector is paused for a step and as it was after, whatever happened within."""

import gc

import pytest

from reviewflow.collector import paused


def test_the_collector_is_paused_within_and_enabled_again_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with paused():
            assert not gc.isenabled()
            raise ValueError("a bad record")
    assert gc.isenabled()


def test_a_collector_already_paused_stays_paused():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_it_decorates_a_step():
    @paused()
    def step():
        return gc.isenabled()

    assert step() is False and gc.isenabled()

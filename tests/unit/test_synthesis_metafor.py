"""Effect sizes and pooling against metafor 3.8's own results for its bundled data sets
(../shared/benchmarks/meta, beside the checkout as in CI): every measure and method, to a
relative 1e-4."""

import json

import pandas as pd
import pytest
from helpers import ROOT

from reviewflow.synthesis import meta

META = ROOT.parent / "shared" / "benchmarks" / "meta"
if not META.is_dir():
    pytest.skip(f"metafor's reference results are not at {META}", allow_module_level=True)
FIELDS = ("k", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "q_p", "pi_low", "pi_high")


def expected_cases():
    for name in ("bcg", "normand1999"):
        for key, expected in json.loads((META / f"{name}_expected.json").read_text()).items():
            yield pytest.param(name, key, expected, id=f"{name}-{key}")


def close(got, want, tolerance=1e-4):
    if want is None or got is None:
        return got is None and want is None
    return abs(got - want) <= tolerance * max(abs(want), 1e-12)


@pytest.mark.parametrize(("name", "key", "expected"), list(expected_cases()))
def test_every_measure_and_method_agrees_with_metafor(name, key, expected):
    measure, rest = key.split("/")
    got = meta(pd.read_csv(META / f"{name}.csv"), measure, rest.removesuffix("+hksj"), rest.endswith("+hksj"))
    for field in FIELDS:
        assert close(got[field], expected[field]), (field, got[field], expected[field])
    assert len(got["yi"]) == len(expected["yi"])
    assert all(close(a, b) for a, b in zip(got["yi"], expected["yi"]))
    assert all(close(a, b) for a, b in zip(got["vi"], expected["vi"]))

"""The shipped abstention model: loaded with the threshold chosen on the dev set's cross-validation."""

from __future__ import annotations

import json

from index import abstain


def test_shipped_model_loads_with_its_own_threshold() -> None:
    data = json.loads(abstain.MODEL_FILE.read_text(encoding="utf-8"))
    model = abstain.load_default()
    assert model is not None and model.names == abstain.FEATURES
    assert model.threshold == data["threshold"] != 0.5


def test_hard_rules_abstain_whatever_the_probability() -> None:
    model = abstain.load_default()
    assert model is not None
    confident = dict.fromkeys(abstain.FEATURES, 0.0) | {"top_dense": 0.95, "lexical": 1.0, "n_tokens": 3.0}
    assert not model.abstains(confident)
    assert model.abstains(confident | {"type_unmet": 1.0})
    assert model.abstains(confident | {"n_tokens": 0.0})

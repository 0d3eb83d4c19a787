"""Calibrated incident classifier: metrics against scikit-learn peers and calibration."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, roc_auc_score

from medroutes.errors import InsufficientDataError
from medroutes.risk import IncidentClassifier, evaluate_incident_model, incident_target


@pytest.fixture(scope="module")
def data(sim, sim_result):
    F = sim_result.voyages
    y = incident_target(
        sim.voyages.set_index("voyage_id").loc[F["voyage_id"]].reset_index(), sim.incidents, target="fatal"
    )
    return F, y


def test_target_definitions(sim):
    v, i = sim.voyages, sim.incidents
    ship = incident_target(v, None, target="shipwreck")
    assert ship.sum() == (v["outcome"] == "shipwreck").sum()
    dis = incident_target(v, i, target="distress")
    assert dis.sum() == v["outcome"].isin(["shipwreck", "rescued"]).sum()
    fatal = incident_target(v, i, target="fatal")
    linked = i.loc[(i["dead"] + i["missing"]) > 0, "voyage_id"]
    assert fatal.sum() == (v["voyage_id"].isin(linked) | (v["outcome"] == "shipwreck")).sum()


def test_cross_validated_metrics_equal_sklearn_on_the_out_of_fold_predictions(data):
    F, y = data
    rep = evaluate_incident_model(F, y, seed=3, target="fatal")
    oof = rep.oof
    assert oof["p"].between(0, 1).all() and len(oof) == len(F)
    assert rep.roc_auc == pytest.approx(roc_auc_score(oof["y"], oof["p"]))
    assert rep.brier == pytest.approx(brier_score_loss(oof["y"], oof["p"]))
    pt, pp = calibration_curve(oof["y"], oof["p"], n_bins=10, strategy="quantile")
    np.testing.assert_allclose(rep.reliability["prob_true"], pt)
    np.testing.assert_allclose(rep.reliability["prob_pred"], pp)
    assert rep.reliability["n"].sum() == len(F)
    # the simulated hazard depends on boat type and sea state: the model must discriminate
    assert rep.roc_auc > 0.6
    assert len(rep.roc_auc_folds) == 5
    # calibrated: the mean predicted probability matches the observed rate
    assert oof["p"].mean() == pytest.approx(oof["y"].mean(), rel=0.25)
    assert "ROC AUC" in rep.summary()


def test_same_seed_same_predictions_and_too_few_cases(data):
    F, y = data
    a = evaluate_incident_model(F, y, seed=1, classifier=IncidentClassifier(method="sigmoid"))
    b = evaluate_incident_model(F, y, seed=1, classifier=IncidentClassifier(method="sigmoid"))
    np.testing.assert_array_equal(a.oof["p"], b.oof["p"])
    few = np.zeros(len(y), dtype=bool)
    few[:3] = True
    with pytest.raises(InsufficientDataError, match="positive"):
        evaluate_incident_model(F, few)

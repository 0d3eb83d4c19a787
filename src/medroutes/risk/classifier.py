"""Incident probability per voyage: a calibrated classifier and its cross-validated evaluation.

The model predicts, for one voyage, the probability that it ends in a
shipwreck (or, with ``target="distress"``, in any distress situation) from
features known at departure: boat type, persons on board, wave height and
wind at departure, passage length and month. It is scored out of fold:
ROC AUC (discrimination), Brier score (accuracy of the probabilities, with
the Brier skill score against always predicting the base rate) and the
reliability curve (calibration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from medroutes.errors import ConfigError, InsufficientDataError, SchemaError

__all__ = [
    "FEATURES",
    "IncidentClassifier",
    "IncidentModelReport",
    "evaluate_incident_model",
    "incident_target",
]

#: Feature columns used by :class:`IncidentClassifier` (those absent are skipped).
FEATURES: tuple[str, ...] = (
    "boat_type",
    "persons",
    "hs_m",
    "wind_kn",
    "passage_km",
    "month_sin",
    "month_cos",
)

_DISTRESS_OUTCOMES = ("shipwreck", "rescued")
_DISTRESS_INCIDENTS = ("shipwreck", "distress", "rescue", "death_on_board", "death")


def incident_target(
    voyages: pd.DataFrame,
    incidents: pd.DataFrame | None = None,
    *,
    target: str = "shipwreck",
) -> np.ndarray:
    """Binary target per voyage from its outcome and linked incidents.

    Parameters
    ----------
    voyages
        ``voyage_id`` and, where known, ``outcome``.
    incidents
        Incidents with ``voyage_id`` and ``incident_type`` (optional).
    target : {"shipwreck", "distress", "fatal"}
        ``"shipwreck"``: outcome ``shipwreck`` or a linked shipwreck incident.
        ``"fatal"``: outcome ``shipwreck`` or a linked incident with dead or missing.
        ``"distress"``: outcome ``shipwreck``/``rescued`` or a linked shipwreck,
        distress, rescue or death incident.

    Returns
    -------
    numpy.ndarray of bool
    """
    if target not in ("shipwreck", "distress", "fatal"):
        raise ConfigError(f"target must be 'shipwreck', 'distress' or 'fatal', got {target!r}")
    y = np.zeros(len(voyages), dtype=bool)
    if "outcome" in voyages.columns:
        out = voyages["outcome"].astype(str)
        hit = out.isin(_DISTRESS_OUTCOMES) if target == "distress" else out == "shipwreck"
        y = y | hit.to_numpy(dtype=bool)
    if incidents is not None and "voyage_id" in incidents.columns and len(incidents):
        if target == "fatal":
            from medroutes.risk.impact import dead_missing

            sel = dead_missing(incidents).fillna(0).to_numpy() > 0
        else:
            kinds = ("shipwreck",) if target == "shipwreck" else _DISTRESS_INCIDENTS
            sel = incidents["incident_type"].astype(str).isin(kinds).to_numpy()
        linked = incidents.loc[sel, "voyage_id"].dropna()
        y = y | voyages["voyage_id"].isin(linked.to_numpy()).to_numpy(dtype=bool)
    return y


class IncidentClassifier:
    """Calibrated probability that a voyage ends in an incident.

    A :class:`sklearn.calibration.CalibratedClassifierCV` around a logistic
    regression (one-hot boat type, standardised numeric features, median
    imputation) or a histogram gradient-boosting classifier.

    Parameters
    ----------
    estimator : {"logistic", "hgb"}
        Base classifier.
    method : {"sigmoid", "isotonic"}
        Calibration map (Platt scaling or isotonic regression). Sigmoid is the
        default: isotonic needs many positive cases per fold.
    cv
        Internal folds of the calibration.
    random_state
        Seed of the base estimator where it has one.

    Attributes
    ----------
    model_
        The fitted calibrated pipeline.
    features_
        Feature columns used.

    References
    ----------
    .. [1] Platt, J. (1999). Probabilistic outputs for support vector machines and
       comparisons to regularized likelihood methods. Advances in Large Margin Classifiers.
    .. [2] Niculescu-Mizil, A. & Caruana, R. (2005). Predicting good probabilities with
       supervised learning. ICML. :doi:`10.1145/1102351.1102430`
    """

    def __init__(
        self,
        *,
        estimator: str = "logistic",
        method: str = "sigmoid",
        cv: int = 3,
        random_state: int | None = 0,
    ) -> None:
        self.estimator = estimator
        self.method = method
        self.cv = cv
        self.random_state = random_state

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor parameters."""
        return {
            "estimator": self.estimator,
            "method": self.method,
            "cv": self.cv,
            "random_state": self.random_state,
        }

    def set_params(self, **params: Any) -> IncidentClassifier:
        """Set constructor parameters (scikit-learn convention)."""
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def _build(self, X: pd.DataFrame) -> Any:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.compose import ColumnTransformer
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

        if self.estimator not in ("logistic", "hgb"):
            raise ConfigError(f"estimator must be 'logistic' or 'hgb', got {self.estimator!r}")
        if self.method not in ("sigmoid", "isotonic"):
            raise ConfigError(f"method must be 'sigmoid' or 'isotonic', got {self.method!r}")
        cat = [c for c in X.columns if c == "boat_type"]
        num = [c for c in X.columns if c != "boat_type"]
        if self.estimator == "logistic":
            pre = ColumnTransformer(
                [
                    ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
                    ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
                ]
            )
            base = make_pipeline(pre, LogisticRegression(C=1.0, max_iter=1000))
        else:
            pre = ColumnTransformer(
                [
                    ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan), cat),
                    ("num", "passthrough", num),
                ]
            )
            base = make_pipeline(
                pre,
                HistGradientBoostingClassifier(
                    max_iter=150,
                    learning_rate=0.05,
                    min_samples_leaf=30,
                    categorical_features=[0] if cat else None,
                    early_stopping=False,
                    random_state=self.random_state,
                ),
            )
        return CalibratedClassifierCV(base, method=self.method, cv=self.cv)

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> IncidentClassifier:
        """Fit on voyage features (see :func:`voyage_features <medroutes.risk.classifier.FEATURES>`).

        Parameters
        ----------
        X
            Feature table with columns from :data:`FEATURES`.
        y
            Binary target per voyage.

        Returns
        -------
        IncidentClassifier
            ``self``.
        """
        # features without any observed value (e.g. no weather table) are left out
        self.features_ = [c for c in FEATURES if c in X.columns and X[c].notna().any()]
        if not self.features_:
            raise SchemaError(f"voyage features: none of {FEATURES} has data")
        self.model_ = self._build(X[self.features_]).fit(X[self.features_], np.asarray(y, dtype=int))
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Return the calibrated incident probability per voyage (1-D array)."""
        if not hasattr(self, "model_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("IncidentClassifier is not fitted")
        return self.model_.predict_proba(X[self.features_])[:, 1]

    def __repr__(self) -> str:
        return "IncidentClassifier(" + ", ".join(f"{k}={v!r}" for k, v in self.get_params().items()) + ")"


@dataclass(frozen=True, slots=True)
class IncidentModelReport:
    """Cross-validated evaluation of :class:`IncidentClassifier`.

    Attributes
    ----------
    roc_auc
        ROC AUC of the pooled out-of-fold probabilities (0.5 = no skill).
    roc_auc_folds
        ROC AUC per outer fold.
    brier
        Brier score of the out-of-fold probabilities (lower is better).
    brier_reference
        Brier score of always predicting the training base rate.
    brier_skill
        ``1 - brier / brier_reference``.
    reliability
        ``prob_pred, prob_true, n`` per bin (:func:`sklearn.calibration.calibration_curve`,
        quantile bins), for a reliability diagram.
    oof
        ``voyage_id, y, p`` out-of-fold predictions.
    n, n_positive
        Voyages and positive cases.
    target
        Target definition (``"shipwreck"`` or ``"distress"``).
    params
        Classifier parameters, folds and seed.
    """

    roc_auc: float
    roc_auc_folds: tuple[float, ...]
    brier: float
    brier_reference: float
    brier_skill: float
    reliability: pd.DataFrame
    oof: pd.DataFrame
    n: int
    n_positive: int
    target: str
    params: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """Return a one-line summary."""
        return (
            f"{self.target}: {self.n_positive:,} of {self.n:,} voyages; out-of-fold ROC AUC {self.roc_auc:.3f}, "
            f"Brier {self.brier:.4f} (base-rate reference {self.brier_reference:.4f}, skill {self.brier_skill:+.3f})"
        )

    def __repr__(self) -> str:
        return f"IncidentModelReport({self.summary()})"


def evaluate_incident_model(
    features: pd.DataFrame,
    y: np.ndarray,
    *,
    classifier: IncidentClassifier | None = None,
    n_splits: int = 5,
    n_bins: int = 10,
    seed: int | np.random.Generator | None = 0,
    target: str = "shipwreck",
) -> IncidentModelReport:
    """Cross-validate the calibrated incident classifier (stratified, shuffled folds).

    Parameters
    ----------
    features
        One row per voyage with ``voyage_id`` and feature columns (:data:`FEATURES`),
        e.g. ``RiskResult.voyages``.
    y
        Binary target per voyage (see :func:`incident_target`).
    classifier
        Unfitted classifier (default :class:`IncidentClassifier`).
    n_splits
        Outer folds.
    n_bins
        Bins of the reliability curve (quantile strategy).
    seed
        Seed of the fold assignment.
    target
        Name of the target, recorded in the report.

    Returns
    -------
    IncidentModelReport
    """
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    yv = np.asarray(y, dtype=int)
    if len(yv) != len(features):
        raise SchemaError(f"y has {len(yv)} values for {len(features)} voyages")
    npos = int(yv.sum())
    if npos < 2 * n_splits or len(yv) - npos < 2 * n_splits:
        raise InsufficientDataError(
            f"incident model: {npos} positive and {len(yv) - npos} negative voyages; need at least "
            f"{2 * n_splits} of each for {n_splits}-fold cross-validation"
        )
    rng = np.random.default_rng(seed)
    rs = int(rng.integers(0, 2**31 - 1))
    clf = IncidentClassifier() if classifier is None else classifier
    X = features.reset_index(drop=True)
    keep = [c for c in X.columns if c not in FEATURES or X[c].notna().any()]
    X = X[keep]
    p = np.full(len(yv), np.nan)
    base_p = np.full(len(yv), np.nan)
    folds = []
    from medroutes.risk.threat import _single_thread

    with _single_thread():
        for tr, te in StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=rs).split(X, yv):
            m = IncidentClassifier(**clf.get_params()).fit(X.iloc[tr], yv[tr])
            p[te] = m.predict_proba(X.iloc[te])
            base_p[te] = yv[tr].mean()
            folds.append(float(roc_auc_score(yv[te], p[te])))
    # reliability table: the bins of sklearn's calibration_curve (quantile strategy), with counts
    edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
    b = np.searchsorted(edges[1:-1], p)
    rel = (
        pd.DataFrame({"bin": b, "p": p, "y": yv})
        .groupby("bin")
        .agg(prob_pred=("p", "mean"), prob_true=("y", "mean"), n=("y", "size"))
        .reset_index(drop=True)
    )
    brier = float(brier_score_loss(yv, p))
    ref = float(brier_score_loss(yv, base_p))
    return IncidentModelReport(
        roc_auc=float(roc_auc_score(yv, p)),
        roc_auc_folds=tuple(folds),
        brier=brier,
        brier_reference=ref,
        brier_skill=1.0 - brier / ref if ref > 0 else float("nan"),
        reliability=rel,
        oof=pd.DataFrame(
            {
                "voyage_id": X["voyage_id"].to_numpy() if "voyage_id" in X else np.arange(len(yv)),
                "y": yv,
                "p": p,
            }
        ),
        n=len(yv),
        n_positive=npos,
        target=target,
        params={**clf.get_params(), "n_splits": n_splits, "fold_seed": rs},
    )

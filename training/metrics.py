"""The numbers the model card's `metrics` records: AUC with a bootstrap CI over patients, sensitivity and
specificity at the threshold, Brier score, expected calibration error (10 equal-width bins)."""
import numpy as np

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20261201


def auc(y, p):
    """Area under the ROC curve (Mann-Whitney, ties counted half); None with only one class."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    positives, negatives = int((y == 1).sum()), int((y == 0).sum())
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sorted_p = p[order]
    i = 0
    while i < len(p):  # average ranks of ties
        j = i
        while j + 1 < len(p) and sorted_p[j + 1] == sorted_p[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def bootstrap_auc_ci(y, p, patients, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """95% percentile interval of the AUC over resamples of patients (each patient's images go together).
    Resamples with one class only have no AUC and are skipped; returns (lo, hi, resamples used)."""
    y, p, patients = np.asarray(y, float), np.asarray(p, float), np.asarray(patients)
    keys = np.unique(patients)
    index = {k: np.flatnonzero(patients == k) for k in keys}
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        rows = np.concatenate([index[k] for k in rng.choice(keys, len(keys), replace=True)])
        value = auc(y[rows], p[rows])
        if value is not None:
            values.append(value)
    if not values:
        return None, None, 0
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi), len(values)


def youden_threshold(y, p):
    """The probability t maximising sensitivity + specificity - 1 when p >= t is called positive."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    best, best_t = -1.0, 0.5
    for t in np.unique(p):
        sens, spec = sensitivity_specificity(y, p, t)
        if sens + spec - 1 > best:
            best, best_t = sens + spec - 1, float(t)
    return float(min(max(best_t, 1e-6), 1 - 1e-6))


def sensitivity_specificity(y, p, threshold):
    y, called = np.asarray(y, float), np.asarray(p, float) >= threshold
    positives, negatives = (y == 1), (y == 0)
    sens = float(called[positives].mean()) if positives.any() else float("nan")
    spec = float((~called[negatives]).mean()) if negatives.any() else float("nan")
    return sens, spec


def brier(y, p):
    return float(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2))


def expected_calibration_error(y, p, bins=10):
    """Sum over 10 equal-width probability bins of |mean predicted - observed rate| weighted by the bin's share."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    which = np.minimum((p * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            error += in_bin.mean() * abs(p[in_bin].mean() - y[in_bin].mean())
    return float(error)

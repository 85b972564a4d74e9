"""Pairwise precision and recall of a clustering against a ground truth.

The relation scored is "these two accounts are the same branch": a pair counts as predicted when both
accounts share a predicted cluster, and as true when both share a true entity. Pairs are counted from
cluster sizes (n choose 2) rather than enumerated, so a million rows with large clusters stay cheap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping

Key = tuple[str, str]  # (portal, user_id lower-cased)


def _pairs(sizes: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pair_metrics(
    predicted: Mapping[Key, Hashable], truth: Mapping[Key, Hashable]
) -> tuple[float, float, int, int, int]:
    """Return (precision, recall, tp, fp, fn) over pairs of accounts.

    Scored over the keys of ``truth``. A key the prediction does not mention is a singleton there (it
    was linked to nothing); predicted keys absent from the truth are ignored, so they cannot add pairs.
    Precision (recall) is 1.0 when nothing was predicted (nothing was to be found).
    """
    pred_sizes: Counter = Counter()
    true_sizes: Counter = Counter()
    both_sizes: Counter = Counter()
    for key, entity in truth.items():
        # A unique sentinel per missing key keeps it out of every predicted cluster.
        cluster = predicted.get(key, ("__unlinked__", key))
        pred_sizes[cluster] += 1
        true_sizes[entity] += 1
        both_sizes[(cluster, entity)] += 1
    tp = _pairs(both_sizes)
    fp = _pairs(pred_sizes) - tp
    fn = _pairs(true_sizes) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn

"""Deduplication, records to citations with every merge explained: prepare, block, match and
cluster (run.py, keys.py, pairs.py, rules.py, cluster.py) and reviewers' decisions
(decisions.py). The package re-exports the names other stages use."""

from .run import (
    APART_COLUMNS,
    COLUMN_ALIASES,
    LARGE,
    MERGE_COLUMNS,
    MERGED_FIELDS,
    PAIR_COLUMNS,
    QUEUE_COLUMNS,
    SIDE_BY_SIDE,
    Dedup,
    check_unique_ids,
    deduplicate,
    deduplicate_explained,
    log,
    merge_clusters,
    prepare_records,
    title_key,
)

__all__ = [
    "log",
    "MERGED_FIELDS",
    "SIDE_BY_SIDE",
    "PAIR_COLUMNS",
    "MERGE_COLUMNS",
    "QUEUE_COLUMNS",
    "APART_COLUMNS",
    "COLUMN_ALIASES",
    "Dedup",
    "prepare_records",
    "title_key",
    "check_unique_ids",
    "LARGE",
    "deduplicate",
    "deduplicate_explained",
    "merge_clusters",
]

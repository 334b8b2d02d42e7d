"""reviewflow: a reproducible systematic-review pipeline.

The data model, from raw exports to evidence tables
----------------------------------------------------
record      One entry of one database export file (``results/<review>/ingest/<batch>/<file>.csv``).
            ``record_id`` = "R" + 16 hex digits of sha1(batch, file name, the record's raw
            text with line ends and blank lines folded); the database label is not part of
            it, so relabelling an export keeps every id. Exact repeats inside a file get
            "-2", "-3". Re-reading the same export always gives the same ids.
citation    A unique publication: a cluster of records judged to be the same
            (``results/<review>/dedup/citations.csv``; ``records.csv`` beside it maps each
            record to its citation). ``citation_id`` = "C" + the hex digits of its earliest
            member record (search batches in config order, then file, then position), so a
            record added by a later search never renames an existing citation.
decision    A person's screening decision (``resources/<review>/screening.csv``). It names a
            citation by its id, by any member record id, or by ``doi:``/``pmid:``, so it stays
            attached when later searches add duplicates.
study       A trial or other study, possibly reported in several publications (``studies.csv``
            registry, ``publications.csv`` links included citations to it). ``study_id`` is
            chosen by people (e.g. ``smith-2019``) and never generated.
arm         One arm of a study (``arms.csv``): its type (one of the review's interventions
            or comparators), the review's own arm characteristics and its Ns. Results per
            arm and timepoint, or between two arms, are in ``outcomes.csv``.
comparison  A pair of arms of one study with at least one intervention arm, derived from
            the arms (``results/<review>/studies/comparisons.csv``); rules in the config map
            it to key questions, and ``kq_overrides.csv`` sets a rule aside for a study,
            saying why.
KQ          A key question from the config. The evidence rows of a KQ are its comparisons.
vocabulary  The review's own words, in its config: designs, interventions, comparators,
            study and arm characteristics, outcome domains, timepoints and abbreviations.
            The sheets' schemas and the report's headings are built from it.

Values in the review's sheets carry a ``source``; values not from a public source are
listed in the row's ``illustrative`` column and marked with a dagger in every output.

Every table between rules is a UTF-8 CSV of text cells in a fixed row order (see
``reviewflow.tables``); every writer is deterministic, so the same inputs give the same
bytes. Logic lives here as plain functions on pandas frames; the Snakemake scripts and
the ``reviewflow`` command only read, call and write.
"""

__version__ = "0.1.0"

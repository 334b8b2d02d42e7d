"""Screening prioritisation: rank the citations awaiting a title/abstract decision by
what the team has decided so far, and test whether it is safe to stop.

Ranking: TF-IDF features of title and abstract (word unigrams and bigrams, from
scikit-learn) scored by two linear models, each standardised over the records, blended
0.7 and 0.3 while fewer than 20 includes are known, then with naive Bayes's share falling
as 20 / includes (0.15 at 40 includes):
- a linear support vector machine with the settings of ASReview LAB's default model
  (ELAS u4: C 0.11, squared hinge loss, includes weighted so their total weight is 9.8
  times the excludes'), scikit-learn's LinearSVC with a fixed seed. It is refitted when
  an include has come in since the last fit, or when the decisions have grown by a
  tenth: the model changes most when an include arrives, and refitting after every
  decision, as ASReview does, costs ten times the time for the same order within noise;
- a multinomial naive Bayes model whose includes are weighted up to balance the
  excludes (as scikit-learn's MultinomialNB with sample weights n_exclude / n_include
  computes it; smoothing alpha 1), kept here as running sums per class, so it learns
  from every decision at the cost of one row.
Either alone trails the other by 10 to 20 points of WSS@95 on some published reviews
(the SVM on a review with few includes, naive Bayes where wording varies, and the SVM
gains most as includes accumulate); the blend and its fading were chosen by measurement
on 17 labelled reviews (benchmarks/screening.py --candidates). Both models are linear in
the features, so a citation's priority is explained by the terms that raise its score
most. The same decisions give the same order on any machine.

Stopping: the hypothesis test of Callaghan and Müller-Hansen (Syst Rev 2020;9:273),
written here because no maintained library provides it. The records screened last are
treated as a random sample of those that were left when they were reached (conservative,
since a ranking puts likely includes first); if recall were below the target, at least
K includes would have been left among those, and the chance of seeing as few includes
as were seen is hypergeometric. The smallest such chance over every tail of the
screening order is the p value; below 1 - confidence, the target recall is reached with
that confidence.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from ..progress import bar

FEATURES = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 1, "strip_accents": "unicode"}
ALPHA = 1.0  # additive smoothing
MARGIN = {"C": 0.11, "include_ratio": 9.8}  # ASReview LAB's ELAS u4 support vector machine
BAYES_SHARE = 0.3  # naive Bayes's share of the blend while few includes are known; the SVM has the rest
BAYES_FADES_AFTER = 20  # includes; beyond, naive Bayes's share is BAYES_SHARE * 20 / includes
REFIT_GROWTH = 0.1  # refit the SVM when the decisions grew by this share (or an include came)


def texts(titles, abstracts) -> list[str]:
    """Title and abstract as one text; empty parts are fine (a record with neither scores
    as the average record)."""
    return [f"{t or ''} {a or ''}".strip() for t, a in zip(titles, abstracts)]


def features(documents: list[str]):
    """The TF-IDF matrix of the documents (rows in their order)."""
    return vectorised(documents)[0]


def vectorised(documents: list[str]):
    """(TF-IDF matrix, the term of each column)."""
    if not any(documents):
        documents = [*documents[:-1], "empty"] if documents else documents
    vectoriser = TfidfVectorizer(**FEATURES)
    matrix = vectoriser.fit_transform(documents)
    return matrix, vectoriser.get_feature_names_out()


class NaiveBayes:
    """Naive Bayes over TF-IDF rows, updated one decision at a time.

    A simulation asks for scores after every decision, so the work per call is kept to
    what changed: one row's columns are added to its class's sums (read from the CSR
    arrays, not through sparse indexing), the excludes' log-probabilities are updated
    at those columns only, and the includes' at the columns any include has (every
    other column holds the smoothing alone). Then one product with the matrix."""

    def __init__(self, matrix, alpha: float = ALPHA) -> None:
        self.matrix = matrix.tocsr()
        self.alpha = alpha
        self.sums = np.zeros((2, self.matrix.shape[1]))
        self.counts = np.zeros(2)
        self.log_excluded = np.full(self.matrix.shape[1], math.log(alpha))  # log(sums[0] + alpha)
        self.included_columns = np.zeros(0, dtype=int)  # where sums[1] > 0

    def add(self, rows, labels) -> None:
        rows, labels = np.asarray(rows, dtype=int), np.asarray(labels, dtype=int)
        if len(rows) == 1:
            start, stop = self.matrix.indptr[rows[0]], self.matrix.indptr[rows[0] + 1]
            columns = self.matrix.indices[start:stop]
            self._added(int(labels[0]), columns, self.matrix.data[start:stop], 1)
            return
        for label in (0, 1):
            chosen = rows[labels == label]
            if len(chosen):
                total = np.asarray(self.matrix[chosen].sum(axis=0)).ravel()
                self._added(label, np.flatnonzero(total), total[total != 0], len(chosen))

    def _added(self, label: int, columns, values, count: int) -> None:
        self.sums[label, columns] += values
        self.counts[label] += count
        if label == 0:
            self.log_excluded[columns] = np.log(self.sums[0, columns] + self.alpha)
        else:
            self.included_columns = np.flatnonzero(self.sums[1])

    def scores(self) -> np.ndarray:
        """Log-odds of include for every row (up to a constant)."""
        return self.matrix @ self.log_odds()

    def log_odds(self) -> np.ndarray:
        """The model as one vector: each column's log-odds of include."""
        weight = self.counts[0] / self.counts[1] if self.counts[1] else 1.0
        width = self.matrix.shape[1]
        log_alpha = math.log(self.alpha)
        included = self.sums[1, self.included_columns] * weight + self.alpha
        include_total = math.log(included.sum() + (width - len(included)) * self.alpha)
        exclude_total = math.log(self.sums[0].sum() + width * self.alpha)
        difference = (log_alpha - include_total + exclude_total) - self.log_excluded
        difference[self.included_columns] += np.log(included) - log_alpha
        return difference


def margin_weights(matrix, rows: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
    """(coefficient per column, intercept) of the linear SVM fitted to the decided rows,
    weighted as ASReview weights them. A fit that stops at scikit-learn's iteration limit
    is used as it is (its order is what the limit gives, the same every time)."""
    included = labels == 1
    weights = np.where(included, 1.0, included.sum() / (MARGIN["include_ratio"] * (~included).sum()))
    weights *= len(labels) / weights.sum()
    model = LinearSVC(C=MARGIN["C"], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(matrix[rows], labels, sample_weight=weights)
    return model.coef_.ravel(), float(model.intercept_[0])


def _spread(values: np.ndarray) -> float:
    """The standard deviation that puts a model's scores on a common scale."""
    return float(values.std()) or 1.0


class Ranker:
    """The blend of the SVM and naive Bayes; add() decisions, scores() for every row.
    (The share and the refit growth can be set for the benchmark's candidates.)

    Each model's scores are put on a common scale by their spread over all rows, taken
    when the SVM is fitted; between fits, after one decision at a time as in a
    simulation, naive Bayes keeps that scale and is scored on the rows still undecided
    only (a copy of the matrix with those rows, made again when a tenth of them have
    been decided): decided rows score minus infinity then. This about halves naive Bayes's
    work per step (a simulation runs 15% faster); the scale moves little between fits."""

    def __init__(
        self,
        matrix,
        bayes_share: float = BAYES_SHARE,
        refit_growth: float = REFIT_GROWTH,
        bayes_fades_after: float = BAYES_FADES_AFTER,
    ) -> None:
        self.matrix = matrix.tocsr()
        self.bayes_share, self.refit_growth, self.bayes_fades_after = bayes_share, refit_growth, bayes_fades_after
        self.bayes = NaiveBayes(self.matrix)
        self.counts = self.bayes.counts
        self.rows: list[int] = []
        self.labels: list[int] = []
        self.fitted: tuple[int, int] | None = None  # (decisions, includes) at the last SVM fit
        self.margin: np.ndarray | None = None
        self.scale: tuple[float, float] | None = None  # (SVM spread, naive Bayes spread) at the last fit
        self.undecided = np.ones(self.matrix.shape[0], dtype=bool)
        self.watched = np.zeros(0, dtype=int)  # rows scored between fits: undecided when last copied
        self.watched_matrix = self.matrix[self.watched]

    def add(self, rows, labels) -> None:
        self.bayes.add(rows, labels)
        self.rows.extend(int(r) for r in rows)
        self.labels.extend(int(label) for label in labels)
        self.undecided[np.asarray(rows, dtype=int)] = False

    def _margin(self) -> np.ndarray:
        decided, includes = len(self.rows), int(self.counts[1])
        stale = (
            self.fitted is None
            or includes != self.fitted[1]
            or decided - self.fitted[0] >= max(1.0, self.refit_growth * self.fitted[0])
        )
        if stale:
            self.margin_coefficients, _ = margin_weights(self.matrix, np.array(self.rows), np.array(self.labels))
            self.margin, self.fitted = self.matrix @ self.margin_coefficients, (decided, includes)
            self.scale = None
        return self.margin

    def scores(self) -> np.ndarray:
        """The blended score of every row (higher: more likely an include): each model's
        scores over their spread (their means shift every score alike)."""
        margin = self._margin()
        share = self.share()
        if self.scale is None:  # just fitted: every row, and the scale taken again
            bayes = self.bayes.scores()
            self.scale = (_spread(margin), _spread(bayes))
            return (1 - share) * margin / self.scale[0] + share * bayes / self.scale[1]
        if len(self.watched) == 0 or self.undecided.sum() < 0.9 * len(self.watched):
            self.watched = np.flatnonzero(self.undecided)
            self.watched_matrix = self.matrix[self.watched]
        values = np.full(self.matrix.shape[0], -np.inf)
        bayes = self.watched_matrix @ self.bayes.log_odds()
        values[self.watched] = (1 - share) * margin[self.watched] / self.scale[0] + share * bayes / self.scale[1]
        values[~self.undecided] = -np.inf
        return values

    def coefficients(self) -> np.ndarray:
        """The blend as one linear model, a coefficient per column (for explanations)."""
        self.scores()  # the SVM and the scale up to date
        share = self.share()
        return (1 - share) * self.margin_coefficients / self.scale[0] + share * self.bayes.log_odds() / self.scale[1]

    def share(self) -> float:
        """Naive Bayes's share of the blend: BAYES_SHARE while few includes are known, then
        falling as the SVM, which gains most from more includes, takes over."""
        return self.bayes_share * min(1.0, self.bayes_fades_after / max(1.0, float(self.counts[1])))


def rank(matrix, labelled: np.ndarray, labels: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """The pool's rows, most likely include first; ties keep the pool's order. Without
    both an include and an exclude there is nothing to learn: the pool's order."""
    return ranked(matrix, labelled, labels, pool)[0]


def ranked(matrix, labelled: np.ndarray, labels: np.ndarray, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(the pool's rows in rank's order, the blend's coefficient per column, or None
    when nothing was learned)."""
    if len(set(np.asarray(labels).tolist())) < 2 or len(pool) == 0:
        return pool, None
    ranker = Ranker(matrix)
    ranker.add(labelled, labels)
    values = ranker.scores()[pool]
    return pool[np.lexsort((np.arange(len(pool)), -values))], ranker.coefficients()


TERMS_SHOWN = 5


def top_terms(matrix, rows: np.ndarray, coefficients: np.ndarray, terms, count: int = TERMS_SHOWN) -> list[str]:
    """For each row, the terms that raise its score most (weight in the text times the
    model's coefficient, positive ones only), largest first, ties by term."""
    matrix = matrix.tocsr()
    shown = []
    for row in rows:
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        columns = matrix.indices[start:stop]
        contribution = matrix.data[start:stop] * coefficients[columns]
        names = terms[columns]
        best = np.lexsort((names, -contribution))[:count]
        shown.append(", ".join(str(names[i]) for i in best if contribution[i] > 0))
    return shown


def simulate(documents: list[str], labels: np.ndarray, priors: list[int], model=None) -> list[int]:
    """The order in which the method presents every record, priors first, as if a person
    screened them one at a time and the model learned from each decision at once. Until
    the decisions hold both an include and an exclude, records come in file order.
    `model`: another ranker with the same add/scores/counts (the benchmark's candidates)."""
    matrix = features(documents)
    labels = np.asarray(labels, dtype=int)
    ranker = (model or Ranker)(matrix)
    ranker.add(priors, labels[priors])
    order = list(priors)
    screened = np.zeros(len(documents), dtype=bool)
    screened[order] = True
    with bar(len(documents) - len(order), "simulating screening") as shown:
        while len(order) < len(documents):
            if ranker.counts.min() == 0:
                chosen = int(np.flatnonzero(~screened)[0])
            else:
                values = ranker.scores()
                values[screened] = -np.inf
                chosen = int(np.argmax(values))  # the first of equal scores: file order
            order.append(chosen)
            screened[chosen] = True
            ranker.add([chosen], labels[[chosen]])
            shown.update()
    return order


@dataclass(frozen=True)
class StoppingEstimate:
    screened: int
    total: int
    includes_found: int
    target_recall: float
    confidence: float
    p_value: float | None

    @property
    def safe_to_stop(self) -> bool:
        return self.p_value is not None and self.p_value < 1 - self.confidence

    def sentence(self) -> str:
        """What the worksheet header and the report say."""
        target, level = f"{self.target_recall:.0%}", f"{self.confidence:.0%}"
        if self.screened >= self.total:
            return "Every citation has a title/abstract decision."
        if self.p_value is None:
            return (
                f"{self.screened} of {self.total} citations screened, no include yet: "
                "no estimate of recall is possible; keep screening."
            )
        if self.safe_to_stop:
            return (
                f"With {level} confidence at least {target} of the relevant citations have been found "
                f"({self.includes_found} includes among {self.screened} of {self.total} screened; "
                f"p = {self.p_value:.3f}). The team may stop and record it."
            )
        return (
            f"Not yet {level} confident that {target} of the relevant citations have been found "
            f"({self.includes_found} includes among {self.screened} of {self.total} screened; "
            f"p = {self.p_value:.3f}); keep screening in order."
        )


def stopping_estimate(
    screened_labels: list[int], total: int, target_recall: float = 0.95, confidence: float = 0.95
) -> StoppingEstimate:
    """The hypothesis test over the decisions in the order they were made (1 include, 0 not)."""
    labels = np.asarray(screened_labels, dtype=int)
    found = int(labels.sum())
    if found == 0:
        return StoppingEstimate(len(labels), total, 0, target_recall, confidence, None)
    if len(labels) >= total:
        return StoppingEstimate(len(labels), total, found, target_recall, confidence, 0.0)
    # for every tail of the order (the last n screened): includes seen in it, records left
    # when it began, and the fewest includes left then for recall to be below the target
    count = len(labels)
    n = np.arange(1, count + 1)
    seen = np.cumsum(labels[::-1])
    urn = total - (count - n)
    needed = math.floor(found / target_recall + 1e-9) + 1 - (found - seen)
    possible = needed <= urn
    p_values = np.zeros(count)
    p_values[possible] = stats.hypergeom.cdf(seen[possible], urn[possible], needed[possible], n[possible])
    return StoppingEstimate(count, total, found, target_recall, confidence, float(p_values.min()))


@dataclass(frozen=True)
class StopPoint:
    """Where the stopping rule first says stop along a screening order, and what it gives."""

    screened: int  # records screened when it says stop (all of them if it never does)
    total: int
    recall: float  # share of the includes found by then
    stopped: bool  # False: the rule never said stop before the last record

    @property
    def saved(self) -> float:
        """The share of the records left unscreened."""
        return (self.total - self.screened) / self.total

    def sentence(self) -> str:
        if not self.stopped:
            return f"the stopping rule has not said stop after {self.screened} of {self.total} records"
        return (
            f"the stopping rule says stop after {self.screened} of {self.total} records: recall reached "
            f"{self.recall:.1%}, work saved {self.saved:.1%}"
        )


def first_stop(
    screened_labels: list[int], total: int, target_recall: float = 0.95, confidence: float = 0.95
) -> StopPoint:
    """Walk a screening order (labels in the order screened) to the first record at which
    the stopping rule says stop: the check a team can make in simulation of how often the
    target recall holds there. The rule can only newly pass after an exclude."""
    labels = np.asarray(screened_labels, dtype=int)
    relevant = int(labels.sum()) or 1
    found = np.cumsum(labels)
    for count in range(3, len(labels) + 1):
        if labels[count - 1] == 1:
            continue
        if stopping_estimate(labels[:count].tolist(), total, target_recall, confidence).safe_to_stop:
            return StopPoint(count, total, float(found[count - 1] / relevant), True)
    return StopPoint(len(labels), total, 1.0, False)


@dataclass(frozen=True)
class Settings:
    """The config's screening.prioritisation, with its defaults."""

    target_recall: float = 0.95
    confidence: float = 0.95
    stopped_on: str = ""

    @classmethod
    def from_config(cls, section: dict | None) -> Settings:
        return cls(**(section or {}))


def title_abstract_order(citations, decisions, awaiting: list[str], settings: Settings) -> dict:
    """The order of the citations awaiting a title/abstract decision, learned from the
    decisions made (include and maybe count as relevant), and the stopping estimate from
    those decisions in the order the sheet holds them.

    citations: the citation table; decisions: resolved decisions (citation_id, stage,
    final), in sheet order; awaiting: citation ids in the worksheet's usual order."""
    made = decisions[(decisions["stage"] == "title_abstract") & (decisions["final"] != "")]
    made = made.drop_duplicates("citation_id")
    relevant = made["final"].isin(["include", "maybe"]).astype(int).to_numpy()
    estimate = stopping_estimate(relevant.tolist(), len(citations), settings.target_recall, settings.confidence)
    position = {cid: i for i, cid in enumerate(citations["citation_id"])}
    learned = len(set(relevant.tolist())) == 2 and len(awaiting) > 0
    order, explained = list(awaiting), []
    if learned:
        matrix, terms = vectorised(texts(citations["title"], citations["abstract"]))
        labelled = np.array([position[c] for c in made["citation_id"]])
        pool = np.array([position[c] for c in awaiting])
        ids = citations["citation_id"].to_numpy()
        rows, coefficients = ranked(matrix, labelled, relevant, pool)
        order = ids[rows].tolist()
        titles = citations["title"].to_numpy()[rows]
        explained = list(zip(order, titles, top_terms(matrix, rows, coefficients, terms)))
    why = (
        "No citation awaits a title/abstract decision."
        if not awaiting
        else f"Ordered by a model trained on {len(made)} title/abstract decisions ({int(relevant.sum())} include or "
        "maybe): the most likely includes first (priority 1). The order is learned again at every run. Below, "
        "each citation with the terms of its title and abstract that raised its priority most."
        if learned
        else "In the usual order (search batch, then citation id): the model needs at least one include and one "
        "exclude at title/abstract to learn from."
    )
    return {
        "order": order,
        "ranked": learned,
        "about": [estimate.sentence(), why],
        "explained": explained,  # (citation id, title, the terms that raised its priority most), in order
        "estimate": {
            "screened": estimate.screened,
            "total": estimate.total,
            "includes_found": estimate.includes_found,
            "target_recall": estimate.target_recall,
            "confidence": estimate.confidence,
            "p_value": estimate.p_value,
            "safe_to_stop": estimate.safe_to_stop,
            "sentence": estimate.sentence(),
        },
        "ranked_by_model": learned,
        "stopped_on": settings.stopped_on,
    }

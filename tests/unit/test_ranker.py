"""The screening ranker: naive Bayes learning one decision at a time, the SVM refitted
when an include arrives or the decisions grow, the blend, and each priority explained
by the terms of the citation."""

import numpy as np
import pytest
from helpers import RELEVANT, planted

from reviewflow.screening.prioritise import NaiveBayes, Ranker, ranked, top_terms, vectorised


def corpus(count: int = 80) -> tuple[list[str], np.ndarray]:
    """Every fifth text is on the topic."""
    return planted(count, every=5)


def test_naive_bayes_learning_one_decision_at_a_time_equals_learning_them_at_once():
    docs, labels = corpus()
    matrix, _ = vectorised(docs)
    rows = np.arange(0, 40)
    together, one_by_one = NaiveBayes(matrix), NaiveBayes(matrix)
    together.add(rows, labels[rows])
    for row in rows:
        one_by_one.add([row], labels[[row]])
    assert one_by_one.counts.tolist() == together.counts.tolist() == [32, 8]
    assert np.allclose(one_by_one.scores(), together.scores(), rtol=1e-12, atol=1e-12)
    # and both equal the textbook formula, written out over every column
    sums = np.vstack([np.asarray(matrix[rows[labels[rows] == k]].sum(axis=0)).ravel() for k in (0, 1)])
    smoothed = [sums[0] + 1.0, sums[1] * (32 / 8) + 1.0]
    log_odds = (np.log(smoothed[1]) - np.log(smoothed[1].sum())) - (np.log(smoothed[0]) - np.log(smoothed[0].sum()))
    assert np.allclose(together.scores(), matrix @ log_odds)


def test_the_svm_is_refitted_when_an_include_arrives_or_the_decisions_grow_by_a_tenth():
    docs, labels = corpus(120)
    ranker = Ranker(vectorised(docs)[0])
    ranker.add(np.arange(60), labels[:60])
    ranker.scores()
    assert ranker.fitted == (60, 12)
    ranker.add([61], [0])  # one exclude more: the fit stands
    ranker.scores()
    assert ranker.fitted == (60, 12)
    ranker.add([65], [1])  # an include: refitted
    ranker.scores()
    assert ranker.fitted == (62, 13)
    for row in (62, 63, 64, 66, 67, 68):  # six excludes: 68 decisions, not yet a tenth more than 62
        ranker.add([row], [0])
        ranker.scores()
    assert ranker.fitted == (62, 13)
    ranker.add([69], [0])  # 69: a tenth more
    ranker.scores()
    assert ranker.fitted == (69, 13)


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_the_blend_is_one_linear_model_whose_coefficients_give_its_scores(share):
    docs, labels = corpus()
    matrix, _ = vectorised(docs)
    ranker = Ranker(matrix, bayes_share=share)
    ranker.add(np.arange(30), labels[:30])
    scores, coefficients = ranker.scores(), ranker.coefficients()
    # the same order up to a shift: the scores are the coefficients applied to the texts
    assert np.allclose(scores - scores.mean(), (matrix @ coefficients) - (matrix @ coefficients).mean())
    left = np.arange(30, len(docs))
    best_first = left[np.argsort(-scores[left], kind="stable")]
    assert labels[best_first[: labels[left].sum()]].all()  # every include left comes first


def test_each_priority_is_explained_by_the_terms_that_raise_it():
    docs, labels = corpus()
    matrix, terms = vectorised(docs)
    rows, coefficients = ranked(matrix, np.arange(20), labels[:20], np.arange(20, len(docs)))
    explained = top_terms(matrix, rows, coefficients, terms)
    first = explained[0].split(", ")
    assert labels[rows[0]] == 1 and 0 < len(first) <= 5
    assert all(any(word in f"{RELEVANT} cohort".split() for word in term.split()) for term in first)
    # the terms are those with the largest weight times coefficient in that text
    start, stop = matrix.indptr[rows[0]], matrix.indptr[rows[0] + 1]
    contribution = dict(
        zip(terms[matrix.indices[start:stop]], matrix.data[start:stop] * coefficients[matrix.indices[start:stop]])
    )
    assert [contribution[t] for t in first] == sorted((contribution[t] for t in first), reverse=True)
    assert min(contribution[t] for t in first) >= sorted(contribution.values(), reverse=True)[len(first) - 1]
    # an off-topic text is not explained by topic words it lacks
    last = explained[-1]
    assert not any(word in last for word in ("back pain", "physiotherapy"))


def test_same_decisions_same_order_and_nothing_learned_without_both_kinds():
    docs, labels = corpus()
    matrix, _ = vectorised(docs)
    pool = np.arange(10, len(docs))
    once = ranked(matrix, np.arange(10), labels[:10], pool)[0]
    assert ranked(matrix, np.arange(10), labels[:10], pool)[0].tolist() == once.tolist()
    kept, nothing = ranked(matrix, np.array([1, 2]), np.array([0, 0]), pool)
    assert kept.tolist() == pool.tolist() and nothing is None


def test_between_fits_only_undecided_rows_are_scored_on_the_scale_of_the_last_fit():
    docs, labels = corpus(120)
    matrix, _ = vectorised(docs)
    ranker = Ranker(matrix)
    ranker.add(np.arange(60), labels[:60])
    first = ranker.scores()  # just fitted: every row, the scale taken
    assert np.isfinite(first).all()
    margin_spread, bayes_spread = ranker.scale
    assert margin_spread == pytest.approx(ranker.margin.std()) and bayes_spread == pytest.approx(
        ranker.bayes.scores().std()
    )
    ranker.add([61], [0])  # one exclude: no refit, the same scale
    after = ranker.scores()
    assert ranker.fitted == (60, 12) and ranker.scale == (margin_spread, bayes_spread)
    undecided = np.setdiff1d(np.arange(120), [*range(60), 61])
    expected = 0.7 * ranker.margin / margin_spread + 0.3 * ranker.bayes.scores() / bayes_spread
    assert np.allclose(after[undecided], expected[undecided])
    assert np.isneginf(after[[*range(60), 61]]).all()  # decided rows are out of the running


def test_naive_bayes_share_fades_once_twenty_includes_are_known():
    docs, labels = corpus(200)  # 40 includes
    ranker = Ranker(vectorised(docs)[0])
    ranker.add(np.arange(50), labels[:50])  # 10 includes
    assert ranker.share() == 0.3
    ranker.add(np.arange(50, 100), labels[50:100])  # 20
    assert ranker.share() == 0.3
    ranker.add(np.arange(100, 200), labels[100:200])  # 40
    assert ranker.share() == pytest.approx(0.15)
    scores, coefficients = ranker.scores(), ranker.coefficients()
    margin_spread, bayes_spread = ranker.scale
    expected = 0.85 * ranker.margin_coefficients / margin_spread + 0.15 * ranker.bayes.log_odds() / bayes_spread
    assert np.allclose(coefficients, expected) and np.isfinite(scores).all()

"""The evaluation: metrics on known partitions, input errors, the CLI command."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from livenews.cli import main
from livenews.stories.evaluation import (
    ORDERS,
    EvalError,
    Row,
    adjusted_rand_index,
    bcubed,
    evaluate,
    evaluate_folds,
    ordered,
    read_rows,
    topic_bootstrap,
    topic_folds,
)

EVENTS_AT = datetime(2026, 1, 1, tzinfo=UTC)
ECB_DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "ecbplus-dev.jsonl"


def test_bcubed_of_a_perfect_clustering_is_one() -> None:
    assert bcubed(["a", "a", "b"], [1, 1, 2]) == (1.0, 1.0, 1.0)


def test_bcubed_of_everything_in_one_cluster() -> None:
    precision, recall, _ = bcubed(["a", "a", "b", "b"], [1, 1, 1, 1])
    assert (precision, recall) == (0.5, 1.0)


def test_bcubed_of_singletons_has_full_precision() -> None:
    precision, recall, _ = bcubed(["a", "a", "a", "b"], [1, 2, 3, 4])
    assert precision == 1.0
    assert recall == pytest.approx((1 / 3 * 3 + 1) / 4)


def test_adjusted_rand_index_is_one_for_equal_partitions_and_low_for_chance() -> None:
    assert adjusted_rand_index(["a", "a", "b", "b"], [7, 7, 9, 9]) == 1.0
    assert adjusted_rand_index(["a", "a", "b", "b"], [1, 2, 1, 2]) < 0


def test_rows_without_a_cluster_are_refused_with_the_line_number() -> None:
    with pytest.raises(EvalError, match="line 2"):
        list(read_rows(['{"id": 1, "title": "t", "cluster": "x"}', '{"id": 2}']))


def test_evaluate_groups_copies_and_reports_of_one_event() -> None:
    text = (
        "A magnitude 6.1 earthquake struck Velora province on Tuesday, killing 12 "
        "people and flattening homes in the town of Ostrand, officials said."
    )
    lines = [
        json.dumps({"id": "1", "title": "Velora quake", "text": text, "cluster": "q"}),
        json.dumps({"id": "2", "title": "Quake", "text": text, "cluster": "q"}),
        json.dumps(
            {
                "id": "3",
                "title": "Cup final tickets sell out",
                "text": "Fans of Marrowby Rovers bought every ticket for the final.",
                "cluster": "c",
                "published": "2026-11-28T10:00:00+00:00",
            }
        ),
    ]

    result = evaluate(list(read_rows(lines)))

    assert result["bcubed_f1"] == 1.0
    assert result["docs"] == 3 and result["found_clusters"] == 2


def test_eval_clustering_command_prints_json(tmp_path: Path) -> None:
    data = tmp_path / "set.jsonl"
    data.write_text(
        '{"id": "1", "title": "Harbour strike", "text": "", "cluster": "a"}\n'
    )
    result = CliRunner().invoke(main, ["eval", "clustering", str(data)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["docs"] == 1


def _row(number: int, cluster: str, title: str = "", text: str = "") -> Row:
    return Row(str(number), title, text, cluster, EVENTS_AT)


def test_topic_folds_split_by_topic_number_never_inside_a_topic() -> None:
    clusters = ["1", "1+", "2", "5+", "6", "10", "11+", "15", "16", "20+", "x"]
    rows = [_row(n, c) for n, c in enumerate(clusters)]

    folds = {
        name: {r.cluster for r in part} for name, part in topic_folds(rows).items()
    }

    assert folds["all"] == set(clusters)
    assert folds["low half"] == {"1", "1+", "2", "5+", "6", "10"}
    assert folds["high half"] == {"11+", "15", "16", "20+"}
    assert folds["odd"] == {"1", "1+", "5+", "11+", "15"}
    assert folds["even"] == {"2", "6", "10", "16", "20+"}
    assert folds["quarter 1"] == {"1", "1+", "2", "5+"}
    assert folds["quarter 2"] == {"6", "10"}
    assert folds["quarter 3"] == {"11+", "15"}
    assert folds["quarter 4"] == {"16", "20+"}


def test_arrival_orders_are_permutations_and_repeatable() -> None:
    rows = [_row(n, str(n)) for n in range(30)]
    for order in ORDERS:
        assert sorted(r.id for r in ordered(rows, order)) == sorted(r.id for r in rows)
    assert ordered(rows, "file") == rows
    assert ordered(rows, "reversed") == rows[::-1]
    assert ordered(rows, "shuffle-1") == ordered(rows, "shuffle-1")
    assert ordered(rows, "shuffle-1") != ordered(rows, "shuffle-2")
    with pytest.raises(ValueError):
        ordered(rows, "sideways")


def test_topic_bootstrap_is_one_for_a_perfect_run_and_lower_for_merged_events() -> None:
    rows = [_row(n, c) for n, c in enumerate(["1", "1", "1+", "1+", "2", "2", "2+"])]
    perfect = topic_bootstrap([(rows, [0, 0, 1, 1, 2, 2, 3])], draws=50)
    merged = topic_bootstrap([(rows, [0, 0, 0, 0, 2, 2, 3])], draws=50)

    assert perfect["f1_mean"] == 1.0 and perfect["share_at_least_0_90"] == 1.0
    assert merged["f1_p10"] < merged["f1_p90"] <= 1.0
    assert merged["f1_mean"] < 1.0


QUAKES = [
    ("Magnitude 6.1 earthquake strikes Velora, killing 12", "Ostrand digs out."),
    ("Velora quake kills 12 in Ostrand", "Anika Brell said 12 died in Ostrand."),
    ("Tarsis coast quake injures 3 in Mello", "Ivo Kestrel said 3 were hurt."),
    ("Mello port hit by Tarsis quake", "Ivo Kestrel said 3 dockers hurt in Mello."),
]


def test_evaluate_folds_scores_every_fold_in_every_order() -> None:
    rows = [
        _row(n, cluster, title, text)
        for n, ((title, text), cluster) in enumerate(
            zip(QUAKES * 2, ["1", "1", "1+", "1+", "2", "2", "2+", "2+"], strict=True)
        )
    ]

    report = evaluate_folds(rows, draws=20)

    assert set(report["folds"]) >= {"all", "odd", "even", "low half", "high half"}
    for figures in report["folds"].values():
        assert set(figures["f1_by_order"]) == set(ORDERS)
        assert figures["f1_min"] <= figures["f1_mean"] <= 1.0
    assert report["unseen_estimate"]["topics"] == 2


def test_eval_clustering_command_with_folds(tmp_path: Path) -> None:
    data = tmp_path / "set.jsonl"
    data.write_text(
        "".join(
            json.dumps({"id": str(n), "title": t, "text": x, "cluster": c}) + "\n"
            for n, ((t, x), c) in enumerate(
                zip(QUAKES, ["3", "3", "3+", "3+"], strict=True)
            )
        )
    )
    result = CliRunner().invoke(main, ["eval", "clustering", str(data), "--folds"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["folds"]["all"]["docs"] == 4
    assert "f1_mean" in report["unseen_estimate"]


def test_eval_clustering_command_refuses_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "clustering", str(tmp_path / "no")])
    assert result.exit_code == 1
    assert "no such file" in result.output


@pytest.mark.skipif(not ECB_DEV.is_file(), reason="ECB+ development set not here")
def test_ecb_plus_development_set_stays_above_the_recorded_figure() -> None:
    with ECB_DEV.open(encoding="utf-8") as lines:
        result = evaluate(list(read_rows(lines)))
    assert result["bcubed_f1"] >= 0.90  # docs/design-notes.md records 0.922

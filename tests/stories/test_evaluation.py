"""The evaluation: metrics on known partitions, input errors, the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from livenews.cli import main
from livenews.stories.evaluation import (
    EvalError,
    adjusted_rand_index,
    bcubed,
    evaluate,
    read_rows,
)

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


def test_eval_clustering_command_refuses_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "clustering", str(tmp_path / "no")])
    assert result.exit_code == 1
    assert "no such file" in result.output


@pytest.mark.skipif(not ECB_DEV.is_file(), reason="ECB+ development set not here")
def test_ecb_plus_development_set_stays_above_the_recorded_figure() -> None:
    with ECB_DEV.open(encoding="utf-8") as lines:
        result = evaluate(list(read_rows(lines)))
    assert result["bcubed_f1"] >= 0.87  # docs/design-notes.md records 0.877

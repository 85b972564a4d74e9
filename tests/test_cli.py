import csv

from typer.testing import CliRunner

from satupintu.cli import app

runner = CliRunner()


def test_synth_then_aggregate_file_to_file(tmp_path):
    accounts, truth, groups = tmp_path / "a.csv", tmp_path / "t.csv", tmp_path / "g.csv"
    result = runner.invoke(
        app, ["synth", "--accounts", "500", "--seed", "4", "--out", str(accounts), "--truth", str(truth)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["aggregate", "--input", str(accounts), "--output", str(groups), "--explain"])
    assert result.exit_code == 0, result.output
    with groups.open() as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["portal", "user_id", "group_id", "role", "findings"]
    assert len(rows) - 1 == 500
    assert {r[3] for r in rows[1:]} <= {"single", "member", "review"}
    assert "same canonical NPWP" in result.output


def test_aggregate_reports_a_missing_column_clearly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("portal,user_id\nlkpp,x\n")
    result = runner.invoke(app, ["aggregate", "--input", str(bad), "--output", str(tmp_path / "g.csv")])
    assert result.exit_code == 2
    assert "missing column(s): npwp" in result.output


def test_aggregate_without_output_is_refused(tmp_path):
    result = runner.invoke(app, ["aggregate", "--input", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "--output is required" in result.output

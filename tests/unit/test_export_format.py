from __future__ import annotations

from hub.audit.export_format import csv_row, spreadsheet_safe


def test_free_text_that_a_spreadsheet_would_run_is_defused() -> None:
    for text in ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tx"]:
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("A reason") == "A reason" and spreadsheet_safe(7) == 7
    row = csv_row(1, "0" * 64, "f" * 64, ["=cmd|' /C calc'!A0", ["summary"]])
    assert row[3] == "'=cmd|' /C calc'!A0" and row[-1] == "summary"

"""Value checks, the outlier rule, completion, and judging evidence files by their content."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.lib.tests.test_evidence import XLSX
from jixiao.reporting import checks, evidence


def ind(direction="higher_better", unit="万元"):
    return SimpleNamespace(direction=direction, measure_unit=unit)


@pytest.mark.parametrize("raw, expected", [("1,234.5", Decimal("1234.5")), (" 7 ", Decimal(7)), (3.25, Decimal("3.25")),
                                           (12, Decimal(12)), ("", None), (None, None)])
def test_parse_number(raw, expected):
    assert checks.parse_number(raw) == expected


@pytest.mark.parametrize("raw, message", [("abc", "不是数字"), ("=A1*2", "公式"), ("NaN", "有效"), (True, "是/否"),
                                          ("1e20", "过大"), ("1.23456", "4 位小数")])
def test_parse_number_refuses(raw, message):
    with pytest.raises(checks.ValueProblem, match=message):
        checks.parse_number(raw)


@pytest.mark.parametrize("raw", [0.0, -0.0, 120.0, -3.0, 9_999_999_999_999.0, 1e13, -1e13, float("inf"), float("nan"),
                                 1000.25, 1e-05, 0.1, 2.3456, -7.00001, 9_999_999_999_999.5, 12345.6789])
def test_number_cells_parse_as_their_text_would(raw):
    """The shortcut for number cells gives what the general path gives, refusals included."""
    try:
        expected = checks.parse_number(str(raw))
    except checks.ValueProblem as problem:
        with pytest.raises(checks.ValueProblem, match=str(problem)[:4]):
            checks.parse_number(raw)
    else:
        assert checks.parse_number(raw) == expected


@pytest.mark.parametrize("direction", ["higher_better", "lower_better", "interval", "qualitative", "milestone"])
@pytest.mark.parametrize("unit", ["万元", "个", "%", "", " 起 "])
def test_a_plain_figure_has_no_problem_a_check_would_find(direction, unit):
    indicator = ind(direction, unit)
    if checks.plain_figure(indicator):
        for number in (Decimal(-250), Decimal("-0.5"), Decimal(0), Decimal("2.5"), Decimal(10**12), None):
            assert checks.value_problems(indicator, number, "") == []
    else:
        assert any(checks.value_problems(indicator, number, "")
                   for number in (Decimal(-250), Decimal("2.5"), Decimal(1))), (direction, unit)


def test_direction_specific_plausibility():
    assert checks.value_problems(ind("lower_better", "起"), Decimal(-1), "")
    assert "整数" in checks.value_problems(ind("higher_better", "个"), Decimal("2.5"), "")[0]
    assert checks.value_problems(ind("higher_better", "%"), Decimal(-150), "")
    assert checks.value_problems(ind("higher_better", "%"), Decimal(-5), "") == []
    assert checks.value_problems(ind("qualitative", ""), Decimal(1), "")
    assert checks.value_problems(ind("qualitative", ""), None, "已完成主体工程") == []
    assert checks.value_problems(ind("higher_better"), None, "文字") == ["该指标应填写数值"]


def test_outlier_rules():
    assert "上年同期" in checks.outlier_reason(Decimal(160), [], Decimal(100))
    assert checks.outlier_reason(Decimal(140), [], Decimal(100)) == ""
    history = [Decimal(x) for x in (100, 104, 98, 101, 99)]
    assert "稳健" in checks.outlier_reason(Decimal(130), history, None)
    assert checks.outlier_reason(Decimal(103), history, None) == ""
    assert checks.outlier_reason(Decimal(130), history[:2], None) == ""  # too little history


def test_completion():
    assert checks.completion("higher_better", Decimal(50), Decimal(200)) == Decimal("25.0")
    assert checks.completion("lower_better", Decimal(8), Decimal(10)) == Decimal("125.0")
    assert checks.completion("interval", Decimal(5), Decimal(3), Decimal(6)) == Decimal(100)
    assert checks.completion("higher_better", None, Decimal(1)) is None


# The content rules themselves are tested in jixiao/lib/tests/test_evidence.py; here, that the reporting
# wrapper applies them to an upload and speaks in ValueProblems.
@pytest.mark.parametrize("name, content, kind", [("a.pdf", b"%PDF-1.7 ...", "pdf"), ("e.xlsx", XLSX, "xlsx")])
def test_evidence_accepted_by_content(name, content, kind):
    assert evidence.check_upload(SimpleUploadedFile(name, content)) == (kind, content)


@pytest.mark.parametrize("name, content, message", [
    ("证明.pdf", b"MZ\x90\x00 executable", "不是可接受的类型"),
    ("证明.pdf", b"\x89PNG\r\n\x1a\nrest", "扩展名与内容不符"),
    ("空.pdf", b"", "空"),
])
def test_evidence_refused(name, content, message):
    with pytest.raises(checks.ValueProblem, match=message):
        evidence.check_upload(SimpleUploadedFile(name, content))


def test_evidence_over_the_size_cap(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(checks.ValueProblem, match="超过上限"):
        evidence.check_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))

"""Indicators scored by 定性评级 take a grade of the scheme item's table: checks, entry page and assessor grid."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from jixiao.indicators.models import Direction
from jixiao.reporting import actions, checks
from jixiao.reporting.models import Value
from jixiao.reporting.tests.builders import world

pytestmark = pytest.mark.usefixtures("frozen")
GRADES = {"好": "1", "较好": "0.8", "一般": "0.6", "差": "0.3"}
QUALITATIVE = SimpleNamespace(direction=Direction.QUALITATIVE, measure_unit="")


@pytest.fixture
def w(cast):
    """The first item scored by 定性评级, the second a qualitative indicator scored by hand (free text)."""
    w = world(cast)
    graded, manual = w["items"]
    for item, rule, params in ((graded, "qualitative_grade", {"grades": GRADES}),
                               (manual, "manual", {"min_justification_chars": 10})):
        item.indicator.direction = Direction.QUALITATIVE
        item.indicator.save(update_fields=["direction"])
        item.rule, item.params = rule, params
        item.save(update_fields=["rule", "params"])
    return w


def test_grades_of_reads_the_table_of_a_grade_rule_only():
    assert checks.grades_of(SimpleNamespace(rule="qualitative_grade", params={"grades": GRADES})) == list(GRADES)
    assert checks.grades_of(SimpleNamespace(rule="manual", params={"grades": GRADES})) == []
    assert checks.grades_of(SimpleNamespace(rule="qualitative_grade", params={})) == []
    assert checks.grades_of(None) == []


def test_text_must_be_one_of_the_grades():
    grades = list(GRADES)
    [problem] = checks.value_problems(QUALITATIVE, None, "已全部完成", grades)
    assert "“已全部完成”不是评定等级" in problem and "好、较好、一般、差" in problem and "备注" in problem
    assert checks.value_problems(QUALITATIVE, None, "较好", grades) == []
    assert checks.value_problems(QUALITATIVE, None, "", grades) == []  # not yet filled in
    assert checks.value_problems(QUALITATIVE, None, "已全部完成") == []  # no grade table: free text


def test_entry_page_offers_the_grades_and_refuses_free_text(cast, w, login):
    graded, manual = w["items"]
    client = login(cast.street_reporter)
    page = client.get(reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk])).content.decode()
    assert f'data-testid="grade-{graded.indicator.code}"' in page and '<option value="较好">较好</option>' in page
    assert f'<label class="form-label small mb-0" for="t-{graded.indicator_id}">评定等级</label>' in page
    assert f'id="t-{graded.indicator_id}" name="text"' in page and "工作完成情况" in page
    assert f'data-testid="grade-{manual.indicator.code}"' not in page  # other rules keep the text box
    url = reverse("reporting:save_value", args=[cast.street.pk, w["q1"].pk, graded.pk])
    refused = client.post(url, {"text": "已全部完成", "note": "", "version": "0"}, HTTP_HX_REQUEST="true")
    body = refused.content.decode()
    assert refused.status_code == 422 and "不是评定等级" in body and "好、较好、一般、差" in body
    assert "（不是评定等级，请重新选择）" in body  # what was posted stays visible, marked
    assert not Value.objects.exists()
    saved = client.post(url, {"text": "较好", "note": "完成年度任务清单 12 项中的 11 项", "version": "0"},
                        HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and '<option value="较好" selected>' in saved.content.decode()
    value = Value.objects.get()
    assert (value.text, value.note) == ("较好", "完成年度任务清单 12 项中的 11 项")
    manual_url = reverse("reporting:save_value", args=[cast.street.pk, w["q1"].pk, manual.pk])
    assert client.post(manual_url, {"text": "已全部完成", "version": "0"}, HTTP_HX_REQUEST="true").status_code == 200


def test_save_value_action_refuses_a_text_outside_the_table(cast, w):
    with pytest.raises(actions.Refused, match="不是评定等级"):
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, text="优")


def test_assessor_grid_offers_the_grades_and_refuses_free_text(cast, w, login):
    graded = w["items"][0]
    actions.save_value(cast.street, w["q1"], graded, by=cast.street_reporter, text="一般", note="两项任务滞后")
    client = login(cast.assessor)
    url = reverse("reporting:assessor", args=[w["q1"].pk])
    page = client.get(url).content.decode()
    assert f'data-testid="grade-{cast.street.code}-{graded.indicator.code}"' in page
    assert f'id="g-{cast.street.pk}-{graded.indicator_id}" name="v-{cast.street.pk}-{graded.indicator_id}"' in page
    assert '<option value="一般" selected>' in page and "两项任务滞后" in page
    key = f"v-{cast.other_street.pk}-{graded.indicator_id}"
    response = client.post(url, {key: "已全部完成"})
    assert response.status_code == 422 and "不是评定等级" in response.content.decode()
    assert client.post(url, {key: "好"}).status_code == 302
    value = Value.objects.get(unit=cast.other_street)
    assert value.text == "好" and value.verified_by == cast.assessor


def test_a_stored_text_outside_the_table_is_shown_and_does_not_block_the_grid(cast, w, login):
    graded = w["items"][0]
    value = actions.save_value(cast.street, w["q1"], graded, by=cast.street_reporter, text="好")
    Value.objects.filter(pk=value.pk).update(text="已全部完成")  # entered before the grade check existed
    client = login(cast.assessor)
    url = reverse("reporting:assessor", args=[w["q1"].pk])
    page = client.get(url).content.decode()
    assert '<option value="" selected>已全部完成（不是评定等级，请重新选择）</option>' in page
    # The grid posts that cell empty (left as it is) and the other unit's grade saves.
    data = {f"v-{cast.street.pk}-{graded.indicator_id}": "", f"v-{cast.other_street.pk}-{graded.indicator_id}": "差"}
    assert client.post(url, data).status_code == 302
    assert Value.objects.get(pk=value.pk).text == "已全部完成"
    entry = login(cast.street_reporter).get(reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk]))
    assert '<option value="已全部完成" selected>已全部完成（不是评定等级，请重新选择）</option>' in entry.content.decode()


def test_the_workbook_import_takes_grades_only(cast, w):
    import io

    import openpyxl

    from jixiao.lib.excel import WorkbookError
    from jixiao.reporting import imports

    graded, manual = w["items"]

    def workbook(grade):
        buffer = io.BytesIO()
        imports.export_template(buffer, w["q1"], unit=cast.street)
        book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
        sheet = book["数据"]
        for row in range(2, sheet.max_row + 1):
            code = sheet.cell(row=row, column=3).value
            sheet.cell(row=row, column=9, value=grade if code == graded.indicator.code else "按计划完成全部工作")
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    with pytest.raises(WorkbookError) as refused:
        imports.import_file(workbook("已全部完成"), by=cast.street_reporter, expect_unit=cast.street)
    assert any("“已全部完成”不是评定等级" in str(e) for e in refused.value.errors)
    assert not Value.objects.exists()
    imports.import_file(workbook("较好"), by=cast.street_reporter, expect_unit=cast.street)
    assert Value.objects.get(indicator=graded.indicator).text == "较好"


def test_grades_come_best_first_whatever_order_the_database_returns():
    shuffled = {"差": "0.3", "较好": "0.8", "好": "1", "一般": "0.6"}
    assert checks.grades_of(SimpleNamespace(rule="qualitative_grade", params={"grades": shuffled})) == list(GRADES)


def test_a_graded_item_asks_for_no_outlier_explanation(cast, w, login):
    graded, _manual = w["items"]
    client = login(cast.street_reporter)
    page = client.get(reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk])).content.decode()
    assert f'for="t-{graded.indicator_id}">评定等级' in page
    assert f'for="x-{graded.indicator_id}"' not in page

"""The workbook pages: export, upload → preview (nothing written) → confirm, and refusals."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.indicators.models import Target
from jixiao.indicators.tests import bookworld as bw

IMPORT = reverse("indicators:book_import")


def upload(client, data, name="scheme.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def test_export_gives_the_cycle_workbook(cast, login):
    cycle, _scheme = bw.build(cast)
    response = login(cast.leader).get(reverse("indicators:book_export", args=[cycle.year]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith("scheme-2027.xlsx")
    assert bw.contents(response.content) == bw.contents(bw.export(cycle))


def test_upload_previews_then_confirm_writes(cast, login):
    cycle, _scheme = bw.build(cast)
    client = login(cast.office)
    data = bw.edit(bw.export(cycle), bw.set_cell("目标值", "目标值", 1500, 单位编码="S01", 指标编码="E202701"))
    preview = upload(client, data)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "修改 1" in page and "1200 → <strong>1500</strong>" in page
    target = Target.objects.get(cycle=cycle, unit=cast.street, indicator__code="E202701")
    assert target.target_value == Decimal(1200)
    token = preview.context["confirm"].initial["token"]
    done = client.post(IMPORT, {"token": token})
    assert done.status_code == 302
    target.refresh_from_db()
    assert target.target_value == Decimal(1500)
    assert Event.objects.filter(code="target.imported", object_id=str(target.pk)).exists()


def test_bad_upload_lists_errors_and_writes_nothing(cast, login):
    cycle, _scheme = bw.build(cast)
    data = bw.edit(bw.export(cycle), bw.set_cell("目标值", "指标编码", "NOPE", 单位编码="S01", 指标编码="E202701"))
    response = upload(login(cast.office), data)
    assert response.status_code == 422
    assert "指标编码“NOPE”不在指标库中" in response.content.decode()
    response = upload(login(cast.office), b"not a workbook", "renamed.xlsx")
    assert response.status_code == 422
    assert "文件不是 Excel 工作簿" in response.content.decode()


def test_tampered_or_foreign_token_is_refused(cast, login):
    cycle, _scheme = bw.build(cast)
    client = login(cast.office)
    data = bw.edit(bw.export(cycle), bw.set_cell("目标值", "目标值", 1500, 单位编码="S01", 指标编码="E202701"))
    token = upload(client, data).context["confirm"].initial["token"]
    response = client.post(IMPORT, {"token": token[:-2] + "xx"}, follow=True)
    assert "导入预览已过期或无效" in response.content.decode()
    assert Target.objects.get(cycle=cycle, unit=cast.street, indicator__code="E202701").target_value == 1200


def test_locked_scheme_needs_a_reason_on_the_page(cast, login):
    cycle, _scheme = bw.build(cast, year=2025, status="running")
    client = login(cast.office)
    data = bw.edit(bw.export(cycle), bw.set_cell("方案指标", "分值", 50, 指标编码="E202500"))
    data = bw.edit(data, bw.set_cell("方案指标", "分值", 30, 指标编码="E202501"))
    preview = upload(client, data)
    assert "须填写修改理由" in preview.content.decode()
    token = preview.context["confirm"].initial["token"]
    refused = client.post(IMPORT, {"token": token, "reason": ""})
    assert refused.status_code == 422
    done = client.post(IMPORT, {"token": token, "reason": "权重调整经委员会同意"})
    assert done.status_code == 302
    assert Event.objects.filter(code="scheme.changed_after_lock").count() == 2


def _new_rows(workbook):
    for unit in ("S01V01", "B01"):
        workbook["目标值"].append([unit, "", "E202701", "", "", 50, None, None, 40, None, "区定"])


def test_two_offices_confirming_the_same_new_targets_write_them_once(cast, login):
    """A double submit or a second office's confirmation of the same preview: the first writes, the second plans
    again against what is now there and finds nothing to add."""
    cycle, _scheme = bw.build(cast)
    client = login(cast.office)
    token = upload(client, bw.edit(bw.export(cycle), _new_rows)).context["confirm"].initial["token"]
    first = client.post(IMPORT, {"token": token}, follow=True)
    assert "导入完成：新增 2 行" in first.content.decode()
    second = client.post(IMPORT, {"token": token}, follow=True)
    assert "导入完成：新增 0 行，修改 0 行" in second.content.decode()
    assert Target.objects.filter(cycle=cycle, indicator__code="E202701", unit__code__in=["S01V01", "B01"]).count() == 2
    assert Event.objects.filter(code="scheme.imported").count() == 1


def test_a_target_written_between_the_plan_and_the_write_refuses_the_whole_import(cast, login, monkeypatch):
    """What a concurrent writer does on PostgreSQL, made to happen here: the target appears after the plan, the
    INSERT hits the unique key, and the page says so in Chinese with nothing of the file written."""
    from jixiao.indicators import schemeplan

    cycle, _scheme = bw.build(cast)
    client = login(cast.office)
    token = upload(client, bw.edit(bw.export(cycle), _new_rows)).context["confirm"].initial["token"]
    planned = schemeplan.plan
    indicator = Target.objects.get(cycle=cycle, unit=cast.street, indicator__code="E202701").indicator

    def plan_then_someone_writes(book):
        plan = planned(book)
        Target.objects.create(cycle=cycle, unit=cast.fgw, indicator=indicator, target_value=7)
        return plan

    monkeypatch.setattr(schemeplan, "plan", plan_then_someone_writes)
    response = client.post(IMPORT, {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == IMPORT
    assert "写入时与同时进行的其他修改冲突" in response.content.decode()
    assert not Target.objects.filter(cycle=cycle, unit__code__in=["S01V01", "B01"], indicator=indicator).exists()
    assert not Event.objects.filter(code="scheme.imported").exists()


def test_a_file_with_thousands_of_problems_lists_the_first_500(cast, login):
    cycle, _scheme = bw.build(cast)

    def unknown_units(workbook):
        for i in range(1_200):
            workbook["目标值"].append([f"X{i}", "", "E202701", "", "", 5, None, None, None, None, "区定"])

    response = upload(login(cast.office), bw.edit(bw.export(cycle), unknown_units))
    assert response.status_code == 422
    page = response.content.decode()
    assert "文件有 1200 处问题" in page and "另有 700 处未列出" in page
    assert page.count("不存在</td>") == 500
    assert "单位编码“X499”不存在" in page and "单位编码“X500”不存在" not in page


def test_preview_and_confirm_leave_the_garbage_collector_on(cast, login, monkeypatch):
    """The pages import in a server thread: pausing the cyclic collector there would pause it for every request the
    worker process serves meanwhile (it is process-wide). Only the `import_scheme` command pauses it."""
    import gc

    from jixiao.indicators import schemeimport, schemeplan

    seen = []

    def recording(method):
        def wrapper(self, *args, **kwargs):
            seen.append((method.__name__, gc.isenabled()))
            return method(self, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(schemeplan.Planner, "check_targets", recording(schemeplan.Planner.check_targets))
    monkeypatch.setattr(schemeimport._BookWriter, "write", recording(schemeimport._BookWriter.write))
    cycle, _scheme = bw.build(cast)
    client = login(cast.office)
    data = bw.edit(bw.export(cycle), bw.set_cell("目标值", "目标值", 1500, 单位编码="S01", 指标编码="E202701"))
    preview = upload(client, data)
    assert preview.status_code == 200
    assert seen == [("check_targets", True)]
    done = client.post(IMPORT, {"token": preview.context["confirm"].initial["token"]})
    assert done.status_code == 302
    assert seen == [("check_targets", True), ("check_targets", True), ("write", True)]
    assert Target.objects.get(cycle=cycle, unit=cast.street, indicator__code="E202701").target_value == 1500

import datetime
import io

import openpyxl
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.org import actions
from jixiao.org.models import Cadre

D = datetime.date


def make(cast, unit, name, post="member", ended=None):
    return Cadre.objects.create(unit=unit, name=name, post=post, title="副主任", tenure_from=D(2021, 1, 1),
                                tenure_to=ended)


def test_create_edit_and_end_tenure_are_audited(cast, login):
    client = login(cast.office)
    response = client.post(reverse("org:cadre_create", args=[cast.fgw.pk]),
                           {"name": "王五", "post": "main", "title": "主任", "tenure_from": "2023-01-01"})
    assert response.status_code == 302
    cadre = Cadre.objects.get(name="王五")
    response = client.post(reverse("org:cadre_edit", args=[cadre.pk]),
                           {"name": "王五", "post": "main", "title": "党组书记、主任", "tenure_from": "2023-01-01"})
    assert response.status_code == 302
    response = client.post(reverse("org:cadre_end", args=[cadre.pk]), {"tenure_to": "2025-06-30"})
    cadre.refresh_from_db()
    assert cadre.title == "党组书记、主任" and cadre.tenure_to == D(2025, 6, 30)
    codes = list(Event.objects.filter(object_type="org.Cadre").order_by("id").values_list("code", flat=True))
    assert codes == ["cadre.created", "cadre.updated", "cadre.ended"]
    assert Event.objects.get(code="cadre.updated").before["title"] == "主任"


def test_bad_cadre_form_re_renders_detail_with_errors(cast, login):
    response = login(cast.office).post(reverse("org:cadre_create", args=[cast.fgw.pk]),
                                       {"name": "", "post": "main", "title": "主任", "tenure_from": "x"})
    assert response.status_code == 422
    assert "show" in response.content.decode() and not Cadre.objects.exists()


def test_end_tenure_before_start_is_refused(cast, login):
    cadre = make(cast, cast.fgw, "赵六")
    response = login(cast.office).post(reverse("org:cadre_end", args=[cadre.pk]), {"tenure_to": "2020-01-01"},
                                       follow=True)
    assert "不能早于" in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.tenure_to is None


def test_list_filters_by_unit_post_and_office(cast, login):
    make(cast, cast.fgw, "在任甲", post="main")
    make(cast, cast.tjj, "在任乙")
    make(cast, cast.tjj, "离任丙", ended=D(2024, 1, 1))
    client = login(cast.leader)
    page = client.get(reverse("org:cadre_list")).content.decode()
    assert "在任甲" in page and "在任乙" in page and "离任丙" not in page
    page = client.get(reverse("org:cadre_list"), {"q": "统计", "in_office": ""}).content.decode()
    assert "在任甲" not in page and "在任乙" in page and "离任丙" in page
    page = client.get(reverse("org:cadre_list"), {"post": "main"}).content.decode()
    assert "在任甲" in page and "在任乙" not in page


def test_list_query_count_does_not_grow(cast, login, django_assert_max_num_queries):
    client = login(cast.office)
    for i in range(30):
        make(cast, cast.fgw if i % 2 else cast.tjj, f"干部{i}")
    with django_assert_max_num_queries(12):
        client.get(reverse("org:cadre_list"))


def test_export_follows_filters_and_is_audited(cast, login):
    make(cast, cast.fgw, "在任甲", post="main")
    make(cast, cast.tjj, "=HYPERLINK(\"x\")")
    response = login(cast.office).get(reverse("org:cadre_export"), {"q": "统计"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["干部"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位编码", "单位名称", "姓名")
    assert [r[2] for r in rows[1:]] == ["=HYPERLINK(\"x\")"]
    assert sheet["C2"].data_type == "s"
    event = Event.objects.get(code="cadre.exported")
    assert event.after == {"count": 1, "filters": {"q": "统计", "in_office": "yes"}}


def test_actions_refuse_cadres_for_retired_units(cast):
    actions.retire_unit(cast.village, D(2025, 1, 1), by=cast.office)
    cast.village.refresh_from_db()
    try:
        actions.create_cadre(cast.village, by=cast.office, name="某", post="main", title="书记",
                             tenure_from=D(2024, 1, 1))
    except Exception as exc:  # noqa: BLE001
        assert "已撤销" in str(exc)
    assert not Cadre.objects.exists()

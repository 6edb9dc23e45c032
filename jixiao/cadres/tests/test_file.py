"""The cadre's performance file (实绩档案): what it gathers, who reads it, its .docx, and the audit of each reading."""

import io

import pytest
from django.urls import reverse
from docx import Document

from jixiao.audit.models import Event
from jixiao.cadres.file import build
from jixiao.cadres.tests import use_world


@pytest.fixture
def world(cast):
    return use_world.build(cast)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_posts_of_one_person_join_through_their_account(world, cast):
    file = build(world.li_street)
    assert [p.pk for p in file.posts] == [world.li_fgw.pk, world.li_street.pk]
    assert [(r.cycle.year, r.unit.code) for r in file.rows] == [(2025, "S01"), (2024, "B01")]
    rows = {r.cycle.year: r for r in file.rows}
    assert rows[2025].assessment.get_grade_display() == "优秀"
    assert rows[2025].team.get_grade_display() == "一般"  # 华明街道's team, the unit he moved to
    assert rows[2024].record.grade_label == "优秀" and rows[2024].team.get_grade_display() == "较差"
    assert build(world.li_fgw).posts == file.posts  # either post opens the same file


def test_a_post_without_an_account_stands_alone_even_beside_a_namesake(world, cast):
    from jixiao.org.models import Cadre

    namesake = Cadre.objects.create(unit=cast.tjj, name="王五", post="member", title="副局长",
                                    tenure_from=world.wang.tenure_from)
    assert [p.pk for p in build(world.wang).posts] == [world.wang.pk]
    assert build(namesake).rows == []


def test_the_file_holds_results_grades_tasks_talks_and_accountability(world):
    file = build(world.zhang)
    years = {r.cycle.year: r for r in file.rows}
    assert years[2025].record.total == use_world.Decimal("78.40")
    assert years[2025].assessment.score == use_world.ZHANG_SCORE_2025
    assert [t.code for t in file.key_tasks] == ["ZD-2025-07"]
    assert [talk.held_by for _, talk in file.talks] == ["区委组织部部长"]
    assert [a.decision for a in file.accountabilities] == ["诫勉谈话"]


def test_the_org_dept_reads_a_file_and_each_reading_is_audited(world, login):
    page = login(world.orgdept).get(reverse("cadres:file_detail", args=[world.zhang.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ["张三 · 实绩档案", "71.37", "基本称职", "老旧小区改造", "单位绩效下滑", "诫勉谈话", "78.40",
                  use_world.ZHANG_REASON, f"校准为“基本称职”：{use_world.ZHANG_CALIBRATION}"]:
        assert shown in text, shown
    assert "关联登录账号" not in text and "记录问责" not in text  # read-only
    event = Event.objects.get(code="cadre.file_viewed")
    assert (event.user_id, event.object_id) == (world.orgdept.pk, str(world.zhang.pk))
    assert event.after["years"] == [2024, 2025]


def test_the_docx_material_is_the_file_and_its_export_is_audited(world, login):
    response = login(world.orgdept).get(reverse("cadres:file_export", args=[world.zhang.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in response["Content-Disposition"]
    text = _docx_text(response.content)
    for shown in ["张三同志实绩材料", "华明街道", "71.37分，基本称职", "78.40分，第3/4名，一般", "老旧小区改造",
                  "区委组织部部长", "诫勉谈话", "仅供干部选拔任用工作使用",
                  f"2025年度（华明街道）定等理由：{use_world.ZHANG_REASON}；校准为“基本称职”：{use_world.ZHANG_CALIBRATION}"]:
        assert shown in text, shown
    assert Event.objects.filter(code="cadre.file_exported", user_id=world.orgdept.pk,
                                object_id=str(world.zhang.pk)).count() == 1
    assert not Event.objects.filter(code="cadre.file_viewed").exists()


def test_a_cadre_reads_their_own_file_and_no_other(world, login):
    client = login(world.lisi)
    assert client.get(reverse("cadres:file_list")).url == reverse("cadres:file_detail",
                                                                  args=[world.li_street.pk])
    own = client.get(reverse("cadres:file_detail", args=[world.li_fgw.pk]))
    assert own.status_code == 200 and "93.19" in own.content.decode()
    assert client.get(reverse("cadres:file_export", args=[world.li_street.pk])).status_code == 200
    for other in (world.zhang, world.wang):
        assert client.get(reverse("cadres:file_detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("cadres:file_export", args=[other.pk])).status_code == 404
    assert client.get(reverse("cadres:file_detail", args=[999999])).status_code == 404
    assert client.get(reverse("cadres:lists")).status_code == 403
    assert client.get(reverse("cadres:accountability_list")).status_code == 403
    assert client.post(reverse("cadres:file_link", args=[world.li_street.pk]), {"username": "lisi"}).status_code \
        == 403


def test_a_reporter_guessing_cadre_urls_gets_403(world, cast, login):
    client = login(cast.street_reporter)  # 张三's own unit
    for url in [reverse("cadres:file_list"), reverse("cadres:file_detail", args=[world.zhang.pk]),
                reverse("cadres:file_export", args=[world.zhang.pk]), reverse("cadres:file_detail", args=[999999]),
                reverse("cadres:lists"), reverse("cadres:lists_export"), reverse("cadres:accountability_list"),
                reverse("cadres:accountability_create", args=[world.zhang.pk])]:
        assert client.get(url).status_code == 403, url
    assert not Event.objects.filter(code__in=["cadre.file_viewed", "cadre.file_exported"]).exists()


def test_the_office_links_an_account_and_the_posts_join(world, cast, login):
    client = login(cast.office)
    url = reverse("cadres:file_link", args=[world.wang.pk])
    assert client.post(url, {"username": "LISI"}).status_code == 302
    assert world.lisi.cadre_posts.filter(pk=world.wang.pk).exists()
    assert [p.pk for p in build(world.wang).posts] == [world.wang.pk, world.li_fgw.pk, world.li_street.pk]
    assert Event.objects.filter(code="cadre.account_linked", object_id=str(world.wang.pk)).count() == 1
    page = client.post(url, {"username": "nobody"}, follow=True).content.decode()
    assert "没有启用的登录账号“nobody”" in page
    page = client.post(url, {"username": "lisi"}, follow=True).content.decode()
    assert "已关联该任职记录" in page
    assert Event.objects.filter(code="cadre.link_refused").count() == 2
    unlink = reverse("cadres:file_unlink", args=[world.wang.pk, world.lisi.pk])
    assert client.post(unlink).status_code == 302
    assert not world.lisi.cadre_posts.filter(pk=world.wang.pk).exists()


def test_the_file_page_reads_in_a_fixed_number_of_queries(world, cast, login, django_assert_max_num_queries):
    client = login(world.orgdept)
    url = reverse("cadres:file_detail", args=[world.zhang.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200

"""A small world of cadre results for the tests of the file, the lists, accountability and privacy.

On the cast: 2024 and 2025 cycles beside the cast's 2026. 张三 is the main leader of 华明街道 (cast.street) since
2024. 李四 was a member of 区发改委 until 2025-06-30, then a member of 华明街道 from 2025-07-01: two posts of one
person, linked to the account `lisi` (who also reports for 区统计局). 王五 is a member of 金桥街道 (no account).
Grades carry the markers below, so a page that shows one shows cadre data.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from jixiao.accounts.roles import Role
from jixiao.cadres.models import Accountability, CadreAssessment, TeamAssessment
from jixiao.keywork.models import KeyTask
from jixiao.org.models import Cadre, CadrePost, Cycle, CycleStatus
from jixiao.results.models import CadreRecord, Talk
from tests.cast import grant, make_user

# Distinctive figures: nothing else in the cast shows them.
ZHANG_SCORE_2025, LI_SCORE_2025 = Decimal("71.37"), Decimal("93.19")
ZHANG_REASON = "综合得分71.37分，达到“称职”分数线70分"
ZHANG_CALIBRATION = "考核委员会审定：分管重点项目连续两季度滞后"


def _cycle(year):
    return Cycle.objects.create(year=year, name=f"{year}年度", status=CycleStatus.PUBLISHED,
                                starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31))


def _assess(cycle, cadre, grade, score, unit=None, **extra):
    return CadreAssessment.objects.create(
        cycle=cycle, cadre=cadre, unit=unit or cadre.unit, post=cadre.post, title=cadre.title, score=score,
        computed_grade=grade, grade=grade, computed_at=timezone.now(), **extra)


def _record(cycle, cadre, grade, total):
    return CadreRecord.objects.create(cycle=cycle, cadre=cadre, unit=cadre.unit, post=cadre.post, title=cadre.title,
                                      group_name="街道组", total=total, rank=3, group_size=4, grade=grade,
                                      recorded_at=timezone.now())


def build(cast) -> SimpleNamespace:
    c2024, c2025 = _cycle(2024), _cycle(2025)
    zhang = Cadre.objects.create(unit=cast.street, name="张三", post=CadrePost.MAIN_LEADER, title="党工委书记",
                                 tenure_from=datetime.date(2024, 1, 1))
    li_fgw = Cadre.objects.create(unit=cast.fgw, name="李四", post=CadrePost.TEAM_MEMBER, title="副主任",
                                  tenure_from=datetime.date(2023, 3, 1), tenure_to=datetime.date(2025, 6, 30))
    li_street = Cadre.objects.create(unit=cast.street, name="李四", post=CadrePost.TEAM_MEMBER, title="副主任",
                                     tenure_from=datetime.date(2025, 7, 1))
    wang = Cadre.objects.create(unit=cast.other_street, name="王五", post=CadrePost.TEAM_MEMBER, title="副书记",
                                tenure_from=datetime.date(2022, 1, 1))
    lisi = make_user("lisi", "李四")
    grant(lisi, cast.tjj, Role.REPORTER)
    lisi.cadre_posts.add(li_fgw, li_street)
    orgdept = make_user("orgdept", "组织部干部科")
    grant(orgdept, cast.district, Role.ORG_DEPT)

    now = timezone.now()
    TeamAssessment.objects.create(cycle=c2025, unit=cast.street, score=Decimal("66.10"), grade="average",
                                  computed_at=now)
    TeamAssessment.objects.create(cycle=c2025, unit=cast.other_street, score=Decimal("90.00"), grade="good",
                                  computed_at=now)
    TeamAssessment.objects.create(cycle=c2024, unit=cast.fgw, score=Decimal("55.00"), grade="poor", computed_at=now)
    _assess(c2024, zhang, "basic", Decimal("74.00"))
    _assess(c2025, zhang, "basic", ZHANG_SCORE_2025, reasons=[ZHANG_REASON], calibration_reason=ZHANG_CALIBRATION,
            calibrated_by=cast.office, calibrated_at=now)
    _assess(c2024, li_fgw, "competent", Decimal("85.00"))
    _assess(c2025, li_street, "excellent", LI_SCORE_2025)
    _assess(c2025, wang, "incompetent", Decimal("52.00"))
    record_2025 = _record(c2025, zhang, "average", Decimal("78.40"))
    _record(c2024, zhang, "good", Decimal("84.20"))
    _record(c2024, li_fgw, "excellent", Decimal("95.10"))
    Talk.objects.create(record=record_2025, held_on=datetime.date(2026, 3, 2), held_by="区委组织部部长",
                        summary="单位绩效下滑，要求制定改进措施", recorded_by=cast.office, recorded_at=now)
    task = KeyTask.objects.create(cycle=c2025, code="ZD-2025-07", name="老旧小区改造", source="livelihood",
                                  lead_unit=cast.street, leader_cadre=zhang, annual_goal="完成12个小区")
    case = Accountability.objects.create(cadre=zhang, unit=cast.street, cycle=c2025, kind="inaction",
                                         reason="重点项目推进不力，连续两季度滞后", decision="诫勉谈话",
                                         decided_on=datetime.date(2026, 2, 10), recorded_by=cast.office,
                                         recorded_at=now)
    return SimpleNamespace(c2024=c2024, c2025=c2025, zhang=zhang, li_fgw=li_fgw, li_street=li_street, wang=wang,
                           lisi=lisi, orgdept=orgdept, record_2025=record_2025, task=task, case=case)

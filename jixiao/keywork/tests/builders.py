"""Key-work objects for tests, built in code on top of the cast."""

import datetime
from decimal import Decimal

from jixiao.keywork import actions
from jixiao.keywork.models import KeyTask, TaskSource
from jixiao.org.models import Cadre, CadrePost

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def leader_cadre(cast) -> Cadre:
    cadre = Cadre.objects.filter(unit=cast.district).first()
    return cadre or Cadre.objects.create(unit=cast.district, name="leader", post=CadrePost.TEAM_MEMBER,
                                         title="副区长", tenure_from=datetime.date(2021, 1, 1))


def quarterly(year: int) -> list[dict]:
    ends = {"Q1": (3, 31), "Q2": (6, 30), "Q3": (9, 30), "Q4": (12, 31)}
    return [{"period_code": code, "due_on": datetime.date(year, *md), "description": f"{code} 节点"}
            for code, md in ends.items()]


def task(cast, *, code="ZD-01", lead=None, cooperating=(), assessor=None, points="5", cycle=None) -> KeyTask:
    cycle = cycle or cast.cycle
    t = KeyTask(cycle=cycle, code=code, name=f"重点工作{code}", source=TaskSource.LIVELIHOOD,
                lead_unit=lead or cast.street, leader_cadre=leader_cadre(cast), leader_user=cast.leader,
                annual_goal="全面完成", points=Decimal(points), assessor_unit=assessor or cast.tjj)
    return actions.save_task(t, by=cast.office, cooperating=list(cooperating), milestones=quarterly(cycle.year),
                             sub_tasks=[])

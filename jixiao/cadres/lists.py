"""The lists a cycle's results call for (结果运用), each entry with its reasons:

- 组织谈话: main leaders of units graded 一般 or worse (the unit's released result); cadres graded 基本称职 or worse;
- 拟表彰: cadres graded 优秀, teams graded 好;
- 拟调整: cadres graded 不称职; teams graded 较差; cadres graded 基本称职 in this cycle and the one before
  (连续两年; the same person through the posts linked to one account, else the same post).

A cadre appears once in a list, with every reason that put them there. Grades are the determined ones (`grade`,
after calibration); a cadre whose grade is not yet determined is in no list by their grade.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from jixiao.accounts.models import User
from jixiao.cadres.models import CadreAssessment, CadreGrade, TeamAssessment, TeamGrade
from jixiao.org.models import Cadre, CadrePost, Cycle
from jixiao.results import queries
from jixiao.results.models import CadreRecord
from jixiao.scoring.models import ScoreRun
from jixiao.scoring.types import GRADE_LABELS

TALK, COMMEND, ADJUST = "talk", "commend", "adjust"
TITLES = {TALK: "组织谈话名单", COMMEND: "拟表彰名单", ADJUST: "拟调整名单"}
BASIC_OR_WORSE = (CadreGrade.BASIC, CadreGrade.INCOMPETENT)


@dataclass
class Entry:
    """A cadre (or, for a team, `cadre` None) in a list, with the unit, the grades and the reasons."""

    unit: object
    cadre: Cadre | None = None
    title: str = "领导班子"
    post_label: str = ""
    cadre_grade: str = ""
    team_grade: str = ""
    unit_grade: str = ""
    talk: object = None
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.cadre.name if self.cadre else f"{self.unit.name}领导班子"


def previous_cycle(cycle: Cycle) -> Cycle | None:
    return Cycle.objects.filter(year__lt=cycle.year).order_by("-year").first()


def unit_grades(cycle: Cycle) -> dict[int, str]:
    """Each unit's grade in the cycle's standing results released to the units (what a cadre record holds)."""
    runs = queries.official_runs(cycle, ScoreRun.objects.released())
    return {r.unit_id: r.grade for r in queries.results_of(runs)}


def same_person(cadre_ids) -> dict[int, set[int]]:
    """For each cadre post, the posts of the same person (linked to the same account), itself included."""
    links = User.cadre_posts.through.objects
    rows = list(links.filter(user_id__in=links.filter(cadre_id__in=cadre_ids).values("user_id"))
                .values_list("user_id", "cadre_id"))
    by_user = defaultdict(set)
    for user_id, cadre_id in rows:
        by_user[user_id].add(cadre_id)
    people = {cid: {cid} for cid in cadre_ids}
    for user_id, cadre_id in rows:
        people.setdefault(cadre_id, {cadre_id}).update(by_user[user_id])
    return people


class _Lists:
    def __init__(self):
        self.entries = {TALK: {}, COMMEND: {}, ADJUST: {}}

    def add(self, kind: str, key, make, reason: str) -> None:
        entry = self.entries[kind].get(key)
        if entry is None:
            entry = self.entries[kind][key] = make()
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    def result(self) -> dict[str, list[Entry]]:
        order = lambda e: (e.unit.sort_order, e.unit.code, e.cadre is not None, e.post_label, e.name)  # noqa: E731
        return {kind: sorted(found.values(), key=order) for kind, found in self.entries.items()}


def for_cycle(cycle: Cycle) -> dict[str, list[Entry]]:
    """The cycle's three lists, each sorted by unit, the team before its cadres."""
    grades = unit_grades(cycle)
    teams = {t.unit_id: t for t in TeamAssessment.objects.filter(cycle=cycle).select_related("unit")}
    assessments = list(CadreAssessment.objects.filter(cycle=cycle).select_related("cadre", "unit"))
    records = {r.cadre_id: r for r in CadreRecord.objects.filter(cycle=cycle).select_related("cadre", "unit", "talk")}
    lists = _Lists()
    _team_entries(lists, teams, grades)
    for a in assessments:
        _cadre_entries(lists, a, teams, grades, records.get(a.cadre_id))
    _unassessed_main_leaders(lists, records, {a.cadre_id for a in assessments}, teams, grades)
    _repeated_basic(lists, cycle, assessments, teams, grades, records)
    return lists.result()


def _unit_grade(a, grades, record) -> str:
    """The unit's grade for the cadre: as their cadre record holds it, else from the released results."""
    return record.grade if record is not None and record.unit_id == a.unit_id else grades.get(a.unit_id, "")


def _entry(a, teams, grades, record):
    team = teams.get(a.unit_id)
    return lambda: Entry(unit=a.unit, cadre=a.cadre, title=a.title, post_label=CadrePost(a.post).label
                         if a.post in CadrePost.values else a.post, cadre_grade=a.get_grade_display(),
                         team_grade=team.get_grade_display() if team and team.grade else "",
                         unit_grade=GRADE_LABELS.get(_unit_grade(a, grades, record), ""),
                         talk=getattr(record, "talk", None) if record else None)


def _team_entries(lists, teams, grades):
    for team in teams.values():
        make = lambda team=team: Entry(unit=team.unit, team_grade=team.get_grade_display(),  # noqa: E731
                                       unit_grade=GRADE_LABELS.get(grades.get(team.unit_id, ""), ""))
        if team.grade == TeamGrade.GOOD:
            lists.add(COMMEND, ("team", team.unit_id), make, "领导班子考核等次为“好”")
        elif team.grade == TeamGrade.POOR:
            lists.add(ADJUST, ("team", team.unit_id), make, "领导班子考核等次为“较差”")


def _cadre_entries(lists, a, teams, grades, record):
    make, key = _entry(a, teams, grades, record), ("cadre", a.cadre_id)
    unit_grade = _unit_grade(a, grades, record)
    if a.post == CadrePost.MAIN_LEADER and unit_grade in queries.AVERAGE_OR_WORSE:
        lists.add(TALK, key, make, f"主要领导，单位绩效考核等次为“{GRADE_LABELS[unit_grade]}”")
    if a.grade in BASIC_OR_WORSE:
        lists.add(TALK, key, make, f"个人考核等次为“{a.get_grade_display()}”")
    if a.grade == CadreGrade.EXCELLENT:
        lists.add(COMMEND, key, make, "个人考核等次为“优秀”")
    if a.grade == CadreGrade.INCOMPETENT:
        lists.add(ADJUST, key, make, "个人考核等次为“不称职”")


def _unassessed_main_leaders(lists, records, assessed, teams, grades):
    """Main leaders with a cadre record but no personal assessment yet still owe a talk for their unit's grade."""
    for record in records.values():
        if record.cadre_id in assessed or record.post != CadrePost.MAIN_LEADER:
            continue
        if record.grade in queries.AVERAGE_OR_WORSE:
            team = teams.get(record.unit_id)
            make = lambda record=record, team=team: Entry(  # noqa: E731
                unit=record.unit, cadre=record.cadre, title=record.title, post_label=CadrePost.MAIN_LEADER.label,
                team_grade=team.get_grade_display() if team and team.grade else "",
                unit_grade=record.grade_label, talk=getattr(record, "talk", None))
            lists.add(TALK, ("cadre", record.cadre_id), make,
                      f"主要领导，单位绩效考核等次为“{record.grade_label}”")


def _repeated_basic(lists, cycle, assessments, teams, grades, records):
    """基本称职 this cycle and in the cycle before, by the same person (any of their posts)."""
    before = previous_cycle(cycle)
    basic_now = [a for a in assessments if a.grade == CadreGrade.BASIC]
    if before is None or not basic_now:
        return
    people = same_person([a.cadre_id for a in basic_now])
    earlier = set(CadreAssessment.objects.filter(cycle=before, grade=CadreGrade.BASIC)
                  .values_list("cadre_id", flat=True))
    for a in basic_now:
        if people.get(a.cadre_id, {a.cadre_id}) & earlier:
            lists.add(ADJUST, ("cadre", a.cadre_id), _entry(a, teams, grades, records.get(a.cadre_id)),
                      f"连续两年考核为“基本称职”（{before.year}、{cycle.year}年度）")

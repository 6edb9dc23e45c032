"""A cadre's multi-year performance file (实绩档案): posts, units, yearly unit results, team and personal grades,
key tasks, talks and accountability. Read-only; the views audit every reading (personal data, PIPL).

One person may hold several posts over the years (each an `org.Cadre` row). The posts of one person are those
linked to the same account (`User.cadre_posts`); a post linked to no account stands alone. Names are never used
to join posts: two cadres of the same name are two people until the office links them.
"""

from dataclasses import dataclass, field

from jixiao.cadres.models import Accountability, CadreAssessment, TeamAssessment
from jixiao.keywork.models import KeyTask
from jixiao.org.models import Cadre, Cycle
from jixiao.results.models import CadreRecord


def posts_of(cadre: Cadre) -> list[Cadre]:
    """Every post of the cadre's person, oldest first: those linked to the same account(s), else the one post."""
    linked = Cadre.objects.filter(accounts__cadre_posts=cadre).distinct()
    return list((linked if linked.exists() else Cadre.objects.filter(pk=cadre.pk))
                .select_related("unit").order_by("tenure_from", "id"))


def _overlaps(post: Cadre, cycle: Cycle) -> bool:
    return post.tenure_from <= cycle.ends_on and (post.tenure_to is None or post.tenure_to >= cycle.starts_on)


@dataclass
class FileRow:
    """One post in one cycle: a cadre who moved mid-year has two rows that year, one per unit."""

    cycle: Cycle
    post: Cadre
    record: CadreRecord | None = None  # the unit's result as it stood (results/)
    team: TeamAssessment | None = None  # the unit's leadership team
    assessment: CadreAssessment | None = None  # the cadre's own grade

    @property
    def unit(self):
        return self.post.unit

    @property
    def grade_reasons(self) -> list[str]:
        """Why the cadre has their grade: the grading's reasons, then the calibration's, if the office moved it."""
        a = self.assessment
        if a is None:
            return []
        calibrated = [f"校准为“{a.get_grade_display()}”：{a.calibration_reason}"] if a.calibration_reason else []
        return [str(r) for r in a.reasons] + calibrated

    @property
    def talk(self):
        return getattr(self.record, "talk", None) if self.record else None


@dataclass
class PerformanceFile:
    cadre: Cadre
    posts: list[Cadre]
    rows: list[FileRow] = field(default_factory=list)
    key_tasks: list[KeyTask] = field(default_factory=list)
    accountabilities: list[Accountability] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.cadre.name

    @property
    def talks(self) -> list:
        return [(row, row.talk) for row in self.rows if row.talk is not None]


def build(cadre: Cadre) -> PerformanceFile:
    """The file of the cadre's person, newest year first, in a fixed number of queries whatever its length."""
    posts = posts_of(cadre)
    ids = [p.pk for p in posts]
    records = {(r.cycle_id, r.cadre_id): r for r in CadreRecord.objects.filter(cadre_id__in=ids)
               .select_related("cycle", "unit", "talk")}
    assessments = {(a.cycle_id, a.cadre_id): a for a in CadreAssessment.objects.filter(cadre_id__in=ids)
                   .select_related("cycle", "unit")}
    teams = {(t.cycle_id, t.unit_id): t for t in TeamAssessment.objects.filter(unit_id__in={p.unit_id for p in posts})}
    rows = []
    for cycle in Cycle.objects.order_by("-year"):
        for post in posts:
            row = FileRow(cycle, post, records.get((cycle.pk, post.pk)), teams.get((cycle.pk, post.unit_id)),
                          assessments.get((cycle.pk, post.pk)))
            if (row.record or row.assessment) or (row.team and _overlaps(post, cycle)):
                rows.append(row)
    return PerformanceFile(
        cadre=cadre, posts=posts, rows=rows,
        key_tasks=list(KeyTask.objects.filter(leader_cadre_id__in=ids).select_related("cycle", "lead_unit")
                       .order_by("-cycle__year", "code")),
        accountabilities=list(Accountability.objects.filter(cadre_id__in=ids).select_related("cycle", "unit", "cadre")
                              .order_by("-decided_on", "-id")))

"""Demo use of the cadre results (stage 11): one accountability case, and the district leaders' accounts linked to
their posts (so each could read their own performance file).

The case: the cadre graded 不称职 in the last finished year (the main leader of the unit with the lowest result,
see demo/cadres.py) is held accountable for inaction (无为问责) in March of the year after, linked to that year's
result. With the talk the results step records for the main leaders of units graded 一般 or worse, this cadre is
on the year's 组织谈话 and 拟调整 lists.
"""

import datetime

from jixiao.accounts.models import User
from jixiao.accounts.roles import Role
from jixiao.cadres import accountability
from jixiao.cadres.models import AccountabilityKind, CadreAssessment, CadreGrade
from jixiao.demo.org import DISTRICT_CODE
from jixiao.org.models import Cadre

REASON = "所在单位年度绩效考核排名末位，重点项目推进迟缓，本人履职不力、不作为"
DECISION = "诫勉谈话，责令限期整改，取消年度评先评优资格"


def build(rng) -> str:
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).order_by("pk").first()
    worst = (CadreAssessment.objects.filter(grade=CadreGrade.INCOMPETENT).select_related("cadre", "cycle")
             .order_by("-cycle__year", "score", "cadre_id").first())
    cases = 0
    if worst is not None:
        decided_on = datetime.date(worst.cycle.year + 1, 3, 18)
        accountability.record(worst.cadre, kind=AccountabilityKind.INACTION, reason=REASON, decision=DECISION,
                              decided_on=decided_on, cycle=worst.cycle, by=office, today=decided_on)
        cases = 1
    linked = _link_leaders()
    return f"问责记录 {cases} 条，区级领导账号关联本人任职记录 {linked} 个"


def _link_leaders() -> int:
    """Each district leader's account (the demo `leader` is the 区长, leader01… the others) to their post."""
    posts = {c.name: c for c in Cadre.objects.filter(unit__code=DISTRICT_CODE, tenure_to__isnull=True)}
    users = User.objects.filter(memberships__role=Role.LEADER, memberships__unit__code=DISTRICT_CODE).distinct()
    links = [User.cadre_posts.through(user_id=u.pk, cadre_id=posts[u.display_name].pk) for u in users
             if u.display_name in posts]
    User.cadre_posts.through.objects.bulk_create(links)
    return len(links)

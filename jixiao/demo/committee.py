"""Demo committee sign-off (考核委员会审定): every published run of 2020–2025 went before the committee first.

The office submits the final run the day after it is computed; the district's leaders vote, and in 2025 one of
them objects to the district scheme's result with a reason; the office records the meeting's 通过 decision with
the generated minutes (会议纪要) as the uploaded .docx, so `make run` shows published results that were signed off.
"""

import datetime

from django.core.files.base import ContentFile

from jixiao.results import committee_actions, committee_documents
from jixiao.results.models import DecisionOutcome

OBJECTION_YEAR = 2025
OBJECTION = "对经济发展组排名末位单位的“一般”等次有异议：该单位下半年重大项目推进明显加快，建议复核其重点工作得分"


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=datetime.UTC)


def sign_off(run, office) -> None:
    """Submit `run` (final, computed on 20 January), collect the members' votes, record 通过 on 24 January."""
    year = run.cycle.year + 1
    review = committee_actions.submit(run, by=office, note="反馈申诉期已结束，申诉均已处理，提请审定最终结果",
                                      now=_at(year, 1, 21))
    members = list(review.members.order_by("id"))
    objector = members[-1] if run.cycle.year == OBJECTION_YEAR and run.scheme.code.startswith("D01") else None
    for n, member in enumerate(members):
        verdict, reason = ("object", OBJECTION) if member == objector else ("approve", "")
        committee_actions.vote(review, by=member, verdict=verdict, reason=reason, now=_at(year, 1, 22, 9 + n % 8))
    meeting = _at(year, 1, 24, 16)
    minutes = ContentFile(committee_documents.minutes_draft(review), name=f"{run.cycle.year}年度考核结果审定会议纪要.docx")
    notes = "会议审议了委员意见，维持原等次，同意发布" if objector else "同意发布"
    committee_actions.decide(review, by=office, meeting_date=meeting.date(), outcome=DecisionOutcome.APPROVED,
                             minutes=minutes, notes=notes, now=meeting)

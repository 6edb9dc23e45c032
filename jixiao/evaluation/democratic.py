"""The answers of a 民主测评: a unit's leadership team (班子民主测评) or its cadres (干部民主测评), rated by code.

Every code of a democratic campaign names one unit (its rater group is per unit, models.PER_UNIT_KINDS). Its
holder rates that unit only: the team as one row, or each cadre in office there as a row, on the campaign's
dimensions and scale; every row must be complete. The answer is kept as anonymously as a public one (an Answer
with a random id and the day only; ratings name the unit and the cadre, never the code or the person), and the
code is used up in the same transaction by the same conditional UPDATE as the public channel's. No comments, no
follow-up items and no phone numbers: what is said about a person stays a score.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jixiao.evaluation import actions, codes, inserts, lookup
from jixiao.evaluation.actions import CodeAnswer, CodeScope, EvaluationError, Values
from jixiao.evaluation.models import Answer, Campaign, Channel, Purpose, Rating
from jixiao.org.models import Cadre, Unit


@dataclass(frozen=True)
class Subject:
    """One row of the rating page: the unit's team (id = the unit's) or one cadre (id = the cadre's)."""

    id: int
    name: str
    title: str
    is_cadre: bool


def cadres_in_office(unit: Unit, day: datetime.date):
    """The unit's cadres holding a post on `day`: main leaders first, then by start of tenure."""
    return (Cadre.objects.filter(unit=unit, tenure_from__lte=day)
            .filter(Q(tenure_to__isnull=True) | Q(tenure_to__gte=day)).order_by("post", "tenure_from", "id"))


def subjects(campaign: Campaign, unit: Unit, day: datetime.date) -> list[Subject]:
    if campaign.purpose == Purpose.TEAM:
        return [Subject(unit.pk, f"{unit.name}领导班子", "领导班子", False)]
    return [Subject(c.pk, c.name, c.title, True) for c in cadres_in_office(unit, day)]


def resolve(text: str, now=None) -> tuple[CodeScope, list[Subject]]:
    """A democratic code's scope and what its holder rates; EvaluationError says why it cannot be used."""
    now = now or timezone.now()
    scope = actions.resolve_code(None, text, now, democratic=True)
    found = subjects(scope.campaign, scope.code.unit, timezone.localdate(now))
    if not found:
        raise EvaluationError(f"{scope.code.unit.name}目前没有在任的领导干部，无需测评。")
    return scope, found


def check(scope: CodeScope, found: list[Subject], values: Values) -> list[str]:
    """Everything wrong with a democratic answer, in Chinese; [] when it may be stored."""
    names = {s.id: s.name for s in found}
    stray = [key for key in values if key[0] not in names]
    errors = []
    if stray:
        errors.append("所评干部不是本单位的在任领导干部，请刷新页面后重新填写。" if found[0].is_cadre
                      else "所评对象不是本单位领导班子，请刷新页面后重新填写。")
    rest = {key: v for key, v in values.items() if key[0] in names}
    if not rest and stray:
        return errors
    errors += [e for e in actions.check_answer(scope.campaign, scope.questionnaire, set(names), rest, {},
                                               required=set(names), unit_names=names)
               if e != "请至少评价一个单位。"]  # the per-row "尚未评价" says it better here
    # Every subject must be rated in full here: a row left out is not an option, unlike the public evaluation.
    errors = [e.replace("，或全部留空。", "。") for e in errors]
    return list(dict.fromkeys(errors))


def submit(answer_in: CodeAnswer, now=None, scope: CodeScope | None = None) -> Answer:
    """Store a democratic answer and use its code up, in one transaction; a second submit of the code is refused."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    if scope is None or scope.code.digest != codes.digest(answer_in.code):
        scope = actions.resolve_code(None, answer_in.code, now, democratic=True)
    found = subjects(scope.campaign, scope.code.unit, day)
    errors = check(scope, found, answer_in.values) if found else ["本单位目前没有在任的领导干部，无需测评。"]
    if errors:
        raise EvaluationError(errors[0], errors)
    campaign = scope.campaign
    with transaction.atomic():
        if lookup.consume_code(scope.code.pk, day) != 1:  # UPDATE … WHERE used_on IS NULL AND NOT voided
            raise EvaluationError("该邀请码已经使用过，每个邀请码只能提交一次。")
        answer = Answer(campaign=campaign, rater_group=scope.group, questionnaire=scope.questionnaire,
                        channel=Channel.CODE, submitted_on=day, seconds=answer_in.seconds,
                        vector_digest=actions.vector_digest(answer_in.values))
        per_cadre = campaign.purpose == Purpose.CADRE
        rows = [answer] + [
            Rating(answer=answer, campaign=campaign, rater_group=scope.group, unit_id=scope.code.unit_id,
                   cadre_id=subject if per_cadre else None, dimension_id=dimension, value=value)
            for (subject, dimension), value in answer_in.values.items()]
        rows += actions.flags_for(answer, answer_in, scope, now)
        inserts.insert_rows(rows)
    return answer

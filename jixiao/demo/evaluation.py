"""Demo evaluation campaigns (示范数据): 2020–2025 closed with about 20,000 answers, 2026 open and half answered.

The district rates its departments (as in the seed) and, from 2026, in the same campaign its streets and parks,
so that every unit of the current scheme's 综合评议 block gets a real score (before 2026 the block does not apply
to them and their totals are scaled from the other blocks). Each rated unit has a hidden quality, a yearly trend (some improve,
some slip) and each rater group a leniency; a rating is that latent score plus noise, cut into the five levels.
Everything random comes from the step's `rng`; the large tables go in as plain rows (`rows.insert`).
"""

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import Role
from jixiao.demo import rows
from jixiao.evaluation import actions, privacy
from jixiao.evaluation.models import (
    Answer,
    Ballot,
    BallotStatus,
    Campaign,
    CampaignStatus,
    Channel,
    CodeBatch,
    Comment,
    Contact,
    Dimension,
    Flag,
    FlagKind,
    FlagStatus,
    FollowUp,
    FollowUpStatus,
    InvitationCode,
    Question,
    Questionnaire,
    RaterGroup,
    RaterKind,
    Rating,
    Scale,
)
from jixiao.lib.crypto import mask_phone, sm3
from jixiao.org.models import Cycle, Unit, UnitKind

TZ = ZoneInfo("Asia/Shanghai")
# The departments the platform's campaigns rate by default, and the streets and parks: they are assessed on
# the district scheme's 综合评议 block too, so from STREETS_RATED_FROM the demo's campaign rates them.
RATED_KINDS = (*actions.EVALUATED_KINDS, UnitKind.STREET, UnitKind.PARK)
STREETS_RATED_FROM = 2026
FIRST, CURRENT = 2020, 2026
# rater kind -> (answers per year, departments each answer rates (None: all), leniency, comment share)
VOLUME = {
    RaterKind.LEADER: (30, None, 3.0, 0.0),
    RaterKind.DEPARTMENT: (72, 30, 4.0, 0.02),  # each department rates the 30 it works with most
    RaterKind.PUBLIC: (210, 8, -4.0, 0.15),
    RaterKind.SERVICE: (40, 1, -2.0, 0.2),  # per department
    RaterKind.MEDIA: (60, 4, -3.0, 0.2),
    RaterKind.EXPERT: (40, 5, -5.0, 0.3),
    RaterKind.THIRD_PARTY: (400, 2, -4.0, 0.05),
}
DIMENSION_OFFSET = {"capability": 0.0, "integrity": 2.5, "law": 1.0, "service": -2.5}
SHARE_2026 = {RaterKind.LEADER: 0.6, RaterKind.DEPARTMENT: 0.55, RaterKind.PUBLIC: 0.55, RaterKind.SERVICE: 0.45,
              RaterKind.MEDIA: 0.5, RaterKind.EXPERT: 0.4, RaterKind.THIRD_PARTY: 0.35}
GOOD = ["办事效率明显提高，点个赞。", "窗口人员态度热情，解释耐心。", "网上办理很方便，少跑了腿。", "政策宣传到位。",
        "工作人员专业，答复及时。"]
BAD = ["办事排队时间太长，希望增加窗口。", "电话经常打不通。", "同一件事要跑好几趟，材料要求不一致。",
       "答复拖延，希望限时办结。", "政策解读不清楚，希望公开办事指南。", "个别工作人员态度生硬。"]


def build(rng) -> str:
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).order_by("pk").first()
    district = Unit.objects.get(kind=UnitKind.DISTRICT, parent__isnull=True)
    cycles = {c.year: c for c in Cycle.objects.filter(year__gte=FIRST, year__lte=CURRENT)}
    departments = list(Unit.objects.filter(kind__in=RATED_KINDS).order_by("sort_order", "code"))
    quality = {u.pk: (rng.gauss(79, 4), rng.gauss(0, 0.8)) for u in departments}
    totals = {"answers": 0, "ratings": 0, "flags": 0}
    for year in range(FIRST, CURRENT + 1):
        if year in cycles:
            _campaign(rng, year, cycles[year], district, departments, quality, office, totals)
    return (f"评议活动 {len(cycles)} 个（{FIRST}–{CURRENT - 1} 已结束，{CURRENT} 评议中），答卷 {totals['answers']} 份，"
            f"评分 {totals['ratings']} 条，疑点答卷 {totals['flags']} 份")


def _campaign(rng, year, cycle, district, departments, quality, office, totals):
    current = year == CURRENT
    opens = datetime.datetime(year, 11, 2, 9, tzinfo=TZ)
    closes = datetime.datetime(year, 12, 18, 17, tzinfo=TZ)
    campaign = Campaign.objects.create(
        cycle=cycle, assessing_unit=district, name=f"{year}年度{'区直部门和街道园区' if year >= STREETS_RATED_FROM else '区直部门'}综合评议", scale=Scale.FIVE_LEVEL,
        status=CampaignStatus.OPEN if current else CampaignStatus.CLOSED, opens_at=opens, closes_at=closes,
        contacts_keep_until=closes.date() + datetime.timedelta(days=actions.CONTACT_DAYS),
        created_at=opens - datetime.timedelta(days=20))
    units = [u for u in departments if u.valid_from <= opens.date() and (u.valid_to is None or u.valid_to >= opens.date())
             and (year >= STREETS_RATED_FROM or u.kind in actions.EVALUATED_KINDS)]
    campaign.units.set(units)
    dims = Dimension.objects.bulk_create([Dimension(campaign=campaign, code=c, name=n, sort_order=i)
                                          for i, (c, n, _) in enumerate(actions.DEFAULT_DIMENSIONS)])
    groups = RaterGroup.objects.bulk_create([RaterGroup(campaign=campaign, kind=k, name=n, weight=Decimal(w), sort_order=i)
                                             for i, (k, n, w) in enumerate(actions.DEFAULT_GROUPS)])
    questionnaires = Questionnaire.objects.bulk_create([
        Questionnaire(rater_group=g, intro="请根据您的了解，对下列单位作出评价。", frozen_at=opens, created_at=opens)
        for g in groups])
    Question.objects.bulk_create([Question(questionnaire=q, dimension=d, text=t, sort_order=i) for q in questionnaires
                                  for i, (d, (_, _, t)) in enumerate(zip(dims, actions.DEFAULT_DIMENSIONS, strict=True))])
    ctx = {"rng": rng, "campaign": campaign, "year": year, "dims": dims, "units": units, "quality": quality,
           "days": (closes.date() - opens.date()).days if not current else 23, "start": opens.date()}
    answers, ratings, comments, follow_ups = [], [], [], []
    for group, questionnaire in zip(groups, questionnaires, strict=True):
        _group_answers(ctx, group, questionnaire, current, answers, ratings, comments, follow_ups)
    rows.insert(Answer, ANSWER_FIELDS, [tuple(getattr(a, name) for name in ANSWER_ATTRS) for a in answers])
    _insert_ratings(ratings)
    rows.insert(Comment, ["answer", "campaign", "unit", "text"], comments)
    rows.insert(FollowUp, FOLLOW_UP_FIELDS, [(*row, FollowUpStatus.OPEN if current else FollowUpStatus.CLOSED)
                                            for row in follow_ups])
    _codes(rng, campaign, groups, answers, units, office, opens)
    totals["flags"] += _flags(rng, campaign, answers, ratings, office, current)
    if current:
        _ballots(rng, campaign, groups)
        _contacts(rng, campaign, answers)
    totals["answers"] += len(answers)
    totals["ratings"] += len(ratings)


ANSWER_FIELDS = ["id", "campaign", "rater_group", "questionnaire", "channel", "submitted_on", "seconds",
                 "vector_digest", "excluded"]
ANSWER_ATTRS = [f"{name}_id" if name in ("campaign", "rater_group", "questionnaire") else name
                for name in ANSWER_FIELDS]
FOLLOW_UP_FIELDS = ["campaign", "answer", "unit", "rater_group", "dimension", "value", "comment", "created_on",
                    "status"]


def _insert_ratings(rows: list[tuple]) -> None:
    """Ratings are most of the demo's rows: plain executemany, no model instances (several times faster)."""
    table = Rating._meta.db_table
    sql = (f"INSERT INTO {table} (answer_id, campaign_id, rater_group_id, unit_id, dimension_id, value) "  # noqa: S608
           "VALUES (%s, %s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20000):
            cursor.executemany(sql, rows[start:start + 20000])


def _level(score: float) -> int:
    if score >= 88:
        return 100
    if score >= 74:
        return 80
    if score >= 60:
        return 60
    if score >= 48:
        return 40
    return 20


def _group_answers(ctx, group, questionnaire, current, answers, ratings, comments, follow_ups):
    """The group's answers as Answer instances and plain rows (ratings, comments, follow-ups); ids, not models,
    in the loop over the quarter of a million ratings."""
    rng, campaign_id, group_id = ctx["rng"], ctx["campaign"].pk, group.pk
    unit_ids = [u.pk for u in ctx["units"]]
    dims = [(d.pk, DIMENSION_OFFSET[d.code]) for d in ctx["dims"]]
    count, per_answer, leniency, comment_share = VOLUME[group.kind]
    share = SHARE_2026[group.kind] if current else rng.uniform(0.82, 0.97)
    plans = []
    if group.kind == RaterKind.SERVICE:
        for unit_id in unit_ids:
            plans += [[unit_id]] * round(count * share * rng.uniform(0.6, 1.3))
    else:
        for _ in range(round(count * share)):
            plans.append(unit_ids if per_answer is None else rng.sample(unit_ids, min(per_answer, len(unit_ids))))
    years, gauss = ctx["year"] - FIRST, rng.gauss
    channel = Channel.INTERNAL if group.is_internal else Channel.CODE
    for rated in plans:
        answer = Answer(id=uuid.UUID(int=rng.getrandbits(128), version=4), campaign=ctx["campaign"], rater_group=group,
                        questionnaire=questionnaire, channel=channel,
                        submitted_on=ctx["start"] + datetime.timedelta(days=min(int(rng.expovariate(1 / 6)), ctx["days"])),
                        seconds=None if group.is_internal else int(40 + 25 * len(rated) * rng.uniform(0.5, 2)))
        answer.demo_unit_id = rated[0]
        answer_key = Answer._meta.pk.get_db_prep_value(answer.id, connection)
        answers.append(answer)
        values, texts = {}, {}
        for unit_id in rated:
            base, trend = ctx["quality"][unit_id]
            centre = base + trend * years + leniency
            for dim_id, offset in dims:
                value = _level(centre + offset + gauss(0, 10))
                values[(unit_id, dim_id)] = value
                ratings.append((answer_key, campaign_id, group_id, unit_id, dim_id, value))
            if rng.random() < comment_share:
                low = min(values[(unit_id, d)] for d, _o in dims) <= 40
                texts[unit_id] = rng.choice(BAD if low or rng.random() < 0.4 else GOOD)
                comments.append((answer.id, campaign_id, unit_id, texts[unit_id]))
        follow_ups += [(campaign_id, answer.id, u, group_id, d, v, texts.get(u, ""), answer.submitted_on)
                       for (u, d), v in values.items() if v <= 40]
        answer.vector_digest = actions.vector_digest(values)


def _codes(rng, campaign, groups, answers, units, office, opens):
    """Batches and (already used or unused) codes. Demo digests come from random bytes: no code is usable."""
    used: dict[tuple, int] = {}
    unit_of = {}
    for answer in answers:
        if answer.channel == Channel.CODE and answer.rater_group.kind != RaterKind.SERVICE:
            key = (answer.rater_group_id, None)
            used[key] = used.get(key, 0) + 1
    batches, codes = [], []  # codes: plain rows
    for group in groups:
        if group.is_internal:
            continue
        scopes = [(u, VOLUME[group.kind][0]) for u in units] if group.per_unit else [(None, VOLUME[group.kind][0])]
        for unit, size in scopes:
            batches.append(CodeBatch(campaign=campaign, rater_group=group, unit=unit, size=size, created_by=office,
                                     created_at=opens - datetime.timedelta(days=5)))
            unit_of[len(batches) - 1] = unit
    CodeBatch.objects.bulk_create(batches)
    service_used: dict[int, int] = {}
    for answer in answers:
        if answer.rater_group.kind == RaterKind.SERVICE:
            unit_id = answer.demo_unit_id
            service_used[unit_id] = service_used.get(unit_id, 0) + 1
    for index, batch in enumerate(batches):
        unit = unit_of[index]
        taken = service_used.get(unit.pk, 0) if unit else used.get((batch.rater_group_id, None), 0)
        for n in range(batch.size):
            codes.append((batch.pk, campaign.pk, batch.rater_group_id, unit.pk if unit else None,
                           sm3(rng.getrandbits(160).to_bytes(20, "big")),
                           opens.date() + datetime.timedelta(days=rng.randint(0, 20)) if n < taken else None))
    rows.insert(InvitationCode, ["batch", "campaign", "rater_group", "unit", "digest", "used_on"], codes)


def _flags(rng, campaign, answers, ratings, office, current) -> int:
    """A few doubtful public answers: speeders and straight-liners; earlier years' ones already decided."""
    public = [a for a in answers if a.channel == Channel.CODE]
    picked = rng.sample(public, min(len(public), 9 if current else 14))
    flags = []
    for n, answer in enumerate(picked):
        kind = (FlagKind.SPEEDER, FlagKind.STRAIGHT, FlagKind.SAME_SOURCE)[n % 3]
        if kind == FlagKind.SPEEDER:
            answer.seconds = rng.randint(5, 11)
            Answer.objects.filter(pk=answer.pk).update(seconds=answer.seconds)
            detail = f"答卷仅用时 {answer.seconds} 秒（低于 {15} 秒）"
        elif kind == FlagKind.STRAIGHT:
            Rating.objects.filter(answer=answer).update(value=100)
            FollowUp.objects.filter(answer=answer).delete()  # building the demo: the answer is now all 非常满意
            detail = "全部评分相同"
        else:
            detail = f"1小时内同一网络来源提交的第 {rng.randint(11, 18)} 份答卷"
        flag = Flag(answer=answer, campaign=campaign, kind=kind, detail=detail, created_on=answer.submitted_on)
        if not current:
            exclude = n % 2 == 0
            flag.status = FlagStatus.EXCLUDED if exclude else FlagStatus.KEPT
            flag.decided_by, flag.decided_at = office, campaign.closes_at - datetime.timedelta(days=1)
            flag.reason = "用时过短且评分异常，判定无效" if exclude else "经核实为真实意见，予以保留"
            if exclude:
                Answer.objects.filter(pk=answer.pk).update(excluded=True)
        flags.append(flag)
    Flag.objects.bulk_create(flags)
    return len(flags)


def _ballots(rng, campaign, groups):
    """2026: most district leaders have submitted, a few keep drafts; the demo 'leader' account has not started."""
    leader_group = next(g for g in groups if g.kind == RaterKind.LEADER)
    leaders = list(User.objects.filter(username__startswith="leader", memberships__role=Role.LEADER)
                   .exclude(username="leader").order_by("username"))
    district = Membership.objects.filter(role=Role.LEADER).select_related("unit").first().unit
    done = round(len(leaders) * SHARE_2026[RaterKind.LEADER])
    ballots = [Ballot(campaign=campaign, rater_group=leader_group, user=u, rater_unit=district,
                      status=BallotStatus.SUBMITTED) for u in leaders[:done]]
    units = list(campaign.units.all())[:10]
    dims = list(campaign.dimensions.all())
    for user in leaders[done:done + 4]:
        data = {"v": {f"{u.pk}-{d.pk}": rng.choice([100, 80, 80, 60]) for u in units for d in dims}, "c": {}}
        ballots.append(Ballot(campaign=campaign, rater_group=leader_group, user=user, rater_unit=district, data=data,
                              saved_at=campaign.opens_at + datetime.timedelta(days=3)))
    Ballot.objects.bulk_create(ballots)


def _contacts(rng, campaign, answers):
    """A few citizens agreed to a follow-up call: their numbers are SM4-encrypted and shown masked."""
    with_low = list(FollowUp.objects.filter(campaign=campaign, rater_group__kind=RaterKind.SERVICE)
                    .order_by("answer_id").values_list("answer_id", flat=True).distinct()[:6])
    contacts = []
    for answer_id in with_low:
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"
        contacts.append(Contact(answer_id=answer_id, campaign=campaign, phone_cipher=privacy.encrypt_phone(phone, campaign.pk),
                                phone_masked=mask_phone(phone), keep_until=campaign.contacts_keep_until))
    Contact.objects.bulk_create(contacts)

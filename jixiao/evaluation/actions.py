"""Every state change of an evaluation campaign: atomic, checked, audited (office actions) or anonymous (answers).

Answers are deliberately *not* audited one by one: an audit row carries user, address and exact time, which
is precisely what an answer must not be linkable to. The office's actions on answers (keep/exclude, revealing
a phone number) are audited.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from jixiao.accounts.roles import Role
from jixiao.audit.log import record, snapshot
from jixiao.evaluation import codes, frozen, guards, inserts, lookup, privacy, scale
from jixiao.evaluation.models import (
    COMMENT_MAX,
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
    InvitationCode,
    PhoneClaim,
    Purpose,
    Question,
    Questionnaire,
    RaterGroup,
    RaterKind,
    Rating,
)
from jixiao.lib.crypto import mask_phone, sm3
from jixiao.org.models import Unit, UnitKind

DEFAULT_DIMENSIONS = [
    ("capability", "履职能力", "该单位履行职责、完成工作任务的能力"),
    ("integrity", "廉洁自律", "该单位及其工作人员廉洁自律的情况"),
    ("law", "依法办事", "该单位依法行政、按程序办事的情况"),
    ("service", "服务水平", "该单位服务态度、办事效率和群众满意程度"),
]
DEFAULT_GROUPS = [
    (RaterKind.LEADER, "区级领导", 30), (RaterKind.DEPARTMENT, "区直部门", 20), (RaterKind.PUBLIC, "群众代表", 20),
    (RaterKind.SERVICE, "服务对象", 15), (RaterKind.MEDIA, "新闻媒体", 5), (RaterKind.EXPERT, "专家学者", 5),
    (RaterKind.THIRD_PARTY, "第三方机构", 5),
]
# 民主测评 (issue 18): the team on the four aspects of 《党政领导班子和领导干部年度考核办法》, each cadre on 德能勤绩廉.
TEAM_DIMENSIONS = [
    ("political", "政治思想建设", "班子坚定政治方向、加强思想建设的情况"),
    ("leadership", "领导能力", "班子科学决策、推动落实、团结协作的能力"),
    ("performance", "工作实绩", "班子完成年度目标任务、推动本单位发展的实绩"),
    ("integrity", "党风廉政建设", "班子落实党风廉政建设责任、廉洁从政的情况"),
]
CADRE_DIMENSIONS = [
    ("morality", "德", "政治品质和道德品行"),
    ("ability", "能", "履行职责的业务素质和能力"),
    ("diligence", "勤", "责任心、工作态度和工作作风"),
    ("achievement", "绩", "完成工作的数量、质量、效率和所产生的效益"),
    ("integrity", "廉", "廉洁自律的情况"),
]
DEMOCRATIC_GROUPS = [
    (RaterKind.SUPERIOR, "上级领导", 30), (RaterKind.STAFF, "本单位干部职工", 50), (RaterKind.SERVICE, "服务对象", 20),
]
SETUP = {  # purpose -> (dimensions, groups, questionnaire intro)
    Purpose.SATISFACTION: (DEFAULT_DIMENSIONS, DEFAULT_GROUPS, "请根据您的了解，对下列单位作出评价。"),
    Purpose.TEAM: (TEAM_DIMENSIONS, DEMOCRATIC_GROUPS, "请根据您的了解，对该单位领导班子作出评价。"),
    Purpose.CADRE: (CADRE_DIMENSIONS, DEMOCRATIC_GROUPS, "请根据您的了解，对该单位每位领导干部作出评价。"),
}
EVALUATED_KINDS = (UnitKind.DEPARTMENT, UnitKind.BUREAU)
MAX_BATCH = 1000
CONTACT_DAYS = 90  # phone numbers kept after close: the appeal window


class EvaluationError(Exception):
    """A refusal with a message for the person in front of the screen (Chinese)."""

    def __init__(self, message: str, errors: list[str] | None = None):
        self.errors = errors or [message]
        super().__init__(message)


# --- Campaign set-up ----------------------------------------------------------------------------------

@transaction.atomic
def create_campaign(*, cycle, assessing_unit: Unit, name: str, opens_at, closes_at, scale_kind: str, by,
                    purpose: str = Purpose.SATISFACTION) -> Campaign:
    """A campaign with its purpose's groups, dimensions and questionnaires, evaluating all current departments."""
    if closes_at <= opens_at:
        raise EvaluationError("截止时间必须晚于开始时间。")
    if purpose not in SETUP:
        raise EvaluationError("请选择测评类型。")
    if Campaign.objects.filter(cycle=cycle, assessing_unit=assessing_unit, purpose=purpose).exists():
        raise EvaluationError(f"{cycle.name}已有{Purpose(purpose).label}活动。")
    dimensions, default_groups, intro = SETUP[purpose]
    campaign = Campaign.objects.create(
        cycle=cycle, assessing_unit=assessing_unit, name=name, purpose=purpose, scale=scale_kind, opens_at=opens_at,
        closes_at=closes_at, contacts_keep_until=timezone.localdate(closes_at) + datetime.timedelta(days=CONTACT_DAYS),
    )
    dims = Dimension.objects.bulk_create(
        [Dimension(campaign=campaign, code=c, name=n, sort_order=i) for i, (c, n, _) in enumerate(dimensions)])
    groups = RaterGroup.objects.bulk_create(
        [RaterGroup(campaign=campaign, kind=k, name=n, weight=Decimal(w), sort_order=i)
         for i, (k, n, w) in enumerate(default_groups)])
    for group in groups:
        questionnaire = Questionnaire.objects.create(rater_group=group, intro=intro)
        Question.objects.bulk_create([Question(questionnaire=questionnaire, dimension=d, text=text, sort_order=i)
                                      for i, (d, (_, _, text)) in enumerate(zip(dims, dimensions, strict=True))])
    day = timezone.localdate(opens_at)
    campaign.units.set(Unit.objects.filter(kind__in=EVALUATED_KINDS).valid_on(day).exclude(pk=assessing_unit.pk))
    record("evaluation.campaign_created", campaign, after=snapshot(campaign), user=by)
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, by, name: str, opens_at, closes_at, contacts_keep_until) -> Campaign:
    """Name and dates; once open, only the close date and the contact retention may move."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if closes_at <= opens_at:
        raise EvaluationError("截止时间必须晚于开始时间。")
    if campaign.is_frozen and opens_at != campaign.opens_at:
        raise EvaluationError("评议已开始，不能修改开始时间。")
    if campaign.status == CampaignStatus.CLOSED and closes_at != campaign.closes_at:
        raise EvaluationError("评议已结束，不能修改截止时间。")
    before = snapshot(campaign, ["name", "opens_at", "closes_at", "contacts_keep_until"])
    campaign.name, campaign.opens_at, campaign.closes_at = name, opens_at, closes_at
    campaign.contacts_keep_until = contacts_keep_until
    campaign.save(update_fields=["name", "opens_at", "closes_at", "contacts_keep_until"])
    record("evaluation.campaign_changed", campaign, before=before,
           after=snapshot(campaign, ["name", "opens_at", "closes_at", "contacts_keep_until"]), user=by)
    return campaign


@transaction.atomic
def set_weights(campaign: Campaign, weights: dict[int, Decimal], *, by) -> None:
    """The groups' weights (percent, summing to 100); only before the campaign opens."""
    if campaign.is_frozen:
        raise EvaluationError("评议已开始，权重不能再修改。")
    groups = list(campaign.groups.select_for_update())
    if set(weights) != {g.pk for g in groups}:
        raise EvaluationError("请为每个评议主体填写权重。")
    if any(w < 0 or w > 100 for w in weights.values()):
        raise EvaluationError("权重须在0到100之间。")
    if sum(weights.values()) != 100:
        raise EvaluationError(f"各评议主体权重之和须为100，当前为{sum(weights.values())}。")
    before = {g.name: str(g.weight) for g in groups}
    for group in groups:
        group.weight = weights[group.pk]
        group.save(update_fields=["weight"])
    record("evaluation.weights_changed", campaign, before=before, after={g.name: str(g.weight) for g in groups}, user=by)


@transaction.atomic
def save_questionnaire(group: RaterGroup, *, intro: str, allow_comments: bool, texts: dict[int, str], by) -> Questionnaire:
    """Change a group's questions. A frozen questionnaire is never edited: a new version is made instead.

    `texts` maps dimension id to question text; an empty text leaves that dimension out.
    """
    current = Questionnaire.objects.select_for_update().filter(rater_group=group).order_by("-version").first()
    dims = {d.pk: d for d in group.campaign.dimensions.all()}
    chosen = [(dims[pk], text.strip()) for pk, text in texts.items() if pk in dims and text.strip()]
    if not chosen:
        raise EvaluationError("问卷至少要有一个题目。")
    if any(len(text) > 200 for _, text in chosen):
        raise EvaluationError("题目不能超过200字。")
    before = _questionnaire_picture(current)
    if current.frozen_at is None:
        questionnaire = current
        questionnaire.intro, questionnaire.allow_comments = intro, allow_comments
        questionnaire.save(update_fields=["intro", "allow_comments"])
        questionnaire.questions.all().delete()
        code = "evaluation.questionnaire_changed"
    else:
        questionnaire = Questionnaire.objects.create(rater_group=group, version=current.version + 1, intro=intro,
                                                     allow_comments=allow_comments)
        if group.campaign.status == CampaignStatus.OPEN:
            questionnaire.frozen_at = timezone.now()
            questionnaire.save(update_fields=["frozen_at"])
        code = "evaluation.questionnaire_versioned"
    Question.objects.bulk_create([Question(questionnaire=questionnaire, dimension=d, text=t, sort_order=d.sort_order)
                                  for d, t in chosen])
    record(code, questionnaire, before=before, after=_questionnaire_picture(questionnaire), user=by)
    return questionnaire


def _questionnaire_picture(q: Questionnaire | None) -> dict | None:
    if q is None:
        return None
    return {"version": q.version, "intro": q.intro, "allow_comments": q.allow_comments,
            "questions": {qq.dimension.name: qq.text for qq in q.questions.select_related("dimension")}}


@transaction.atomic
def open_campaign(campaign: Campaign, *, by) -> Campaign:
    """筹备中 → 评议中: checks the set-up and freezes every questionnaire."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise EvaluationError("只有筹备中的评议活动可以开启。")
    problems = []
    if sum(g.weight for g in campaign.groups.all()) != 100:
        problems.append("各评议主体权重之和须为100。")
    if not campaign.units.exists():
        problems.append("尚未选定被评议单位。")
    if problems:
        raise EvaluationError(problems[0], problems)
    now = timezone.now()
    Questionnaire.objects.filter(rater_group__campaign=campaign, frozen_at__isnull=True).update(frozen_at=now)
    campaign.status = CampaignStatus.OPEN
    campaign.save(update_fields=["status"])
    record("evaluation.campaign_opened", campaign, before={"status": CampaignStatus.DRAFT},
           after={"status": campaign.status}, user=by)
    return campaign


@transaction.atomic
def close_campaign(campaign: Campaign, *, by) -> Campaign:
    """评议中 → 已结束: every unused code expires with it; drafts stay drafts and are not counted."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise EvaluationError("只有评议中的活动可以结束。")
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    record("evaluation.campaign_closed", campaign, before={"status": CampaignStatus.OPEN},
           after={"status": campaign.status}, user=by)
    return campaign


# --- Invitation codes ---------------------------------------------------------------------------------

@transaction.atomic
def issue_codes(campaign: Campaign, group: RaterGroup, *, size: int, unit: Unit | None, by, note: str = ""):
    """Make a batch of codes. Returns (batch, codes): the codes exist only in this return value."""
    if group.campaign_id != campaign.pk or group.is_internal:
        raise EvaluationError("该评议主体通过登录评议，不需要邀请码。")
    if campaign.status == CampaignStatus.CLOSED:
        raise EvaluationError("评议已结束，不能再生成邀请码。")
    if not 1 <= size <= MAX_BATCH:
        raise EvaluationError(f"每批邀请码数量须在1到{MAX_BATCH}之间。")
    if group.per_unit and (unit is None or not campaign.units.filter(pk=unit.pk).exists()):
        raise EvaluationError(f"{group.name}的邀请码须指定本次被评议的一个单位。")
    if not group.per_unit:
        unit = None
    batch = CodeBatch.objects.create(campaign=campaign, rater_group=group, unit=unit, size=size, created_by=by,
                                     note=note[:100])
    plain = [codes.new_code() for _ in range(size)]
    InvitationCode.objects.bulk_create([
        InvitationCode(batch=batch, campaign=campaign, rater_group=group, unit=unit, digest=codes.digest(c))
        for c in plain
    ])
    record("evaluation.codes_issued", batch, after={"group": group.name, "unit": unit.name if unit else "",
                                                   "size": size}, user=by)
    return batch, plain


@transaction.atomic
def void_batch(batch: CodeBatch, *, by) -> CodeBatch:
    """Withdraw a lost or misprinted batch: its unused codes stop working at once."""
    if batch.voided_at is not None:
        raise EvaluationError("该批邀请码已作废。")
    batch.voided_at = timezone.now()
    batch.save(update_fields=["voided_at"])
    unused = InvitationCode.objects.filter(batch=batch, used_on__isnull=True).update(voided=True)
    record("evaluation.codes_voided", batch, after={"voided_unused": unused}, user=by)
    return batch


# --- Answers --------------------------------------------------------------------------------------------

Values = dict[tuple[int, int], int]  # (unit id, dimension id) -> 0..100


def check_answer(campaign: Campaign, questionnaire: Questionnaire, allowed: set[int], values: Values,
                 comments: dict[int, str], *, required: set[int] | None = None, unit_names=None) -> list[str]:
    """Everything wrong with an answer, in Chinese; [] when it may be stored."""
    names = unit_names or {}
    dims = {q.dimension_id for q in questionnaire.questions.all()}
    errors = []
    if not values:
        errors.append("请至少评价一个单位。")
    rated: dict[int, set[int]] = {}
    for (unit_id, dim_id), value in values.items():
        if unit_id not in allowed:
            errors.append("所评单位不在本次评议范围内。")
            continue
        if dim_id not in dims:
            errors.append("评议维度不在本问卷中。")
            continue
        if not scale.is_allowed(campaign.scale, value):
            errors.append(f"“{names.get(unit_id, unit_id)}”的评分超出允许范围。")
        rated.setdefault(unit_id, set()).add(dim_id)
    for unit_id, got in rated.items():
        if got != dims:
            errors.append(f"请对“{names.get(unit_id, unit_id)}”的全部评议维度作出评价，或全部留空。")
    for unit_id in sorted((required or set()) - set(rated)):
        errors.append(f"尚未评价“{names.get(unit_id, unit_id)}”。")
    for unit_id, text in comments.items():
        if unit_id not in allowed:
            errors.append("意见建议所指单位不在本次评议范围内。")
        elif len(text) > COMMENT_MAX:
            errors.append(f"意见建议不能超过{COMMENT_MAX}字（“{names.get(unit_id, unit_id)}”）。")
    if comments and not questionnaire.allow_comments:
        errors.append("本问卷不收集意见建议。")
    return list(dict.fromkeys(errors))


def vector_digest(values: Values) -> str:
    text = ";".join(f"{u}:{d}:{v}" for (u, d), v in sorted(values.items()))
    return sm3(text.encode())[:16]


def _answer_rows(campaign, group, questionnaire, *, channel, values: Values, comments: dict[int, str],
                 seconds: int | None, day: datetime.date) -> tuple[Answer, list]:
    """A new answer and the rows that belong to it (ratings, comments, follow-up items), not yet saved."""
    answer = Answer(campaign=campaign, rater_group=group, questionnaire=questionnaire, channel=channel,
                    submitted_on=day, seconds=seconds, vector_digest=vector_digest(values))
    texts = {u: t.strip() for u, t in comments.items() if t and t.strip()}
    rows = [answer]
    rows += [Rating(answer=answer, campaign=campaign, rater_group=group, unit_id=u, dimension_id=d, value=v)
             for (u, d), v in values.items()]
    rows += [Comment(answer=answer, campaign=campaign, unit_id=u, text=t) for u, t in texts.items()]
    rows += [FollowUp(campaign=campaign, answer=answer, unit_id=u, rater_group=group, dimension_id=d, value=v,
                      comment=texts.get(u, ""), created_on=day)
             for (u, d), v in values.items() if scale.needs_follow_up(campaign.scale, v)]
    return answer, rows


def _store_answer(campaign, group, questionnaire, **fields) -> Answer:
    answer, rows = _answer_rows(campaign, group, questionnaire, **fields)
    inserts.insert_rows(rows)
    return answer


@dataclass
class CodeAnswer:
    """What a citizen sends through the public channel, already parsed."""

    code: str
    values: Values
    comments: dict[int, str] = field(default_factory=dict)
    seconds: int | None = None
    phone: str = ""  # normalised 11 digits, or ''
    follow_up: bool = False  # agreed to a follow-up call
    client_ip: str | None = None


@dataclass
class CodeScope:
    """What a valid code lets its holder rate."""

    code: InvitationCode
    group: RaterGroup
    questionnaire: Questionnaire
    units: list[Unit]
    campaign: Campaign | None = None


def campaign_for_code(text: str) -> Campaign | None:
    """The campaign a code belongs to, or None (also for text that cannot be a code)."""
    digest = codes.digest(text)
    return Campaign.objects.filter(codes__digest=digest).select_related("cycle").first() if digest else None


def resolve_code(campaign: Campaign | None, text: str, now=None, *, democratic: bool = False) -> CodeScope:
    """Look a code up (in `campaign`, or in any) without using it; EvaluationError says why it cannot be used.

    A code of a 民主测评 works only on its own page (`democratic=True`), a satisfaction code only on the other.

    One query (`lookup.find_code`): the code with its campaign, group and department, and the id of the
    group's current questionnaire; the questionnaire and the unit list then come from `frozen` (per process).
    """
    digest = codes.digest(text)
    code, questionnaire_pk = lookup.find_code(digest, campaign.pk if campaign else None) if digest else (None, None)
    if code is None or code.voided:
        raise EvaluationError("邀请码无效，请核对后重新输入。")
    if code.used_on is not None:
        raise EvaluationError("该邀请码已经使用过，每个邀请码只能提交一次。")
    campaign = code.campaign
    if campaign.is_democratic != democratic:
        raise EvaluationError("该邀请码用于民主测评，请在民主测评页面填写。" if campaign.is_democratic
                              else "该邀请码用于满意度评议，请在公众网上评议页面填写。")
    if not campaign.accepts_answers(now):
        raise EvaluationError("本次评议不在开放时间内，邀请码已失效。")
    questionnaire = frozen.questionnaire(questionnaire_pk)
    units = [code.unit] if code.unit_id else frozen.units(campaign)
    return CodeScope(code=code, group=code.rater_group, questionnaire=questionnaire, units=units, campaign=campaign)


def current_questionnaire(group: RaterGroup) -> Questionnaire:
    return (Questionnaire.objects.filter(rater_group=group).order_by("-version")
            .prefetch_related("questions__dimension").first())


def check_code_answer(campaign: Campaign, scope: CodeScope, values: Values, comments: dict[int, str]) -> list[str]:
    names = {u.pk: u.label for u in scope.units}
    return check_answer(campaign, scope.questionnaire, set(names), values, comments,
                        required=set(names) if scope.group.per_unit else None, unit_names=names)


def submit_with_code(campaign: Campaign, answer_in: CodeAnswer, now=None, scope: CodeScope | None = None) -> Answer:
    """Store a public answer. The code's single use, the flag counters and the answer's rows are one statement
    on PostgreSQL (`inserts.insert_once`); with a phone number, its claim joins them in a transaction.

    `scope` is the caller's earlier `resolve_code` of the same code (saves the look-up); whatever happened in
    between, the conditional UPDATE in that statement decides.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    if scope is None or scope.code.digest != codes.digest(answer_in.code):
        scope = resolve_code(campaign, answer_in.code, now)
    errors = check_code_answer(campaign, scope, answer_in.values, answer_in.comments)
    if answer_in.follow_up and not answer_in.phone:
        errors.append("如需回访，请填写手机号码。")
    if errors:
        raise EvaluationError(errors[0], errors)
    answer, rows = _answer_rows(campaign, scope.group, scope.questionnaire, channel=Channel.CODE,
                                values=answer_in.values, comments=answer_in.comments, seconds=answer_in.seconds,
                                day=day)
    if answer_in.phone and answer_in.follow_up:
        rows.append(Contact(answer=answer, campaign=campaign,
                            phone_cipher=privacy.encrypt_phone(answer_in.phone, campaign.pk),
                            phone_masked=mask_phone(answer_in.phone),
                            keep_until=campaign.contacts_keep_until or day + datetime.timedelta(days=CONTACT_DAYS)))
    rows += answer_flags(answer, answer_in, now)
    # A plain answer is that one statement alone, atomic by itself; a phone claim needs the transaction.
    with transaction.atomic() if answer_in.phone else contextlib.nullcontext():
        if answer_in.phone:
            _claim_phone(campaign, scope, answer_in.phone)
        if not inserts.insert_once(scope.code.pk, day, rows, counted_flags(answer, answer_in, scope, now), now):
            raise EvaluationError("该邀请码已经使用过，每个邀请码只能提交一次。")
    return answer


def _claim_phone(campaign: Campaign, scope: CodeScope, phone: str) -> None:
    claim_scope = f"g{scope.group.pk}-u{scope.code.unit_id or 0}"
    try:
        with transaction.atomic():
            PhoneClaim.objects.create(campaign=campaign, scope=claim_scope, key=privacy.phone_key(phone))
    except IntegrityError:
        raise EvaluationError("该手机号码已参加过本项评议，每人只能评议一次。感谢您的支持！") from None


def answer_flags(answer: Answer, answer_in: CodeAnswer, now) -> list[Flag]:
    """The flags that follow from the answer and the answers stored before it (not saved)."""
    day = timezone.localdate(now)
    found = guards.content_flags(answer_in.values, answer_in.seconds)
    if len(answer_in.values) >= guards.DUPLICATE_MIN_RATINGS:
        twins = (Answer.objects.filter(campaign=answer.campaign, rater_group=answer.rater_group,
                                       vector_digest=answer.vector_digest).exclude(pk=answer.pk).count())
        if twins:
            found.append((FlagKind.DUPLICATE, f"与同组另外 {twins} 份答卷的全部评分完全相同"))
    return [Flag(answer=answer, campaign=answer.campaign, kind=k, detail=d[:200], created_on=day) for k, d in found]


def counted_flags(answer: Answer, answer_in: CodeAnswer, scope: CodeScope, now) -> list[guards.CountedFlag]:
    """The burst and same-source counters a new public answer bumps, and the flag each gives past its limit."""
    day = timezone.localdate(now)
    return [
        guards.CountedFlag(f"burst:{answer.campaign_id}:{scope.group.pk}:{scope.code.unit_id or 0}",
                           guards.BURST_WINDOW, guards.BURST_LIMIT, FlagKind.BURST,
                           "10分钟内同一评议主体收到第 %s 份答卷", answer, day),
        guards.CountedFlag(f"src:{answer.campaign_id}:{privacy.address_bucket(answer_in.client_ip, day)}",
                           guards.SAME_SOURCE_WINDOW, guards.SAME_SOURCE_LIMIT, FlagKind.SAME_SOURCE,
                           "1小时内同一网络来源提交的第 %s 份答卷", answer, day),
    ]


def flags_for(answer: Answer, answer_in: CodeAnswer, scope: CodeScope, now) -> list[Flag]:
    """All the flags a new answer gets (not saved), bumping the counters now (the 民主测评's path)."""
    counted = counted_flags(answer, answer_in, scope, now)
    # The counter rows are shared by every answer to a department: bumped late, held only until the commit.
    hits = guards.bump_many([(c.key, c.window) for c in counted], now)
    return answer_flags(answer, answer_in, now) + [c.flag(hits[c.key]) for c in counted if hits[c.key] > c.limit]


# --- Internal raters ------------------------------------------------------------------------------------

ROLE_TO_KIND = {Role.LEADER: RaterKind.LEADER, Role.RATER: RaterKind.DEPARTMENT}


def group_for(campaign: Campaign, membership) -> RaterGroup | None:
    kind = ROLE_TO_KIND.get(membership.role) if membership else None
    return campaign.groups.filter(kind=kind).first() if kind else None


def ballot_units(campaign: Campaign, membership) -> list[Unit]:
    """What an internal rater rates: every department of the campaign except their own unit."""
    return list(campaign.units.exclude(pk=membership.unit_id).order_by("sort_order", "code"))


def get_ballot(campaign: Campaign, user, membership) -> Ballot:
    group = group_for(campaign, membership)
    if group is None:
        raise EvaluationError("您当前的角色不参加本次评议。")
    ballot, _ = Ballot.objects.get_or_create(campaign=campaign, user=user,
                                             defaults={"rater_group": group, "rater_unit": membership.unit})
    return ballot


def closed_message(campaign: Campaign) -> str:
    """Why a ballot cannot be saved now, with the date, so a stale draft is never refused without a reason."""
    now = timezone.now()
    if campaign.status == CampaignStatus.OPEN and now < campaign.opens_at:
        return f"本次评议不在开放时间内（{timezone.localtime(campaign.opens_at):%Y-%m-%d %H:%M}开始）。"
    when = f"已于{timezone.localtime(campaign.closes_at):%Y-%m-%d %H:%M}截止" if now >= campaign.closes_at else "已结束"
    return f"本次评议不在开放时间内（{when}），草稿不能再保存，也不能提交。"


def _check_ballot(ballot: Ballot, values: Values, comments: dict[int, str], *, complete: bool) -> list[str]:
    campaign = ballot.campaign
    if ballot.status != BallotStatus.DRAFT:
        return ["您已提交本次评议，不能再修改。"]
    if not campaign.accepts_answers():
        return [closed_message(campaign)]
    if any(u == ballot.rater_unit_id for u, _ in values) or ballot.rater_unit_id in comments:
        return ["不能评价本单位。"]
    units = {u.pk: u.label for u in campaign.units.exclude(pk=ballot.rater_unit_id)}
    questionnaire = current_questionnaire(ballot.rater_group)
    errors = check_answer(campaign, questionnaire, set(units), values, comments,
                          required=set(units) if complete else None, unit_names=units)
    if not complete:
        errors = [e for e in errors if not e.startswith(("请对", "请至少"))]
    return errors


@transaction.atomic
def save_ballot(ballot: Ballot, values: Values, comments: dict[int, str], *, by) -> Ballot:
    """Keep a half-finished matrix; complete rows are not required yet."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    errors = _check_ballot(ballot, values, comments, complete=False)
    if errors:
        raise EvaluationError(errors[0], errors)
    ballot.data = {"v": {f"{u}-{d}": v for (u, d), v in values.items()},
                   "c": {str(u): t for u, t in comments.items() if t.strip()}}
    ballot.saved_at = timezone.now()
    ballot.save(update_fields=["data", "saved_at"])
    record("evaluation.ballot_saved", ballot.campaign, after={"ratings": len(values)}, user=by)
    return ballot


@transaction.atomic
def submit_ballot(ballot: Ballot, values: Values, comments: dict[int, str], *, by) -> Answer:
    """Turn a complete matrix into an anonymous answer; the ballot keeps only the fact that it was submitted."""
    ballot = Ballot.objects.select_for_update().select_related("campaign", "rater_group").get(pk=ballot.pk)
    errors = _check_ballot(ballot, values, comments, complete=True)
    if errors:
        raise EvaluationError(errors[0], errors)
    campaign = ballot.campaign
    answer = _store_answer(campaign, ballot.rater_group, current_questionnaire(ballot.rater_group),
                           channel=Channel.INTERNAL, values=values, comments=comments, seconds=None,
                           day=timezone.localdate())
    ballot.status, ballot.data, ballot.saved_at = BallotStatus.SUBMITTED, {}, None
    ballot.save(update_fields=["status", "data", "saved_at"])
    record("evaluation.ballot_submitted", campaign, after={"group": ballot.rater_group.name}, user=by)
    return answer


def ballot_values(ballot: Ballot) -> tuple[Values, dict[int, str]]:
    data = ballot.data or {}
    values = {}
    for key, value in data.get("v", {}).items():
        unit_id, dim_id = key.split("-")
        values[(int(unit_id), int(dim_id))] = int(value)
    return values, {int(k): v for k, v in data.get("c", {}).items()}


# --- Review ---------------------------------------------------------------------------------------------

@transaction.atomic
def decide_answer(answer: Answer, *, exclude: bool, reason: str, by) -> Answer:
    """Keep or exclude a flagged answer, with a reason. Nothing is deleted; the decision can be revisited."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise EvaluationError("请填写审核理由。")
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    flags = list(answer.flags.all())
    if not flags:
        raise EvaluationError("该答卷没有疑点标记。")
    status = FlagStatus.EXCLUDED if exclude else FlagStatus.KEPT
    before = {"excluded": answer.excluded, "flags": {f.kind: f.status for f in flags}}
    Flag.objects.filter(answer=answer).update(status=status, decided_by=by, decided_at=timezone.now(),
                                              reason=reason[:200])
    answer.excluded = exclude
    answer.save(update_fields=["excluded"])
    record("evaluation.answer_excluded" if exclude else "evaluation.answer_kept", answer, before=before,
           after={"excluded": exclude, "reason": reason[:200], "flags": [f.kind for f in flags]}, user=by)
    return answer


@transaction.atomic
def reveal_contact(contact: Contact, *, by) -> str:
    """The full phone number for a follow-up call; every reveal is audited (personal data)."""
    phone = privacy.decrypt_phone(contact.phone_cipher, contact.campaign_id)
    record("evaluation.contact_revealed", contact.answer, after={"masked": contact.phone_masked}, user=by)
    return phone


@transaction.atomic
def purge_contacts(*, today: datetime.date | None = None, by=None) -> int:
    """Delete phone numbers whose retention (the appeal window) has passed."""
    today = today or timezone.localdate()
    stale = Contact.objects.filter(keep_until__lt=today)
    count = stale.count()
    if count:
        stale.delete()
        record("evaluation.contacts_purged", None, after={"count": count, "before": today.isoformat()}, user=by)
    return count

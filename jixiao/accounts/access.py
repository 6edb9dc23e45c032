"""The one choke point for what a user may see and do. Every view starts here.

A user acts through one *active membership* (a role in a unit), chosen in the header. What that
membership allows is written down in ACTIONS below; which units it can see is `visible_units`.
Objects that belong to a unit are resolved with `get_for_user`, which answers 404 for objects outside
the user's reach (so ids of other units' objects reveal nothing) and 403 for a forbidden action on a
visible object. Which score runs a user may read at all is `visible_runs`: every figure of a run (score,
rank, grade, letter, chart, export, card) is read through it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404

from jixiao.accounts.models import Membership
from jixiao.accounts.roles import DISTRICT_WIDE_ROLES, SEPARATED_ROLES, Role
from jixiao.org.models import Unit, UnitKind

R = Role
# action -> roles whose active membership allows it.
ACTIONS: dict[str, frozenset[str]] = {
    # Organisation: the office runs it; leaders read it.
    "org.view": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "org.manage": frozenset({R.OFFICE_ADMIN}),
    "org.view_own_unit": frozenset({R.OFFICE_ADMIN, R.LEADER, R.ASSESSOR, R.REPORTER, R.REVIEWER, R.SUPERVISOR, R.RATER}),
    "cycle.view": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "cycle.manage": frozenset({R.OFFICE_ADMIN}),
    # Accounts: the security admin grants; nobody else does.
    "accounts.manage": frozenset({R.SECURITY_ADMIN}),
    # API tokens (接口令牌) for other systems: the security admin issues and revokes them.
    "api.tokens": frozenset({R.SECURITY_ADMIN}),
    # Audit log: the audit admin reads it, and nothing else.
    "audit.view": frozenset({R.AUDIT_ADMIN}),
    # System: health, backups, tasks.
    "system.view": frozenset({R.SYSTEM_ADMIN}),
    # Evaluation (综合评议): the office runs campaigns; leaders follow them; leaders and raters rate; units read
    # the comments and follow-up items addressed to them.
    "evaluation.view": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "evaluation.manage": frozenset({R.OFFICE_ADMIN}),
    "evaluation.rate": frozenset({R.LEADER, R.RATER}),
    "evaluation.feedback": frozenset({R.REPORTER, R.REVIEWER}),
    # Indicators and schemes: the office builds them; leaders and assessor units read them.
    "indicators.view": frozenset({R.OFFICE_ADMIN, R.LEADER, R.ASSESSOR}),
    "indicators.manage": frozenset({R.OFFICE_ADMIN}),
    "indicators.view_assessed": frozenset({R.ASSESSOR}),
    # Targets: the district table for the office and leaders; a unit sees and may contest its own.
    "targets.view_all": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "targets.view_own": frozenset({R.ASSESSOR, R.REPORTER, R.REVIEWER}),
    "targets.request_adjustment": frozenset({R.REPORTER, R.REVIEWER}),
    "targets.decide_adjustment": frozenset({R.OFFICE_ADMIN}),
    # Reporting (网上报件): units enter, their reviewer approves, assessor units verify, the office runs periods.
    "reporting.view": frozenset({R.OFFICE_ADMIN, R.LEADER, R.REPORTER, R.REVIEWER}),
    "reporting.enter": frozenset({R.REPORTER}),
    # The pre-filled Excel template holds unverified figures: it is for the people who fill in and check.
    "reporting.template": frozenset({R.OFFICE_ADMIN, R.REPORTER, R.REVIEWER}),
    "reporting.review": frozenset({R.REVIEWER}),
    "reporting.verify": frozenset({R.ASSESSOR}),
    "reporting.board": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "reporting.manage": frozenset({R.OFFICE_ADMIN}),
    # Scoring (网上考核): the office computes, opens appeals and publishes; leaders read every run; units read
    # their own result once released to them (`visible_runs`), and their reporter or reviewer may appeal within
    # the window.
    "scoring.view": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "scoring.manage": frozenset({R.OFFICE_ADMIN}),
    "scoring.view_own": frozenset({R.ASSESSOR, R.REPORTER, R.REVIEWER}),
    "scoring.appeal": frozenset({R.REPORTER, R.REVIEWER}),
    # Key work (重点工作·督查督办·通报): the office runs it; leaders and the 督查室 follow every task; units report
    # on their own tasks and answer directives; assessor units, the 督查室 and the office score.
    "keywork.board": frozenset({R.OFFICE_ADMIN, R.LEADER, R.SUPERVISOR}),
    # Every task, directive and supervision of the district (keywork/scope.py); the others only their units'.
    "keywork.view_all": frozenset({R.OFFICE_ADMIN, R.LEADER, R.SUPERVISOR}),
    "keywork.manage": frozenset({R.OFFICE_ADMIN}),
    "keywork.my_tasks": frozenset({R.LEADER}),
    "keywork.unit": frozenset({R.ASSESSOR, R.REPORTER, R.REVIEWER}),
    "keywork.view_task": frozenset({R.OFFICE_ADMIN, R.LEADER, R.SUPERVISOR, R.ASSESSOR, R.REPORTER, R.REVIEWER}),
    "keywork.report": frozenset({R.REPORTER, R.REVIEWER}),
    "keywork.assess": frozenset({R.OFFICE_ADMIN, R.SUPERVISOR, R.ASSESSOR}),
    "keywork.supervise": frozenset({R.OFFICE_ADMIN, R.SUPERVISOR}),
    "keywork.reply": frozenset({R.REPORTER, R.REVIEWER}),
    "keywork.bulletins": frozenset({R.OFFICE_ADMIN, R.LEADER, R.SUPERVISOR, R.ASSESSOR, R.REPORTER, R.REVIEWER}),
    "keywork.publish": frozenset({R.OFFICE_ADMIN}),
    # Results (结果运用): the office assigns and closes rectification, publishes, records talks; leaders follow;
    # units rectify and read their own results; cadre records are personal (office and leaders only).
    "results.view": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "results.manage": frozenset({R.OFFICE_ADMIN}),
    "results.own_unit": frozenset({R.REPORTER, R.REVIEWER}),
    "results.rectification": frozenset({R.OFFICE_ADMIN, R.LEADER, R.REPORTER, R.REVIEWER}),
    "results.rectify": frozenset({R.REPORTER, R.REVIEWER}),
    "results.cadres": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "results.unit": frozenset({R.OFFICE_ADMIN, R.LEADER, R.REPORTER, R.REVIEWER}),
    # 考核委员会审定: the office submits final results and records the meeting's decision (`results.manage`);
    # the committee's members (区级领导) read the reviews they sit on and vote — the leader's only power here.
    "results.committee": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "results.committee_vote": frozenset({R.LEADER}),
    # Cadres (领导班子和领导干部考核): personal data under PIPL. The office runs it; the committee (leaders) and the
    # organisation department (组织部) read it, and the 组织部 reads nothing else; a cadre reads their own file
    # through the link of their account (cadres/access.py), whatever their role.
    "cadres.view": frozenset({R.OFFICE_ADMIN, R.LEADER, R.ORG_DEPT}),
    "cadres.manage": frozenset({R.OFFICE_ADMIN}),
    # Analysis (绩效分析): the office and leaders compare every unit; the office keeps unit attributes, peer
    # weights and pace thresholds; a unit reads its own comparisons and pace.
    "analysis.view": frozenset({R.OFFICE_ADMIN, R.LEADER}),
    "analysis.manage": frozenset({R.OFFICE_ADMIN}),
    "analysis.view_own": frozenset({R.ASSESSOR, R.REPORTER, R.REVIEWER}),
    # 数据质量预警: the office and leaders read every flag; an assessor those of the indicators it verifies.
    "analysis.quality": frozenset({R.OFFICE_ADMIN, R.LEADER, R.ASSESSOR}),
    # Portal publishing (门户信息发布): office users draft, and another office user approves (maker-checker).
    "portal.publish": frozenset({R.OFFICE_ADMIN}),
    # 互动交流: the office routes, closes and approves residents' messages; a unit's people reply to those routed
    # to their unit (the object's `unit` keeps another unit's message out of reach).
    "portal.messages": frozenset({R.OFFICE_ADMIN, R.REPORTER, R.REVIEWER}),
}

SESSION_KEY = "active_membership_id"


class NoMembership(PermissionDenied):
    """The user has no active role at all."""


def memberships(user) -> list[Membership]:
    """The user's current memberships, loaded once per user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_jixiao_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user=user, unit__valid_to__isnull=True)
            .select_related("unit")
            .order_by("id")
        )
        user._jixiao_memberships = cached
    return cached


def active_membership(request) -> Membership | None:
    """The membership the user acts through now: the one chosen in the header, else the first."""
    user = request.user
    if not user.is_authenticated:
        return None
    cached = getattr(request, "_jixiao_active", None)
    if cached is not None:
        return cached
    options = memberships(user)
    if not options:
        return None
    chosen_id = request.session.get(SESSION_KEY)
    chosen = next((m for m in options if m.pk == chosen_id), options[0])
    request._jixiao_active = chosen
    user._jixiao_active = chosen
    return chosen


def current_membership(user) -> Membership | None:
    """The active membership bound to this user object by `active_membership`, else the first one."""
    active = getattr(user, "_jixiao_active", None)
    if active is not None:
        return active
    options = memberships(user)
    return options[0] if options else None


def role_of(user) -> str:
    membership = current_membership(user)
    return membership.role if membership else ""


def can(user, action: str) -> bool:
    """Whether the user's active role allows the action at all."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}: add it to accounts/access.py")
    return role_of(user) in ACTIONS[action]


def require(user, action: str, obj: Model | None = None) -> None:
    """Raise 404 when `obj` lies outside the user's reach, 403 when the action is not allowed."""
    if obj is not None and not is_visible(user, obj):
        raise Http404("对象不存在或无权访问")
    if not can(user, action):
        raise PermissionDenied("您当前的角色无权执行此操作")


def visible_units(user):
    """Units whose data the user's active membership may see."""
    membership = current_membership(user)
    if membership is None or membership.role in SEPARATED_ROLES:
        return Unit.objects.none()
    if membership.role in DISTRICT_WIDE_ROLES:
        return Unit.objects.all()
    unit = membership.unit
    # A street's people also see their villages; everyone else sees their own unit.
    return Unit.objects.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk, kind=UnitKind.VILLAGE))


def assesses(user, item) -> bool:
    """Whether the user's assessor unit owns the scheme item `item` (the item's own assessor, else the indicator
    definition's default): the assessor's reach in reporting. It verifies, returns and reads the evidence of the
    values of exactly these items, in any unit's submission."""
    from jixiao.reporting.due import assessor_id_of

    membership = current_membership(user)
    return (item is not None and membership is not None and can(user, "reporting.verify")
            and assessor_id_of(item) == membership.unit_id)


def get_assessed_submission(user, pk):
    """A submission the user's assessor unit verifies (one of the items it owns is due in it), for a view.

    403 for a role that verifies nothing; 404 when the submission is absent or none of its items is the user's."""
    from jixiao.reporting.due import items_for_unit
    from jixiao.reporting.models import Submission

    require(user, "reporting.verify")
    try:
        submission = Submission.objects.select_related("unit", "period__cycle").get(pk=pk)
    except (Submission.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或无权访问") from None
    if not any(assesses(user, item) for item in items_for_unit(submission.period, submission.unit)):
        raise Http404("对象不存在或无权访问")
    return submission


# The reader of what is public: `visible_runs(PUBLIC)` is what the public portal may show.
PUBLIC = None


def visible_runs(user):
    """Score runs whose figures `user` may read: the one rule behind every page, chart, download, letter, export,
    home card, cadre record and notice that shows a score, rank or grade.

    The office and leaders (`scoring.view`) read every run. Every other role reads a run only once the office
    has released it to the units (`ScoreRun.objects.released()`: appeal window opened, or published), and only
    its own units' results in it (`visible_results`); the three administrators read none. The public
    (`PUBLIC`) reads published runs only.
    """
    from jixiao.scoring.models import ScoreRun

    runs = ScoreRun.objects.all()
    if user is PUBLIC:
        return runs.published()
    if can(user, "scoring.view"):
        return runs
    if current_membership(user) is None or role_of(user) in SEPARATED_ROLES:
        return runs.none()
    return runs.released()


def visible_results(user):
    """Unit results (`ScoreResult`) the user may read: in `visible_runs`, of `visible_units` (the public: all)."""
    from jixiao.scoring.models import ScoreResult

    results = ScoreResult.objects.filter(run__in=visible_runs(user))
    if user is PUBLIC or role_of(user) in DISTRICT_WIDE_ROLES:
        return results
    return results.filter(unit__in=visible_units(user))


def _run_id_of(obj: Model):
    """The score run an object belongs to (a run itself, or a row with a `run` foreign key to one), else None."""
    from jixiao.scoring.models import ScoreRun

    if isinstance(obj, ScoreRun):
        return obj.pk
    field = next((f for f in obj._meta.concrete_fields if f.name == "run"), None)
    if field is not None and field.related_model is ScoreRun:
        return getattr(obj, field.attname)
    return None


def unit_of(obj: Model) -> Unit | None:
    """The unit an object belongs to, by the convention that it has `unit` or is a Unit."""
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "unit", None)


def is_visible(user, obj: Model) -> bool:
    """Whether the object lies within the user's reach: its run visible (`visible_runs`), its unit visible."""
    run_id = _run_id_of(obj)
    if run_id is not None and not visible_runs(user).filter(pk=run_id).exists():
        return False
    if role_of(user) in DISTRICT_WIDE_ROLES:
        return True
    unit = unit_of(obj)
    if unit is None:
        return False
    return visible_units(user).filter(pk=unit.pk).exists()


def get_for_user(user, model: type[Model], pk, action: str, queryset=None):
    """Fetch one object for a view: 404 if absent or outside the user's reach, 403 if not allowed."""
    qs = queryset if queryset is not None else model._default_manager.all()
    try:
        obj = qs.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或无权访问") from None
    require(user, action, obj)
    return obj

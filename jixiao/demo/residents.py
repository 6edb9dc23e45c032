"""What residents said on the demo portal (示范数据): 互动交流 messages over the year and re-ratings of rectification.

Messages: a dozen, dated back from the day the demo is built — most answered (by a department the office routed
them to, or by the office itself) and published at /p/hudong/, one answered but kept off the portal, one reply
waiting for the office's approval, one with a department, one just in, and one closed with its reason. Each has
a 查询码 whose hash only is kept, as for a real message. Re-ratings (满意度复评): every closed rectification
item the office disclosed gets residents' verdicts some weeks after its completion notice, a few with comments —
most approved for the portal, the first of every other item still waiting for review. Rows are bulk-created like the other steps (the
load's one `demo.seeded` event stands for them).
"""

import datetime

from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.org.models import Unit
from jixiao.portal.hudong_actions import CODE_ALPHABET, CODE_LENGTH, code_hash
from jixiao.portal.messages_models import CloseReason, MessageKind, MessageStatus, PublicMessage
from jixiao.results.models import RatingVerdict, Rectification, RectificationRating, RectificationStatus

# (days ago, kind, to whom — a unit's name or None for the office, title, text, fate, the reply, days to answer)
MESSAGES = [
    (340, MessageKind.SUGGESTION, "区教育局", "建议延长小学课后服务时间",
     "双职工家庭下午五点半才能下班，建议课后服务延长到六点。", "published",
     "感谢您的建议。自春季学期起，全区公办小学课后服务统一延长至18:00，家长可按需报名。", 6),
    (300, MessageKind.QUESTION, None, "绩效考核结果在哪里可以查到",
     "想了解去年各部门的考核结果，请问在哪里公开？", "published",
     "年度考核结果经区绩效考核委员会审定后，在本网站“绩效结果”栏目公开，各部门页面也有历年得分和等次。", 2),
    (260, MessageKind.COMPLAINT, "区住房和建设委员会", "老旧小区改造工地夜间施工噪音扰民",
     "小区改造工地晚上十点以后还在施工，影响休息。", "published",
     "经核查情况属实，已责令施工单位停止夜间施工，并在工地公示投诉电话；如再发生请拨打该电话。", 4),
    (220, MessageKind.SUGGESTION, "区民政局", "建议在社区增设老年助餐点",
     "社区老人多，吃饭不方便，希望增设助餐点。", "published",
     "已将您所在社区纳入今年新增老年助餐点计划，预计三季度开放，届时将在社区公告。", 9),
    (180, MessageKind.QUESTION, "区人力资源和社会保障局", "灵活就业人员如何参加养老保险",
     "我是灵活就业人员，想咨询参加职工养老保险的办法。", "published",
     "灵活就业人员可持身份证到区社保中心或通过网上办事大厅办理参保登记，缴费基数可在规定范围内自选。", 3),
    (150, MessageKind.SUGGESTION, None, "建议公开重点工作的进展",
     "希望能看到区里重点工作的推进情况。", "published",
     "门户首页已公开年度重点工作的进展状态和序时进度，各部门页面列出其牵头的重点工作。", 5),
    (110, MessageKind.COMPLAINT, "区卫生健康委员会", "社区卫生服务中心周末不开门诊",
     "周末带孩子看病只能去大医院，排队时间长。", "published",
     "自下月起，各社区卫生服务中心周六上午开设全科门诊，周日安排值班医生。", 12),
    (75, MessageKind.QUESTION, "区财政局", "区级预算公开的时间",
     "请问今年的区级部门预算什么时候公开？", "kept",
     "部门预算在区人代会批准后20日内公开，今年已于3月公开。", 4),
    (30, MessageKind.SUGGESTION, "区教育局", "建议学校操场节假日向社区开放",
     "周边缺少运动场地，希望学校操场节假日能对居民开放。", "pending",
     "我局正在会同有关街道研究学校体育场地错时开放的办法，将先在两所学校试点。", None),
    (12, MessageKind.COMPLAINT, "区住房和建设委员会", "小区电梯加装进度缓慢",
     "去年报名的加装电梯项目至今没有开工。", "routed", "", None),
    (3, MessageKind.QUESTION, None, "评议邀请码丢失怎么办",
     "收到过评议短信，但删除了，还能参加评议吗？", "new", "", None),
    (200, MessageKind.SUGGESTION, None, "请公布某商户的联系电话",
     "要求公布某商户老板的手机号码。", "closed", "", None),
]
# (verdict weights: satisfied, basic, unsatisfied) and comments residents wrote
WEIGHTS = (6, 3, 1)
COMMENTS = [("satisfied", "整改后窗口排队时间明显缩短。"), ("basic", "有改进，希望长期坚持。"),
            ("unsatisfied", "问题有反复，希望加强日常检查。"), ("satisfied", "办事指南更清楚了，一次就办成。")]


def _code(rng) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _at(now, days: float, hour: int) -> datetime.datetime:
    return (now - datetime.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def messages(rng, now, office) -> list[PublicMessage]:
    units = {u.name: u for u in Unit.objects.filter(name__in={m[2] for m in MESSAGES if m[2]})}
    rows = []
    for days, kind, to, title, text, fate, reply, took in MESSAGES:
        unit = units.get(to) if to else None
        received = _at(now, days, 9 + rng.randint(0, 8))
        row = PublicMessage(kind=kind, addressee=unit, title=title, text=text, code_hash=code_hash(_code(rng)),
                            received_at=received, status=MessageStatus.NEW)
        if fate in ("published", "kept", "pending", "routed"):
            row.status, row.unit = MessageStatus.ROUTED, unit
        if reply:
            row.reply, row.replied_by = reply, office
            row.replied_at = received + datetime.timedelta(days=(took or 5) - 1, hours=3)
            row.status = MessageStatus.PENDING
        if fate in ("published", "kept"):
            row.status, row.approved_by = MessageStatus.ANSWERED, office
            row.answered_at = received + datetime.timedelta(days=took, hours=2)
            row.published = fate == "published"
        if fate == "closed":
            row.status, row.close_reason, row.closed_at = MessageStatus.CLOSED, CloseReason.OUT_OF_SCOPE, received
            row.close_note = "涉及他人个人信息，不予公开。"
        rows.append(row)
    return PublicMessage.objects.bulk_create(rows)


def reratings(rng) -> list[RectificationRating]:
    closed = Rectification.objects.disclosed().filter(status=RectificationStatus.CLOSED, closed_at__isnull=False)
    rows = []
    for item in closed.order_by("id"):
        for k in range(rng.randint(4, 12)):
            verdict = rng.choices([v for v, _ in RatingVerdict.choices], weights=WEIGHTS)[0]
            rows.append(RectificationRating(rectification=item, verdict=verdict,
                                            created_at=item.closed_at + datetime.timedelta(days=20 + k, hours=k)))
        for n, (verdict, comment) in enumerate(COMMENTS[:rng.randint(1, len(COMMENTS))]):
            rows.append(RectificationRating(rectification=item, verdict=verdict, comment=comment,
                                            comment_approved=n > 0 or item.pk % 2 == 0,
                                            created_at=item.closed_at + datetime.timedelta(days=25 + n)))
    return RectificationRating.objects.bulk_create(rows)


def build(rng) -> str:
    now = timezone.localtime()
    office = User.objects.get(username="office")
    found = messages(rng, now, office)
    ratings = reratings(rng)
    answered = sum(1 for m in found if m.status == MessageStatus.ANSWERED and m.published)
    waiting = sum(1 for m in found if m.status in (MessageStatus.NEW, MessageStatus.ROUTED, MessageStatus.PENDING))
    return (f"互动交流留言 {len(found)} 条（已答复公开 {answered} 条，办理中 {waiting} 条），"
            f"整改满意度复评 {len(ratings)} 份")

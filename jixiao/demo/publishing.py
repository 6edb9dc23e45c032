"""Demo portal items (示范数据): a year of notices and work news (about one a month), two policy documents (the
older repealed and replaced), an explanation, a result announcement, and one notice waiting for approval.

Each published item was written by the office's second admin (马文涛, a demo account without a password: he
cannot sign in) and approved by the demo office user 林静怡, or the other way round; the notice waiting for
approval is his, so 林静怡 can approve it in the demo. Dates count back from the day the demo is built, so the
portal always looks current. Rows are bulk-created like the other steps: no audit events, a few milliseconds.
"""

import datetime

from django.utils import timezone

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import Role
from jixiao.demo.org import OFFICE_CODE
from jixiao.org.models import Unit
from jixiao.portal import publishing_html
from jixiao.portal.models import Article, Kind, Revision, RevisionStatus, Validity

EDITOR = "office_editor"
OFFICE_BODY = "示范区人民政府办公室"


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


# (kind, days ago, title, summary, body, policy metadata or None); a policy document is dated from its
# 成文日期 and an explanation from the document before it, so their dates agree whatever day the demo is built
ITEMS = [
    (Kind.NOTICE, 320, "关于开展2026年度区直部门和街道绩效考核工作的通知", "部署2026年度绩效考核的指标、时间安排和报送要求。",
     _p("各街道、园区，区直各部门：",
        "根据《示范区绩效管理办法》，现就开展2026年度绩效考核工作通知如下。") +
     "<h3>一、考核对象</h3>" + _p("区直部门、街道和园区。") +
     "<h3>二、时间安排</h3><ul><li>1月底前：下达年度指标和目标值；</li><li>每季度末：网上报件；</li>"
     "<li>次年1月：综合评议和年度考核。</li></ul>" +
     _p("联系人：区绩效办考核科，联系电话：022-00000000。"), None),
    (Kind.NOTICE, 150, "关于做好2026年上半年绩效考核报件工作的通知", "上半年报件于7月10日前完成。",
     _p("各单位须于7月10日前通过绩效管理平台完成上半年指标数值和佐证材料的报送，审核人审核后提交。",
        "逾期未报的，按《示范区绩效管理办法》第二十条处理。"), None),
    (Kind.NOTICE, 20, "关于开展2026年度综合评议网上评议的公告", "市民凭邀请码在线参加评议。",
     _p("2026年度综合评议网上评议已经开始。收到邀请码的市民、企业和服务对象代表，可通过本网站“参加评议”栏目在线填写评议表。",
        "评议实行匿名，评议结果只用于绩效考核。"), None),
    (Kind.NOTICE, 325, "关于2025年度绩效考核结果复核工作的通知", "对初步结果有异议的单位可在5个工作日内申请复核。",
     _p("各单位对2025年度绩效考核初步结果有异议的，可在结果反馈后5个工作日内通过绩效管理平台提出复核申请，并附佐证材料。",
        "区绩效办在10个工作日内作出复核决定并反馈申请单位。"), None),
    (Kind.NEWS, 270, "区绩效办开展2026年度指标设置培训", "",
     _p("区绩效办组织区直部门和街道的绩效联络员开展指标设置培训，讲解指标口径、目标值确定和佐证材料要求。"), None),
    (Kind.NOTICE, 240, "关于报送2026年度重点工作推进计划的通知", "各牵头单位于4月底前报送分月推进计划。",
     _p("各重点工作牵头单位须于4月30日前在绩效管理平台填报全年推进计划和季度节点，作为序时进度考核的依据。"), None),
    (Kind.NEWS, 210, "区绩效办开展一季度重点工作进展调度", "",
     _p("区绩效办对一季度重点工作进展进行调度，对滞后事项逐项分析原因，督促牵头单位加快推进。"), None),
    (Kind.NOTICE, 185, "关于公布2025年度整改事项办理情况的通告", "2025年度考核发现问题的整改进展向社会公开。",
     _p("2025年度绩效考核中发现的问题已全部交有关单位整改，整改承诺、进展和完成情况见本网站“整改公开”栏目，欢迎市民评价整改成效。"),
     None),
    (Kind.NEWS, 130, "示范区上线绩效管理门户网站", "",
     _p("示范区绩效管理门户网站正式上线，集中公开考核结果、政策文件、部门绩效和整改情况，并开设互动交流栏目。"), None),
    (Kind.NOTICE, 70, "关于开展2026年度部门整改满意度复评的公告", "市民可对已完成的整改事项进行满意度评价。",
     _p("对已完成整改并公开的事项，市民可在“整改公开”栏目中对整改成效作出满意、基本满意或不满意的评价，并留下意见。"), None),
    (Kind.NEWS, 55, "区领导调研街道绩效管理工作", "",
     _p("区领导到街道调研绩效管理工作，要求把群众满意度作为检验工作成效的重要标准。"), None),
    (Kind.NOTICE, 8, "关于做好2026年度绩效考核年终报件工作的通知", "年终报件于次年1月10日前完成。",
     _p("各单位须于次年1月10日前完成全年指标数值和佐证材料的报送，逾期未报的指标按未完成处理。"), None),
    (Kind.NEWS, 100, "区绩效办召开2026年度绩效管理工作推进会", "",
     _p("近日，区绩效办召开2026年度绩效管理工作推进会，通报上半年指标完成情况，部署下半年重点工作。",
        "会议要求各单位对照序时进度查找差距，对欠进度指标逐项制定措施。"), None),
    (Kind.NEWS, 40, "区委督查室、区绩效办联合开展重点工作现场督查", "",
     _p("区委督查室、区绩效办组成联合督查组，深入各街道对重点工作和重大项目推进情况开展现场督查。",
        "督查发现的问题已形成督办单，交有关单位限期办理。"), None),
    (Kind.POLICY, 1050, "示范区绩效管理办法（试行）", "", _p("第一条　为推进政府绩效管理，制定本办法。"),
     {"index_number": "11120110/2023-00012", "document_number": "示政办发〔2023〕12号", "topic": "综合政务",
      "written_on": datetime.date(2023, 3, 20), "validity": Validity.REPEALED}),
    (Kind.POLICY, 330, "示范区绩效管理办法", "规定考核对象、指标体系、考核程序和结果运用。",
     _p("第一条　为建立科学规范的绩效管理制度，提高行政效能，结合本区实际，制定本办法。",
        "第二条　本办法适用于区直部门、街道和园区的绩效管理工作。",
        "第三条　绩效考核实行年度考核与过程管理相结合，考核结果分为优秀、良好、一般、较差四个等次。"),
     {"index_number": "11120110/2026-00005", "document_number": "示政办发〔2026〕5号", "topic": "综合政务",
      "written_on": datetime.date(2026, 1, 15), "validity": Validity.IN_FORCE}),
    (Kind.EXPLANATION, 325, "《示范区绩效管理办法》政策解读", "修订背景、主要变化和结果运用。",
     "<h3>一、修订背景</h3>" + _p("试行办法施行三年来，考核的导向作用逐步显现，也存在指标偏多、过程管理不足等问题。") +
     "<h3>二、主要变化</h3><ol><li>精简指标，突出重点工作；</li><li>增加序时进度管理；</li>"
     "<li>综合评议引入市民网上评议。</li></ol>", None),
    (Kind.RESULT, 300, "2025年度区直部门和街道绩效考核结果公告", "",
     _p("经区绩效考核委员会审定，现将2025年度绩效考核结果予以公告。",
        '各单位得分、名次和等次见<a href="/p/results/">绩效结果</a>栏目。'), None),
]
PENDING = (Kind.NOTICE, "关于公布2026年第三季度重点工作进展情况的通报", "",
           _p("现将2026年第三季度重点工作进展情况通报如下：欠进度的事项请有关单位于10个工作日内报送整改措施。"))


def _editor(office: Unit) -> User:
    editor = User.objects.create(username=EDITOR, full_name="马文涛", is_demo=True, must_change_password=False)
    editor.set_unusable_password()
    editor.save(update_fields=["password"])
    Membership.objects.create(user=editor, unit=office, role=Role.OFFICE_ADMIN)
    return editor


def _times(rng, now) -> list[datetime.datetime]:
    """When each item of ITEMS was published."""
    times = []
    for kind, days, *_rest, meta in ITEMS:
        at = now - datetime.timedelta(days=days, hours=rng.randint(0, 6))
        if meta:  # a policy document appears a few days after it was written, whatever the demo's day
            at = timezone.make_aware(datetime.datetime.combine(meta["written_on"] + datetime.timedelta(days=5),
                                                               datetime.time(10, 0)))
        if kind == Kind.EXPLANATION:  # an explanation follows the document before it by a day
            at = times[-1] + datetime.timedelta(days=1)
        times.append(at)
    return times


def build(rng) -> str:
    now = timezone.now().replace(second=0, microsecond=0)
    office = Unit.objects.get(code=OFFICE_CODE)
    editor = _editor(office)
    approver = User.objects.get(username="office")
    times = _times(rng, now)
    articles = Article.objects.bulk_create([
        Article(kind=kind, created_by=editor if n % 2 == 0 else approver, created_at=at - datetime.timedelta(days=2))
        for n, ((kind, *_rest), at) in enumerate(zip(ITEMS, times, strict=True))])
    by_title, revisions = {}, []
    for n, (article, at, (_, _, title, summary, body, meta)) in enumerate(zip(articles, times, ITEMS, strict=True)):
        writer, checker = (editor, approver) if n % 2 == 0 else (approver, editor)
        revisions.append(Revision(
            article=article, number=1, status=RevisionStatus.APPROVED, title=title, summary=summary,
            body=publishing_html.clean(body), created_by=writer, created_at=at, updated_at=at, submitted_at=at,
            reviewed_by=checker, reviewed_at=at, publish_at=at, **(meta | {"issuing_body": OFFICE_BODY} if meta else {})))
        by_title[title] = article
    for revision in revisions:
        if revision.validity == Validity.REPEALED:
            revision.replaced_by = by_title["示范区绩效管理办法"]
        if revision.article.kind == Kind.EXPLANATION:
            revision.explains = by_title["示范区绩效管理办法"]
    kind, title, summary, body = PENDING
    waiting = Article.objects.create(kind=kind, created_by=editor, created_at=now - datetime.timedelta(days=1))
    revisions.append(Revision(article=waiting, number=1, status=RevisionStatus.PENDING, title=title, summary=summary,
                              body=publishing_html.clean(body), created_by=editor, submitted_at=now))
    Revision.objects.bulk_create(revisions)
    return f"门户信息 {len(ITEMS)} 条已发布（含已废止并被替代的政策文件 1 份），1 条待审核"

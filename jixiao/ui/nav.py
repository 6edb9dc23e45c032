"""The left navigation: each entry shows only to roles whose active membership allows its action."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from jixiao.accounts import access


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    action: str
    section: str = ""


NAV = [
    NavItem("工作台", "ui:home", "speedometer2", "", "概览"),
    NavItem("单位管理", "org:unit_tree", "diagram-3", "org.view", "组织机构"),
    NavItem("干部名册", "org:cadre_list", "person-badge", "org.view", "组织机构"),
    NavItem("考核年度", "org:cycle_list", "calendar3", "cycle.view", "组织机构"),
    NavItem("指标库", "indicators:indicator_list", "list-check", "indicators.view", "指标与目标"),
    NavItem("考核方案", "indicators:scheme_list", "clipboard-check", "indicators.view", "指标与目标"),
    NavItem("目标值", "indicators:target_list", "bullseye", "targets.view_all", "指标与目标"),
    NavItem("目标调整", "indicators:adjustment_queue", "arrow-left-right", "targets.decide_adjustment", "指标与目标"),
    NavItem("我考核的指标", "indicators:assessed", "clipboard-data", "indicators.view_assessed", "指标与目标"),
    NavItem("统计指标对照", "stats_mapping:table", "arrow-left-right", "indicators.manage", "指标与目标"),
    NavItem("网上报件", "reporting:home", "pencil-square", "reporting.view", "网上报件"),
    NavItem("核定与直报", "reporting:assessor_home", "check2-square", "reporting.verify", "网上报件"),
    NavItem("报送情况", "reporting:board", "clipboard-data", "reporting.board", "网上报件"),
    NavItem("报送期", "reporting:periods", "calendar-week", "reporting.manage", "网上报件"),
    NavItem("本单位", "org:my_unit", "building", "org.view_own_unit", "本单位"),
    NavItem("本单位指标与目标", "indicators:my_targets", "bullseye", "targets.view_own", "本单位"),
    NavItem("重点工作总览", "keywork:board", "kanban", "keywork.board", "重点工作"),
    NavItem("我负责的工作", "keywork:my_tasks", "person-check", "keywork.my_tasks", "重点工作"),
    NavItem("本单位重点工作", "keywork:unit_tasks", "list-task", "keywork.unit", "重点工作"),
    NavItem("督查记录", "keywork:supervision_list", "binoculars", "keywork.board", "重点工作"),
    NavItem("督办单", "keywork:directive_list", "envelope-exclamation", "keywork.board", "重点工作"),
    NavItem("通报", "keywork:bulletin_list", "megaphone", "keywork.bulletins", "重点工作"),
    NavItem("评议活动", "evaluation:campaign_list", "clipboard-check", "evaluation.view", "综合评议"),
    NavItem("参加评议", "evaluation:rate_home", "ui-checks-grid", "evaluation.rate", "综合评议"),
    NavItem("评议意见", "evaluation:feedback", "chat-left-text", "evaluation.feedback", "综合评议"),
    NavItem("整改事项", "results:rectification_list", "tools", "results.rectification", "结果运用"),
    NavItem("考核委员会审定", "results:committee_list", "people-fill", "results.committee", "结果运用"),
    NavItem("结果发布", "results:publication", "megaphone-fill", "results.view", "结果运用"),
    NavItem("干部实绩档案", "results:cadre_records", "person-vcard", "results.cadres", "结果运用"),
    NavItem("班子和干部考核", "cadres:index", "people", "cadres.view", "干部考核"),
    NavItem("干部考核档案", "cadres:file_list", "person-lines-fill", "cadres.view", "干部考核"),
    NavItem("结果运用名单", "cadres:lists", "list-ol", "cadres.view", "干部考核"),
    NavItem("问责记录", "cadres:accountability_list", "exclamation-octagon", "cadres.view", "干部考核"),
    NavItem("本单位历年结果", "results:my_results", "graph-up", "results.own_unit", "结果运用"),
    NavItem("考核计算", "scoring:run_list", "calculator", "scoring.view", "网上考核"),
    NavItem("结果申诉", "scoring:appeal_queue", "chat-square-quote", "scoring.manage", "网上考核"),
    NavItem("本单位考核结果", "scoring:our_result", "award", "scoring.view_own", "网上考核"),
    NavItem("横比纵比", "analysis:compare", "bar-chart-line", "analysis.view", "绩效分析"),
    NavItem("序时进度", "analysis:pace", "hourglass-split", "analysis.view", "绩效分析"),
    NavItem("近邻单位", "analysis:peers", "diagram-2", "analysis.view", "绩效分析"),
    NavItem("改进目标", "analysis:improvement", "bullseye", "analysis.view", "绩效分析"),
    NavItem("数据质量预警", "analysis:quality", "exclamation-diamond", "analysis.quality", "绩效分析"),
    NavItem("领导下钻", "analysis:drill", "diagram-3", "analysis.view", "绩效分析"),
    NavItem("分析报告", "analysis:reports", "file-earmark-text", "analysis.view", "绩效分析"),
    NavItem("本单位横比纵比", "analysis:my_compare", "bar-chart-line", "analysis.view_own", "本单位"),
    NavItem("本单位序时进度", "analysis:my_pace", "hourglass-split", "analysis.view_own", "本单位"),
    NavItem("本单位指标明细", "analysis:drill_mine", "diagram-3", "analysis.view_own", "本单位"),
    NavItem("本单位改进目标", "analysis:my_improvement", "bullseye", "analysis.view_own", "本单位"),
    NavItem("本单位分析报告", "analysis:my_reports", "file-earmark-text", "analysis.view_own", "本单位"),
    NavItem("门户信息发布", "publishing:list", "megaphone", "portal.publish", "门户网站"),
    NavItem("部门公开信息", "portal_profiles:list", "building", "portal.publish", "门户网站"),
    NavItem("整改复评意见", "portal_reratings:list", "chat-square-text", "portal.publish", "门户网站"),
    NavItem("互动交流留言", "portal_hudong:list", "chat-dots", "portal.messages", "门户网站"),
    NavItem("用户与授权", "accounts:user_list", "people", "accounts.manage", "安全管理"),
    NavItem("接口令牌", "api_tokens:list", "key", "api.tokens", "安全管理"),
    NavItem("审计日志", "audit:event_list", "journal-text", "audit.view", "审计"),
    NavItem("系统状态", "ui:system", "hdd-stack", "system.view", "系统"),
]


def items_for(user, path: str = "") -> list[dict]:
    """The entries the user's active role may open, by section, with at most one marked active."""
    visible = []
    for item in NAV:
        if item.action and not access.can(user, item.action):
            continue
        try:
            visible.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    current = active_url([url for _, url in visible], path)
    sections: dict[str, list] = {}
    for item, url in visible:
        entry = {"label": item.label, "url": url, "icon": item.icon, "active": url == current}
        sections.setdefault(item.section, []).append(entry)
    return [{"title": title, "items": items} for title, items in sections.items()]


def active_url(urls: list[str], path: str) -> str:
    """The one entry the page belongs to: the longest URL the path starts with ("/" only for itself).

    /reporting/board/ lies under both 网上报件 (/reporting/) and 报送情况 (/reporting/board/); only the
    deeper one is the page's entry, so two items are never highlighted at once.
    """
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default="")

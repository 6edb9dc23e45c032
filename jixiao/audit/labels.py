"""Chinese names of the audit event codes. A code missing here is shown as the code itself."""

EVENT_LABELS: dict[str, str] = {
    "auth.login": "登录",
    "auth.logout": "退出",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账号锁定",
    "auth.totp_failed": "动态口令错误",
    "user.created": "创建用户",
    "user.password_reset": "重置密码",
    "user.password_changed": "修改密码",
    "user.deactivated": "停用用户",
    "user.reactivated": "启用用户",
    "user.unlocked": "解除锁定",
    "user.totp_enrolled": "绑定动态口令",
    "user.totp_reset": "重置动态口令",
    "membership.granted": "授予角色",
    "membership.revoked": "撤销角色",
    "unit.created": "新增单位",
    "unit.updated": "修改单位",
    "unit.moved": "调整上级",
    "unit.retired": "撤销单位",
    "unit.imported": "导入单位",
    "cadre.created": "新增干部",
    "cadre.updated": "修改干部",
    "cadre.ended": "干部离任",
    "cycle.created": "新增考核年度",
    "cycle.status_changed": "变更年度状态",
    "audit.exported": "导出审计日志",
    "demo.seeded": "载入示范数据",
}

# The first part of a code names its area; the search offers these as prefixes.
PREFIX_LABELS: dict[str, str] = {
    "auth.": "登录认证",
    "user.": "用户",
    "membership.": "角色授权",
    "unit.": "单位",
    "cadre.": "干部",
    "cycle.": "考核年度",
    "audit.": "审计",
}


def label_for(code: str) -> str:
    """The Chinese name of an event code, or the code itself when it has none yet."""
    return EVENT_LABELS.get(code, code)

"""The roles a membership can carry (DESIGN.md §1). Chinese labels are what the UI shows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("绩效办管理员")
    LEADER = "leader", _("区级领导")
    ASSESSOR = "assessor", _("考核责任单位")
    REPORTER = "reporter", _("填报员")
    REVIEWER = "reviewer", _("审核人")
    SUPERVISOR = "supervisor", _("督查员")
    RATER = "rater", _("评议人")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    # 组织部: reads cadre assessments and performance files for selection and adjustment, and nothing else.
    ORG_DEPT = "org_dept", _("组织部")


# 三权分立: whoever holds one of these holds no other role at all.
SEPARATED_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that must pass a second factor at login.
TOTP_ROLES = frozenset({Role.OFFICE_ADMIN}) | SEPARATED_ROLES
# Roles that act for the whole district rather than for their own unit.
DISTRICT_WIDE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.LEADER})

"""`manage.py check --deploy`: the audit key must be a real one, and the anchor file configured.

With the development key (public, in settings.py) or none, anyone could recompute the chain, which is
exactly what the key is for.
"""

from django.conf import settings
from django.core import checks

from jixiao.audit import keys

HINT = "生成密钥：python -c 'import secrets; print(secrets.token_hex(32))'，写入 JIXIAO_AUDIT_KEY（见 docs/decisions/0004-audit-log.md）。"


@checks.register(checks.Tags.security, deploy=True)
def audit_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    key, old = settings.AUDIT_KEY, settings.AUDIT_KEYS_OLD
    problems = []
    if not key:
        problems.append(checks.Error("JIXIAO_AUDIT_KEY is not set: the audit log cannot be signed.", hint=HINT,
                                     id="jixiao.audit.E001"))
    elif key == settings.AUDIT_DEVELOPMENT_KEY:
        problems.append(checks.Error("JIXIAO_AUDIT_KEY is the public development key: anyone can recompute the "
                                     "audit chain.", hint=HINT, id="jixiao.audit.E002"))
    elif len(key) < keys.MIN_KEY_LENGTH:
        problems.append(checks.Error(f"JIXIAO_AUDIT_KEY is shorter than {keys.MIN_KEY_LENGTH} characters.", hint=HINT,
                                     id="jixiao.audit.E003"))
    if settings.AUDIT_DEVELOPMENT_KEY in old:
        problems.append(checks.Error("JIXIAO_AUDIT_KEYS_OLD lists the public development key: rows forged with it "
                                     "would verify.", hint="从 JIXIAO_AUDIT_KEYS_OLD 中删去开发用密钥。",
                                     id="jixiao.audit.E004"))
    if not settings.AUDIT_ANCHOR_FILE:
        problems.append(checks.Warning("JIXIAO_AUDIT_ANCHOR_FILE is empty: the chain's head is anchored nowhere "
                                       "outside the database, so a trimmed tail goes unnoticed.",
                                       id="jixiao.audit.W001"))
    return problems

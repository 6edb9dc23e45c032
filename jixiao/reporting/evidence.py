"""Evidence of a reported value (佐证材料): the shared content check, raised as a ValueProblem."""

from django.conf import settings

from jixiao.lib import evidence
from jixiao.reporting.checks import ValueProblem


def check_upload(upload) -> tuple[str, bytes]:
    """(kind, content) of an acceptable upload, else ValueProblem with a Chinese message."""
    try:
        name, content = evidence.read(upload, settings.UPLOAD_MAX_BYTES)
        return evidence.judge(name, content), content
    except evidence.EvidenceProblem as problem:
        raise ValueProblem(str(problem)) from None

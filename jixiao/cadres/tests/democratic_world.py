"""A small world for the online democratic evaluation's tests: campaigns of each purpose, cadres, codes, answers."""

import datetime
from zoneinfo import ZoneInfo

from jixiao.evaluation import actions, democratic
from jixiao.evaluation.models import Purpose, RaterKind, Scale
from jixiao.org.models import Cadre, CadrePost

TZ = ZoneInfo("Asia/Shanghai")
OPENS = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=TZ)
CLOSES = datetime.datetime(2026, 12, 20, 18, 0, tzinfo=TZ)


def cadres(cast) -> dict[str, Cadre]:
    """发改委: a director and a deputy in office and a deputy who left; 统计局: its director."""
    def make(unit, name, post, title, until=None):
        return Cadre.objects.create(unit=unit, name=name, post=post, title=title,
                                    tenure_from=datetime.date(2023, 1, 1), tenure_to=until)

    return {
        "director": make(cast.fgw, "王建国", CadrePost.MAIN_LEADER, "党组书记、主任"),
        "deputy": make(cast.fgw, "李晓梅", CadrePost.TEAM_MEMBER, "副主任"),
        "former": make(cast.fgw, "赵志强", CadrePost.TEAM_MEMBER, "原副主任", until=datetime.date(2026, 6, 30)),
        "other": make(cast.tjj, "陈立新", CadrePost.MAIN_LEADER, "局长"),
    }


def campaign(cast, purpose, scale=Scale.FIVE_LEVEL, *, open_it=True):
    made = actions.create_campaign(cycle=cast.cycle, assessing_unit=cast.district, name=f"2026年度{Purpose(purpose).label}",
                                   opens_at=OPENS, closes_at=CLOSES, scale_kind=scale, by=cast.office, purpose=purpose)
    return actions.open_campaign(made, by=cast.office) if open_it else made


def codes(cast, campaign, kind, unit, n=1) -> list[str]:
    group = campaign.groups.get(kind=kind)
    return actions.issue_codes(campaign, group, size=n, unit=unit, by=cast.office)[1]


def answer(campaign, code: str, by_subject: dict[int, list[int]]):
    """Submit one answer: subject id -> the values of the campaign's dimensions in their order."""
    dims = list(campaign.dimensions.all())
    values = {(subject, d.pk): v for subject, row in by_subject.items() for d, v in zip(dims, row, strict=True)}
    return democratic.submit(actions.CodeAnswer(code=code, values=values, seconds=300))


STAFF, SUPERIOR, SERVICE = RaterKind.STAFF, RaterKind.SUPERIOR, RaterKind.SERVICE

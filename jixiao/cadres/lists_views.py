"""The cycle's lists for the use of the results: 组织谈话, 拟表彰, 拟调整 (page and audited Excel export)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jixiao.audit import log
from jixiao.cadres import access, lists
from jixiao.cadres.models import CadreAssessment
from jixiao.lib import cycles
from jixiao.lib.excel import Sheet
from jixiao.lib.responses import download_workbook

HEADER = ["单位", "对象", "职务", "岗位类别", "个人等次", "班子等次", "单位绩效等次", "理由", "组织谈话"]


def _pick(request, *, strict=False):
    chooser = cycles.pick_or_404 if strict else cycles.pick
    return chooser(request, open_work=CadreAssessment.objects.all(), work="有干部考核结果")


@login_required
def lists_page(request):
    access.require_read(request.user)
    pick = _pick(request)
    found = lists.for_cycle(pick.cycle) if pick.cycle else {}
    sections = [{"kind": kind, "title": title, "entries": found.get(kind, [])} for kind, title in lists.TITLES.items()]
    return render(request, "cadres/lists_page.html", {"pick": pick, "cycle": pick.cycle, "sections": sections})


def _talk_text(entry) -> str:
    talk = entry.talk
    return f"{talk.held_on:%Y-%m-%d} {talk.held_by}" if talk else ""


def _rows(entries) -> list[list]:
    return [[e.unit.name, e.name, e.title, e.post_label, e.cadre_grade, e.team_grade, e.unit_grade,
             "；".join(e.reasons), _talk_text(e)] for e in entries]


@login_required
def lists_export(request):
    """The three lists as one workbook; personal data, so every export is audited."""
    access.require_read(request.user)
    cycle = _pick(request, strict=True).cycle
    found = lists.for_cycle(cycle) if cycle else {}
    counts = {kind: len(found.get(kind, [])) for kind in lists.TITLES}
    log.record("cadre.lists_exported", cycle, after={"cycle": cycle.year if cycle else None, **counts},
               user=request.user)
    sheets = [Sheet(title, HEADER, _rows(found.get(kind, [])), widths=[22, 16, 16, 10, 10, 10, 12, 50, 20])
              for kind, title in lists.TITLES.items()]
    return download_workbook(sheets, f"{cycle.year if cycle else ''}年度干部考核结果运用名单.xlsx")

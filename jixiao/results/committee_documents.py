"""The draft minutes (会议纪要) of a committee sign-off, as .docx: results, appeals, members' opinions.

The office downloads it before or after the meeting, completes it in Word and uploads the signed version as the
decision's minutes (committee_actions.decide checks that file by its content).
"""

from django.conf import settings
from django.utils import timezone

from jixiao.lib import documents as d
from jixiao.results import committee, queries


def minutes_draft(review) -> bytes:
    run, cycle = review.run, review.cycle
    doc = d.new_document()
    d.add_letterhead(doc, f"{settings.DISTRICT_NAME}绩效考核委员会会议纪要",
                     d.doc_number(f"{settings.DISTRICT_NAME}绩效委纪", cycle.year, review.pk))
    d.add_title(doc, f"关于审定{cycle.year}年度绩效考核结果的会议纪要（草稿）")
    d.add_body(doc, f"绩效考核办公室于{d.date_text(timezone.localdate(review.submitted_at))}将“{run.scheme.name}”"
                    f"最终结果（计算批次 #{run.pk}，输入摘要 {run.digest[:12]}）提请考核委员会审定。"
                    "会议听取了考核结果和申诉处理情况的汇报，审议了各位委员的意见，纪要如下。")
    if review.note:
        d.add_body(doc, f"提请说明：{review.note}")
    _results(doc, run)
    _appeals(doc, run)
    _opinions(doc, review)
    d.add_heading(doc, "四、会议决定")
    decision = getattr(review, "decision", None)
    if decision is not None:
        d.add_body(doc, f"会议于{d.date_text(decision.meeting_date)}召开，决定：{decision.get_outcome_display()}。"
                        f"{decision.notes}")
    else:
        d.add_body(doc, "会议日期：　　年　月　日。会议决定：□ 通过，同意发布　□ 退回修改（请注明修改事项）。")
    d.add_signature(doc, f"{settings.DISTRICT_NAME}绩效考核委员会", timezone.localdate())
    return d.to_bytes(doc)


def _results(doc, run) -> None:
    d.add_heading(doc, "一、考核结果")
    for n, group in enumerate(queries.by_group(queries.results_of([run])), start=1):
        d.add_heading(doc, f"（{'一二三四五六七八九十'[n - 1] if n <= 10 else n}）{group['name']}", level=2)
        d.add_table(doc, ["名次", "单位", "得分", "等次"],
                    [[r.rank, r.unit.name, r.total, r.get_grade_display()] for r in group["rows"]],
                    widths_mm=[20, 76, 30, 30])


def _appeals(doc, run) -> None:
    d.add_heading(doc, "二、申诉及处理情况")
    appeals = list(committee.appeals_of(run))
    if not appeals:
        d.add_body(doc, "反馈申诉期内各单位未提出申诉。")
        return
    d.add_table(doc, ["单位", "申诉理由", "处理结果", "处理意见"],
                [[a.unit.name, a.reason, a.get_status_display(), a.decision_reason] for a in appeals],
                widths_mm=[30, 56, 20, 50])


def _opinions(doc, review) -> None:
    d.add_heading(doc, "三、委员意见")
    votes = committee.tally(review)
    d.add_body(doc, f"考核委员会成员 {len(votes['members'])} 名，同意 {len(votes['approve'])} 名，"
                    f"有异议 {len(votes['object'])} 名，未表态 {len(votes['silent'])} 名。")
    rows = [[v.member, v.get_verdict_display(), v.reason or "—", timezone.localtime(v.voted_at).date()]
            for v in votes["approve"] + votes["object"]]
    rows += [[m, "未表态", "—", ""] for m in votes["silent"]]
    d.add_table(doc, ["委员", "意见", "异议理由", "表态日期"], rows, widths_mm=[30, 20, 70, 36])

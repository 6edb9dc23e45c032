"""Forms of the back office's publishing pages and of the public policy library's filter.

The item form shows the fields of its kind only: the policy metadata for 政策文件, the document explained for
政策解读. Rules that span fields (a repealed document's replacement, …) are `publishing_actions.content_problems`,
checked by the action so that every way in obeys them. Attachments come from request.FILES.getlist("files").
"""

from django import forms
from django.db.models import OuterRef, Subquery

from jixiao.indicators.forms import StyledForm
from jixiao.portal import publishing_html
from jixiao.portal.models import TOPIC_CHOICES, Article, Kind, Revision, Validity
from jixiao.portal.publishing_actions import CONTENT_FIELDS, stamp
from jixiao.portal.publishing_queries import LABELS


def policy_documents(exclude=None):
    """Every policy document with its newest title (`latest_title`), for the pickers."""
    newest = Revision.objects.filter(article=OuterRef("pk")).order_by("-number").values("title")[:1]
    documents = Article.objects.filter(kind=Kind.POLICY).annotate(latest_title=Subquery(newest))
    return documents.exclude(pk=exclude.pk) if exclude is not None else documents


class DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.latest_title}（编号 {obj.pk}）"


class ArticleForm(StyledForm):
    title = forms.CharField(label="标题", max_length=120)
    summary = forms.CharField(label="摘要", max_length=300, required=False,
                              help_text="列表和订阅中显示的一两句话；可不填。")
    body = forms.CharField(label="正文", required=False, max_length=publishing_html.MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 14, "data-richtext": "1"}),
                           help_text="可用工具栏加粗、分段、列表、小标题、表格和链接；其他格式和脚本在保存时自动去除。")
    based_on = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Kind.POLICY:
            self.fields.update(_policy_fields(article))
        elif kind == Kind.EXPLANATION:
            self.fields["explains"] = DocumentChoice(label="解读的政策文件", queryset=policy_documents(),
                                                     empty_label="请选择")
        self._style()

    def content(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "based_on"}


def _policy_fields(article) -> dict:
    return {
        "index_number": forms.CharField(label="索引号", max_length=60),
        "issuing_body": forms.CharField(label="发布机构", max_length=80),
        "document_number": forms.CharField(label="文号", max_length=60, help_text="例如：东政办发〔2026〕3号"),
        "topic": forms.ChoiceField(label="主题分类", choices=[("", "请选择"), *TOPIC_CHOICES]),
        "written_on": forms.DateField(label="成文日期", widget=forms.DateInput(attrs={"type": "date"})),
        "validity": forms.ChoiceField(label="有效性", choices=Validity.choices, initial=Validity.IN_FORCE),
        "replaced_by": DocumentChoice(label="替代文件", queryset=policy_documents(exclude=article), required=False,
                                      empty_label="（无）", help_text="已修订或已废止时，选择替代它的政策文件。"),
    }


def initial_of(revision: Revision) -> dict:
    """A form's starting values from a revision."""
    initial = {name: getattr(revision, name) for name in CONTENT_FIELDS}
    initial.update(replaced_by=revision.replaced_by_id, explains=revision.explains_id, based_on=stamp(revision))
    return initial


class ApproveForm(StyledForm):
    publish_at = forms.DateTimeField(label="发布时间", required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     help_text="留空则审核通过后立即发布；填写将来的时间则到时自动发布。")


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class OfficeFilter(StyledForm):
    kind = forms.ChoiceField(label="栏目", choices=[("", "全部栏目"), *Kind.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *LABELS.items()], required=False)


class PolicyFilter(StyledForm):
    topic = forms.ChoiceField(label="主题分类", choices=[("", "全部"), *TOPIC_CHOICES], required=False)
    issuing_body = forms.ChoiceField(label="发布机构", required=False)
    validity = forms.ChoiceField(label="有效性", choices=[("", "全部"), *Validity.choices], required=False)
    year = forms.TypedChoiceField(label="成文年份", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, bodies=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_body"].choices = [("", "全部"), *((b, b) for b in bodies)]
        self.fields["year"].choices = [("", "全部"), *((y, f"{y}年") for y in years)]

"""Forms of the peers pages: the attribute workbook upload and the weights of a cycle's attributes."""

from decimal import Decimal

from django import forms

from jixiao.analysis.neighbours import DEFAULT_K, MAX_K
from jixiao.org.forms import BootstrapMixin


class AttributeImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="单位属性工作簿（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class WeightsForm(forms.Form):
    """One weight and one 取对数 box per attribute of the cycle (fields weight_<id>, log_<id>)."""

    def __init__(self, attributes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attributes = list(attributes)
        for attribute in self.attributes:
            self.fields[f"weight_{attribute.pk}"] = forms.DecimalField(
                label=f"{attribute.name}的权重", min_value=Decimal(0), max_value=Decimal(10), decimal_places=1,
                max_digits=4, initial=attribute.weight, error_messages={
                    "min_value": "权重不能小于 0", "max_value": "权重不能大于 10",
                    "max_decimal_places": "权重最多一位小数", "invalid": "权重应为数字", "required": "请填写权重"})
            self.fields[f"log_{attribute.pk}"] = forms.BooleanField(
                label=f"{attribute.name}取对数", required=False, initial=attribute.log_scale)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control form-control-sm"
            field.widget.attrs["class"] = css

    def rows(self):
        """(attribute, weight field, log field) for the template's table."""
        return [(a, self[f"weight_{a.pk}"], self[f"log_{a.pk}"]) for a in self.attributes]

    def choices(self) -> dict[int, tuple[Decimal, bool]]:
        data = self.cleaned_data
        return {a.pk: (data[f"weight_{a.pk}"], data[f"log_{a.pk}"]) for a in self.attributes}


class NeighbourCountForm(forms.Form):
    k = forms.IntegerField(label="每个单位列出近邻数", min_value=1, max_value=MAX_K, initial=DEFAULT_K, required=False)

"""The office's form for a cycle's data-quality thresholds (数据质量预警规则)."""

from django import forms

from jixiao.analysis.models import QualityRule


class QualityRuleForm(forms.ModelForm):
    """修正 z 值阈值 and the least points a test needs; the model's validators keep each within its range."""

    class Meta:
        model = QualityRule
        fields = ["threshold", "min_history", "min_peers"]
        error_messages = {
            "threshold": {"required": "请填写修正 z 值阈值。", "invalid": "修正 z 值阈值须为数字，例如 3.5。",
                          "max_decimal_places": "修正 z 值阈值最多保留 1 位小数。",
                          "max_digits": "修正 z 值阈值须在 2.0 至 10.0 之间。"},
            "min_history": {"required": "请填写最少历史数据个数。", "invalid": "最少历史数据个数须为整数，例如 3。"},
            "min_peers": {"required": "请填写最少同组单位数。", "invalid": "最少同组单位数须为整数，例如 3。"},
        }

"""Every form that names something refuses control, bidi and other invisible characters in the name (issue 14:
a unit named with U+202E showed reversed on every page and letter)."""

import pytest

from jixiao.accounts.forms import UserCreateForm
from jixiao.evaluation.forms import CampaignEditForm, CampaignForm
from jixiao.indicators.forms import BlockForm, CategoryForm, IndicatorForm, PartForm, SchemeForm, VetoForm
from jixiao.indicators.models import Scheme
from jixiao.keywork.forms import TaskForm
from jixiao.org.forms import CadreForm, CycleForm, UnitForm
from jixiao.org.models import Cycle

FORMS = [(UnitForm, "name"), (UnitForm, "short_name"), (CadreForm, "name"), (CadreForm, "title"), (CycleForm, "name"),
         (IndicatorForm, "name"), (SchemeForm, "name"), (BlockForm, "name"), (CategoryForm, "name"),
         (VetoForm, "name"), (TaskForm, "name"), (CampaignForm, "name"), (CampaignEditForm, "name"),
         (UserCreateForm, "full_name")]


def errors_of(form_class, field, value):
    extra = {"scheme": Scheme(status="draft", cycle=Cycle(status="planning"))} if issubclass(form_class, PartForm) else {}
    form = form_class(data={field: value}, **extra)
    form.is_valid()
    return form.errors.get(field, [])


@pytest.mark.parametrize("form_class, field", FORMS)
@pytest.mark.parametrize("value, kind", [("区审计\u202e局", "文字方向控制字符 U+202E"), ("区审\u200b计局", "不可见的控制字符 U+200B")])
def test_a_name_with_a_hidden_character_is_refused(db, form_class, field, value, kind):
    assert any(kind in error for error in errors_of(form_class, field, value)), errors_of(form_class, field, value)


@pytest.mark.parametrize("form_class, field", FORMS)
def test_an_ordinary_name_passes_the_check(db, form_class, field):
    assert not any("控制字符" in error for error in errors_of(form_class, field, "区审计局（试点）"))

import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator

from jixiao.accounts.models import User
from jixiao.accounts.roles import Role
from jixiao.lib.cells import validate_name
from jixiao.org.models import Unit


class StyledForm(forms.Form):
    """Gives every widget its Bootstrap class, so templates can render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class TotpForm(StyledForm):
    code = forms.CharField(label="6 位验证码", max_length=12, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": "[0-9 ]*"}))

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("请输入 6 位数字验证码。")
        return code


def check_new_password(password: str, user: User) -> str:
    """Run the configured password rules (length, classes, common, similarity, reuse) for `user`."""
    validate_password(password, user)
    return password


class UserCreateForm(StyledForm):
    username = forms.CharField(label="用户名", max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text="字母、数字及 @ . + - _，不区分大小写")
    full_name = forms.CharField(label="姓名", max_length=60, validators=[validate_name])
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, strip=False,
                               help_text="用户首次登录后须修改")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用（用户名不区分大小写）。")
        return username

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"[0-9+\-() ]{5,20}", phone):
            raise forms.ValidationError("联系电话只能包含数字、空格和 + - ( )。")
        return phone

    def clean(self):
        data = super().clean()
        if "username" in data and data.get("password"):
            probe = User(username=data["username"], full_name=data.get("full_name", ""))
            try:
                check_new_password(data["password"], probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class PasswordResetForm(StyledForm):
    password = forms.CharField(label="临时密码", widget=forms.PasswordInput, strip=False,
                               help_text="用户下次登录后须修改")

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        return check_new_password(self.cleaned_data["password"], self.user)


class GrantForm(StyledForm):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.current(), empty_label="请选择单位")
    role = forms.ChoiceField(label="角色", choices=[("", "请选择角色"), *Role.choices])

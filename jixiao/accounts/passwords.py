"""Password rules beyond Django's own (SECURITY.md §Identity)."""

import string

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or not c.isascii() or c.isspace() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    """At least `min_classes` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class NoReuseValidator:
    """The new password differs from the user's last `history` passwords."""

    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        earlier = [user.password] if user.password else []
        earlier += list(user.password_history.values_list("password", flat=True)[: self.history])
        for encoded in earlier[: self.history]:
            if encoded and check_password(password, encoded):
                raise ValidationError(f"不能使用最近 {self.history} 次用过的密码。", code="password_reused")

    def get_help_text(self):
        return f"不能使用最近 {self.history} 次用过的密码。"


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's length rule with a Chinese message (Django 5.2 ships no translation for its new wording)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"

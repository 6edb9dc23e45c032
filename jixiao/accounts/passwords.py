"""Password rules beyond Django's own (SECURITY.md §Identity)."""

import re
import string
from pathlib import Path

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator as DjangoCommonPasswordValidator
from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError

OUR_COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
COMMON_MESSAGE = "密码太常见：不能是常用密码，或常用词（如 admin、jixiao、woaini）前后只加数字和符号。"
USERNAME_MESSAGE = "密码不能包含用户名（不区分大小写，倒写也算）。"
KEYBOARD_MESSAGE = "密码不能主要由键盘上相邻的键（如 qwerty、1qaz@WSX）或连续、重复的字符（如 123456、aaaa）组成。"


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


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _stem(text: str) -> str:
    """What is left when digits and symbols are taken off both ends: "admin@2026!" → "admin"."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text)


# The usual letter-for-symbol swaps (p@ssw0rd), undone before looking a stem up.
UNLEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})


def common_forms(password: str) -> set[str]:
    """The password as a list would hold it: itself, without symbols, its stem, and the stem un-leeted."""
    lower = password.lower().strip()
    stem = _stem(lower)
    forms = {lower, _letters_and_digits(lower), stem, _letters_and_digits(stem), stem.translate(UNLEET)}
    forms.discard("")
    return forms


class CommonPasswordValidator(DjangoCommonPasswordValidator):
    """Django's 20,000 common passwords plus ours (common_passwords.txt), also dressed up with digits and symbols.

    Admin@123, Password123! and Jixiao2026 are a list word with digits and symbols around it; matching the stem
    refuses them all, while a password with other letters after the digits (Jixiao#2026test) is not a stem match.
    """

    def __init__(self, password_list_path=DjangoCommonPasswordValidator.DEFAULT_PASSWORD_LIST_PATH):
        super().__init__(password_list_path)
        lines = OUR_COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
        self.passwords |= {line.strip() for line in lines if line.strip() and not line.startswith("#")}

    def validate(self, password, user=None):
        if common_forms(password) & self.passwords:
            raise ValidationError(COMMON_MESSAGE, code="password_too_common")

    def get_help_text(self):
        return "不能是常用密码，或常用词前后只加数字和符号。"


class UsernameValidator:
    """The password does not contain the username, in any case, forwards or backwards (Rater@2026 for rater)."""

    def __init__(self, min_length: int = 3):
        self.min_length = min_length

    def validate(self, password, user=None):
        name = _letters_and_digits((getattr(user, "username", "") or "").lower())
        if len(name) < self.min_length:
            return
        text = _letters_and_digits(password.lower())
        if name in text or name[::-1] in text:
            raise ValidationError(USERNAME_MESSAGE, code="password_contains_username")

    def get_help_text(self):
        return "不能包含用户名。"


# A US keyboard, the layout Chinese offices type on: rows with their horizontal offsets in key widths.
KEY_ROWS = (("`1234567890-=", 0.0), ("qwertyuiop[]\\", 1.5), ("asdfghjkl;'", 1.75), ("zxcvbnm,./", 2.25))
KEY_AT = {key: (row, offset + column) for row, (keys, offset) in enumerate(KEY_ROWS) for column, key in enumerate(keys)}
# A shifted symbol is typed on its digit's or punctuation's key (1qaz@WSX walks 1 q a z 2 w s x).
UNSHIFT = str.maketrans('~!@#$%^&*()_+{}|:"<>?', "`1234567890-=[]\\;',./")


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _trivial_step(a: str, b: str) -> bool:
    """Same key, a neighbouring key, or the next or previous letter or digit (abc, 321)."""
    if a == b or (_ascii_alnum(a) and _ascii_alnum(b) and a.isdigit() == b.isdigit() and abs(ord(a) - ord(b)) == 1):
        return True
    if a not in KEY_AT or b not in KEY_AT:
        return False
    (row_a, x_a), (row_b, x_b) = KEY_AT[a], KEY_AT[b]
    return (row_a == row_b and abs(x_a - x_b) == 1) or (abs(row_a - row_b) == 1 and abs(x_a - x_b) <= 1)


def pattern_characters(password: str, min_run: int = 3) -> int:
    """How many characters sit in runs of at least `min_run` trivial steps (see `_trivial_step`)."""
    keys = password.lower().translate(UNSHIFT)
    covered, run = 0, 1
    for previous, current in zip(keys, keys[1:], strict=False):
        if _trivial_step(previous, current):
            run += 1
            continue
        covered += run if run >= min_run else 0
        run = 1
    return covered + (run if run >= min_run else 0)


class KeyboardPatternValidator:
    """Refuses a password that is keyboard walks, sequences and repeats except for fewer than `min_rest` characters.

    1qaz@WSX, Qwerty123!, Abc123!@# and Aaaa1111! are refused; a run of three in an otherwise free password
    (Kaohe#2026ok has "e#2") is not.
    """

    def __init__(self, min_rest: int = 4):
        self.min_rest = min_rest

    def validate(self, password, user=None):
        if len(password) - pattern_characters(password) < self.min_rest:
            raise ValidationError(KEYBOARD_MESSAGE, code="password_keyboard_pattern")

    def get_help_text(self):
        return "不能主要由键盘相邻键、连续或重复的字符组成。"

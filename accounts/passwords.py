"""Password policy (applies whenever a person sets or changes a password; see SECURITY.md):
at least 10 characters with three of upper case / lower case / digits / symbols, not containing the
username, mobile number or ID number, and not on Django's list of 20,000 common passwords."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

HELP_TEXT = (
    "至少10位，包含大写字母、小写字母、数字、符号中的至少三类，不能包含账号、手机号或身份证号，不能是常见密码"
)


def _classes(password: str) -> int:
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class PasswordPolicyValidator:
    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(f"密码至少需要{self.min_length}位", code="password_too_short"))
        if _classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    "密码需包含大写字母、小写字母、数字、符号中的至少三类", code="password_too_simple"
                )
            )
        if user is not None:
            lowered = password.lower()
            for attribute in ("username", "mobile", "id_number"):
                value = (getattr(user, attribute, "") or "").lower()
                if len(value) >= 4 and value in lowered:
                    errors.append(
                        ValidationError(
                            "密码不能包含账号、手机号或身份证号", code="password_contains_identity"
                        )
                    )
                    break
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return HELP_TEXT


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of common passwords, with the message in Chinese."""

    def validate(self, password, user=None):
        if password.lower().strip() in self.passwords:
            raise ValidationError("该密码过于常见，请换一个", code="password_too_common")

    def get_help_text(self):
        return "不能是常见密码"

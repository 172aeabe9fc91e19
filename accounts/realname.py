"""Real-name authentication (实名认证) behind a provider interface.

In Qingdao production this is delegated to the provincial identity platform: a provider class with the
same `verify` signature, named in settings.REALNAME_PROVIDER. The default checks what we can check
locally: the ID number's format, birth date and checksum (GB 11643) and the name's form.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from core.errors import DomainError
from core.validators import validate_id_number

NAME_PATTERN = re.compile(r"^[\u4e00-\u9fa5·]{2,20}$|^[A-Za-z][A-Za-z .·-]{1,49}$")


class FormatCheckProvider:
    def verify(self, *, real_name: str, id_number: str) -> None:
        if not NAME_PATTERN.match(real_name or ""):
            raise DomainError("姓名格式不正确，请填写身份证上的姓名")
        try:
            validate_id_number(id_number)
        except ValidationError as error:
            raise DomainError(error.messages[0]) from None


def verify_real_name(*, real_name: str, id_number: str) -> None:
    import_string(settings.REALNAME_PROVIDER)().verify(real_name=real_name, id_number=id_number)

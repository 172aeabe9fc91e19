from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from core.validators import normalize_code


class LockoutBackend(AxesStandaloneBackend):
    """django-axes first in the chain: a locked account + client is refused before the password is checked.
    Calls without a request (management commands, tests) are not login attempts and are not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class MobileOrIdNumberBackend(ModelBackend):
    """Staff log in with their username; agents may also type their mobile number or ID number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        User = get_user_model()
        typed = normalize_code(username)
        candidates = list(
            User.objects.filter(Q(username=username.strip()) | Q(mobile=typed) | Q(id_number=typed))[:2]
        )
        if len(candidates) != 1:
            User().set_password(password)  # same cost whether or not the account exists
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

"""Who may open a screen at all: login first (to the login page), then the role (403 for the others).

The finer question — may this person act on this object — is answered by the selectors (404 outside the
actor's scope) and the services."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(predicate):
    """A view decorator: login_required, then PermissionDenied unless PREDICATE(user)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


agent_required = role_required(lambda user: user.is_agent)  # 代办员's screens
reviewer_required = role_required(lambda user: user.is_reviewer)  # 区县/市总审核员's screens
finance_required = role_required(lambda user: user.is_finance)  # 财务's screens
city_reviewer_required = role_required(lambda user: user.is_city_reviewer)  # 市总审核员's own acts

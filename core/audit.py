"""The one audit trail (操作日志). `audit_log` is the entry point for every service that writes; refusals are
recorded by `records_refusals`; sensitive reads by `audit_read`. Values that look like ID numbers or bank
accounts are masked before they are stored, so the trail never holds a clear copy of encrypted data.
"""

import contextvars
import functools

from core.errors import DomainError
from core.masking import mask_text
from core.models import AuditLog

# The client address of the request being served (set by core.middleware.AuditContextMiddleware).
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


def _clean(value):
    """JSON-safe, with ID numbers and account numbers masked."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask_text(str(value))


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "", "actor_role": ""}
    return {"actor": actor, "actor_name": actor.display_name[:100], "actor_role": actor.role_label[:50]}


def audit_log(
    *,
    actor,
    verb: str,
    obj=None,
    changes: dict | None = None,
    outcome: str = AuditLog.Outcome.SUCCESS,
    category: str = AuditLog.Category.CHANGE,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
) -> AuditLog:
    """Write one audit row; call inside the service's transaction so it commits with the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditLog.objects.create(
        **_actor_fields(actor),
        verb=verb,
        category=category,
        outcome=outcome,
        object_type=object_type[:64],
        object_id=str(object_id or "")[:64],
        object_repr=mask_text(object_repr)[:200],
        changes=_clean(changes or {}),
        ip_address=current_ip.get(),
    )


def audit_read(*, actor, verb: str, obj=None, details: dict | None = None, **kwargs) -> AuditLog:
    """A read of sensitive data (unmasked value, medical material, member lookup, export, API roster)."""
    return audit_log(
        actor=actor, verb=verb, obj=obj, changes=details, category=AuditLog.Category.READ, **kwargs
    )


def audit_member_lookup(*, actor, member, id_number: str, where: str = "会员查询") -> AuditLog:
    """A look-up of a member by ID number (会员查询, the claim form's member panel): found or not."""
    return audit_read(
        actor=actor,
        verb="member_lookup",
        obj=member,
        object_type="enrollment.member",
        object_repr=member.name if member else id_number,
        details={"id_number": id_number, "found": member is not None, "what": where},
    )


def records_refusals(verb: str, *, obj: str | None = None):
    """Decorator for a service: a DomainError it raises is recorded as a refused VERB (after the service's
    own transaction rolled back, so the row survives), then re-raised. OBJ names the keyword argument that
    holds the object acted on. Put it above @transaction.atomic."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except DomainError as error:
                target = kwargs.get(obj) if obj else None
                audit_log(
                    actor=kwargs.get("actor"),
                    verb=verb,
                    obj=target if hasattr(target, "_meta") else None,
                    object_type="" if hasattr(target, "_meta") else service.__module__.split(".")[0],
                    outcome=AuditLog.Outcome.REFUSED,
                    changes={"reason": error.message, **_refusal_details(kwargs)},
                )
                raise

        wrapper.records_refusals = verb
        return wrapper

    return decorate


def _refusal_details(kwargs: dict) -> dict:
    details = {}
    for key in ("action", "slot", "kind", "plan_choice", "amount"):
        if key in kwargs and kwargs[key] not in (None, ""):
            details[key] = str(kwargs[key])
    return details


def model_diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ, values as strings for JSON."""
    return {
        key: [str(before.get(key, "")), str(after.get(key, ""))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }

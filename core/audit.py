from core.models import AuditLog


def audit_log(*, actor, verb: str, obj, changes: dict | None = None) -> AuditLog:
    """Write one audit row; call inside the service's transaction so it commits with the change."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
    )


def model_diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ, values as strings for JSON."""
    return {
        key: [str(before.get(key, "")), str(after.get(key, ""))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }

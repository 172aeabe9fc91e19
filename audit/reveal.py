"""「显示完整」: a masked value on a page can be shown in full by a role that needs it; every such read writes
an audit row. The button carries a signed token naming the person, the object and the field, and the view
checks again that the object is in the person's scope."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing

from core.masking import mask

SALT = "audit.reveal"
MAX_AGE = 60 * 60  # a page older than an hour must be reloaded first


@dataclass(frozen=True)
class Revealable:
    kind: str  # a core.masking kind
    label: str
    scope: Callable  # actor → queryset of the objects the actor may see
    value: Callable  # object → the full value


def _claims(actor):
    from claims.selectors import claims_visible_to

    return claims_visible_to(actor).select_related("member")


def _heirs(actor):
    from claims.models import ClaimHeir
    from claims.selectors import claims_visible_to

    return ClaimHeir.objects.filter(claim__in=claims_visible_to(actor))


def _members(actor):
    from enrollment.models import Member
    from units.selectors import units_visible_to

    return Member.objects.filter(coverages__unit__in=units_visible_to(actor)).distinct()


def _roster(actor):
    from enrollment.models import RosterEntry
    from enrollment.selectors import applications_visible_to

    return RosterEntry.objects.filter(application__in=applications_visible_to(actor))


def _invoices(actor):
    from units.selectors import invoice_infos_visible_to

    return invoice_infos_visible_to(actor)


FIELDS = {
    ("claims.claim", "payee_account"): Revealable(
        "bank_account", "银行账号", _claims, lambda o: o.payee_account
    ),
    ("claims.claim", "member_id_number"): Revealable(
        "id_number", "会员身份证号", _claims, lambda o: o.member.id_number
    ),
    ("claims.claimheir", "id_number"): Revealable(
        "id_number", "继承人身份证号", _heirs, lambda o: o.id_number
    ),
    ("claims.claimheir", "bank_account"): Revealable(
        "bank_account", "继承人银行账号", _heirs, lambda o: o.bank_account
    ),
    ("enrollment.member", "id_number"): Revealable("id_number", "身份证号", _members, lambda o: o.id_number),
    ("enrollment.rosterentry", "id_number"): Revealable(
        "id_number", "身份证号", _roster, lambda o: o.id_number
    ),
    ("units.invoiceinfo", "bank_account"): Revealable(
        "text", "开户行及账号", _invoices, lambda o: o.bank_account
    ),
}


def may_reveal(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.may_reveal


def token_for(user, obj, field: str) -> str:
    return signing.dumps({"u": user.pk, "m": obj._meta.label_lower, "p": obj.pk, "f": field}, salt=SALT)


def masked_value(obj, field: str) -> str:
    spec = FIELDS[(obj._meta.label_lower, field)]
    value = spec.value(obj) or ""
    if spec.kind == "text":
        from core.masking import mask_text

        return mask_text(value)
    return mask(value, spec.kind)


def resolve(user, token: str):
    """(object, spec, field) for a valid token of this user, or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("u") != user.pk or not may_reveal(user):
        return None
    spec = FIELDS.get((data.get("m"), data.get("f")))
    if spec is None:
        return None
    obj = spec.scope(user).filter(pk=data.get("p")).first()
    return (obj, spec, data["f"]) if obj is not None else None

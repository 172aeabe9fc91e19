"""受益人（继承人） of a death claim: 意外身故, or a 重疾/女工 claim whose member died before the payout
(Claim.needs_heirs). The money goes to the heirs, one payment line each, by their shares.

Pure rules (tested without a database): `check_shares` (each 0 < share ≤ 100 with two decimals, together
exactly 100 %) and `split_amount` (the approved amount in parts to the fen that add up exactly; each part is
rounded down and the remainder fen go to the largest share, the first of equal ones). `heirs_check` adds
the rules that need the claim: at least one heir, valid ID numbers (GB 11643), no ID twice, not the member.
"""

from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from claims.models import Claim, ClaimHeir
from core.errors import DomainError
from core.masking import mask_id_number
from core.text import bounded_text
from core.validators import normalize_code, validate_id_number

FEN = Decimal("0.01")
HUNDRED = Decimal("100")
MAX_HEIRS = 20


@dataclass(frozen=True)
class HeirSpec:
    """One heir row as typed (edit: KEEP = the saved heir's seq whose ID / account are kept when blank)."""

    name: str
    relation: str
    id_number: str
    bank_name: str
    bank_account: str
    share: Decimal | str
    relation_note: str = ""
    keep: int | None = None

    FIELDS = ("name", "relation", "relation_note", "id_number", "bank_name", "bank_account", "share")

    @classmethod
    def of(cls, heir: ClaimHeir) -> "HeirSpec":
        """A saved heir as a row (an edit that does not send heirs keeps the saved ones)."""
        return cls(**{field: getattr(heir, field) for field in cls.FIELDS})

    def values(self) -> dict:
        return {field: getattr(self, field) for field in self.FIELDS}


def parse_share(raw, *, row: int) -> Decimal:
    """A share in percent: 0 < share ≤ 100, at most two decimals."""
    try:
        share = Decimal(str(raw).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise DomainError(f"第{row}位继承人的份额应为数字（百分比，如 50 或 33.33）") from None
    if not share.is_finite() or share <= 0 or share > HUNDRED:
        raise DomainError(f"第{row}位继承人的份额应大于0且不超过100%")
    if share != share.quantize(FEN):
        raise DomainError(f"第{row}位继承人的份额最多保留两位小数")
    return share.quantize(FEN)


def check_shares(shares: list[Decimal]) -> None:
    """The shares of one claim's heirs add up to exactly 100 %."""
    if not shares:
        raise DomainError("身故理赔请至少填写一位继承人")
    total = sum(shares, Decimal("0.00"))
    if total != HUNDRED:
        raise DomainError(f"各继承人份额合计应为100%，当前合计为{total:.2f}%")


def split_amount(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """TOTAL × each share, to the fen, adding up exactly to TOTAL: each part rounded down, the remainder
    fen on the largest share (the first of equal largest ones)."""
    check_shares(shares)
    parts = [(total * share / HUNDRED).quantize(FEN, rounding=ROUND_DOWN) for share in shares]
    largest = max(range(len(shares)), key=lambda index: (shares[index], -index))
    parts[largest] += total - sum(parts, Decimal("0.00"))
    return parts


def _clean(spec: HeirSpec, row: int, saved: dict[int, ClaimHeir]) -> HeirSpec:
    kept = saved.get(spec.keep) if spec.keep is not None else None
    name = bounded_text(spec.name, label=f"第{row}位继承人的姓名", max_length=50)
    bank_name = bounded_text(spec.bank_name, label=f"第{row}位继承人的开户银行", max_length=100)
    account = "".join(bounded_text(spec.bank_account, label="银行账号", max_length=40).split())
    id_number = normalize_code(spec.id_number)
    if kept is not None:
        id_number = id_number or kept.id_number
        account = account or kept.bank_account
    if not name:
        raise DomainError(f"请填写第{row}位继承人的姓名")
    if spec.relation not in ClaimHeir.Relation.values:
        raise DomainError(f"请选择第{row}位继承人与会员的关系")
    note = bounded_text(spec.relation_note, label="关系说明", max_length=30)
    if spec.relation == ClaimHeir.Relation.OTHER and not note:
        raise DomainError(f"第{row}位继承人与会员的关系为“其他”，请填写关系说明")
    try:
        id_number = validate_id_number(id_number)
    except ValidationError as error:
        raise DomainError(f"第{row}位继承人的{error.messages[0]}") from None
    if not bank_name or not account:
        raise DomainError(f"请填写第{row}位继承人的开户银行和银行账号")
    if not account.isdigit() or not 8 <= len(account) <= 30:
        raise DomainError(f"第{row}位继承人的银行账号应为8–30位数字")
    return replace(
        spec,
        name=name,
        bank_name=bank_name,
        bank_account=account,
        id_number=id_number,
        relation_note=note if spec.relation == ClaimHeir.Relation.OTHER else "",
        share=parse_share(spec.share, row=row),
    )


def heirs_check(specs: list[HeirSpec], *, member_id_number: str, saved=()) -> list[HeirSpec]:
    """The heirs as they will be saved, or a DomainError naming the row (nothing is written here)."""
    if len(specs) > MAX_HEIRS:
        raise DomainError(f"继承人最多{MAX_HEIRS}位")
    by_seq = {heir.seq: heir for heir in saved}
    cleaned = [_clean(spec, row, by_seq) for row, spec in enumerate(specs, start=1)]
    seen = {}
    for row, heir in enumerate(cleaned, start=1):
        if heir.id_number == member_id_number:
            raise DomainError(f"第{row}位继承人的身份证号是身故会员本人的，请填写继承人本人的身份证号")
        if heir.id_number in seen:
            raise DomainError(
                f"第{row}位与第{seen[heir.id_number]}位继承人的身份证号相同"
                f"（{mask_id_number(heir.id_number)}），同一继承人只填写一次"
            )
        seen[heir.id_number] = row
    check_shares([heir.share for heir in cleaned])
    return cleaned


def heirs_write(claim: Claim, heirs: list[HeirSpec]) -> None:
    """Replace the claim's heirs (only while it is editable: no payment refers to them yet)."""
    claim.heirs.all().delete()
    ClaimHeir.objects.bulk_create(
        [ClaimHeir(claim=claim, seq=seq, **heir.values()) for seq, heir in enumerate(heirs, start=1)]
    )


def heirs_audit(heirs: list[HeirSpec]) -> list[str]:
    """The heirs as the audit trail keeps them (masked ID, share)."""
    return [f"{heir.name} {mask_id_number(heir.id_number)} {heir.share}%" for heir in heirs]


def heir_parts(claim: Claim) -> list[tuple[ClaimHeir, Decimal]]:
    """Each heir with their part of the approved amount (before the approval: of the suggested one)."""
    heirs = list(claim.heirs.all())
    if not heirs:
        return []
    total = claim.approved_amount if claim.approved_amount is not None else claim.suggested_amount
    return list(zip(heirs, split_amount(total, [heir.share for heir in heirs]), strict=True))

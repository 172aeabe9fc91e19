"""医疗费用给付 (SPEC §7.4): the benefit of a 住院医疗 (YL) claim, and of an 意外伤害 claim with
伤情「医疗」, computed from the medical receipts and the plan's 医疗费用给付规则 (plans.MedicalRule,
data). Pure: dataclasses in, Decimal out, no database.

    eligible   = Σ receipts (乙类先行自付 + 自付)          — 医保统筹支付 and 自费 are not paid
    deductible = min(eligible, 起付线 − what the member's other claims of the period already used)
    amount     = (eligible − deductible) × 比例 × 份, rounded half up to the fen
    paid       = min(amount, 限额 × 份 − what the member's other live claims of the period take)

The 起付线 is per member per period (not per 份); YL has at most 1 份, so × 份 is × 1 there.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from core.money import yuan

ZERO = Decimal("0.00")
# The largest amount one receipt line may carry (a hospital bill above 10 million 元 is a typo).
RECEIPT_MAX = Decimal("9999999.99")


@dataclass(frozen=True)
class Receipt:
    """医疗收费票据 / 电子票据 — one receipt as typed: the parts must add up to 总金额."""

    code: str  # 票据代码
    number: str  # 票据号码
    issued_on: datetime.date  # 开票日期
    total: Decimal  # 总金额
    fund_paid: Decimal  # 医保统筹支付
    category_b_self: Decimal  # 乙类先行自付
    self_pay: Decimal  # 自付
    self_funded: Decimal  # 自费

    @property
    def eligible(self) -> Decimal:
        """个人自付 within the rule: 乙类先行自付 + 自付 (自费 is outside the scheme)."""
        return self.category_b_self + self.self_pay

    @property
    def parts_total(self) -> Decimal:
        return self.fund_paid + self.category_b_self + self.self_pay + self.self_funded


@dataclass(frozen=True)
class Rule:
    """The 医疗费用给付规则 version in force (plans.MedicalRule)."""

    plan_name: str
    valid_from: datetime.date
    deductible: Decimal  # 起付线
    ratio_percent: Decimal  # 比例 (%)
    cap_per_share: Decimal  # 限额 per 份
    per_period: bool  # the cap and the 起付线 count across the member's claims of the period


@dataclass(frozen=True)
class Usage:
    """What the member's OTHER live claims of the same plan and period already took."""

    deductible_used: Decimal = ZERO
    amount_used: Decimal = ZERO  # approved amounts, else suggested
    claims: int = 0


@dataclass(frozen=True)
class Step:
    label: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class Computation:
    eligible: Decimal
    deductible_applied: Decimal
    uncapped: Decimal
    cap: Decimal  # what is left of the cap for this claim: the most the reviewer may approve
    amount: Decimal
    capped: bool
    steps: list[Step] = field(default_factory=list)

    def as_json(self) -> dict:
        """For Claim.medical_computation: amounts as strings, the steps in order."""
        amounts = ("eligible", "deductible_applied", "uncapped", "cap", "amount")
        return {
            **{name: str(getattr(self, name)) for name in amounts},
            "capped": self.capped,
            "steps": [{**asdict(s), "amount": str(s.amount)} for s in self.steps],
        }


def receipt_problems(receipt: Receipt) -> list[str]:
    """What is wrong with one receipt's amounts (empty: fine). Dates are checked by the caller."""
    problems = []
    amounts = {
        "总金额": receipt.total,
        "医保统筹支付": receipt.fund_paid,
        "乙类先行自付": receipt.category_b_self,
        "自付": receipt.self_pay,
        "自费": receipt.self_funded,
    }
    for label, amount in amounts.items():
        if amount < 0:
            problems.append(f"{label}不能为负数")
        elif amount > RECEIPT_MAX:
            problems.append(f"{label}不能超过 {RECEIPT_MAX:,.2f} 元")
    if receipt.total <= 0:
        problems.append("总金额应大于 0")
    if not problems and receipt.parts_total != receipt.total:
        problems.append(
            f"医保统筹支付 + 乙类先行自付 + 自付 + 自费 = {receipt.parts_total:,.2f} 元，"
            f"与总金额 {receipt.total:,.2f} 元不一致"
        )
    return problems


def compute(*, rule: Rule, receipts: list[Receipt], shares: int, usage: Usage = Usage()) -> Computation:
    """The benefit of one claim, line by line (the labels are what the agent and the reviewer read)."""
    shares = max(int(shares), 0)
    eligible = sum((r.eligible for r in receipts), ZERO)
    if rule.per_period:
        deductible_left = max(rule.deductible - usage.deductible_used, ZERO)
        amount_left = max(rule.cap_per_share * shares - usage.amount_used, ZERO)
    else:
        deductible_left, amount_left = rule.deductible, rule.cap_per_share * shares
    deductible = min(eligible, deductible_left)
    after_deductible = eligible - deductible
    uncapped = yuan(after_deductible * rule.ratio_percent / 100 * shares)
    amount = min(uncapped, yuan(amount_left))
    scope = "本保期" if rule.per_period else "本次"
    steps = [
        Step("个人自付合计（乙类先行自付 + 自付，不含自费）", eligible, f"{len(receipts)}张票据"),
        Step(
            "减：起付线",
            deductible,
            f"起付线{rule.deductible:,.2f}元"
            + (f"，本保期其他申请已扣{usage.deductible_used:,.2f}元" if rule.per_period else ""),
        ),
        Step("起付线以上部分", after_deductible),
        Step(f"× 给付比例 {rule.ratio_percent.normalize():f}% × {shares}份", uncapped),
    ]
    if rule.per_period:
        steps.append(
            Step(
                "年度限额剩余",
                yuan(amount_left),
                f"限额{rule.cap_per_share * shares:,.2f}元，"
                f"本保期其他{usage.claims}笔申请已占{usage.amount_used:,.2f}元",
            )
        )
    else:
        steps.append(Step("本次限额", yuan(amount_left), f"每份{rule.cap_per_share:,.2f}元 × {shares}份"))
    capped = uncapped > amount
    steps.append(
        Step(
            "建议给付金额",
            amount,
            f"超过{scope}限额，按限额剩余给付"
            if capped
            else f"按{rule.plan_name}医疗费用给付规则（{rule.valid_from:%Y-%m-%d}起）",
        )
    )
    return Computation(
        eligible=eligible,
        deductible_applied=deductible,
        uncapped=uncapped,
        cap=yuan(amount_left),
        amount=amount,
        capped=capped,
        steps=steps,
    )

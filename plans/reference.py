"""The four plans of SPEC §6.1 with the disease lists of Appendix A — seed data, administrator-editable."""

import datetime
from decimal import Decimal

RATES_FROM = datetime.date(2023, 1, 1)

CRITICAL_ILLNESSES = [
    "恶性肿瘤——重度",
    "较重急性心肌梗死",
    "严重脑中风后遗症",
    "重大器官移植术或造血干细胞移植术",
    "冠状动脉搭桥术(或称冠状动脉旁路移植术)",
    "严重慢性肾衰竭",
    "多个肢体缺失",
    "急性重症肝炎或亚急性重症肝炎",
    "严重非恶性颅内肿瘤",
    "严重慢性肝衰竭",
    "严重脑炎后遗症或严重脑膜炎后遗症",
    "深度昏迷",
    "双耳失聪",
    "双目失明",
    "瘫痪",
    "心脏瓣膜手术",
    "严重阿尔茨海默病",
    "严重脑损伤",
    "严重原发性帕金森病",
    "严重Ⅲ度烧伤",
    "严重特发性肺动脉高压",
    "严重运动神经元病",
    "语言能力丧失",
    "重型再生障碍性贫血",
    "主动脉手术",
    "严重慢性呼吸衰竭",
    "严重克罗恩病",
    "严重溃疡性结肠炎",
    "严重多发性硬化",
    "终末期肺病",
]

FEMALE_DISEASES = [
    "原发性子宫颈癌",
    "原发性子宫内膜癌",
    "原发性卵巢癌",
    "原发性输卵管恶性肿瘤",
    "原发性乳腺癌",
    "原发性外阴癌",
    "原发性阴道癌",
    "原发性子宫肉瘤",
    "绒毛膜癌",
    "侵蚀性葡萄胎",
    "乳腺原位癌",
    "子宫颈原位癌",
]

PLANS = [
    {
        "code": "ZJ",
        "name": "重大疾病互助保障",
        "fee": Decimal("30.00"),
        "max_shares": 2,
        "sex": "any",
        "waiting_days": 90,
        "benefit_per_share": Decimal("10000.00"),
        "benefit_notes": "确诊所列重大疾病，每份给付10,000元",
        "diseases": [(name, None) for name in CRITICAL_ILLNESSES],
    },
    {
        "code": "NG",
        "name": "女职工特殊疾病互助保障",
        "fee": Decimal("20.00"),
        "max_shares": 2,
        "sex": "female",
        "waiting_days": 60,
        "benefit_per_share": Decimal("15000.00"),
        "benefit_notes": "原位癌每份给付2,000元，其他所列疾病每份给付15,000元",
        "diseases": [(name, Decimal("2000.00") if "原位癌" in name else None) for name in FEMALE_DISEASES],
    },
    {
        "code": "YW",
        "name": "意外伤害互助保障",
        "fee": Decimal("26.00"),
        "max_shares": 3,
        "sex": "any",
        "waiting_days": 0,
        "benefit_per_share": Decimal("10000.00"),
        "benefit_notes": "意外身故每份给付10,000元；伤残按1–10级给付100%至10%",
        "diseases": [],
    },
    {
        "code": "YL",
        "name": "在职职工住院医疗互助保障",
        "fee": Decimal("90.00"),
        "max_shares": 1,
        "sex": "any",
        "waiting_days": 0,
        "benefit_per_share": Decimal("0.00"),
        "annual_cap": Decimal("210000.00"),
        "benefit_notes": "住院医疗：（个人自付 − 起付线）× 比例 × 份，年度限额210,000元（医疗费用给付规则）",
        "diseases": [],
    },
]


# Female cancers that are also a "恶性肿瘤——重度" of the critical-illness plan (→ 重疾+女工 possible).
BOTH_PLANS = {
    name: "恶性肿瘤——重度" for name in FEMALE_DISEASES if "原位癌" not in name and name != "侵蚀性葡萄胎"
}


def link_equivalents(Disease=None):
    if Disease is None:
        from plans.models import Disease

    for name, target in BOTH_PLANS.items():
        equivalent = Disease.objects.filter(plan__code="ZJ", name=target).first()
        if equivalent is not None:
            females = Disease.objects.filter(plan__code="NG", name=name, counts_as__isnull=True)
            females.update(counts_as=equivalent)


def ensure_plans(Plan=None, PlanRate=None, Disease=None):
    if Plan is None:
        from plans.models import Disease, Plan, PlanRate

    for position, spec in enumerate(PLANS):
        plan, _ = Plan.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "max_shares": spec["max_shares"],
                "min_age": 16,
                "sex": spec["sex"],
                "waiting_days": spec["waiting_days"],
                "claim_deadline_days": 365,
                "benefit_per_share": spec["benefit_per_share"],
                "annual_cap": spec.get("annual_cap"),
                "benefit_notes": spec["benefit_notes"],
                "position": position,
            },
        )
        PlanRate.objects.get_or_create(
            plan=plan, valid_from=RATES_FROM, defaults={"fee_per_share": spec["fee"]}
        )
        for i, (name, benefit) in enumerate(spec["diseases"]):
            Disease.objects.get_or_create(
                plan=plan, name=name, defaults={"benefit_per_share": benefit, "position": i}
            )
    if any(f.name == "counts_as" for f in Disease._meta.get_fields()):  # not in migration 0002's model
        link_equivalents(Disease)
    if any(f.name == "medical_rules" for f in Plan._meta.get_fields()):  # from migration 0005 on
        ensure_medical_rules(Plan, Plan._meta.get_field("medical_rules").related_model)


# 医疗费用给付规则 (plans.MedicalRule), seed EXAMPLES the administrator replaces with a new version (新的
# 生效日期) in 系统管理 → 保障计划与费率. YL: SPEC §6.1 (起付线 1,000 元 per member per period, 50 % of the
# eligible 个人自付, the annual cap 210,000 元 across all the member's claims of the period; max 1 份).
# YW 医疗: no figures in the SPEC — 起付线 100 元, 80 %, at most 10,000 元 per 份 per claim (the cap the
# reviewer had before: the plan's benefit per 份 × 份).
MEDICAL_RULES = [
    {
        "plan": "YL",
        "deductible": Decimal("1000.00"),
        "ratio_percent": Decimal("50.00"),
        "cap_per_share": Decimal("210000.00"),
        "cap_scope": "period",
    },
    {
        "plan": "YW",
        "deductible": Decimal("100.00"),
        "ratio_percent": Decimal("80.00"),
        "cap_per_share": Decimal("10000.00"),
        "cap_scope": "claim",
    },
]


def ensure_medical_rules(Plan=None, MedicalRule=None):
    if Plan is None:
        from plans.models import MedicalRule, Plan

    for spec in MEDICAL_RULES:
        plan = Plan.objects.filter(code=spec["plan"]).first()
        if plan is None:
            continue
        values = {key: value for key, value in spec.items() if key != "plan"}
        MedicalRule.objects.get_or_create(plan=plan, valid_from=RATES_FROM, defaults=values)

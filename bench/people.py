"""Realistic people for the generated city: Chinese names and GB 11643 ID numbers, unique by construction.

Member i gets a birth day, a region and a sequence number from a bijection of i (no two members share an
ID number, no look-up needed); the check digit comes from core.validators.id_check_digit, the project's own.
"""

import datetime
import random

from core.validators import id_check_digit

# Qingdao's districts first (where most members were born), then a few neighbouring counties of Shandong.
# 370202/370203 are left to the demo data and the test factories, so their IDs never collide with these.
MEMBER_REGIONS = (
    "370211",
    "370212",
    "370213",
    "370214",
    "370215",
    "370281",
    "370283",
    "370285",
    "370782",
    "371321",
)
AGENT_REGION = "370211"  # agents use sequence numbers 001-299, members 300-999
BIRTH_FROM = datetime.date(1966, 3, 1)  # members are 19-60 at the period start (a few over 60: the warning)
BIRTH_DAYS = (datetime.date(2006, 6, 30) - BIRTH_FROM).days + 1
SLOTS = BIRTH_DAYS * len(MEMBER_REGIONS)
SCATTER = 7919  # a prime not dividing SLOTS: i → slot is a bijection inside each block of SLOTS members

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆建国峰亮成林文龙志海东新晨博宁旭阳振"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英红梅琳婷雪倩慧莉颖佳欣怡晶燕萍蕾洁丹妍璐瑶琪婧蓉薇悦"


def member_id(index: int) -> tuple[str, datetime.date, bool]:
    """(ID number, birth date, female?) of member INDEX (0 … 8 × SLOTS − 1 = 1,178,559)."""
    block, position = divmod(index, SLOTS)
    if block > 7:  # sequence numbers 300-999 in steps of 97: eight blocks, about 1,198,000 people
        raise ValueError(f"member index {index} out of range")
    slot = position * SCATTER % SLOTS
    region_index, day = divmod(slot, BIRTH_DAYS)
    birth = BIRTH_FROM + datetime.timedelta(days=day)
    sequence = 300 + block * 97 + (slot // 7) % 2  # distinct per block; the parity is the sex digit
    first17 = f"{MEMBER_REGIONS[region_index]}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17), birth, sequence % 2 == 0


def agent_id(index: int) -> str:
    block, day = divmod(index, BIRTH_DAYS)
    birth = BIRTH_FROM + datetime.timedelta(days=day)
    first17 = f"{AGENT_REGION}{birth:%Y%m%d}{1 + block:03d}"
    return first17 + id_check_digit(first17)


class Names:
    """A seeded source of names: surname + one or two given-name characters fitting the sex."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)

    def person(self, female: bool) -> str:
        chars = FEMALE_CHARS if female else MALE_CHARS
        given = self.random.choice(chars)
        if self.random.random() < 0.7:
            given += self.random.choice(chars)
        return self.random.choice(SURNAMES) + given


# Two-character words, written as one string each (split into pairs below).
_WORDS = (
    "海川瑞丰宏达鑫源华信金桥恒通海纳润泽天成北海东方康达远航蓝海正阳德昌永盛嘉禾中联海尔青啤双星澳柯汉缆"
    "鲁信胶澳崂峰琴岛浮山汇泉湛山八大石老珠山灵山鳌山大珠小珠金沙银河星光长江泰山昆仑黄河兴业荣昌富源安泰"
    "祥和新华建华利民惠民广源汇丰明德博远卓越"
)
_TRADES = (
    "机械电子食品建材物流纺织化工科技橡胶港务船舶海洋医药印刷家电轨道汽车模具包装服饰水产啤酒钢构电力热力"
    "燃气物业餐饮酒店商贸软件信息环保检测装饰园林航运冷链仓储粮油"
)
UNIT_WORDS = tuple(_WORDS[i : i + 2] for i in range(0, len(_WORDS), 2))
INDUSTRIES = tuple(_TRADES[i : i + 2] for i in range(0, len(_TRADES), 2))
FORMS = ("有限公司", "股份有限公司", "集团有限公司", "有限责任公司")
INSTITUTIONS = ("医院", "中学", "小学", "研究院", "疾病预防控制中心", "图书馆", "职业学院", "检验检测中心")
GOVERNMENT = ("局", "委员会", "办公室", "中心")


def unit_name(index: int, nature: str, district: str) -> str:
    """A unique unit name for INDEX (the combination of words is a bijection of the index)."""
    word = UNIT_WORDS[index % len(UNIT_WORDS)]
    rest = index // len(UNIT_WORDS)
    place = district.replace("(西海岸新区)", "").removesuffix("区").removesuffix("市")
    if nature == "institution":
        return (
            f"青岛市{place}{word}{INSTITUTIONS[rest % len(INSTITUTIONS)]}（{rest // len(INSTITUTIONS) + 1}）"
        )
    if nature == "government":
        office = GOVERNMENT[rest // len(INDUSTRIES) % len(GOVERNMENT)]
        return f"青岛市{word}{INDUSTRIES[rest % len(INDUSTRIES)]}事务{office}{index}"
    industry = INDUSTRIES[rest % len(INDUSTRIES)]
    form = FORMS[rest // len(INDUSTRIES) % len(FORMS)]
    serial = rest // (len(INDUSTRIES) * len(FORMS))
    return f"青岛{place}{word}{industry}{'' if serial == 0 else serial + 1}{form}"

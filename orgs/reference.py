"""The organisation tree of SPEC §3 — reference data, loaded by migration and kept idempotent."""

DISTRICTS = [
    "市南区",
    "市北区",
    "李沧区",
    "崂山区",
    "城阳区",
    "黄岛区(西海岸新区)",
    "即墨区",
    "胶州市",
    "平度市",
    "莱西市",
]
FUNCTIONAL_AREAS = ["红岛经济区", "前湾保税港区"]
CITY_DIRECT = ["市直企业", "市直事业单位", "市直机关单位"]


def ensure_org_tree(OrgNode=None):
    if OrgNode is None:
        from orgs.models import OrgNode

    def node(name, parent, kind, position):
        obj, _ = OrgNode.objects.get_or_create(
            name=name, parent=parent, defaults={"kind": kind, "position": position}
        )
        return obj

    root = node("青岛市总工会", None, "group", 0)
    city = node("市区", root, "group", 1)
    direct = node("市直", root, "group", 2)
    for i, name in enumerate(DISTRICTS + FUNCTIONAL_AREAS):
        node(name, city, "district", i)
    for i, name in enumerate(CITY_DIRECT):
        node(name, direct, "city_direct", i)

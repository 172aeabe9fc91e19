from django.db import models


class OrgNode(models.Model):
    """上级单位 — a node of the union organisation tree (青岛市总工会 → 市区/市直 → district or category).

    Units hang under leaves only. The kind of the leaf decides who reviews first: a district's own
    reviewers, or the city reviewers for 市直 units.
    """

    class Kind(models.TextChoices):
        GROUP = "group", "分组"
        DISTRICT = "district", "区县（功能区）"
        CITY_DIRECT = "city_direct", "市直"

    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.GROUP)
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "上级单位（组织机构）"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgnode_unique_name_per_parent")
        ]

    def __str__(self):
        return self.name

    @property
    def is_leaf(self) -> bool:
        return self.kind != self.Kind.GROUP

    @property
    def is_city_direct(self) -> bool:
        return self.kind == self.Kind.CITY_DIRECT

    @property
    def path_label(self) -> str:
        """市区 / 市南区 — the label shown in pickers and lists (without the root)."""
        names, node = [], self
        while node is not None and node.parent_id is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names)) or self.name

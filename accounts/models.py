from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from core.validators import mask_id_number, mask_mobile


class User(AbstractUser):
    """用户 — an agent (代办员, self-registered with 实名认证) or a staff member created by the administrator.

    Agents log in with their mobile number or ID number; their username is their mobile number.
    """

    class Role(models.TextChoices):
        AGENT = "agent", "代办员"
        DISTRICT_REVIEWER = "district_reviewer", "区县审核员"
        CITY_REVIEWER = "city_reviewer", "市总审核员"
        FINANCE = "finance", "财务"
        ADMIN = "admin", "管理员"
        AUDITOR = "auditor", "审计员"

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.AGENT)
    real_name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, unique=True, null=True, blank=True)
    mobile = models.CharField("手机号", max_length=11, unique=True, null=True, blank=True)
    org = models.ForeignKey(
        "orgs.OrgNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name="所属区县",
        help_text="区县审核员必填：其负责审核的区县",
    )
    realname_verified_at = models.DateTimeField("实名认证时间", null=True, blank=True)
    password_changed_at = models.DateTimeField(
        "密码修改时间",
        null=True,
        blank=True,
        default=timezone.now,
        help_text="为空表示下次登录须先修改密码（管理员设置的初始密码）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="district_reviewer") | models.Q(org__isnull=False),
                name="district_reviewer_has_org",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def role_label(self) -> str:
        """The role as the timeline and the audit trail name it: 区县审核员（市南区）, 财务 …"""
        label = self.get_role_display()
        if self.is_district_reviewer and self.org_id:
            label += f"（{self.org.name}）"
        return label

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile or "")

    # One predicate per question the code asks about a role; nothing outside `accounts` compares
    # `role` with a value or spells out a set of roles.
    WORK_QUEUE_ROLES = (Role.DISTRICT_REVIEWER, Role.CITY_REVIEWER, Role.FINANCE)

    @property
    def is_agent(self) -> bool:
        return self.role == self.Role.AGENT

    @property
    def is_district_reviewer(self) -> bool:
        return self.role == self.Role.DISTRICT_REVIEWER

    @property
    def is_city_reviewer(self) -> bool:
        return self.role == self.Role.CITY_REVIEWER

    @property
    def is_reviewer(self) -> bool:
        return self.role in (self.Role.DISTRICT_REVIEWER, self.Role.CITY_REVIEWER)

    @property
    def is_finance(self) -> bool:
        return self.role == self.Role.FINANCE

    @property
    def is_admin(self) -> bool:
        """The administrator role (系统管理员); not the same as Django's `is_superuser` flag."""
        return self.role == self.Role.ADMIN

    @property
    def is_auditor(self) -> bool:
        return self.role == self.Role.AUDITOR

    @property
    def sees_everything(self) -> bool:
        """City reviewers, finance and administrators read across all districts."""
        return self.role in (self.Role.CITY_REVIEWER, self.Role.FINANCE, self.Role.ADMIN)

    @property
    def sees_only_own_scope(self) -> bool:
        """Agents (their own units) and district reviewers (their district) read a scoped slice."""
        return self.role in (self.Role.AGENT, self.Role.DISTRICT_REVIEWER)

    @property
    def is_case_staff(self) -> bool:
        """Staff who handle the business (reviewers, finance, administrator): the unit directory, member
        search and statistics. Not agents, not the auditor."""
        return self.role in (
            self.Role.DISTRICT_REVIEWER,
            self.Role.CITY_REVIEWER,
            self.Role.FINANCE,
            self.Role.ADMIN,
        )

    @property
    def has_work_queue(self) -> bool:
        """Reviewers and finance have items waiting at their step (badges, the daily digest)."""
        return self.role in self.WORK_QUEUE_ROLES

    @property
    def may_read_audit(self) -> bool:
        """The audit trail (操作日志) is read by the auditor and the administrator."""
        return self.role in (self.Role.AUDITOR, self.Role.ADMIN)

    @property
    def may_reveal(self) -> bool:
        """「显示完整」: the roles that work with masked values in full (not the administrator or auditor)."""
        return self.role in (
            self.Role.AGENT,
            self.Role.DISTRICT_REVIEWER,
            self.Role.CITY_REVIEWER,
            self.Role.FINANCE,
        )

    @property
    def password_expired(self) -> bool:
        """Staff passwords expire after PASSWORD_MAX_AGE_DAYS; one set by the administrator at once."""
        from django.conf import settings

        if self.is_agent:
            return False
        if self.password_changed_at is None:
            return True
        age = timezone.now() - self.password_changed_at
        return age.days >= settings.PASSWORD_MAX_AGE_DAYS


class SmsCode(models.Model):
    """短信验证码 — stored hashed; expires after SMS_CODE_TTL_SECONDS, allows SMS_CODE_MAX_ATTEMPTS tries."""

    class Purpose(models.TextChoices):
        REGISTER = "register", "注册"

    mobile = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"
        indexes = [
            models.Index(fields=["mobile", "purpose", "-created_at"]),
            models.Index(fields=["client_ip", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self):
        return f"{self.mobile} {self.created_at:%Y-%m-%d %H:%M}"

"""安全审计 → 操作日志 (auditor, administrator); 系统管理 → 登录锁定 (administrator)."""

from operator import attrgetter

from core.navigation import Entry

MENU = (
    Entry("system", 50, "登录锁定", "audit:lockouts", attrgetter("is_admin")),
    Entry("audit", 10, "操作日志", "audit:log", attrgetter("may_read_audit")),
)

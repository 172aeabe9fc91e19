"""The left menu, its badges and the header's counts — registered by each app from its AppConfig.ready(),
so that core names no app, no URL of an app and no model of an app.

SECTIONS is the menu's table of contents in the manual's order, as each role meets it: the agent's
chapters (§1 单位信息管理, §2 参保业务经办, §3 理赔业务经办), then the staff's work (财务管理,
审核管理), their look-ups (单位信息管理, 参保业务, 统计分析), the back office (系统管理, 安全审计) and
个人中心. An app adds
`Entry`s to a section; a section is shown when one of its entries is. An entry may count the work waiting
behind it: that count is the entry's badge, adds up to the phone's ☰ badge, and is a line of the staff's
每日待办 message (`work_waiting`).
"""

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject

from core.reversing import reverse_plain


@dataclass(frozen=True)
class Section:
    key: str
    title: str


SECTIONS = (
    Section("agent_units", "单位信息管理"),
    Section("agent_enrollment", "参保业务经办"),
    Section("agent_claims", "理赔业务经办"),
    Section("finance", "财务管理"),
    Section("review", "审核管理"),
    Section("units", "单位信息管理"),
    Section("enrollment", "参保业务"),
    Section("reports", "统计分析"),
    Section("system", "系统管理"),
    Section("audit", "安全审计"),
    Section("personal", "个人中心"),
)
SECTION_KEYS = [section.key for section in SECTIONS]


@dataclass(frozen=True)
class WaitingWork:
    key: str  # the menu entry's URL name
    label: str
    count: int
    url: str
    unit: str = "件"
    oldest: datetime | None = None  # when the longest-waiting item arrived
    overdue: int = 0
    overdue_label: str = ""


def waiting_from(target: str, label: str, counts: dict, **extra) -> WaitingWork:
    """The WaitingWork behind the menu entry TARGET from an aggregate with `n` (how many wait) and
    `oldest` (since when the first one waits)."""
    return WaitingWork(
        key=target,
        label=label,
        count=counts["n"],
        url=reverse_plain(target),
        oldest=counts["oldest"],
        **extra,
    )


@dataclass(frozen=True)
class Entry:
    section: str  # a Section.key
    position: int  # the order inside the section
    label: str
    target: str  # a URL name ("units:list") or a path ("/admin/orgs/orgnode/")
    visible: Callable[[object], bool]  # user → is the entry in that user's menu
    waiting: Callable[[object], WaitingWork] | None = None  # user → the work waiting behind the entry

    @property
    def url(self) -> str:
        if ":" not in self.target:
            return self.target
        return reverse_plain(self.target)


def everyone(user) -> bool:
    return True


_entries: dict[tuple[str, str], Entry] = {}
_header_counts: dict[str, Callable[[object], int]] = {}
# _entries in menu order, dropped by register(); replaced whole (never extended in place), so two threads
# sorting at once each assign the same tuple and no entry is listed twice
_ordered: tuple[Entry, ...] = ()


def register(*entries: Entry) -> None:
    """Add menu entries (an app's AppConfig.ready()); registering the same entry again replaces it."""
    for entry in entries:
        if entry.section not in SECTION_KEYS:
            raise ValueError(f"unknown menu section {entry.section!r}")
        _entries[(entry.section, entry.target)] = entry
    global _ordered
    _ordered = ()


def register_header_count(name: str, count: Callable[[object], int]) -> None:
    """A count shown in the page header, put into every page's context as NAME (e.g. unread messages)."""
    _header_counts[name] = count


def entries_for(user) -> list[Entry]:
    """The user's menu entries in menu order."""
    if user is None or not user.is_authenticated:
        return []
    global _ordered
    ordered = _ordered
    if not ordered:  # sorted once after the apps have registered their entries
        ordered = _ordered = tuple(
            sorted(_entries.values(), key=lambda e: (SECTION_KEYS.index(e.section), e.position))
        )
    return [entry for entry in ordered if entry.visible(user)]


def work_waiting(user) -> list[WaitingWork]:
    """What waits for the user, one line per menu entry with a counter (reviewers: the cases at their
    step; finance: notices awaiting 收款确认 and claims awaiting 给付). Others: nothing."""
    return [entry.waiting(user) for entry in entries_for(user) if entry.waiting is not None]


# The menu's badges are cached per user for MENU_COUNTS_SECONDS (docs/benchmarks.md, Phase 3b). A cached
# count is dropped (1) when anything is written in this process (any model's save/delete, `note_write`,
# at once and again when the transaction commits) and (2) for the user himself when he acted: every
# POST/PUT/PATCH/DELETE he sends marks his session (`note_action`, core.middleware), so the page after his
# 上报/通过/收款确认 is counted afresh in whichever worker serves it. What a colleague did in another
# worker process shows within MENU_COUNTS_SECONDS.
MENU_COUNTS_SECONDS = 15
ACTED_AT = "menu_counts_acted_at"  # the session key: when the user last sent a write
_writes = 0  # the writes seen by this process
# Writes that change no count: the session, the audit trail and login records (written on every page).
NOT_COUNTED = frozenset({"sessions", "audit", "axes", "admin", "contenttypes"})
# The same by model where the app also holds counted models: the audit trail (core.AuditLog, written by
# every 会员查询 and every revealed field — it made each such page count the menu afresh) and the worker's
# heartbeat.
NOT_COUNTED_MODELS = frozenset({"core.AuditLog", "core.WorkerHeartbeat"})


def note_write(sender=None, **_signal_kwargs) -> None:
    """Something was written: every cached menu count of this process is stale, now and at commit (so
    that a count read by a concurrent request before the commit is not kept)."""
    global _writes
    meta = getattr(sender, "_meta", None)
    if meta is not None and (meta.app_label in NOT_COUNTED or meta.label in NOT_COUNTED_MODELS):
        return
    _writes += 1
    connection = transaction.get_connection()
    # once per transaction, however many rows it saves
    if connection.in_atomic_block and not any(entry[1] is _bump for entry in connection.run_on_commit):
        transaction.on_commit(_bump)


def _bump() -> None:
    global _writes
    _writes += 1


def note_action(session) -> None:
    """The user sent a write: his next page counts his menu afresh (in any worker)."""
    session[ACTED_AT] = time.time()


def menu_waiting(user, session=None) -> list[WaitingWork]:
    """`work_waiting` for the menu's badges, served from the cache while nothing was written here, the
    user has not acted since and it is younger than MENU_COUNTS_SECONDS."""
    key = f"menu-counts:{user.pk}"
    acted_at = session.get(ACTED_AT, 0) if session is not None else 0
    cached = cache.get(key)
    if cached is not None:
        writes, counted_at, waiting = cached
        if writes == _writes and counted_at > acted_at:
            return waiting
    writes, counted_at = _writes, time.time()
    waiting = work_waiting(user)
    cache.set(key, (writes, counted_at, waiting), MENU_COUNTS_SECONDS)
    return waiting


def header_counts(user) -> dict[str, int]:
    return {name: count(user) for name, count in _header_counts.items()}


def lazy_header_counts(user) -> dict[str, SimpleLazyObject]:
    """header_counts, each counted when first read (a page without the header reads none)."""
    return {name: SimpleLazyObject(functools.partial(count, user)) for name, count in _header_counts.items()}

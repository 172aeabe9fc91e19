"""`make bench`: the rest of a big application's life on the generated city, through the services (one run
each): the roster import of the biggest unit's renewal (all its staff, two plans), 上报, both approvals
(the city's freezes the fees and issues the notice), the notice PDF, 收款确认 (members and coverages made),
and a claim's eligibility check (median of many). Prints one JSON object.

    DATABASE_URL=… python -m bench.services_bench [--profile-dir DIR]

With --profile-dir the import and 收款确认 run under pyinstrument and their text profiles are written there.
"""

import argparse
import contextlib
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


@contextlib.contextmanager
def timed(results: dict, key: str, profile_dir: Path | None = None):
    """Time the block and count its queries (an execute wrapper: no debug cursor, no SQL kept); with
    PROFILE_DIR, profile it with pyinstrument (library frames shown) into PROFILE_DIR/KEY.txt."""
    from django.db import connection

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    profiler = None
    if profile_dir is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    started = time.perf_counter()
    with connection.execute_wrapper(counting):
        yield
    results[key] = {"seconds": round(time.perf_counter() - started, 3), "queries": count[0]}
    if profiler is not None:
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=True)
        (profile_dir / f"{key}.txt").write_text(text)


def main(argv=None) -> int:
    """Longer than 60 lines on purpose: one timed run per service, in the order of an application's life."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile-dir", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from bench.city import BIG_UNIT_NAME, DEMO_UNION
    from billing.documents import payment_notice_pdf
    from billing.services import payment_confirm
    from claims.models import Claim
    from claims.services import recheck
    from enrollment.models import Application, Coverage
    from enrollment.periods import twelve_month_period
    from enrollment.services import application_create, roster_import_run, roster_upload
    from plans.models import Plan
    from review.engine import case_transition
    from review.models import Action
    from tests.factories import Factory
    from units.models import Unit

    for name, value in DEMO_UNION.items():
        if not getattr(settings, name, ""):
            setattr(settings, name, value)
    settings.ROSTER_MAX_ROWS = max(settings.ROSTER_MAX_ROWS, 100_000)
    results: dict = {}
    profile_dir = args.profile_dir
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    unit = Unit.objects.select_related("agent", "parent_org").get(name=BIG_UNIT_NAME)
    agent = unit.agent
    current = Application.objects.filter(unit=unit, case__status="effective").order_by("-period_end").first()
    start, end = twelve_month_period(current.period_end + datetime.timedelta(days=1))
    plans = {Plan.objects.get(code=code): 1 for code in ("ZJ", "YW")}
    application = application_create(
        actor=agent, unit=unit, kind="renewal", plans=plans, period_start=start, period_end=end
    )
    people = list(current.roster.order_by("row_number").values_list("name", "id_number", "mobile"))
    rows = [[n, name, id_number, mobile, 1, 1] for n, (name, id_number, mobile) in enumerate(people, start=1)]
    content = Factory.roster_xlsx(rows, codes=("ZJ", "YW"), constant_memory=True)
    results["members"] = len(rows)

    with timed(results, "roster_import", profile_dir):
        job = roster_upload(
            actor=agent, application=application, upload=SimpleUploadedFile("r.xlsx", content)
        )
        if job.status in ("pending", "running"):
            job = roster_import_run(import_id=job.pk)
    results["roster_import"]["status"] = job.status
    results["roster_import"]["stored"] = application.roster.count()
    case = application.case
    from django.core.files.base import ContentFile

    from core.samples import tiny_pdf
    from review.services import material_upload

    letter = ContentFile(tiny_pdf("letter"), name="letter.pdf")  # 提前续保 is supplementary: 申请说明
    material_upload(case=case, slot="application_letter", upload=letter, actor=agent)
    with timed(results, "submit"):
        case = case_transition(case=case, action=Action.SUBMIT, actor=agent)
    reviewers = []
    if not unit.parent_org.is_city_direct:
        from accounts.models import User

        reviewers.append(User.objects.filter(role="district_reviewer", org=unit.parent_org).first())
    for reviewer in reviewers:
        with timed(results, "approve_district"):
            case = case_transition(case=case, action=Action.APPROVE, actor=reviewer)
    from accounts.models import User

    city = User.objects.get(username="city")
    with timed(results, "approve_city_freezes_fees"):
        case = case_transition(case=case, action=Action.APPROVE, actor=city)
    application.refresh_from_db()
    notice = application.payment_notice
    with timed(results, "notice_pdf_first"):
        pdf = payment_notice_pdf(notice)
    results["notice_pdf_first"]["bytes"] = len(pdf)
    with timed(results, "notice_pdf_again"):
        payment_notice_pdf(notice)
    before = Coverage.objects.count()
    finance = User.objects.get(username="finance")
    with timed(results, "payment_confirm", profile_dir):
        payment_confirm(
            actor=finance,
            notice=notice,
            amount=notice.amount,
            paid_on=timezone.localdate(),
            bank_reference="BENCH0001",
        )
    results["payment_confirm"]["coverages_created"] = Coverage.objects.count() - before

    claim = (
        Claim.objects.filter(case__status="in_review", kind="illness")
        .select_related("member", "unit")
        .first()
    )
    recheck(claim)  # the reviewers' panel and 上报 run the rules through this
    times = []
    for _ in range(50):
        started = time.perf_counter()
        recheck(claim)
        times.append(time.perf_counter() - started)
    with timed(results, "eligibility_check"):
        recheck(claim)
    results["eligibility_check"]["seconds"] = round(statistics.median(times), 5)
    results["eligibility_check"]["runs"] = len(times)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))
    sys.exit(main())

"""Benchmark of the worklog module's supervision figures and its printable memo sheet.

Run: ``.venv/bin/python bench/worklog_bench.py [--villages 30] [--stages 12] [--cadres 100]
[--days 250] [--requests 50]`` (or ``./dev bench worklog_bench``).

On a fresh SQLite database (a temporary file): ``--villages`` villages with the module on,
``--stages`` feedback stages spread over the year (two or three items per village and stage),
``--cadres`` cadres on the roster each with a log on the last ``--days`` working days (one in
nine missing), and 20 memo items per village. Times, after a warm-up, ``--requests`` runs of

- the figures the module gives the core's supervision screen (the ``supervision_sections``
  hook for the whole township, in a request as the screen calls it),
- the whole core supervision screen (``/admin/case_supervision/``) signed in as the township
  admin,
- the printable memo sheet of one village,

and prints median and p95 of each. Target: supervision figures p95 < 500 ms.
"""

import argparse
import logging
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from itsdangerous import URLSafeTimedSerializer  # noqa: E402

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind, Role, User  # noqa: E402
from core.modules import set_module  # noqa: E402

PASSWORD = "bench-password-123"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def describe(latencies: list[float]) -> str:
    return (
        f"median {statistics.median(latencies) * 1000:7.2f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:7.2f} ms  (n={len(latencies)})"
    )


def _stages(government, count, today):
    from plugins.worklog.models import FeedbackStage

    start = date(today.year, 1, 1)
    length = max(1, (today - start).days // max(1, count - 1))
    stages = []
    for n in range(count):
        first = start + timedelta(days=n * length)
        stages.append(
            FeedbackStage(
                office_id=government.id,
                title=f"第{n + 1}阶段",
                starts_on=first,
                ends_on=first + timedelta(days=length - 1 if n < count - 1 else 20),
            )
        )
    db.session.add_all(stages)
    db.session.flush()
    return stages


def _reports(villages, stages, author):
    from plugins.worklog.models import FeedbackReport

    rows = []
    for i, village in enumerate(villages):
        for j, stage in enumerate(stages):
            for k in range(2 + (i + j) % 2):
                rows.append(
                    {
                        "office_id": village.id,
                        "stage_id": stage.id,
                        "title": f"活动事项{k}",
                        "content": "组织技术培训，群众反映良好。",
                        "author_id": author.id,
                        "reported_at": datetime.combine(stage.starts_on, datetime.min.time()),
                    }
                )
    db.session.execute(FeedbackReport.__table__.insert(), rows)


def _cadres_and_logs(villages, cadres, days, today, password):
    from plugins.worklog.models import LogCadre, WorkLog
    from plugins.worklog.services.logs import working_days

    users = [
        User(
            username=f"cadre{n}",
            display_name=f"干部{n:03d}",
            role=Role.STAFF,
            office_id=villages[n % len(villages)].id,
            password_hash=password,
        )
        for n in range(cadres)
    ]
    db.session.add_all(users)
    db.session.flush()
    span = working_days(today - timedelta(days=days * 2), today)[-days:]
    for user in users:
        db.session.add(LogCadre(office_id=user.office_id, user_id=user.id, starts_on=span[0]))
    rows = [
        {
            "office_id": user.office_id,
            "user_id": user.id,
            "day": day,
            "place": "村委会",
            "content": "走访农户，了解生产情况",
            "version": 1,
        }
        for n, user in enumerate(users)
        for k, day in enumerate(span)
        if (k + n) % 9
    ]
    db.session.execute(WorkLog.__table__.insert(), rows)


def _memos(villages, author):
    from plugins.worklog.models import MemoItem
    from plugins.worklog.services.memo import due_for

    today = date.today()
    for village in villages:
        for n in range(20):
            assigned = today - timedelta(days=n * 3)
            item = MemoItem(
                office_id=village.id,
                kind="service",
                content=f"重要服务事项第{n}项：落实饮水安全工程",
                responsible_id=author.id,
                assigned_on=assigned,
                limit_amount=5,
                limit_unit="working_days",
                done_on=assigned + timedelta(days=2) if n % 3 == 0 else None,
            )
            item.due_at = due_for(assigned, 5, "working_days")
            db.session.add(item)


def build(app, args) -> int:
    """The township, its villages and data; returns the first village's id."""
    from core.auth.passwords import hash_password
    from core.time import local_today

    with app.app_context():
        db.create_all()
        today = local_today()
        password = hash_password(PASSWORD)
        root = Office(code="T", name="测试镇", kind=OfficeKind.TOWNSHIP)
        government = Office(code="ZF", name="镇政府", kind=OfficeKind.GOVERNMENT, parent=root)
        villages = [
            Office(code=f"V{i:02d}", name=f"第{i}村", kind=OfficeKind.VILLAGE, parent=root)
            for i in range(args.villages)
        ]
        db.session.add_all([root, government, *villages])
        db.session.flush()
        admin = User(
            username="admin",
            display_name="管理员",
            role=Role.TOWNSHIP_ADMIN,
            office_id=root.id,
            password_hash=password,
        )
        db.session.add(admin)
        for office in [government, *villages]:
            set_module("worklog", office, True)
        db.session.flush()
        _reports(villages, _stages(government, args.stages, today), admin)
        _cadres_and_logs(villages, args.cadres, args.days, today, password)
        _memos(villages, admin)
        db.session.commit()
        return villages[0].id


def login(client, app, username):
    with client.session_transaction() as sess:
        raw = sess.setdefault("csrf_token", secrets.token_hex(20))
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def time_figures(app, count: int) -> list[float]:
    """The module's supervision sections for the whole township, ``count`` times."""
    from flask_login import login_user

    from core.modules import enabled_office_ids
    from plugins.worklog.widgets import supervision_sections

    latencies = []
    with app.test_request_context("/admin/case_supervision/"):
        admin = db.session.query(User).filter_by(username="admin").one()
        login_user(admin)
        ids = enabled_office_ids("worklog")
        for n in range(count + 3):
            started = time.perf_counter()
            sections = supervision_sections(admin, ids)
            elapsed = time.perf_counter() - started
            db.session.expire_all()
            if n >= 3:
                latencies.append(elapsed)
        rows = [len(s.rows) for s in sections]
    print(f"  sections' rows: {rows}")
    return latencies


def time_requests(client, url: str, count: int) -> list[float]:
    """``count`` timed GETs of ``url`` after three warm-up requests."""
    for _ in range(3):
        assert client.get(url).status_code == 200
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200
    return latencies


def main() -> None:
    """Build the data, time the figures, the screen and the sheet; print median and p95."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--villages", type=int, default=30)
    parser.add_argument("--stages", type=int, default=12)
    parser.add_argument("--cadres", type=int, default=100)
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="worklog-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "UPLOAD_FOLDER": str(folder),
            "REDIS_URL": None,
            "SERVER_NAME": None,
            "RATELIMIT_ENABLED": False,
        }
    )
    started = time.perf_counter()
    village = build(app, args)
    print(
        f"worklog: {args.villages} villages × {args.stages} stages, {args.cadres} cadres × "
        f"{args.days} log days, {args.villages * 20} memo items, SQLite "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    print("  supervision figures (hook)  ", describe(time_figures(app, args.requests)))
    client = app.test_client()
    login(client, app, "admin")
    print(
        "  core supervision screen     ",
        describe(time_requests(client, "/admin/case_supervision/", args.requests)),
    )
    print(
        "  memo sheet (one village)    ",
        describe(time_requests(client, f"/admin/worklog/memo/sheet/{village}", args.requests)),
    )
    print(
        "  log supervision screen      ",
        describe(time_requests(client, "/admin/worklog/logs", args.requests)),
    )


if __name__ == "__main__":
    main()

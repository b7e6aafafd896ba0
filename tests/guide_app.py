"""Run the README's example plugin for tests/test_plugin_guide.py, in its own process (its
model joins SQLAlchemy's metadata, which the test session's database must not see).

    python tests/guide_app.py PLUGIN_PARENT_DIR WORK_DIR   → prints one JSON object of findings
"""

import json
import re
import sys
from pathlib import Path

plugin_parent, work = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(plugin_parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.app import create_app  # noqa: E402
from core.auth.passwords import hash_password  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Office, OfficeKind, Role, User  # noqa: E402
from core.modules import set_module  # noqa: E402

PASSWORD = "correct-horse-battery"
app = create_app(
    {
        "TESTING": True,
        "SECRET_KEY": "guide",
        "REDIS_URL": None,
        "SERVER_NAME": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'guide.sqlite3'}",
        "UPLOAD_FOLDER": str(work / "uploads"),
    },
    extra_plugins=("notices",),
)
found = {"loaded": "notices" in app.extensions["township_plugins"].manifests}
with app.app_context():
    db.create_all()
    root = Office(code="T", name="测试镇", kind=OfficeKind.TOWNSHIP)
    on = Office(code="A", name="甲单位", kind=OfficeKind.GOVERNMENT, parent=root)
    off = Office(code="B", name="乙村", kind=OfficeKind.VILLAGE, parent=root)
    db.session.add_all([root, on, off])
    db.session.flush()
    db.session.add(
        User(
            username="clerk",
            display_name="李文书",
            role=Role.STAFF,
            office_id=on.id,
            password_hash=hash_password(PASSWORD),
        )
    )
    set_module("notices", on, True)
    db.session.commit()
    office_id = on.id

client = app.test_client()


def token(path: str) -> str:
    """The CSRF token of the form on ``path``, as a browser would send it."""
    response = client.get(path)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    if match is None:
        raise SystemExit(
            f"no form at {path}: {response.status_code} {response.get_data(as_text=True)[:3000]}"
        )
    return match.group(1)


login = client.post(
    "/login", data={"csrf_token": token("/login"), "username": "clerk", "password": PASSWORD}
)
found["login"] = login.status_code
screen = client.get("/admin/notices_notices/")
found["screen"] = [screen.status_code, "公告" in screen.get_data(as_text=True)]
saved = client.post(
    "/admin/notices_notices/new/",
    data={
        "csrf_token": token("/admin/notices_notices/new/"),
        "title": "自来水停水通知",
        "body": "周五停水一天，咨询请致电13912345678。",
        "author": "张三丰",
    },
    follow_redirects=True,
)
found["saved"] = saved.status_code
with app.app_context():
    from notices.models import Notice

    found["stored"] = [(n.title, n.office_id == office_id) for n in db.session.query(Notice)]
page = app.test_client().get("/o/A/notices/")
text = page.get_data(as_text=True)
found["page"] = [
    page.status_code,
    "自来水停水通知" in text,
    "13912345678" in text,
    "张三丰" in text,
]
api = app.test_client().get("/api/v1/notices/A")
found["api"] = [api.status_code, api.get_json()]
found["off"] = [
    app.test_client().get("/o/B/notices/").status_code,
    app.test_client().get("/api/v1/notices/B").status_code,
]
print(json.dumps(found, ensure_ascii=False))

"""The README's "Writing a plugin" guide builds a working plugin: its code blocks, written out
as they stand, load as a plugin that an office switches on, with a staff screen, a residents'
page and an API that mask what they must (so the guide cannot rot)."""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A fenced block whose first line names a file of the plugin: "# notices/x.py" or "{# … #}".
_BLOCK = re.compile(r"```(?:python|html)\n(?:# |\{# )(notices/[\w/.]+)(?: #\})?\n(.*?)```", re.S)


def write_guide_plugin(target: Path) -> list[str]:
    """Write the guide's files below ``target``; returns their paths."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    chapter = readme[readme.index("## Writing a plugin") :]
    written = []
    for path, body in _BLOCK.findall(chapter):
        file = target / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def test_the_guide_plugin_works(tmp_path):
    files = write_guide_plugin(tmp_path / "src")
    assert sorted(files) == sorted(
        [
            "notices/models.py",
            "notices/admin.py",
            "notices/public.py",
            "notices/api.py",
            "notices/publication.py",
            "notices/__init__.py",
            "notices/templates/notices/public/index.html",
        ]
    )
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "guide_app.py"),
            str(tmp_path / "src"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["loaded"] and found["login"] == 302
    assert found["screen"] == [200, True]  # the staff screen, in Chinese
    assert found["saved"] == 200 and found["stored"] == [["自来水停水通知", True]]
    # Residents' page: the notice, with the phone number and the resident's name masked.
    assert found["page"] == [200, True, False, False]
    status, body = found["api"]
    assert status == 200 and body[0]["title"] == "自来水停水通知"
    assert "13912345678" not in json.dumps(body, ensure_ascii=False)
    assert found["off"] == [404, 404]  # an office with the module off has neither


def test_the_guide_plugin_keeps_the_import_rules(tmp_path):
    """The guide's code imports the core only through the kit."""
    write_guide_plugin(tmp_path)
    for path in (tmp_path / "notices").rglob("*.py"):
        imports = re.findall(r"^\s*(?:from|import) (core[\w.]*)", path.read_text(), re.M)
        assert set(imports) <= {"core.kit"}, (path.name, imports)

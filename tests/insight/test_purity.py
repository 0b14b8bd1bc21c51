"""The classifier package stands alone: no web framework, ORM or template engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
import insight.alerts, insight.cli, insight.discovery, insight.evaluate, insight.model
import insight.review, insight.text
print(sorted(m for m in ("starlette", "tortoise", "jinja2", "servicedialog") if m in sys.modules))
"""


def test_insight_imports_no_web_framework_orm_or_templates() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_no_module_uses_pickle() -> None:
    for path in (ROOT / "insight").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import pickle" not in source and "joblib.dump" not in source, path.name

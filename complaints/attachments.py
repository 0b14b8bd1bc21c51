"""Feedback's attachments: the record of a stored upload (servicedialog.uploads checks and
writes the files), where it lies and the name it is downloaded under."""

from __future__ import annotations

from pathlib import Path

from complaints.models import Attachment, Feedback
from servicedialog.uploads import ALLOWED, Stored, storage_dir


def row(stored: Stored, feedback: Feedback) -> Attachment:
    """The record of ``stored`` for ``feedback``, not yet written."""
    return Attachment(
        feedback_id=feedback.id,
        filename=stored.filename,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.path.name,
    )


def path_of(attachment: Attachment, var_dir: Path) -> Path:
    return storage_dir(var_dir) / attachment.storage_name


def download_name(number: str, attachment: Attachment) -> str:
    """The name a file is downloaded under: ``SYN-2026-000123-7.pdf``."""
    extensions = ALLOWED.get(attachment.content_type, (".bin",))
    return f"{number}-{attachment.id}{extensions[0]}"

"""Files given with feedback: size and type limits, the type sniffed from the content (never
from the name or the browser's claim), stored outside the web root under ``VAR_DIR``."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

import puremagic

from complaints.models import Attachment, Feedback
from servicedialog.i18n import lazy as _

MAX_FILES = 3
MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/webp": ".webp",
    "text/plain": ".txt",
}


class AttachmentError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def storage_dir(var_dir: Path) -> Path:
    return var_dir / "attachments"


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, if it is one we accept."""
    try:
        found = puremagic.from_string(head, mime=True)
    except puremagic.PureError:
        found = ""
    if found in ALLOWED:
        return str(found)
    if not found and b"\x00" not in head:
        with contextlib.suppress(UnicodeDecodeError):
            head.decode("utf-8")
            return "text/plain"
    return None


@dataclass
class Stored:
    """A file written to disk and waiting for its feedback row."""

    path: Path
    filename: str
    content_type: str
    size: int
    sha256: str

    def row(self, feedback: Feedback) -> Attachment:
        """The record of this file for ``feedback``, not yet stored."""
        return Attachment(
            feedback_id=feedback.id,
            filename=self.filename,
            content_type=self.content_type,
            size=self.size,
            sha256=self.sha256,
            storage_name=self.path.name,
        )

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _clean_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "fil"
    return "".join(c for c in base if c.isprintable())[:200]


async def store(files: list[tuple[str, bytes]], var_dir: Path) -> list[Stored]:
    """Check and write the uploaded files (name, content); on any problem nothing stays on
    disk."""
    if not files:
        return []
    if len(files) > MAX_FILES:
        raise AttachmentError(_("You can attach at most 3 files."))
    directory = storage_dir(var_dir)
    directory.mkdir(parents=True, exist_ok=True)
    stored: list[Stored] = []
    try:
        for filename, data in files:
            if len(data) > MAX_BYTES:
                raise AttachmentError(_("A file can be at most 10 MB."))
            if not data:
                raise AttachmentError(_("One of the files is empty."))
            content_type = sniff(data[:4096])
            if content_type is None:
                raise AttachmentError(
                    _("Attach PDF documents, pictures (JPEG, PNG, HEIC, WebP) or plain text.")
                )
            path = directory / (secrets.token_hex(16) + ALLOWED[content_type])
            path.write_bytes(data)
            stored.append(
                Stored(
                    path,
                    _clean_name(filename),
                    content_type,
                    len(data),
                    hashlib.sha256(data).hexdigest(),
                )
            )
    except BaseException:
        for item in stored:
            item.discard()
        raise
    return stored


def path_of(attachment: Attachment, var_dir: Path) -> Path:
    return storage_dir(var_dir) / attachment.storage_name

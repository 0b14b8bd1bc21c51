"""Files people upload on a public form (feedback now; surveys and dialogue later),
accepted by what they really are.

A file is accepted only when all of these hold:

* its content is one of the types in :data:`ALLOWED`, sniffed from its first bytes (never
  from the name or from the browser's claim);
* the extension of its name is one of that type's own (``faktura.pdf.js``, ``run.bat`` and
  ``page.html`` are refused whatever they contain), after invisible and direction-changing
  characters (the right-to-left override that makes ``exe.pdf`` out of ``fdp.exe``) are
  removed from the name;
* it parses as that type: a PDF opens with pypdf and has pages, a picture opens with Pillow,
  a HEIC picture has its ISO box header, plain text is UTF-8 without markup or a script
  header (so ``%PDF-`` followed by HTML, or HTML named ``.txt``, is refused).

Files stream from the upload's spooled temporary file to ``VAR_DIR/attachments`` in
chunks, under a random name with the type's extension, and are served as downloads under a
name the app makes (the registration number and the type's extension), never the
uploader's, with the stored type and ``nosniff``.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import anyio.to_thread
import puremagic

from servicedialog.i18n import lazy as _

MAX_FILES = 3
MAX_BYTES = 10 * 1024 * 1024
CHUNK = 256 * 1024
HEAD = 8192
# Type: its extensions, the first being the one files are stored and served with.
ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/heic": (".heic", ".heif"),
    "image/webp": (".webp",),
    "text/plain": (".txt",),
}
ACCEPT = ",".join(ext for extensions in ALLOWED.values() for ext in extensions)
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# Plain text that is really markup or a program.
MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?php", b"<?xml", b"<iframe", b"<body")
REFUSED = _(
    "Attach PDF documents (.pdf), pictures (.jpg, .png, .heic, .webp) or plain text (.txt). "
    "Other files, and files whose name does not match what they contain, cannot be sent."
)


class AttachmentError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Upload(Protocol):
    """What the form gives us of a file (Starlette's UploadFile)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...

    async def seek(self, offset: int) -> None: ...


def storage_dir(var_dir: Path) -> Path:
    return var_dir / "attachments"


def clean_name(name: str) -> str:
    """The file's own name without folders, control characters or invisible formatting
    characters (category Cf: bidi overrides, zero-width joiners), at most 200 characters."""
    base = Path(name.replace("\\", "/")).name
    kept = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    return kept.strip().strip(".")[:200] or "fil"


def extension(name: str) -> str:
    return Path(name).suffix.lower()


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, if it is one we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    try:
        found = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        found = ""
    if found in ALLOWED and found not in ("application/pdf", "image/heic", "text/plain"):
        return str(found)
    if found in ("", "text/plain") and _plain_text(head, whole=False):
        return "text/plain"
    return None


def _plain_text(data: bytes, whole: bool) -> bool:
    """UTF-8 text (the head may end inside a character) without NUL, markup or ``#!``."""
    if b"\x00" in data:
        return False
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        if whole or error.start < len(body) - 4:
            return False
    lowered = body[:HEAD].lower()
    return not body.lstrip().startswith(b"#!") and not any(tag in lowered for tag in MARKUP)


def _parses_as(path: Path, content_type: str) -> bool:
    """Whether the stored file really is of ``content_type`` (run in a worker thread)."""
    if content_type == "application/pdf":
        return _pdf(path)
    if content_type in PILLOW_FORMATS:
        return _picture(path, PILLOW_FORMATS[content_type])
    if content_type == "text/plain":
        return _plain_text(path.read_bytes(), whole=True)
    return content_type == "image/heic"  # its box header was checked when sniffed


def _pdf(path: Path) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    tail = path.read_bytes()[-2048:]
    if b"%%EOF" not in tail:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(PdfReader(path, strict=False).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return False


def _picture(path: Path, expected: str) -> bool:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != expected:
                    return False
                image.verify()
        return True
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        return False


@dataclass
class Stored:
    """A file written to disk and waiting for the row that records it."""

    path: Path
    filename: str
    content_type: str
    size: int
    sha256: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


async def _store_one(upload: Upload, directory: Path) -> Stored:
    name = clean_name(upload.filename or "")
    await upload.seek(0)
    head = await upload.read(HEAD)
    if not head:
        raise AttachmentError(_("One of the files is empty."))
    content_type = sniff(head)
    if content_type is None or extension(name) not in ALLOWED[content_type]:
        raise AttachmentError(REFUSED)
    path = directory / (secrets.token_hex(16) + ALLOWED[content_type][0])
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > MAX_BYTES:
                    raise AttachmentError(_("A file can be at most 10 MB."))
                digest.update(chunk)
                out.write(chunk)
                chunk = await upload.read(CHUNK)
        if not await anyio.to_thread.run_sync(_parses_as, path, content_type):
            raise AttachmentError(REFUSED)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Stored(path, name, content_type, size, digest.hexdigest())


async def store(uploads: list[Any], var_dir: Path) -> list[Stored]:
    """Check and write the uploaded files; on any problem nothing stays on disk."""
    if not uploads:
        return []
    if len(uploads) > MAX_FILES:
        raise AttachmentError(_("You can attach at most 3 files."))
    directory = storage_dir(var_dir)
    directory.mkdir(parents=True, exist_ok=True)
    stored: list[Stored] = []
    try:
        for upload in uploads:
            stored.append(await _store_one(upload, directory))
    except BaseException:
        for item in stored:
            item.discard()
        raise
    return stored


def served_type(content_type: str) -> str:
    """The Content-Type a stored file is served with: its checked type, text as UTF-8."""
    if content_type == "text/plain":
        return "text/plain; charset=utf-8"
    return content_type if content_type in ALLOWED else "application/octet-stream"

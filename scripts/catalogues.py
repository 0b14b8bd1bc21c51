"""Extract translatable strings and update the Swedish and English catalogues.

    python scripts/catalogues.py          # update servicedialog/locale/*/LC_MESSAGES/messages.po

English is the source language: new messages get their msgid as the English translation
(edit it there if the wording should differ). Swedish entries start empty and must be
translated; tests/core/test_i18n.py fails while any is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "servicedialog" / "locale"
POT = LOCALE / "messages.pot"


def extract() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy",
            "-k",
            "lazy_plural:1,2",
            "--ignore-dirs",
            ".* build dist var",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(POT),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def update(language: str) -> int:
    with POT.open("rb") as handle:
        template = read_po(handle)
    path = LOCALE / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
    else:
        from babel.messages.catalog import Catalog

        catalog = Catalog(locale=language, project="servicedialog")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.fuzzy = False  # the header; a fuzzy header would be left out of the compiled catalogue
    missing = 0
    for message in catalog:
        if not message.id:
            continue
        if language == "en" and (message.fuzzy or not (message.string and all(message.string))):
            message.string = message.id
            message.flags.discard("fuzzy")
        if (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        ):
            missing += 1  # a fuzzy guess is not a translation: check it and drop the flag
    with path.open("wb") as handle:
        write_po(
            handle,
            catalog,
            omit_header=False,
            sort_output=True,
            no_location=True,
            ignore_obsolete=True,
            width=100,
        )
    return missing


if __name__ == "__main__":
    extract()
    for lang in ("sv", "en"):
        print(f"{lang}: {update(lang)} untranslated")

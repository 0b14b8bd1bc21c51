"""Fill Swedish translations into the catalogue from a Python file that defines SV = {msgid:
translation} (a translator's batch), leaving every other entry as it is. A message with a
plural is keyed by its singular msgid and translated by a tuple (singular, plural).

    python scripts/translate.py batch.py
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "servicedialog/locale/sv/LC_MESSAGES/messages.po"


def main(batch: str) -> int:
    translations = runpy.run_path(batch)["SV"]
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    unknown = [msgid for msgid in translations if msgid not in catalogue]
    for msgid, text in translations.items():
        if msgid in catalogue:
            catalogue[msgid].string = tuple(text) if isinstance(text, tuple | list) else text
            catalogue[msgid].flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalogue, width=100, omit_header=False)
    for msgid in unknown:
        print(f"not in the catalogue: {msgid!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

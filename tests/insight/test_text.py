"""Redaction: every form of identity number, e-mail address and phone number becomes a
placeholder; ordinary numbers stay readable."""

from __future__ import annotations

import unicodedata

import pytest

from insight.text import normalise, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mitt personnummer är 19900101-0017.", "Mitt personnummer är [personnummer]."),
        ("pnr 900101-0017", "pnr [personnummer]"),
        ("pnr 9001010017", "pnr [personnummer]"),
        ("pnr 199001010017", "pnr [personnummer]"),
        ("född 1912 alltså 121212+1212", "född 1912 alltså [personnummer]"),
        ("samordningsnummer 19900161-0015", "samordningsnummer [personnummer]"),
        ("felskrivet 900101-0018 ändå", "felskrivet [personnummer] ändå"),
        ("hetu 131052-308T", "hetu [personnummer]"),
        ("Mejla anna.berg@kommun.se tack", "Mejla [e-post] tack"),
        ("skriv till j.doe+synpunkt@example.co.uk", "skriv till [e-post]"),
        ("Ring 08-123 45 67", "Ring [telefon]"),
        ("Ring 070-123 45 67 efter 17", "Ring [telefon] efter 17"),
        ("mobil 0701234567", "mobil [telefon]"),
        ("tel 031-12 34 56", "tel [telefon]"),
        ("call +46 70 123 45 67", "call [telefon]"),
        ("soita +358 40 1234567", "soita [telefon]"),
        ("soita 040 1234567", "soita [telefon]"),
        ("ring 0046 8 123 456 78", "ring [telefon]"),
    ],
)
def test_personal_data_becomes_a_placeholder(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Det tog 3 veckor innan någon svarade.",
        "Jag betalade 1 500 kr och sedan 12 000 kronor.",
        "Den 2024-05-12 kl 14:51 hände det igen.",
        "Ärende 2024/123 gällde 0,5 liter.",
        "Adressen är Storgatan 4, 114 55 Stockholm.",
        "Buss 4 och 17 var 10 minuter sena.",
    ],
)
def test_ordinary_numbers_stay_readable(text: str) -> None:
    assert redact(text) == text


def test_normalise_lowercases_redacts_and_replaces_numbers_keeping_swedish_letters() -> None:
    decomposed = unicodedata.normalize("NFD", "Ärende  ÅÄÖ  på 15-årig\nväg, ring 070-123 45 67")
    assert normalise(decomposed) == "ärende åäö på _num_-årig väg, ring [telefon]"

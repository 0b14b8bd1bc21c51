"""Topic discovery finds planted topics, reproducibly and whatever the order of the input."""

from __future__ import annotations

import random

from insight.discovery import Candidate, discover, stem

SNOW = [
    "Snöröjningen har inte kommit till vår gata",
    "Ingen snöröjning på Björkvägen sedan i fredags",
    "Snön ligger kvar, snöröjningen är dålig",
    "När kommer snöröjningen till skolan?",
    "Dålig snöröjning på cykelbanan igen",
    "Snöröjningen glömde vår parkering",
    "Snöröjning saknas vid äldreboendet",
    "Plogbilen och snöröjningen kom aldrig",
]
LIGHTS = [
    "Gatubelysningen är trasig på Storgatan",
    "Trasig gatubelysning vid busshållplatsen",
    "Gatubelysningen lyser inte i parken",
    "Mörkt, gatubelysningen fungerar inte",
    "Gatubelysning trasig vid skolan",
    "Gatubelysningen blinkar hela natten",
    "Trasig gatubelysning på gångvägen",
    "Gatubelysningen släckt i tunneln",
]
OTHER = [
    "Bibliotekets öppettider",
    "Simhallen är stängd",
    "Parkering vid stationen kostar",
    "Hundbajs överallt",
    "Buss nummer 4 är sen",
    "Tack för en bra kurs",
]
TEXTS = SNOW + LIGHTS + OTHER


def _as_texts(candidates: list[Candidate], texts: list[str]) -> list[set[str]]:
    return [{texts[i] for i in c.members} for c in candidates]


def test_finds_the_two_planted_topics() -> None:
    candidates = discover(TEXTS)
    found = _as_texts(candidates, TEXTS)
    assert any(len(group & set(SNOW)) >= 6 and not group & set(LIGHTS) for group in found)
    assert any(len(group & set(LIGHTS)) >= 6 and not group & set(SNOW) for group in found)
    snow = next(c for c in candidates if "snöröjningen" in c.terms)  # the commonest form
    assert len(snow.representatives) == 5 and set(snow.representatives) <= set(snow.members)


def test_is_ordered_by_size() -> None:
    sizes = [len(c.members) for c in discover(TEXTS)]
    assert sizes == sorted(sizes, reverse=True)


def test_same_input_in_any_order_gives_the_same_candidates() -> None:
    first = discover(TEXTS)
    assert discover(TEXTS) == first
    shuffled = TEXTS[:]
    random.Random(3).shuffle(shuffled)
    again = discover(shuffled)
    assert [c.terms for c in again] == [c.terms for c in first]
    assert _as_texts(again, shuffled) == _as_texts(first, TEXTS)


def test_tiny_input_gives_no_candidates() -> None:
    assert discover(SNOW[:4]) == []
    assert discover([]) == []
    assert discover(["", "", "", "", "", "", "", "", "", ""]) == []


def test_stem_joins_the_forms_of_a_word() -> None:
    assert stem("snöröjningen") == stem("snöröjning") == "snöröjning"
    assert stem("gatan") == "gatan"  # too short to cut: four letters stay

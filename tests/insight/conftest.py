"""Small synthetic feedback in three problem areas, for fast tests."""

from __future__ import annotations

import pytest

ROADS = [
    "Stort hål i gatan utanför skolan",
    "Potthål på vägen vid korsningen",
    "Asfalten är trasig och full av hål",
    "Vägen har djupa hål efter vintern",
    "Hål i cykelbanan, farligt att cykla",
    "Gatan behöver lagas, hål överallt",
]
LIGHTS = [
    "Gatubelysningen är trasig på Storgatan",
    "Lampan i parken lyser inte",
    "Mörkt på gångvägen, belysningen fungerar inte",
    "Trasig lampa vid busshållplatsen",
    "Gatlampan blinkar hela natten",
    "Ingen belysning i tunneln, lamporna är trasiga",
]
NOISE = [
    "Buller från bygget varje morgon",
    "Höga ljud från fläkten på natten",
    "Oväsen från festlokalen till sent",
    "Bullret från motorvägen är outhärdligt",
    "Byggbuller redan klockan sex",
    "Musik och oväsen från grannen varje helg",
]


@pytest.fixture
def feedback() -> tuple[list[str], list[str]]:
    texts = ROADS + LIGHTS + NOISE
    labels = ["väg"] * len(ROADS) + ["belysning"] * len(LIGHTS) + ["buller"] * len(NOISE)
    return texts, labels

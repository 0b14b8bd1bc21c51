import gzip
import json
from datetime import date

import pytest

from commitments.charts import history_chart, period_label
from servicedialog.charts import PLOTLY_JS_PATH, figure_json


class _Version:
    def __init__(self, target: float, period: str = "month") -> None:
        from commitments.states import Period

        self.target_share = target
        self.period = Period(period)


class _Row:
    def __init__(self, start: date, performance: float | None, few: bool, target: float) -> None:
        self.period_start = start
        self.performance = performance
        self.too_few_cases = few
        self.version = _Version(target)


@pytest.mark.parametrize(
    ("period", "language", "expected"),
    [
        ("month", "sv", "jan. 2026"),
        ("month", "en", "Jan 2026"),
        ("quarter", "sv", "K1 2026"),
        ("quarter", "en", "Q1 2026"),
        ("year", "sv", "2026"),
    ],
)
def test_period_labels_follow_the_language(period, language, expected):
    assert period_label(date(2026, 1, 1), period, language) == expected


def test_history_chart_leaves_gaps_for_too_few_cases_and_steps_the_target():
    from bs4 import BeautifulSoup

    rows = [
        _Row(date(2026, 1, 1), 0.95, False, 0.9),
        _Row(date(2026, 2, 1), 1.0, True, 0.9),
        _Row(date(2026, 3, 1), 0.8125, False, 0.95),
    ]
    svg = BeautifulSoup(str(history_chart(rows, "sv")), "html.parser").svg  # type: ignore[arg-type]
    assert svg["aria-hidden"] == "true"  # the table beside it carries the figures
    kept, target = svg.find_all("path")
    # Two runs of the kept share (the middle period had too few cases): a gap between.
    assert kept["d"].count("M") == 2 and "stroke-dasharray" not in kept.attrs
    assert target["stroke-dasharray"] and "H" in target["d"] and "V" in target["d"]
    tips = [t.text for t in svg.find_all("title")]
    assert tips == ["jan. 2026: 95\u00a0%", "mars 2026: 81,2\u00a0%"]
    assert [t.text for t in svg.find_all("text")][-2:] == ["Andel hållna", "Mål"]


def test_chart_texts_are_escaped():
    from servicedialog.svgchart import Series, line_chart

    svg = str(line_chart(["<b>x</b>"], [Series("<script>", [50.0], "#000")], number=str))
    assert "<b>" not in svg and "<script>" not in svg and "&lt;script&gt;" in svg


def test_figure_json_cannot_close_the_script_element():
    class Figure:
        def to_json(self) -> str:
            return json.dumps({"name": "</script><script>alert(1)</script> & more"})

    text = figure_json(Figure())
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & more"


def test_plotly_js_is_served_compressed_with_a_long_cache(client):
    response = client.get(PLOTLY_JS_PATH, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"plotly" in response.content[:2000].lower()
    etag = response.headers["etag"]
    again = client.get(PLOTLY_JS_PATH, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_plotly_js_is_gzip_on_the_wire():
    from servicedialog.charts import _plotly_js

    raw, compressed, _ = _plotly_js()
    assert gzip.decompress(compressed) == raw
    assert len(compressed) < len(raw) / 2

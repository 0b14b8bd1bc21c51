"""Charts drawn in the browser by plotly.js, which we serve ourselves (no CDN).

The figure is built on the server with plotly's graph objects and embedded in the page as
a JSON data block; ``static/js/charts.js`` draws it. Every chart must come with a table of
the same figures: the chart is a picture for sighted mouse users, the table is the
accessible and printable version.

Our CSP allows no inline styles. plotly.js normally injects its own ``<style>`` rules; it
skips that when an element with id ``plotly.js-style-global`` carries the class
``no-inline-styles``, so ``templates/_macros/charts.html`` links ``static/css/plotly.css``
(the rules plotly would inject) under that id. The bundle also injects maplibre's map CSS
when it loads, unless an element with the id in ``PLOTLY_MAPLIBRE_CSS_ID`` exists; we use
no maps, so the macro puts an empty ``<template>`` with that id in the head. A browser test
fails on any CSP violation, which catches a changed id when plotly is upgraded.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

import plotly
from starlette.requests import Request
from starlette.responses import Response

from servicedialog.auth import public

PLOTLY_VERSION: str = plotly.__version__
PLOTLY_JS_PATH = f"/static/vendor/plotly-{PLOTLY_VERSION}.min.js"
PLOTLY_MAPLIBRE_CSS_ID = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53"


@lru_cache(maxsize=1)
def _plotly_js() -> tuple[bytes, bytes, str]:
    """plotly.min.js, plain and gzip-compressed, with its ETag (read once per process)."""
    raw = resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()
    return raw, gzip.compress(raw, 6), '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


@public
async def plotly_js(request: Request) -> Response:
    """Serve plotly.js compressed, cached for a year: the URL carries the version."""
    raw, compressed, etag = _plotly_js()
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": etag,
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(compressed, media_type="text/javascript", headers=headers)
    return Response(raw, media_type="text/javascript", headers=headers)


def figure_json(figure: Any) -> str:
    """A figure (plotly's graph object, or a plain figure dict as the dashboards build
    them) as JSON that is safe inside ``<script type="application/json">``."""
    if isinstance(figure, dict):
        text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"))
    else:
        text = figure.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

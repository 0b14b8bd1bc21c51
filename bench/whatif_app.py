"""The app with one in-memory what-if patch, for `feedback_bench.py --what-if-inbox`.

`templates/complaints/inbox.html` imports the pagination macro without context
(`{% from "_macros/tables.html" import pagination %}`), and the macro calls `_()` and
`fmt`, which need the request: with more than one page of records the inbox answers 500
(`KeyError: 'request'` in `servicedialog/templating.py`). `templates/orgs/audit.html`
imports the same macro `with context`; this factory serves the inbox template with that
one change, read through a wrapped loader, and changes nothing else.

    uvicorn bench.whatif_app:create_app --factory --workers 2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

from servicedialog.app import create_app as create_real_app

BROKEN = '{% from "_macros/tables.html" import pagination %}'
FIXED = '{% from "_macros/tables.html" import pagination with context %}'


class _InboxFixLoader(jinja2.BaseLoader):
    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == "complaints/inbox.html":
            source = source.replace(BROKEN, FIXED)
        return source, filename, uptodate


def create_app() -> Any:
    app = create_real_app()
    env = app.state.templates.env
    env.loader = _InboxFixLoader(env.loader)
    if env.cache is not None:
        env.cache.clear()
    return app

"""The model page: how well the active model does per area, its confusion, the words it
weighs most, the change against the version before, and retraining."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import plotly.graph_objects as go
from starlette.requests import Request
from starlette.responses import Response

from insight.evaluate import compare
from problem_areas import training
from problem_areas.models import ClassifierModel, ProblemArea
from problem_areas.permissions import REVIEW
from servicedialog.auth import current_organisation
from servicedialog.bounds import parse_int
from servicedialog.chart_tables import HOUSE_COLOURS, DataTable
from servicedialog.charts import figure_json
from servicedialog.forms import done, render
from servicedialog.i18n import lazy as _
from servicedialog.i18n import translations
from servicedialog.models import Organisation
from servicedialog.orgs.services import DomainError
from servicedialog.permissions import requires

log = logging.getLogger("problem_areas.training")
reviewers = requires(REVIEW)
SHOWN_FIELDS = (
    "id",
    "organisation_id",
    "number",
    "status",
    "starter",
    "reason",
    "training_size",
    "data_hash",
    "metrics",
    "top_terms",
    "trained_by_id",
    "trained_at",
)
_training: set[int] = set()  # organisations training in this process now
_tasks: set[asyncio.Task[None]] = set()  # kept referenced until they finish


def is_training(organisation_id: int) -> bool:
    return organisation_id in _training


async def _train(organisation: Organisation, actor: Any) -> None:
    try:
        await training.retrain(organisation, actor=actor)
    except DomainError as error:
        log.info("not trained for %s: %s", organisation.slug, error.message)
    except Exception:  # a background task has nobody to answer: log it
        log.exception("training failed for %s", organisation.slug)
    finally:
        _training.discard(organisation.id)


def start_training(request: Request, organisation: Organisation) -> None:
    """Retrain after the response is sent (a merge or split, or the button)."""
    if organisation.id in _training:
        return
    _training.add(organisation.id)
    task = asyncio.get_running_loop().create_task(_train(organisation, request.state.user))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


@reviewers
async def model_page(request: Request) -> Response:
    org = current_organisation(request)
    language = request.state.language
    models = list(
        await ClassifierModel.filter(organisation_id=org.id).only(*SHOWN_FIELDS)  # not the blob
    )
    wanted = parse_int(request.query_params.get("version", ""), 1)
    shown = next((m for m in models if m.number == wanted), None) or next(
        (m for m in models if m.status == "active"), models[0] if models else None
    )
    areas = {a.code: a for a in await ProblemArea.filter(organisation_id=org.id)}
    context: dict[str, Any] = {
        "models": models,
        "shown": shown,
        "training": is_training(org.id),
        "areas": areas,
        "figure": None,
        "per_label": [],
        "change": None,
        "previous": None,
        "terms": [],
        "confusion": None,
    }
    if shown is not None and shown.metrics:
        previous = next((m for m in models if m.number < shown.number and m.metrics), None)
        context.update(_figures(shown, previous, areas, language))
    return render(request, "problem_areas/model.html", context)


def _name(areas: dict[str, ProblemArea], code: str, language: str) -> str:
    area = areas.get(code)
    return area.name(language) if area else code


def _figures(
    shown: ClassifierModel,
    previous: ClassifierModel | None,
    areas: dict[str, ProblemArea],
    language: str,
) -> dict[str, Any]:
    gettext = translations(language).gettext
    metrics = shown.metrics
    labels: list[str] = list(metrics.get("confusion_labels", []))
    names = [_name(areas, code, language) for code in labels]
    matrix: list[list[int]] = metrics.get("confusion", [])
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=names,
            y=names,
            colorscale=[[0, "#ffffff"], [1, HOUSE_COLOURS[0]]],
            xgap=1,
            ygap=1,
            hovertemplate="%{y} → %{x}: %{z}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis={"title": gettext("Predicted area"), "tickangle": -40},
        yaxis={"title": gettext("Area a person chose"), "autorange": "reversed"},
        margin={"l": 160, "b": 140, "t": 10, "r": 10},
        height=max(320, 36 * len(names) + 160),
        font={"family": "system-ui, sans-serif"},
    )
    confusion = DataTable(
        gettext("Confusion: rows are the areas people chose, columns what the model predicted"),
        [gettext("Area"), *names],
        [[name, *(str(n) for n in row)] for name, row in zip(names, matrix, strict=False)],
    )
    change = compare(previous.metrics, metrics) if previous is not None else None
    per_label = metrics.get("per_label", {})
    rows = sorted(per_label.items(), key=lambda item: _name(areas, item[0], language))
    return {
        "figure": figure_json(figure),
        "confusion": confusion,
        "per_label": [(code, _name(areas, code, language), values) for code, values in rows],
        "change": change,
        "previous": previous,
        "terms": sorted(
            ((_name(areas, code, language), words) for code, words in shown.top_terms.items()),
            key=lambda item: item[0],
        ),
    }


@reviewers
async def train_now(request: Request) -> Response:
    org = current_organisation(request)
    back = request.app.url_path_for("problem_areas:model")
    texts, codes, _weights = await training.training_rows(org.id)
    if len(texts) < training.MIN_LABELS or len(set(codes)) < 2:
        return done(
            request,
            back,
            _(
                "Too few labels to train on: confirm or correct at least 20 texts in two "
                "or more areas first. Until then the starter model classifies."
            ),
        )
    if is_training(org.id):
        return done(request, back, _("The model is being trained already."))
    start_training(request, org)
    return done(
        request, back, _("Training has started. Reload this page in a minute to see the result.")
    )

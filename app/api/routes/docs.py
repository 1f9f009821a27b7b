"""The OpenAPI schema and the interactive docs page, as ordinary routes with an access marker
(public: the schema describes the API, not its data), so every route the app serves declares its rule."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from app.auth.policy import public

OPENAPI_URL = "/api/v1/openapi.json"
router = APIRouter(include_in_schema=False, dependencies=[public()])


@router.get(OPENAPI_URL)
def openapi_schema(request: Request) -> dict[str, Any]:
    """The OpenAPI 3 schema of /api/v1."""
    return request.app.openapi()  # type: ignore[no-any-return]


@router.get("/docs", response_class=HTMLResponse)
def docs_page() -> HTMLResponse:
    """Swagger UI over the schema."""
    return get_swagger_ui_html(openapi_url=OPENAPI_URL, title="Candor API")

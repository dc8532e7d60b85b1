"""schema/schema.graphql is the published contract: it must be exactly what the hub serves."""

from __future__ import annotations

from hub.settings import PROJECT_ROOT
from schema.build import printed_schema


def test_printed_schema_matches_the_published_file() -> None:
    published = (PROJECT_ROOT / "schema" / "schema.graphql").read_text()
    assert published == printed_schema(), (
        "schema/schema.graphql is stale: run `hub schema export --output schema/schema.graphql` if the "
        "change is deliberate, and note breaking changes"
    )

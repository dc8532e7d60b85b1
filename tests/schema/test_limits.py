"""The schema's limits refuse a document before any resolver runs: no context is needed to prove it."""

from __future__ import annotations

from schema.build import SchemaLimits, build_schema

DEEP = '{ child(id: "x") { records { edges { node { owner { name } } } } } }'  # depth 6


def messages(limits: SchemaLimits, document: str) -> list[str]:
    result = build_schema(limits).execute_sync(document)
    assert result.data is None
    return [error.message for error in result.errors or []]


def test_depth_limit() -> None:
    assert any("exceeds maximum operation depth" in m for m in messages(SchemaLimits(max_query_depth=3), DEEP))


def test_alias_limit() -> None:
    document = "{ " + " ".join(f"a{i}: me {{ email }}" for i in range(4)) + " }"
    assert any("aliases" in m for m in messages(SchemaLimits(max_aliases=3), document))


def test_token_limit() -> None:
    assert any("token" in m.lower() for m in messages(SchemaLimits(max_tokens=10), DEEP))


def test_cost_counts_page_sizes_including_variables() -> None:
    literal = '{ child(id: "x") { records(first: 100) { edges { node { id summary } } } } }'
    variable = 'query($n: Int!) { child(id: "x") { records(first: $n) { edges { node { id } } } } }'
    assert any("too costly" in m for m in messages(SchemaLimits(max_cost=200), literal))
    assert any("too costly" in m for m in messages(SchemaLimits(max_cost=200), variable))


def test_operation_count() -> None:
    assert any("at most 1 operation" in m for m in messages(SchemaLimits(), "query A { me { email } } "
                                                                            "query B { me { email } }"))


def test_production_hides_introspection_and_suggestions() -> None:
    production = messages(SchemaLimits(production=True), "{ __schema { types { name } } }")
    assert any("introspection" in m.lower() for m in production)
    suggestion = messages(SchemaLimits(production=True), "{ chil(id: \"x\") { id } }")
    assert suggestion and not any("Did you mean" in m for m in suggestion)
    assert any("Did you mean" in m for m in messages(SchemaLimits(), "{ chil(id: \"x\") { id } }"))

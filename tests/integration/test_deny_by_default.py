"""Walk every Query and Mutation field of the served schema and prove deny by default: an actor with no
relationship to a child gets nothing, and what they get for a real child is exactly what they get for one
that does not exist. A field added later is walked too; if the walk cannot fill its arguments it fails and
asks to be taught, so no field escapes the proof."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from sqlalchemy import select

from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner

# Fields that carry no child data: who the caller is, and the public purpose registry.
# The child death overview panels covering the caller's partnerships: their names, for choosing one.
NOT_CHILD_DATA = {"me", "purposes", "childDeathOverviewPanels"}
# The IG officer's own agency's audit trail (metadata, never content): his to read by the decision table.
IG_AUDIT_FIELDS = {"auditEvents", "childAccessHistory", "partnerAccesses", "breakGlassReviewQueue",
                   "recordBreakGlassReview"}
ABSENT = "00000000-0000-0000-0000-000000000000"
UNKNOWN_NHS = "9999999999"


def unwrap(kind):
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def literal(name: str, kind, target: dict[str, str]) -> str:
    """A GraphQL literal for an argument or input field: ids and NHS numbers point at the target."""
    if isinstance(kind, GraphQLNonNull):
        return literal(name, kind.of_type, target)
    if isinstance(kind, GraphQLList):
        return "[" + literal(name, kind.of_type, target) + "]"
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        parts = [f"{field}: {literal(field, spec.type, target)}" for field, spec in kind.fields.items()
                 if isinstance(spec.type, GraphQLNonNull)]
        return "{" + ", ".join(parts) + "}"
    scalars = {"ID": f'"{target.get(name, target["id"])}"', "Int": "1", "Float": "1.0", "Boolean": "false",
               "Date": '"2026-11-01"', "DateTime": '"2026-11-01T09:00:00+00:00"'}
    if kind.name == "String":
        return f'"{target["nhs"]}"' if "nhs" in name.lower() else '"A reason long enough to be accepted."'
    if kind.name in scalars:
        return scalars[kind.name]
    raise AssertionError(f"teach the deny-by-default walk how to fill {name}: {kind}")


def selection(kind, depth: int = 0) -> str:
    kind = unwrap(kind)
    if isinstance(kind, GraphQLScalarType | GraphQLEnumType):
        return ""
    assert isinstance(kind, GraphQLObjectType)
    if depth > 3:
        return "{ __typename }"
    fields = []
    for name, field in kind.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        fields.append(f"{name} {selection(field.type, depth + 1)}")
    return "{ " + " ".join(fields) + " }"


def document(operation: str, name: str, field: GraphQLField, target: dict[str, str]) -> str:
    # A field's own id argument points at the kind of thing the field is about (e.g. informationRequest's
    # ``id`` at a real request), when the targets name one.
    target = {**target, "id": target.get(f"{name}.id", target["id"])}
    args = ", ".join(f"{arg}: {literal(arg, spec.type, target)}" for arg, spec in field.args.items()
                     if isinstance(spec.type, GraphQLNonNull))
    return f"{operation} {{ {name}{f'({args})' if args else ''} {selection(field.type)} }}"


def empty(value: Any) -> bool:
    """Nothing released: nulls, empty lists, zero counts, refusals, and ids echoed back from the input."""
    if value is None or value is False or value == 0:
        return True
    if isinstance(value, list):
        return all(empty(item) for item in value)
    if isinstance(value, dict):
        if value.get("__typename") is not None and len(value) == 1:
            return True
        return all(empty(item) or key in {"code", "message", "field", "suggestion", "hasNextPage",
                                           "hasPreviousPage"} for key, item in value.items())
    return False


def targets(hub, http, demo) -> tuple[dict[str, str], dict[str, str]]:
    amelia = demo.child("Amelia", "Hart")
    police = demo.agency("Northbridge Police")
    with UnitOfWork(hub.session_factory) as uow:
        record = uow.session.scalar(select(t.RecordVersion.record_key).where(t.RecordVersion.child_id == amelia))
        # Amelia's Operation Encompass notice to her school's DSL (seeded with the demo).
        notification = uow.session.scalar(select(t.Notification.id).where(
            t.Notification.child_id == amelia, t.Notification.kind == "DOMESTIC_ABUSE_INCIDENT"))
        northbridge, southvale = (uow.session.scalar(select(t.Partnership.id).where(t.Partnership.code == code))
                                  for code in ("NB", "SV"))
    request = real_request(hub, http, amelia, police)
    real = {"id": amelia, "childId": amelia, "recordId": record, "nhs": demo.nhs_number(amelia),
            "granteeAgencyId": demo.agency("Southvale Council Children's Services"), "requestId": request,
            "informationRequest.id": request, "notificationId": notification, "targetAgencyIds": police,
            "referrerAgencyId": police,
            # Paula manages Northbridge: the walk asks as her for Southvale's report, and as the others for
            # Northbridge's; each must be refused.
            "partnershipId": southvale, "northbridge": northbridge}
    absent = {**real, "id": ABSENT, "childId": ABSENT, "recordId": ABSENT, "nhs": UNKNOWN_NHS, "requestId": ABSENT,
              "informationRequest.id": ABSENT, "notificationId": ABSENT, "partnershipId": ABSENT}
    return real, absent


def real_request(hub, http, child: str, police: str) -> str:
    """An information request Mia made to the police: what the walk's callers must not see or answer."""
    mia = as_practitioner(hub, http, "mia.mash@council.northbridge.example", "MASH_TRIAGE")
    body = mia.gql("""mutation($input: CreateInformationRequestInput!) { createInformationRequest(input: $input) {
        informationRequest { id } errors { message } } }""", {"input": {
        "childId": child, "targetAgencyIds": [police], "categories": ["DOMESTIC_ABUSE_INCIDENT"], "rating": "GREEN",
        "justification": "Strategy discussion about the incident.", "consent": {"status": "GIVEN"}}})
    return body["data"]["createInformationRequest"]["informationRequest"]["id"]


def walk(hub):
    schema = hub.schema._schema
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for name, field in root.fields.items():
            if name not in NOT_CHILD_DATA:
                yield operation, name, field


def test_every_field_denies_an_actor_with_no_relationship(hub, http, demo) -> None:
    real, absent = targets(hub, http, demo)
    walked = 0
    for email, purpose in [("paula.partnership@council.northbridge.example", "PARTNERSHIP_ASSURANCE"),
                           ("sue.social@council.southvale.example", "S47_ENQUIRY"),
                           ("ian.ig@council.northbridge.example", "AUDIT_REVIEW")]:
        caller = as_practitioner(hub, http, email, purpose)
        for operation, name, field in walk(hub):
            if email.startswith("sue") and name in {"records", "notifications"}:
                # Her own area's children are hers to see, and so is her own inbox (alerts about them). Paula and
                # Ian prove both denied.
                continue
            if email.startswith("ian") and name in IG_AUDIT_FIELDS:
                continue  # his own agency's audit trail is his to review; Paula and Sue prove it denied
            chosen = real
            if name == "partnershipReport" and not email.startswith("paula"):
                chosen = {**real, "partnershipId": real["northbridge"]}  # Paula's own: still not theirs
            seen = caller.post(document(operation, name, field, chosen)).json()
            unseen = caller.post(document(operation, name, field, absent)).json()
            assert empty(seen.get("data", {}).get(name)), (email, name, seen)
            codes = lambda body: [e["extensions"]["code"] for e in body.get("errors", [])]  # noqa: E731
            assert codes(seen) == codes(unseen), (email, name, seen, unseen)
            assert _without_echo(seen, chosen) == _without_echo(unseen, absent), (email, name, seen, unseen)
            walked += 1
    assert walked >= 3 * 17


def _without_echo(body: Any, target: dict[str, str]) -> Any:
    """The response with the caller's own input ids blanked, so only what the hub revealed is compared."""
    text = repr(body)
    for value in target.values():
        text = text.replace(value, "<input>")
    return text


def test_the_walk_would_catch_a_field_that_leaks(hub, http, demo) -> None:
    """The walk's own check: a caller who may see the child gets something non-empty from it."""
    real, _ = targets(hub, http, demo)
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    fields = dict((name, field) for _, name, field in walk(hub))
    body = sam.post(document("query", "child", fields["child"], real)).json()
    assert not empty(body["data"]["child"])

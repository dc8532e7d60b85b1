"""Refuse documents whose estimated cost is too high, before anything runs.

Each field costs 1; a field taking ``first`` multiplies what is selected under it by that page size (the
largest page when it comes from a variable, which validation cannot see). Fragments count where spread.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

LARGEST_PAGE = 100


def cost_rule(max_cost: int) -> type[ValidationRule]:
    class CostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = {
                d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)
            }
            for definition in context.document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    cost = selection_cost(definition.selection_set, fragments, set())
                    if cost > max_cost:
                        context.report_error(
                            GraphQLError(
                                f"This query is too costly ({cost} > {max_cost}): ask for smaller pages "
                                "or fewer fields.",
                                definition,
                                extensions={"code": "QUERY_TOO_COSTLY"},
                            )
                        )

    return CostRule


def selection_cost(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += 1 + page_size(selection) * selection_cost(selection.selection_set, fragments, seen)
        elif isinstance(selection, InlineFragmentNode):
            total += selection_cost(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:  # cycles are reported by graphql-core's own rules
                total += selection_cost(fragments[name].selection_set, fragments, seen | {name})
    return total


def page_size(field: FieldNode) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first":
            value = argument.value
            return min(int(value.value), LARGEST_PAGE) if isinstance(value, IntValueNode) else LARGEST_PAGE
    return 1

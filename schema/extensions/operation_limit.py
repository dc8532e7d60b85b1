"""Refuse documents carrying more operations than allowed (batching many operations in one document)."""

from __future__ import annotations

from graphql import GraphQLError, OperationDefinitionNode, ValidationContext, ValidationRule


def operation_count_rule(max_operations: int) -> type[ValidationRule]:
    class OperationCountRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            count = sum(isinstance(d, OperationDefinitionNode) for d in context.document.definitions)
            if count > max_operations:
                context.report_error(
                    GraphQLError(
                        f"A document may hold at most {max_operations} operation(s); this one holds {count}.",
                        extensions={"code": "TOO_MANY_OPERATIONS"},
                    )
                )

    return OperationCountRule

"""Name the operation in the door, so every audit entry says which operation made the access."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from hub.context import RequestContext


class RecordOperationName(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            operation = self.execution_context.operation_name
            kind = self.execution_context.operation_type.value
            context.door.operation = f"{kind} {operation}" if operation else kind
        yield

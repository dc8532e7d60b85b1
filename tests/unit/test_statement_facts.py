"""The door remembers facts about each statement object (its shape, its tables), least recently used first
out: statements built per request must not cost the hot ones, built once, their facts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.access.accounting import _PerStatement
from hub.storage import tables as t


def test_a_flood_of_one_off_statements_keeps_the_hot_statements_facts() -> None:
    worked: list[Any] = []

    def work(statement: Any) -> str:
        worked.append(statement)
        return str(statement)

    facts = _PerStatement(work, kept=3)
    hot = select(t.Child.id)
    one_offs = [select(t.Child.id).where(t.Child.id == str(n)) for n in range(10)]
    assert facts(hot) == str(hot)
    for statement in one_offs:
        facts(statement)
        assert facts(hot) == str(hot)  # the hot statement is used between every two one-off statements
    assert [s for s in worked if s is hot] == [hot]  # worked out once, never forgotten
    assert len(worked) == 1 + len(one_offs)
    facts(one_offs[0])  # the oldest one-off statements were let go, and are worked out again
    assert worked[-1] is one_offs[0]


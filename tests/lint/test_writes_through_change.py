"""A service writes rows only inside the function it hands to ``Door.change`` (decide, write, record in one
call), so no write can skip the check. Read from the source (an AST walk), like the import contracts: a
service that adds rows by hand fails here, naming the function; the tree as it is passes."""

from __future__ import annotations

import ast

import pytest

from hub.settings import PROJECT_ROOT

SERVICES = PROJECT_ROOT / "hub" / "services"
WRITES = {"add", "add_all"}
WRITERS = {"door", "rows"}  # the request's door, and the partnership rows reached through it

# Writes that are not one decision about one child's data, each with why. A stale line fails the test.
ALLOWED = {
    # One incident about several children: every child's decision is taken, and each recorded, by hand
    # (``change`` decides about one subject).
    ("serious_incidents.py", "record_incident"):
        "one incident, a decision per child",
    # Grants are written under the decision of their caller (a direct grant, or a sharing decision on a
    # request), which the caller took and passes in.
    ("grants.py", "issue_grants"):
        "written under the caller's decision",
}


def _change_write(call: ast.Call) -> ast.expr | None:
    """The write handed to ``door.change(action, facts, subject, write, ...)``, if ``call`` is one."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "change" and _name(func.value) == "door"):
        return None
    if len(call.args) > 3:
        return call.args[3]
    return next((k.value for k in call.keywords if k.arg == "write"), None)


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


class _Writes(ast.NodeVisitor):
    """Every row write, with the functions around it, and the functions (by qualified name) and lambdas
    handed to ``door.change``."""

    def __init__(self) -> None:
        self.scope: list[str] = []
        self.lambdas: list[ast.Lambda] = []
        self.changes: set[str] = set()
        self.guarded: set[int] = set()  # ids of lambdas handed to change
        self.found: list[tuple[str, tuple[str, ...], bool, int]] = []  # (function, enclosing, in lambda, line)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.lambdas.append(node)
        self.generic_visit(node)
        self.lambdas.pop()

    def visit_Call(self, node: ast.Call) -> None:
        write = _change_write(node)
        if isinstance(write, ast.Name):
            self.changes.add(".".join([*self.scope, write.id]))
        elif isinstance(write, ast.Lambda):
            self.guarded.add(id(write))
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITES and _name(func.value) in WRITERS:
            qualified = tuple(".".join(self.scope[:n]) for n in range(1, len(self.scope) + 1))
            in_change_lambda = any(id(lam) in self.guarded for lam in self.lambdas)
            self.found.append((self.scope[0] if self.scope else "<module>", qualified, in_change_lambda,
                               node.lineno))
        self.generic_visit(node)


def unguarded_writes(source: str) -> list[tuple[str, int]]:
    """(top-level function, line) of each write outside a function handed to ``door.change``."""
    walk = _Writes()
    walk.visit(ast.parse(source))
    return [(function, line) for function, enclosing, in_lambda, line in walk.found
            if not in_lambda and not walk.changes.intersection(enclosing)]


def _tree() -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(SERVICES.glob("*.py")):
        for function, line in unguarded_writes(path.read_text()):
            found.setdefault((path.name, function), []).append(line)
    return found


def test_every_service_write_goes_through_change() -> None:
    bypasses = {where: lines for where, lines in _tree().items() if where not in ALLOWED}
    assert not bypasses, f"rows written outside Door.change (file, function): lines {bypasses}"


def test_the_allow_list_names_only_writes_that_exist() -> None:
    stale = set(ALLOWED) - set(_tree())
    assert not stale, f"allowed writes that no longer write by hand: {stale}"


GUARDED = '''
def share(door, draft):
    def write():
        door.add(draft)
        return draft
    return door.change("share", facts, subject, write)


def share_inline(door, draft):
    door.change("share", facts, subject, lambda: door.add_all([draft]))


def share_nested(door, rows, draft):
    def write():
        def also():
            rows.add(draft)
        also()
    door.change("share", facts, subject, write=write)
'''

PLANTED = [
    ("by hand", '''
def share(door, draft):
    decision = door.decide("share", facts, subject, audit=False)
    door.add(draft)
    door.record(subject, "share", decision)
'''),
    ("a write function never handed to change", '''
def share(door, draft):
    def write():
        door.add_all([draft])
    write()
'''),
    ("a write after the change", '''
def share(door, rows, draft):
    def write():
        return draft
    door.change("share", facts, subject, write)
    rows.add(draft)
'''),
    ("a write named like another function's change", '''
def first(door):
    def write():
        return None
    door.change("share", facts, subject, write)


def second(door, draft):
    def write():
        door.add(draft)
    write()
'''),
]


def test_writes_inside_change_pass() -> None:
    assert unguarded_writes(GUARDED) == []


@pytest.mark.parametrize("source", [source for _, source in PLANTED], ids=[name for name, _ in PLANTED])
def test_a_planted_bypass_is_found(source: str) -> None:
    assert unguarded_writes(source)


def test_the_check_sees_the_services_writes() -> None:
    """Not vacuous: it finds the record writes (sharing and amending), guarded as they are."""
    walk = _Writes()
    walk.visit(ast.parse((SERVICES / "records.py").read_text()))
    assert len(walk.found) == 2

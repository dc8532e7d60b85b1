"""The worker's leases: two workers against the same database escalate each overdue request exactly once, and
a worker that dies holding a lease leaves its job to another once the lease expires. On PostgreSQL the
workers take jobs FOR UPDATE SKIP LOCKED; on SQLite by an atomic conditional UPDATE."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.policy import Policy
from hub.settings import PROJECT_ROOT
from hub.storage import tables as t
from hub.storage.database import make_engine, make_session_factory
from hub.worker.runner import Worker
from tests.conftest import BACKENDS
from tests.integration.test_information_requests import ask, payload
from tests.workflow import MIA, london, world


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with world(request, tmp_path_factory, london(2026, 6, 8, 9, 0)) as it:
        yield it


def overdue_requests(w, count: int) -> list[str]:
    """Red requests to the police that nobody answers, due at 13:00."""
    w.clock.set(london(2026, 6, 8, 9, 0))
    mia, police = w.caller(MIA, "MASH_TRIAGE"), w.agency("Northbridge Police")
    children = [row.id for row in w.rows(select(t.Child).where(t.Child.partnership_id.in_(
        select(t.Partnership.id).where(t.Partnership.code == "NB")), t.Child.mother_id.is_(None)).limit(count))]
    return [payload(ask(w, mia, child, [police], ["MISSING_EPISODE"]), "createInformationRequest")
            ["informationRequest"]["id"] for child in children]


def escalations(w, request_ids: list[str]) -> Counter[str]:
    events = w.rows(select(t.AuditEvent).where(t.AuditEvent.action == "escalate",
                                               t.AuditEvent.resource_id.in_(request_ids)))
    return Counter(event.resource_id for event in events)


def test_two_workers_escalate_each_overdue_request_exactly_once(w) -> None:
    request_ids = overdue_requests(w, 12)
    w.clock.set(london(2026, 6, 8, 13, 1))
    # A second worker with its own engine, as on another replica.
    engine = make_engine(w.hub.settings.database_url)
    other = Worker(make_session_factory(engine), w.hub.keys, w.hub.workflow, w.hub.settings.workflow, "replica-b",
                   clock=w.clock, batch=2)
    first = w.worker("replica-a", batch=2)
    done: dict[str, int] = {}
    start = threading.Barrier(2)

    def run(worker: Worker) -> None:
        start.wait()
        done[worker.owner] = worker.run_until_idle(rounds=200)

    threads = [threading.Thread(target=run, args=(worker,)) for worker in (first, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    first.close(), other.close()
    engine.dispose()
    assert escalations(w, request_ids) == Counter(dict.fromkeys(request_ids, 1))
    targets = [row.id for row in w.rows(select(t.RequestTarget).where(t.RequestTarget.request_id.in_(request_ids)))]
    jobs = w.rows(select(t.Job).where(t.Job.subject_id.in_(targets), t.Job.kind == "REQUEST_OVERDUE"))
    assert {job.status for job in jobs} == {"DONE"} and len(jobs) == len(request_ids)
    lead_notices = w.rows(select(t.Notification).where(t.Notification.request_id.in_(request_ids),
                                                       t.Notification.kind == "REQUEST_OVERDUE",
                                                       t.Notification.recipient_role == "MASH_LEAD"))
    assert Counter(n.request_id for n in lead_notices) == Counter(dict.fromkeys(request_ids, 1))
    assert sum(done.values()) >= 2 * len(request_ids)  # due-soon and overdue of each, between them


def test_a_worker_that_dies_holding_a_lease_leaves_the_job_to_another_after_it_expires(w) -> None:
    [request_id] = overdue_requests(w, 1)
    w.clock.set(london(2026, 6, 8, 13, 1))
    dying = w.worker("dies-mid-lease", worker_lease_seconds=60)
    claimed = [job for job in dying.claim() if job.kind == "REQUEST_OVERDUE"]
    assert claimed  # ... and then it dies without finishing
    survivor = w.worker("survivor", worker_lease_seconds=60)
    survivor.run_until_idle()
    assert escalations(w, [request_id]) == Counter()  # still leased: not taken
    w.clock.advance(timedelta(seconds=61))
    survivor.run_until_idle()
    assert escalations(w, [request_id]) == Counter({request_id: 1})
    # Were the first worker to come back and finish its stale claim, its lease is gone: it does nothing.
    for job in claimed:
        dying._fire(job)
    assert escalations(w, [request_id]) == Counter({request_id: 1})
    [event] = w.rows(select(t.AuditEvent).where(t.AuditEvent.action == "escalate",
                                                t.AuditEvent.resource_id == request_id))
    assert event.client_id == "hub-worker:survivor"
    dying.close(), survivor.close()


def test_an_answered_request_does_not_escalate(w) -> None:
    [request_id] = overdue_requests(w, 1)
    w.clock.set(london(2026, 6, 8, 10, 0))
    pat = w.caller("pat.police@police.northbridge.example", "MASH_TRIAGE")
    assert payload(pat.post("""mutation($input: DecideInformationRequestInput!) { decideInformationRequest(
        input: $input) { errors { code } } }""", {"input": {
        "requestId": request_id, "decision": "DECLINE", "reasonCodes": ["NOT_HELD"],
        "rationale": "No police record of this child."}}), "decideInformationRequest")["errors"] == []
    w.clock.set(london(2026, 6, 8, 13, 1))
    worker = w.worker()
    worker.run_until_idle()
    worker.close()
    assert escalations(w, [request_id]) == Counter()
    pending = w.rows(select(func.count()).select_from(t.Job).where(t.Job.status == "PENDING",
                                                                   t.Job.run_at <= london(2026, 6, 8, 13, 1)))
    assert pending == [0]


def polar_rule_names() -> set[str]:
    """Every rule name a permit rule in policies/ gives itself."""
    text = "".join(path.read_text() for path in sorted((PROJECT_ROOT / "policies").glob("*.polar")))
    return set(re.findall(r'permit\([^)]*"([a-z_]+)"\)', text.replace("\n", " ")))


def test_the_worker_acts_as_the_system_under_real_rules_with_the_policy_version(w) -> None:
    """Every audit event the worker writes names a rule that exists in policies/ and the policy version, and
    the worker as a system actor (never a practitioner)."""
    request_ids = overdue_requests(w, 1)
    w.clock.set(london(2026, 6, 8, 13, 1))
    worker = w.worker("system-check")
    worker.run_until_idle()
    worker.close()
    events = w.rows(select(t.AuditEvent).where(t.AuditEvent.operation == "worker"))
    assert any(event.resource_id in request_ids for event in events)
    rules = polar_rule_names()
    for event in events:
        assert event.rule in rules, event.rule
        assert event.policy_version == w.hub.policy.version
        assert event.actor_practitioner_id is None and event.client_id.startswith("hub-worker:")


def test_a_worker_the_policy_does_not_permit_acts_on_nothing_and_says_so(w, tmp_path) -> None:
    """Deny by default for the worker: under policies without the system rules, a due escalation is refused,
    recorded as refused, and no notification is written."""
    strict = tmp_path / "policies"
    strict.mkdir()
    for path in (PROJECT_ROOT / "policies").glob("*.polar"):
        if path.name != "system.polar":
            (strict / path.name).write_text(path.read_text())
    request_ids = overdue_requests(w, 1)
    w.clock.set(london(2026, 6, 8, 13, 1))
    notices_before = w.rows(select(func.count()).select_from(t.Notification))[0]
    worker = w.worker("no-rules", policy=Policy(strict))
    assert worker.run_until_idle() >= 1
    worker.close()
    decided = w.rows(select(t.AuditEvent).where(t.AuditEvent.resource_id.in_(request_ids),
                                                t.AuditEvent.operation == "worker"))
    assert decided and {(e.action, e.decision, e.rule) for e in decided} <= {
        ("remind", "DENY", "default_deny"), ("escalate", "DENY", "default_deny")}
    assert w.rows(select(func.count()).select_from(t.Notification))[0] == notices_before

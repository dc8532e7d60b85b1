"""Prometheus metrics. Counters and histograms are process-wide (one registry, as Prometheus clients are);
the hub's state (checkpoint age, queue depth, overdue requests, unacknowledged Encompass notices) is read
from the database when /metrics is scraped, so it is never stale and costs nothing between scrapes.

Labels are bounded sets (routes, rules, agencies, outcomes), never ids, names or anything a caller typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hub.storage import tables as t

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter("hub_requests", "HTTP requests answered, by operation and status class",
                   ["operation", "status"], registry=REGISTRY)
LATENCY = Histogram("hub_request_seconds", "Time to answer a request, by operation", ["operation"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
DECISIONS = Counter("hub_decisions", "Access decisions recorded on the ledger, by rule and outcome",
                    ["rule", "outcome"], registry=REGISTRY)
AUDIT_APPENDS = Counter("hub_audit_appends", "Appends to the audit chain (one per unit of work)",
                        registry=REGISTRY)
AUDIT_EVENTS = Counter("hub_audit_events", "Events appended to the audit chain", registry=REGISTRY)
ADAPTER_CALLS = Counter("hub_adapter_calls", "Calls to agency systems, by agency and outcome",
                        ["agency", "outcome"], registry=REGISTRY)
CIRCUIT_OPEN = Gauge("hub_adapter_circuit_open", "1 while the hub has stopped calling an agency system",
                     ["agency"], registry=REGISTRY)


def decided(entries: Iterable[tuple[str | None, str]]) -> None:
    """(rule, outcome) of each event appended in one unit of work."""
    count = 0
    for rule, outcome in entries:
        DECISIONS.labels(rule or "none", outcome).inc()
        count += 1
    if count:
        AUDIT_APPENDS.inc()
        AUDIT_EVENTS.inc(count)


class HubState(Collector):
    """Gauges read from the database at scrape time."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = datetime.now(UTC)
        with self._factory() as session:
            session.connection(execution_options={"hub_read_only": True})  # no write lock on SQLite
            newest = session.scalar(select(func.max(t.AuditCheckpoint.created_at)))
            queued = session.scalar(select(func.count()).select_from(t.Job).where(
                t.Job.status == "PENDING", t.Job.run_at <= now)) or 0
            overdue = session.scalar(select(func.count()).select_from(t.RequestTarget).join(
                t.InformationRequest, t.InformationRequest.id == t.RequestTarget.request_id).where(
                t.RequestTarget.status == "PENDING", t.InformationRequest.due_at < now)) or 0
            encompass = session.scalar(select(func.count()).select_from(t.Notification).where(
                t.Notification.kind == "DOMESTIC_ABUSE_INCIDENT", t.Notification.acknowledged_at.is_(None))) or 0
            session.rollback()
        age = GaugeMetricFamily("hub_audit_checkpoint_age_seconds", "Seconds since the newest signed checkpoint")
        if newest is not None:
            created = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
            age.add_metric([], (now - created).total_seconds())
        yield age
        yield GaugeMetricFamily("hub_worker_queue_depth", "Jobs due and not yet done", value=queued)
        yield GaugeMetricFamily("hub_requests_overdue", "Information request targets past their due time "
                                "without a decision", value=overdue)
        yield GaugeMetricFamily("hub_encompass_unacknowledged", "Operation Encompass notices not yet "
                                "acknowledged", value=encompass)


def exposition(state: CollectorRegistry) -> bytes:
    return generate_latest(REGISTRY) + generate_latest(state)


def state_registry(session_factory: sessionmaker[Session]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HubState(session_factory))
    return registry

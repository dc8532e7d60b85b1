"""The one place that wires the concrete pieces together: engine, policy, keys, tokens, schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

import strawberry
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.access.request import Gateway
from hub.adapters.registry import AdapterRegistry
from hub.audit import checkpoint, witness
from hub.domain.workflow import Workflow
from hub.domain.working_time import WorkingCalendar
from hub.door import Clock, utc_now
from hub.keys import KeyStore
from hub.observability import tracing
from hub.policy import Policy
from hub.reference import ReferenceData
from hub.services.fetch_on_demand import DetailFetcher
from hub.settings import Settings, WorkflowSettings
from hub.storage import sealing
from hub.storage.database import make_engine, make_session_factory
from hub.tokens import TokenIssuer
from schema.build import SchemaLimits, build_schema


@dataclass
class Hub:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    policy: Policy
    keys: KeyStore
    reference: ReferenceData
    tokens: TokenIssuer
    schema: strawberry.Schema
    adapters: AdapterRegistry | None = None
    detail_fetcher: DetailFetcher | None = None
    workflow: Workflow = field(default_factory=Workflow)
    # What "now" is for every request's door; tests replace it to walk through deadlines without waiting.
    clock: Clock = utc_now

    @property
    def gateway(self) -> Gateway:
        """What every request of this hub opens its scope with (hub.access.request.open_request)."""
        return Gateway(self.session_factory, self.policy, self.reference, self.clock, self.detail_fetcher)

    def dispose(self) -> None:
        if self.adapters is not None:
            self.adapters.close()
        self.engine.dispose()


def open_storage(settings: Settings) -> tuple[Engine, sessionmaker[Session], KeyStore]:
    """The database and the keys its sessions need: data keys to seal and open sensitive columns, and the
    signer of audit checkpoints. Everything that opens the hub's database (server, CLI) starts here."""
    engine = make_engine(settings.database_url)
    if settings.otel_exporter:
        tracing.trace_sql(engine)
    keys = KeyStore(settings.key_dir)
    keys.ensure()
    signer = checkpoint.Checkpointer(keys, settings.audit_origin,
                                     every_events=settings.checkpoint_every_events,
                                     every_seconds=settings.checkpoint_every_seconds)
    factory = make_session_factory(engine, info={sealing.SESSION_KEY: keys, checkpoint.SESSION_KEY: signer})
    if settings.checkpoint_publish_dir is not None:
        witness.attach(factory, settings.checkpoint_publish_dir)
    return engine, factory, keys


def bootstrap(settings: Settings | None = None) -> Hub:
    settings = settings or Settings.from_env()
    engine, session_factory, keys = open_storage(settings)
    adapters = AdapterRegistry(settings)
    return Hub(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        policy=Policy(settings.policy_dir),
        keys=keys,
        reference=ReferenceData(),
        tokens=TokenIssuer(keys, settings.token_issuer, settings.token_ttl_seconds,
                           max_lifetime_seconds=settings.token_max_lifetime_seconds),
        schema=build_schema(
            SchemaLimits(
                production=settings.production,
                max_query_depth=settings.max_query_depth,
                max_aliases=settings.max_aliases,
                max_tokens=settings.max_tokens,
                max_operations=settings.max_operations,
                max_cost=settings.max_cost,
            )
        ),
        adapters=adapters,
        detail_fetcher=DetailFetcher(adapters, deadline_seconds=settings.fetch_deadline_seconds),
        workflow=workflow(settings.workflow),
    )


def workflow(settings: WorkflowSettings) -> Workflow:
    calendar = WorkingCalendar(timezone=ZoneInfo(settings.timezone), day_start=settings.working_day_start,
                               day_end=settings.working_day_end, school_day_start=settings.school_day_start)
    return Workflow(calendar=calendar, due_soon=timedelta(minutes=settings.due_soon_minutes),
                    share_grant_hours=settings.share_grant_hours)

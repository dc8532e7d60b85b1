"""``hub adapters ...``: sync, list, quarantine and simulate agency systems (operators' commands)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn
from rich.table import Table

from hub.adapters.errors import AdapterConfigurationError, AgencyUnavailableError

if TYPE_CHECKING:
    from adapters.simulation import Simulator
    from hub.bootstrap import Hub
from hub.settings import Settings

adapters_app = typer.Typer(help="Agency adapters: sync, quarantine, simulators.", no_args_is_help=True)
quarantine_app = typer.Typer(
    help="Items that could not be applied, kept with the reason.", no_args_is_help=True
)
adapters_app.add_typer(quarantine_app, name="quarantine")
console = Console()


def _hub() -> Hub:
    from hub.bootstrap import bootstrap

    return bootstrap(Settings.from_env())


def _names(name: str) -> list[str]:
    from hub.adapters.registry import NAMES

    return list(NAMES) if name == "all" else [name]


def sync_all(hub: Hub, names: list[str], *, quiet: bool = False) -> bool:
    """Sync each adapter with a progress bar and a summary line; False when any could not finish."""
    from hub.ingest.sync import Ingest

    assert hub.adapters is not None
    ok = True
    for name in names:
        try:
            ingest = Ingest(hub.session_factory, hub.policy, hub.adapters.get(name), name, hub.reference,
                            hub.workflow)
            with Progress(
                SpinnerColumn(),
                TextColumn(f"[bold]{name}[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[last]}"),
                console=console,
                disable=quiet,
                transient=False,
            ) as bar:
                task = bar.add_task(name, total=None, last="")

                def advance(done: int, outcome: object, task: TaskID = task, bar: Progress = bar) -> None:
                    bar.update(task, completed=done, last=str(outcome))

                summary = ingest.sync(advance)
                finished = bar.tasks[0].completed or 1
                bar.update(task, total=finished, completed=finished)
        except AgencyUnavailableError as error:
            console.print(
                f"[red]{name}: {error}[/] Nothing of the failed page was written; run sync again later."
            )
            ok = False
            continue
        except AdapterConfigurationError as error:
            console.print(f"[red]{name}: {error}[/]")
            ok = False
            continue
        console.print(f"{name}: {summary.line()} ({summary.pages} pages, cursor {summary.cursor})")
    return ok


@adapters_app.command("sync")
def sync(name: str = typer.Argument(..., help="An adapter's name, or 'all'.")) -> None:
    """Pull what changed since the last sync and apply it in the agency's name."""
    hub = _hub()
    try:
        ok = sync_all(hub, _names(name))
    finally:
        hub.dispose()
    if not ok:
        raise typer.Exit(code=1)


@adapters_app.command("list")
def list_adapters() -> None:
    """The adapters, their agencies, capabilities, URLs and cursors."""
    from hub.adapters.registry import NAMES, REGISTERED, AdapterRegistry
    from hub.commands.operator import operator_request
    from hub.ingest.tables import AdapterCursor

    settings = Settings.from_env()
    registry = AdapterRegistry(settings)
    table = Table("name", "agency", "capabilities", "url", "cursor")
    with operator_request("adapters list", settings) as op:
        for name in NAMES:
            config = registry.config(name)
            cursor = op.door.get(AdapterCursor, name)
            table.add_row(
                name,
                config.agency_code,
                ", ".join(sorted(REGISTERED[name].adapter.capabilities)),
                config.base_url,
                cursor.cursor if cursor else "-",
            )
    console.print(table)


@quarantine_app.command("list")
def quarantine_list(adapter: str = typer.Option(None, help="Only this adapter's items.")) -> None:
    """Open items: quarantined bad data, and records held until an identity is resolved."""
    from hub.commands.operator import operator_request
    from hub.ingest import quarantine

    table = Table("id", "adapter", "source id", "status", "reason", "since")
    with operator_request("adapters quarantine list") as op:  # no payload is read: the reasons only
        for entry in op.door.query(quarantine.entries, adapter):
            table.add_row(
                entry.id,
                entry.adapter,
                entry.source_id,
                entry.status,
                entry.reason,
                entry.created_at.strftime("%Y-%m-%d %H:%M"),
            )
    console.print(table)


@quarantine_app.command("show")
def quarantine_show(item_id: str) -> None:
    """One item with its payload as the agency sent it (JSON, ready to edit and replay). The payload is child
    data: reading it is decided by the policy and recorded on the audit ledger."""
    from hub.commands.operator import operator_request, refused
    from hub.domain.access import HubResource
    from hub.door import Subject
    from hub.ingest import quarantine
    from hub.ingest.tables import QuarantineItem

    with operator_request("adapters quarantine show") as op:
        entry = op.door.get(QuarantineItem, item_id)
        if entry is None:
            typer.echo(f"No quarantine item {item_id}.", err=True)
            raise typer.Exit(code=2)
        subject = Subject("quarantine_item", entry.id)
        reason = f"{entry.adapter} {entry.source_id}: read to fix and replay"
        if not op.door.decide("read", HubResource("quarantine_item"), subject, reason).allowed:
            op.commit()
            raise refused("read quarantined payloads")
        payload = op.door.query(quarantine.payload_of, entry)
        heading = f"{entry.adapter} {entry.source_id} [{entry.status}]: {entry.reason}"
        op.commit()  # the read is on the ledger before anything is shown
    typer.echo(heading)
    typer.echo(json.dumps(payload, indent=2, sort_keys=True))


@quarantine_app.command("replay")
def quarantine_replay(
    item_id: str,
    payload: Annotated[
        Path | None, typer.Option(help="A corrected payload (JSON) to replace the quarantined one.")
    ] = None,
) -> None:
    """Apply a quarantined item again, after fixing its payload or the hub."""
    from hub.commands.operator import operator_request, refused
    from hub.domain.access import HubResource
    from hub.door import Subject, utc_now
    from hub.ingest import quarantine
    from hub.ingest.apply import Applied
    from hub.ingest.sync import Ingest
    from hub.ingest.tables import QuarantineItem

    hub = _hub()
    try:
        with operator_request("adapters quarantine replay", hub.settings) as op:
            entry = op.door.get(QuarantineItem, item_id)
            if entry is None:
                typer.echo(f"No quarantine item {item_id}.", err=True)
                raise typer.Exit(code=2)
            if payload is not None:  # the operator's correction replaces what the agency sent: decided, recorded
                subject = Subject("quarantine_item", entry.id)
                if not op.door.decide("fix", HubResource("quarantine_item"), subject,
                                      f"{entry.adapter} {entry.source_id}: payload corrected").allowed:
                    op.commit()
                    raise refused("correct quarantined payloads")
                op.door.query(quarantine.fix, entry, json.loads(payload.read_text()), utc_now())
                op.commit()
            name = entry.adapter
        assert hub.adapters is not None
        outcome, reason = Ingest(hub.session_factory, hub.policy, hub.adapters.get(name), name, hub.reference,
                                 hub.workflow).replay(
            item_id
        )
    finally:
        hub.dispose()
    if outcome == Applied.QUARANTINED:
        typer.echo(f"still quarantined: {reason}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"replayed: {outcome}")


@adapters_app.command("simulate")
def simulate(
    name: str = typer.Argument(..., help="social_care, health_fhir, police, school_mis or 'all'."),
    port: int = typer.Option(None, help="Defaults to the simulator's usual port."),
) -> None:
    """Run an agency simulator in the foreground, on 127.0.0.1."""
    from hub.adapters.registry import DEFAULT_PORTS, simulator_factories

    factories = simulator_factories()
    if name != "all" and name not in factories:
        typer.echo(f"No simulator {name!r}; there are {', '.join(factories)}.", err=True)
        raise typer.Exit(code=2)
    if name != "all":
        factories[name](port or DEFAULT_PORTS[name]).serve_forever()
        return
    start_simulators()
    threading.Event().wait()


def start_simulators(settings: Settings | None = None) -> tuple[Settings, dict[str, Simulator]]:
    """Start a simulator for every system the settings do not name, each on a free port, in background
    threads (``hub.adapters.demo_systems``); the settings that point the adapters at them."""
    from hub.adapters import demo_systems

    settings, running = demo_systems.start(settings or Settings.from_env())
    for name, simulator in running.items():
        console.print(f"{name} simulator on {simulator.url} (HUB_ADAPTER_{name.upper()}_URL)")
    return settings, running

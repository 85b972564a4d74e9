"""The ``satupintu`` command."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="SatuPintu: one door to every aggregated e-procurement portal.", no_args_is_help=True)
portals_app = typer.Typer(help="The registry of portals (LPSE).", no_args_is_help=True)
app.add_typer(portals_app, name="portals")
client_app = typer.Typer(help="The portals' OpenID Connect clients (roaming).", no_args_is_help=True)
app.add_typer(client_app, name="client")
webhook_app = typer.Typer(help="Where the hub pushes each portal's events.", no_args_is_help=True)
app.add_typer(webhook_app, name="webhook")
events_app = typer.Typer(help="The events the hub sends to the portals.", no_args_is_help=True)
app.add_typer(events_app, name="events")
mail_app = typer.Typer(help="The hub's outgoing email.", no_args_is_help=True)
app.add_typer(mail_app, name="mail")
kswp_app = typer.Typer(help="The table behind the offline tax-status check (KSWP).", no_args_is_help=True)
app.add_typer(kswp_app, name="kswp")
console = Console()
err = Console(stderr=True)
T = TypeVar("T")
# Below this many rows a progress bar is only noise.
PROGRESS_FROM = 50_000


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satupintu.hub.settings")
    import django
    from django.apps import apps

    # Once is enough: setting up again would also re-make the log handlers, bound to whatever stream
    # stands in for stderr at that moment.
    if not apps.ready:
        django.setup()


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def _invalid(exc) -> typer.Exit:
    """A Django ValidationError as one line that names each field and its fix."""
    return _fail("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()))


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


@contextlib.contextmanager
def _progress(total: int, description: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar for long work; None (no bar) for small inputs."""
    if total < PROGRESS_FROM:
        yield None
        return
    columns = (TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


@app.command()
def migrate() -> None:
    """Create or update the hub's database tables (run once after install and after upgrades)."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    console.print("database ready")


@portals_app.command("list")
def portals_list() -> None:
    """List the registered portals."""
    _django()
    from satupintu.hub.portals.models import Portal

    table = Table("code", "name", "address", "aggregation", "since")
    for p in Portal.objects.order_by("-aggregation_active", "code"):
        table.add_row(
            p.code,
            p.name,
            p.url,
            "aktif" if p.aggregation_active else "non-aktif",
            p.implemented_on.isoformat() if p.implemented_on else "",
        )
    console.print(table)


@portals_app.command("add")
def portals_add(
    code: str = typer.Argument(..., help="Short code, e.g. kotabogor"),
    name: str = typer.Option(..., help="Name, e.g. 'LPSE Kota Bogor'"),
    url: str = typer.Option(..., help="Address of the portal"),
    implemented_on: str = typer.Option("", help="Date aggregation started (YYYY-MM-DD)"),
    aggregated: bool = typer.Option(False, "--aggregated/--not-aggregated", help="Aggregation active"),
) -> None:
    """Register a portal."""
    _django()
    from satupintu.hub.portals.services import ValidationError, add_portal

    date = None
    if implemented_on:
        try:
            date = dt.date.fromisoformat(implemented_on)
        except ValueError:
            raise _fail(f"--implemented-on '{implemented_on}' is not a date: use YYYY-MM-DD") from None
    try:
        portal = add_portal(code, name, url, implemented_on=date, aggregation_active=aggregated)
    except ValidationError as exc:
        raise _invalid(exc) from None
    console.print(f"added {portal.code} ({portal.name})")


@client_app.command("create")
def client_create(
    portal: str = typer.Option(..., help="Code of the portal, e.g. lkpp"),
    redirect_uri: str = typer.Option(..., help="The portal's callback address after sign-in"),
) -> None:
    """Register a portal as an OpenID Connect client; prints {"client_id": ..., "client_secret": ...}."""
    _django()
    import json

    from django.core.exceptions import ValidationError

    from satupintu.hub.portals.models import Portal
    from satupintu.hub.sso.services import create_client

    try:
        client_id, secret = create_client(portal, redirect_uri)
    except Portal.DoesNotExist:
        raise _fail(f"no portal with code '{portal}': see 'satupintu portals list'") from None
    except ValidationError as exc:
        raise _invalid(exc) from None
    # Plain print: the JSON goes to scripts, and Rich would wrap or colour it.
    print(json.dumps({"client_id": client_id, "client_secret": secret}))


@webhook_app.command("set")
def webhook_set(
    portal: str = typer.Option(..., help="Code of the portal, e.g. lkpp"),
    url: str = typer.Option(..., help="The portal's address that receives the events"),
) -> None:
    """Set a portal's webhook with a new secret; prints {"portal": ..., "url": ..., "secret": ...}."""
    _django()
    import json

    from django.core.exceptions import ValidationError

    from satupintu.hub.events.services import set_subscription
    from satupintu.hub.portals.models import Portal

    try:
        subscription, secret = set_subscription(portal, url)
    except Portal.DoesNotExist:
        raise _fail(f"no portal with code '{portal}': see 'satupintu portals list'") from None
    except ValidationError as exc:
        raise _invalid(exc) from None
    print(json.dumps({"portal": portal, "url": subscription.url, "secret": secret}))


def _passes(work: Callable[[], T], show: Callable[[T], None], watch: bool, interval: float) -> None:
    """Run a worker's pass once, or every ``interval`` seconds with ``watch`` until Ctrl-C; ``show``
    prints what each pass did."""
    import time

    from django.db import DatabaseError, close_old_connections

    while True:
        if watch:
            # Between passes, as between requests: a connection the database has dropped (a restart, a
            # failover) or that is past its age is replaced, not reused.
            close_old_connections()
        try:
            outcome = work()
        except DatabaseError as exc:
            if not watch:
                raise _fail(f"database error: {exc}", code=1) from None
            # The worker outlives a database that is down for a while: it tries again next pass.
            err.print(f"database error, trying again in {interval:g} s: {exc}")
        else:
            show(outcome)
        if not watch:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            console.print("stopped")
            return


@events_app.command("deliver")
def events_deliver(
    watch: bool = typer.Option(False, "--watch", help="Keep delivering until Ctrl-C"),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between passes with --watch"),
) -> None:
    """Push the due events to the portals' webhooks: one pass, or every --interval seconds with --watch."""
    _django()
    from django.utils import timezone

    from satupintu.hub.events.delivery import Report, Result, deliver_due

    def show(report: Report) -> None:
        for a in report.attempts:
            if a.result is not Result.DELIVERED:
                at = timezone.localtime(a.next_attempt_at) if a.next_attempt_at else None
                when = f", next attempt {at:%Y-%m-%d %H:%M:%S}" if at else ""
                with_older = f", with {a.also_given_up} older" if a.also_given_up else ""
                err.print(
                    f"{a.portal}: event {a.cursor} ({a.type}): {a.error} ({a.result}{when}{with_older})"
                )
        if report.attempts or not watch:
            console.print(
                f"{report.count(Result.DELIVERED)} delivered, {report.count(Result.RETRY)} to retry, "
                f"{report.count(Result.GIVEN_UP)} given up"
            )

    _passes(deliver_due, show, watch, interval)


@mail_app.command("deliver")
def mail_deliver(
    watch: bool = typer.Option(False, "--watch", help="Keep sending until Ctrl-C"),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between passes with --watch"),
) -> None:
    """Send the due emails (a failed one is retried, at most hourly, until sent): one pass, or --watch."""
    _django()
    from satupintu.hub.mail.services import SendResult, send_due

    def show(result: SendResult) -> None:
        if result.sent or result.failed or not watch:
            why = f" (last error: {result.error})" if result.error else ""
            console.print(
                f"{result.sent} sent, {result.failed} failed{why}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )

    _passes(send_due, show, watch, interval)


@kswp_app.command("load")
def kswp_load(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV: npwp,status,name,checked_on"),
) -> None:
    """Load DJP's tax-status answers into the offline KSWP check; every rejected row is listed."""
    _django()
    from satupintu.hub.registration.kswp import load_table

    result = load_table(file)
    for line, reason in result.rejected:
        err.print(f"line {line}: {reason}")
    console.print(f"{result.loaded} loaded, {len(result.rejected)} rejected")
    if result.rejected:
        raise typer.Exit(1)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="The portal's SPSE vendor export (UTF-8 CSV)"),
    portal: str = typer.Option(..., help="Code of the portal the export comes from"),
    report: Path | None = typer.Option(None, help="Write rejected rows (line, field, reason) to this CSV"),
) -> None:
    """Import a portal's vendor accounts. Re-importing the same file changes nothing."""
    from satupintu.aggregation.io import CsvFormatError, write_rejections

    if not file.is_file():
        raise _fail(f"no such file: {file}")
    _django()
    from satupintu.hub.vendors.services import UnknownPortal, import_accounts

    try:
        with _progress(_count_lines(file), f"import {file.name}") as advance:
            summary = import_accounts(portal, file, progress=advance)
    except UnknownPortal:
        raise _fail(f"unknown portal '{portal}': see 'satupintu portals list'") from None
    except CsvFormatError as exc:
        raise _fail(f"{file}: {exc}") from None
    for r in summary.rejections[:20]:
        err.print(f"line {r.line}: {r.field}: {r.reason}")
    if summary.rejected > 20:
        err.print(
            f"... and {summary.rejected - 20} more rejected rows" + ("" if report else " (see --report)")
        )
    if report:
        with report.open("w", newline="", encoding="utf-8") as f:
            write_rejections(f, summary.rejections)
    console.print(
        f"{summary.portal}: {summary.rows} rows read: {summary.created} new, {summary.updated} changed, "
        f"{summary.unchanged} unchanged, {summary.rejected} rejected"
    )


@app.command()
def aggregate(
    input: Path | None = typer.Option(
        None, "--input", help="Accounts CSV; without it, every imported account"
    ),
    output: Path | None = typer.Option(None, help="GROUPS.csv to write (with --input)"),
    explain: bool = typer.Option(False, help="Print why each group of two or more, or in review, was formed"),
    workers: int | None = typer.Option(
        None, min=1, help="Processes for --input (default: one per core for large files)"
    ),
) -> None:
    """Find which accounts are the same company or branch, elect each group's User ID Tunggal."""
    if input is None:
        _aggregate_database(explain)
        return
    if output is None:
        raise _fail("--output is required with --input")
    from satupintu.aggregation.files import ShardFailed, aggregate_file
    from satupintu.aggregation.io import CsvFormatError

    if not input.is_file():
        raise _fail(f"no such file: {input}")
    try:
        with _progress(2 * _count_lines(input), "aggregate") as advance:
            outcome = aggregate_file(input, output, shards=workers, explain=explain, progress=advance)
    except CsvFormatError as exc:
        raise _fail(f"{input}: {exc}") from None
    except ShardFailed as exc:
        raise _fail(f"{input}: {exc}; try again with --workers 1") from None
    for r in outcome.rejections[:20]:
        err.print(f"line {r.line}: {r.field}: {r.reason}")
    for text in outcome.explanations:
        console.print(text, highlight=False, markup=False)
    _print_summary(outcome.summary, extra={"rejected rows": len(outcome.rejections)})


def _aggregate_database(explain: bool) -> None:
    _django()
    from satupintu.hub.groups.models import ActivationGroup
    from satupintu.hub.groups.services import aggregate_all
    from satupintu.hub.vendors.models import PortalAccount

    with _progress(PortalAccount.objects.count(), "aggregate") as advance:
        summary = aggregate_all(progress=advance)
    if explain:
        for group in ActivationGroup.objects.filter(size__gt=1) | ActivationGroup.objects.filter(review=True):
            console.print(group.explanation, highlight=False, markup=False)
    _print_summary(summary)


def _print_summary(summary: dict[str, int], extra: dict[str, int] | None = None) -> None:
    table = Table("", "count", title="aggregation")
    for key, value in {**summary, **(extra or {})}.items():
        table.add_row(key, str(value))
    console.print(table)


@app.command()
def synth(
    accounts: int = typer.Option(..., min=1, help="How many accounts"),
    seed: int = typer.Option(1, help="Random seed: the same seed gives the same file"),
    out: Path = typer.Option(..., help="Accounts CSV to write"),
    truth: Path | None = typer.Option(None, help="Truth CSV to write (entity of each account)"),
) -> None:
    """Write synthetic portal exports with known truth."""
    from satupintu.aggregation import synth as generator

    with _progress(accounts, "synth") as advance:
        written = generator.write(accounts, seed, out, truth, progress=advance)
    console.print(f"wrote {written} accounts to {out}" + (f" and the truth to {truth}" if truth else ""))


@app.command()
def demo(
    accounts: int = typer.Option(3000, help="Synthetic accounts to import besides the showcase ones"),
    port: int = typer.Option(8000, help="Port of the hub; the portals take the next three"),
) -> None:
    """Run the demo until Ctrl-C: the hub with imported data and three portals (two aggregated, one not)."""
    os.environ.setdefault("SATUPINTU_ISSUER", f"http://127.0.0.1:{port}")
    from satupintu import config

    os.environ.setdefault("SATUPINTU_MAIL_DIR", str(config.data_dir() / "mail"))
    _django()
    from satupintu.demo_run import Children, DemoFailed, start_hub, start_portals, start_workers
    from satupintu.hub.demo import (
        DEMO_VENDORS,
        PORTAL_ADMIN_PASSWORD,
        VENDOR_PASSWORD,
        connect_portals,
        prepare,
    )

    hub_url = config.issuer()
    logins = prepare(accounts, console)
    portals = connect_portals(port)
    children = Children(config.data_dir() / "logs")
    try:
        console.print("starting the hub, the portals and the workers (events, mail) ...")
        start_hub(children, port)
        start_portals(children, portals, hub_url)
        start_workers(children)
        _print_demo(hub_url, portals, logins, DEMO_VENDORS, VENDOR_PASSWORD, PORTAL_ADMIN_PASSWORD)
        console.print(f"mail (email confirmation links) is written to {config.mail_dir()}")
        console.print(f"the logs of every process are in {children.logs}")
        console.print("Ctrl-C stops everything.")
        children.wait_for_any()
        raise DemoFailed("a process of the demo stopped: see its log in " + str(children.logs))
    except DemoFailed as exc:
        raise _fail(str(exc), code=1) from None
    finally:
        children.stop_all()


@app.command()
def serve(
    port: int = typer.Option(8000, help="Port to serve on (127.0.0.1)"),
    workers: int = typer.Option(1, min=1, help="Worker processes (keep 1 on SQLite)"),
    threads: int = typer.Option(8, min=1, help="Threads per worker"),
) -> None:
    """Serve the hub over HTTP until Ctrl-C (behind a reverse proxy that terminates TLS in production)."""
    _django()
    from satupintu.serving import serve as serve_wsgi

    serve_wsgi("satupintu.hub.wsgi:application", port, name="satupintu-hub", workers=workers, threads=threads)


def _print_demo(hub_url, portals, logins, vendors, vendor_password, admin_password) -> None:
    addresses = Table("code", "what", "address", title="SatuPintu demo")
    addresses.add_row("hub", "SatuPintu (INAPROC)", f"{hub_url}/")
    for p in portals:
        kind = "aggregated" if p.aggregated else "not aggregated"
        addresses.add_row(p.code, f"{p.name} ({kind})", f"{p.url}/")
    console.print(addresses)
    table = Table("at", "user ID", "password", "what it shows", title="demo logins")
    for code, user_id, purpose in vendors:
        table.add_row(code, user_id, vendor_password, purpose)
    for p in portals:
        table.add_row(p.code, f"admin_{p.code}", admin_password, f"{p.name}'s administrator")
    for user, password, purpose in logins:
        table.add_row("hub", user, password, purpose)
    console.print(table)


@app.command()
def portal(
    code: str = typer.Option(..., help="The portal's code in the hub's registry, e.g. lkpp"),
    port: int = typer.Option(..., help="Port to serve on (127.0.0.1)"),
    name: str = typer.Option("", help="The portal's name, e.g. 'LPSE LKPP'"),
    hub: str = typer.Option("", help="The hub's issuer URL (default: SATUPINTU_PORTAL_HUB)"),
    aggregated: bool = typer.Option(True, "--aggregated/--not-aggregated", help="Aggregation with the hub"),
    accounts: Path | None = typer.Option(None, help="The portal's SPSE vendor export (CSV) to load"),
    client_id: str = typer.Option("", help="The portal's client at the hub ('satupintu client create')"),
    client_secret: str = typer.Option("", help="That client's secret"),
    webhook_secret: str = typer.Option("", help="The whsec_ secret of the hub's events"),
    admin_password: str = typer.Option("", help="Password of the LPSE administrator (admin_CODE)"),
) -> None:
    """Run a reference portal ("SPSE-lite") with its own database until Ctrl-C."""
    from satupintu.portal.server import PortalOptions, configure, prepare, serve

    if accounts is not None and not accounts.is_file():
        raise _fail(f"no such file: {accounts}")
    configure(
        PortalOptions(code, name, hub, aggregated, client_id, client_secret, webhook_secret, admin_password)
    )
    from django.conf import settings

    from satupintu.aggregation.io import CsvFormatError

    try:
        ready = prepare(accounts, admin_password)
    except CsvFormatError as exc:
        raise _fail(f"{accounts}: {exc}") from None
    for r in ready.rejections[:20]:
        err.print(f"line {r.line}: {r.field}: {r.reason}")
    console.print(
        f"[bold]{settings.PORTAL_NAME}[/bold] ({settings.PORTAL_CODE}, "
        f"{'aggregated' if settings.PORTAL_AGGREGATED else 'not aggregated'}): http://127.0.0.1:{port}/"
    )
    console.print(f"accounts: {ready.accounts_created} loaded, {ready.accounts_kept} already here")
    if ready.admin_password:
        console.print(f"administrator: {ready.admin_user_id} / {ready.admin_password}")
    if ready.pulled:
        console.print(ready.pulled)
    serve(port)


def main() -> None:  # pragma: no cover - entry point
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)

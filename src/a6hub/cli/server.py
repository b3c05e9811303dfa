"""Server roles: ``a6hub up`` (everything), ``a6hub api``, ``a6hub worker``."""

from __future__ import annotations

from typing import Annotated

import typer

from a6hub.config import ConfigurationError, get_settings

app = typer.Typer(add_completion=False)


def _settings_or_exit() -> None:
    try:
        get_settings().resolved_secret_key()
    except ConfigurationError as exc:
        typer.echo(f"a6hub: {exc}", err=True)
        raise typer.Exit(2) from exc


def up(
    worker_concurrency: Annotated[int, typer.Option("--concurrency", help="jobs run at once")] = 2,
) -> None:
    """Start the whole hub: API + web app, a worker, and (by default) a private Redis."""
    from a6hub.supervisor import Supervisor

    _settings_or_exit()
    raise typer.Exit(Supervisor(get_settings(), worker_concurrency=worker_concurrency).run())


def api(workers: Annotated[int, typer.Option(help="API processes")] = 1) -> None:
    """Start the API server (REST, WebSocket gateway, web app) alone."""
    import uvicorn

    from a6hub.logs import configure_logging

    _settings_or_exit()
    settings = get_settings()
    configure_logging()
    uvicorn.run(
        "a6hub.api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        ws_ping_interval=settings.ws_ping_interval_s,
        ws_ping_timeout=settings.ws_ping_interval_s,
        ws_max_size=4096,
        # uvicorn's default protocols (httptools, websockets-sansio), lighter and with a raw
        # frame writer for the gateway (see a6hub.gateway.wsproto); no permessage-deflate:
        # every frame is built once for all sockets and sent uncompressed, and a deflate
        # context per socket would cost more memory than the socket itself.
        http="a6hub.gateway.wsproto:GatewayHttpProtocol",
        ws="a6hub.gateway.wsproto:GatewayWebSocketProtocol",
        ws_per_message_deflate=False,
        log_config=None,
    )


def worker(concurrency: Annotated[int, typer.Option(help="jobs run at once")] = 2) -> None:
    """Start a Celery worker for the 'build' and 'simulation' queues alone."""
    from a6hub.adapters.worker.job_space import remove_leftovers
    from a6hub.adapters.worker.tasks import create_worker_app
    from a6hub.logs import configure_logging

    _settings_or_exit()
    configure_logging()
    settings = get_settings()
    remove_leftovers(settings.data_dir.resolve() / "work")
    names = settings.redis_keys
    create_worker_app().worker_main(
        [
            "worker",
            "-Q",
            f"{names.build_queue},{names.simulation_queue}",
            "--concurrency",
            str(concurrency),
            "-n",
            "a6hub@%h",
            "--loglevel",
            "INFO",
        ]
    )

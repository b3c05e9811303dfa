"""``a6hub build``, ``simulate``, ``jobs``, ``cancel``, ``logs``, ``artifacts``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from a6hub.cli.common import (
    EXIT_INTERRUPTED,
    human_size,
    is_tty,
    local_files,
    print_table,
    say,
    signed_in_client,
)
from a6hub.cli.tool_flags import (
    DefineOpt,
    FileOpt,
    GenerationOpt,
    IncludeDirOpt,
    ParamOpt,
    PlusargOpt,
    PnrOptionOpt,
    SynthOptionOpt,
    WaveformOpt,
    hdl_config,
)
from a6hub.cli.watch import watch_job
from a6hub.client.http import Client
from a6hub.client.models import Job
from a6hub.domain.families import FAMILIES

JobArg = Annotated[int, typer.Argument(metavar="JOB", help="the job's id")]
ProjectArg = Annotated[str, typer.Argument(metavar="PROJECT", help="project id, name or slug")]
WatchOpt = Annotated[bool, typer.Option("--watch", "-w", help="follow it live; exit with its outcome")]
LOG_POLL_S = 1.0


def _started(client: Client, job: Job, project: str, watch: bool) -> None:
    if watch:
        say(f"Started {job.job_type} job {job.id} of {project}.")
        raise typer.Exit(watch_job(client, job))
    if is_tty():
        say(f"Started {job.job_type} job {job.id} of {project}; follow it with: a6hub watch {job.id}")
    else:
        typer.echo(job.id)


def build(
    project: ProjectArg,
    flow: Annotated[
        str | None,
        typer.Option(help="ice40, ecp5 or gowin (place, route, bitstream), or synth", show_default="ice40"),
    ] = None,
    top: Annotated[str | None, typer.Option(help="the top module")] = None,
    device: Annotated[
        str | None,
        typer.Option(help="e.g. up5k (iCE40), 85k (ECP5), GW1NR-LV9QN88PC6/I5 (Gowin)", show_default="up5k"),
    ] = None,
    package: Annotated[
        str | None, typer.Option(help="e.g. sg48", show_default="the device's usual one")
    ] = None,
    pcf: Annotated[
        str | None,
        typer.Option(
            help="pin constraints file of the project (.pcf, .lpf for ECP5, .cst for Gowin)",
            show_default="its only one",
        ),
    ] = None,
    freq: Annotated[float | None, typer.Option(help="target clock in MHz", show_default="12")] = None,
    synth_option: SynthOptionOpt = None,
    pnr_option: PnrOptionOpt = None,
    file: FileOpt = None,
    define: DefineOpt = None,
    include_dir: IncludeDirOpt = None,
    param: ParamOpt = None,
    watch: WatchOpt = False,
) -> None:
    """Start an FPGA build (yosys → nextpnr → icepack). Prints the job id, or watches it with --watch."""
    with signed_in_client() as client:
        target = client.project(project)
        if pcf is None and (flow or "ice40") in FAMILIES:
            suffix = FAMILIES[flow or "ice40"].constraints_suffix
            constraints = [f.path for f in client.files(target.id) if f.path.lower().endswith(suffix)]
            if len(constraints) == 1:
                pcf = constraints[0]
                say(f"Using pin constraints {pcf} (choose another with --pcf).")
        config: dict[str, Any] = {"flow": flow, "top": top, "device": device, "package": package, "pcf": pcf}
        config |= {"synth_options": synth_option or None, "pnr_options": pnr_option or None}
        config |= hdl_config(file, define, include_dir, param)
        job = client.build(target.id, **config, frequency_mhz=freq)
        _started(client, job, target.slug, watch)


def simulate(
    project: ProjectArg,
    top: Annotated[str, typer.Option(help="the testbench module")],
    timeout: Annotated[
        int | None, typer.Option(help="seconds before the run is stopped", show_default="300")
    ] = None,
    plusarg: PlusargOpt = None,
    generation: GenerationOpt = None,
    waveform: WaveformOpt = None,
    file: FileOpt = None,
    define: DefineOpt = None,
    include_dir: IncludeDirOpt = None,
    param: ParamOpt = None,
    watch: WatchOpt = False,
) -> None:
    """Start an Icarus Verilog simulation of a testbench. Prints the job id, or watches it with --watch."""
    with signed_in_client() as client:
        target = client.project(project)
        options = {"plusargs": plusarg or None, "generation": generation, "waveform": waveform}
        job = client.simulate(
            target.id, top, timeout_s=timeout, **options, **hdl_config(file, define, include_dir, param)
        )
        _started(client, job, target.slug, watch)


def _age(job: Job) -> str:
    return f"{job.created_at:%Y-%m-%d %H:%M:%S}" if job.created_at else ""


def jobs(
    project: ProjectArg,
    limit: Annotated[int, typer.Option(min=1, max=200, help="how many, newest first")] = 20,
) -> None:
    """List a project's jobs, newest first."""
    with signed_in_client() as client:
        target = client.project(project)
        page = client.jobs(target.id, limit=limit)
    rows = [
        (
            job.id,
            job.job_type,
            job.status,
            f"{job.progress_data.progress_percent}%",
            job.current_step or "",
            _age(job),
            f"{job.duration_s:.1f} s" if job.duration_s is not None else "",
        )
        for job in page.items
    ]
    headers = ("ID", "TYPE", "STATUS", "PROGRESS", "STEP", "CREATED", "TOOK")
    print_table(headers, rows, empty=f"No jobs in {target.slug} yet: a6hub build {target.slug} --top TOP")


def cancel(job: JobArg) -> None:
    """Stop a queued or running job (the tools are killed within a second or so)."""
    with signed_in_client() as client:
        before = client.job(job)
        if before.is_terminal:
            say(f"Job {job} already {before.status}; nothing to cancel.")
            return
        after = client.cancel(job)
    say(f"Job {job} {'cancelled' if after.status == 'cancelled' else 'is being cancelled'}.")


def logs(
    job: JobArg,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="keep printing until the job ends")] = False,
) -> None:
    """Print a job's log (all of it, by offset); --follow streams it until the job ends."""
    with signed_in_client() as client:
        offset = 0
        try:
            while True:
                chunk = client.log(job, offset)
                sys.stdout.buffer.write(chunk.data)
                sys.stdout.buffer.flush()
                offset = chunk.next_offset
                if not chunk.more or (not chunk.data and not follow):
                    return
                if not chunk.data:
                    time.sleep(LOG_POLL_S)
        except KeyboardInterrupt:
            raise typer.Exit(EXIT_INTERRUPTED) from None


def artifacts(
    job: JobArg,
    download: Annotated[
        Path | None, typer.Option("--download", "-d", metavar="DIR", help="save them all into DIR")
    ] = None,
) -> None:
    """List a job's artifacts (bitstream, reports, VCD…), or download them all with --download DIR."""
    with signed_in_client() as client, local_files():
        found = client.artifacts(job)
        if download is None:
            rows = [(a.name, human_size(a.size_bytes), a.sha256[:12]) for a in found]
            print_table(("NAME", "SIZE", "SHA-256"), rows, empty=f"Job {job} has no artifacts (yet).")
            return
        for artifact in found:
            saved = client.download_artifact(job, artifact.name, download, sha256=artifact.sha256)
            typer.echo(str(saved))
        say(f"Saved {len(found)} artifact{'s' if len(found) != 1 else ''} into {download}.")

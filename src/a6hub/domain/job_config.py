"""What a build or a simulation may be asked to do, validated before anything runs.

Config values end up as tool arguments (never through a shell); the patterns below keep
them to plain identifiers so no value can smuggle in an option or a path.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from a6hub.domain.errors import InvalidInput
from a6hub.domain.families import Target, require_constraints, resolve_target
from a6hub.domain.jobs import JobType
from a6hub.domain.paths import normalize_path
from a6hub.domain.tool_options import (
    Defines,
    Generation,
    IncludeDirs,
    Parameters,
    Plusargs,
    PnrOptions,
    SynthOptions,
    Waveform,
)

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]{0,127}$")]
PackageName = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{2,16}$")]
DeviceName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/-]{1,39}$")]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files: list[str] | None = Field(default=None, max_length=500)
    defines: Defines = Field(default_factory=dict)
    include_dirs: IncludeDirs = Field(default_factory=list)
    parameters: Parameters = Field(default_factory=dict)

    @field_validator("files")
    @classmethod
    def _normalize_files(cls, files: list[str] | None) -> list[str] | None:
        return None if files is None else [_checked_path(path) for path in files]


class BuildConfig(_Config):
    flow: Literal["ice40", "ecp5", "gowin", "synth"] = "ice40"
    top: Identifier | None = None  # required when queued; checked against the sources
    device: DeviceName = ""  # "" until validated, then the device or the family's default
    package: PackageName | None = None
    pcf: str | None = None
    frequency_mhz: float = Field(default=12.0, gt=0, le=1000)
    synth_options: SynthOptions = Field(default_factory=list)
    pnr_options: PnrOptions = Field(default_factory=list)

    @field_validator("pcf")
    @classmethod
    def _normalize_pcf(cls, pcf: str | None) -> str | None:
        return None if pcf is None else _checked_path(pcf)

    @model_validator(mode="after")
    def _resolve_device(self) -> BuildConfig:
        target = self.target  # InvalidInput (not a ValueError) names the field itself
        require_constraints(target, self.pcf)
        self.device = target.device
        return self

    @property
    def target(self) -> Target:
        """Family, device and package, checked per family (:class:`InvalidInput` if unknown)."""
        family = None if self.flow == "synth" else self.flow
        return resolve_target(family, self.device or None, self.package)

    @property
    def resolved_package(self) -> str:
        return self.target.package


class SimulationConfig(_Config):
    top: Identifier
    timeout_s: int = Field(default=300, ge=1, le=3600)
    plusargs: Plusargs = Field(default_factory=list)
    generation: Generation = "2012"
    waveform: Waveform = "vcd"


def _checked_path(path: str) -> str:
    try:
        return normalize_path(path)
    except InvalidInput as exc:
        raise ValueError(exc.message) from exc


def parse_job_config(job_type: JobType, raw: dict[str, Any]) -> BuildConfig | SimulationConfig:
    """Validate a job's config; raises :class:`InvalidInput` naming the offending field."""
    model: type[BuildConfig] | type[SimulationConfig] = (
        SimulationConfig if job_type is JobType.SIMULATION else BuildConfig
    )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"] if not isinstance(part, int)) or "config"
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"config.{field}: {message}", field=f"config.{field}") from exc

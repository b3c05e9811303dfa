"""FPGA families the hub builds for: their devices, packages and default targets.

Each family has a flow of the same name (see :data:`a6hub.domain.jobs.FLOWS`). A device belongs
to exactly one family, so the family of a "synth" build follows from its device.
"""

from __future__ import annotations

from dataclasses import dataclass

from a6hub.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Family:
    """A family's devices, each with its packages (the first is the default)."""

    name: str
    label: str
    devices: dict[str, tuple[str, ...]]
    default_device: str
    constraints_suffix: str
    needs_constraints: bool = False  # its nextpnr refuses I/O without a pin

    def canonical_device(self, device: str) -> str | None:
        """The table's spelling of ``device`` (compared without case), or ``None``."""
        return next((known for known in self.devices if known.lower() == device.lower()), None)

    def canonical_package(self, device: str, package: str) -> str | None:
        return next((known for known in self.devices[device] if known.lower() == package.lower()), None)


ICE40 = Family(
    "ice40",
    "iCE40",
    {
        "lp384": ("qn32",),
        "lp1k": ("qn84",),
        "lp4k": ("cm81",),
        "lp8k": ("cm81",),
        "hx1k": ("tq144",),
        "hx4k": ("tq144",),
        "hx8k": ("ct256",),
        "up3k": ("sg48",),
        "up5k": ("sg48",),
        "u1k": ("sg48",),
        "u2k": ("sg48",),
        "u4k": ("sg48",),
    },
    default_device="up5k",
    constraints_suffix=".pcf",
)

_ECP5_SMALL = ("CABGA381", "CABGA256", "CSFBGA285", "TQFP144")
_ECP5_45 = ("CABGA381", "CABGA256", "CABGA554", "CSFBGA285", "TQFP144")
_ECP5_85 = ("CABGA381", "CABGA554", "CABGA756", "CSFBGA285")
_ECP5_5G_25 = ("CABGA381", "CSFBGA285")
_ECP5_5G_45 = ("CABGA381", "CABGA554", "CSFBGA285")

# Device names are nextpnr-ecp5's device options: "85k" is the LFE5U-85F, "um-85k" the LFE5UM-85F.
ECP5 = Family(
    "ecp5",
    "ECP5",
    {
        "12k": _ECP5_SMALL,
        "25k": _ECP5_SMALL,
        "45k": _ECP5_45,
        "85k": _ECP5_85,
        "um-25k": _ECP5_SMALL,
        "um-45k": _ECP5_45,
        "um-85k": _ECP5_85,
        "um5g-25k": _ECP5_5G_25,
        "um5g-45k": _ECP5_5G_45,
        "um5g-85k": _ECP5_85,
    },
    default_device="85k",
    constraints_suffix=".lpf",
)

# Gowin part numbers name their package; the one package listed is that one.
GOWIN = Family(
    "gowin",
    "Gowin",
    {
        "GW1NR-LV9QN88PC6/I5": ("QN88P",),  # Tang Nano 9K
        "GW1N-LV1QN48C6/I5": ("QN48",),  # Tang Nano
        "GW1NZ-LV1QN48C6/I5": ("QN48",),  # Tang Nano 1K
        "GW1NSR-LV4CQN48PC7/I6": ("QN48P",),  # Tang Nano 4K
        "GW2AR-LV18QN88C8/I7": ("QN88",),  # Tang Nano 20K
        "GW2A-LV18PG256C8/I7": ("PG256",),  # Tang Primer 20K
    },
    default_device="GW1NR-LV9QN88PC6/I5",
    constraints_suffix=".cst",
    needs_constraints=True,
)

# The chip each Gowin part is made on, as nextpnr-himbaechel's ``family`` and gowin_pack's ``-d``.
GOWIN_CHIPS = {
    "GW1NR-LV9QN88PC6/I5": "GW1N-9C",
    "GW1N-LV1QN48C6/I5": "GW1N-1",
    "GW1NZ-LV1QN48C6/I5": "GW1NZ-1",
    "GW1NSR-LV4CQN48PC7/I6": "GW1NS-4",
    "GW2AR-LV18QN88C8/I7": "GW2A-18C",
    "GW2A-LV18PG256C8/I7": "GW2A-18C",
}

FAMILIES = {family.name: family for family in (ICE40, ECP5, GOWIN)}


def family_of_device(device: str) -> Family | None:
    return next((family for family in FAMILIES.values() if family.canonical_device(device)), None)


@dataclass(frozen=True, slots=True)
class Target:
    family: Family
    device: str
    package: str


def resolve_target(family_name: str | None, device: str | None, package: str | None) -> Target:
    """Check ``device`` and ``package`` against the family (``None``: the device's family).

    Raises :class:`InvalidInput` naming ``config.device`` or ``config.package`` and the
    allowed values.
    """
    family = FAMILIES[family_name] if family_name else _family_for(device)
    known = family.canonical_device(device or family.default_device)
    if known is None:
        raise InvalidInput(_unknown_device(family, str(device)), field="config.device")
    if package is None:
        return Target(family, known, family.devices[known][0])
    if family is ICE40:  # iCE40 packages are many per device: nextpnr-ice40 checks them itself
        return Target(family, known, package)
    chosen = family.canonical_package(known, package)
    if chosen is None:
        allowed = ", ".join(family.devices[known])
        raise InvalidInput(
            f"config.package: {family.label} device {known} comes in {allowed}, not '{package}'",
            field="config.package",
        )
    return Target(family, known, chosen)


def require_constraints(target: Target, constraints: str | None) -> None:
    """:class:`InvalidInput` naming ``config.pcf`` when the family cannot build without pins."""
    if constraints is None and target.family.needs_constraints:
        suffix = target.family.constraints_suffix
        raise InvalidInput(
            f"config.pcf: a {target.family.label} build needs its pin constraints file ({suffix}): "
            "nextpnr places no I/O pin by itself for this family",
            field="config.pcf",
        )


def _family_for(device: str | None) -> Family:
    if device is None:
        return ICE40
    family = family_of_device(device)
    if family is None:
        names = "; ".join(f"{family.label}: {', '.join(family.devices)}" for family in FAMILIES.values())
        message = f"config.device: unknown device '{device}'; known devices are {names}"
        raise InvalidInput(message, field="config.device")
    return family


def _unknown_device(family: Family, device: str) -> str:
    other = family_of_device(device)
    if other is not None:
        return (
            f"config.device: {device} belongs to the {other.label} family, not {family.label}: "
            f"set config.flow to '{other.name}'"
        )
    allowed = ", ".join(family.devices)
    return f"config.device: unknown {family.label} device '{device}'; choose one of {allowed}"

"""Project file paths: relative, forward-slashed, inside the project, and short."""

from __future__ import annotations

from a6hub.domain.errors import InvalidInput

MAX_PATH_LENGTH = 255
MAX_SEGMENT_LENGTH = 100
HDL_SUFFIXES = (".v", ".sv")


def normalize_path(path: str) -> str:
    """Return the canonical form of a project file path, or raise :class:`InvalidInput`."""
    if not path or not path.strip():
        raise InvalidInput("file path is empty", field="path")
    if "\x00" in path:
        raise InvalidInput("file path contains a NUL byte", field="path")
    if "\\" in path:
        raise InvalidInput("file path contains a backslash; use '/' between folders", field="path")
    if path.startswith("/"):
        raise InvalidInput("file path must be relative to the project, not absolute", field="path")
    if len(path) > MAX_PATH_LENGTH:
        raise InvalidInput(f"file path is longer than {MAX_PATH_LENGTH} characters", field="path")
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    for segment in segments:
        _check_segment(segment)
    if not segments:
        raise InvalidInput("file path names no file", field="path")
    return "/".join(segments)


def _check_segment(segment: str) -> None:
    if segment == "..":
        raise InvalidInput("file path may not contain '..'", field="path")
    if len(segment) > MAX_SEGMENT_LENGTH:
        raise InvalidInput(
            f"a file or folder name is longer than {MAX_SEGMENT_LENGTH} characters", field="path"
        )
    if any(ord(char) < 32 for char in segment):
        raise InvalidInput("file path contains control characters", field="path")


def is_hdl_source(path: str) -> bool:
    return path.lower().endswith(HDL_SUFFIXES)

"""Ingest in a process of its own, for a server: its model, memory and CPU stay apart from the visitors' questions."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.config import Settings
from ingest.errors import OfstedError
from ingest.pipeline import Failure, Progress, Summary


def ingest_apart(paths: Sequence[Path | str], settings: Settings, progress: Progress,
                 waiting: Callable[[str], None], remove: bool = False) -> tuple[Summary, int]:
    """Run ``python -m ingest --events`` on ``paths`` at low CPU priority, passing its progress and waits on as they
    come (``remove``: take the documents ``paths`` name out instead); its summary and the process id it ran in. The
    settings not given as arguments reach it through the environment it inherits. Raises OfstedError with the
    ingest's own message when it stops without a summary."""
    model = ["--model", settings.model] if settings.model else []
    command = [sys.executable, "-m", "ingest", "--events", "--index", str(settings.index), *model,
               *(["--remove"] if remove else []), *map(str, paths)]
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryFile("w+") as problems, \
            subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=problems, text=True) as process:
        assert process.stdout is not None
        outcome: tuple[Summary, int] | None = None
        error = ""
        for line in process.stdout:
            event = json.loads(line)
            kind = event.pop("event")
            if kind == "progress":
                progress(event["stage"], event["done"], event["total"])
            elif kind == "waiting":
                waiting(event["message"])
            elif kind == "error":
                error = event["message"]
            elif kind == "summary":
                outcome = _summary(event)
        process.wait()
        problems.seek(0)
        said = _last_line(problems.read())
    if outcome is None:
        raise OfstedError(error or said or f"the ingest stopped (exit code {process.returncode})")
    return outcome


def _summary(event: dict) -> tuple[Summary, int]:
    pid = event.pop("pid")
    event["failures"] = tuple(Failure(**failure) for failure in event["failures"])
    event["duplicates"] = tuple(tuple(pair) for pair in event["duplicates"])
    for name in ("added", "updated", "removed", "reread", "skipped", "withdrawn"):
        event[name] = tuple(event[name])
    return Summary(**event), pid


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""

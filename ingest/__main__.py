"""Command line: python -m ingest [PATH ...] — put report files into the search index."""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from ingest.config import HELP, from_env
from ingest.errors import OfstedError
from ingest.pipeline import Summary, ingest
from ingest.store import held_paths


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    settings = from_env()
    command = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Read report files (PDF, TXT, MD, DOCX, HTML) into the search index. Unchanged files are not re-read; "
        "files gone from a given folder are dropped; a bad file is reported and the rest still go in.",
    )
    command.add_argument("paths", nargs="*", type=Path, help=f"files or folders to ingest (default: {settings.corpus}/)")
    command.add_argument("--index", type=Path, default=settings.index, help=f"{HELP['index']} (default: {settings.index}/)")
    command.add_argument("--model", default=settings.model, help=HELP["model"])
    command.add_argument("--rebuild", action="store_true",
                         help="re-read and re-embed every document the index holds, wherever it came from, and the "
                              "paths given (default: none besides those held) instead of updating")
    command.add_argument("--quiet", action="store_true", help="no progress bars, only the summary and problems")
    return command


class Bars:
    """tqdm progress bars, one per stage, on standard error."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet or total == 0:
            return
        bar = self.bars.get(stage) or self.bars.setdefault(stage, tqdm(total=total, desc=stage, unit="item", file=sys.stderr))
        bar.update(done - bar.n)
        if done >= total:
            bar.close()


def report(summary: Summary) -> list[str]:
    """Lines describing what happened, problems first, the summary last."""
    lines = [f"FAILED {failure.path}: {failure.reason}" for failure in summary.failures]
    lines += [f"skipped {path}: not a supported file type" for path in summary.skipped]
    lines += [f"skipped {path}: same content as {original}" for path, original in summary.duplicates]
    lines += [f"removed {path}: the file is gone" for path in summary.removed]
    change = f"{len(summary.added)} added, {len(summary.updated)} updated, {summary.unchanged} unchanged, {len(summary.removed)} removed"
    if summary.reread:
        change += f", {len(summary.reread)} read again by a newer extractor"
    state = "index updated" if summary.written else "index unchanged"
    lines.append(
        f"{summary.documents} documents, {summary.chunks} chunks in the index ({change}; "
        f"{summary.embedded} chunks embedded; {len(summary.failures)} failed) in {summary.seconds:.1f} s; {state}"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (1 when any file failed, 2 on a usage problem)."""
    args = parser().parse_args(argv)
    settings = replace(from_env(), index=args.index, model=args.model)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by a service manager or `kill`: clean up as for Ctrl-C
    try:
        rebuilt_only = args.rebuild and not args.paths and held_paths(settings.index)
        paths = args.paths or ([] if rebuilt_only else [settings.corpus])
        summary = ingest(paths, settings, rebuild=args.rebuild, progress=Bars(args.quiet),
                         waiting=lambda message: print(message, file=sys.stderr, flush=True))
    except OfstedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous index is unchanged; run the command again to finish", file=sys.stderr)
        return 130
    lines = report(summary)
    for line in lines[:-1]:
        print(line, file=sys.stderr)
    print(lines[-1])
    return 1 if summary.failures else 0


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())

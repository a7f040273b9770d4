"""Command line: python -m ingest [PATH ...] — put report files into the search index."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import asdict, replace
from pathlib import Path

from tqdm import tqdm

from ingest.config import HELP, from_env
from ingest.errors import OfstedError
from ingest.migrate import copy_index
from ingest.pipeline import Progress, Summary, ingest
from ingest.remove import remove
from ingest.store import FolderStore
from ingest.stores import open_store


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
    command.add_argument("--database", dest="database_url", metavar="URL", default=settings.database_url,
                         help=HELP["database_url"])
    command.add_argument("--model", default=settings.model, help=HELP["model"])
    command.add_argument("--rebuild", action="store_true",
                         help="re-read and re-embed every document the index holds, wherever it came from, and the "
                              "paths given (default: none besides those held) instead of updating")
    command.add_argument("--remove", action="store_true",
                         help="take the documents named (paths, file names or report links' keys) out of the index; an "
                              "ingest of their folder will not add them back, naming a file on its own will")
    command.add_argument("--copy-from", type=Path, metavar="FOLDER",
                         help="copy the index in FOLDER (its documents, passages and vectors; nothing is embedded "
                              "again) into the index given by --database or --index, replacing what that held")
    command.add_argument("--quiet", action="store_true", help="no progress bars, only the summary and problems")
    command.add_argument("--events", action="store_true",
                         help="for a program driving the ingest: progress, waits, the summary and any error as JSON "
                              "lines on standard output, at low CPU priority (how the library page adds uploads)")
    return command


def emit(event: str, **fields: object) -> None:
    """One JSON line on standard output for the program driving this ingest (``--events``). When that program has
    gone (a visitor left the page), the ingest goes on without telling anyone: nothing uploaded is lost."""
    try:
        print(json.dumps({"event": event, **fields}), flush=True)
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces standard output for the rest of the run


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


def report(summary: Summary, requested: bool = False) -> list[str]:
    """Lines describing what happened, problems first, the summary last (``requested``: the removals were asked
    for, not files gone)."""
    lines = [f"FAILED {failure.path}: {failure.reason}" for failure in summary.failures]
    lines += [f"skipped {path}: not a supported file type" for path in summary.skipped]
    lines += [f"skipped {path}: same content as {original}" for path, original in summary.duplicates]
    lines += [f"skipped {path}: taken out of the index on request (name the file on its own to add it again)"
              for path in summary.withdrawn]
    lines += [f"removed {path}" + ("" if requested else ": the file is gone") for path in summary.removed]
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
    settings = replace(from_env(), index=args.index, model=args.model, database_url=args.database_url)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by a service manager or `kill`: clean up as for Ctrl-C
    if args.events:
        os.nice(10)  # the page's visitors' questions come first
    progress: Progress = (lambda stage, done, total: emit("progress", stage=stage, done=done, total=total)) \
        if args.events else Bars(args.quiet)
    if sum(map(bool, (args.remove, args.rebuild, args.copy_from))) > 1:
        parser().error("--remove, --rebuild and --copy-from cannot be given together")
    waiting = (lambda message: emit("waiting", message=message)) if args.events \
        else (lambda message: print(message, file=sys.stderr, flush=True))
    try:
        if args.remove:
            summary = remove([str(path) for path in args.paths], settings, waiting)
            return _finished(summary, args.events, requested=True)
        if args.copy_from:
            target = open_store(settings)
            version = copy_index(FolderStore(args.copy_from), target, settings.lock_wait, progress, waiting)
            print(f"copied the index in {args.copy_from}/ into {target.where} (version {version})")
            return 0
        rebuilt_only = args.rebuild and not args.paths and open_store(settings).held_paths()
        paths = args.paths or ([] if rebuilt_only else [settings.corpus])
        summary = ingest(paths, settings, rebuild=args.rebuild, progress=progress, waiting=waiting)
    except OfstedError as error:
        if args.events:
            emit("error", message=str(error))
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous index is unchanged; run the command again to finish", file=sys.stderr)
        return 130
    return _finished(summary, args.events)


def _finished(summary: Summary, events: bool, requested: bool = False) -> int:
    """Tell what happened (and, with ``events``, send the summary); the exit code."""
    if events:
        emit("summary", pid=os.getpid(), **asdict(summary))
    lines = report(summary, requested)
    for line in lines[:-1]:
        print(line, file=sys.stderr)
    print(lines[-1], file=sys.stderr if events else sys.stdout)
    return 1 if summary.failures else 0


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())

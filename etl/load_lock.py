"""One load at a time per warehouse: an OS file lock beside it, and the files a killed load left behind."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.load_sources import LoadError
from lens import config

POLL_S = 0.1


def lock_path(db: Path) -> Path:
    """The lock file of warehouse `db`: `<db>.lock`."""
    return Path(f"{db}.lock")


def _holder(path: Path) -> str:
    """' (process N)' from the lock file, for the message a waiting load gives up with; '' if unknown."""
    try:
        pid = path.read_text().strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def _try_lock(path: Path) -> int | None:
    """An open descriptor holding the lock on the file now at `path`, or None if another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    try:
        now = os.stat(path)
    except FileNotFoundError:
        now = None
    mine = os.fstat(fd)
    if now is None or (now.st_ino, now.st_dev) != (mine.st_ino, mine.st_dev):
        # the previous holder removed the file as it let go: this lock guards nothing, take the new file's
        os.close(fd)
        return _try_lock(path)
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


@contextmanager
def warehouse_lock(db: Path, timeout: float) -> Iterator[None]:
    """Hold `<db>.lock` while a load reads and replaces `db`, so two loads cannot undo each other's authorities.

    A second load waits up to `timeout` seconds, then raises LoadError. The kernel drops the lock of a killed
    process; the file is removed on release (still locked, so a waiter sees it go and locks the next one).
    """
    path = lock_path(db)
    deadline = time.monotonic() + timeout
    while (fd := _try_lock(path)) is None:
        if time.monotonic() >= deadline:
            setting = config.SETTINGS["load_lock_timeout"].env
            raise LoadError(f"{db}: another load into this warehouse is still running{_holder(path)}; waited "
                            f"{timeout:g} s ({setting}), try again when it has finished")
        time.sleep(POLL_S)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def remove_leftovers(db: Path) -> list[str]:
    """Delete what a killed load left (`<db>.tmp-*`: its file, .wal, spill folder); only while holding the lock.

    Under the lock no other load is writing one, so each is dead weight the size of a warehouse.
    """
    prefix = f"{db.name}.tmp-"
    removed = []
    for p in sorted(db.parent.iterdir()) if db.parent.is_dir() else ():
        if not p.name.startswith(prefix):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p.name)
    return removed

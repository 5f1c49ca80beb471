"""The three command lines piped into a reader that stops early (`| head -3`): exit 1 quietly, no traceback."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def _piped(args: list[str], lines: int) -> tuple[int, list[bytes], bytes]:
    """Run `python -m ARGS | head -LINES`: the exit code, the lines read, and stderr."""
    read_fd, write_fd = os.pipe()
    fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 4096)  # a small pipe: the writer is still writing when we stop
    proc = subprocess.Popen([sys.executable, "-m", *args], stdout=write_fd, stderr=subprocess.PIPE, cwd=ROOT)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as reader:
        got = [reader.readline() for _ in range(lines)]
    _, err = proc.communicate(timeout=120)
    return proc.returncode, got, err


def test_queries_list_into_head_exits_quietly():
    code, got, err = _piped(["queries", "list"], 3)
    assert len(got) == 3 and got[0].split()[0] and b"[" in got[0]
    assert (code, err) == (1, b"")


def test_etl_load_into_a_closed_pipe_exits_quietly(tmp_path):
    code, got, err = _piped(["etl", "load", str(FIXTURES / "la_b"), "--db", str(tmp_path / "w.duckdb")], 0)
    assert (code, got, err) == (1, [], b"")
    assert (tmp_path / "w.duckdb").is_file()  # the load itself was done; only its summary went nowhere


def test_reports_board_pack_into_a_closed_pipe_exits_quietly(tmp_path):
    from etl.load import load

    load([FIXTURES / "la_a"], tmp_path / "w.duckdb")
    code, got, err = _piped(["reports", "board-pack", "--db", str(tmp_path / "w.duckdb"), "--la", "Z99000901",
                             "--month", "2017-03", "--out", str(tmp_path / "pack.pdf")], 0)
    assert (code, got, err) == (1, [], b"")
    assert (tmp_path / "pack.pdf").read_bytes()[:5] == b"%PDF-"  # written before the line saying so

"""Run a command-line entry point so a reader that stops early (`| head`) ends it quietly, as the Python docs advise."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn


def run(main: Callable[[], int | None]) -> NoReturn:
    """Exit with main()'s code; on a closed stdout pipe exit 1 with no traceback (Python docs, "Note on SIGPIPE")."""
    try:
        try:
            code = main()
        finally:
            sys.stdout.flush()  # inside the try, so a closed pipe shows up here and not at interpreter exit
    except BrokenPipeError:
        # Python flushes stdout again on exit: point it at devnull so that flush cannot fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    sys.exit(code)

"""Fewer glibc malloc arenas for the runner and its workers.

glibc gives threads that allocate at once arenas of their own (up to eight per core) and keeps the memory
an arena once held. The DirectRunner receives every worker's output on gRPC threads: in a 50,000-article
run 653 MiB of the runner's resident memory sat in 14 such arenas while it held 123 MiB in its main heap.
Two arenas keep what a process has once used close to what it holds.
"""
import ctypes
import ctypes.util
import os

ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h


def limit_malloc_arenas(arenas: int = ARENAS) -> None:
    """Set the limit for this process (mallopt) and for the processes it starts (MALLOC_ARENA_MAX, read
    by glibc when a process starts); a value the user already exported is kept. Not glibc: nothing."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(arenas))
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(_M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))
    except (OSError, AttributeError, ValueError):  # musl and others have no mallopt; a bad value is ignored
        return

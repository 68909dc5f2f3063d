"""The malloc arena limit reaches the processes a run starts, and a value the user set is kept."""
import os
import subprocess
import sys

from pipeline.malloc import ARENAS, limit_malloc_arenas


def test_the_limit_is_exported_to_the_processes_a_run_starts(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    limit_malloc_arenas()
    child = subprocess.run([sys.executable, "-c", "import os; print(os.environ['MALLOC_ARENA_MAX'])"],
                           capture_output=True, text=True, check=True)
    assert child.stdout.strip() == str(ARENAS)


def test_a_limit_the_user_exported_is_kept(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    limit_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "4"


def test_a_bad_value_does_not_stop_the_run(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "many")
    limit_malloc_arenas()

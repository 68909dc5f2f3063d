"""The malloc arena limit reaches the processes a run starts, a value the user set is kept, and the
trimmer hands freed memory back to the system."""
import os
import subprocess
import sys
import textwrap
import threading

from transforms.malloc import ARENAS, limit_malloc_arenas, trim_freed_memory

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def test_memory_freed_below_a_live_block_goes_back_to_the_system():
    # 100 MB of 2 kB blocks (malloc's, not pymalloc's) freed below one that stays: glibc keeps those pages
    # resident by itself; the trimmer returns them.
    script = textwrap.dedent("""
        import time
        from transforms.malloc import trim_freed_memory

        def resident_mib():
            with open("/proc/self/status") as status:
                return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))

        blocks = [bytes(2000) for _ in range(50_000)]
        kept_above = bytes(2000)
        del blocks
        time.sleep(0.3)
        before = resident_mib()
        assert trim_freed_memory(every_seconds=0.05)
        time.sleep(0.5)
        print(before, resident_mib())
    """)
    child = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    before, after = map(int, child.stdout.split())
    assert before - after >= 50, (before, after)


def test_one_trimmer_per_process():
    assert trim_freed_memory(every_seconds=60) and trim_freed_memory(every_seconds=60)
    assert [thread.name for thread in threading.enumerate()].count("malloc-trim") == 1

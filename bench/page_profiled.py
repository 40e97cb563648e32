"""A dashboard page under pyinstrument, for AppTest (bench/profiling.py runs it).

pyinstrument samples only the thread that started it, and AppTest runs a page on its own script
thread, so the profiler is started here, inside that thread, around the unchanged page module
dashboard/views/$BENCH_PROFILE_PAGE.py. The session goes to $BENCH_PROFILE_SESSION.
"""

import os
import runpy
from pathlib import Path

from pyinstrument import Profiler

PAGE = Path(__file__).resolve().parent.parent / "dashboard" / "views" / f"{os.environ.get('BENCH_PROFILE_PAGE', 'explore')}.py"

profiler = Profiler(interval=0.001, async_mode="disabled")
profiler.start()
try:
    runpy.run_path(str(PAGE), run_name="__main__")
finally:
    session = profiler.stop()
    target = os.environ.get("BENCH_PROFILE_SESSION")
    if target:
        session.save(target)

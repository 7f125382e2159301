"""What the benchmarks print about the machine they ran on."""

from __future__ import annotations

import os


def cpu_note() -> str:
    """'2 usable CPU cores, load average 1.2, 0.9, 0.7': timings mean little without it."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{usable} usable CPU cores, load average {load}"

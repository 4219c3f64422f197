#!/usr/bin/env python3
"""Where a run leaves cores idle: sample a command's CPU time every 20 ms and
print its utilisation per 100 ms as one digit (4 = one core busy, 8 = two),
then the command's stderr (run it with WENSHAN_TIMINGS=1 to see the stages).

    WENSHAN_TIMINGS=1 scripts/cpu-timeline.py target/release/wenshan --threads 2 \\
        scan ../shared/real/docs --format json -o /tmp/r.json

Linux only (reads /proc/PID/stat)."""
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    start = time.time()
    child = subprocess.Popen(sys.argv[1:], stderr=subprocess.PIPE, text=True)
    samples = []
    while child.poll() is None:
        try:
            samples.append((time.time() - start, cpu_seconds(child.pid)))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.02)
    err = child.stderr.read()
    buckets = {}
    for (t0, c0), (t1, c1) in zip(samples, samples[1:]):
        wall, cpu = buckets.get(int(t0 * 10), (0.0, 0.0))
        buckets[int(t0 * 10)] = (wall + t1 - t0, cpu + c1 - c0)
    line = "".join(str(min(9, round(c / w * 4))) if w > 0 else "?" for _, (w, c) in sorted(buckets.items()))
    print(f"wall {time.time() - start:.2f} s; cores busy per 100 ms (4 = one core, 8 = two):")
    print(line)
    print(err, end="")
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()

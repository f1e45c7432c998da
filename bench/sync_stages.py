"""Where a full sync's CPU goes: reads `perf script` output (stdin) of `chronos-cli sync` and
prints each stage's share of the samples. A sample counts for the first stage, in the order
below, that one of its frames names. Used by scripts/profile-sync.sh."""

import re
import sys

STAGES = [
    ("SQLite row inserts", ["store::rows::write_row"]),
    ("commits: WAL frames and checkpoints", ["Transaction::commit"]),
    ("sealing (AES-256-GCM and buffers)", ["crypto::seal_with"]),
    ("digest", ["row_meta::digest", "xxh3"]),
    ("reading each item's fields", ["ListItem", "from_raw"]),
    ("reading the page envelope", ["parse_page_body"]),
    ("index and page bookkeeping", ["store::events::", "store::index::"]),
    ("HTTP", ["hyper", "reqwest", "read_bounded"]),
    ("async runtime", ["tokio::"]),
]


def samples(lines):
    stack = []
    for line in lines:
        if not line.strip():
            if stack:
                yield stack
            stack = []
        elif line[0] in " \t":
            parts = line.strip().split(None, 1)
            stack.append(parts[1] if len(parts) > 1 else "?")
    if stack:
        yield stack


def main():
    counts = {name: 0 for name, _ in STAGES}
    counts["other"] = 0
    total = 0
    for stack in samples(sys.stdin):
        total += 1
        frames = " ".join(stack)
        for name, marks in STAGES:
            if any(m in frames for m in marks):
                counts[name] += 1
                break
        else:
            counts["other"] += 1
    cpu = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    print(f"{total} samples; {cpu:.2f} s of CPU for {events} events")
    for name, n in counts.items():
        share = n / total if total else 0.0
        per = share * cpu / events * 1e6 if events else 0.0
        print(f"  {name:<40} {100 * share:5.1f} %  {per:5.2f} µs an event")


if __name__ == "__main__":
    main()

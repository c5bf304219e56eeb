#!/usr/bin/env python3
"""How well a machine repeats its own whole-model timings: within one profiling run and across runs.

Reads the models.csv of several `halo model profile` corpora of the same models on the same device (for instance the
torchvision exports profiled in different sessions) and prints, as markdown tables:
  - each corpus's round 2 against its round 1 (needs --rounds 2);
  - each later corpus's latencies against each earlier one's, as measured and after dividing out their median ratio
    (a single speed change would vanish there; drift by kind of model does not);
  - the median ratio per family, for each pair.
No prediction is involved: this is the ceiling any predictor fitted on one corpus and scored on another meets.
Usage: /usr/bin/python3 bench/timing-drift.py CORPUS_DIR CORPUS_DIR [...]   (oldest first)
"""
import csv
import statistics
import sys
from pathlib import Path


def load(directory):
    """model name (id without its content hash) -> (family, latency ms, [round ms, ...])"""
    models = {}
    path = Path(directory) / "models.csv"
    with open(path, newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                rounds = [float(x) for x in row["round_ms"].split(";")] if row.get("round_ms") else []
                models[row["id"].split("@")[0]] = (row["family"], float(row["latency_ms"]), rounds)
            except (KeyError, ValueError) as e:
                sys.exit(f"{path}:{line}: unreadable row ({e})")
    return models


def agreement(pairs):
    """(share within ±10 %, median |a/b - 1|, median a/b - 1) in percent, for pairs (a, b)"""
    ratios = [a / b - 1 for a, b in pairs]
    within = sum(abs(r) <= 0.10 for r in ratios) / len(ratios)
    return 100 * within, 100 * statistics.median(abs(r) for r in ratios), 100 * statistics.median(ratios)


def main(dirs):
    if len(dirs) < 1:
        sys.exit("usage: timing-drift.py CORPUS_DIR [CORPUS_DIR ...]")
    corpora = [(d, load(d)) for d in dirs]
    print("| comparison | models | within ±10 % | median abs difference | median signed |")
    print("|---|---|---|---|---|")
    for name, models in corpora:
        pairs = [(r[1], r[0]) for _, _, r in models.values() if len(r) >= 2]
        if pairs:
            w, m, s = agreement(pairs)
            print(f"| {name}: round 2 vs round 1 | {len(pairs)} | {w:.1f} % | {m:.1f} % | {s:+.1f} % |")
    later_pairs = [(corpora[j], corpora[i]) for j in range(len(corpora)) for i in range(j)]
    for (na, a), (nb, b) in later_pairs:
        common = [k for k in a if k in b]
        if not common:
            continue
        w, m, s = agreement([(a[k][1], b[k][1]) for k in common])
        shift = statistics.median(a[k][1] / b[k][1] for k in common)
        ws, ms, _ = agreement([(a[k][1] / shift, b[k][1]) for k in common])
        print(f"| {na} vs {nb} | {len(common)} | {w:.1f} % | {m:.1f} % | {s:+.1f} % |")
        print(f"| the same, divided by their median ratio {shift:.3f} | {len(common)} | {ws:.1f} % | {ms:.1f} % | |")
    for (na, a), (nb, b) in later_pairs:
        families = {}
        for k in a:
            if k in b:
                families.setdefault(a[k][0], []).append(a[k][1] / b[k][1] - 1)
        print(f"\nmedian ratio per family, {na} / {nb} − 1:")
        print(", ".join(f"{f} {100 * statistics.median(v):+.1f} % ({len(v)})" for f, v in sorted(families.items())))


if __name__ == "__main__":
    main(sys.argv[1:])

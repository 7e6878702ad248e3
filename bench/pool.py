#!/usr/bin/env python3
"""Pools several bench/run.sh tables (JSON) into one: all runs of each case and
implementation together, then medians, min/max and ratios as run.sh prints them.

Usage: bench/pool.py OUT_STEM results/a.json results/b.json ...
Writes OUT_STEM.json and OUT_STEM.md and prints the Markdown.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


class Args:
    pass


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    stem, files = sys.argv[1], sys.argv[2:]
    tables = [json.load(open(f)) for f in files]
    cases = []
    runs = {}
    for t in tables:
        for case, by_impl in t["runs"].items():
            if case not in runs:
                cases.append(case)
                runs[case] = {}
            for impl, samples in by_impl.items():
                runs[case].setdefault(impl, []).extend(samples)
    args = Args()
    args.time = "/".join(sorted({str(t["time_s"]) for t in tables}))
    args.rounds = sum(t["rounds"] for t in tables)
    machine = dict(tables[-1]["machine"])
    machine["date"] = " + ".join(t["machine"]["date"] for t in tables)
    machine["commit"] = " + ".join(t["machine"]["commit"] for t in tables)
    table = bench.build_table(runs, cases, machine, args)
    table["pooled_from"] = [os.path.basename(f) for f in files]
    table["failures"] = [f for t in tables for f in t.get("failures", [])]
    with open(stem + ".json", "w") as f:
        json.dump(table, f, indent=1)
    md = bench.markdown(table)
    md = md.replace("\nMethod: ", f"\nPooled from {', '.join(table['pooled_from'])}.\nMethod: ", 1)
    with open(stem + ".md", "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()

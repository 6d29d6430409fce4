#!/usr/bin/env python3
"""Writes N `chan route --batch` queries (NDJSON) between random node pairs of a graph file.

Usage: Tools/route_batch_queries.py GRAPH [N] [SEED] > queries.ndjson

Pairs are drawn (seeded) from the nodes that have a channel; amounts are 1,000 to 100,000 sat.
Core Lightning listchannels (`channels`) and LND describegraph (`nodes`/`edges`) are read,
plain or gzip'd. docs/BENCHMARKS.md times `chan route --batch` on its output.
"""
import gzip
import json
import random
import sys


def node_ids(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        graph = json.load(f)
    ids = set()
    for channel in graph.get("channels", []):
        ids.update((channel["source"], channel["destination"]))
    for edge in graph.get("edges", []):
        ids.update((edge["node1_pub"], edge["node2_pub"]))
    return sorted(ids)


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    ids = node_ids(path)
    for _ in range(count):
        payer, payee = rng.sample(ids, 2)
        amount_msat = rng.randint(1_000, 100_000) * 1000
        print(json.dumps({"from": payer, "to": payee, "amount_msat": amount_msat}, separators=(",", ":")))


if __name__ == "__main__":
    main()

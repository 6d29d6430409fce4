#!/usr/bin/env python3
"""Checks `chan route --no-probability` against an independent backward Dijkstra.

With --no-probability the cost is fees + CLTV risk only (docs/ROUTING.md), so a plain
label-setting Dijkstra from the payee over a Core Lightning listchannels file must find the
same cost, total amount and total CLTV (the path may differ only between equal costs).

    Tools/check_route_dijkstra.py [GRAPH.json.gz] [PAIRS] [CHAN_BINARY]
"""
import gzip, heapq, json, random, subprocess, sys

graph = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/graphs/mainnet-2026-02-03.listchannels.json.gz"
pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 40
chan = sys.argv[3] if len(sys.argv) > 3 else ".build/release/chan"

def msat(value):
    """A number, or Core Lightning's older "1000msat" string."""
    return int(value[:-4]) if isinstance(value, str) else int(value)


opener = gzip.open if graph.endswith(".gz") else open
channels = json.load(opener(graph))["channels"]
incoming, nodes = {}, set()
for c in channels:
    nodes.update((c["source"], c["destination"]))
    if c.get("active", True):
        incoming.setdefault(c["destination"], []).append((
            c["source"], c["base_fee_millisatoshi"], c["fee_per_millionth"], c["delay"],
            msat(c.get("htlc_minimum_msat", 0)), msat(c.get("htlc_maximum_msat", c["satoshis"] * 1000)),
            c["satoshis"] * 1000))


def dijkstra(payer, payee, amount, final=18, limit=2016, risk=15):
    best = {payee: (0.0, amount, final)}
    heap, settled = [(0.0, payee)], set()
    while heap:
        cost, v = heapq.heappop(heap)
        if v in settled or cost > best[v][0]:
            continue
        settled.add(v)
        if v == payer:
            return best[v]
        _, amt, cltv = best[v]
        for u, base, ppm, delta, low, high, capacity in incoming.get(v, []):
            if u in settled or amt < low or amt > high or amt > capacity:
                continue
            if u == payer:  # no fee and no delta on the payer's own channel
                label = (cost, amt, cltv)
            else:
                fee = base + amt * ppm // 1_000_000
                if cltv + delta > limit:
                    continue
                label = (cost + fee + amt * delta * risk / 1e9, amt + fee, cltv + delta)
            if u not in best or label[0] < best[u][0]:
                best[u] = label
                heapq.heappush(heap, (label[0], u))
    return None


random.seed(11)
ordered = sorted(nodes)
failures = 0
for _ in range(pairs):
    payer, payee = random.sample(ordered, 2)
    amount = random.choice([1_000, 100_000, 5_000_000]) * 1000
    reference = dijkstra(payer, payee, amount)
    run = subprocess.run([chan, "route", "--graph", graph, "--from", payer, "--to", payee,
                          "--amount", f"{amount}msat", "--no-probability", "--explain"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        same = reference is None and json.loads(run.stderr)["error"]["code"] == "no_route"
        found = None
    else:
        route = json.loads(run.stdout)
        found = (route["explain"]["cost"]["total_msat"], route["total_amount_msat"], route["total_cltv"])
        same = reference is not None and abs(reference[0] - found[0]) < 1e-6 and reference[1:] == found[1:]
    failures += not same
    print("ok      " if same else "MISMATCH", amount, "chan:", found, "reference:", reference)
print(f"{pairs - failures} of {pairs} agree")
sys.exit(1 if failures else 0)

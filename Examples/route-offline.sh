#!/usr/bin/env bash
# Offline routing on a graph file: a route, its explanation, a multi-part payment, a
# failure, and graph statistics. Needs `chan` on PATH and jq; graphs from ../shared.
set -euo pipefail
GRAPHS="$(cd "$(dirname "$0")/../../shared/data/graphs" && pwd)"
SPEC="$GRAPHS/lnd_spec_example.json"
ALICE=0367cec75158a4129177bfb8b269cb586efe93d751b43800d456485e81c2620ca6
CAROL=03c19f0027ffbb0ae0e14a4d958788793f9d74e107462473ec0c3891e4feb12e99

echo "== A pays C 4,999,999 msat: via B, who charges 200 + 2000 ppm and adds 20 blocks"
route=$(chan route --graph "$SPEC" --from "$ALICE" --to "$CAROL" --amount 4999999msat)
echo "$route" | jq -c '{fee_msat, total_amount_msat, total_cltv, channels: [.hops[].short_channel_id]}'
[ "$(echo "$route" | jq .fee_msat)" = 10199 ]
[ "$(echo "$route" | jq .total_cltv)" = 38 ]

echo "== the same with explain: the fallback if either channel fails goes via D"
chan route --graph "$SPEC" --from "$ALICE" --to "$CAROL" --amount 4999999msat --explain \
    | jq -c '.explain.alternatives[] | {avoiding: .avoiding.short_channel_id, fee_msat: .route.fee_msat}'

echo "== 150,000 sat do not fit one 100,000 sat channel: two parts, 0.4% likely"
# Below the default floor (--min-probability 0.01) the answer is no_route; lower it to see the plan.
if chan route --graph "$SPEC" --from "$ALICE" --to "$CAROL" --amount 150000 --mpp 2>/dev/null; then exit 1; fi
payment=$(chan route --graph "$SPEC" --from "$ALICE" --to "$CAROL" --amount 150000 --mpp --min-probability 0.001)
echo "$payment" | jq -c '{fee_msat, parts: [.parts[] | {amount_msat, via: [.hops[].short_channel_id]}]}'
[ "$(echo "$payment" | jq '[.parts[].amount_msat] | add')" = 150000000 ]

echo "== 1 BTC cannot be routed: a no_route error and exit status 1"
errors=$(mktemp)
if chan route --graph "$SPEC" --from "$ALICE" --to "$CAROL" --amount 1btc 2>"$errors"; then exit 1; fi
jq -e '.error.code == "no_route"' "$errors"
rm -f "$errors"

echo "== graph statistics"
chan graph stats --graph "$GRAPHS/lnd_basic_graph.json" | jq -e '.nodes == 7 and .channels == 8'

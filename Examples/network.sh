#!/usr/bin/env bash
# Twelve nodes and 21 channels from a topology file (Examples/topologies/twelve.json), 100
# payments between random nodes (multi-hop, routed by each payer on its own gossip), then the
# forwarding fees earned, the network exported, and the ledger's audit. Uses `chan` from PATH
# and jq; runs in a fresh home; every daemon is stopped at the end.
source "$(dirname "$0")/lib/network.sh"

say "chan network up: twelve nodes, every channel announced and every graph converged"
chan network up "$here/topologies/twelve.json" > "$CHAN_HOME/up.json"
jq -c '{nodes: (.nodes | length), channels: (.channels | length), seconds}' "$CHAN_HOME/up.json"
mapfile -t NODES < <(jq -r '.nodes[].name' "$CHAN_HOME/up.json")
for n in "${NODES[@]}"; do
  [ "$(chan -n "$n" graph | jq '.channels | length')" = 21 ] || fail "$n does not see every channel"
done

say "100 payments of 1,000 to 20,000 sat between random nodes (seeded)"
RANDOM=7
ok=0; failed=0; hops=0
for i in $(seq 1 100); do
  from=$((RANDOM % ${#NODES[@]}))
  to=$(( (from + 1 + RANDOM % (${#NODES[@]} - 1)) % ${#NODES[@]} ))  # anyone but the payer
  payer=${NODES[$from]}; payee=${NODES[$to]}
  amount=$(( (RANDOM % 20 + 1) * 1000 ))
  invoice=$(chan -n "$payee" invoice "$amount" | jq -r .invoice)
  if result=$(chan -n "$payer" pay "$invoice" 2>/dev/null); then
    ok=$((ok + 1)); hops=$((hops + $(jq '[.attempts[] | select(.status == "succeeded") | .route | length] | max' <<<"$result")))
  else
    failed=$((failed + 1))
  fi
done
echo "succeeded: $ok, failed: $failed, mean hops of the successes: $(( ok > 0 ? hops * 10 / ok : 0 ))/10"
[ "$ok" -ge 80 ] || fail "fewer than 80 of 100 payments succeeded"

say "What the forwarders earned"
for n in "${NODES[@]}"; do
  chan -n "$n" forwards | jq -c --arg n "$n" '{node: $n, settled: ([.forwards[] | select(.status == "settled")] | length), fees_msat: ([.forwards[] | select(.status == "settled") | .fee_msat] | add // 0)}'
done

say "The network as a topology file again (chan network export), and the audit"
chan network export | jq -c '{nodes: (.nodes | length), channels: (.channels | length)}'
chan ledger audit | jq -c '{ok}'
[ "$(chan ledger audit | jq .ok)" = true ] || fail "the audit failed"

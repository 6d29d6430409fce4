#!/usr/bin/env bash
# Four nodes in a line (Examples/topologies/line.json): alice pays dave across bob and carol.
# Each forwarder keeps exactly fee_base_msat + amount * fee_proportional_millionths / 1e6 of
# what it forwards, as its channel_update says; the CLTV deltas add up hop by hop. Uses `chan`
# from PATH and jq; runs in a fresh home (or CHAN_HOME if it has no ledger yet); every daemon
# is stopped when the script ends, even when it fails.
source "$(dirname "$0")/lib/network.sh"

say "chan network up: four nodes, three channels, announced; every node's gossip converged"
chan network up "$here/topologies/line.json" > "$CHAN_HOME/up.json"
jq -c '{channels: [.channels[] | {from, to, short_channel_id}], seconds}' "$CHAN_HOME/up.json"

say "What alice knows of the network (chan -n alice graph): each end's policy"
chan -n alice graph | jq -c '.channels[] | {short_channel_id, node1_policy: (.node1_policy | {fee_base_msat, fee_proportional_millionths, cltv_expiry_delta}), node2_policy: (.node2_policy | {fee_base_msat, fee_proportional_millionths, cltv_expiry_delta})}'

say "alice pays dave 50,000 sat"
invoice=$(chan -n dave invoice 50000 --description "across the line" | jq -r .invoice)
chan -n alice pay "$invoice" > "$CHAN_HOME/paid.json"
jq '{status, amount_msat, fee_msat, duration_ms, route: [.attempts[0].route[] | {node_id: .node_id[0:16], short_channel_id, amount_msat, fee_msat, cltv_expiry_delta}]}' "$CHAN_HOME/paid.json"

say "Each forwarder's fee, as its channel_update says: base + amount_forwarded * ppm / 1,000,000"
graph=$(chan -n alice graph)
total=0
for hop in 0 1; do
  forwarder=$(jq -r ".attempts[0].route[$hop].node_id" "$CHAN_HOME/paid.json")
  out_channel=$(jq -r ".attempts[0].route[$((hop + 1))].short_channel_id" "$CHAN_HOME/paid.json")
  forwarded=$(jq ".attempts[0].route[$((hop + 1))].amount_msat" "$CHAN_HOME/paid.json")
  kept=$(jq ".attempts[0].route[$hop].fee_msat" "$CHAN_HOME/paid.json")
  policy=$(jq -c --arg scid "$out_channel" --arg node "$forwarder" \
    '.channels[] | select(.short_channel_id == $scid) | if .node1 == $node then .node1_policy else .node2_policy end' <<<"$graph")
  base=$(jq .fee_base_msat <<<"$policy"); ppm=$(jq .fee_proportional_millionths <<<"$policy")
  expected=$(( base + forwarded * ppm / 1000000 ))
  echo "hop $hop forwards $forwarded msat over $out_channel at $base + ${ppm} ppm: expected $expected msat, kept $kept msat"
  [ "$kept" = "$expected" ] || fail "hop $hop kept $kept msat, its policy says $expected"
  total=$(( total + kept ))
done
[ "$(jq .fee_msat "$CHAN_HOME/paid.json")" = "$total" ] || fail "the sender's fee_msat is not the sum of the hops' fees"
echo "the sender's fee_msat ($total) is their sum"

say "What the forwarders saw (chan -n NAME forwards)"
for n in bob carol; do chan -n "$n" forwards | jq -c --arg n "$n" '.forwards[] | {node: $n, status, in_channel, out_channel, in_msat, out_msat, fee_msat}'; done
[ "$(chan -n bob forwards | jq -r '.forwards[0].status')" = settled ] || fail "bob's forward is not settled"

say "Both ends of every channel agree on its balances; the ledger's audit holds"
while read -r from to id; do
  mine=$(chan -n "$from" channel "$id" | jq -c '[.to_local_msat, .to_remote_msat]')
  theirs=$(chan -n "$to" channel "$id" | jq -c '[.to_remote_msat, .to_local_msat]')
  echo "$from-$to: $mine"
  [ "$mine" = "$theirs" ] || fail "$from and $to disagree on $id: $mine vs $theirs"
done < <(jq -r '.channels[] | "\(.from) \(.to) \(.channel_id)"' "$CHAN_HOME/up.json")
chan ledger audit | jq -c '{ok}'
[ "$(chan ledger audit | jq .ok)" = true ] || fail "the audit failed"

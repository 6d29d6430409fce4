#!/usr/bin/env bash
# Three nodes as daemons (alice, bob, carol) on one toy ledger: channels alice-bob and
# bob-carol, payments both ways on each and one across both (bob forwards it), a channel's
# JSON, one mutual close, one force close
# with an HTLC in flight resolved on the ledger, then balances and the audit. Uses `chan` from
# PATH and jq. Runs in CHAN_HOME when that names a home without a ledger yet, else in a fresh
# temporary home; every daemon is stopped when the script ends, even when it fails.
set -euo pipefail

if [ -z "${CHAN_HOME:-}" ] || [ -e "$CHAN_HOME/ledger.sqlite" ]; then
  CHAN_HOME="$(mktemp -d)/home"
fi
export CHAN_HOME
NODES=(alice bob carol)
stop_all() { for n in "${NODES[@]}"; do chan node stop "$n" >/dev/null 2>&1 || true; done; }
trap stop_all EXIT
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

say "A ledger in $CHAN_HOME and three nodes; the faucet funds alice and bob"
chan ledger init >/dev/null
for n in "${NODES[@]}"; do chan node create "$n" >/dev/null; done
chan ledger faucet "$(chan -n alice address | jq -r .address)" 10000000 >/dev/null
chan ledger faucet "$(chan -n bob address | jq -r .address)" 10000000 >/dev/null
run chan mine

say "Each node's daemon starts in the background and answers on nodes/NAME/rpc.sock"
for n in "${NODES[@]}"; do chan node start "$n" | jq -c '{name, pid, uri}'; done

say "alice opens 1,000,000 sat to bob, bob 1,000,000 sat to carol (BOLT 8 connections, BOLT 2 opens)"
echo "$ chan -n alice open bob 1000000"
chan -n alice open bob 1000000 | tee "$CHAN_HOME/open-ab.json"
ab=$(jq -r .channel_id "$CHAN_HOME/open-ab.json")
bc=$(chan -n bob open carol 1000000 | jq -r .channel_id)
echo "bob-carol: $bc"
say "Three blocks confirm both fundings; the channels become normal"
run chan mine 3
chan -n alice wait --channel "$ab" --state normal | jq -c '{channel_id, short_channel_id, state}'
chan -n carol wait --channel "$bc" --state normal | jq -c '{channel_id, short_channel_id, state}'

say "Payments both ways on each channel (BOLT 11 invoices, one-hop onions)"
pay() { # pay PAYER PAYEE AMOUNT
  invoice=$(chan -n "$2" invoice "$3" --description "from $1" | jq -r .invoice)
  chan -n "$1" pay "$invoice" | jq -c --arg from "$1" --arg to "$2" '{from: $from, to: $to, status, amount_msat, duration_ms}'
}
pay alice bob 50000
pay bob alice 10000
pay bob carol 70000
pay carol bob 20000

say "Three more blocks (six in all): both channels are announced (BOLT 7), and the nodes gossip them"
run chan mine 3
for _ in $(seq 1 100); do
  [ "$(chan -n alice graph | jq '[.channels[] | select(.node1_policy != null and .node2_policy != null)] | length')" = 2 ] && break
  sleep 0.05
done
chan -n alice graph | jq -c '.channels[] | {short_channel_id, capacity_sat, node1_fee: .node1_policy.fee_base_msat, node2_fee: .node2_policy.fee_base_msat}'

say "alice pays carol across bob (two hops, a BOLT 4 onion): bob forwards it and keeps his fee"
invoice=$(chan -n carol invoice 25000 --description "across bob" | jq -r .invoice)
chan -n alice pay "$invoice" | jq -c '{status, amount_msat, fee_msat, route: [.attempts[0].route[] | {short_channel_id, amount_msat, fee_msat}]}'
chan -n bob forwards | jq -c '.forwards[] | {status, in_channel, out_channel, in_msat, out_msat, fee_msat}'
[ "$(chan -n bob forwards | jq -r '.forwards[0].status')" = settled ] || fail "bob did not forward the payment"

say "alice-bob as alice sees it (chan channel ID; docs/channel-snapshot.schema.json)"
chan -n alice channel "$ab" | jq '{state, short_channel_id, capacity_sat, to_local_msat, to_remote_msat, spendable_msat, local_commitment_number, revoked_states_held, state_changes: [.state_changes[] | {new, cause}]}'
[ "$(chan -n bob channel "$ab" | jq .to_local_msat)" = 65001025 ] || fail "bob's side of alice-bob is wrong"

say "alice and bob close their channel mutually; one block confirms the closing transaction"
run chan -n alice close "$ab"
run chan mine
chan -n alice wait --channel "$ab" --state closed | jq -c '{state}'

say "carol makes a hold invoice; bob pays it, and the HTLC stays in flight until carol settles"
hold=$(chan -n carol invoice 30000 --hold --description "held")
hash=$(jq -r .payment_hash <<<"$hold")
chan -n bob pay "$(jq -r .invoice <<<"$hold")" --timeout 120 > "$CHAN_HOME/held-payment.json" 2>&1 &
chan -n carol wait --payment "$hash" | jq -c '{type, state, amount_msat}'
chan -n bob channel "$bc" | jq -c '{state, htlcs: [.htlcs[] | {direction, amount_msat, state}]}'

say "bob force closes bob-carol with the HTLC in flight: his commitment goes on the ledger"
run chan -n bob close "$bc" --force
run chan mine
chan -n carol wait --channel "$bc" --state force_closing | jq -c '{state}'
say "carol settles now: she claims the HTLC on the ledger with its preimage, and bob learns it there"
chan -n carol settle "$hash" | jq -c '{status}'
for _ in $(seq 1 200); do
  chan mine >/dev/null
  [ "$(chan -n bob channel "$bc" | jq -r .state)" = closed ] && [ "$(chan -n carol channel "$bc" | jq -r .state)" = closed ] && break
done
wait
jq -c '{status, preimage: (.preimage != null)}' "$CHAN_HOME/held-payment.json"
[ "$(jq -r .status "$CHAN_HOME/held-payment.json")" = succeeded ] || fail "the held payment did not succeed"
chan -n bob channel "$bc" | jq -c '{state, on_chain_resolution}'

say "Balances: every channel is closed, every satoshi back in a wallet (less the fees)"
for n in "${NODES[@]}"; do echo "$n: $(chan -n "$n" balance | jq -c .)"; done
run chan ledger audit
[ "$(chan ledger audit | jq .ok)" = true ] || fail "the audit failed"
say "Done. More: Examples/breach.sh (a cheater punished), Examples/tour.sh (simulator, offline routing)"

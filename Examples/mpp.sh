#!/usr/bin/env bash
# A payment larger than any one channel arrives in parts (BOLT 4 basic multi-part): alice has
# two paths of 600,000 sat to dave (Examples/topologies/diamond.json) and pays 900,000 sat; the
# parts travel separate routes, dave holds them until they add up, then settles them all.
# Uses `chan` from PATH and jq; runs in a fresh home; every daemon is stopped at the end.
source "$(dirname "$0")/lib/network.sh"

say "Two paths from alice to dave, 600,000 sat each"
chan network up "$here/topologies/diamond.json" | jq -c '[.channels[] | {from, to, capacity_sat}]'

say "dave's invoice of 900,000 sat: more than either path can carry"
invoice=$(chan -n dave invoice 900000 | jq -r .invoice)
chan decode "$invoice" | jq -c '{amount_msat, features}'
chan -n alice pay "$invoice" > "$CHAN_HOME/paid.json"
jq '{status, amount_msat, fee_msat, parts: [.attempts[] | {status, amount_msat, fee_msat, via: .route[0].node_id[0:16]}]}' "$CHAN_HOME/paid.json"
parts=$(jq '[.attempts[] | select(.status == "succeeded")] | length' "$CHAN_HOME/paid.json")
[ "$parts" -ge 2 ] || fail "the payment did not go in parts"
[ "$(jq '[.attempts[] | select(.status == "succeeded") | .amount_msat] | add' "$CHAN_HOME/paid.json")" = 900000000 ] || fail "the parts do not add up"

say "dave received it all, as one invoice paid"
chan -n dave invoices | jq -c '.invoices[] | {status, received_msat}'

say "1,500,000 sat: no set of paths can carry it"
if chan -n alice pay "$(chan -n dave invoice 1500000 | jq -r .invoice)" 2> "$CHAN_HOME/refused.json"; then fail "a payment no paths can carry succeeded"; fi
jq -c .error "$CHAN_HOME/refused.json"
[ "$(jq -r .error.code "$CHAN_HOME/refused.json")" = no_route ] || fail "expected no_route"
[ "$(chan ledger audit | jq .ok)" = true ] || fail "the audit failed"

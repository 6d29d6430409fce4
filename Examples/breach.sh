#!/usr/bin/env bash
# A breach and its penalty: alice pays bob, then broadcasts one of her revoked commitments
# (`chan cheat`), in which she still had the money she paid. Bob's watcher sees it on the
# ledger and its penalty takes the whole channel. Uses `chan` from PATH and jq; every daemon
# is stopped when the script ends. Run with a fresh home: CHAN_HOME=$(mktemp -d)/home bash Examples/breach.sh
set -euo pipefail

if [ -z "${CHAN_HOME:-}" ] || [ -e "$CHAN_HOME/ledger.sqlite" ]; then
  CHAN_HOME="$(mktemp -d)/home"
fi
export CHAN_HOME
trap 'chan node stop alice >/dev/null 2>&1 || true; chan node stop bob >/dev/null 2>&1 || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }

chan ledger init >/dev/null
chan node create alice >/dev/null && chan node create bob >/dev/null
chan ledger faucet "$(chan -n alice address | jq -r .address)" 5000000 >/dev/null
chan mine >/dev/null
chan node start alice >/dev/null && chan node start bob >/dev/null

say "alice opens 1,000,000 sat to bob and pays him 300,000 sat in three payments"
channel=$(chan -n alice open bob 1000000 | jq -r .channel_id)
chan mine 3 >/dev/null
chan -n alice wait --channel "$channel" --state normal >/dev/null
for _ in 1 2 3; do chan -n alice pay "$(chan -n bob invoice 100000 | jq -r .invoice)" | jq -c '{status, amount_msat}'; done
alice_wallet=$(chan -n alice balance | jq .confirmed_sat)
chan -n bob channel "$channel" | jq -c '{to_local_msat, to_remote_msat, revoked_states_held}'

say "alice cheats: her first commitment (all 1,000,000 sat hers) goes to the ledger"
chan -n alice cheat "$channel" | jq -c .
chan mine >/dev/null
chan -n bob wait --channel "$channel" --state force_closing >/dev/null
chan -n bob channel "$channel" | jq -c '{state, on_chain_resolution}'

say "bob's penalty, broadcast at once, confirms in the next block: it takes everything"
chan mine >/dev/null
chan -n bob wait --channel "$channel" --state closed | jq -c '{state}'
chan -n alice wait --channel "$channel" --state closed >/dev/null
bob_wallet=$(chan -n bob balance | jq .confirmed_sat)
alice_after=$(chan -n alice balance | jq .confirmed_sat)
echo "bob's wallet: $bob_wallet sat (the whole channel less the penalty's fee)"
echo "alice's wallet: $alice_after sat, $((alice_after - alice_wallet)) sat back from the channel: she lost her 700,000 sat"
[ "$bob_wallet" -gt 990000 ] || fail "bob's penalty did not take the channel"
[ "$alice_after" = "$alice_wallet" ] || fail "the cheater got something back"
[ "$(chan ledger audit | jq .ok)" = true ] || fail "the audit failed"
echo "audit ok"

#!/usr/bin/env bash
# A guided tour of chan's toy ledger and node wallets. Uses `chan` from PATH and jq.
# It runs in CHAN_HOME when that names a home without a ledger yet, else in a fresh
# temporary home, so it never touches an existing network.
set -euo pipefail

if [ -z "${CHAN_HOME:-}" ] || [ -e "$CHAN_HOME/ledger.sqlite" ]; then
  CHAN_HOME="$(mktemp -d)/home"
fi
export CHAN_HOME
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "A new network in $CHAN_HOME: the ledger starts with its genesis block"
run chan ledger init

say "Two nodes, each with its own seed, node key and TCP port"
run chan node create alice
run chan node create bob
run chan node list

say "Alice asks for an address; the faucet mints 1 BTC to it; a block confirms it"
alice=$(chan -n alice address | jq -r .address)
echo "alice's address: $alice"
run chan ledger faucet "$alice" 1btc
run chan mine
run chan -n alice balance

say "Alice pays Bob 20,000,000 sat; the payment waits in the mempool"
bob=$(chan -n bob address | jq -r .address)
sent=$(chan -n alice send "$bob" 20000000)
echo "$sent"
txid=$(jq -r .txid <<<"$sent")
run chan -n bob balance

say "A block confirms it; the fee goes to the miner's coinbase"
run chan mine
run chan ledger tx "$txid"

say "Balances"
echo "alice: $(chan -n alice balance | jq -c .)"
echo "bob:   $(chan -n bob balance | jq -c .)"

say "The audit: unspent outputs add up to everything ever minted"
run chan ledger audit
[ "$(chan ledger audit | jq .ok)" = true ] || { echo "audit failed" >&2; exit 1; }
[ "$(chan -n bob balance | jq .confirmed_sat)" = 20000000 ] || { echo "bob's balance is wrong" >&2; exit 1; }
say "Done. Explore further with: CHAN_HOME=$CHAN_HOME chan --help"

#!/usr/bin/env bash
# A guided tour of the toy ledger, the channel simulator and offline routing. Uses `chan` from PATH and jq.
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
say "A channel simulated in memory on its own ledger: open, 3,000 random operations (payments both ways, fee updates, disconnects), then one side broadcasts a revoked state and the other's penalty takes it all"
sim=$(chan sim pair --seed 7 --ops 3000 --disconnect-rate 0.02 --breach)
echo "$sim" | jq '{operations, htlcs_added, htlcs_settled, htlcs_failed, commitments_exchanged, disconnects, penalties, final_state, invariant_violations, audit: {ok: .audit.ok, minted_sat: .audit.minted_sat, unspent_sat: .audit.unspent_sat}}'
[ "$(jq .invariant_violations <<<"$sim")" = 0 ] && [ "$(jq .penalties <<<"$sim")" = 1 ] || { echo "the simulation failed" >&2; exit 1; }

GRAPHS="$(cd "$(dirname "$0")/../../shared/data/graphs" 2>/dev/null && pwd || true)"
if [ -n "$GRAPHS" ] && [ -f "$GRAPHS/mainnet-2026-02-03.listchannels.json.gz" ]; then
  graph="$GRAPHS/mainnet-2026-02-03.listchannels.json.gz"
  say "Routing offline on the real Lightning mainnet graph of 2026-02-03"
  run chan graph stats --graph "$graph"
  say "50,000 sat from a small node to Wallet of Satoshi: fees and CLTV add up hop by hop"
  chan route --graph "$graph" --amount 50000 \
    --from 03c7bfdc9eea4e469f1fa75adde830b7901db0068f2ed4cfbc7b72ab1d447c3f8c \
    --to 035e4ff418fc8b5554c5d9eea66396c227bd429a3251c8cbc711002ba215bfc226 \
    | jq '{fee_msat, total_cltv, probability, hops: [.hops[] | {node_id: .node_id[0:16], short_channel_id, amount_msat, fee_msat}]}'
fi

say "Done. Explore further with: CHAN_HOME=$CHAN_HOME chan --help"

#!/usr/bin/env bash
# The toy ledger end to end: init, two nodes, faucet, send, mine, balances, audit.
# Uses `chan` from PATH and jq; asserts the numbers and exits non-zero on a mismatch.
# Run with a fresh home:  CHAN_HOME=$(mktemp -d)/home bash Examples/ledger.sh
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect NAME ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1 is $2, expected $3"
  echo "ok: $1 = $2"
}

chan ledger init >/dev/null
chan node create alice >/dev/null
chan node create bob >/dev/null

alice=$(chan -n alice address | jq -r .address)
bob=$(chan -n bob address | jq -r .address)

chan ledger faucet "$alice" 1btc >/dev/null
chan mine >/dev/null
expect "alice confirmed after the faucet" "$(chan -n alice balance | jq .confirmed_sat)" 100000000

sent=$(chan -n alice send "$bob" 20000000)
fee=$(jq .fee_sat <<<"$sent")
txid=$(jq -r .txid <<<"$sent")
expect "fee (198 bytes at 1 sat/byte)" "$fee" 198
expect "bob unconfirmed before mining" "$(chan -n bob balance | jq .unconfirmed_sat)" 20000000

chan mine >/dev/null
expect "bob confirmed" "$(chan -n bob balance | jq .confirmed_sat)" 20000000
expect "alice confirmed" "$(chan -n alice balance | jq .confirmed_sat)" $((100000000 - 20000000 - fee))
expect "payment status" "$(chan ledger tx "$txid" | jq -r .status)" confirmed
expect "payment confirmations" "$(chan ledger tx "$txid" | jq .confirmations)" 1

audit=$(chan ledger audit)
expect "audit ok" "$(jq .ok <<<"$audit")" true
expect "minted" "$(jq .minted_sat <<<"$audit")" 100000000
expect "unspent" "$(jq .unspent_sat <<<"$audit")" 100000000
expect "height" "$(chan ledger info | jq .height)" 2
echo "ledger example: all checks passed"

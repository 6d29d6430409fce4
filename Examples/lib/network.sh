# Shared by the network examples (sourced, not run): a fresh home (or CHAN_HOME if it has no
# ledger yet), every daemon of it stopped when the script ends even when it fails, and the
# helpers `say` and `fail`. Sets `here` to the examples' folder.
set -euo pipefail

if [ -z "${CHAN_HOME:-}" ] || [ -e "$CHAN_HOME/ledger.sqlite" ]; then
  CHAN_HOME="$(mktemp -d)/home"
fi
export CHAN_HOME
mkdir -p "$CHAN_HOME"
trap 'chan network down >/dev/null 2>&1 || true' EXIT
say() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)

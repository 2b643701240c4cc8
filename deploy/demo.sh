#!/usr/bin/env bash
# The demo: one store through a morning. Installs what is missing, builds, starts a real
# kura-store on a temporary data directory, drives it with kuractl as the staff and the
# tills would, and prints the resulting stock table. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh >/dev/null

bin=build/node
work=$(mktemp -d /tmp/kura-demo-XXXXXX)
api="ipc://$work/api.sock"
store_pid=""
cleanup() {
  [ -n "$store_pid" ] && kill "$store_pid" 2>/dev/null && wait "$store_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/kura-store" --store-id shibuya-01 --data-dir "$work/data" --api "$api" 2>"$work/store.log" &
store_pid=$!
ctl() { "$bin/kuractl/kuractl" --api "$api" "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "07:30 deliveries arrive"
ctl status >/dev/null  # waits until the daemon answers
ctl stock receive TEE-WHITE-M 24 >/dev/null
ctl stock receive TEE-BLACK-M 18 >/dev/null
ctl stock receive JEANS-32 10 >/dev/null
ctl stock receive CAP-NAVY 6 >/dev/null
ctl stock list

step "10:05 till sales"
ctl stock sell TEE-WHITE-M 2 --price 19.90 --customer c-1042 >/dev/null
ctl stock sell JEANS-32 1 --price 79.00 >/dev/null
ctl stock sell CAP-NAVY 1 --price 24.50 >/dev/null
echo "3 sales recorded in the journal"

step "10:20 an online shopper asks to try on jeans (try-on hold, 2 h)"
tryon=$(ctl --json hold create --kind tryon --line JEANS-32:2 --customer c-2001 --expires 2h | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
echo "try-on hold $tryon"

step "10:45 a paid click-and-collect order (pickup hold) and its pick slip"
pickup=$(ctl --json hold create --kind pickup --line TEE-BLACK-M:3 --line CAP-NAVY:1 --customer c-3117 | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
ctl hold confirm "$pickup" >/dev/null
ctl slip print "$pickup"
ctl slip ack "$pickup" >/dev/null
ctl hold ready "$pickup" >/dev/null

step "11:30 the shopper collects the order; an order beyond stock is refused"
ctl hold collect "$pickup" >/dev/null
ctl hold create --kind phone --line CAP-NAVY:9 --customer c-4000 || true

step "12:00 stocktake: 21 white tees counted"
ctl stock count TEE-WHITE-M 21

step "12:05 holds"
ctl hold list

step "12:05 resulting stock"
ctl stock list
ctl admin check

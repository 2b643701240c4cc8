#!/usr/bin/env bash
# The demo: head office and three stores through a day, on loopback. Installs what is
# missing, builds, makes CURVE keys with kuractl keygen, starts a real kura-hq and three
# kura-store daemons on a temporary directory, publishes the store directory and an
# allotment policy, drives one store through a morning with kuractl as the staff and the
# tills would, cuts another store off from HQ while it keeps selling and HQ takes an online
# order for it (and one for a linked store, which that store decides itself), restores the link, has the store hand the order over against its ticket
# (once: a second presentation is refused), and checks that HQ's totals converge to the sum
# of what the stores themselves hold. Exits non-zero if any of that fails. Leaves nothing
# running.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh >/dev/null

bin=build/node
work=$(mktemp -d /tmp/kura-demo-XXXXXX)
stores=(shibuya-01 umeda-02 tenjin-03)
declare -A pid=()  # daemon name -> pid
hq_api="ipc://$work/hq.sock"

stop() {  # stop NAME: SIGTERM the daemon, SIGKILL it if still there after 5 s, reap it
  local p=${pid[$1]:-} i
  [ -n "$p" ] || return 0
  kill "$p" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  unset "pid[$1]"
}
cleanup() {
  local status=$?
  for name in "${!pid[@]}"; do stop "$name"; done
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] && { echo "--- last lines of $log" >&2; tail -n 5 "$log" >&2; }
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

ctl_at() { local store=$1; shift; "$bin/kuractl/kuractl" --api "ipc://$work/$store.sock" "$@"; }
ctl() { ctl_at shibuya-01 "$@"; }
hq() { "$bin/kuractl/kuractl" --api "$hq_api" "$@"; }
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
# json_str FIELD / json_int FIELD: the string or integer FIELD of the flat JSON object on
# stdin (as kuractl --json prints them).
json_str() { tr -d '\n' | sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p"; }
json_int() { tr -d ' \n' | sed -n "s/.*\"$1\":\(-\{0,1\}[0-9]\{1,\}\).*/\1/p"; }

# keygen NAME: makes $work/NAME.key and NAME.pub and prints the public key.
keygen() { "$bin/kuractl/kuractl" --json keygen --out "$work/$1.key" | json_str public_key; }

# A port nothing listens on, for HQ's sync endpoint (kura-hq refuses to start if another
# process takes it first; start_hq then tries another).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# start_store STORE [linked]: starts kura-store; with "linked", with its link to HQ.
start_store() {
  local store=$1 link=()
  [ "${2:-}" = linked ] && link=(--hq "$hq_sync" --hq-key "$hq_pub" --key-file "$work/$store.key")
  "$bin/kura-store" --store-id "$store" --data-dir "$work/$store" --api "ipc://$work/$store.sock" \
    "${link[@]}" 2>>"$work/$store.log" &
  pid[$store]=$!
  ctl_at "$store" status >/dev/null  # waits until the daemon answers
  [ "${2:-}" = linked ] || return 0
  # A linked store's new data directory takes writes once HQ has greeted it (and sent back
  # whatever it holds of the store: nothing, on the first morning).
  local deadline=$((SECONDS + 30))
  until ctl_at "$store" --json sync status | tr -d ' \n' | grep -q '"restoring":false'; do
    [ $SECONDS -lt $deadline ] || { echo "$store: still waiting for HQ after 30 s; see its log" >&2; return 1; }
    sleep 0.1
  done
}

start_hq() {
  local allow=() attempt
  for store in "${stores[@]}"; do allow+=(--store "$store,${pub[$store]}"); done
  for attempt in 1 2 3 4 5; do
    hq_sync="tcp://127.0.0.1:$(free_port)"
    "$bin/kura-hq" --data-dir "$work/hq" --key-file "$work/hq.key" --sync "$hq_sync" \
      --api "$hq_api" "${allow[@]}" 2>>"$work/hq.log" &
    pid[hq]=$!
    if hq --timeout 3000 hq status >/dev/null 2>&1; then return 0; fi
    stop hq
    echo "kura-hq did not start on $hq_sync (attempt $attempt); trying another port"
  done
  echo "kura-hq would not start; see its log" >&2
  return 1
}

# on_hand_and_held STORE SKU: "ON_HAND HELD" as the store itself sees them ("0 0" for a SKU
# it never had, "? ?" when it does not answer).
on_hand_and_held() {
  local doc
  if doc=$(ctl_at "$1" --json stock get "$2" 2>/dev/null); then
    echo "$(json_int on_hand <<<"$doc") $(json_int held <<<"$doc")"
  elif grep -q '"not_found"' <<<"$doc"; then
    echo "0 0"
  else
    echo "? ?"
  fi
}
# hq_total SKU: "ON_HAND HELD" of HQ's total for SKU ("- -" while HQ knows none of it).
hq_total() {
  local total
  total=$(hq --json hq stock "$1" 2>/dev/null | tr -d ' \n' | sed -n 's/.*"total":{\([^}]*\)}.*/\1/p')
  [ -n "$total" ] || { echo "- -"; return; }
  echo "$(json_int on_hand <<<"$total") $(json_int held <<<"$total")"
}
# stores_sum SKU: "ON_HAND HELD" summed over the stores' own views.
stores_sum() {
  local on=0 held=0 o h
  for store in "${stores[@]}"; do
    read -r o h < <(on_hand_and_held "$store" "$1")
    [ "$o" != "?" ] || { echo "? ?"; return; }
    on=$((on + o)) held=$((held + h))
  done
  echo "$on $held"
}

step "06:00 head office and stores get their keys (kuractl keygen)"
declare -A pub=()
hq_pub=$(keygen hq)
echo "hq          public key $hq_pub"
for store in "${stores[@]}"; do
  pub[$store]=$(keygen "$store")
  printf '%-11s public key %s\n' "$store" "${pub[$store]}"
done

step "06:30 kura-hq starts; each store starts with its link to HQ"
start_hq
echo "kura-hq listens for stores on $hq_sync"
for store in "${stores[@]}"; do start_store "$store" linked; done
echo "stores ${stores[*]} running, linked to HQ"

step "07:30 deliveries arrive at all three stores"
ctl stock receive TEE-WHITE-M 24 >/dev/null
ctl stock receive TEE-BLACK-M 18 >/dev/null
ctl stock receive JEANS-32 10 >/dev/null
ctl stock receive CAP-NAVY 6 >/dev/null
ctl_at umeda-02 stock receive TEE-WHITE-M 30 >/dev/null
ctl_at umeda-02 stock receive JEANS-32 12 >/dev/null
ctl_at umeda-02 stock receive CAP-NAVY 4 >/dev/null
ctl_at tenjin-03 stock receive TEE-WHITE-M 15 >/dev/null
ctl_at tenjin-03 stock receive TEE-BLACK-M 9 >/dev/null
ctl_at tenjin-03 stock receive JEANS-32 8 >/dev/null
echo "shibuya-01:"
ctl stock list

step "08:00 stores open; head office publishes the store directory and an allotment policy"
hq hq directory set shibuya-01 --name Shibuya --lat 35.6595 --lon 139.7005 \
  --hours "Mo-Su 10:00-21:00" --pickup >/dev/null
hq hq directory set umeda-02 --name Umeda --lat 34.7025 --lon 135.4959 \
  --hours "Mo-Su 10:00-21:00" --pickup >/dev/null
hq hq directory set tenjin-03 --name Tenjin --lat 33.5902 --lon 130.3989 \
  --hours "Mo-Su 10:00-20:00" --pickup >/dev/null
for store in "${stores[@]}"; do ctl_at "$store" store-status open >/dev/null; done
echo "the chain's allotment policy: per SKU, each store sets aside min(cap, share of its ATP)"
echo "for HQ to promise to online customers, even while the store is offline"
hq hq policy set --share-pct 20 --cap 5

step "08:05 stores set aside their allotments; waiting until HQ can promise at every store"
# Each store tops up HQ's allotment every 2 s (escrow.grant); it reaches HQ by sync, and
# so does the store's open status. CAN_PROMISE is the last column of hq availability.
can_promise_at() { hq hq availability TEE-WHITE-M | awk -v s="$1" '$1 == s { print $NF }'; }
deadline=$((SECONDS + 30))
for store in umeda-02 shibuya-01 tenjin-03; do
  until [ "$(can_promise_at "$store")" -gt 0 ] 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "HQ cannot promise TEE-WHITE-M for $store after 30 s"
    sleep 0.5
  done
done
hq hq availability TEE-WHITE-M

step "10:05 till sales at shibuya-01"
ctl stock sell TEE-WHITE-M 2 --price 19.90 --customer c-1042 >/dev/null
ctl stock sell JEANS-32 1 --price 79.00 >/dev/null
ctl stock sell CAP-NAVY 1 --price 24.50 >/dev/null
echo "3 sales recorded in the journal"

step "10:20 an online shopper asks to try on jeans (try-on hold, 2 h)"
tryon=$(ctl --json hold create --kind tryon --line JEANS-32:2 --customer c-2001 --expires 2h | json_str id)
echo "try-on hold $tryon"

step "10:45 a paid click-and-collect order (pickup hold) and its pick slip"
pickup=$(ctl --json hold create --kind pickup --line TEE-BLACK-M:3 --line CAP-NAVY:1 --customer c-3117 | json_str id)
ctl hold confirm "$pickup" >/dev/null
ctl slip print "$pickup"
ctl slip ack "$pickup" >/dev/null
ctl hold ready "$pickup" >/dev/null

step "11:30 the shopper collects the order; an order beyond stock is refused"
ctl hold collect "$pickup" >/dev/null
ctl hold create --kind phone --line CAP-NAVY:9 --customer c-4000 || true

step "12:00 stocktake: 21 white tees counted"
ctl stock count TEE-WHITE-M 21

step "12:05 holds at shibuya-01"
ctl hold list

step "12:05 resulting stock at shibuya-01"
ctl stock list
ctl admin check

step "13:00 umeda-02's link to HQ is cut (its kura-store runs alone; HQ and the others carry on)"
stop umeda-02
start_store umeda-02
ctl_at umeda-02 sync status

step "13:10 umeda-02 keeps selling during the outage"
ctl_at umeda-02 stock sell TEE-WHITE-M 3 --price 19.90 >/dev/null
ctl_at umeda-02 stock sell JEANS-32 2 --price 79.00 --customer c-5120 >/dev/null
ctl_at umeda-02 stock sell TEE-WHITE-M 1 --price 19.90 >/dev/null
echo "3 sales at umeda-02; its own view:"
ctl_at umeda-02 stock list
echo "HQ still shows what it last heard from umeda-02:"
hq hq stock TEE-WHITE-M

step "13:20 head office sees the outage (a store counts as gone after 10 s of silence)"
deadline=$((SECONDS + 20))
until [ "$(hq hq sync-status | awk '$1 == "umeda-02" { print $2 }')" = no ]; do
  [ "$SECONDS" -lt "$deadline" ] || { echo "FAILED: HQ still counts umeda-02 as connected" >&2; exit 1; }
  sleep 1
done
hq hq sync-status

step "13:30 an online shopper near Kobe looks for a white tee (HQ's view, nearest first)"
kobe=34.6901,135.1955
hq hq availability TEE-WHITE-M --near "$kobe"

step "13:31 HQ takes the pickup order for umeda-02 from its allotment, though the store is offline"
placed=$(hq hq order place --store umeda-02 --kind pickup --line TEE-WHITE-M:2 --customer c-7001 \
  --near "$kobe" --qr) || fail "HQ refused the online order for umeda-02"
echo "$placed"
order=$(awk '$1 == "hold" { print $2 }' <<<"$placed")
ticket=$(awk '$1 == "ticket" { print $2 }' <<<"$placed")
[ -n "$order" ] && [ -n "$ticket" ] || fail "the order printed no hold id or ticket"
echo "the customer's ticket: $ticket"

step "13:35 a second shopper wants 4 more at umeda-02: beyond what is left of its allotment"
if refused=$(hq hq order place --store umeda-02 --kind pickup --line TEE-WHITE-M:4 \
  --near "$kobe" 2>&1); then
  fail "HQ promised more than umeda-02 allotted it"
fi
echo "$refused"

step "13:40 the same shopper orders from shibuya-01 instead: it is linked, so the store decides"
linked_order=$(hq --json hq order place --store shibuya-01 --kind pickup --line TEE-WHITE-M:1 \
  --customer c-7002) || fail "HQ refused the order for shibuya-01"
decided_by=$(json_str decided_by <<<"$linked_order")
linked_id=$(json_str id <<<"$linked_order")
[ "$decided_by" = store ] || fail "shibuya-01's order was decided by '$decided_by', not by the store"
echo "order $linked_id decided by the store itself (signed with shibuya-01's key); at shibuya-01:"
ctl hold get "$linked_id"

step "14:00 umeda-02's link is restored"
stop umeda-02
start_store umeda-02 linked
echo "umeda-02 runs again, linked to HQ"

step "14:05 umeda-02 receives HQ's order (and HQ's ticket key) and prints its pick slip"
deadline=$((SECONDS + 30))
until ctl_at umeda-02 hold get "$order" >/dev/null 2>&1 &&
  ctl_at umeda-02 ticket verify "$ticket" >/dev/null 2>&1; do
  [ "$SECONDS" -lt "$deadline" ] || fail "umeda-02 has not received order $order after 30 s"
  sleep 0.5
done
ctl_at umeda-02 slip list
ctl_at umeda-02 slip print "$order"
ctl_at umeda-02 slip ack "$order" >/dev/null

step "15:00 the customer shows the ticket at umeda-02: checked, then the goods are handed over"
ctl_at umeda-02 ticket verify "$ticket"
ctl_at umeda-02 ticket redeem "$ticket"

step "15:01 the same ticket shown a second time is refused"
if again=$(ctl_at umeda-02 ticket redeem "$ticket" 2>&1); then
  fail "umeda-02 accepted ticket $ticket twice"
fi
grep -q already_collected <<<"$again" || fail "the second presentation was refused for another reason: $again"
echo "$again"

step "15:05 head office sees the order collected"
deadline=$((SECONDS + 30))
until [ "$(hq --json hq order status "$order" | json_str state)" = collected ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "HQ does not see order $order collected after 30 s"
  sleep 0.5
done
hq hq order status "$order"

step "15:10 waiting for HQ to converge with every store"
skus=(TEE-WHITE-M TEE-BLACK-M JEANS-32 CAP-NAVY)
converge_s=20 round=0
deadline=$((SECONDS + converge_s))
while :; do
  round=$((round + 1)) behind=()
  for sku in "${skus[@]}"; do
    want=$(stores_sum "$sku")
    have=$(hq_total "$sku")
    [ "$want" = "$have" ] || behind+=("$sku (on hand/held: HQ ${have/ //}, stores ${want/ //})")
  done
  [ ${#behind[@]} -eq 0 ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "FAILED: HQ did not converge within $converge_s s: ${behind[*]}" >&2
    hq hq sync-status >&2 || true
    exit 1
  fi
  echo "check $round: HQ is behind on ${#behind[@]} of ${#skus[@]} SKUs: ${behind[*]}"
  sleep 0.5
done
echo "check $round: HQ has caught up on all ${#skus[@]} SKUs (on hand / held):"
for sku in "${skus[@]}"; do
  want=$(stores_sum "$sku") have=$(hq_total "$sku")
  printf '  %-12s sum of the stores %-7s HQ total %s\n' "$sku" "${want/ //}" "${have/ //}"
done

step "15:11 head office: stock across stores"
hq hq stock TEE-WHITE-M
echo
hq hq stock JEANS-32

step "15:11 head office: sync health"
hq hq sync-status

step "15:11 umeda-02's link, as its clerk sees it"
ctl_at umeda-02 sync status

echo
echo "converged: HQ totals equal the sum of the stores' own views"

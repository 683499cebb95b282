# shellcheck shell=bash
# A local Redis with Sentinel for the scale tests: a master on 127.0.0.1:17100 and replicas on 17101-17102
# at first start, watched by sentinels on 17110-17112 (quorum 2) under the name `mailverdict`; one directory
# per process under $STATE/redis-sentinel. Sourced by scripts/services:
#   scripts/services start redis-sentinel | stop redis-sentinel | status | env
# No persistence (no RDB files from replication either: diskless sync on both ends). After a failover the
# master is wherever the sentinels say: `start` restarts a killed server as a replica of that master (so a
# killed former master never comes back as a second, empty master), and a killed sentinel from its own
# rewritten config file. Short timeouts keep a failover to a few seconds.

# shellcheck source=scripts/services.d/lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/processes.sh"

REDIS_SENTINEL_NAME="${MAILVERDICT_REDIS_SENTINEL_NAME:-mailverdict}"
REDIS_SENTINEL_DATA_PORTS="${MAILVERDICT_REDIS_SENTINEL_DATA_PORTS:-17100 17101 17102}"
REDIS_SENTINEL_PORTS="${MAILVERDICT_REDIS_SENTINEL_PORTS:-17110 17111 17112}"
REDIS_SENTINEL_QUORUM=2
REDIS_SENTINEL_DOWN_AFTER_MS="${MAILVERDICT_REDIS_SENTINEL_DOWN_AFTER_MS:-1000}"
REDIS_SENTINEL_FAILOVER_TIMEOUT_MS="${MAILVERDICT_REDIS_SENTINEL_FAILOVER_TIMEOUT_MS:-5000}"
REDIS_SENTINEL_DIR="$STATE/redis-sentinel"

redis_sentinel_cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

# Ours: the pid file names a live process (data servers and sentinels alike).
redis_sentinel_running() {
  local pidfile="$REDIS_SENTINEL_DIR/$1/redis.pid"
  [[ -f "$pidfile" ]] && process_alive "$(cat "$pidfile")"
}

redis_sentinel_ping() { [[ "$(redis_sentinel_cli "$1" ping 2>/dev/null)" == PONG ]]; }

# The master the sentinels agree on, as "host port", from the first running sentinel that answers.
redis_sentinel_master() {
  local port addr
  for port in $REDIS_SENTINEL_PORTS; do
    redis_sentinel_running "$port" || continue
    addr="$(redis_sentinel_cli "$port" sentinel get-master-addr-by-name "$REDIS_SENTINEL_NAME" 2>/dev/null | paste -sd' ')"
    [[ -n "$addr" ]] && { echo "$addr"; return 0; }
  done
  return 1
}

redis_sentinel_data_start() { # <port> [<master host> <master port>]
  local port="$1" dir="$REDIS_SENTINEL_DIR/$1" replicaof=()
  [[ $# -eq 3 ]] && replicaof=(--replicaof "$2" "$3")
  mkdir -p "$dir"
  rm -f "$dir/dump.rdb"
  run "starting redis-server on port $port" "$dir/redis.log" redis-server --daemonize yes --bind 127.0.0.1 \
    --port "$port" --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --appendonly no --save "" --maxmemory-policy noeviction \
    --repl-diskless-sync yes --repl-diskless-sync-delay 0 --repl-diskless-load swapdb \
    --shutdown-on-sigterm now "${replicaof[@]}"
  wait_for "Redis on port $port" 20 "$dir/redis.log" redis_sentinel_ping "$port"
}

redis_sentinel_sentinel_start() { # <port> <master host> <master port>
  local port="$1" dir="$REDIS_SENTINEL_DIR/$1"
  mkdir -p "$dir"
  # Sentinel rewrites its config file with what it learns (current master, replicas, other sentinels): a
  # restarted sentinel keeps it; a new one starts from the master known now.
  if [[ ! -s "$dir/sentinel.conf" ]]; then
    cat >"$dir/sentinel.conf" <<EOF
bind 127.0.0.1
port $port
daemonize yes
pidfile $dir/redis.pid
logfile $dir/sentinel.log
dir $dir
sentinel resolve-hostnames no
sentinel monitor $REDIS_SENTINEL_NAME $2 $3 $REDIS_SENTINEL_QUORUM
sentinel down-after-milliseconds $REDIS_SENTINEL_NAME $REDIS_SENTINEL_DOWN_AFTER_MS
sentinel failover-timeout $REDIS_SENTINEL_NAME $REDIS_SENTINEL_FAILOVER_TIMEOUT_MS
sentinel parallel-syncs $REDIS_SENTINEL_NAME 1
EOF
  fi
  run "starting redis-sentinel on port $port" "$dir/sentinel.log" redis-sentinel "$dir/sentinel.conf"
  wait_for "Redis Sentinel on port $port" 20 "$dir/sentinel.log" redis_sentinel_ping "$port"
}

# Healthy: every process runs; every sentinel names the same master, sees the other sentinels and both
# replicas, and flags none of them down; the master has both replicas in sync.
redis_sentinel_healthy() {
  local port master info sentinels replicas
  sentinels="$(wc -w <<<"$REDIS_SENTINEL_PORTS")"; replicas=$(($(wc -w <<<"$REDIS_SENTINEL_DATA_PORTS") - 1))
  for port in $REDIS_SENTINEL_DATA_PORTS $REDIS_SENTINEL_PORTS; do redis_sentinel_running "$port" || return 1; done
  master="$(redis_sentinel_master)" || return 1
  for port in $REDIS_SENTINEL_PORTS; do
    [[ "$(redis_sentinel_cli "$port" sentinel get-master-addr-by-name "$REDIS_SENTINEL_NAME" 2>/dev/null | paste -sd' ')" == "$master" ]] || return 1
    info="$(redis_sentinel_cli "$port" sentinel master "$REDIS_SENTINEL_NAME" 2>/dev/null | paste -sd' ')" || return 1
    [[ " $info " == *" flags master "* ]] || return 1
    [[ " $info " == *" num-slaves $replicas "* ]] || return 1
    [[ " $info " == *" num-other-sentinels $((sentinels - 1)) "* ]] || return 1
    # Every replica the sentinel knows is up (a killed one stays listed, flagged s_down, until it is back).
    [[ "$(redis_sentinel_cli "$port" sentinel replicas "$REDIS_SENTINEL_NAME" 2>/dev/null |
      awk 'prev == "flags" { print } { prev = $0 }' | sort -u)" == slave ]] || return 1
  done
  info="$(redis_sentinel_cli "${master#* }" info replication 2>/dev/null | tr -d '\r')" || return 1
  grep -qx 'role:master' <<<"$info" || return 1
  [[ "$(grep -c 'state=online' <<<"$info")" == "$replicas" ]]
}

# The master the sentinels name is running (after a kill: the failover is done).
redis_sentinel_master_serving() {
  local master; master="$(redis_sentinel_master)" || return 1
  redis_sentinel_running "${master#* }" &&
    [[ "$(redis_sentinel_cli "${master#* }" role 2>/dev/null | head -n 1)" == master ]]
}

redis_sentinel_up() {
  apt_install redis-server redis-server
  apt_install redis-sentinel redis-sentinel
  if redis_sentinel_healthy; then
    step "Redis Sentinel already running: master $(redis_sentinel_master | tr ' ' ':'), sentinels on ${REDIS_SENTINEL_PORTS// /,}"
    return 0
  fi
  local port
  for port in $REDIS_SENTINEL_DATA_PORTS $REDIS_SENTINEL_PORTS; do
    redis_sentinel_running "$port" || ! port_open "$port" || fail "port $port is taken by something that is not our Redis Sentinel setup"
  done
  local master
  if master="$(redis_sentinel_master)"; then
    # A server restarted before the sentinels promoted a replica would be an empty master again: let them first.
    if ! redis_sentinel_master_serving; then
      step "Redis Sentinel: waiting for the sentinels to promote a replica (master $(tr ' ' ':' <<<"$master") is down)"
      local deadline=$((SECONDS + 30))
      until redis_sentinel_master_serving; do
        ((SECONDS >= deadline)) && fail "the sentinels did not promote a replica within 30s (logs: $REDIS_SENTINEL_DIR/*/sentinel.log)"
        sleep 0.5
      done
      master="$(redis_sentinel_master)"
    fi
  else
    # No sentinel to ask: a first start, or every sentinel was stopped. A running master stays the master;
    # otherwise the first port starts as one (nothing is persisted, so there is nothing to lose).
    local first="${REDIS_SENTINEL_DATA_PORTS%% *}"
    for port in $REDIS_SENTINEL_DATA_PORTS; do
      redis_sentinel_running "$port" && [[ "$(redis_sentinel_cli "$port" role 2>/dev/null | head -n 1)" == master ]] &&
        { first="$port"; break; }
    done
    master="127.0.0.1 $first"
    for port in $REDIS_SENTINEL_PORTS; do rm -f "$REDIS_SENTINEL_DIR/$port/sentinel.conf"; done
    if ! redis_sentinel_running "$first"; then
      step "starting Redis master 127.0.0.1:$first"
      redis_sentinel_data_start "$first"
    fi
  fi
  for port in $REDIS_SENTINEL_DATA_PORTS; do
    redis_sentinel_running "$port" && continue
    step "starting Redis 127.0.0.1:$port as a replica of ${master/ /:}"
    redis_sentinel_data_start "$port" $master
  done
  for port in $REDIS_SENTINEL_PORTS; do
    redis_sentinel_running "$port" && continue
    step "starting Redis Sentinel 127.0.0.1:$port (monitoring $REDIS_SENTINEL_NAME)"
    redis_sentinel_sentinel_start "$port" $master
  done
  wait_for "Redis Sentinel (one master with its replicas in sync, every sentinel agreeing)" 60 \
    "$REDIS_SENTINEL_DIR/${REDIS_SENTINEL_PORTS%% *}/sentinel.log" redis_sentinel_healthy
  step "Redis Sentinel ready: master $(redis_sentinel_master | tr ' ' ':'), sentinels on ${REDIS_SENTINEL_PORTS// /,}"
}

redis_sentinel_down() {
  local port pid pids=()
  # Sentinels first, so that stopping the master does not start a failover.
  for port in $REDIS_SENTINEL_PORTS $REDIS_SENTINEL_DATA_PORTS; do
    local pidfile="$REDIS_SENTINEL_DIR/$port/redis.pid"
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    if process_alive "$pid"; then step "stopping 127.0.0.1:$port of the Redis Sentinel setup (pid $pid)"; kill "$pid"; pids+=("$pid"); fi
    rm -f "$pidfile"
  done
  # Nothing is persisted: the next start begins afresh with 17100 as master.
  for port in $REDIS_SENTINEL_PORTS; do rm -f "$REDIS_SENTINEL_DIR/$port/sentinel.conf"; done
  ((${#pids[@]} > 0)) || { step "Redis Sentinel: nothing of ours running"; return 0; }
  wait_gone 10 "${pids[@]}"
}

redis_sentinel_status() {
  local port running=0 count
  count="$(wc -w <<<"$REDIS_SENTINEL_DATA_PORTS $REDIS_SENTINEL_PORTS")"
  for port in $REDIS_SENTINEL_DATA_PORTS $REDIS_SENTINEL_PORTS; do redis_sentinel_running "$port" && running=$((running + 1)); done
  if redis_sentinel_healthy; then
    step "redis-sentinel: up  master $(redis_sentinel_master | tr ' ' ':') ($REDIS_SENTINEL_NAME), sentinels $(redis_sentinel_addresses)"
    return 0
  fi
  if ((running == 0)); then step "redis-sentinel: down (started by \`start redis-sentinel\`)"
  else step "redis-sentinel: degraded, $running of $count processes running (repair: \`start redis-sentinel\`)"; fi
  return 1
}

redis_sentinel_addresses() {
  local port addresses=()
  for port in $REDIS_SENTINEL_PORTS; do addresses+=("127.0.0.1:$port"); done
  (IFS=,; echo "${addresses[*]}")
}

redis_sentinel_env() {
  echo "MAILVERDICT_REDIS_SENTINELS=$(redis_sentinel_addresses)"
  echo "MAILVERDICT_REDIS_NAME=$REDIS_SENTINEL_NAME"
}

# shellcheck shell=bash
# A local Redis Cluster for the scale tests: 3 masters + 3 replicas on 127.0.0.1:17000-17005 (cluster bus
# on port + 10000), one directory per node under $STATE/redis-cluster. Sourced by scripts/services:
#   scripts/services start redis-cluster | stop redis-cluster | status | env
# No persistence (and no RDB files from replication either: diskless sync on both ends): a node that died
# comes back empty and, since its replica was promoted meanwhile, rejoins as that replica's replica (its
# nodes-<port>.conf keeps its identity). `start` is idempotent and repairs a cluster a test left with killed
# nodes. A short node timeout keeps failovers to a few seconds.

# shellcheck source=scripts/services.d/lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/processes.sh"

REDIS_CLUSTER_PORTS="${MAILVERDICT_REDIS_CLUSTER_PORTS:-17000 17001 17002 17003 17004 17005}"
REDIS_CLUSTER_DIR="$STATE/redis-cluster"
REDIS_CLUSTER_NODE_TIMEOUT_MS="${MAILVERDICT_REDIS_CLUSTER_NODE_TIMEOUT_MS:-2000}"

redis_cluster_cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

# Ours: the pid file of the node names a live redis-server.
redis_cluster_node_running() {
  local pidfile="$REDIS_CLUSTER_DIR/$1/redis.pid"
  [[ -f "$pidfile" ]] && process_alive "$(cat "$pidfile")"
}

redis_cluster_node_start() {
  local port="$1" dir="$REDIS_CLUSTER_DIR/$1"
  mkdir -p "$dir"
  run "starting the cluster node on port $port" "$dir/redis.log" redis-server --daemonize yes --bind 127.0.0.1 \
    --port "$port" --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --cluster-enabled yes --cluster-config-file "nodes-$port.conf" \
    --cluster-node-timeout "$REDIS_CLUSTER_NODE_TIMEOUT_MS" \
    --cluster-replica-validity-factor 0 \
    --appendonly no --save "" --maxmemory-policy noeviction \
    --repl-diskless-sync yes --repl-diskless-sync-delay 0 --repl-diskless-load swapdb \
    --shutdown-on-sigterm now
  wait_for "Redis cluster node $port" 20 "$dir/redis.log" redis_cluster_ping "$port"
}

redis_cluster_ping() { [[ "$(redis_cluster_cli "$1" ping 2>/dev/null)" == PONG ]]; }

# Slots are assigned once `--cluster create` ran; an empty nodes file means a node that never joined.
redis_cluster_created() {
  local port
  for port in $REDIS_CLUSTER_PORTS; do redis_cluster_created_on "$port" && return 0; done
  return 1
}

redis_cluster_info_field() { # <port> <field of CLUSTER INFO>
  redis_cluster_cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"
}

# A node that lost its nodes file got a new id; the others still list its old one (failed, often without an
# address) and would count 7 nodes forever: every node forgets ids that are none of our nodes' current ids.
redis_cluster_forget_stale() { # <a node of the cluster>
  local port current=() id other
  for port in $REDIS_CLUSTER_PORTS; do current+=("$(redis_cluster_cli "$port" cluster myid 2>/dev/null)"); done
  for id in $(redis_cluster_cli "$1" cluster nodes 2>/dev/null | awk '{ print $1 }'); do
    [[ " ${current[*]} " == *" $id "* ]] && continue
    step "Redis Cluster: forgetting $id, the former identity of a node that lost its nodes file"
    for other in $REDIS_CLUSTER_PORTS; do redis_cluster_cli "$other" cluster forget "$id" >/dev/null 2>&1 || true; done
  done
}

redis_cluster_created_on() { [[ "$(redis_cluster_info_field "$1" cluster_slots_assigned)" == 16384 ]]; }

# Healthy: every node answers, sees all nodes and all slots served, and every replica is in sync with its master.
redis_cluster_healthy() {
  local port info count
  count="$(wc -w <<<"$REDIS_CLUSTER_PORTS")"
  for port in $REDIS_CLUSTER_PORTS; do
    redis_cluster_node_running "$port" || return 1
    info="$(redis_cluster_cli "$port" cluster info 2>/dev/null | tr -d '\r')" || return 1
    grep -qx 'cluster_state:ok' <<<"$info" || return 1
    grep -qx 'cluster_slots_ok:16384' <<<"$info" || return 1
    grep -qx "cluster_known_nodes:$count" <<<"$info" || return 1
    info="$(redis_cluster_cli "$port" info replication 2>/dev/null | tr -d '\r')" || return 1
    if grep -qx 'role:slave' <<<"$info"; then grep -qx 'master_link_status:up' <<<"$info" || return 1; fi
  done
  # Nobody still lists a node as failed (a rejoined node is cleared of its fail flag by gossip).
  ! redis_cluster_cli "${REDIS_CLUSTER_PORTS%% *}" cluster nodes 2>/dev/null | awk '$3 ~ /fail/ { found = 1 } END { exit !found }'
}

# Survivors serve every slot again: the replica of a killed master has been promoted.
redis_cluster_survivors_ok() {
  local port
  for port in $REDIS_CLUSTER_PORTS; do
    redis_cluster_node_running "$port" || continue
    redis_cluster_cli "$port" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok' || return 1
  done
}

redis_cluster_up() {
  apt_install redis-server redis-server
  if redis_cluster_healthy; then step "Redis Cluster already running on 127.0.0.1 ports ${REDIS_CLUSTER_PORTS// /,}"; return 0; fi
  local port missing=()
  for port in $REDIS_CLUSTER_PORTS; do
    redis_cluster_node_running "$port" && continue
    port_open "$port" && fail "port $port is taken by something that is not our Redis Cluster node"
    missing+=("$port")
  done
  if ((${#missing[@]} > 0)) && redis_cluster_created; then
    # A node restarted empty before its replica took over would come back as the master of its slots, with
    # none of their keys: give the survivors the time to promote first.
    step "Redis Cluster: waiting for the surviving nodes to cover every slot before restarting ${missing[*]}"
    local deadline=$((SECONDS + 30))
    until redis_cluster_survivors_ok; do
      ((SECONDS >= deadline)) && { step "Redis Cluster: survivors still not ok after 30s; restarting anyway"; break; }
      sleep 0.5
    done
  fi
  for port in "${missing[@]}"; do
    step "starting Redis Cluster node 127.0.0.1:$port"
    redis_cluster_node_start "$port"
  done
  if ! redis_cluster_created; then
    local nodes=() p
    for p in $REDIS_CLUSTER_PORTS; do nodes+=("127.0.0.1:$p"); done
    step "creating the Redis Cluster (3 masters, 1 replica each)"
    run "redis-cli --cluster create" "$REDIS_CLUSTER_DIR/create.log" \
      redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes
  else
    # A node that lost its nodes file is a stranger to the cluster: the others forget its old id, and it joins
    # as a replica of the master with the fewest replicas. Known nodes rejoin by themselves.
    local seed
    for port in $REDIS_CLUSTER_PORTS; do redis_cluster_created_on "$port" && { seed="$port"; break; }; done
    redis_cluster_forget_stale "$seed"
    for port in $REDIS_CLUSTER_PORTS; do
      [[ "$(redis_cluster_info_field "$port" cluster_known_nodes)" == 1 ]] || continue
      step "adding 127.0.0.1:$port to the Redis Cluster as a replica"
      run "redis-cli --cluster add-node" "$REDIS_CLUSTER_DIR/create.log" \
        redis-cli --cluster add-node "127.0.0.1:$port" "127.0.0.1:$seed" --cluster-slave
    done
  fi
  wait_for "Redis Cluster (cluster_state:ok on every node, replicas in sync)" 60 "$REDIS_CLUSTER_DIR/create.log" redis_cluster_healthy
  step "Redis Cluster ready: $(redis_cluster_roles)"
}

# "17000 master, 17003 replica of 17001, …" from the nodes' own view.
redis_cluster_roles() {
  redis_cluster_cli "${REDIS_CLUSTER_PORTS%% *}" cluster nodes 2>/dev/null | awk '
    { port = $2; sub(/@.*/, "", port); sub(/.*:/, "", port); portOf[$1] = port; flags[$1] = $3; master[$1] = $4 }
    END { for (n in portOf) print portOf[n], (flags[n] ~ /master/ ? "master" : "replica of " portOf[master[n]]) }' |
    sort -n | paste -sd, | sed 's/,/, /g'
}

redis_cluster_down() {
  local port pid pids=()
  for port in $REDIS_CLUSTER_PORTS; do
    local pidfile="$REDIS_CLUSTER_DIR/$port/redis.pid"
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    if process_alive "$pid"; then step "stopping Redis Cluster node 127.0.0.1:$port (pid $pid)"; kill "$pid"; pids+=("$pid"); fi
    rm -f "$pidfile"
    # Nothing is persisted, so the next start creates a fresh cluster instead of reviving an empty one.
    rm -f "$REDIS_CLUSTER_DIR/$port/nodes-$port.conf" "$REDIS_CLUSTER_DIR/$port/dump.rdb"
  done
  ((${#pids[@]} > 0)) || { step "Redis Cluster: nothing of ours running"; return 0; }
  wait_gone 10 "${pids[@]}"
}

redis_cluster_status() {
  local port running=0 count
  count="$(wc -w <<<"$REDIS_CLUSTER_PORTS")"
  for port in $REDIS_CLUSTER_PORTS; do redis_cluster_node_running "$port" && running=$((running + 1)); done
  if redis_cluster_healthy; then step "redis-cluster: up  $(redis_cluster_urls) ($(redis_cluster_roles))"; return 0; fi
  if ((running == 0)); then step "redis-cluster: down (started by \`start redis-cluster\`)"
  else step "redis-cluster: degraded, $running of $count nodes running (repair: \`start redis-cluster\`)"; fi
  return 1
}

redis_cluster_urls() {
  local port urls=()
  for port in $REDIS_CLUSTER_PORTS; do urls+=("redis://127.0.0.1:$port"); done
  (IFS=,; echo "${urls[*]}")
}

redis_cluster_env() { echo "MAILVERDICT_REDIS_CLUSTER=$(redis_cluster_urls)"; }

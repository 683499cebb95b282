# A three-node Elasticsearch cluster for the scale tests (node failover, replicas), sourced by scripts/services:
#   scripts/services start es-cluster | stop es-cluster
# The same download, JDK and user as the single node; HTTP 19220-19222, transport 19320-19322, small heaps,
# security off. Its own state under $STATE/es-cluster (one directory per node). `start` is also how a node that
# was killed comes back: it starts only the nodes that are not running, then waits for all three.

ES_CLUSTER_NAME=mailverdict-scale
ES_CLUSTER_HTTP_BASE="${MAILVERDICT_ES_CLUSTER_HTTP_PORT:-19220}"
ES_CLUSTER_TRANSPORT_BASE="${MAILVERDICT_ES_CLUSTER_TRANSPORT_PORT:-19320}"
ES_CLUSTER_HEAP="${MAILVERDICT_ES_CLUSTER_HEAP:-320m}"
ES_CLUSTER_SIZE=3
ES_CLUSTER_DIR="$STATE/es-cluster"

es_cluster_nodes() { seq 1 "$ES_CLUSTER_SIZE"; }
es_cluster_http_port() { echo $((ES_CLUSTER_HTTP_BASE + $1 - 1)); }
es_cluster_transport_port() { echo $((ES_CLUSTER_TRANSPORT_BASE + $1 - 1)); }
es_cluster_node_dir() { echo "$ES_CLUSTER_DIR/node-$1"; }

es_cluster_node_pid() { # prints the pid of node <n> when it is running (from its pid file)
  local pidfile pid
  pidfile="$(es_cluster_node_dir "$1")/es.pid"
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Healthy = some node answers that the cluster has all its nodes and at least yellow.
es_cluster_ready() {
  local n
  for n in $(es_cluster_nodes); do
    curl -fs "http://127.0.0.1:$(es_cluster_http_port "$n")/_cluster/health?wait_for_nodes=$ES_CLUSTER_SIZE&wait_for_status=yellow&timeout=1s" \
      >/dev/null && return 0
  done
  return 1
}

es_cluster_configure_node() { # es_cluster_configure_node <n> <home>
  local n="$1" home="$2" dir seeds="" masters="" m
  dir="$(es_cluster_node_dir "$n")"
  mkdir -p "$dir"/{data,logs,tmp,config}
  cp -r "$home/config/." "$dir/config/"
  for m in $(es_cluster_nodes); do
    seeds+="${seeds:+, }127.0.0.1:$(es_cluster_transport_port "$m")"
    masters+="${masters:+, }$ES_CLUSTER_NAME-$m"
  done
  cat >"$dir/config/elasticsearch.yml" <<EOF
cluster.name: $ES_CLUSTER_NAME
node.name: $ES_CLUSTER_NAME-$n
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $(es_cluster_http_port "$n")
transport.port: $(es_cluster_transport_port "$n")
discovery.seed_hosts: [$seeds]
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  # Only for the very first formation: once the cluster exists the setting must go (Elasticsearch warns).
  if [[ ! -e "$ES_CLUSTER_DIR/formed" ]]; then
    echo "cluster.initial_master_nodes: [$masters]" >>"$dir/config/elasticsearch.yml"
  fi
  # As for the single node: gc.log, heap dumps and error files into this node's own directory.
  sed -i -e "s#logs/#$dir/logs/#g" -e "s#HeapDumpPath=data#HeapDumpPath=$dir/data#" "$dir/config/jvm.options"
  printf -- '-Xms%s\n-Xmx%s\n' "$ES_CLUSTER_HEAP" "$ES_CLUSTER_HEAP" >"$dir/config/jvm.options.d/heap.options"
  : >"$dir/start.log"
  chown -R "$ES_USER" "$dir"
}

es_cluster_start_node() { # es_cluster_start_node <n> <home> <java_home>: returns once the node process runs
  local n="$1" home="$2" java_home="$3" dir
  dir="$(es_cluster_node_dir "$n")"
  runuser -u "$ES_USER" -- env -i PATH=/usr/bin:/bin ES_JAVA_HOME="$java_home" ES_PATH_CONF="$dir/config" \
    ES_TMPDIR="$dir/tmp" "$home/bin/elasticsearch" -d -p "$dir/es.pid" >>"$dir/start.log" 2>&1
}

es_cluster_up() {
  if es_cluster_ready; then step "Elasticsearch cluster already answering with $ES_CLUSTER_SIZE nodes"; return 0; fi
  local n missing=()
  for n in $(es_cluster_nodes); do
    es_cluster_node_pid "$n" >/dev/null && continue
    port_open "$(es_cluster_http_port "$n")" && fail "port $(es_cluster_http_port "$n") is taken by something that is not node $n of our cluster"
    missing+=("$n")
  done
  if ((${#missing[@]} > 0)); then
    es_download
    if ! id "$ES_USER" >/dev/null 2>&1; then
      as_root_or_fail "creating user $ES_USER"
      run "useradd $ES_USER" "$STATE/services.log" useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    fi
    local home java_home
    home="$(es_home)"; java_home="$(es_java_home)"
    mkdir -p "$ES_CLUSTER_DIR"
    chmod o+x "$STATE" "$(dirname "$STATE")" "$ES_CLUSTER_DIR" 2>/dev/null || true
    for n in "${missing[@]}"; do es_cluster_configure_node "$n" "$home" "$java_home"; done
    step "starting Elasticsearch cluster node(s) ${missing[*]} on 127.0.0.1:$ES_CLUSTER_HTTP_BASE-$((ES_CLUSTER_HTTP_BASE + ES_CLUSTER_SIZE - 1)) (heap $ES_CLUSTER_HEAP each)"
    # Together, not one after another: a lone node waits for a quorum of masters before `-d` returns.
    local pids=() failed=()
    for n in "${missing[@]}"; do es_cluster_start_node "$n" "$home" "$java_home" & pids+=($!); done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${missing[$i]}"); done
    if ((${#failed[@]} > 0)); then
      for n in "${failed[@]}"; do tail -n 20 "$(es_cluster_node_dir "$n")/start.log" >&2 || true; done
      fail "starting Elasticsearch cluster node(s) ${failed[*]} failed (logs: $ES_CLUSTER_DIR/node-N/start.log, node-N/logs/)"
    fi
  fi
  wait_for "Elasticsearch cluster ($ES_CLUSTER_SIZE nodes)" 240 "$(es_cluster_node_dir 1)/logs/$ES_CLUSTER_NAME.log" es_cluster_ready
  touch "$ES_CLUSTER_DIR/formed"
  step "Elasticsearch cluster ready ($ES_CLUSTER_SIZE nodes)"
}

es_cluster_down() {
  local n pid stopped=0
  for n in $(es_cluster_nodes); do
    if pid="$(es_cluster_node_pid "$n")"; then
      step "stopping Elasticsearch cluster node $n (pid $pid)"
      kill "$pid"
      stopped=1
    fi
  done
  for n in $(es_cluster_nodes); do
    if pid="$(es_cluster_node_pid "$n")"; then
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$(es_cluster_node_dir "$n")/es.pid"
  done
  ((stopped)) || step "Elasticsearch cluster: nothing of ours running"
}

es_cluster_status() {
  local n running=()
  for n in $(es_cluster_nodes); do es_cluster_node_pid "$n" >/dev/null && running+=("$n"); done
  if es_cluster_ready; then step "es-cluster:    up  $(es_cluster_urls) ($ES_CLUSTER_SIZE nodes)"
  elif ((${#running[@]} > 0)); then step "es-cluster:    degraded, node(s) running: ${running[*]}"; return 1
  else step "es-cluster:    down (started by \`start es-cluster\`)"; return 1; fi
}

es_cluster_urls() {
  local n urls=""
  for n in $(es_cluster_nodes); do urls+="${urls:+,}http://127.0.0.1:$(es_cluster_http_port "$n")"; done
  echo "$urls"
}

es_cluster_env() { echo "MAILVERDICT_ES_CLUSTER_NODES=$(es_cluster_urls)"; }

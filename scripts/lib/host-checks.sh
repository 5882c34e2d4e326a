# Host checks for scripts/setup (sourced; defines functions only).
#   require_node            exits non-zero, saying what to install, unless `node` is 20.19+ or 22.12+
#                           (package.json engines)
#   quiet_system_services   stops and disables the system redis-server / nats-server services that a package install
#                           just started, so they do not hold 6379 / 4222 (Tugboat starts its own servers)

require_node() {
  local v major minor
  if ! v=$(node --version 2>/dev/null); then
    echo "setup: Node.js is not installed. Tugboat needs Node.js 20.19+ or 22.12+: install it from https://nodejs.org" \
      "(or NodeSource's apt repository), then run this again." >&2
    return 1
  fi
  major=${v#v}; major=${major%%.*}
  minor=${v#v*.}; minor=${minor%%.*}
  if ! [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] \
    || (( major < 20 || (major == 20 && minor < 19) || major == 21 || (major == 22 && minor < 12) )); then
    echo "setup: Node.js $v is too old. Tugboat needs Node.js 20.19+ or 22.12+ (package.json engines):" \
      "install a newer one from https://nodejs.org (or NodeSource's apt repository), then run this again." >&2
    return 1
  fi
}

# Arguments: the packages just installed. Only their services are touched; a service already there before is left alone.
quiet_system_services() {
  local pkg sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo"
  command -v systemctl >/dev/null 2>&1 || return 0
  for pkg in "$@"; do
    case $pkg in redis-server | nats-server) ;; *) continue ;; esac
    systemctl list-unit-files "$pkg.service" >/dev/null 2>&1 || continue
    $sudo systemctl disable --now "$pkg.service" >/dev/null 2>&1 || true
    echo "setup: stopped and disabled the system $pkg service its package started (Tugboat runs its own)" >&2
  done
}

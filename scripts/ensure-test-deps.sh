#!/usr/bin/env bash
# Installs what the test suite needs when it is missing, and nothing when it is all there:
# npm packages; Chromium, sox, ffmpeg, Redis (with Sentinel), PostgreSQL and nginx, and for the
# network tests iproute2, nftables and coturn from Debian; livekit-server built with Go.
# Idempotent; run by `npm test` and by .ci/run. Under CI=true anything missing is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

LIVEKIT_VERSION=v1.13.5
LIVEKIT_BIN=.tools/bin/server

log() { printf '[ensure-test-deps] %s\n' "$*"; }
fail() { printf '[ensure-test-deps] ERROR: %s\n' "$*" >&2; exit 1; }

# 1. npm packages (node_modules kept when the lock file has not changed since the last install).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund
fi

# 2. Debian packages: chromium (browser tests), sox (tone files by hand), redis-server (Redis paths),
#    ffmpeg (decodes recordings in the recording tests: Ogg and WebM Opus), redis-sentinel
#    (Redis failover), postgresql (the PostgreSQL call log), nginx (the cluster tests' load
#    balancer), and what test/e2e/network builds its networks with: iproute2
#    (`ip netns`, veth), nftables (NAT and firewalls in the namespaces), coturn (the TURN server,
#    started by the tests, never as a system service). Debian keeps PostgreSQL's server binaries
#    off the PATH, in /usr/lib/postgresql.
has_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }
has_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
has_postgres || missing+=(postgresql)
has_nginx || missing+=(nginx)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "installing ${missing[*]} from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x /usr/bin/chromium ] || fail "chromium is still missing after apt-get install"
has_postgres || fail "postgresql is still missing after apt-get install"
has_nginx || fail "nginx is still missing after apt-get install"
for tool in ip nft turnserver; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is still missing after apt-get install"
done

# 3. livekit-server, built from source through the Go module proxy (no prebuilt download here).
if [ ! -x "$LIVEKIT_BIN" ] || ! "$LIVEKIT_BIN" --version 2>/dev/null | grep -q "${LIVEKIT_VERSION#v}"; then
  command -v go >/dev/null 2>&1 || fail "go is needed to build livekit-server $LIVEKIT_VERSION"
  log "building livekit-server $LIVEKIT_VERSION with go install (about 2-3 minutes the first time)"
  mkdir -p .tools/bin
  GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION"
fi
"$LIVEKIT_BIN" --version >/dev/null || fail "livekit-server at $LIVEKIT_BIN does not run"

log "all test dependencies present"

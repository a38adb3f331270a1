#!/usr/bin/env bash
# Runs a command with spoc's toolchain: Node 24 and pnpm, installed from the npm
# registry into a cache folder when the machine lacks them (the system Node is never
# touched), then the workspace dependencies. Usage: bash scripts/toolchain.sh pnpm test
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_MAJOR=24
PNPM_VERSION=10.34.9
TOOLS="${SPOC_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/spoc-tools}"

node_ok() { command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge "$NODE_MAJOR" ]; }

if ! node_ok; then
  export PATH="$TOOLS/bin:$PATH"
  if ! node_ok; then
    echo "toolchain: installing Node $NODE_MAJOR into $TOOLS" >&2
    npm install --global --prefix "$TOOLS" --no-audit --no-fund "node@$NODE_MAJOR" >&2
  fi
fi
node_ok || { echo "toolchain: Node $NODE_MAJOR is not usable (node -v: $(node -v 2>&1))" >&2; exit 1; }

if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  export PATH="$TOOLS/bin:$PATH"
  if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    echo "toolchain: installing pnpm $PNPM_VERSION into $TOOLS" >&2
    npm install --global --prefix "$TOOLS" --no-audit --no-fund "pnpm@$PNPM_VERSION" >&2
  fi
fi

# Install workspace dependencies once, and again whenever the lockfile changes.
stamp=node_modules/.spoc-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s pnpm-lock.yaml "$stamp"; then
  pnpm install --frozen-lockfile >&2
  cp pnpm-lock.yaml "$stamp"
fi

exec "$@"

#!/usr/bin/env bash
# Sets up everything kiln needs on a fresh Debian 12 machine (as root), idempotently:
#   1. host packages and the libvirt daemons (scripts/setup-host.sh)
#   2. npm packages (npm ci), the TypeScript build, and `kiln` as a command (npm link)
#   3. the Anaconda test-double install trees and payloads for x86_64 and i686 (cached under
#      kiln's cache dir, so a second run reuses them in seconds)
#   4. Koji's pinned source for the Koji tests (found or fetched, checked, cached: scripts/koji/source.ts)
# Used by both README commands: `bash scripts/setup.sh && npm run demo` and
# `bash scripts/setup.sh && npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-host.sh
echo "setup: npm packages"
npm ci --no-audit --no-fund --loglevel=error
echo "setup: building kiln"
npm run --silent build
# `kiln` as a command on PATH (a link to this checkout's build, as npm link makes it).
echo "setup: linking the kiln command"
npm link --no-audit --no-fund --ignore-scripts --loglevel=error
# bash's command -v also finds a file that is not executable: ask for an executable one.
[ -x "$(command -v kiln)" ] || { echo "setup: 'kiln' is not an executable command on PATH after npm link (npm's global bin: $(npm prefix -g)/bin)" >&2; exit 1; }
for arch in x86_64 i686; do
  echo "setup: test installer tree for $arch"
  node dist/scripts/test-installer/build.js --arch "$arch"
done
echo "setup: Koji source"
node dist/scripts/koji/source.js
echo "setup: done"

#!/usr/bin/env bash
# Installs kura's build and test dependencies from Debian's packages, only those missing.
# Safe to run again; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  librocksdb-dev libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libboost-dev libsodium-dev
  catch2 libcli11-dev libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev libqrencode-dev
  libzstd-dev
  libpng-dev
  libjemalloc-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"

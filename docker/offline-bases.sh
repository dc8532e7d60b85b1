#!/bin/sh
# Base images made from Debian's packages, for a host that reaches Debian's mirror but no container registry
# (the development machines): a bookworm root filesystem with Python 3.11 (debootstrap), imported into podman
# as localhost/debian-python:bookworm, and the same with this host's Node.js as localhost/debian-node:bookworm.
# Then: make image IMAGE_BUILD_ARGS="$(docker/offline-bases.sh --build-args)"
set -eu
if [ "${1:-}" = "--build-args" ]; then
    ca=/etc/ssl/certs/ca-certificates.crt
    printf '%s' "--build-arg PYTHON_IMAGE=localhost/debian-python:bookworm"
    printf ' %s' "--build-arg NODE_IMAGE=localhost/debian-node:bookworm --network=host"
    # Behind a TLS-inspecting proxy the build needs the host's CA bundle.
    [ -s "$ca" ] && printf ' %s' "-v /etc/ssl/certs:/etc/ssl/certs:ro --build-arg NODE_EXTRA_CA_CERTS=$ca --build-arg PIP_CERT=$ca"
    echo
    exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$work/root" \
    http://deb.debian.org/debian >/dev/null
tar -C "$work/root" -c . | podman import - localhost/debian-python:bookworm
node=$(command -v node) || { echo "no node on this host: only the Python base was made" >&2; exit 1; }
mkdir -p "$work/root/usr/lib/node_modules"
cp "$node" "$work/root/usr/bin/node"
cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/../../npm" "$work/root/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/root/usr/bin/npm"
tar -C "$work/root" -c . | podman import - localhost/debian-node:bookworm

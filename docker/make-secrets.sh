#!/bin/sh
# Create docker/secrets/: random database passwords and a self-signed TLS certificate for the proxy (replace
# tls.crt and tls.key with your own certificate for a real host name). Existing files are kept.
set -eu
dir=$(dirname "$0")/secrets
host=${1:-localhost}
umask 077
mkdir -p "$dir"
for name in postgres_password hub_owner_password hub_app_password; do
    [ -s "$dir/$name" ] || python3 -c 'import secrets; print(secrets.token_urlsafe(32), end="")' > "$dir/$name"
done
if [ ! -s "$dir/tls.key" ]; then
    openssl req -x509 -newkey rsa:3072 -sha256 -days 365 -nodes -subj "/CN=$host" \
        -addext "subjectAltName=DNS:$host" -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
fi
# The containers' users read the secrets; nobody else on this host should.
chmod 0644 "$dir"/*
chmod 0700 "$dir"
echo "secrets in $dir: $(ls "$dir" | tr '\n' ' ')"

#!/bin/sh
# Every step of the production image, as a plain script: the Dockerfile's RUN lines call it, and an operator
# without a container engine runs the same steps on a host (README, "Deploying"). POSIX sh, no bashisms: the
# runtime image has no bash.
#
#   build-steps.sh assets  SRC            build the portal's CSS/JS into SRC/hub/portal/assets (needs npm)
#   build-steps.sh venv    SRC VENV       a virtualenv at VENV with the hub's pinned dependencies, and the hub
#                                         itself installed from SRC (editable: SRC stays the project root, so
#                                         policies/, schema/ and the migrations are found beside the code)
#   build-steps.sh prune   VENV           drop pip, setuptools and byte-code caches nobody runs at runtime
#   build-steps.sh user    [HOME]         the unprivileged system user `hub` and its state directory
#   build-steps.sh check   VENV           the runtime holds no compiler or build tool, and the hub runs
set -eu

step=${1:?usage: build-steps.sh assets|venv|prune|user|check ...}
shift

HUB_UID=${HUB_UID:-10001}
HUB_USER=${HUB_USER:-hub}

case "$step" in
assets)
    src=${1:?assets SRC}
    cd "$src"
    if ! command -v npm >/dev/null && command -v apt-get >/dev/null; then
        # A plain Debian base instead of the Node image (a build stage: its tools never reach the runtime).
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
    fi
    npm ci --ignore-scripts --omit=optional --no-audit --no-fund --loglevel=error
    npm run --silent build
    test -s hub/portal/assets/portal.css
    ;;
venv)
    src=${1:?venv SRC VENV}
    venv=${2:?venv SRC VENV}
    "${PYTHON:-python3}" -m venv "$venv"   # PYTHON: a 3.11+ interpreter every user can run
    "$venv/bin/pip" install --no-cache-dir --quiet --upgrade pip
    # Only the runtime dependencies (no [dev] extra): no pytest, linters or browser driver in production.
    "$venv/bin/pip" install --no-cache-dir --quiet -e "$src"
    "$venv/bin/python" -m compileall -q "$src/hub" "$src/schema" "$src/adapters" >/dev/null
    ;;
prune)
    venv=${1:?prune VENV}
    # pip can build packages from source: a runtime that cannot install anything has nothing to compile with.
    rm -rf "$venv"/bin/pip* "$venv"/lib/python3*/site-packages/pip "$venv"/lib/python3*/site-packages/pip-* \
           "$venv"/lib/python3*/site-packages/setuptools "$venv"/lib/python3*/site-packages/setuptools-* \
           "$venv"/lib/python3*/site-packages/_distutils_hack "$venv"/lib/python3*/site-packages/distutils-precedence.pth
    ;;
user)
    home=${1:-/var/lib/hub}
    if ! getent passwd "$HUB_USER" >/dev/null; then
        if command -v useradd >/dev/null; then
            useradd --system --uid "$HUB_UID" --user-group --home-dir "$home" --no-create-home \
                    --shell /usr/sbin/nologin "$HUB_USER"
        else
            adduser -S -u "$HUB_UID" -h "$home" -s /sbin/nologin "$HUB_USER"
        fi
    fi
    # Keys live on a mounted volume at $home/keys: owner-only, as hub.keys insists.
    install -d -m 0700 -o "$HUB_USER" -g "$(id -gn "$HUB_USER")" "$home" "$home/keys"
    ;;
check)
    venv=${1:?check VENV}
    for tool in cc gcc g++ clang make ld as npm node pip pip3; do
        # A tool on PATH or in the virtualenv: the runtime must not carry it.
        if command -v "$tool" >/dev/null 2>&1 || [ -e "$venv/bin/$tool" ]; then
            case "$tool" in
            pip|pip3) [ -e "$venv/bin/$tool" ] || continue ;;  # the base's own pip is not ours to remove
            esac
            echo "build-steps: the runtime holds a build tool: $tool" >&2
            exit 1
        fi
    done
    "$venv/bin/hub" --help >/dev/null
    ;;
*)
    echo "build-steps.sh: unknown step $step" >&2
    exit 2
    ;;
esac

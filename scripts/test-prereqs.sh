#!/usr/bin/env bash
# Bring this machine up to what the test suite needs, doing only what is missing (safe to rerun):
#   - Dovecot IMAP/POP3 binaries (tests start private instances; the system service is never used),
#   - Chromium (browser tests), msgfmt from gettext (compiling translations),
#   - OpenLDAP slapd and ldap-utils (tests start a private slapd; the packaged service is never used),
#   - PostgreSQL and Redis answering on 127.0.0.1.
set -euo pipefail

WAIT_SECONDS="${WAIT_SECONDS:-30}"
export PATH="${PATH}:/usr/local/sbin:/usr/sbin:/sbin"

log() { printf 'test-prereqs: %s\n' "$*" >&2; }

missing_packages() {
    local missing=()
    [[ -x /usr/lib/dovecot/imap ]] && command -v dovecot >/dev/null || missing+=(dovecot-imapd)
    [[ -x /usr/lib/dovecot/pop3 ]] || missing+=(dovecot-pop3d)
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
    command -v msgfmt >/dev/null || missing+=(gettext)
    [[ -x /usr/sbin/slapd ]] || missing+=(slapd)
    command -v ldapsearch >/dev/null || missing+=(ldap-utils)
    echo "${missing[@]}"
}

install_packages() {
    local packages
    packages="$(missing_packages)"
    [[ -z "${packages}" ]] && return 0
    if [[ "$(id -u)" -ne 0 ]]; then
        log "missing packages (${packages}); not root, so not installing them - tests that need them will fail"
        return 0
    fi
    log "installing: ${packages}"
    # Keep dpkg from starting the packaged Dovecot and slapd services: tests run private instances,
    # and a container may have no init system to start them with.
    local policy=/usr/sbin/policy-rc.d created_policy=no
    if [[ ! -e "${policy}" ]]; then
        printf '#!/bin/sh\nexit 101\n' >"${policy}"
        chmod +x "${policy}"
        created_policy=yes
    fi
    apt-get update
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    # slapd asks debconf questions on install; noninteractive takes the defaults (an unused example tree).
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages} || status=$?
    [[ "${created_policy}" == yes ]] && rm -f "${policy}"
    return "${status:-0}"
}

postgres_ready() { pg_isready -h 127.0.0.1 -q; }
redis_ready() { [[ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" == "PONG" ]]; }

start_postgres() {
    postgres_ready && return 0
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting PostgreSQL ${version}"
    pg_ctlcluster --skip-systemctl-redirect "${version}" main start
}

start_redis() {
    redis_ready && return 0
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
}

wait_for() {
    local name="$1" check="$2" deadline=$((SECONDS + WAIT_SECONDS))
    until "${check}"; do
        if ((SECONDS >= deadline)); then
            log "${name} is not answering after ${WAIT_SECONDS}s"
            return 1
        fi
        sleep 0.5
    done
}

install_packages
start_postgres
start_redis
wait_for PostgreSQL postgres_ready
wait_for Redis redis_ready

# Shared helpers for scripts/start, scripts/test, scripts/postgres and .ci/run.
# Sourced, not run: `source "$(dirname "$0")/_lib.sh"` (or ../scripts/_lib.sh).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# apt_missing PKG...: prints the Debian packages that are not installed.
apt_missing() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || echo "$pkg"
    done
}

# apt_ensure PKG...: installs missing Debian packages when running as root;
# otherwise says what is missing and returns 1.
apt_ensure() {
    command -v dpkg-query >/dev/null || { warn "not Debian/Ubuntu: install $* yourself"; return 1; }
    local missing
    missing="$(apt_missing "$@" | tr '\n' ' ')"
    missing="${missing% }"
    [ -z "$missing" ] && return 0
    if ! is_root; then
        warn "missing Debian packages: $missing — run: sudo apt-get install -y $missing"
        return 1
    fi
    say "패키지 설치 / apt-get install $missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ensure_venv TARGET: creates .venv with python3 ≥ 3.11 and pip-installs TARGET
# ('.' = runtime dependencies, '.[dev]' = with test tools) unless the same
# TARGET was already installed from this very pyproject.toml.
ensure_venv() {
    local target="$1" stamp=".venv/.baeumteo-installed" want
    if [ ! -x .venv/bin/python ]; then
        command -v python3 >/dev/null || die "python3 (≥ 3.11) is needed"
        python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || die "python3 ≥ 3.11 is needed; this one is $(python3 -V 2>&1)"
        if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
            # Debian's python3 ships venv/ensurepip in a separate package.
            apt_ensure "python3-venv" || die "python3's venv module is missing (python3-venv)"
        fi
        say "가상환경 만들기 / creating .venv ($(python3 -V 2>&1))"
        python3 -m venv .venv
    fi
    want="$target $(sha256sum pyproject.toml | cut -d' ' -f1)"
    if ! grep -qxF "$want" "$stamp" 2>/dev/null; then
        say "의존성 설치 / pip install -e '$target'"
        .venv/bin/pip install -qq --disable-pip-version-check -e "$target"
        echo "$want" >>"$stamp"
    fi
}

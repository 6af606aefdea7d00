#!/usr/bin/env bash
# mypy --strict over ssotlint/ and rules/ as the installed package sees them
# (rules/ is installed as ssotlint.rules through a setuptools package-dir mapping,
# which mypy cannot follow from the source tree).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
cp -r "$repo/ssotlint" "$tree/ssotlint"
cp -r "$repo/rules" "$tree/ssotlint/rules"
cd "$tree"
python -m mypy --strict --python-version 3.10 --no-incremental -p ssotlint "$@"

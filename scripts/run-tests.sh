#!/usr/bin/env bash
# Runs every test suite of infer against a build directory and ends with the
# summary line of each runner. Exits non-zero when any suite fails.
set -u
BUILD=${1:-build}
LIT=/usr/lib/llvm-22/bin/lit
status=0
summaries=()

echo "==> lit"
lit_log=$(mktemp)
"$LIT" -sv "$BUILD/lit" 2>&1 | tee "$lit_log"
lit_rc=${PIPESTATUS[0]}
[[ $lit_rc -ne 0 ]] && status=1
summaries+=("lit: $(grep -E '^ *(Passed|Failed|Unsupported|Expectedly Failed|Unresolved|Timed Out)' "$lit_log" | tr -s ' ' | paste -sd ',' -) (exit $lit_rc)")
rm -f "$lit_log"

echo "==> ctest"
ctest_log=$(mktemp)
ctest --test-dir "$BUILD" --output-on-failure 2>&1 | tee "$ctest_log"
ctest_rc=${PIPESTATUS[0]}
[[ $ctest_rc -ne 0 ]] && status=1
summaries+=("ctest: $(grep -E 'tests passed|tests failed' "$ctest_log" | tail -1) (exit $ctest_rc)")
rm -f "$ctest_log"

echo "==> pytest (the Python API)"
pytest_log=$(mktemp)
PYTHONPATH="$BUILD/python" INFER_COMPILE="$BUILD/bin/infer-compile" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests 2>&1 | tee "$pytest_log"
pytest_rc=${PIPESTATUS[0]}
[[ $pytest_rc -ne 0 ]] && status=1
summaries+=("pytest: $(grep -E '(passed|failed|error)' "$pytest_log" | tail -1) (exit $pytest_rc)")
rm -f "$pytest_log"

echo
echo "==> summary"
printf '%s\n' "${summaries[@]}"
exit $status

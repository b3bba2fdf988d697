#!/bin/sh
# doctest cases become ctest tests by name (doctest_discover_tests); CMake splits a name at
# ';', and the halves then match no case, so such a case would never run while its ctest
# entries pass. This fails on any TEST_CASE name holding a ';'.
# usage: run_test_names.sh TESTS_DIR
bad=$(grep -rn 'TEST_CASE("[^"]*;' "$1" --include='*.cpp')
if [ -n "$bad" ]; then
  echo "test case names must not contain ';' (ctest would never run them):"
  echo "$bad"
  exit 1
fi
echo "no test case name holds ';'"

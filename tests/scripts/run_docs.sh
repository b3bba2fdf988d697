#!/bin/sh
# The generated references must match the code: docs/stdlib.md (`rnn doc`, from the stdlib
# schemas) and docs/diagnostics.md (`rnn explain --markdown`, from the diagnostic codes).
# usage: run_docs.sh RNN SOURCE_DIR
rnn="$1"; src="$2"; status=0
if ! "$rnn" doc | diff -u "$src/docs/stdlib.md" - ; then
  echo "docs/stdlib.md is out of date: run 'rnn doc --out docs/stdlib.md'"; status=1
fi
if ! "$rnn" explain --markdown | diff -u "$src/docs/diagnostics.md" - ; then
  echo "docs/diagnostics.md is out of date: run 'rnn explain --markdown > docs/diagnostics.md'"
  status=1
fi
exit $status

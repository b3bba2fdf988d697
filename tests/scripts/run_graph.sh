#!/bin/sh
# `rnn graph`: nodes in an execution order (every input before its user), each with its
# inputs and a content key; DOT output with every node and edge, names escaped; a script
# error exits 1 without a graph.
# usage: run_graph.sh RNN SOURCE_DIR WORK_DIR
rnn="$1"; src="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

text=$("$rnn" graph "$src/examples/hopfield_sweep.rnn") || fail "graph exited $?"
[ "$(echo "$text" | wc -l)" -eq 21 ] || fail "expected 21 nodes (1 task, 5 x train, evaluate, analyze, plot):
$text"
# Each node's inputs appear on earlier lines.
echo "$text" | awk '
  { split($0, parts, "  <- "); node = parts[1]; sub(/ +key.*/, "", node)
    n = split(parts[2], inputs, ", ")
    for (i = 1; i <= n; i++) if (!(inputs[i] in seen)) { print "input after use: " $0; bad = 1 }
    seen[node] = 1 }
  END { exit bad }' || fail "order"
echo "$text" | grep -q '^train fit\[3\] .*key [0-9a-f]\{16\}  <- task memories$' || fail "train line:
$text"
echo "$text" | grep -q '^plot "history_5.png" .*<- train fit\[5\]$' || fail "plot line"

# A sweep's instances are listed in index order (fit[2] before fit[10]).
cat > "$work/twelve.rnn" <<'RNN'
task m = memory_recall { units = 4, present = 2 steps, retain = 3 steps }
network n = rnn { units = 4, inputs = 4 }
for s in 1..12 { train fit[s] = n on m { loss = -mean(overlap, during: retain), epochs = 1, seed = s } }
RNN
order=$("$rnn" graph "$work/twelve.rnn" | grep '^train' | awk '{ printf "%s ", $2 }')
[ "$order" = "fit[1] fit[2] fit[3] fit[4] fit[5] fit[6] fit[7] fit[8] fit[9] fit[10] fit[11] fit[12] " ] \
  || fail "sweep order: $order"

dot=$("$rnn" graph "$src/examples/hopfield_sweep.rnn" --dot) || fail "graph --dot exited $?"
[ "$(echo "$dot" | grep -c '^  n[0-9]* \[shape')" -eq 21 ] || fail "dot nodes"
[ "$(echo "$dot" | grep -c -- '->')" -eq 30 ] || fail "dot edges: $(echo "$dot" | grep -c -- '->')"
echo "$dot" | head -1 | grep -q '^digraph experiment {$' || fail "dot header"

# A name with a quote cannot break the DOT text: a sweep value becomes part of a name.
cat > "$work/quote.rnn" <<'RNN'
task m = memory_recall { units = 4, present = 2 steps, retain = 3 steps }
network n = rnn { units = 4, inputs = 4 }
for x in ["a\"b"] { train f[x] = n on m { loss = -mean(overlap, during: retain), epochs = 1 } }
RNN
"$rnn" graph "$work/quote.rnn" --dot > "$work/out.dot" || fail "graph of quote.rnn exited $?"
grep -q 'label="train\\nf\[a\\"b\]"' "$work/out.dot" || fail "quote not escaped: $(cat "$work/out.dot")"

printf 'task x = nothing_like_this {}\n' > "$work/bad.rnn"
"$rnn" graph "$work/bad.rnn" > "$work/bad.out" 2>/dev/null
code=$?
[ $code -eq 1 ] || fail "graph of a bad script exited $code"
[ ! -s "$work/bad.out" ] || fail "graph printed a graph for a bad script"
echo ok

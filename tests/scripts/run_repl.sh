#!/bin/sh
# `rnn repl` over piped standard input (docs/language.md §12): definitions, results, an
# alter, an evaluation with a clamp and a perturbation, errors that do not end the session, the commands, and `:save`, whose file runs
# with `rnn run` and gives the numbers the session printed. A Ctrl-C (SIGINT) during a
# training returns to the session, and asking again goes on to the same numbers as an
# uninterrupted training.
set -u
rnn="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
cd "$work" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }

cat > session.txt <<'RNN'
seed 5
task m = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 20 steps }
network hop = rnn {
  units = 8
  W_self : symmetric, init normal(0.1)
}
train fit = hop on m {
  loss      = -mean(overlap, during: retain)
  optimizer = adam { lr = 0.01 }
  epochs    = 30
}
evaluate test = fit on m
alter cut = fit {
  lesion  = [0..3]
  W_input : scale 0.5
}
evaluate lesioned = cut on m
evaluate held = fit on m {
  clamp   = input(0, 0.0, during: retain)
  perturb = state(0.5, at: 10 steps)
  start   = 0.1
}
fitt
test
lesioned
held
cut.W_self
:vars
:show hop
:show cut
:help memory_recall
:nope
:save saved.rnn
:quit
test
RNN
"$rnn" repl --out run_a < session.txt > a.out 2> a.err
code=$?
[ "$code" = 1 ] || no "a piped session with errors exits 1, not $code"
grep -q "no definition named 'fitt'; did you mean 'fit'?" a.err || { no "unknown name"; cat a.err; }
grep -q "unknown command ':nope'" a.err || no "unknown command"
[ "$(grep -c '^evaluate test$' a.out)" = 1 ] || { no "results after :quit, or none"; cat a.out; }
grep -q "^evaluate lesioned$" a.out || no "no lesioned evaluation"
grep -q "^cut.W_self: 8 x 8 .* zeros 48$" a.out || { no "lesioned W_self: 4 units of 8 leave 16 entries"; cat a.out; }
grep -q "^alter     cut = fit$" a.out || no ":vars lists the alter"
grep -q "^network hop = rnn$" a.out || no ":show hop"
grep -q "^  lesion  = \[0\.\.3\]$" a.out || no ":show cut: its definition"
grep -q "^  tensors: W_input 8 x 8, W_self 8 x 8, b 8 x 1, h0 8 x 1$" a.out || { no ":show cut: its tensors"; cat a.out; }
grep -q "W_self (units x units), init normal" a.out || { no ":show hop's tensors"; cat a.out; }
grep -q "^### .memory_recall." a.out || no ":help memory_recall"
grep -q "^saved 8 statements to saved.rnn$" a.out || no ":save"

# The saved session is canonical, checks, and runs to the numbers the session printed.
"$rnn" fmt saved.rnn --check || no "the saved file is not in the canonical layout"
"$rnn" run saved.rnn --out run_b --quiet || no "rnn run of the saved session"
metric() {  # TABLE NAME: the value in run_b/metrics.toml, printed as the session prints it
  awk -v t="[$1]" -v k="$2" '$0 == t { on = 1; next } /^\[/ { on = 0 } on && $1 == k { printf "%.6g\n", $3 }' run_b/metrics.toml
}
printed() {  # TABLE NAME: the value the session printed for it
  awk -v t="evaluate $1" -v k="$2" '$0 == t { on = 1; next } /^[a-z]/ { on = 0 } on && $1 == k { print $2 }' a.out
}
for t in test lesioned held; do
  for k in reaction_mean retention_mean; do
    want=$(metric "$t" "$k"); got=$(printed "$t" "$k")
    [ -n "$want" ] && [ "$want" = "$got" ] || no "$t $k: the session printed '$got', rnn run gives '$want'"
  done
done
[ "$(metric test reaction_mean)" != "$(metric lesioned reaction_mean)" ] || no "the lesion changed nothing"
[ "$(metric test retention_mean)" != "$(metric held retention_mean)" ] || no "clamp and perturb changed nothing"

# rnn repl FILE starts from a file; a syntax error inside a block, then a continuation
# that is never closed, are reported without ending the session.
printf 'test\ntask x = memory_recall {\n  units = \n}\ntask y = memory_recall {\n' \
  | "$rnn" repl saved.rnn --out run_c > c.out 2> c.err
grep -q "^loaded saved.rnn$" c.out || no "rnn repl FILE"
grep -q "expected a value" c.err || { no "syntax error in a block"; cat c.err; }
grep -q "is never closed" c.err || { no "unclosed block at the end of input"; cat c.err; }
[ "$(printed test reaction_mean)" = "$(awk '$1 == "reaction_mean" { print $2; exit }' c.out)" ] \
  || no "rnn repl FILE printed other numbers"

# SIGINT during a training: the session says where it stopped and goes on; its tensors
# are those of the last completed epoch; asking again resumes from there and ends where an
# uninterrupted training does.
printf 'test\nfit.W_self\ntest\n' | RNN_INTERRUPT_AFTER_EPOCH=10 "$rnn" repl saved.rnn --out run_d > d.out 2> d.err
grep -q "^(fit was stopped by Ctrl-C after epoch 10 of 30: its network then" d.out \
  || { no "the interrupted training's network is not shown"; cat d.out; }
grep -q "checkpointed after epoch 10 of 30" d.err || { no "no interruption"; cat d.err; }
grep -q "resumed after epoch 10" d.err || { no "not resumed"; cat d.err; }
[ "$(awk '$1 == "reaction_mean" { print $2; exit }' d.out)" = "$(printed test reaction_mean)" ] \
  || { no "an interrupted and resumed training differs"; cat d.out; }

[ "$fail" = 0 ] && echo "repl: all checks passed"
exit "$fail"

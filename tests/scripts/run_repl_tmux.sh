#!/bin/sh
# `rnn repl` on a terminal, driven through tmux: tab completion of a keyword and of a
# defined name, the continuation prompt while a block is open, Ctrl-C at the prompt (the
# line is dropped), Ctrl-C during a training (back at the prompt, the training
# checkpointed, its tensors those of the last epoch), and the history file written as each
# line is entered. Exit 77 (skipped) without tmux.
set -u
rnn="$1"; work="$2"
command -v tmux > /dev/null || { echo "tmux is not installed: skipped"; exit 77; }
rm -rf "$work"; mkdir -p "$work"
cd "$work" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }

cat > long.rnn <<'RNN'
task m = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 20 steps }
network hop = rnn { units = 8 }
train mytrain = hop on m { loss = -mean(overlap, during: retain), epochs = 1000000 }
RNN
sock="$work/tmux.sock"
t() { tmux -S "$sock" "$@"; }
screen() { t capture-pane -p -t repl -S -100 2> /dev/null; }
# wait_for PATTERN SECONDS: until the screen shows PATTERN (grep -E)
wait_for() {
  i=0
  while [ "$i" -lt $(($2 * 10)) ]; do
    screen | grep -Eq "$1" && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
prompts() { screen | grep -c '^rnn> *$'; }
t new-session -d -s repl -x 150 -y 50 \
  "env HOME='$work' RNN_HISTORY='$work/history' '$rnn' repl long.rnn --out run; sleep 30"
trap 't kill-server 2> /dev/null' EXIT
wait_for '^rnn>' 20 || { no "no prompt"; screen; exit 1; }

# Completion: a keyword, then a defined name.
t send-keys -t repl "evalu" Tab
wait_for '^rnn> evaluate' 5 || no "Tab did not complete 'evalu' to 'evaluate'"
t send-keys -t repl C-u "mytr" Tab
wait_for '^rnn> mytrain' 5 || no "Tab did not complete 'mytr' to 'mytrain'"

# Ctrl-C at the prompt drops the line and shows a fresh prompt.
before=$(prompts)
t send-keys -t repl C-c
wait_for_more() {  # a new empty prompt after $before
  i=0
  while [ "$i" -lt $(($1 * 10)) ]; do
    [ "$(prompts)" -gt "$before" ] && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
wait_for_more 5 || { no "Ctrl-C at the prompt did not give a fresh prompt"; screen; }

# An open block shows the continuation prompt until it is closed.
t send-keys -t repl "task x = memory_recall {" Enter
wait_for '^\.\.\.>' 5 || { no "no continuation prompt"; screen; }
before=$(prompts)
t send-keys -t repl "  units = 8" Enter "}" Enter
# The block is checked (slowly under the sanitizers) before the next line is typed, so
# the Ctrl-C below meets the continuation prompt and not a check still running.
wait_for_more 10 || { no "the closed block gave no fresh prompt"; screen; }
# Ctrl-C at the continuation prompt drops the open block: the next prompt is 'rnn>'.
continuations() { screen | grep -c '^\.\.\.> *$'; }
waiting=$(continuations)
t send-keys -t repl "task y = memory_recall {" Enter
i=0
while [ "$(continuations)" -le "$waiting" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
before=$(prompts)
t send-keys -t repl C-c
wait_for_more 5 || { no "Ctrl-C did not drop the open block"; screen; }
before=$(prompts)
t send-keys -t repl ":vars" Enter
wait_for '^task +x = memory_recall' 5 || { no "the block was not defined"; screen; }
screen | grep -Eq '^task +y' && no "the dropped block was defined"

# Ctrl-C during a training: back at the prompt with the training checkpointed.
t send-keys -t repl "mytrain" Enter
wait_for 'mytrain' 5
sleep 2
before=$(prompts)
t send-keys -t repl C-c
wait_for 'checkpointed after epoch' 20 || { no "Ctrl-C did not stop the training"; screen; }
wait_for_more 10 || { no "no prompt after the interrupted training"; screen; }
t send-keys -t repl "mytrain.W_self" Enter
wait_for 'mytrain was stopped by Ctrl-C after epoch' 10 || { no "no network as of the last epoch"; screen; }
# Each line is in the history file as soon as it is entered, before the session ends.
grep -q "mytrain.W_self" history || { no "the history file lacks a line of the running session"; ls -la; }
t send-keys -t repl ":quit" Enter
sleep 1
grep -q "mytrain" history || { no "the history file does not hold the session's lines"; screen; ls -la; }

[ "$fail" = 0 ] && echo "repl on a terminal: all checks passed"
exit "$fail"

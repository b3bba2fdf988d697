#!/bin/sh
# `rnn run --executor slurm` against a real one-node Slurm (docs/slurm.md): this script
# starts munged, slurmctld and slurmd in WORK (a one-node slurm.conf with cons_tres, this
# machine's host name, 2 CPUs) and stops them by their process ids when it ends. Then: the
# dry run prints the job script and the mapping and submits nothing; a 4-seed sweep through
# the cluster gives the files of a local `-j 1` run, bit for bit, into a run directory whose
# name holds a space, a quote, '%' and '$(...)'; a re-run submits nothing; a task killed
# with scancel is reported by node name with its log, and the next run resubmits it alone.
# Where Slurm cannot be started the test says why and is skipped (exit 77), except under
# CI=true, where that is a failure.
# usage: run_slurm.sh RNN WORK [SHORT_EPOCHS KILL_EPOCHS]
# (the epochs of the longer trainings: the sanitizer build trains some 10 times slower and
# passes fewer)
set -u
rnn="$1"; work="$2"; short_epochs="${3:-3000}"; kill_epochs="${4:-15000}"
rm -rf "$work"; mkdir -p "$work"
fail=0
no() { echo "FAIL: $*"; fail=1; }
unavailable() {
  echo "Slurm cannot be started here: $*"
  if [ "${CI:-}" = true ]; then echo "FAIL: under CI=true the Slurm test must run"; exit 1; fi
  exit 77
}

for p in munged slurmctld slurmd sbatch squeue scancel sinfo; do
  command -v "$p" > /dev/null 2>&1 || [ -x "/usr/sbin/$p" ] \
    || unavailable "'$p' is not installed (scripts/setup test installs slurm-wlm and munge)"
done
[ "$(id -u)" = 0 ] || unavailable "slurmd must run as root"
PATH="$PATH:/usr/sbin"

# The cluster: everything under WORK/slurm, ports of its own, its own munge socket and key.
s="$work/slurm"
mkdir -p "$s/state" "$s/spool" "$s/log" "$s/munge"
chmod 700 "$s/munge"
dd if=/dev/urandom of="$s/munge/munge.key" bs=1024 count=1 2> /dev/null
chmod 600 "$s/munge/munge.key"
port=$((20000 + ($$ % 4000) * 2))
host=$(hostname -s)
cat > "$s/slurm.conf" <<EOF
ClusterName=rnntest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$s/munge/munge.socket.2
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/log/slurmctld.log
SlurmdLogFile=$s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
MinJobAge=300
KillWait=2
NodeName=$host CPUs=2 RealMemory=500 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$s/slurm.conf"

pids=""
stop() {
  for pid in $pids; do kill "$pid" 2> /dev/null; done
  for pid in $pids; do wait "$pid" 2> /dev/null; done
  pids=""
}
trap 'stop' EXIT
trap 'stop; exit 1' HUP INT PIPE TERM
munged -F -f --key-file="$s/munge/munge.key" --socket="$s/munge/munge.socket.2" \
  --pid-file="$s/munge/munged.pid" --seed-file="$s/munge/munged.seed" \
  --log-file="$s/munge/munged.log" > "$s/log/munged.out" 2>&1 &
pids="$pids $!"
sleep 0.5
slurmctld -D -f "$s/slurm.conf" > "$s/log/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$s/slurm.conf" > "$s/log/slurmd.out" 2>&1 &
pids="$pids $!"
up=0
for _ in $(seq 1 60); do
  [ "$(sinfo -h -o %t 2> /dev/null)" = idle ] && { up=1; break; }
  sleep 0.5
done
if [ "$up" != 1 ]; then
  tail -n 5 "$s/log/munged.out" "$s/log/slurmctld.out" "$s/log/slurmd.out"
  stop
  unavailable "the node did not become idle within 30 s (logs above)"
fi
echo "slurm is up: node $host, port $port"

# A sweep over 4 seeds: trainings on the cluster; evaluations, analyses and plots (one
# across the seeds) on the driver.
cat > "$work/s.rnn" <<'RNN'
seed 3
task m = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 20 steps }
network n = rnn { units = 8, inputs = 8
  W_self : symmetric, init normal(0.1) }
for s in 1..4 {
  train fit[s] = n on m { loss = -mean(overlap, during: retain), epochs = 40, seed = s,
    optimizer = adam { lr = 0.01 } }
  evaluate test[s] = fit[s] on m
  analyze sim[s] = hopfield_similarity(fit[s].W_self, m.patterns)
}
plot heatmap(fit[1].W_self, fit[2].W_self, fit[3].W_self, fit[4].W_self) to "weights.png"
RNN
"$rnn" run "$work/s.rnn" --out "$work/ref" -j 1 --quiet || no "the local reference run"

export RNN_SLURM_POLL_SECONDS=0.3 RNN_SLURM_GRACE_SECONDS=1
out="$work/run's 100% \$(touch injected)"

# The dry run: the job script and the mapping, nothing submitted, nothing written.
"$rnn" run "$work/s.rnn" --out "$out" --executor slurm --partition test --time 10 --dry-run \
  > "$work/dry.log" 2> "$work/dry.err" || { no "the dry run"; cat "$work/dry.err"; }
grep -q -- "--array=0-3" "$work/dry.log" || no "the dry run shows no --array=0-3"
grep -q -- "--partition=test" "$work/dry.log" || no "the dry run shows no --partition"
grep -q -- "--node \"\$key\"" "$work/dry.log" || no "the dry run shows no job script"
for k in 1 2 3 4; do
  grep -q "train fit\[$k\]" "$work/dry.log" || no "the dry run does not map fit[$k]"
done
[ -z "$(squeue -h)" ] || no "the dry run submitted something: $(squeue -h)"
[ -e "$out" ] && no "the dry run wrote the run directory"

# The sweep through the cluster equals the local run, file for file.
"$rnn" run "$work/s.rnn" --out "$out" --executor slurm > "$work/slurm.log" 2>&1 \
  || { no "the slurm run"; cat "$work/slurm.log"; }
# Each task trains one seed, then evaluates and analyses it; the figure across the seeds is
# drawn on the driver.
grep -q "slurm: submitted job [0-9]*: 4 tasks: 4 trainings, 4 evaluations, 4 analyses" \
  "$work/slurm.log" || { no "no submission line"; cat "$work/slurm.log"; }
grep -q "slurm job [0-9]*: 0 pending, 0 running, 4 done, 0 failed" "$work/slurm.log" \
  || no "no progress line with 4 done"
grep -q "^train fit" "$work/slurm.log" && no "the driver trained a network itself"
grep -q "^evaluate test\[[0-9]\]:" "$work/slurm.log" && no "the driver evaluated a network itself"
grep -q "evaluate test\[2\]: in the cache" "$out/.slurm/logs/"*_1.out \
  || no "task 1 did not evaluate its training"
grep -q "^evaluate test\[2\] (slurm task [0-9]*_1):  reaction " "$work/slurm.log" \
  || no "the driver did not print the metrics of test[2]"
cmp -s "$work/ref/metrics.toml" "$out/metrics.toml" || no "slurm metrics differ from -j 1"
(cd "$work/ref" && find . -type f ! -path './.cache/*' ! -name manifest.toml) > "$work/files"
[ "$(wc -l < "$work/files")" -gt 20 ] || no "the reference run wrote too few files"
while read -r f; do
  cmp -s "$work/ref/$f" "$out/$f" || no "slurm: $f differs from -j 1"
done < "$work/files"
grep -q "executor = 'slurm'\|executor = \"slurm\"" "$out/manifest.toml" || no "no executor in the manifest"
grep -q "computed_by = 'slurm task" "$out/manifest.toml" || no "no computed_by in the manifest"
ls "$out/.slurm/logs/"*_0.out > /dev/null 2>&1 || no "no task logs"
[ -n "$(find "$work" -name injected)" ] && no "a path was run as a command"
[ -e injected ] && no "a path was run as a command (in the working directory)"
[ -e "$s/injected" ] && no "a path was run as a command (in the cluster's folder)"

# A re-run submits nothing.
"$rnn" run "$work/s.rnn" --out "$out" --executor slurm > "$work/again.log" 2>&1 || no "re-run"
grep -q "nothing to submit" "$work/again.log" || { no "a re-run submitted"; cat "$work/again.log"; }
cmp -s "$work/ref/metrics.toml" "$out/metrics.toml" || no "re-run: metrics differ"

# A worker computes its nodes into the cache and writes nothing else into the run directory.
keys=$(awk -F'\t' '$1 == 0 { print $3 }' "$work/dry.log")
mkdir -p "$work/w/.cache"
"$rnn" run "$work/s.rnn" --out "$work/w" --node "$keys" > "$work/w.log" 2>&1 \
  || { no "a worker run by hand"; cat "$work/w.log"; }
for key in $(echo "$keys" | tr , ' '); do
  [ -f "$work/w/.cache/$key/entry.toml" ] || no "the worker left no cache entry for $key"
done
[ "$(echo "$keys" | tr , ' ' | wc -w)" = 3 ] || no "task 0 should compute 3 nodes: $keys"
[ "$(ls "$work/w")" = "" ] || no "the worker wrote into the run directory: $(ls "$work/w")"
grep -q "train fit\[1\]: in the cache" "$work/w.log" || { no "the worker did not say so"; cat "$work/w.log"; }

# The worker refuses a key its graph does not have, and a run directory it cannot see.
msg=$("$rnn" run "$work/s.rnn" --out "$out" --node 0123456789abcdef 2>&1); code=$?
[ "$code" = 3 ] && echo "$msg" | grep -q "no node of .* has the key 0123456789abcdef" \
  || no "a worker with an unknown key: exit $code: $msg"
msg=$("$rnn" run "$work/s.rnn" --out "$work/nowhere" --node 0123456789abcdef 2>&1); code=$?
[ "$code" = 3 ] && echo "$msg" | grep -q "must be on a filesystem that this machine shares" \
  || no "a worker without its run directory: exit $code: $msg"
[ -e "$work/nowhere" ] && no "a worker created a run directory"

# Longer trainings (a second or more each, two at a time on the 2 CPUs), by a --config
# file, which the tasks must read too.
printf '[m]\nretain = "200 steps"\nunits = 48\n[n]\nunits = 48\ninputs = 48\n[fit]\nepochs = %s\n' \
  "$short_epochs" > "$work/long.toml"
long() { "$rnn" run "$work/s.rnn" --config "$work/long.toml" "$@"; }
# The first job of the queue, waiting up to 20 s for one.
queued_job() {
  for _ in $(seq 1 200); do
    j=$(squeue -h -o %F 2> /dev/null | head -n 1)
    [ -n "$j" ] && { echo "$j"; return; }
    sleep 0.1
  done
}
queue_empty() {
  for _ in $(seq 1 100); do
    [ -z "$(squeue -h 2> /dev/null)" ] && return 0
    sleep 0.1
  done
  return 1
}

# Ctrl-C on the driver cancels its array.
"$rnn" run "$work/s.rnn" --config "$work/long.toml" --out "$work/int" --executor slurm \
  > "$work/int.log" 2>&1 &
driver=$!
job=$(queued_job)
[ -n "$job" ] || no "the interrupted run submitted nothing"
kill -INT $driver; wait $driver; code=$?
[ "$code" = 130 ] || { no "an interrupted driver exited $code"; cat "$work/int.log"; }
grep -q "interrupted: cancelled slurm job $job" "$work/int.log" || { no "no cancellation"; cat "$work/int.log"; }
queue_empty || no "the interrupted driver's array is still queued: $(squeue -h)"

# A driver killed with kill -9 leaves its array queued: the next run refuses to submit the
# same trainings again, and goes on once the job is gone.
"$rnn" run "$work/s.rnn" --config "$work/long.toml" --out "$work/dead" --executor slurm \
  > /dev/null 2>&1 &
driver=$!
job=$(queued_job)
kill -9 $driver; wait $driver 2> /dev/null
long --out "$work/dead" --executor slurm > "$work/dead.log" 2>&1; code=$?
[ "$code" = 2 ] || { no "a run beside a dead driver's array exited $code"; cat "$work/dead.log"; }
grep -q "slurm job $job of an earlier run into .* is still in the queue" "$work/dead.log" \
  || { no "no refusal beside a queued array"; cat "$work/dead.log"; }
scancel "$job"
queue_empty || no "the dead driver's array is still queued"
long --out "$work/dead" --executor slurm --quiet || no "the run after the dead driver's job"

long --out "$work/long_ref" -j 2 --quiet || no "local run of the longer sweep"
cmp -s "$work/long_ref/metrics.toml" "$work/dead/metrics.toml" \
  || no "after the dead driver's job the metrics differ from a local run"

# A running task killed with scancel: reported by node, with its log; the next run
# resubmits it alone, and the results equal a local run's. Trainings of about 2 s (in
# Release), so that the one found running is still running when scancel comes.
long --set fit.epochs="$kill_epochs" --out "$work/kill" --executor slurm > "$work/kill.log" 2>&1 &
driver=$!
job=""; target=""
for _ in $(seq 1 200); do
  job=$(squeue -h -o %F 2> /dev/null | head -n 1)
  if [ -n "$job" ]; then
    target=$(squeue -h -r -t R -o %i -j "$job" 2> /dev/null | head -n 1)
    [ -n "$target" ] && break
  fi
  sleep 0.1
done
[ -n "$target" ] || no "no running task to cancel"
scancel "$target"
wait $driver; code=$?
[ "$code" = 3 ] || { no "a run with a cancelled task exited $code"; cat "$work/kill.log"; }
index=${target#*_}
node=$(awk -F'\t' -v i="$index" '$1 == i { print $2 }' "$work/kill/.slurm/$job.tsv")
[ -n "$node" ] || no "no node for task $target in the mapping"
grep -qF "1 of 4 tasks failed in slurm job $job" "$work/kill.log" \
  || { no "the cancelled task was not reported"; cat "$work/kill.log"; }
grep -qF "$node (task $target" "$work/kill.log" || no "the report does not name $node"
grep -qF "log $work/kill/.slurm/logs/$target.out" "$work/kill.log" || no "the report has no log path"
long --set fit.epochs="$kill_epochs" --out "$work/kill" --executor slurm > "$work/resubmit.log" 2>&1 \
  || { no "the run after the cancelled task"; cat "$work/resubmit.log"; }
grep -q "slurm: submitted job [0-9]*: 1 task: 1 training," "$work/resubmit.log" \
  || { no "the re-run did not resubmit exactly one task"; cat "$work/resubmit.log"; }
grep -qF "slurm: $node done" "$work/resubmit.log" || no "the re-run did not compute $node"
long --set fit.epochs="$kill_epochs" --out "$work/kill_ref" -j 2 --quiet || no "local run of the long sweep"
cmp -s "$work/kill_ref/metrics.toml" "$work/kill/metrics.toml" \
  || no "after the resubmission the metrics differ from a local run"
[ -z "$(squeue -h)" ] || no "tasks left in the queue: $(squeue -h)"
stop
exit $fail

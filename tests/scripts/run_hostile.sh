#!/bin/sh
# Hostile input (docs/run_directory.md, "What a shared file can do"): a script, a --config
# file and a run directory may come from anyone. One case per class of attack; sentinel
# folders beside the run directories hold files nothing may write, change or delete, and
# their snapshot before and after must be the same.
set -u
rnn="$(realpath "$1")"; work="$2"
rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }
# Runs rnn with its output in out.log; $code is its exit status.
run() { "$rnn" "$@" > out.log 2>&1; code=$?; }
said() { grep -q -- "$1" out.log || no "$2: expected '$1' in: $(cat out.log)"; }

mkdir -p sentinel/sub
echo precious > sentinel/keep.txt
echo also > sentinel/sub/metrics.toml
snapshot() { (cd "$1" && find . -printf '%y %p %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }
snapshot sentinel > sentinel.before

cat > tiny.rnn <<'RNN'
seed 1
task m = memory_recall { units = 4, patterns = 1, present = 3 steps, retain = 5 steps }
network n = rnn { units = 4, inputs = 4 }
train fit = n on m { loss = -mean(overlap, during: retain), epochs = 3 }
evaluate test = fit on m
plot history(fit) to "h.png"
RNN
run run tiny.rnn --out ref --quiet
[ "$code" = 0 ] || no "the reference run exited $code: $(cat out.log)"

# 1. A script's file name never names the folder it runs from or its parent.
mkdir -p user/project
echo "mine = 1" > user/metrics.toml
echo "mine = 2" > user/project/metrics.toml
for name in '...rnn' '..rnn' '.rnn'; do
  cp tiny.rnn "user/project/$name"
  (cd user/project && "$rnn" run "./$name" --quiet > ../../out.log 2>&1) || no "running '$name' failed: $(cat out.log)"
done
[ "$(cat user/metrics.toml)" = "mine = 1" ] || no "class 1: the parent's metrics.toml changed"
[ "$(cat user/project/metrics.toml)" = "mine = 2" ] || no "class 1: the folder's metrics.toml changed"
[ -f user/project/runs/__/metrics.toml ] || no "class 1: '...rnn' did not write runs/__"
[ -f user/project/runs/_/metrics.toml ] || no "class 1: '..rnn' did not write runs/_"
[ -f user/project/runs/_rnn/metrics.toml ] || no "class 1: '.rnn' did not write runs/_rnn"

# 2. A folder with a .cache/ is no run directory: refused, nothing written or deleted.
mkdir -p home/.cache/some-tool
echo data > home/.cache/some-tool/state
echo notes > home/notes.txt
snapshot home > home.before
run run tiny.rnn --out home
[ "$code" = 2 ] || no "class 2: a folder with .cache/ exited $code"
said "is not an rnnlab run directory" "class 2"
snapshot home > home.after
cmp -s home.before home.after || no "class 2: the folder changed"
# A mark rnnlab did not write, or of another format, is refused too.
mkdir -p marked && echo "format = 99" > marked/.rnnlab-run && echo x > marked/x
run run tiny.rnn --out marked
[ "$code" = 2 ] || no "class 2: a run directory of format 99 exited $code"

# 3. Links inside a run directory are never followed: refused before anything is written.
for what in fit .cache h.png; do
  rm -rf linked && cp -r ref linked && rm -rf "linked/$what"
  ln -s "$work/sentinel" "linked/$what"
  run run tiny.rnn --out linked
  [ "$code" = 2 ] || no "class 3: a link at $what exited $code"
  said "is a symbolic link" "class 3 ($what)"
done
rm -rf linked && cp -r ref linked && rm -rf linked/fit && mkdir linked/fit
ln -s "$work/sentinel/keep.txt" linked/fit/W_self.npy
run run tiny.rnn --out linked
[ "$code" = 2 ] || no "class 3: a link to a file exited $code"

# 5. Cache entries: a changed file (metrics, arrays), a link placed in an entry and a
# corrupt state array make the entry computed again, with a warning; never published.
entry_of() { grep -l "kind = '$2'" "$1"/.cache/*/entry.toml | head -1 | xargs dirname; }
rm -rf edited && cp -r ref edited
e=$(entry_of edited evaluate)
sed -i 's/= [0-9.e-]*$/= 12.5/' "$e/metrics.toml"
run run tiny.rnn --out edited
[ "$code" = 0 ] || no "class 5: edited metrics exited $code"
said "changed since the entry was written" "class 5 (metrics)"
cmp -s ref/metrics.toml edited/metrics.toml || no "class 5: edited metrics were published"
t=$(entry_of edited train)
printf 'x' >> "$t/files/fit/W_self.npy"
ln -s "$work/sentinel/keep.txt" "$t/files/fit/stolen.txt"
run run tiny.rnn --out edited
said "computing fit again" "class 5 (training entry)"
[ -e edited/fit/stolen.txt ] && no "class 5: a link in an entry was published"
cmp -s ref/fit/W_self.npy edited/fit/W_self.npy || no "class 5: an edited array was published"
e=$(entry_of edited evaluate)
for f in "$e"/state/*.npy; do printf 'garbage' > "$f"; break; done
run run tiny.rnn --out edited
[ "$code" = 0 ] || no "class 5: a corrupt state array failed the run ($code): $(cat out.log)"
cmp -s ref/metrics.toml edited/metrics.toml || no "class 5: metrics differ after a corrupt state"

# 7. A re-run with other overrides, killed: the manifest says incomplete, verify refuses.
# verify reports every changed, missing and extra file, and a truncated metrics.toml.
rm -rf mixed && cp -r ref mixed
"$rnn" run tiny.rnn --out mixed --set fit.epochs=1000000 --quiet > /dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q "complete = false" mixed/manifest.toml 2>/dev/null; do
  sleep 0.1; i=$((i + 1))
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
grep -q "complete = false" mixed/manifest.toml || no "class 7: a killed re-run left a complete manifest"
run verify mixed
[ "$code" = 2 ] || no "class 7: verify of a killed re-run exited $code"
said "did not complete" "class 7"
rm -rf tampered && cp -r ref tampered
printf 'x' >> tampered/test/overlap.npy
rm tampered/fit/history.csv
echo extra > tampered/extra.txt
run verify tampered
[ "$code" = 1 ] || no "class 7: verify of a tampered run exited $code"
said "test/overlap.npy: changed" "class 7 (changed array)"
said "fit/history.csv: missing" "class 7 (deleted history)"
said "extra.txt: not a file of the run" "class 7 (extra file)"
rm -rf tampered && cp -r ref tampered
head -c 20 ref/metrics.toml > tampered/metrics.toml
run verify tampered
[ "$code" != 0 ] || no "class 7: verify accepted a truncated metrics.toml"

# 11. A full disk (here: a file size limit, which fails writes as ENOSPC does): the message
# has the path and the reason, no temporary file stays, and a later run succeeds.
rm -rf full
(trap '' XFSZ; ulimit -f 2; "$rnn" run tiny.rnn --out full > out.log 2>&1); code=$?
[ "$code" = 0 ] && no "class 11: a run with too little room succeeded"
said "too large" "class 11"
[ -f full/metrics.toml ] && [ ! -f full/manifest.toml ] && no "class 11: metrics.toml without a manifest"
# Room for the small files but not the picture: gnuplot itself exits 0 with a truncated
# picture, which must not be published.
rm -rf full
(trap '' XFSZ; ulimit -f 16; "$rnn" run tiny.rnn --out full > out.log 2>&1); code=$?
[ "$code" = 0 ] && no "class 11: a run whose picture was truncated succeeded"
[ -f full/h.png ] && no "class 11: a truncated picture was published"
run run tiny.rnn --out full --quiet
[ "$code" = 0 ] || no "class 11: the run after a full disk exited $code: $(cat out.log)"
left=$(find full -name '.rnnlab-tmp-*' -o -name '*.partial' -o -name '.staging-*' | head -3)
[ -z "$left" ] || no "class 11: temporary files stayed: $left"

# 4. Files a script reads: a FIFO or a device is a located error at check time, at once
# (no hang, no memory exhausted).
mkdir -p reads && mkfifo reads/pipe.rnn && mkfifo reads/w.npy
printf 'include "pipe.rnn"\n' > reads/fifo_include.rnn
printf 'include "%s"\n' "$(realpath --relative-to=reads /dev/zero)" > reads/zero_include.rnn
sed 's/network n = rnn { units = 4, inputs = 4 }/network n = rnn { units = 4, inputs = 4\n  W_self : init load("w.npy") }/' tiny.rnn > reads/fifo_load.rnn
for f in fifo_include zero_include fifo_load; do
  timeout 20 "$rnn" check "reads/$f.rnn" > out.log 2>&1; code=$?
  [ "$code" = 1 ] || no "class 4: $f exited $code: $(cat out.log)"
  grep -q "$f.rnn:[0-9]*:[0-9]*" out.log || no "class 4: $f has no location: $(cat out.log)"
done

# 6. A deeply nested dotted key in --config: an error, no crash.
python3 -c "print('a' + '.a' * 50000 + ' = 1')" > deep.toml
run check tiny.rnn --config deep.toml
[ "$code" = 2 ] || no "class 6: a deep --config exited $code: $(head -c 300 out.log)"
said "nested more than" "class 6"

# 8. A control character in a sweep index: refused at check time, with a location.
printf 'seed 1\nfor s in ["a\\nb", "c"] {\n  task m[s] = memory_recall { units = 4, patterns = 1, present = 3 steps, retain = 5 steps }\n}\n' > ctl.rnn
run check ctl.rnn
[ "$code" = 1 ] || no "class 8: a newline in a sweep index exited $code: $(cat out.log)"
said "E0809" "class 8"

# 9. gnuplot: titles, file names and a run folder holding quotes, backquotes, @ and a
# newline draw their figures and run nothing.
folder="odd @x '' \`touch PWNED_D\`
y"
sed 's|plot history(fit) to "h.png"|plot history(fit, title: "it'"''"'s `touch PWNED_T` @y") to "a@b.png"|' tiny.rnn > quoting.rnn
run run quoting.rnn --out "$folder" --quiet
[ "$code" = 0 ] || no "class 9: quoting exited $code: $(cat out.log)"
[ -f "$folder/a@b.png" ] || no "class 9: a@b.png was not drawn"
[ -n "$(find . -name 'PWNED*')" ] && no "class 9: a backquote ran a command"

# 10. Two figures sharing a helper file: refused at check time.
printf '%s\nplot history(fit) to "h.svg"\n' "$(cat tiny.rnn)" > shared.rnn
run check shared.rnn
[ "$code" = 1 ] || no "class 10: shared helper files exited $code: $(cat out.log)"
said "E0719" "class 10"

# 12. Sizes within the ranges but beyond the memory: refused before anything is written.
sed 's/units = 4/units = 40000/g; s/inputs = 4/inputs = 40000/' tiny.rnn > huge.rnn
run run huge.rnn --out huge --max-memory 4G
[ "$code" = 1 ] || no "class 12: units = 40000 exited $code: $(head -c 300 out.log)"
said "E0630" "class 12"
[ -e huge ] && no "class 12: a refused run wrote its directory"

snapshot sentinel > sentinel.after
cmp -s sentinel.before sentinel.after || no "a sentinel file outside every run directory changed: $(diff sentinel.before sentinel.after)"
[ "$fail" = 0 ] && echo "hostile inputs: every case refused or recovered, nothing outside written"
exit "$fail"

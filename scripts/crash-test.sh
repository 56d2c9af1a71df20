#!/usr/bin/env bash
# Crash test of the local host: while simulated devices send, kill the host with SIGKILL (no shutdown at all), start it
# again on the same data, and check that every message the gateway acknowledged is in the timeline exactly once.
#   scripts/crash-test.sh [--patients N] [--kills K] [--duration SECONDS]
# Prints the numbers and exits non-zero when a message is missing or stored twice. Needs: dotnet, python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."

patients=40 kills=3 duration=90
while [ $# -gt 0 ]; do
  case "$1" in
    --patients) patients=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "usage: $0 [--patients N] [--kills K] [--duration SECONDS]" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
data="$work/data" url="http://127.0.0.1:5187"
trap 'kill -9 ${host:-} ${sim:-} 2>/dev/null || true; rm -rf "$work"' EXIT
for project in src/IoMT.Local src/IoMT.Cli; do
  dotnet build "$project" -v q -nologo > "$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
done

start_host() {
  # The app itself, not `dotnet run` (whose child would survive the kill).
  (cd src/IoMT.Local && exec dotnet bin/Debug/net10.0/IoMT.Local.dll --urls "$url" --IoMT:DataDirectory="$data" --no-simulate >> "$work/host.log" 2>&1) &
  host=$!
  for _ in $(seq 1 100); do curl -sf "$url/healthz" > /dev/null && return 0; sleep 0.2; done
  echo "the host did not start" >&2; exit 1
}

start_host
token=$(cat "$data/admin.token")
IOMT_TOKEN=$token dotnet src/IoMT.Cli/bin/Debug/net10.0/iomt.dll simulate --gateway "$url" --patients "$patients" \
  --duration "${duration}s" --accepted-log "$work/accepted.csv" > "$work/simulate.log" 2>&1 &
sim=$!

# Kill the host at random moments while the simulation runs, restarting it each time.
gap=$(( duration / (kills + 1) ))
restarts=()
for _ in $(seq 1 "$kills"); do
  sleep "$(( gap / 2 + RANDOM % gap ))"
  kill -9 "$host"; wait "$host" 2>/dev/null || true
  before=$(date +%s%N); start_host; restarts+=( $(( ($(date +%s%N) - before) / 1000000 )) )
done
wait "$sim" || true

# Let ingestion drain the log, then count.
sleep 5
kill -TERM "$host"; wait "$host" 2>/dev/null || true
python3 - "$work/accepted.csv" "$data/timelines.db" "$data/ingestion.db" "${restarts[*]}" <<'PY'
import csv, json, sqlite3, sys
accepted_path, timeline_path, log_path, restarts = sys.argv[1:5]
accepted = {(d, m): int(n) for d, m, n in csv.reader(open(accepted_path))}
stored = {}
for (data,) in sqlite3.connect(timeline_path).execute("SELECT data FROM timeline WHERE type = 0"):
    r = json.loads(data)
    stored.setdefault((r["deviceId"], r["messageId"]), []).append(r["index"])
quarantined = sqlite3.connect(timeline_path).execute("SELECT COUNT(*) FROM timeline WHERE type = 2").fetchone()[0]
logged = sqlite3.connect(log_path).execute("SELECT COUNT(*) FROM messages").fetchone()[0]
missing = [k for k in accepted if k not in stored]
incomplete = [k for k, n in accepted.items() if k in stored and sorted(stored[k]) != list(range(n))]
doubled = [k for k, v in stored.items() if len(v) != len(set(v))]
print(f"acknowledged messages: {len(accepted)} ({sum(accepted.values())} readings)")
print(f"in the ingestion log:  {logged}")
print(f"in the timeline:       {sum(1 for k in accepted if k in stored)} messages, {sum(len(v) for v in stored.values())} readings; quarantine records: {quarantined}")
print(f"missing: {len(missing)}, incomplete: {len(incomplete)}, stored twice: {len(doubled)}")
print(f"restarts after SIGKILL until healthy (ms): {restarts}")
sys.exit(1 if missing or incomplete or doubled else 0)
PY

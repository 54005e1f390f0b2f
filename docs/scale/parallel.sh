#!/usr/bin/env bash
# N shards of one shop as parallel processes on one machine, then the merge.
#   docs/scale/parallel.sh https://shop.example/ 4 out/ [OPTIONS...]
# OPTIONS go to every step (plan, each shard and the merge), e.g. --checkout off --fail-under 70:
# the merge refuses shards audited with other settings than its own.
# Each shard is its own process with its own connections; N shards make N times one shard's request
# rate, so DELAY_MS (per shard) defaults to N x 250 ms: about 4 requests a second in all.
set -euo pipefail
url=${1:?usage: parallel.sh URL SHARDS OUT-DIR}
shards=${2:-4}
out=${3:-mmaudit-out}
mmaudit=${MMAUDIT:-mmaudit}
delay=${DELAY_MS:-$((shards * 250))}

mkdir -p "$out/shards"
"$mmaudit" plan "$url" --shards "$shards" --out "$out/plan.json" "${@:4}"
seq 0 $((shards - 1)) | xargs -P "$shards" -I{} \
  "$mmaudit" audit --plan "$out/plan.json" --shard "{}/$shards" --delay "$delay" --quiet \
    --shard-out "$out/shards/shard-{}-of-$shards.json" "${@:4}"
# GNU parallel does the same: parallel -j "$shards" "$mmaudit" audit --plan ... --shard {}/"$shards" ::: $(seq 0 $((shards - 1)))
"$mmaudit" merge "$out"/shards/shard-*-of-"$shards".json --out-dir "$out/report" "${@:4}"

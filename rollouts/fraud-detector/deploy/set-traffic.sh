#!/bin/sh
# The fraud detector's traffic hook: rollout runs it before every stage change (start,
# advance, promote, rollback, restart), with the target in ROLLOUT_* variables. It writes the
# Istio VirtualService that splits traffic between the two model versions and applies it
# with kubectl when KUBECTL is set (KUBECTL=kubectl); otherwise it only writes the manifest.
# It sets the weights rather than adding to them, so running it twice is harmless: rollout
# may run it again after a failure.
set -eu
candidate=$ROLLOUT_TRAFFIC
baseline=$((100 - candidate))
mirror=""
if [ "$ROLLOUT_STAGE" = "shadow" ] && [ "$ROLLOUT_STATUS" = "PROGRESSING" ]; then
  # Shadow: the candidate sees a copy of live traffic; its answers are discarded.
  mirror="    mirror: {host: fraud-detector, subset: v$ROLLOUT_CANDIDATE}
    mirrorPercentage: {value: 100.0}"
fi
mkdir -p .rollout
manifest=.rollout/traffic.yaml
cat > "$manifest.tmp" <<YAML
# written by deploy/set-traffic.sh for rollout $ROLLOUT_NAME ($ROLLOUT_ACTION to $ROLLOUT_STAGE)
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: fraud-detector
spec:
  hosts: [fraud-detector]
  http:
  - route:
    - destination: {host: fraud-detector, subset: v$ROLLOUT_BASELINE}
      weight: $baseline
    - destination: {host: fraud-detector, subset: v$ROLLOUT_CANDIDATE}
      weight: $candidate
$mirror
YAML
mv "$manifest.tmp" "$manifest"
if [ -n "${KUBECTL:-}" ]; then
  "$KUBECTL" apply -f "$manifest"
else
  echo "set-traffic: candidate v$ROLLOUT_CANDIDATE at $candidate %, baseline v$ROLLOUT_BASELINE at $baseline % ($manifest; set KUBECTL=kubectl to apply)" >&2
fi

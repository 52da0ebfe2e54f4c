#!/usr/bin/env bash
# The CDK app command (cdk.json "app"): compiles the infra module (and `shared`) with the pinned Maven,
# then runs dev.sieve.infra.SieveApp on a JDK >= 21. The gate and events Lambda jars must already be built:
#   ./mvnw -pl gate-lambda,events-lambda -am package -DskipTests
set -euo pipefail
infra="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$infra")"
. "$root/scripts/find-java.sh"
sieve_find_java
# Node 20 is end-of-life for jsii; the banner it prints is noise here.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
# .ci/run sets SIEVE_CDK_SKIP_BUILD=true: its `./mvnw verify` has just built everything.
if [ "${SIEVE_CDK_SKIP_BUILD:-false}" != "true" ]; then
  "$root/mvnw" -q -B -ntp -pl infra -am package -DskipTests -Dspotless.check.skip=true >&2
fi
exec "$JAVA_HOME/bin/java" -cp "$infra/target/classes:$(cat "$infra/target/cdk-classpath.txt")" dev.sieve.infra.SieveApp "$@"

#!/usr/bin/env bash
# The CDK app command (cdk.json "app"): compiles the infra module (and `shared`) with the pinned Maven,
# then runs dev.sieve.infra.SieveApp on a JDK >= 21. The gate Lambda jar must already be built:
#   ./mvnw -pl gate-lambda -am package -DskipTests
set -euo pipefail
infra="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$infra")"
. "$root/scripts/find-java.sh"
sieve_find_java
if [ "${SIEVE_CDK_SKIP_BUILD:-false}" != "true" ]; then
  "$root/mvnw" -q -B -ntp -pl infra -am package -DskipTests -Dspotless.check.skip=true >&2
fi
exec "$JAVA_HOME/bin/java" -cp "$infra/target/classes:$(cat "$infra/target/cdk-classpath.txt")" dev.sieve.infra.SieveApp "$@"

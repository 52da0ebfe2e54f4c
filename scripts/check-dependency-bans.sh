#!/usr/bin/env bash
# Shows that the root pom's ban-vulnerable-dependencies rule (maven-enforcer bannedDependencies) fails the
# build when a version with a published advisory comes back: it validates modules with the fixed pins
# reverted one at a time (a direct dependency, and transitive ones) and expects each build to fail naming
# that artifact; then it validates them with the pins as committed and expects success.
# Usage: scripts/check-dependency-bans.sh   (about a minute and a half; fetches the old poms once)
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

expect_ban() { # <modules> <artifact> <-Dproperty=old-version>
  local modules="$1" artifact="$2" override="$3" out
  out=$(./mvnw -B -ntp -pl "$modules" -am validate "$override" 2>&1)
  if [ $? -ne 0 ] && grep -q "$artifact" <<<"$out" && grep -q "ban-vulnerable-dependencies" <<<"$out"; then
    echo "ok    $override: the build fails on $artifact"
  else
    echo "FAIL  $override: the build did not fail on $artifact"; status=1
  fi
}

expect_ban shared     com.fasterxml.jackson.core:jackson-databind:jar:2.22.0 -Djackson.version=2.22.0
expect_ban models     commons-beanutils:commons-beanutils:jar:1.9.4         -Dcommons-beanutils.version=1.9.4
expect_ban local-aws  org.yaml:snakeyaml:jar:1.33                            -Dsnakeyaml.version=1.33

if ./mvnw -B -ntp -q -pl shared,models,local-aws -am validate >/dev/null 2>&1; then
  echo "ok    the committed pins pass"
else
  echo "FAIL  the committed pins do not pass the rule"; status=1
fi
exit $status

#!/usr/bin/env bash
# ./sieve — runs the Sieve command line. Finds a JDK >= 21, builds the cli module on first use
# (and again whenever a source or pom is newer than the built jar), then runs it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$root/scripts/find-java.sh"
sieve_find_java
jar="$root/cli/target/sieve-cli.jar"
stale=""
if [ -f "$jar" ]; then
  # any main source or pom newer than the jar (pruning build outputs, node_modules and .git)
  stale="$(find "$root" \( -name target -o -name node_modules -o -name .git -o -name cdk.out \) -prune -o \
    \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit 2>/dev/null || true)"
fi
if [ ! -f "$jar" ] || [ -n "$stale" ]; then
  echo "sieve: building (first use or sources changed; takes a minute)..." >&2
  "$root/mvnw" -q -B -DskipTests -Dspotless.check.skip=true package -pl cli -am >&2
  # the jar plugin leaves an unchanged cli jar untouched; mark it fresh so a change in another
  # module does not rebuild on every later run
  touch "$jar"
fi
flags=(--enable-native-access=ALL-UNNAMED)
major="$(sieve_java_major "$JAVA_HOME")"
if [ "$major" -ge 23 ]; then flags+=(--sun-misc-unsafe-memory-access=allow); fi
exec "$JAVA_HOME/bin/java" ${SIEVE_JAVA_OPTS:-} "${flags[@]}" -jar "$jar" "$@"

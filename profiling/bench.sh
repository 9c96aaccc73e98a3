#!/bin/sh
# One measured run: builds dht when the jar is missing or older than the sources, then runs
# `java -jar target/dht.jar bench` with these arguments (see --help). Run it from anywhere.
set -e
cd "$(dirname "$0")/.."
if [ ! -f target/dht.jar ] || [ -n "$(find pom.xml src -newer target/dht.jar -print -quit)" ]; then
  mvn -B -q package -DskipTests
fi
exec java -jar target/dht.jar bench "$@"

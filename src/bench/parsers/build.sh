#!/usr/bin/env bash
# Fetch the jars (Maven Central) and compile with plain javac; everything goes to
# target/bench/parsers/ of the project, nothing is written here.
set -euo pipefail
cd "$(dirname "$0")"
OUT=../../../target/bench/parsers
mkdir -p "$OUT"
[ -f "$OUT/lib/fastcsv-4.4.0.jar" ] || mvn -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory="$OUT/lib" -DincludeScope=runtime
rm -rf "$OUT/classes" && mkdir -p "$OUT/classes"
javac --release 17 -Xlint:all -cp "$OUT/lib/*" -d "$OUT/classes" $(find src/main/java -name '*.java')

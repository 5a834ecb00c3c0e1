#!/usr/bin/env bash
# Fetch DuckDB's JDBC driver (Maven Central) and compile the DuckDB peer with plain javac; everything
# goes to target/bench/duckdb/ of the project, nothing is written here.
set -euo pipefail
cd "$(dirname "$0")"
OUT=../../../target/bench/duckdb
mkdir -p "$OUT"
[ -f "$OUT/lib/duckdb_jdbc-2.0.0.1.jar" ] || mvn -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory="$OUT/lib" -DincludeScope=runtime
rm -rf "$OUT/classes" && mkdir -p "$OUT/classes"
javac --release 17 -Xlint:all -cp "$OUT/lib/*" -d "$OUT/classes" $(find src/main/java -name '*.java')

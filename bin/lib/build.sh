# Sourced: builds the project when needed and prints classpaths.
# A build is needed when a jar is missing or any pom/source file is newer than the build stamp.

build_stamp="$ROOT/target/.layerpipe-build-stamp"

ensure_built() {
  command -v java >/dev/null || { echo "layerpipe: Java 17+ is required (java not found on PATH)" >&2; exit 1; }
  command -v mvn >/dev/null || { echo "layerpipe: Maven 3.8+ is required (mvn not found on PATH)" >&2; exit 1; }
  if [ -f "$build_stamp" ] && [ -z "$(find "$ROOT" -path "$ROOT/.venv" -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer "$build_stamp" -print -quit)" ]; then
    return 0
  fi
  echo "layerpipe: building (mvn package, tests skipped; the first build downloads ~400 MB) ..." >&2
  mkdir -p "$ROOT/target"
  (cd "$ROOT" && mvn -B -q -ntp -DskipTests -Dmaven.test.skip.exec=true install) >&2
  (cd "$ROOT" && mvn -B -q -ntp dependency:build-classpath -pl pipeline-core -Dmdep.outputFile="$ROOT/target/core.classpath") >&2
  if [ -d "$ROOT/spark-jobs/src/main" ]; then
    (cd "$ROOT" && mvn -B -q -ntp dependency:build-classpath -pl spark-jobs -Dmdep.includeScope=compile -Dmdep.outputFile="$ROOT/target/jobs.classpath") >&2
  fi
  touch "$build_stamp"
}

core_classpath() {
  echo "$(ls "$ROOT"/pipeline-core/target/pipeline-core-*.jar | grep -v -- '-tests' | head -1):$(cat "$ROOT/target/core.classpath")"
}

jobs_classpath() {
  echo "$(ls "$ROOT"/spark-jobs/target/spark-jobs-*.jar | grep -v -- '-tests\|-shaded\|original' | head -1):$(cat "$ROOT/target/jobs.classpath")"
}

bench_classpath() {
  echo "$(ls "$ROOT"/bench/target/bench-*.jar | head -1):$(core_classpath)"
}

# The jar for spark-submit (maven-shade-plugin in spark-jobs; ensure_built's install makes it).
shaded_jar() {
  local jar
  jar="$(ls "$ROOT"/spark-jobs/target/spark-jobs-*-shaded.jar 2>/dev/null | head -1)"
  [[ -n "$jar" ]] || { echo "layerpipe: spark-jobs/target/spark-jobs-*-shaded.jar is missing: run mvn -B install -DskipTests" >&2; return 1; }
  echo "$jar"
}

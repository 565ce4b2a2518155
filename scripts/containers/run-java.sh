#!/bin/sh
# The part of the published base's run-java.sh the services use: JAVA_OPTS, then JAVA_OPTS_APPEND
# (the Deployments' ConfigMaps set it), then the jar named by JAVA_APP_JAR.
# shellcheck disable=SC2086 # the options are word lists by design
exec java ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar "${JAVA_APP_JAR:?JAVA_APP_JAR is not set}" "$@"

#!/bin/sh
# Removes the Windows and macOS native libraries from ONNX Runtime jars, in place: the worker image runs
# on linux-x64 only, and the GPU jar carries about 514 MB of Windows DLLs (ai/onnxruntime/native/win-x64).
# Uses only the JDK's jar tool, so it runs in any JDK build image. Usage: strip-foreign-natives.sh JAR...
set -eu
for jar in "$@"; do
  work=$(mktemp -d)
  (cd "$work" && jar xf "$jar")
  rm -rf "$work"/ai/onnxruntime/native/win-* "$work"/ai/onnxruntime/native/osx-*
  manifest="$work.MANIFEST.MF"
  mv "$work/META-INF/MANIFEST.MF" "$manifest"
  jar cfm "$jar" "$manifest" -C "$work" .
  rm -rf "$work" "$manifest"
done

#!/usr/bin/env bash
# Compiles the engine-free core, the conformance runner and the fixture test program with
# mono's mcs (C# 7.2, the subset Unity 2021.3 and Debian mono both accept).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
mkdir -p "$out"
refs="-r:System.Net.Http.dll -r:System.Runtime.Serialization.dll"
flags="-langversion:7.2 -nologo -warnaserror+ -nowarn:1591 -debug-"
core=$(find "$here/Runtime/Core" -name '*.cs' | sort)
mcs $flags -target:library -out:"$out/AvatarTalk.Realtime.Core.dll" $refs $core
mcs $flags -target:exe -out:"$out/conformance.exe" $refs -r:"$out/AvatarTalk.Realtime.Core.dll" \
    $(find "$here/Conformance" -name '*.cs' | sort)
mcs $flags -target:exe -out:"$out/fixtures.exe" $refs -r:"$out/AvatarTalk.Realtime.Core.dll" \
    $(find "$here/Tests" -name '*.cs' | sort)
# Unity can't run here: type-check the MonoBehaviours and the sample against a small stub.
mcs $flags -target:library -out:"$out/unity-typecheck.dll" $refs -r:"$out/AvatarTalk.Realtime.Core.dll" \
    "$here/Stubs~/UnityEngineStub.cs" $(find "$here/Runtime/Unity" "$here/Samples~" -name '*.cs' | sort)
echo "built: $out/conformance.exe $out/fixtures.exe"

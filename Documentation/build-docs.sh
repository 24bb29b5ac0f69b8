#!/usr/bin/env bash
# Builds the DocC documentation of every library module with the toolchain's `docc`:
#
#     bash Documentation/build-docs.sh            # archives in .build-docs/archives/
#     bash Documentation/build-docs.sh --preview  # the same, then serves KimpleCore with `docc preview`
#
# One archive per module (<Module>.doccarchive), each converted with the archives of the modules it
# depends on, so that a link written ``KimpleCore/RecordLog`` resolves across modules, and
# Kimple.doccarchive, all of them merged under one landing page (serve it with any static web server).
#
# Expect about 80 warnings "'X' doesn't exist": doc comments that name a type of another module
# (``RecordLog`` in KimpleGames, ``KimpleCore/PersonalDataHolder``) which a per-module conversion
# cannot resolve; they render as code voice. Every other warning is a real problem to fix.
#
# It compiles the libraries a second time, in debug, into its own scratch path (.build-docs, ignored by
# git) with symbol graphs turned on, then converts each module's catalogue (Sources/<Module>/<Module>.docc)
# with that module's symbol graphs. Because of that second build it is not part of `.ci/run`; CI checks
# instead, on every build and in under two seconds, that every public declaration is documented
# (Documentation/check-docs.py).
set -euo pipefail
cd "$(dirname "$0")/.."

# In dependency order, each with the modules it depends on (Package.swift).
modules=(KimpleCore KimpleGames KimpleContracts KimplePrivacy KimpleAvailability KimpleTesting)
declare -A depends=(
    [KimpleCore]=""
    [KimpleGames]="KimpleCore"
    [KimpleContracts]="KimpleCore"
    [KimplePrivacy]="KimpleCore"
    [KimpleAvailability]="KimpleCore KimpleGames"
    [KimpleTesting]="KimpleCore KimpleGames KimpleContracts KimplePrivacy KimpleAvailability"
)
scratch=.build-docs
graphs="$scratch/symbol-graphs"
archives="$scratch/archives"
mkdir -p "$graphs" "$archives"

# KimpleTesting depends on every other library, so building it builds them all (and nothing else).
# Symbol graphs are written as each module compiles; an up-to-date module keeps its previous graph.
swift build --scratch-path "$scratch" --target KimpleTesting \
    -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$graphs" \
    -Xswiftc -symbol-graph-minimum-access-level -Xswiftc public

docc_tool=$(command -v docc || xcrun --find docc)
status=0
for module in "${modules[@]}"; do
    # One module's graphs: its own and those of its extensions to other modules (Module@Other).
    module_graphs="$scratch/graphs-$module"
    rm -rf "$module_graphs"
    mkdir -p "$module_graphs"
    cp "$graphs/$module.symbols.json" "$module_graphs/"
    cp "$graphs/$module"@*.symbols.json "$module_graphs/" 2>/dev/null || true
    dependencies=()
    for dependency in ${depends[$module]}; do
        dependencies+=(--dependency "$archives/$dependency.doccarchive")
    done
    echo "== $module"
    rm -rf "$archives/$module.doccarchive"
    if ! "$docc_tool" convert "Sources/$module/$module.docc" \
        --fallback-display-name "$module" \
        --fallback-bundle-identifier "org.kimple.sdk.$module" \
        --additional-symbol-graph-dir "$module_graphs" \
        --output-path "$archives/$module.doccarchive" \
        --enable-experimental-external-link-support "${dependencies[@]}" \
        --transform-for-static-hosting; then
        status=1
    fi
done

rm -rf "$archives/Kimple.doccarchive"
"$docc_tool" merge $(printf "$archives/%s.doccarchive " "${modules[@]}") --output-path "$archives/Kimple.doccarchive" \
    --synthesized-landing-page-name "Kimple SDK"
echo "Documentation: $archives/Kimple.doccarchive (and one archive per module next to it)"

if [[ "${1:-}" == "--preview" ]]; then
    "$docc_tool" preview "Sources/KimpleCore/KimpleCore.docc" \
        --additional-symbol-graph-dir "$scratch/graphs-KimpleCore"
fi
exit $status

#!/usr/bin/env bash
# Builds the DocC documentation of every library module with the toolchain's `docc`:
#
#     bash Documentation/build-docs.sh            # archives in .build-docs/archives/<Module>.doccarchive
#     bash Documentation/build-docs.sh --preview  # the same, then serves KimpleCore with `docc preview`
#
# It compiles the libraries a second time, in debug, into its own scratch path (.build-docs, ignored by
# git) with symbol graphs turned on, then converts each module's catalogue (Sources/<Module>/<Module>.docc)
# with that module's symbol graphs. Because of that second build it is not part of `.ci/run`; CI checks
# instead, on every build and in under two seconds, that every public declaration is documented
# (Documentation/check-docs.py).
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(KimpleCore KimpleGames KimpleContracts KimplePrivacy KimpleAvailability KimpleTesting)
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
    echo "== $module"
    if ! "$docc_tool" convert "Sources/$module/$module.docc" \
        --fallback-display-name "$module" \
        --fallback-bundle-identifier "org.kimple.sdk.$module" \
        --additional-symbol-graph-dir "$module_graphs" \
        --output-path "$archives/$module.doccarchive" \
        --transform-for-static-hosting; then
        status=1
    fi
done

if [[ "${1:-}" == "--preview" ]]; then
    "$docc_tool" preview "Sources/KimpleCore/KimpleCore.docc" \
        --additional-symbol-graph-dir "$scratch/graphs-KimpleCore"
fi
exit $status

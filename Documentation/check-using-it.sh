#!/usr/bin/env bash
# Builds the package README.md's "Using it" shows, exactly as shown, outside the repository: a
# server next to a checkout of the SDK in a folder named kimple-sdk, depending on the Kimple
# product by path, and runs one call of the entry point in it. Fails when the README's snippet
# does not resolve or build as written.
set -euo pipefail
repository="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The SDK as a user gets it: a clone of the committed tree (uncommitted files are not in it).
git clone --quiet "$repository" "$work/kimple-sdk"
mkdir -p "$work/my-server/Sources/MyServer"

# The README's block after the marker, verbatim.
python3 - "$repository/README.md" "$work/my-server/Package.swift" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
marker = "<!-- using-it: Package.swift -->\n```swift\n"
start = text.index(marker) + len(marker)
open(sys.argv[2], "w", encoding="utf-8").write(text[start:text.index("```", start)])
PY

cat > "$work/my-server/Sources/MyServer/main.swift" <<'SWIFT'
import Kimple

let clock = ManualClock(try ISO8601.instant("2026-05-04T09:00:00Z"))
let kimple = try await Kimple.open(
    storage: .inMemory, clock: clock,
    processor: PartyProfile(name: "Processor SAS", address: "Lille, France", contact: "dpo@processor.example"),
    hosting: [HostingSite(provider: "Example Cloud", country: "FR", activities: [.hosting, .collection])])
let brand = try await kimple.tenant(
    "brand", identitySecret: try IdentitySecret(Array("32 random bytes kept by the host.".utf8)), instruction: "june")
print("opened \(brand.id): holders \(brand.privacy.holders.names.joined(separator: ", "))")
try await kimple.close()
SWIFT

cd "$work/my-server"
output="$(swift run --quiet MyServer)"
echo "$output"
[ "$output" = "opened brand: holders games.robot_events, games.participations" ]
echo "README's Using it: builds and runs as written"

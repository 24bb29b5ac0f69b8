import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The secret (or public beacon) value a draw's randomness comes from (G-7).
///
/// A secret seed is 32 random bytes kept by the operator (or a bailiff) between the
/// commitment and the draw; the SDK never stores it before the reveal. A beacon value is the
/// output of a public randomness beacon, named in advance in the commitment. Both are 1 to
/// 1,024 bytes, written as lowercase hexadecimal on the certificate.
public struct DrawSeed: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The largest seed, in bytes.
    public static let maximumByteCount = 1024

    /// The seed's bytes.
    public let bytes: [UInt8]

    /// A seed of `bytes`.
    ///
    /// - Throws: `draw.invalid_seed` when `bytes` is empty or longer than 1,024 bytes.
    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty, bytes.count <= Self.maximumByteCount else {
            throw KimpleError(
                .drawInvalidSeed, "A draw seed is 1 to 1,024 bytes.", context: ["length": String(bytes.count)])
        }
        self.bytes = bytes
    }

    /// A seed written as hexadecimal (either case).
    ///
    /// - Throws: `draw.invalid_seed` when `hex` is not an even number of hexadecimal digits
    ///   giving 1 to 1,024 bytes.
    public init(hex: String) throws {
        guard let bytes = Hex.bytes(hex) else {
            throw KimpleError(.drawInvalidSeed, "A draw seed is written as hexadecimal digits, two per byte.")
        }
        try self.init(bytes: bytes)
    }

    /// A new secret seed: 32 bytes from the system's cryptographic random source.
    public static func random() -> DrawSeed {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let word: UInt64 = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return DrawSeed(unchecked: bytes)
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The lowercase hexadecimal text of the seed.
    public var hex: String { Hex.string(bytes) }

    /// The hexadecimal text: a seed is printed only once revealed.
    public var description: String { hex }

    /// SHA-256 of the seed's bytes: what a ``DrawCommitment/secretSeed(seedSHA256:)``
    /// publishes before the operation closes.
    public var sha256: SHA256Digest { SHA256.hash(bytes) }

    /// The commitment to publish for this secret seed.
    public var commitment: DrawCommitment { .secretSeed(seedSHA256: sha256) }

    /// Encodes as the hexadecimal text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    /// Decodes the hexadecimal text; throws `DecodingError.dataCorrupted` when it is not a seed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let bytes = Hex.bytes(text), !bytes.isEmpty, bytes.count <= Self.maximumByteCount else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "A draw seed is 1 to 1,024 bytes in hex.")
        }
        self.bytes = bytes
    }
}

/// What an operation publishes before it closes, binding its draw to randomness nobody can
/// choose after seeing the entries (G-7).
public enum DrawCommitment: Sendable, Hashable, Codable {
    /// SHA-256 of a secret seed, revealed at draw time.
    case secretSeed(seedSHA256: SHA256Digest)
    /// A public randomness beacon's output fixed in advance: `source` names the beacon (for
    /// example `drand quicknet`) and `round` the output to use, one published after the
    /// operation closes. The value is whatever the beacon publishes for that round.
    case publicBeacon(source: String, round: String)

    /// `secret-seed` or `public-beacon`.
    public var kind: String {
        switch self {
        case .secretSeed: "secret-seed"
        case .publicBeacon: "public-beacon"
        }
    }

    /// The commitment as one line of text: the seed's SHA-256 in hexadecimal, or
    /// `<source>#<round>` for a beacon.
    public var text: String {
        switch self {
        case .secretSeed(let digest): digest.hex
        case .publicBeacon(let source, let round): source + "#" + round
        }
    }

    /// Checks that the commitment is well formed.
    ///
    /// - Throws: `draw.invalid_seed` when a beacon source or round is empty, longer than 256
    ///   bytes, or holds a control character.
    public func validate() throws {
        guard case .publicBeacon(let source, let round) = self else { return }
        guard CanonicalText.isValid(source, maximumBytes: 256, allowsSpace: true),
            CanonicalText.isValid(round, maximumBytes: 256, allowsSpace: true)
        else {
            throw KimpleError(
                .drawInvalidSeed, "A beacon commitment names its source and round: 1 to 256 characters each.")
        }
    }

    /// Checks that `seed` is the value committed to.
    ///
    /// For a secret seed, its SHA-256 must equal the published digest. For a beacon, the SDK
    /// cannot fetch the beacon: the value is accepted as given and printed on the certificate
    /// next to the source and round, where anyone can check it against the beacon.
    ///
    /// - Throws: `draw.seed_mismatch` when the seed's SHA-256 is not the one committed.
    public func check(_ seed: DrawSeed) throws {
        guard case .secretSeed(let digest) = self else { return }
        guard constantTimeEquals(seed.sha256, digest) else {
            throw KimpleError(
                .drawSeedMismatch,
                "The seed revealed is not the one committed to before closing: its SHA-256 differs. Reveal the original seed.",
                context: ["committed": digest.hex])
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, seedSHA256, source, round
    }

    /// Encodes as `{"kind": "secret-seed", "seedSHA256": ...}` or
    /// `{"kind": "public-beacon", "source": ..., "round": ...}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .secretSeed(let digest):
            try container.encode(digest, forKey: .seedSHA256)
        case .publicBeacon(let source, let round):
            try container.encode(source, forKey: .source)
            try container.encode(round, forKey: .round)
        }
    }

    /// Decodes what ``encode(to:)`` writes; throws `DecodingError` for an unknown kind.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "secret-seed":
            self = .secretSeed(seedSHA256: try container.decode(SHA256Digest.self, forKey: .seedSHA256))
        case "public-beacon":
            self = .publicBeacon(
                source: try container.decode(String.self, forKey: .source),
                round: try container.decode(String.self, forKey: .round))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "Unknown draw commitment kind.")
        }
    }
}

import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The keyed hash that identifies a person for the participation limit (G-4): the first
/// 128 bits of an HMAC-SHA256 of the normalised identity under a per-operation key derived
/// from the tenant's secret (see ``IdentityHasher``). Keys of the same person differ from
/// one operation to another, and cannot be linked back to the person without the secret.
public struct IdentityKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Bytes 0-7, big-endian.
    public let high: UInt64
    /// Bytes 8-15, big-endian.
    public let low: UInt64

    /// The key whose bytes are `high` then `low`, big-endian.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The key of exactly 16 bytes; `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// The first 16 bytes of `digest`.
    public init(truncating digest: SHA256Digest) {
        self = digest.withUnsafeBytes { raw in
            IdentityKey(
                high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    /// The 16 bytes, in order.
    public var bytes: [UInt8] {
        (0..<16).map { index in
            UInt8(truncatingIfNeeded: (index < 8 ? high >> (56 - 8 * index) : low >> (56 - 8 * (index - 8))))
        }
    }

    /// 32 lowercase hexadecimal digits.
    public var description: String { Hex.string(high) + Hex.string(low) }

    /// Orders values (see the type's documentation).
    public static func < (lhs: IdentityKey, rhs: IdentityKey) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    /// Decodes the value; throws `DecodingError` for malformed input.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let bytes = Hex.bytes(try container.decode(String.self)), let key = IdentityKey(bytes: bytes) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "An identity key is 32 hex digits.")
        }
        self = key
    }

    /// Encodes the value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A tenant's identity secret, supplied by the host (G-4).
///
/// The host keeps one secret per tenant (in its secret manager, next to its database
/// credentials) and passes it to the tenant's intake. The SDK never stores it; it keeps
/// only a ``fingerprint`` so that an intake started with another secret is refused
/// (`participation.identity_secret_mismatch`) instead of silently letting every person
/// in again. Changing the secret of a tenant whose operations are running resets their
/// limits; do it between operations.
public struct IdentitySecret: Sendable {
    let key: HMACSHA256Key
    /// A public value identifying the secret (an HMAC of a fixed label): safe to store.
    public let fingerprint: SHA256Digest

    /// The secret `bytes`: at least 16 bytes (32 random bytes recommended).
    /// Throws `core.invalid_argument` for a shorter secret.
    public init(_ bytes: some DataProtocol) throws {
        guard bytes.count >= 16 else {
            throw KimpleError(
                .invalidArgument, "An identity secret has at least 16 bytes; use 32 random bytes.",
                context: ["size": String(bytes.count)])
        }
        self.key = HMACSHA256Key(bytes)
        self.fingerprint = key.authenticationCode(for: Array("kimple.games.identity-secret.fingerprint.v1".utf8))
    }
}

/// Computes identity keys for one operation: the operation key
/// `K_op = HMAC(secret, "kimple.games.identity.v1" ‖ 0x00 ‖ operation id)` is derived once,
/// then each key is the first 16 bytes of `HMAC(K_op, tag ‖ normalised identity)`, where the
/// tag is one byte: 1 e-mail, 2 phone, 3 host key. About two SHA-256 compressions per key.
public struct IdentityHasher: Sendable {
    private let operationKey: HMACSHA256Key

    /// The hasher of `operation` under the tenant's `secret` (derives the operation key once).
    public init(secret: IdentitySecret, operation: OperationID) {
        var message = Array("kimple.games.identity.v1".utf8)
        message.append(0)
        message.append(contentsOf: operation.rawValue.utf8)
        let derived = secret.key.authenticationCode(for: message)
        self.operationKey = HMACSHA256Key(derived.bytes)
    }

    /// The key of `normalized` (the normalised e-mail, phone or host key) read as `source`.
    public func key(for normalized: String, source: IdentitySource) -> IdentityKey {
        var mac = HMACSHA256(key: operationKey)
        var tag: UInt8
        switch source {
        case .email: tag = 1
        case .phone: tag = 2
        case .hostKey: tag = 3
        }
        withUnsafeBytes(of: &tag) { mac.update(bytes: $0) }
        mac.update(normalized)
        return IdentityKey(truncating: mac.finalize())
    }
}

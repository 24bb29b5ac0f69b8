import Foundation
import KimpleCore

/// A stored password hash (C-8): PBKDF2-HMAC-SHA256 with a per-user random salt and the iteration count
/// it was made with, so that raising the count later does not invalidate existing hashes.
public struct PasswordHash: Hashable, Sendable, Codable {
    /// `pbkdf2-sha256`.
    public var algorithm: String
    /// The PBKDF2 iteration count.
    public var iterations: Int
    /// The salt, 16 random bytes, hexadecimal.
    public var salt: String
    /// The derived key, 32 bytes, hexadecimal.
    public var hash: String

    /// The only algorithm.
    public static let pbkdf2SHA256 = "pbkdf2-sha256"
    /// Salt length in bytes.
    public static let saltLength = 16
    /// Derived key length in bytes.
    public static let keyLength = 32

    /// Hashes `password` with a fresh random salt. Throws `core.invalid_argument` when `iterations` < 1.
    public static func make(password: String, iterations: Int) throws -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        var salt: [UInt8] = []
        salt.reserveCapacity(saltLength)
        while salt.count < saltLength {
            withUnsafeBytes(of: generator.next() as UInt64) { salt.append(contentsOf: $0) }
        }
        salt.removeLast(salt.count - saltLength)
        return try make(password: password, salt: salt, iterations: iterations)
    }

    /// Hashes `password` with `salt` (for tests and published vectors).
    public static func make(password: String, salt: [UInt8], iterations: Int) throws -> PasswordHash {
        let key = try PBKDF2.sha256(
            password: Array(password.utf8), salt: salt, iterations: iterations, keyLength: keyLength)
        return PasswordHash(
            algorithm: pbkdf2SHA256, iterations: iterations, salt: Hex.string(salt), hash: Hex.string(key))
    }

    /// Whether `password` matches, comparing the derived keys in constant time (`constantTimeEquals`).
    /// A hash that does not decode never matches.
    public func verify(_ password: String) -> Bool {
        guard algorithm == Self.pbkdf2SHA256, iterations >= 1, let salt = Hex.bytes(salt),
            let expected = Hex.bytes(hash), expected.count == Self.keyLength,
            let key = try? PBKDF2.sha256(
                password: Array(password.utf8), salt: salt, iterations: iterations, keyLength: Self.keyLength)
        else { return false }
        return constantTimeEquals(key, expected)
    }
}

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

/// How logins are protected (C-8).
public struct LoginPolicy: Hashable, Sendable, Codable {
    /// PBKDF2 iterations for new hashes. 600,000 by default (the OWASP recommendation for
    /// PBKDF2-HMAC-SHA256); a hash made with fewer is upgraded at the next successful login.
    public var iterations: Int
    /// Consecutive failures that lock a login.
    public var maximumFailedAttempts: Int
    /// How long a lock lasts, in seconds.
    public var lockoutSeconds: Int
    /// The shortest password accepted, in characters.
    public var minimumPasswordLength: Int
    /// The longest password accepted, in bytes of UTF-8 (bounds the hashing work an attacker can cause).
    public var maximumPasswordBytes: Int

    /// A policy; the defaults are 600,000 iterations, lock after 5 failures for 15 minutes, passwords of
    /// 12 characters to 1,024 bytes.
    public init(
        iterations: Int = 600_000, maximumFailedAttempts: Int = 5, lockoutSeconds: Int = 900,
        minimumPasswordLength: Int = 12, maximumPasswordBytes: Int = 1_024
    ) {
        self.iterations = iterations
        self.maximumFailedAttempts = maximumFailedAttempts
        self.lockoutSeconds = lockoutSeconds
        self.minimumPasswordLength = minimumPasswordLength
        self.maximumPasswordBytes = maximumPasswordBytes
    }

    /// Throws `core.invalid_argument` when a value is out of range (iterations < 1, attempts < 1,
    /// negative lockout, minimum length < 8).
    public func validate() throws {
        guard iterations >= 1, maximumFailedAttempts >= 1, lockoutSeconds >= 0, minimumPasswordLength >= 8,
            maximumPasswordBytes >= minimumPasswordLength
        else {
            throw KimpleError(
                .invalidArgument,
                "A login policy needs at least 1 iteration, 1 attempt, a lockout of 0 s or more and passwords of "
                    + "at least 8 characters.")
        }
    }

    /// Throws `contract.user.password_rejected` when `password` is too short or too long.
    public func check(password: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw KimpleError(
                .contractUserPasswordRejected,
                "A password has at least \(minimumPasswordLength) characters.",
                context: ["minimum": String(minimumPasswordLength)])
        }
        guard password.utf8.count <= maximumPasswordBytes else {
            throw KimpleError(
                .contractUserPasswordRejected, "A password has at most \(maximumPasswordBytes) bytes.",
                context: ["maximum": String(maximumPasswordBytes)])
        }
    }
}

/// A personal login of the client (§2.1, C-8). Holds no password, only its hash.
public struct AuthorizedUser: Hashable, Sendable, Codable, Identifiable {
    /// Why a login no longer acts.
    public enum Deactivation: Hashable, Sendable, Codable {
        /// The client declared the login lost or stolen (§2.1): deactivated at once.
        case lostOrStolen(declaredAt: Date, by: Principal)
        /// The login was removed.
        case removed(at: Date, by: Principal)
    }

    /// The login.
    public var id: UserID
    /// The name shown in the dashboard (a login, not personal data in the evidence log: only the id goes there).
    public var displayName: String
    /// The password hash.
    public var passwordHash: PasswordHash
    /// Consecutive failed logins.
    public var failedAttempts: Int
    /// Until when the login is locked after repeated failures.
    public var lockedUntil: Date?
    /// Why it was deactivated, if it was.
    public var deactivation: Deactivation?
    /// When it was created.
    public var createdAt: Date
    /// The last successful login.
    public var lastLoginAt: Date?

    /// Whether the login can act (not deactivated).
    public var isActive: Bool { deactivation == nil }

    /// Whether the login is locked at `instant`.
    public func isLocked(at instant: Date) -> Bool { lockedUntil.map { instant < $0 } ?? false }
}

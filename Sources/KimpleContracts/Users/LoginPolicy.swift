import Foundation
import KimpleCore

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

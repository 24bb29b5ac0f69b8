import Foundation
import KimpleCore

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

import Foundation
import KimpleCore

extension ContractService {
    // MARK: - Authorised users (C-8, §2.1)

    /// Creates a personal login for the client. The password is hashed with PBKDF2-HMAC-SHA256, a fresh
    /// 16-byte salt and the policy's iteration count; only the hash is stored.
    ///
    /// Throws `contract.user.password_rejected` for a password outside the policy, `contract.user.exists`
    /// when the id is taken.
    @discardableResult
    public func createUser(
        _ id: UserID, displayName: String, password: String, by principal: Principal
    ) async throws
        -> AuthorizedUser
    {
        try await authorize(principal)
        let policy = configuration.loginPolicy
        try policy.check(password: password)
        let user = AuthorizedUser(
            id: id, displayName: displayName,
            passwordHash: try PasswordHash.make(password: password, iterations: policy.iterations), failedAttempts: 0,
            lockedUntil: nil, deactivation: nil, createdAt: clock.now, lastLoginAt: nil)
        do {
            try await store.insert(Self.userKey(id), JSONCoding.encode(user))
        } catch let error as KimpleError where error.code == .storageConflict {
            throw KimpleError(
                .contractUserExists, "A login with this id exists already.", context: ["user": id.rawValue])
        }
        try await log(principal, "contract.user.created", "user:\(id.rawValue)")
        return user
    }

    /// The login `id`; throws `contract.user.not_found`.
    public func user(_ id: UserID) async throws -> AuthorizedUser {
        try await loadUser(id).value
    }

    /// Every login of the client, by id.
    public func users() async throws -> [AuthorizedUser] {
        try await loadAll(AuthorizedUser.self, prefix: "user/")
    }

    /// Checks `password` for login `id` and returns the login.
    ///
    /// - The hash is compared in constant time; an unknown login costs the same hashing work as a known
    ///   one and fails with the same error, so neither timing nor code tells whether a login exists.
    /// - After `maximumFailedAttempts` consecutive failures the login is locked for `lockoutSeconds`.
    /// - A success resets the failure count and upgrades a hash made with fewer iterations than the policy's.
    /// - Every success, failure and lock is written to the evidence log.
    ///
    /// Throws `contract.user.authentication_failed` (wrong password or unknown login), `contract.user.locked`
    /// (context `until`), `contract.user.deactivated` (declared lost or stolen, or removed).
    @discardableResult
    public func authenticate(_ id: UserID, password: String) async throws -> AuthorizedUser {
        let policy = configuration.loginPolicy
        let failed = KimpleError(
            .contractUserAuthenticationFailed, "The login or the password is wrong.", context: ["user": id.rawValue])
        guard password.utf8.count <= policy.maximumPasswordBytes,
            let stored = try await load(AuthorizedUser.self, Self.userKey(id))
        else {
            _ = try? PasswordHash.make(password: password, salt: Self.decoySalt, iterations: policy.iterations)
            throw failed
        }
        let now = clock.now
        try checkCanAct(stored.value, at: now)
        let matches = stored.value.passwordHash.verify(password)
        for attempt in 0..<Self.maximumAttempts {
            let current = attempt == 0 ? stored : try await loadUser(id)
            var user = current.value
            try checkCanAct(user, at: now)
            var locked = false
            if matches {
                user.failedAttempts = 0
                user.lockedUntil = nil
                user.lastLoginAt = now
                if user.passwordHash.iterations < policy.iterations {
                    user.passwordHash = try PasswordHash.make(password: password, iterations: policy.iterations)
                }
            } else {
                user.failedAttempts += 1
                if user.failedAttempts >= policy.maximumFailedAttempts {
                    user.failedAttempts = 0
                    user.lockedUntil = now.addingTimeInterval(TimeInterval(policy.lockoutSeconds))
                    locked = true
                }
            }
            do {
                try await store.replace(
                    Self.userKey(id), expectedVersion: current.version, with: JSONCoding.encode(user))
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another writer committed first: let it run, then read again.
                await Task.yield()
                continue
            }
            let subject = "user:\(id.rawValue)"
            if matches {
                try await log(.user(id), "contract.user.login", subject)
                return user
            }
            try await log(.user(id), "contract.user.login_failed", subject, "attempt refused")
            if locked {
                try await log(
                    .system("contracts.users"), "contract.user.locked", subject,
                    "after \(policy.maximumFailedAttempts) failures, until \(ISO8601.string(user.lockedUntil ?? now))")
            }
            throw failed
        }
        throw KimpleError(.contractConflict, "The login kept changing; try again.", context: ["user": id.rawValue])
    }

    /// Records the client's declaration that login `id` was lost or stolen (§2.1): it is deactivated at once
    /// and can no longer authenticate or act; actions before the declaration stay attributed to the client.
    /// Declaring a deactivated login again changes nothing. Throws `contract.user.not_found`.
    @discardableResult
    public func declareLostOrStolen(_ id: UserID, by principal: Principal) async throws -> AuthorizedUser {
        try await deactivate(id, action: "contract.user.lost_or_stolen", by: principal) {
            .lostOrStolen(declaredAt: $0, by: principal)
        }
    }

    /// Removes login `id`: deactivated, kept for the record. Throws `contract.user.not_found`.
    @discardableResult
    public func removeUser(_ id: UserID, by principal: Principal) async throws -> AuthorizedUser {
        try await authorize(principal)
        return try await deactivate(id, action: "contract.user.removed", by: principal) {
            .removed(at: $0, by: principal)
        }
    }

    /// Changes the password of login `id` after checking the current one (a failure counts towards the
    /// lock-out). Throws like ``authenticate(_:password:)`` and `contract.user.password_rejected`.
    @discardableResult
    public func changePassword(_ id: UserID, current: String, new: String) async throws -> AuthorizedUser {
        let policy = configuration.loginPolicy
        try policy.check(password: new)
        _ = try await authenticate(id, password: current)
        let hash = try PasswordHash.make(password: new, iterations: policy.iterations)
        let now = clock.now
        for _ in 0..<Self.maximumAttempts {
            let stored = try await loadUser(id)
            var user = stored.value
            try checkCanAct(user, at: now)
            user.passwordHash = hash
            do {
                try await store.replace(
                    Self.userKey(id), expectedVersion: stored.version, with: JSONCoding.encode(user))
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another writer committed first: let it run, then read again.
                await Task.yield()
                continue
            }
            try await log(.user(id), "contract.user.password_changed", "user:\(id.rawValue)")
            return user
        }
        throw KimpleError(.contractConflict, "The login kept changing; try again.", context: ["user": id.rawValue])
    }

    /// Writes an action done through login `user` to the evidence log, attributed to the client (§2.1,
    /// §14.5, K-5): the principal is the login, the details say the client it acts for.
    ///
    /// Throws `contract.user.not_found`, `contract.user.deactivated` for a login declared lost or stolen
    /// (the action is refused, not attributed), `contract.user.locked` for a locked login.
    @discardableResult
    public func recordUserAction(
        _ user: UserID, action: String, subject: String, details: String = "", payload: Data? = nil
    ) async throws -> EvidenceEntry {
        let stored = try await loadUser(user)
        try checkCanAct(stored.value, at: clock.now)
        return try await evidence.record(
            .user(user), action: action, subject: subject, details: attributed(.user(user), details), payload: payload)
    }

    // MARK: - Helpers

    static let decoySalt = [UInt8](repeating: 0x5A, count: PasswordHash.saltLength)

    func loadUser(_ id: UserID) async throws -> Stored<AuthorizedUser> {
        guard let stored = try await load(AuthorizedUser.self, Self.userKey(id)) else {
            throw KimpleError(.contractUserNotFound, "No login has this id.", context: ["user": id.rawValue])
        }
        return stored
    }

    func checkCanAct(_ user: AuthorizedUser, at now: Date) throws {
        if let deactivation = user.deactivation {
            let reason: String
            switch deactivation {
            case .lostOrStolen: reason = "declared lost or stolen"
            case .removed: reason = "removed"
            }
            throw KimpleError(
                .contractUserDeactivated, "This login was \(reason) and can no longer be used (§2.1).",
                context: ["user": user.id.rawValue])
        }
        if let until = user.lockedUntil, now < until {
            throw KimpleError(
                .contractUserLocked, "This login is locked after repeated failures; try again later.",
                context: ["user": user.id.rawValue, "until": ISO8601.string(until)])
        }
    }

    private func deactivate(
        _ id: UserID, action: String, by principal: Principal, _ reason: (Date) -> AuthorizedUser.Deactivation
    ) async throws -> AuthorizedUser {
        let now = clock.now
        for _ in 0..<Self.maximumAttempts {
            let stored = try await loadUser(id)
            var user = stored.value
            guard user.deactivation == nil else { return user }
            user.deactivation = reason(now)
            do {
                try await store.replace(
                    Self.userKey(id), expectedVersion: stored.version, with: JSONCoding.encode(user))
            } catch let error as KimpleError where error.code == .storageConflict {
                // Another writer committed first: let it run, then read again.
                await Task.yield()
                continue
            }
            try await log(principal, action, "user:\(id.rawValue)", "deactivated at once")
            return user
        }
        throw KimpleError(.contractConflict, "The login kept changing; try again.", context: ["user": id.rawValue])
    }
}

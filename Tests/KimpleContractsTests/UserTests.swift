import Foundation
import KimpleContracts
import KimpleCore
import Testing

/// Authorised users (C-8, §2.1).
@Suite("Authorised users")
struct UserTests {
    // SPEC C-8: PBKDF2-HMAC-SHA256, the published vector of RFC 7914 §11 (P = "passwd", S = "salt", c = 1).
    @Test func passwordHashVector() throws {
        let hash = try PasswordHash.make(password: "passwd", salt: Array("salt".utf8), iterations: 1)
        #expect(hash.hash == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        #expect(hash.algorithm == "pbkdf2-sha256")
        #expect(hash.verify("passwd"))
        #expect(!hash.verify("passwe"))
        #expect(LoginPolicy().iterations == 600_000)
    }

    // SPEC C-8: personal logins hashed with a per-user salt and a stored iteration count, never in clear.
    @Test func createAndAuthenticate() async throws {
        let f = try await Fixture.make(today: "2026-01-10")
        await expectError(.contractUserPasswordRejected) {
            try await f.service.createUser("alice", displayName: "Alice", password: "short", by: Fixture.host)
        }
        let alice = try await f.service.createUser(
            "alice", displayName: "Alice", password: "correct horse battery", by: Fixture.host)
        let bob = try await f.service.createUser(
            "bob", displayName: "Bob", password: "correct horse battery", by: Fixture.host)
        #expect(alice.passwordHash.iterations == 1_000)
        #expect(alice.passwordHash.salt.count == 32)
        #expect(alice.passwordHash.salt != bob.passwordHash.salt)
        #expect(alice.passwordHash.hash != bob.passwordHash.hash)
        let stored = try #require(try await f.storage.documentStore(ContractService.storeName).get("user/alice"))
        #expect(!String(decoding: stored.value, as: UTF8.self).contains("correct horse"))
        await expectError(.contractUserExists) {
            try await f.service.createUser(
                "alice", displayName: "Alice 2", password: "another long password", by: Fixture.host)
        }
        let logged = try await f.service.authenticate("alice", password: "correct horse battery")
        #expect(logged.lastLoginAt == f.clock.now)
        await expectError(.contractUserAuthenticationFailed) {
            try await f.service.authenticate("alice", password: "wrong horse battery")
        }
        // An unknown login fails with the same code.
        await expectError(.contractUserAuthenticationFailed) {
            try await f.service.authenticate("mallory", password: "correct horse battery")
        }
    }

    // SPEC C-8: lock-out after repeated failures, for a limited time.
    @Test func lockout() async throws {
        let f = try await Fixture.make(today: "2026-01-10")
        try await f.service.createUser(
            "alice", displayName: "Alice", password: "correct horse battery", by: Fixture.host)
        for _ in 0..<5 {
            await expectError(.contractUserAuthenticationFailed) {
                try await f.service.authenticate("alice", password: "guess guess guess")
            }
        }
        await expectError(.contractUserLocked) {
            try await f.service.authenticate("alice", password: "correct horse battery")
        }
        f.clock.advance(by: 14 * 60)
        await expectError(.contractUserLocked) {
            try await f.service.authenticate("alice", password: "correct horse battery")
        }
        f.clock.advance(by: 60)
        let user = try await f.service.authenticate("alice", password: "correct horse battery")
        #expect(user.failedAttempts == 0)
    }

    // SPEC C-8, K-5: actions by a login are evidenced and attributed to the client; a login declared lost
    // or stolen is deactivated at once and can no longer act.
    @Test func lostOrStolen() async throws {
        let f = try await Fixture.make(today: "2026-01-10")
        try await f.service.createUser(
            "alice", displayName: "Alice", password: "correct horse battery", by: Fixture.host)
        try await f.service.authenticate("alice", password: "correct horse battery")
        let entry = try await f.service.recordUserAction(
            "alice", action: "games.operation.publish", subject: "operation:summer-2026")
        #expect(entry.principal == .user("alice"))
        #expect(entry.details == "attributed to client brand")
        #expect(entry.tenant == "brand")
        let declared = try await f.service.declareLostOrStolen("alice", by: .user("bob"))
        #expect(!declared.isActive)
        await expectError(.contractUserDeactivated) {
            try await f.service.authenticate("alice", password: "correct horse battery")
        }
        await expectError(.contractUserDeactivated) {
            try await f.service.recordUserAction("alice", action: "games.operation.publish", subject: "operation:x")
        }
        // Nor act through the service.
        await expectError(.contractUserDeactivated) {
            try await f.service.createQuote(try Fixture.content(start: "2026-02-01"), by: .user("alice"))
        }
        #expect(try await f.service.quotes().isEmpty)
        let log = try await EvidenceLog.open(f.storage, clock: f.clock)
        let actions = try await log.entries().map(\.action)
        #expect(
            actions == [
                "contract.user.created", "contract.user.login", "games.operation.publish",
                "contract.user.lost_or_stolen",
            ])
        #expect(try await log.verify().isIntact)
    }

    // SPEC C-8: a hash made with fewer iterations than the policy's is upgraded at the next login.
    @Test func iterationUpgrade() async throws {
        let backend = InMemoryStorage()
        let f = try await Fixture.make(today: "2026-01-10", backend: backend)
        try await f.service.createUser(
            "alice", displayName: "Alice", password: "correct horse battery", by: Fixture.host)
        let stronger = try await ContractService(
            storage: backend.tenant("brand"), clock: f.clock,
            configuration: .init(loginPolicy: LoginPolicy(iterations: 2_000)))
        let upgraded = try await stronger.authenticate("alice", password: "correct horse battery")
        #expect(upgraded.passwordHash.iterations == 2_000)
        #expect(upgraded.passwordHash.verify("correct horse battery"))
        try await stronger.changePassword("alice", current: "correct horse battery", new: "another long password")
        await expectError(.contractUserAuthenticationFailed) {
            try await stronger.authenticate("alice", password: "correct horse battery")
        }
        try await stronger.authenticate("alice", password: "another long password")
    }
}

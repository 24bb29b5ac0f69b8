import Foundation
import KimpleCore
import KimpleGames
import Testing

@Suite("Operation lifecycle")
struct OperationLifecycleTests {
    /// The whole table of G-1: every (command, status) pair not listed is illegal.
    static let legal: [LifecycleCommand: [OperationStatus: OperationStatus]] = [
        .schedule: [.draft: .scheduled],
        .unschedule: [.scheduled: .draft],
        .pause: [.live: .paused],
        .resume: [.paused: .live],
        .suspend: [.live: .suspended, .paused: .suspended],
        .liftSuspension: [.suspended: .live],
        .close: [.live: .closed, .paused: .closed, .suspended: .closed],
        .markDrawn: [.closed: .drawn],
        .archive: [.drawn: .archived],
    ]

    // SPEC G-1
    @Test("every legal transition leads where the lifecycle says, every other one is a typed error")
    func transitionTable() {
        var illegal = 0
        for command in LifecycleCommand.allCases {
            for status in OperationStatus.allCases {
                if let expected = Self.legal[command]?[status] {
                    #expect((try? OperationLifecycle.target(of: command, from: status)) == expected)
                } else {
                    illegal += 1
                    do {
                        _ = try OperationLifecycle.target(of: command, from: status)
                        Issue.record("\(command) from \(status) should be illegal")
                    } catch let error as KimpleError {
                        #expect(error.code == .operationIllegalTransition)
                        #expect(error.context["status"] == status.rawValue)
                        #expect(error.context["command"] == command.rawValue)
                    } catch {
                        Issue.record("unexpected \(error)")
                    }
                }
            }
        }
        // 9 commands x 8 statuses = 72 pairs, 12 of them legal.
        #expect(illegal == 60)
    }

    // SPEC G-1
    @Test("lifting a suspension restores the status it interrupted")
    func liftRestoresPrevious() throws {
        #expect(
            try OperationLifecycle.target(of: .liftSuspension, from: .suspended, beforeSuspension: .paused) == .paused)
        #expect(try OperationLifecycle.target(of: .liftSuspension, from: .suspended, beforeSuspension: .live) == .live)
    }

    // SPEC G-1
    @Test("the clock opens at the opening instant and closes at the closing instant (exclusive)")
    func effectiveStatus() {
        let opens = Fixtures.opensAt
        let closes = Fixtures.closesAt
        func at(_ stored: OperationStatus, _ instant: Date) -> OperationStatus {
            OperationStatus.effective(stored: stored, opensAt: opens, closesAt: closes, at: instant)
        }
        #expect(at(.scheduled, opens.addingTimeInterval(-0.001)) == .scheduled)
        #expect(at(.scheduled, opens) == .live)
        #expect(at(.live, closes.addingTimeInterval(-0.001)) == .live)
        #expect(at(.live, closes) == .closed)
        #expect(at(.paused, closes) == .closed)
        #expect(at(.suspended, closes) == .closed)
        #expect(at(.scheduled, closes) == .closed)
        #expect(at(.draft, closes) == .draft)
        #expect(at(.drawn, opens) == .drawn)
    }

    // SPEC G-1, K-5
    @Test("the service follows the clock, records who did what, and refuses illegal commands without change")
    func serviceLifecycle() async throws {
        let h = try await Harness.make(now: Fixtures.instant("2026-05-20T00:00:00Z"))
        let id = Fixtures.operationID
        #expect(try await h.service.operation(id).status == .scheduled)

        // An illegal command changes nothing: same version, no evidence entry.
        let version = try await h.operations.version(of: id)
        let entries = try await h.evidence.entries().count
        let error = await kimpleError { try await h.service.pause(id, by: Fixtures.staff) }
        #expect(error?.code == .operationIllegalTransition)
        #expect(try await h.operations.version(of: id) == version)
        #expect(try await h.evidence.entries().count == entries)

        // The opening instant: live on read, persisted by advance() at the instant itself.
        h.clock.set(Fixtures.opensAt)
        #expect(try await h.service.operation(id).status == .live)
        #expect(try await h.operations.operation(id)?.operation.status == .scheduled)
        let changed = try await h.service.advance()
        #expect(changed.map(\.id) == [id])
        let opened = try #require(try await h.operations.operation(id)?.operation)
        #expect(opened.status == .live)
        #expect(
            opened.history.last
                == StatusChange(
                    from: .scheduled, to: .live, at: Fixtures.opensAt, by: OperationService.clockPrincipal,
                    command: nil))

        // Pause, suspend (who and why), lift back to paused, resume.
        h.clock.advance(by: 3600)
        try await h.service.pause(id, by: Fixtures.staff, reason: "typo in the rules")
        let provider = Principal.host("provider-ops")
        let suspended = try await h.service.suspend(id, by: provider, reason: "traffic threatens the platform (§7.3)")
        #expect(suspended.status == .suspended)
        #expect(
            suspended.suspension
                == Suspension(
                    by: provider, reason: "traffic threatens the platform (§7.3)", at: h.clock.now,
                    previousStatus: .paused))
        #expect(
            await kimpleError { try await h.service.suspend(id, by: provider, reason: "again") }?.code
                == .operationIllegalTransition)
        #expect(
            await kimpleError { try await h.service.suspend(id, by: provider, reason: "  ") }?.code == .invalidArgument)
        #expect(try await h.service.liftSuspension(id, by: provider).status == .paused)
        #expect(try await h.service.resume(id, by: Fixtures.staff).status == .live)

        // The closing instant, then drawn and archived; nothing comes back from archived.
        h.clock.set(Fixtures.closesAt)
        #expect(try await h.service.operation(id).status == .closed)
        #expect(
            await kimpleError { try await h.service.resume(id, by: Fixtures.staff) }?.code
                == .operationIllegalTransition)
        try await h.service.markDrawn(id, by: Fixtures.staff)
        let archived = try await h.service.archive(id, by: Fixtures.staff)
        #expect(archived.status == .archived)
        #expect(
            archived.history.map(\.to) == [
                .scheduled, .live, .paused, .suspended, .paused, .live, .closed, .drawn, .archived,
            ])
        for command in LifecycleCommand.allCases {
            #expect(
                await kimpleError {
                    switch command {
                    case .schedule: try await h.service.schedule(id, under: Fixtures.licence, by: Fixtures.staff)
                    case .unschedule: try await h.service.unschedule(id, by: Fixtures.staff)
                    case .pause: try await h.service.pause(id, by: Fixtures.staff)
                    case .resume: try await h.service.resume(id, by: Fixtures.staff)
                    case .suspend: try await h.service.suspend(id, by: Fixtures.staff, reason: "x")
                    case .liftSuspension: try await h.service.liftSuspension(id, by: Fixtures.staff)
                    case .close: try await h.service.close(id, by: Fixtures.staff)
                    case .markDrawn: try await h.service.markDrawn(id, by: Fixtures.staff)
                    case .archive: try await h.service.archive(id, by: Fixtures.staff)
                    }
                }?.code == .operationIllegalTransition)
        }

        // Every action is in the evidence log with its author, and the chain verifies.
        let actions = try await h.evidence.entries().map { "\($0.principal) \($0.action)" }
        #expect(actions.contains("user:alice operation.create"))
        #expect(actions.contains("host:provider-ops operation.suspend"))
        #expect(actions.contains("system:games.clock operation.clock"))
        #expect(try await h.evidence.verify().isIntact)
    }

    // SPEC G-1
    @Test("only a draft can be edited; unscheduling before the opening makes it a draft again")
    func editing() async throws {
        let h = try await Harness.make(now: Fixtures.instant("2026-05-20T00:00:00Z"))
        let id = Fixtures.operationID
        let error = await kimpleError { try await h.service.update(id, by: Fixtures.staff) { $0.title = "New" } }
        #expect(error?.code == .operationNotEditable)
        try await h.service.unschedule(id, by: Fixtures.staff)
        let edited = try await h.service.update(id, by: Fixtures.staff) {
            $0.title = "Acme summer draw (extended)"
            $0.status = .live  // ignored: the status only changes by command
        }
        #expect(edited.title == "Acme summer draw (extended)")
        #expect(edited.status == .draft)
        let invalid = await kimpleError {
            try await h.service.update(id, by: Fixtures.staff) { $0.closesAt = $0.opensAt }
        }
        #expect(invalid?.code == .operationInvalid)
        #expect(invalid?.context["field"] == "closesAt")
        // After the opening instant a scheduled operation is live: it cannot be unscheduled.
        try await h.service.schedule(id, under: Fixtures.licence, by: Fixtures.staff)
        h.clock.set(Fixtures.during)
        #expect(
            await kimpleError { try await h.service.unschedule(id, by: Fixtures.staff) }?.code
                == .operationIllegalTransition)
    }
}

import Foundation
import KimpleCore
import KimpleGames

/// The intake bench's workload (`kimple-bench`, `kimple-postgres-bench`): a submission stream with
/// 10 % duplicates and 1 % robots, and an intake with a live operation `tv-spot` on a given
/// participation store.
public enum IntakeWorkload {
    /// First names the stream cycles through.
    public static let firstNames = [
        "Jeanne", "Louis", "Amélie", "Noah", "Chloé", "Lucas", "Inès", "Hugo", "Léa", "Jules",
    ]
    /// Browser user agents the stream cycles through.
    public static let browsers = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    ]

    /// The e-mail address of person `n`.
    public static func email(_ n: Int) -> String { "participant.\(n)@example.com" }

    /// A stream: the submissions, and how many are duplicates and robots.
    public struct Pool: Sendable {
        /// The submissions, in order.
        public var submissions: [ParticipationSubmission]
        /// Submissions that repeat an earlier person.
        public var duplicates: Int
        /// Submissions from robots.
        public var robots: Int
    }

    /// `count` submissions: every tenth repeats an earlier person, every hundredth is a robot
    /// (a filled honeypot or a load-testing agent), sources spread over 100,000 addresses.
    public static func make(count: Int) -> Pool {
        var submissions: [ParticipationSubmission] = []
        submissions.reserveCapacity(count)
        let started = Date().addingTimeInterval(-30)
        var duplicates = 0
        var robots = 0
        var person = 0
        for n in 0..<count {
            var fields: [String: FieldInput] = [:]
            let identity: Int
            if n % 10 == 9, person > 0 {
                identity = (n * 7919) % person
                duplicates += 1
            } else {
                identity = person
                person += 1
            }
            fields["email"] = .text(email(identity))
            fields["first_name"] = .text(firstNames[identity % firstNames.count])
            fields["birth_date"] = .text("19\(50 + identity % 50)-0\(1 + identity % 9)-1\(identity % 10)")
            fields["postcode"] = .text(String(75_001 + identity % 900))
            fields["rules"] = .flag(true)
            if identity % 3 == 0 { fields["marketing"] = .flag(true) }
            var agent = browsers[n % browsers.count]
            if n % 100 == 42 {
                robots += 1
                if n % 200 == 42 {
                    fields["website"] = "http://spam.example"
                } else {
                    agent = "k6/0.49.0 (https://k6.io/)"
                }
            }
            let source = "10.\(n % 100_000 / 65_536).\(n % 65_536 / 256).\(n % 256)"
            submissions.append(
                ParticipationSubmission(
                    operation: "tv-spot", fields: fields,
                    context: SubmissionContext(source: source, userAgent: agent, formStartedAt: started)))
        }
        return Pool(submissions: submissions, duplicates: duplicates, robots: robots)
    }

    /// An intake on `participations` with a live operation `tv-spot`.
    public static func intake(tenant: TenantID, participations: any ParticipationStore) async throws -> IntakeService {
        let operations = DocumentOperationStore(tenant: tenant, documents: InMemoryDocumentStore())
        _ = try await operations.insert(liveOperation(tenant: tenant))
        return try IntakeService(
            operations: operations, participations: participations,
            robotEvents: RobotEventJournal(tenant: tenant, log: InMemoryRecordLog(), clock: SystemClock()),
            gate: GrantingGate(), transport: InMemoryTransport(),
            identitySecret: IdentitySecret(Array(repeating: 42, count: 32)), clock: SystemClock())
    }

    /// The live operation `tv-spot` of `tenant`, open from an hour ago for a day, under instruction `bench`.
    public static func liveOperation(tenant: TenantID) -> KimpleGames.Operation {
        var operation = KimpleGames.Operation(
            id: "tv-spot", tenant: tenant, advertiser: Advertiser(name: "Brand", registration: "FR-1"),
            kind: .randomDraw, title: "TV spot", opensAt: Date().addingTimeInterval(-3_600),
            closesAt: Date().addingTimeInterval(86_400),
            form: EntryForm(
                fields: [
                    FormField(name: "email", label: "E-mail", type: .email),
                    FormField(name: "first_name", label: "First name", type: .text, category: .name),
                    FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                    FormField(
                        name: "postcode", label: "Postcode", type: .text, maximumLength: 10, category: .postalAddress),
                ], consents: [.rules(), .marketing(text: "News")], honeypotField: "website"),
            prizes: [Prize(id: "car", name: "A car", quantity: 1, unitValue: Money(cents: 2_000_000))],
            audience: AudienceDeclaration(expectedParticipants: 500_000), instruction: "bench")
        operation.status = .live
        return operation
    }
}

extension IntakeWorkload {
    /// Grants every request (the privacy module's own cost is its bench's business).
    public struct GrantingGate: ProcessingGate {
        /// A gate that grants everything.
        public init() {}

        /// Grants `request` under version 1 of its instruction.
        public func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
            ProcessingGrant(
                instruction: request.instruction, instructionVersion: 1, purpose: request.purpose, grantedAt: Date())
        }
    }
}

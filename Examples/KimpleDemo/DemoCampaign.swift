import Foundation
import KimpleAvailability
import KimpleContracts
import KimpleCore
import KimpleGames
import KimplePrivacy

typealias GameOperation = KimpleGames.Operation

extension KimpleError.Code {
    /// The data directory holds a campaign that stopped before its end.
    public static let demoInterrupted: Self = "demo.interrupted"
    /// The data directory holds files that are not the demo's.
    public static let demoForeignDirectory: Self = "demo.foreign_directory"
    /// What a completed campaign left does not read back as written.
    public static let demoInconsistent: Self = "demo.inconsistent"
}

/// How far the campaign has gone, for a progress line.
public struct DemoProgress: Sendable {
    /// Submissions made so far.
    public var submitted: Int
    /// Submissions planned.
    public var total: Int
}

/// The settings of a campaign run.
public struct DemoOptions: Sendable {
    /// The data directory (`./kimple-data` by default).
    public var dataDirectory: URL
    /// How many people take part (100,000 by default).
    public var participants: Int
    /// Whether to delete a previous campaign of the directory first.
    public var fresh: Bool
    /// Submissions in flight at once.
    public var concurrency: Int
    /// Called after each batch of submissions.
    public var progress: (@Sendable (DemoProgress) -> Void)?

    /// Options; see each property.
    public init(
        dataDirectory: URL = URL(fileURLWithPath: "kimple-data"), participants: Int = 100_000, fresh: Bool = false,
        concurrency: Int = 128, progress: (@Sendable (DemoProgress) -> Void)? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.participants = participants
        self.fresh = fresh
        self.concurrency = concurrency
        self.progress = progress
    }
}

/// What a run did: played a campaign, or found one and checked it.
public enum DemoOutcome: Sendable {
    /// A campaign was played.
    case ran(DemoSummary)
    /// A completed campaign was reopened and checked.
    case inspected(DemoInspection)
}

/// One brand's campaign on the Kimple platform, end to end, on the embedded file store, on a
/// manual clock: a contract and its invoices, two June operations, a month of participants,
/// instant wins, the draw, an erasure request, June's service report, the evidence verified.
public enum DemoCampaign {
    /// What a data directory holds.
    public enum DirectoryState: Sendable, Equatable {
        /// Nothing yet (missing or empty).
        case empty
        /// A completed campaign.
        case completed(DemoManifest)
        /// A campaign that stopped before its end.
        case interrupted
        /// Files that are not the demo's.
        case foreign
    }

    /// The state of `directory`.
    public static func state(of directory: URL) throws -> DirectoryState {
        let files = DemoFiles(directory: directory)
        let manager = FileManager.default
        guard manager.fileExists(atPath: directory.path) else { return .empty }
        let contents = try manager.contentsOfDirectory(atPath: directory.path).filter { $0 != lockName }
        if contents.isEmpty { return .empty }
        guard manager.fileExists(atPath: files.marker.path) else { return .foreign }
        guard let data = manager.contents(atPath: files.manifest.path) else { return .interrupted }
        do {
            return .completed(try JSONDecoder().decode(DemoManifest.self, from: data))
        } catch {
            return .interrupted
        }
    }

    /// Plays the campaign in an empty directory, or (with `fresh`) after deleting a previous
    /// one; reopens a completed one otherwise.
    ///
    /// - Throws: `demo.foreign_directory` when the directory holds other files (never
    ///   deleted); `storage.locked` while another run uses it; `demo.interrupted` when a
    ///   previous run stopped before its end and `fresh` is not set; `demo.inconsistent` when a
    ///   completed campaign does not read back; the SDK's errors.
    public static func start(_ options: DemoOptions) async throws -> DemoOutcome {
        let directory = options.dataDirectory
        if try state(of: directory) == .foreign { throw foreign(directory) }
        let lock = try self.lock(directory)
        defer { withExtendedLifetime(lock) {} }
        switch try state(of: directory) {
        case .foreign:
            throw foreign(directory)
        case .completed where !options.fresh:
            let inspection = try await inspectLocked(directory)
            guard inspection.isConsistent else {
                throw KimpleError(
                    .demoInconsistent, "The stored campaign does not read back as it was written.",
                    context: ["directory": directory.path])
            }
            return .inspected(inspection)
        case .interrupted where !options.fresh:
            throw KimpleError(
                .demoInterrupted,
                "A previous run stopped before the end of its campaign; start over with --fresh.",
                context: ["directory": directory.path])
        case .empty, .completed, .interrupted:
            return .ran(try await runLocked(options))
        }
    }

    /// The name of the lock file the demo holds in its data directory while it runs.
    static let lockName = "LOCK"

    /// Takes the data directory's lock (creating the directory): a second run, in this
    /// process or another, fails at once with `storage.locked`.
    private static func lock(_ directory: URL) throws -> DirectoryLock {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try DirectoryLock(directory: directory.path)
    }

    private static func foreign(_ directory: URL) -> KimpleError {
        KimpleError(
            .demoForeignDirectory,
            "This directory holds files that are not the demo's; the demo neither uses nor deletes it. "
                + "Choose another one with --data.", context: ["directory": directory.path])
    }

    /// Plays the whole campaign in `options.dataDirectory`, deleting a previous campaign of
    /// the demo there first.
    ///
    /// - Throws: `demo.foreign_directory` when the directory holds files that are not the
    ///   demo's; the SDK's errors.
    public static func run(_ options: DemoOptions) async throws -> DemoSummary {
        if try state(of: options.dataDirectory) == .foreign { throw foreign(options.dataDirectory) }
        let lock = try self.lock(options.dataDirectory)
        defer { withExtendedLifetime(lock) {} }
        return try await runLocked(options)
    }

    private static func runLocked(_ options: DemoOptions) async throws -> DemoSummary {
        let files = DemoFiles(directory: options.dataDirectory)
        try prepare(files)
        let clock = ManualClock(at("2025-12-01T10:00:00Z"))
        return try await DemoWorld.with(files, clock: clock) { world in
            try await Story(world: world, files: files, options: options).play()
        }
    }

    /// Reopens the completed campaign of `directory` and checks it: entries and awards read
    /// back, the certificate stored equals the published one and verifies against the
    /// published entry list, the evidence log verifies.
    ///
    /// - Throws: `demo.interrupted` without a manifest; the SDK's errors (`storage.locked`
    ///   while another run uses the directory).
    public static func inspect(_ directory: URL) async throws -> DemoInspection {
        guard case .completed = try state(of: directory) else { return try await inspectLocked(directory) }
        let lock = try self.lock(directory)
        defer { withExtendedLifetime(lock) {} }
        return try await inspectLocked(directory)
    }

    private static func inspectLocked(_ directory: URL) async throws -> DemoInspection {
        guard case .completed(let manifest) = try state(of: directory) else {
            throw KimpleError(
                .demoInterrupted, "No completed campaign here; run the demo with --fresh to play one.",
                context: ["directory": directory.path])
        }
        let files = DemoFiles(directory: directory)
        let clock = ManualClock((try? ISO8601.instant(manifest.finishedAt)) ?? Date(timeIntervalSince1970: 0))
        return try await DemoWorld.with(files, clock: clock) { world in
            var entries: [String: Int] = [:]
            for operation in [DemoWorld.instantWin, DemoWorld.sweepstakes] {
                entries[operation.rawValue] = try await world.participations.entryCount(of: operation)
            }
            let awards = try await world.ledger.awards(for: DemoWorld.instantWin)
            let stored = try await world.draws.certificate(DemoWorld.sweepstakes)
            let verified = try verifyPublishedDraw(files, stored: stored)
            let evidence = try await world.evidence.verify()
            return DemoInspection(
                manifest: manifest, entries: entries, awards: awards.count,
                standingWinners: stored?.standingWinners.map { $0?.entryID ?? "vacant" } ?? [],
                certificateVerified: verified, evidenceEntries: Int(evidence.entriesChecked),
                evidenceIntact: evidence.isIntact, evidenceHead: evidence.head?.hash.hex ?? "")
        }
    }

    /// Whether the published certificate (equal to `stored` when given) verifies against the
    /// published entry list, through the SDK's verification.
    static func verifyPublishedDraw(_ files: DemoFiles, stored: DrawCertificate?) throws -> Bool {
        let published = try DrawCertificate.decode(json: try Data(contentsOf: files.certificate))
        if let stored, stored != published { return false }
        let list = try FrozenEntryList(canonicalForm: try Data(contentsOf: files.entryList))
        do {
            try published.verify(entries: list)
            return true
        } catch let error as KimpleError where error.code.rawValue.hasPrefix("draw.") {
            return false
        }
    }

    /// Empties the directory of a previous campaign (only a directory the demo marked, or an
    /// empty one) and marks it.
    private static func prepare(_ files: DemoFiles) throws {
        let manager = FileManager.default
        switch try state(of: files.directory) {
        case .foreign:
            throw foreign(files.directory)
        case .completed, .interrupted:
            for name in try manager.contentsOfDirectory(atPath: files.directory.path) where name != lockName {
                try manager.removeItem(at: files.directory.appendingPathComponent(name))
            }
        case .empty:
            try manager.createDirectory(at: files.directory, withIntermediateDirectories: true)
        }
        try Data("kimple-demo data directory; delete it or run the demo with --fresh\n".utf8).write(to: files.marker)
    }

    static func at(_ text: String) -> Date { (try? ISO8601.instant(text)) ?? Date(timeIntervalSince1970: 0) }
}

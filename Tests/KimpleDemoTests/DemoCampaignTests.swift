import Foundation
import KimpleCore
import KimpleDemo
import KimpleGames
import KimpleTesting
import Testing

@Suite("Demo campaign")
struct DemoCampaignTests {
    // SPEC G-4, G-5, G-6, G-7, K-5
    @Test(
        "the campaign runs end to end: counts add up, prizes once, the draw and the evidence verify, a rerun reopens it"
    )
    func campaignEndToEnd() async throws {
        try await withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("kimple-data")
            let options = DemoOptions(dataDirectory: directory, participants: 2_000, concurrency: 32)
            guard case .ran(let summary) = try await DemoCampaign.start(options) else {
                Issue.record("an empty directory should run a campaign")
                return
            }
            // Every submission is accepted or refused with a reason.
            #expect(summary.accepted + summary.refusedTotal == summary.submitted)
            #expect(
                summary.entries.values.reduce(0, +) + summary.erasure.erased - summary.erasure.found <= summary.accepted
            )
            for reason in [
                "participation.duplicate", "participation.ineligible_age", "participation.ineligible_country",
                "participation.robot.load_testing_agent", "participation.robot.too_fast",
                "participation.robot.honeypot",
            ] {
                #expect((summary.refused[reason] ?? 0) > 0, "no refusal \(reason)")
            }
            // +tag and Gmail-dot variants are folded into duplicates, not accepted as new people.
            #expect(summary.entries["june-instant-win"].map { $0 < summary.people } == true)
            #expect(summary.submitted == summary.participants)

            // No prize unit awarded twice, awards within the stock.
            #expect(Set(summary.awardedMoments).count == summary.awardedMoments.count)
            #expect(summary.awardedEntries == summary.awardedMoments.count)
            #expect(summary.receiptsGenuine == summary.awardedMoments.count)  // SPEC G-14
            #expect(summary.prizes.allSatisfy { $0.awarded <= $0.stock })
            #expect(summary.prizes.map(\.awarded).reduce(0, +) == summary.awardedMoments.count)
            #expect(summary.instantWinsTold == summary.awardedMoments.count)

            // The published certificate verifies against the published entry list (SDK verification).
            let certificate = try DrawCertificate.decode(
                json: try Data(contentsOf: directory.appendingPathComponent("june-sweepstakes-certificate.json")))
            let entries = try FrozenEntryList(
                canonicalForm: try Data(contentsOf: directory.appendingPathComponent("june-sweepstakes-entries.txt")))
            try certificate.verify(entries: entries)
            #expect(summary.draw.verified)
            #expect(certificate.entryList.count == summary.entries["june-sweepstakes"])
            // The disqualified winner's place went to the first reserve.
            #expect(summary.draw.disqualified == summary.draw.winners[1])
            #expect(summary.draw.replacement == summary.draw.reserves[0])
            #expect(certificate.standingWinners[1]?.entryID == summary.draw.reserves[0])

            #expect(summary.erasure.complete && summary.erasure.erased > 0)
            #expect(summary.availability.met && summary.availability.incidents.count == 2)
            #expect(summary.evidenceIntact && summary.evidenceEntries > 0)
            #expect(summary.duplicates["+tag addresses"].map { $0 > 0 } == true)
            #expect(summary.duplicates["Gmail dots moved"].map { $0 > 0 } == true)
            #expect(summary.duplicates.values.reduce(0, +) == summary.refused["participation.duplicate"])
            #expect(summary.duplicates["other"] == nil, "only second tries and their variants are duplicates")
            for artefact in summary.artefacts {
                let name = URL(fileURLWithPath: artefact.path).lastPathComponent
                #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), "\(name)")
            }

            // A second run reopens the stores and finds them as written.
            guard case .inspected(let inspection) = try await DemoCampaign.start(options) else {
                Issue.record("a completed directory should be reopened")
                return
            }
            #expect(inspection.isConsistent)
            #expect(inspection.entries == summary.entries)
            #expect(inspection.evidenceHead == summary.evidenceHead)
            #expect(inspection.standingWinners == summary.draw.standingWinners)
        }
    }

    @Test("a directory that is not the demo's is never used nor deleted; an interrupted one asks for --fresh")
    func directoriesAreChecked() async throws {
        try await withTemporaryDirectory { root in
            let foreign = root.appendingPathComponent("mine")
            try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
            try Data("keep me".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
            await expectCode(.demoForeignDirectory) {
                _ = try await DemoCampaign.start(DemoOptions(dataDirectory: foreign, participants: 100, fresh: true))
            }
            #expect(FileManager.default.fileExists(atPath: foreign.appendingPathComponent("notes.txt").path))

            let interrupted = root.appendingPathComponent("interrupted")
            try FileManager.default.createDirectory(at: interrupted, withIntermediateDirectories: true)
            try Data().write(to: DemoFiles(directory: interrupted).marker)
            #expect(try DemoCampaign.state(of: interrupted) == .interrupted)
            await expectCode(.demoInterrupted) {
                _ = try await DemoCampaign.start(DemoOptions(dataDirectory: interrupted, participants: 100))
            }
            // While another run holds the directory, even --fresh waits its turn.
            let held = try DirectoryLock(directory: interrupted.path)
            await expectCode(.storageLocked) {
                _ = try await DemoCampaign.start(
                    DemoOptions(dataDirectory: interrupted, participants: 100, fresh: true))
            }
            withExtendedLifetime(held) {}
            #expect(FileManager.default.fileExists(atPath: DemoFiles(directory: interrupted).marker.path))
        }
    }

    @Test("options: defaults, values, help, and clear errors for bad ones")
    func commandLine() throws {
        guard case .run(let directory, let participants, let fresh) = try DemoCommandLine.parse([]) else {
            Issue.record("no argument runs the demo")
            return
        }
        #expect(directory == "kimple-data" && participants == 100_000 && !fresh)
        guard
            case .run(let other, let count, true) = try DemoCommandLine.parse([
                "--data=/tmp/x", "--fresh", "--participants", "5000",
            ])
        else {
            Issue.record("options not read")
            return
        }
        #expect(other == "/tmp/x" && count == 5_000)
        guard case .help = try DemoCommandLine.parse(["--fresh", "--help"]) else {
            Issue.record("--help not recognised")
            return
        }
        for bad in [
            ["--keep"], ["--data"], ["--participants", "ten"], ["--participants", "5"], ["extra"],
            ["--data", "a", "--data", "b"],
        ] {
            #expect(throws: DemoCommandLine.UsageError.self, "\(bad)") { try DemoCommandLine.parse(bad) }
        }
    }

    private func expectCode(_ code: KimpleError.Code, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code), got no error")
        } catch let error as KimpleError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("expected \(code), got \(error)")
        }
    }
}

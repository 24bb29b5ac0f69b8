import Foundation
import Kimple

/// The services of the demo's platform, wired on the file store of a data directory. Opened
/// by a first run to play the campaign and by a later run to read what it left.
struct DemoWorld {
    static let tenant: TenantID = "brand"
    static let instruction: InstructionID = "campaigns-2026"
    static let instantWin: OperationID = "june-instant-win"
    static let sweepstakes: OperationID = "june-sweepstakes"
    static let brand = Advertiser(name: "Brand SA", registration: "123456789")
    static let identitySecret = Array("Brand SA's identity secret, 32 B".utf8)

    static let azure = SubProcessor(
        recipient: TransferRecipient(name: "Microsoft Azure", country: "FR", role: .subProcessor),
        processing: "Hosting and collection of participations", activities: [.hosting, .collection],
        guarantees: ["Data processing agreement with the obligations of §11.2", "ISO/IEC 27001"])

    let clock: ManualClock
    let kimple: Kimple
    let brand: KimpleTenant
    let outbox: FileOutbox

    var privacy: TenantPrivacy { brand.privacy }
    var contracts: ContractService { brand.contracts }
    var operations: OperationService { brand.operations }
    var participations: any ParticipationStore { brand.participations }
    var ledger: any InstantWinLedger { brand.instantWinLedger }
    var instantWins: InstantWinService { brand.instantWins }
    var intake: IntakeService { brand.intake }
    var draws: DrawService { brand.draws }
    var availability: AvailabilityService { brand.availability }
    var exports: ExportService { brand.exports }
    var evidence: EvidenceLog { brand.evidence }

    /// Opens the SDK on the file store and outbox of `files` (taking the stores' locks) and the
    /// brand's services.
    static func open(_ files: DemoFiles, clock: ManualClock) async throws -> DemoWorld {
        let kimple = try await Kimple.open(
            storage: .file(at: files.store), transport: .outbox(at: files.outbox), clock: clock,
            processor: PartyProfile(name: "Cassiop", address: "Roubaix, France", contact: "privacy@cassiop.example"),
            hosting: [HostingSite(provider: "Microsoft Azure", country: "FR", activities: [.hosting, .collection])],
            subProcessors: [azure])
        do {
            let brand = try await kimple.tenant(
                tenant, identitySecret: try IdentitySecret(identitySecret), instruction: instruction,
                options: TenantOptions(
                    intake: IntakeConfiguration(keepsSource: true),
                    contentCheck: TermListContentCheck(terms: ["casino"]),
                    contracts: .init(loginPolicy: LoginPolicy(iterations: 10_000))))
            guard let outbox = kimple.transport as? FileOutbox else {
                throw KimpleError(.invalidArgument, "The demo's transport is its file outbox.")
            }
            return DemoWorld(clock: clock, kimple: kimple, brand: brand, outbox: outbox)
        } catch {
            try? await kimple.close()
            throw error
        }
    }

    /// Runs `body` on the world of `files`, then closes it (also when `body` throws).
    static func with<Result>(
        _ files: DemoFiles, clock: ManualClock, _ body: (DemoWorld) async throws -> Result
    ) async throws -> Result {
        let world = try await open(files, clock: clock)
        do {
            let result = try await body(world)
            try await world.kimple.close()
            return result
        } catch {
            try? await world.kimple.close()
            throw error
        }
    }
}

/// Where the demo keeps its files inside the data directory.
public struct DemoFiles: Sendable {
    /// The data directory.
    public let directory: URL

    /// The files of the demo in `directory`.
    public init(directory: URL) { self.directory = directory }

    /// The marker that says the directory belongs to the demo, written before anything else.
    public var marker: URL { directory.appendingPathComponent(".kimple-demo") }
    /// The manifest of a completed campaign, written last.
    public var manifest: URL { directory.appendingPathComponent("campaign.json") }
    /// The embedded file store.
    public var store: URL { directory.appendingPathComponent("store") }
    /// The outbox of messages to the controller and the host.
    public var outbox: URL { directory.appendingPathComponent("outbox") }
    /// The draw certificate (JSON), replacements included.
    public var certificate: URL { directory.appendingPathComponent("june-sweepstakes-certificate.json") }
    /// The sweepstakes' frozen entry list, in its canonical form.
    public var entryList: URL { directory.appendingPathComponent("june-sweepstakes-entries.txt") }
    /// The sweepstakes' participants, CSV.
    public var participantsCSV: URL { directory.appendingPathComponent("june-sweepstakes-participants.csv") }
    /// June's service report, Markdown.
    public var serviceReport: URL { directory.appendingPathComponent("service-report-2026-06.md") }
    /// The record of processing activities, Markdown.
    public var recordOfProcessing: URL { directory.appendingPathComponent("record-of-processing.md") }
    /// The result of the evidence log's verification, text.
    public var evidenceVerification: URL { directory.appendingPathComponent("evidence-verification.txt") }
}

import Foundation
import Kimple

/// The SDK as the host runs it: `Kimple.open` on the file store of the data directory, one
/// demo tenant and its open demo operation, the rules documents served by their SHA-256, and
/// the key that signs the form-rendered-at tokens (G-5's too-fast check).
///
/// ```swift
/// let host = try await KimpleHost.open(HostConfiguration(), clock: SystemClock())
/// // ... serve requests with `host.tenant.intake` ...
/// try await host.close()
/// ```
public final class KimpleHost: Sendable {
    /// The demo tenant.
    public static let demoTenant: TenantID = "demo"
    /// The demo tenant's instruction for its games' data.
    public static let demoInstruction: InstructionID = "demo-games"
    /// The demo operation, opened on first start and kept on later ones.
    public static let demoOperation: OperationID = "demo-draw"
    /// The principal that prepares the demo.
    static let setup = Principal.staff("kimple-host.setup")

    /// The SDK.
    public let kimple: Kimple
    /// The demo tenant's services.
    public let tenant: KimpleTenant
    /// The clock of every rule.
    public let clock: any Clock
    /// The signer of the form-rendered-at tokens.
    let formTokens: FormTokenSigner
    /// Where the rules documents are kept, one file per SHA-256.
    let rulesDirectory: URL

    private init(kimple: Kimple, tenant: KimpleTenant, clock: any Clock, formTokens: FormTokenSigner, rules: URL) {
        self.kimple = kimple
        self.tenant = tenant
        self.clock = clock
        self.formTokens = formTokens
        self.rulesDirectory = rules
    }

    /// Opens the SDK on `configuration`'s data directory, timed by `clock`, and makes the demo
    /// tenant and its operation when they do not exist yet (a restart changes nothing).
    ///
    /// - Parameters:
    ///   - options: the demo tenant's options (intake limits, robot policy, admission).
    /// - Throws: ``HostError`` `host.storage_unavailable` for a PostgreSQL storage URL (the
    ///   adapter is a package of its own) or any storage other than the file store;
    ///   `host.setup` when the data directory cannot be prepared; what the SDK throws
    ///   (`storage.locked` while another process holds the store). Nothing stays open then.
    public static func open(
        _ configuration: HostConfiguration, clock: any Clock, options: TenantOptions = TenantOptions()
    ) async throws -> KimpleHost {
        if let storage = configuration.storage {
            if storage.hasPrefix("postgres://") || storage.hasPrefix("postgresql://") {
                throw HostError.storageUnavailable(
                    "the PostgreSQL store needs the KimplePostgres package (Examples/kimple-postgres)")
            }
            throw HostError.storageUnavailable(
                "Unknown storage URL; leave --storage out to use the file store of --data.")
        }
        let directory = configuration.dataDirectory
        let secrets = directory.appendingPathComponent("host", isDirectory: true)
        let rules = directory.appendingPathComponent("rules", isDirectory: true)
        let identity = try secret(named: "identity-secret", in: secrets)
        let formKey = try secret(named: "form-token-key", in: secrets)
        let kimple = try await Kimple.open(
            storage: .file(at: directory.appendingPathComponent("store", isDirectory: true)),
            transport: .outbox(at: directory.appendingPathComponent("outbox", isDirectory: true)), clock: clock,
            processor: PartyProfile(
                name: "Kimple demo host", address: "Localhost", contact: "privacy@kimple-host.example"),
            hosting: [HostingSite(provider: "The host's machine", country: "FR", activities: [.hosting, .collection])])
        do {
            let tenant = try await kimple.tenant(
                demoTenant, identitySecret: try IdentitySecret(identity), instruction: demoInstruction,
                options: options)
            let host = KimpleHost(
                kimple: kimple, tenant: tenant, clock: clock, formTokens: FormTokenSigner(key: formKey), rules: rules)
            try await host.prepareDemo()
            return host
        } catch {
            try? await kimple.close()
            throw error
        }
    }

    /// Closes the SDK (robot events written, outbox and store closed). A second call does nothing more.
    public func close() async throws {
        try await kimple.close()
    }

    /// The operation `id` of the demo tenant, or `nil`.
    public func operation(_ id: OperationID) async throws -> GameOperation? {
        try await tenant.operationStore.operation(id)?.operation
    }

    /// The bytes of the rules document whose SHA-256 is `digest`, or `nil` when the host does
    /// not hold them or the file no longer matches its digest.
    public func rulesDocument(_ digest: SHA256Digest) throws -> [UInt8]? {
        let url = rulesDirectory.appendingPathComponent(digest.hex + ".txt")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let bytes = [UInt8](try Data(contentsOf: url))
        return SHA256.hash(bytes) == digest ? bytes : nil
    }

    /// Keeps `bytes` as a rules document, under its SHA-256.
    @discardableResult
    public func storeRulesDocument(_ bytes: [UInt8]) throws -> SHA256Digest {
        let digest = SHA256.hash(bytes)
        try FileManager.default.createDirectory(at: rulesDirectory, withIntermediateDirectories: true)
        try Data(bytes).write(to: rulesDirectory.appendingPathComponent(digest.hex + ".txt"), options: .atomic)
        return digest
    }

    // MARK: The demo

    /// The demo's rules document (règlement).
    static let demoRules = Array(
        """
        Règlement du jeu « Demo draw »

        Article 1 — The organiser, Demo Brand SA, runs a free random draw open to adults living in France.
        Article 2 — One participation per person (one e-mail address) for the whole operation.
        Article 3 — The prize, a city bike, is drawn among the participations at the end of the operation.
        Article 4 — Participation is free and needs no purchase.

        """.utf8)

    static let demoAdvertiser = Advertiser(name: "Demo Brand SA", registration: "FR-123456789")

    /// The demo operation, open for a year from `now`.
    static func demoOperation(at now: Date) -> GameOperation {
        GameOperation(
            id: demoOperation, tenant: demoTenant, advertiser: demoAdvertiser, kind: .randomDraw,
            title: "Demo draw", opensAt: now, closesAt: now.addingTimeInterval(365 * 86_400),
            form: EntryForm(
                fields: [
                    FormField(name: "first_name", label: "First name", type: .text, required: false),
                    FormField(name: "email", label: "E-mail", type: .email),
                    FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                ],
                consents: [
                    .rules(text: "I accept the rules of the game."),
                    .marketing(text: "I would like to receive Demo Brand's offers."),
                ], honeypotField: "website"),
            prizes: [Prize(id: "bike", name: "A city bike", quantity: 1, unitValue: Money(cents: 49_900))],
            rules: RulesDocument(title: "Règlement", bytes: demoRules), instruction: demoInstruction)
    }

    /// Records the demo instruction, creates and schedules the demo operation, each step only
    /// when it was not made before.
    private func prepareDemo() async throws {
        let now = clock.now
        try storeRulesDocument(Self.demoRules)
        if tenant.privacy.instructions.current(Self.demoInstruction) == nil {
            let terms = InstructionTerms(
                author: InstructionAuthor(
                    name: "Demo controller", role: "Head of marketing", contact: "privacy@demo-brand.example"),
                givenAt: now, reference: "Demo set-up", text: "Run the demo games of the reference host.",
                purposes: [.participation, .fraudPrevention, .winnerSelection, .export, .statistics],
                categories: [.identity, .contact, .participation, .online], retention: .months(6),
                recipients: [TransferRecipient(name: "controller", country: "FR", role: .controller)])
            _ = try await tenant.privacy.instructions.record(terms, id: Self.demoInstruction, by: Self.setup)
        }
        let existing = try await operation(Self.demoOperation)
        if existing == nil {
            try await tenant.operations.create(Self.demoOperation(at: now), by: Self.setup)
        }
        if existing == nil || existing?.status == .draft {
            try await tenant.operations.schedule(
                Self.demoOperation, under: GamesLicence(licensee: Self.demoAdvertiser, territory: ["FR"]),
                by: Self.setup)
        }
    }

    /// The 32-byte secret `name` of `directory`, made from random bytes on first use.
    private static func secret(named name: String, in directory: URL) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name)
        do {
            if FileManager.default.fileExists(atPath: url.path) {
                let bytes = [UInt8](try Data(contentsOf: url))
                guard bytes.count == 32 else {
                    throw HostError.setup("The host secret '\(name)' is damaged: it is not 32 bytes long.")
                }
                return bytes
            }
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try Data(bytes).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            return bytes
        } catch let error as HostError {
            throw error
        } catch {
            throw HostError.setup("Cannot prepare the host secret '\(name)' in the data directory: \(error).")
        }
    }
}

/// Signs and checks the hidden form-rendered-at token: `<unix milliseconds>.<HMAC-SHA256 hex>`,
/// so that a client cannot claim it saw the form earlier than it did (G-5's too-fast check).
struct FormTokenSigner: Sendable {
    let key: HMACSHA256Key

    init(key: [UInt8]) { self.key = HMACSHA256Key(key) }

    /// The token of a form of `operation` rendered at `instant`.
    func token(for operation: OperationID, at instant: Date) -> String {
        let millis = String(Int64((instant.timeIntervalSince1970 * 1000).rounded(.down)))
        return millis + "." + key.authenticationCode(for: operation.rawValue + "|" + millis).hex
    }

    /// How long a rendered form stays valid (a day): an older token is refused, so that one
    /// token cannot stand in for every later submission of a robot.
    static let maximumAge: TimeInterval = 86_400

    /// When the form of `operation` was rendered, or `nil` for a token that is not one of ours
    /// or is older than ``maximumAge`` at `now`.
    func instant(of token: String, for operation: OperationID, now: Date) -> Date? {
        guard let instant = instant(of: token, for: operation), now.timeIntervalSince(instant) <= Self.maximumAge
        else { return nil }
        return instant
    }

    /// When the form of `operation` was rendered, or `nil` for a token that is not one of ours.
    func instant(of token: String, for operation: OperationID) -> Date? {
        guard token.utf8.count <= 128 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 16, let millis = Int64(parts[0]), millis >= 0,
            let mac = SHA256Digest(hex: String(parts[1])),
            mac == key.authenticationCode(for: operation.rawValue + "|" + parts[0])
        else { return nil }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}

import Foundation
import KimpleContracts
import KimpleCore
import KimpleTesting
import Synchronization
import Testing

/// `YYYY-MM-DD` as a date; the tests' literals are valid.
func day(_ text: String) throws -> CivilDate { try CivilDate(text) }

/// An amount in euros.
func eur(_ text: String) throws -> Money { try Money.eur(text) }

/// A `Decimal` from its text, independent of the locale.
func decimal(_ text: String) throws -> Decimal {
    try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
}

/// Noon in Paris on `text`.
func noon(_ text: String) throws -> Date {
    FrenchCalendar.paris.instant(try day(text), try LocalTime(hour: 12))
}

enum Parties {
    static func provider() throws -> Party {
        try Party(
            legalName: "Cassiop SAS", registrationNumber: "527871842", address: "75bis bd d'Armentières, 59100 Roubaix")
    }

    static func client() throws -> Party {
        try Party(legalName: "Brand SA", registrationNumber: "123456789", address: "1 rue de la Paix, 75002 Paris")
    }

    static func signatory(_ role: PartyRole) throws -> Signatory {
        try Signatory(name: role == .provider ? "C. Provider" : "A. Client", capacity: "Directeur général")
    }
}

/// A client's end-of-contract listener that records what it is told (stands in for KimplePrivacy).
final class RecordingEndListener: ContractEndListener {
    struct Call: Sendable, Equatable {
        var tenant: TenantID
        var contract: String
        var effectiveEnd: Date
    }

    private let state = Mutex<(calls: [Call], failures: Int)>(([], 0))

    /// Makes the next `count` calls fail.
    func fail(next count: Int) { state.withLock { $0.failures = count } }

    var calls: [Call] { state.withLock { $0.calls } }

    func contractEnded(tenant: TenantID, contract: String, effectiveEnd: Date) async throws {
        try state.withLock { state in
            if state.failures > 0 {
                state.failures -= 1
                throw KimpleError(.transportFailed, "listener unavailable")
            }
            state.calls.append(Call(tenant: tenant, contract: contract, effectiveEnd: effectiveEnd))
        }
    }
}

/// A service on a manual clock, a fast login policy and a recording listener.
struct Fixture {
    let clock: ManualClock
    let service: ContractService
    let listener: RecordingEndListener
    let storage: TenantStorage
    static let host = Principal.host("finance")

    static func make(
        today: String, backend: any StorageBackend = InMemoryStorage(), tenant: TenantID = "brand",
        configuration: ContractService.Configuration? = nil
    ) async throws -> Fixture {
        let clock = ManualClock(try noon(today))
        let listener = RecordingEndListener()
        let storage = backend.tenant(tenant)
        let service = try await ContractService(
            storage: storage, clock: clock,
            configuration: configuration ?? .init(loginPolicy: LoginPolicy(iterations: 1_000)),
            endListeners: [listener])
        return Fixture(clock: clock, service: service, listener: listener, storage: storage)
    }

    /// Moves the clock to noon in Paris on `text`.
    func set(_ text: String) throws { clock.set(try noon(text)) }

    static func licence(_ price: String = "1000.00", code: ServiceCode? = "kimple-licence") throws -> ServiceLine {
        ServiceLine(
            id: "licence", kind: .licenceSubscription, label: "Licence Kimple", code: code, unitPrice: try eur(price),
            billing: .monthly)
    }

    static func content(
        start: String, months: Int = 12, lines: [ServiceLine]? = nil, discount: Discount? = nil, daysToPay: Int = 30,
        consent: ReferenceConsent = .asInTheContract
    ) throws -> QuoteContent {
        QuoteContent(
            purpose: .newContract(ContractPlan(start: try day(start), months: months)),
            provider: try Parties.provider(),
            client: try Parties.client(), lines: try lines ?? [licence()], discount: discount,
            territory: try LicenceTerritory(countries: ["FR", "BE"]), paymentTerms: PaymentTerms(daysToPay: daysToPay),
            referenceConsent: consent)
    }

    /// Creates a quote and has both parties sign it; returns the contract.
    func signedContract(_ content: QuoteContent) async throws -> Contract {
        let quote = try await service.createQuote(content, by: Self.host)
        _ = try await service.signQuote(quote.id, as: .client, signatory: try Parties.signatory(.client), by: Self.host)
        let signing = try await service.signQuote(
            quote.id, as: .provider, signatory: try Parties.signatory(.provider), by: Self.host)
        return try #require(signing.contract)
    }
}

/// Asserts that `body` throws a `KimpleError` with `code`.
func expectError<T>(
    _ code: KimpleError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected \(code), got no error", sourceLocation: sourceLocation)
    } catch let error as KimpleError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Whether two exact results agree to 20 decimals (both are 38-digit quotients of the same fraction).
func isClose(_ a: Decimal, _ b: Decimal) -> Bool {
    let difference = a - b
    return difference.magnitude < Decimal(sign: .plus, exponent: -20, significand: 1)
}

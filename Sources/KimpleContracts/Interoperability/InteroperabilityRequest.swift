import Foundation
import KimpleCore

/// A client's request for interoperability information (§5 (iii), C-14): recorded, quoted, and delivered
/// once the quote is paid.
public struct InteroperabilityRequest: Hashable, Sendable, Codable, Identifiable {
    /// Where a request stands.
    public enum State: String, Hashable, Sendable, Codable {
        /// Recorded, not quoted yet.
        case requested
        /// Quoted: waiting for the quote's acceptance and payment.
        case quoted
        /// The bundle was delivered.
        case delivered
    }

    /// The request's id.
    public var id: InteroperabilityRequestID
    /// The contract.
    public var contractID: ContractID
    /// What the client wants to interoperate with, in the client's words.
    public var scope: String
    /// When it was received.
    public var requestedAt: Date
    /// The supplementary quote of its cost, once quoted.
    public var quoteID: QuoteID?
    /// The quote line that prices it.
    public var quoteLine: ServiceLineID?
    /// When the bundle was first delivered.
    public var deliveredAt: Date?
    /// SHA-256 of the manifest delivered first.
    public var manifestDigest: SHA256Digest?

    /// Where it stands.
    public var state: State { deliveredAt != nil ? .delivered : (quoteID != nil ? .quoted : .requested) }
}

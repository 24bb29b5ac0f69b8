import Foundation
import KimpleCore

/// A graphic creation made by Cassiop for the client (§8.2, C-13), linked to the service lines that pay
/// for it.
public struct Creation: Hashable, Sendable, Codable, Identifiable {
    /// The creation's id.
    public var id: CreationID
    /// The contract.
    public var contractID: ContractID
    /// What it is (a title, no personal data).
    public var title: String
    /// The one-off service lines (graphic creation options) whose price pays for it.
    public var paidBy: [ServiceLineID]
    /// When it was registered.
    public var registeredAt: Date

    /// A creation.
    public init(id: CreationID, contractID: ContractID, title: String, paidBy: [ServiceLineID], registeredAt: Date) {
        self.id = id
        self.contractID = contractID
        self.title = title
        self.paidBy = paidBy
        self.registeredAt = registeredAt
    }
}

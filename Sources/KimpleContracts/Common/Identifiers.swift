import KimpleCore

/// Tag of quotes (devis).
public enum QuoteTag {}
/// Tag of contracts.
public enum ContractTag {}
/// Tag of service lines of a quote.
public enum ServiceLineTag {}
/// Tag of notices.
public enum NoticeTag {}
/// Tag of breach cases.
public enum BreachTag {}
/// Tag of force majeure events.
public enum ForceMajeureTag {}
/// Tag of graphic creations.
public enum CreationTag {}
/// Tag of interoperability requests.
public enum InteroperabilityRequestTag {}
/// Tag of price list codes.
public enum ServiceCodeTag {}

/// A quote (devis).
public typealias QuoteID = Identifier<QuoteTag>
/// A contract.
public typealias ContractID = Identifier<ContractTag>
/// A service line of a quote, unique within a contract (the lines of its supplementary quotes included).
public typealias ServiceLineID = Identifier<ServiceLineTag>
/// A notice (notification) between the parties.
public typealias NoticeID = Identifier<NoticeTag>
/// A breach case opened by a notice of breach (§6.2).
public typealias BreachID = Identifier<BreachTag>
/// A force majeure event (§14.3).
public typealias ForceMajeureID = Identifier<ForceMajeureTag>
/// A graphic creation made for the client (§8.2).
public typealias CreationID = Identifier<CreationTag>
/// A request for interoperability information (§5 (iii)).
public typealias InteroperabilityRequestID = Identifier<InteroperabilityRequestTag>
/// The code of a service in the provider's price list (`kimple-licence-premium`).
public typealias ServiceCode = Identifier<ServiceCodeTag>

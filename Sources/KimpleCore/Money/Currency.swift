/// A currency, by its ISO 4217 code (SPEC K-4). EUR is the default everywhere.
///
/// Kimple counts every amount in hundredths of the currency unit (cents): ``minorDigits`` is 2
/// for every currency. Currencies with another minor unit (JPY, KWD...) are not supported.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The ISO 4217 code, three capital letters (`EUR`).
    public let code: String

    /// The currency with ISO 4217 code `code`; throws `core.invalid_argument` unless it is three
    /// capital ASCII letters.
    public init(code: String) throws {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        else {
            throw KimpleError(
                .invalidArgument, "A currency is its ISO 4217 code: three capital letters such as EUR.",
                context: ["value": String(code.prefix(16))])
        }
        self.code = code
    }

    private init(unchecked code: String) { self.code = code }

    /// The euro, the currency of the contract.
    public static let eur = Currency(unchecked: "EUR")

    /// Digits after the decimal separator: always 2 (amounts are counted in cents).
    public var minorDigits: Int { 2 }

    /// The sign written after an amount in French typography: `€` for the euro, else the code.
    public var symbol: String { code == "EUR" ? "€" : code }

    /// The ISO 4217 code.
    public var description: String { code }

    /// Parses the code (`"EUR"`, its JSON form); `nil` unless three capital letters.
    public init?(codableText: String) {
        guard let currency = try? Currency(code: codableText) else { return nil }
        self = currency
    }

    /// The code, as encoded in JSON.
    public var codableText: String { code }
}

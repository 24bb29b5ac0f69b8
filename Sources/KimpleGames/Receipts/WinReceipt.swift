import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// MARK: - Error codes of win receipts (G-14)

extension KimpleError.Code {
    /// A receipt code is not one the SDK can have written: wrong length, a character outside
    /// the alphabet, or a check character that does not match (a typo). Nothing was looked up.
    public static let receiptMalformed: Self = "receipt.malformed"
}

/// The receipt of one award (G-14): what the participant's "You won" page shows, and what
/// support checks against the ledger when a winner, or a contester with a screenshot, calls.
///
/// The code is a MAC over the tenant, the operation, the entry, the prize, the moment and the
/// time of the award, keyed by a key derived from the tenant's identity secret: nobody without
/// the secret can make a code that verifies, and a code verifies only for the award it was
/// made for. Its format is in `Documentation/Interoperability.md`, "Win receipts".
public struct WinReceipt: Sendable, Hashable, Codable {
    /// The code, as printed: `KW-` then 16 characters of Crockford's base-32 alphabet in four
    /// groups of four, the last one a check character (`KW-7Q2M-X9RT-4HBN-C3KE`).
    public var code: String
    /// The tenant.
    public var tenant: TenantID
    /// The award.
    public var award: InstantWinAward
}

/// What ``WinReceipts/verify(_:)`` found.
public enum WinReceiptVerification: Sendable, Hashable {
    /// The code is this award's receipt, and the award is in the ledger.
    case genuine(WinReceipt)
    /// No award of the tenant has this receipt: the code was made up, altered, or is another
    /// tenant's.
    case notOurs
}

/// Makes and verifies the receipts of a tenant's instant-win awards (G-14).
///
/// Nothing is stored: a receipt is recomputed from the award, so it holds on every backend and
/// after a restart. ``verify(_:)`` reads the awards of the tenant's instant-win operations
/// (prizes are few: thousands, not millions) and compares in constant time.
public struct WinReceipts: Sendable {
    /// The tenant.
    public let tenant: TenantID
    private let key: HMACSHA256Key
    private let operations: any OperationStore
    private let ledger: any InstantWinLedger

    /// The receipts of `tenant`'s awards in `ledger`, keyed from `secret` (the tenant's
    /// identity secret: the same on every start, so receipts keep verifying).
    public init(
        tenant: TenantID, secret: IdentitySecret, operations: any OperationStore, ledger: any InstantWinLedger
    ) {
        self.tenant = tenant
        self.key = HMACSHA256Key(
            secret.key.authenticationCode(for: WinReceiptCode.keyLabel + tenant.rawValue).bytes)
        self.operations = operations
        self.ledger = ledger
    }

    /// The receipt of `award`.
    public func receipt(for award: InstantWinAward) -> WinReceipt {
        WinReceipt(code: WinReceiptCode.code(key.authenticationCode(for: message(award))), tenant: tenant, award: award)
    }

    /// The receipt of `accepted`'s instant win, read from the ledger; `nil` when it won nothing.
    ///
    /// - Throws: `instant_win.award_in_doubt` when the outcome says won but the ledger holds no
    ///   award of the entry; the ledger's read errors.
    public func receipt(of accepted: AcceptedParticipation) async throws -> WinReceipt? {
        guard case .won = accepted.outcome else { return nil }
        guard
            let award = try await ledger.awards(for: accepted.operation).first(where: {
                $0.entryID == accepted.entry.rawValue
            })
        else {
            throw KimpleError(
                .instantWinAwardInDoubt, "The entry won, but its award is not in the ledger.",
                context: ["operation": accepted.operation.rawValue, "entryID": accepted.entry.rawValue])
        }
        return receipt(for: award)
    }

    /// Checks `code` as typed or read off a screenshot (case, spaces and dashes do not matter;
    /// `O` reads as `0`, `I` and `L` as `1`) against every award of the tenant.
    ///
    /// - Throws: `receipt.malformed` when the text cannot be a receipt (a typo is caught by the
    ///   check character before anything is read); the stores' read errors.
    public func verify(_ code: String) async throws -> WinReceiptVerification {
        let wanted = try WinReceiptCode.parse(code)
        for stored in try await operations.operations() where stored.operation.kind == .instantWin {
            let awards: [InstantWinAward]
            do {
                awards = try await ledger.awards(for: stored.operation.id)
            } catch let error as KimpleError where error.code == .instantWinNotInstalled {
                continue
            }
            for award in awards {
                let receipt = receipt(for: award)
                if constantTimeEquals(Array(receipt.code.utf8), Array(wanted.utf8)) { return .genuine(receipt) }
            }
        }
        return .notOurs
    }

    /// The bytes the MAC covers: a label, then each field as a 4-byte big-endian length and its
    /// UTF-8 bytes (see Interoperability.md).
    private func message(_ award: InstantWinAward) -> [UInt8] {
        var bytes = Array(WinReceiptCode.messageLabel.utf8)
        for field in [
            tenant.rawValue, award.operation.rawValue, award.entryID, award.prize, String(award.momentIndex),
            String(award.wonAtMilliseconds),
        ] {
            let utf8 = Array(field.utf8)
            let count = UInt32(clamping: utf8.count)
            bytes += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
            bytes += utf8
        }
        return bytes
    }
}

/// The text form of receipt codes: 75 bits of the MAC in 15 characters of Crockford's base-32
/// alphabet, and a Luhn mod 32 check character.
enum WinReceiptCode {
    static let keyLabel = "kimple.games.win-receipt.key.v1:"
    static let messageLabel = "kimple.games.win-receipt.v1"
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let prefix = "KW-"

    /// The printed code of `mac`.
    static func code(_ mac: SHA256Digest) -> String {
        let bytes = mac.bytes
        var values: [Int] = []
        for index in 0..<15 {
            let bit = index * 5
            let word = Int(bytes[bit / 8]) << 8 | Int(bytes[bit / 8 + 1])
            values.append((word >> (11 - bit % 8)) & 0x1F)
        }
        values.append(check(values))
        return printed(values)
    }

    /// The canonical printed form of `text`, or `receipt.malformed`.
    static func parse(_ text: String) throws -> String {
        var compact = text.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        if compact.hasPrefix("KW") { compact.removeFirst(2) }
        var values: [Int] = []
        for character in compact {
            let read: Character =
                switch character {
                case "O": "0"
                case "I", "L": "1"
                default: character
                }
            guard let value = alphabet.firstIndex(of: read) else {
                throw malformed(text, "a character outside the alphabet")
            }
            values.append(value)
        }
        guard values.count == 16 else { throw malformed(text, "not 16 characters after KW-") }
        guard check(Array(values.prefix(15))) == values[15] else {
            throw malformed(text, "the check character differs")
        }
        return printed(values)
    }

    /// `KW-` and the 16 values' characters in groups of four.
    private static func printed(_ values: [Int]) -> String {
        let characters = values.map { alphabet[$0] }
        return prefix
            + stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// Luhn mod 32 over `values`: detects every single-character error and most swaps of two
    /// adjacent characters.
    static func check(_ values: [Int]) -> Int {
        var sum = 0
        var factor = 2
        for value in values.reversed() {
            let addend = factor * value
            sum += addend / 32 + addend % 32
            factor = factor == 2 ? 1 : 2
        }
        return (32 - sum % 32) % 32
    }

    private static func malformed(_ text: String, _ why: String) -> KimpleError {
        KimpleError(
            .receiptMalformed, "This is not a receipt code: \(why).",
            context: ["length": String(text.count)])
    }
}

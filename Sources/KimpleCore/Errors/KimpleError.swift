/// The one error type of the Kimple SDK.
///
/// Every module throws `KimpleError`. An error carries a stable machine ``code`` (for
/// example `participation.duplicate` or `contract.notice.channel_not_allowed`) that hosts
/// can switch on, store and translate, a ``message`` written for a person that says what
/// was wrong and what to do, and optional ``context`` values (the offending field, the
/// limit that was crossed...).
///
/// Codes are namespaced by domain (`storage.`, `participation.`, `contract.`, `privacy.`,
/// `availability.`...). New codes are added as static members of ``Code`` in the module
/// that owns them, so adding one never breaks a caller's `switch`.
///
/// An operation that throws a `KimpleError` changes nothing: no partial write, no lost
/// record.
public struct KimpleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code such as `storage.locked`.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        /// The code as written, `domain.reason` (for example `storage.locked`).
        public let rawValue: String
        /// A code from its text; codes are not validated, modules declare theirs as static members.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A code from a literal, as modules declare theirs:
        /// `static let storageLocked: Self = "storage.locked"`.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// A code from its text, such as a code stored or received from another process.
        public init(_ value: String) { self.rawValue = value }
        /// The code's text, `storage.locked`.
        public var description: String { rawValue }

        /// The domain of the code: the part before the first dot (`storage` for `storage.locked`).
        public var domain: Substring { rawValue.prefix(while: { $0 != "." }) }
    }

    /// The stable machine code.
    public let code: Code
    /// What went wrong and what to do about it, for a person.
    public let message: String
    /// Values that locate the problem (field name, limit, identifier...).
    public let context: [String: String]

    /// An error with its code, a message for a person (what was wrong and what to do) and the values
    /// that locate the problem.
    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// `[code] message (key=value, ...)`, the context sorted by key.
    public var description: String {
        guard !context.isEmpty else { return "[\(code)] \(message)" }
        let details = context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return "[\(code)] \(message) (\(details))"
    }
}

extension KimpleError.Code {
    /// Pattern matching on a caught error: `catch let error where KimpleError.Code.storageLocked ~= error`.
    public static func ~= (code: KimpleError.Code, error: any Error) -> Bool {
        (error as? KimpleError)?.code == code
    }
}

// MARK: - Core codes

extension KimpleError.Code {
    /// An identifier, name or value given to the SDK is not valid.
    public static let invalidArgument: Self = "core.invalid_argument"
    /// A value is outside the range the SDK can represent (an amount overflowing, a date far out of range).
    public static let outOfRange: Self = "core.out_of_range"

    /// Another process (or another handle in this process) holds the store's lock.
    public static let storageLocked: Self = "storage.locked"
    /// A file of the store cannot be read or written; `context["call"]` names the system call
    /// that failed (`write`, `fdatasync`, `rename`, `read`...). Nothing the call was part of
    /// was acknowledged; once the cause is fixed, the same handle accepts writes again (unless
    /// the message says to reopen the store).
    public static let storageIO: Self = "storage.io"
    /// The disk (or the quota) of the store is full (ENOSPC, EDQUOT); `context["call"]` names
    /// the call. Nothing was acknowledged; once space is freed, the same handle accepts writes again.
    public static let storageFull: Self = "storage.full"
    /// Stored bytes failed their checksum or structure check.
    public static let storageCorrupted: Self = "storage.corrupted"
    /// The store was written by a newer, unknown format version.
    public static let storageUnsupportedFormat: Self = "storage.unsupported_format"
    /// A compare-and-set found another version than the one expected.
    public static let storageConflict: Self = "storage.conflict"
    /// The store handle was closed.
    public static let storageClosed: Self = "storage.closed"
    /// A record or document is larger than the store accepts.
    public static let storageRecordTooLarge: Self = "storage.record_too_large"
    /// A store was asked of a backend that cannot hold it (a file store over another backend's log).
    public static let storageUnsupported: Self = "storage.unsupported"

    /// A message could not be handed to its transport.
    public static let transportFailed: Self = "transport.failed"

    /// An evidence log failed verification.
    public static let evidenceBroken: Self = "evidence.broken"
}

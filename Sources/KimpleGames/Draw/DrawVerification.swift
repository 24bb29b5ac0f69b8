import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// MARK: - Checking a published draw (G-7)

extension FrozenEntryList {
    /// Reads a published entry list: the canonical form described on ``FrozenEntryList``
    /// (`Documentation/DrawAlgorithm.md` §1.3), such as the file the export service writes.
    ///
    /// The bytes must be exactly a canonical form: the header line, then one line per entry
    /// in canonical order, each ending with a line feed. The list read back hashes to the
    /// SHA-256 of `bytes`.
    ///
    /// - Throws: `draw.invalid_entry` (context `line` and `reason`) when the header, a line,
    ///   a number or the order is not canonical, or an entry breaks a rule of ``DrawEntry``.
    public init(canonicalForm bytes: some Collection<UInt8>) throws {
        let data = Array(bytes)
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard data.last == 0x0A, lines.removeLast().isEmpty else {
            throw Self.malformed(line: lines.count, "the last line does not end with a line feed")
        }
        guard let header = lines.first, Array(header) == Array(Self.header.utf8) else {
            throw Self.malformed(line: 1, "the first line is not \(Self.header)")
        }
        var entries: [DrawEntry] = []
        entries.reserveCapacity(lines.count - 1)
        for (offset, line) in lines.dropFirst().enumerated() {
            let number = offset + 2
            let fields = line.split(separator: 0x09, omittingEmptySubsequences: false)
            guard fields.count == 4,
                let id = String(validating: fields[0], as: UTF8.self),
                let key = String(validating: fields[1], as: UTF8.self),
                let weight = Self.decimal(fields[2]).flatMap(UInt32.init(exactly:)),
                let millis = Self.signedDecimal(fields[3])
            else {
                throw Self.malformed(
                    line: number, "a line is: entry id TAB person key TAB weight TAB milliseconds, in decimal")
            }
            let entry = DrawEntry(entryID: id, personKey: key, weight: weight, enteredAtMilliseconds: millis)
            if let problem = Self.problem(with: entry) { throw Self.malformed(line: number, problem) }
            if let previous = entries.last, !DrawEntry.canonicallyPrecedes(previous, entry) {
                throw Self.malformed(line: number, "the entries are not in canonical order")
            }
            entries.append(entry)
        }
        try self.init(entries)
    }

    /// The value of decimal digits without a leading zero (`0` alone is allowed).
    private static func decimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19, digits.first != 0x30 || digits.count == 1 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= 0x30, digit <= 0x39 else { return nil }
            value = value * 10 + UInt64(digit - 0x30)
        }
        return value
    }

    private static func signedDecimal(_ text: ArraySlice<UInt8>) -> Int64? {
        if text.first == 0x2D {
            guard let magnitude = decimal(text.dropFirst()), magnitude > 0, magnitude <= UInt64(Int64.max) else {
                return nil
            }
            return -Int64(magnitude)
        }
        return decimal(text).flatMap { Int64(exactly: $0) }
    }

    private static func malformed(line: Int, _ reason: String) -> KimpleError {
        KimpleError(
            .drawInvalidEntry, "The entry list is not in the canonical form of DrawAlgorithm.md §1.3.",
            context: ["line": String(line), "reason": reason])
    }
}

extension DrawCertificate {
    /// Checks this certificate against `entries`, the published entry list, the way an outside
    /// party does with `Documentation/verify_draw.py`: the list is the one frozen (hash and
    /// size), the seed is the one committed to, drawing again with the certificate's algorithm
    /// and rules gives the same method, stream key, winners and reserves in the same order, and
    /// every replacement recorded since follows the rule (the next remaining reserve takes a
    /// disqualified winner's place).
    ///
    /// - Throws: `draw.entry_list_mismatch` when `entries` is not the list frozen;
    ///   `draw.seed_mismatch` when the seed is not the one committed to;
    ///   `draw.certificate_mismatch` when the algorithm is unknown or the draw or a replacement
    ///   differs; `draw.invalid_rules` for invalid rules.
    public func verify(entries: FrozenEntryList) throws {
        guard entries.sha256 == entryList.sha256, entries.count == entryList.count else {
            throw KimpleError(
                .drawEntryListMismatch, "This entry list is not the one the certificate names.",
                context: ["certificate": entryList.sha256.hex, "given": entries.sha256.hex])
        }
        try commitment.check(seed)
        guard algorithm == RandomDraw.algorithm else {
            throw mismatch("The certificate names an algorithm this SDK does not know.", ["algorithm": algorithm])
        }
        let outcome = try RandomDraw.run(entries, seed: seed, rules: rules)
        guard outcome.method == method, outcome.streamKey == streamKey else {
            throw mismatch("The method or the stream key differs from the one recomputed.", [:])
        }
        guard outcome.winners == winners, outcome.reserves == reserves else {
            throw mismatch(
                "Drawing again from this seed and entry list gives other winners or reserves.",
                ["recomputedWinners": outcome.winners.map(\.entryID).joined(separator: ",")])
        }
        var replay = self
        replay.replacements = []
        for (position, recorded) in replacements.enumerated() {
            let made: DrawReplacement
            do {
                (replay, made) = try replay.disqualifying(
                    recorded.disqualified.entryID, reason: recorded.reason, at: recorded.at, by: recorded.by)
            } catch {
                throw mismatch("A replacement names an entry that was not standing.", ["replacement": String(position)])
            }
            guard made.position == recorded.position, made.disqualified == recorded.disqualified,
                made.replacement == recorded.replacement
            else {
                throw mismatch(
                    "A replacement does not promote the next remaining reserve.", ["replacement": String(position)])
            }
        }
    }

    private func mismatch(_ message: String, _ context: [String: String]) -> KimpleError {
        var context = context
        context["operation"] = operation.rawValue
        return KimpleError(.drawCertificateMismatch, message, context: context)
    }
}

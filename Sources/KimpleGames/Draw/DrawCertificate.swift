import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The frozen entry list as the certificate names it: its hash, its size, when it was frozen.
public struct DrawEntryListSummary: Sendable, Hashable, Codable {
    /// SHA-256 of the canonical form (``FrozenEntryList/sha256``).
    public var sha256: SHA256Digest
    /// The number of entries.
    public var count: Int
    /// When the list was frozen (millisecond precision).
    public var frozenAt: Date

    /// A summary of a frozen list, as ``DrawService`` writes it on the certificate.
    public init(sha256: SHA256Digest, count: Int, frozenAt: Date) {
        self.sha256 = sha256
        self.count = count
        self.frozenAt = frozenAt
    }
}

/// A winner or reserve set aside after the draw, and who took the place (G-7).
public struct DrawReplacement: Sendable, Hashable, Codable {
    /// The winner's place (1-based) the disqualified entry held, or `nil` when it was a reserve
    /// not yet promoted.
    public var position: Int?
    /// The entry disqualified.
    public var disqualified: DrawPick
    /// Why, as given by the person who disqualified it.
    public var reason: String
    /// The reserve promoted to the place, or `nil` (a reserve disqualified, or no reserve left:
    /// the place stays vacant).
    public var replacement: DrawPick?
    /// When (millisecond precision).
    public var at: Date
    /// Who disqualified it.
    public var by: Principal

    /// A replacement, as ``DrawService`` records it when an entry is disqualified.
    public init(
        position: Int?, disqualified: DrawPick, reason: String, replacement: DrawPick?, at: Date, by: Principal
    ) {
        self.position = position
        self.disqualified = disqualified
        self.reason = reason
        self.replacement = replacement
        self.at = at
        self.by = by
    }
}

/// The draw certificate (G-7): everything an outside party needs, with the entry list and
/// `Documentation/DrawAlgorithm.md`, to reproduce the winners and reserves, plus the
/// replacements made since. Published as JSON (``jsonData(pretty:)``).
public struct DrawCertificate: Sendable, Hashable, Codable {
    /// The format version of this certificate: 1.
    public var certificateVersion: Int
    /// The operation drawn.
    public var operation: OperationID
    /// SHA-256 of the operation's rules document (règlement).
    public var rulesDocumentSHA256: SHA256Digest
    /// The commitment published before closing.
    public var commitment: DrawCommitment
    /// When the commitment was recorded.
    public var committedAt: Date
    /// The closing instant the commitment was made before.
    public var closesAt: Date
    /// The seed revealed (a secret seed, or the beacon's value).
    public var seed: DrawSeed
    /// The frozen entry list.
    public var entryList: DrawEntryListSummary
    /// The algorithm and version (``RandomDraw/algorithm``).
    public var algorithm: String
    /// Uniform or weighted, from the list's weights.
    public var method: DrawMethod
    /// The ChaCha20 key derived from the seed and the entry-list hash.
    public var streamKey: SHA256Digest
    /// The rules drawn under.
    public var rules: DrawRules
    /// When the draw ran.
    public var drawnAt: Date
    /// Who ran it.
    public var drawnBy: Principal
    /// The winners as drawn, place 1 first.
    public var winners: [DrawPick]
    /// The reserves as drawn, in promotion order.
    public var reserves: [DrawPick]
    /// Disqualifications since the draw, in the order they were made.
    public var replacements: [DrawReplacement]

    /// A certificate with every field given (``DrawService`` builds them; this is for hosts
    /// that store certificates elsewhere and tests).
    public init(
        certificateVersion: Int = 1, operation: OperationID, rulesDocumentSHA256: SHA256Digest,
        commitment: DrawCommitment, committedAt: Date, closesAt: Date, seed: DrawSeed,
        entryList: DrawEntryListSummary, algorithm: String, method: DrawMethod, streamKey: SHA256Digest,
        rules: DrawRules, drawnAt: Date, drawnBy: Principal, winners: [DrawPick], reserves: [DrawPick],
        replacements: [DrawReplacement]
    ) {
        self.certificateVersion = certificateVersion
        self.operation = operation
        self.rulesDocumentSHA256 = rulesDocumentSHA256
        self.commitment = commitment
        self.committedAt = committedAt
        self.closesAt = closesAt
        self.seed = seed
        self.entryList = entryList
        self.algorithm = algorithm
        self.method = method
        self.streamKey = streamKey
        self.rules = rules
        self.drawnAt = drawnAt
        self.drawnBy = drawnBy
        self.winners = winners
        self.reserves = reserves
        self.replacements = replacements
    }

    /// The current holder of each winner's place (1-based index + 1), after replacements;
    /// `nil` for a place left vacant.
    public var standingWinners: [DrawPick?] {
        var places: [DrawPick?] = winners.map { $0 }
        for replacement in replacements {
            if let position = replacement.position, position >= 1, position <= places.count {
                places[position - 1] = replacement.replacement
            }
        }
        return places
    }

    /// Reserves neither promoted nor disqualified, in promotion order.
    public var remainingReserves: [DrawPick] {
        let used = Set(replacements.flatMap { [$0.disqualified.index] + ($0.replacement.map { [$0.index] } ?? []) })
        return reserves.filter { !used.contains($0.index) }
    }

    /// The certificate after disqualifying `entryID` for `reason`, and the replacement made.
    ///
    /// A standing winner's place goes to the first remaining reserve (or stays vacant when none
    /// is left); a remaining reserve is taken out of the queue. The draw is never run again.
    ///
    /// - Throws: `core.invalid_argument` when `reason` is empty, longer than 500 bytes or holds
    ///   a control character; `draw.entry_not_selected` when `entryID` is neither a standing
    ///   winner nor a remaining reserve (never picked, or already disqualified).
    public func disqualifying(
        _ entryID: String, reason: String, at instant: Date, by principal: Principal
    ) throws -> (certificate: DrawCertificate, replacement: DrawReplacement) {
        guard CanonicalText.isValid(reason, maximumBytes: 500, allowsSpace: true) else {
            throw KimpleError(
                .invalidArgument, "A disqualification states its reason: 1 to 500 characters, on one line.")
        }
        var updated = self
        let at = GamesTime.truncatedToMillisecond(instant)
        let standing = standingWinners
        if let place = standing.firstIndex(where: { $0?.entryID == entryID }), let holder = standing[place] {
            let replacement = DrawReplacement(
                position: place + 1, disqualified: holder, reason: reason, replacement: remainingReserves.first,
                at: at, by: principal)
            updated.replacements.append(replacement)
            return (updated, replacement)
        }
        if let reserve = remainingReserves.first(where: { $0.entryID == entryID }) {
            let replacement = DrawReplacement(
                position: nil, disqualified: reserve, reason: reason, replacement: nil, at: at, by: principal)
            updated.replacements.append(replacement)
            return (updated, replacement)
        }
        throw KimpleError(
            .drawEntryNotSelected,
            "Only a standing winner or a remaining reserve can be disqualified; this entry is neither.",
            context: ["entryID": String(entryID.prefix(64)), "operation": operation.rawValue])
    }

    // MARK: - JSON

    /// The certificate as published: JSON with sorted keys, instants as ISO 8601 text in UTC
    /// with milliseconds, digests and the seed as lowercase hexadecimal.
    ///
    /// - Throws: `core.invalid_argument` when the certificate cannot be encoded.
    public func jsonData(pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(GamesTime.iso8601(date))
        }
        do {
            return try encoder.encode(self)
        } catch {
            throw KimpleError(.invalidArgument, "The certificate cannot be encoded: \(error)")
        }
    }

    /// Reads a certificate published by ``jsonData(pretty:)``.
    ///
    /// - Throws: `core.invalid_argument` when `data` is not such a certificate.
    public static func decode(json data: Data) throws -> DrawCertificate {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = try? ISO8601.instant(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected an ISO 8601 instant.")
            }
            return GamesTime.truncatedToMillisecond(date, rounding: true)
        }
        do {
            return try decoder.decode(DrawCertificate.self, from: data)
        } catch {
            throw KimpleError(.invalidArgument, "The data is not a draw certificate: \(error)")
        }
    }
}

/// Millisecond helpers shared by the games' published forms.
enum GamesTime {
    /// `date` cut to whole milliseconds since 1970 (rounded down, or to the nearest with
    /// `rounding`, which undoes the small error of parsing decimal fractions).
    static func truncatedToMillisecond(_ date: Date, rounding: Bool = false) -> Date {
        guard rounding else { return DrawEntry.date(milliseconds: DrawEntry.milliseconds(of: date)) }
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// ISO 8601 text in UTC, always with three fractional digits: `2026-06-01T10:00:00.000Z`.
    static func iso8601(_ date: Date) -> String {
        let buffer = ByteBuffer(capacity: 24)
        appendISO8601(milliseconds: DrawEntry.milliseconds(of: date), to: buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// Appends `yyyy-MM-ddTHH:mm:ss.SSSZ` for an instant in milliseconds since 1970 (years
    /// 0 to 9999; other years print with more or fewer digits).
    static func appendISO8601(milliseconds: Int64, to buffer: ByteBuffer) {
        // Floor remainders rather than `a - floor(a / b) * b`: the product overflows for
        // instants near Int64.min (a moment list from outside can hold any instant).
        let seconds = floorDivide(milliseconds, 1000)
        let millis = Int(floorRemainder(milliseconds, 1000))
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(floorRemainder(seconds, 86_400))
        let civil = CivilDate(daysSinceEpoch: days)
        if civil.year >= 0, civil.year <= 9999 {
            buffer.appendPadded(civil.year, width: 4)
        } else {
            buffer.appendDecimal(Int64(civil.year))
        }
        buffer.append(UInt8(ascii: "-"))
        buffer.appendPadded(civil.month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendPadded(civil.day, width: 2)
        buffer.append(UInt8(ascii: "T"))
        buffer.appendPadded(secondOfDay / 3600, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendPadded(secondOfDay % 3600 / 60, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendPadded(secondOfDay % 60, width: 2)
        buffer.append(UInt8(ascii: "."))
        buffer.appendPadded(millis, width: 3)
        buffer.append(UInt8(ascii: "Z"))
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// `a` modulo a positive `b`, in `0 ..< b`.
    static func floorRemainder(_ a: Int64, _ b: Int64) -> Int64 {
        let remainder = a % b
        return remainder < 0 ? remainder + b : remainder
    }
}

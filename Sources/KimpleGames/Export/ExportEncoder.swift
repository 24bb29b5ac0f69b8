import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The file formats of exports (G-11).
public enum ExportFormat: String, Sendable, Hashable, Codable {
    /// RFC 4180 CSV: a header line, comma separators, CRLF line ends, double quotes around a cell
    /// holding a comma, a quote, CR or LF (quotes doubled inside), spreadsheet formulas
    /// neutralised.
    case csv
    /// JSON Lines: one JSON object per row, keys in column order, `\n` after each.
    case jsonLines = "jsonl"
}

/// Turns rows into bytes, without doing any I/O: the export service feeds rows and takes
/// chunks. Internal; the rules are documented in `Documentation/Interoperability.md`.
struct ExportEncoder {
    /// What happens to a column's values.
    enum Treatment: Equatable {
        case clear
        case pseudonymise
    }

    let format: ExportFormat
    let sourceCount: Int
    /// Per column written: the schema column it comes from, its treatment, its name, and
    /// `"name":` as JSON bytes (with a leading comma after the first column).
    private let sources: [Int]
    private let treatments: [Treatment]
    private let names: [String]
    private let jsonKeys: [[UInt8]]
    private let key: HMACSHA256Key?
    let buffer: ByteBuffer
    /// The largest row encoded so far, in bytes (for the flat-memory bound).
    private(set) var largestRow = 0

    init(format: ExportFormat, schema: ExportSchema, plan: [Treatment?], key: HMACSHA256Key?, chunkSize: Int) {
        self.format = format
        self.sourceCount = schema.columns.count
        self.key = key
        var sources: [Int] = []
        var treatments: [Treatment] = []
        var names: [String] = []
        var jsonKeys: [[UInt8]] = []
        for (index, column) in schema.columns.enumerated() {
            guard let treatment = plan[index] else { continue }
            var jsonKey: [UInt8] = names.isEmpty ? [] : [UInt8(ascii: ",")]
            jsonKey.append(UInt8(ascii: "\""))
            jsonKey.append(contentsOf: column.name.utf8)
            jsonKey.append(contentsOf: "\":".utf8)
            sources.append(index)
            treatments.append(treatment)
            names.append(column.name)
            jsonKeys.append(jsonKey)
        }
        self.sources = sources
        self.treatments = treatments
        self.names = names
        self.jsonKeys = jsonKeys
        self.buffer = ByteBuffer(capacity: chunkSize + 4096)
    }

    /// The names of the columns written, in order.
    var writtenColumns: [String] { names }

    /// The CSV header line (nothing for JSON Lines).
    func encodeHeader() {
        guard format == .csv else { return }
        for (position, name) in names.enumerated() {
            if position > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(name)
        }
        buffer.append(0x0D)
        buffer.append(0x0A)
    }

    /// Appends `row`.
    ///
    /// - Throws: `export.invalid_row` when it does not have one value per schema column.
    mutating func encode(_ row: ExportRow, number: Int) throws {
        let values = row.values
        guard values.count == sourceCount else {
            throw KimpleError(
                .exportInvalidRow, "A row has \(values.count) values for \(sourceCount) columns.",
                context: ["row": String(number)])
        }
        let before = buffer.count
        switch format {
        case .csv:
            for position in 0..<sources.count {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                if treatments[position] == .clear {
                    appendCSV(values[sources[position]])
                } else {
                    appendCSV(pseudonym(values[sources[position]]))
                }
            }
            buffer.append(0x0D)
            buffer.append(0x0A)
        case .jsonLines:
            buffer.append(UInt8(ascii: "{"))
            for position in 0..<sources.count {
                jsonKeys[position].withUnsafeBufferPointer { buffer.append($0) }
                if treatments[position] == .clear {
                    appendJSON(values[sources[position]])
                } else {
                    appendJSON(pseudonym(values[sources[position]]))
                }
            }
            buffer.append(UInt8(ascii: "}"))
            buffer.append(0x0A)
        }
        let size = buffer.count - before
        if size > largestRow { largestRow = size }
    }

    /// The bytes encoded since the last call.
    func take() -> [UInt8] { buffer.take() }

    // MARK: - Values

    private func pseudonym(_ value: ExportValue) -> ExportValue {
        guard let key, value != .null else { return value }
        return .text(key.authenticationCode(for: Self.plainText(value)).hex)
    }

    /// The text of a value as a CSV cell shows it (before quoting), also what pseudonymisation
    /// hashes.
    static func plainText(_ value: ExportValue) -> String {
        switch value {
        case .null: return ""
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .decimal(let number): return number.isNaN ? "" : number.description
        case .boolean(let flag): return flag ? "true" : "false"
        case .instant(let date): return GamesTime.iso8601(date)
        }
    }

    private func appendCSV(_ value: ExportValue) {
        switch value {
        case .null:
            return
        case .text(let text):
            appendCSVText(text)
        case .integer(let number):
            buffer.appendDecimal(number)
        case .decimal(let number):
            if !number.isNaN { buffer.append(number.description) }
        case .boolean(let flag):
            buffer.append(flag ? "true" : "false")
        case .instant(let date):
            GamesTime.appendISO8601(milliseconds: DrawEntry.milliseconds(of: date), to: buffer)
        }
    }

    /// A text cell: neutralised when it starts with `=`, `+`, `-`, `@`, tab or CR (a `'` is put
    /// in front), quoted when it holds `,`, `"`, CR or LF, and `""` when empty (an empty cell
    /// means no value).
    private func appendCSVText(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let first = bytes.first else {
                buffer.append(UInt8(ascii: "\""))
                buffer.append(UInt8(ascii: "\""))
                return
            }
            let neutralise = Self.startsFormula(first)
            var quote = false
            for byte in bytes where byte == 0x2C || byte == 0x22 || byte == 0x0D || byte == 0x0A {
                quote = true
                break
            }
            if !quote, !neutralise {
                buffer.append(bytes)
                return
            }
            if quote { buffer.append(UInt8(ascii: "\"")) }
            if neutralise { buffer.append(UInt8(ascii: "'")) }
            if quote {
                for byte in bytes {
                    if byte == 0x22 { buffer.append(0x22) }
                    buffer.append(byte)
                }
                buffer.append(UInt8(ascii: "\""))
            } else {
                buffer.append(bytes)
            }
        }
    }

    /// Whether a cell starting with `byte` could be read as a formula by a spreadsheet:
    /// `=`, `+`, `-`, `@`, tab, carriage return.
    @inline(__always)
    static func startsFormula(_ byte: UInt8) -> Bool {
        byte == 0x3D || byte == 0x2B || byte == 0x2D || byte == 0x40 || byte == 0x09 || byte == 0x0D
    }

    private func appendJSON(_ value: ExportValue) {
        switch value {
        case .null:
            buffer.append("null")
        case .text(let text):
            appendJSONString(text)
        case .integer(let number):
            buffer.appendDecimal(number)
        case .decimal(let number):
            if number.isNaN { buffer.append("null") } else { buffer.append(number.description) }
        case .boolean(let flag):
            buffer.append(flag ? "true" : "false")
        case .instant(let date):
            buffer.append(UInt8(ascii: "\""))
            GamesTime.appendISO8601(milliseconds: DrawEntry.milliseconds(of: date), to: buffer)
            buffer.append(UInt8(ascii: "\""))
        }
    }

    private func appendJSONString(_ text: String) {
        var text = text
        buffer.append(UInt8(ascii: "\""))
        text.withUTF8 { bytes in
            var clean = true
            for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                clean = false
                break
            }
            if clean {
                buffer.append(bytes)
                return
            }
            let hex = Array("0123456789abcdef".utf8)
            for byte in bytes {
                switch byte {
                case 0x22: buffer.append("\\\"")
                case 0x5C: buffer.append("\\\\")
                case 0x0A: buffer.append("\\n")
                case 0x0D: buffer.append("\\r")
                case 0x09: buffer.append("\\t")
                case 0x08: buffer.append("\\b")
                case 0x0C: buffer.append("\\f")
                case ..<0x20:
                    buffer.append("\\u00")
                    buffer.append(hex[Int(byte >> 4)])
                    buffer.append(hex[Int(byte & 0x0F)])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}

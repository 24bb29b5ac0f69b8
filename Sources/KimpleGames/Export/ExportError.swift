import KimpleCore

// MARK: - Error codes of exports (G-11)

extension KimpleError.Code {
    /// An export's schema is not valid (no column, a bad or repeated column name).
    public static let exportInvalidSchema: Self = "export.invalid_schema"
    /// A row does not match the export's schema (wrong number of values).
    public static let exportInvalidRow: Self = "export.invalid_row"
    /// Special-category columns were asked in clear and the processing grant does not allow it
    /// (P-6): drop or pseudonymise them.
    public static let exportSpecialCategoryNotAllowed: Self = "export.special_category_not_allowed"
    /// The export's destination could not be written.
    public static let exportSinkFailed: Self = "export.sink_failed"
}

import KimpleCore

// MARK: - Error codes of random draws (G-7)

extension KimpleError.Code {
    /// An entry of a draw's entry list is not valid (empty or oversized id or key, a control
    /// character, a zero weight, an id appearing twice).
    public static let drawInvalidEntry: Self = "draw.invalid_entry"
    /// The draw's rules are not valid (no winner asked, negative reserves).
    public static let drawInvalidRules: Self = "draw.invalid_rules"
    /// A seed is not valid (empty, too long, not hexadecimal).
    public static let drawInvalidSeed: Self = "draw.invalid_seed"
    /// The revealed seed does not match the commitment published before closing.
    public static let drawSeedMismatch: Self = "draw.seed_mismatch"
    /// The step asked for does not follow the draw's lifecycle (commit, freeze, draw).
    public static let drawOutOfOrder: Self = "draw.out_of_order"
    /// A commitment already exists for the operation; a draw is committed once.
    public static let drawAlreadyCommitted: Self = "draw.already_committed"
    /// The draw already ran; a draw is never run twice (disqualify to promote a reserve).
    public static let drawAlreadyDrawn: Self = "draw.already_drawn"
    /// The entry list given is not the one frozen at closing.
    public static let drawEntryListMismatch: Self = "draw.entry_list_mismatch"
    /// No draw was committed for the operation.
    public static let drawNotFound: Self = "draw.not_found"
    /// The entry to disqualify is not among the winners and reserves still standing.
    public static let drawEntryNotSelected: Self = "draw.entry_not_selected"
    /// A draw certificate does not match the draw recomputed from its seed and entry list
    /// (other winners, reserves, stream key or method, or replacements that do not follow).
    public static let drawCertificateMismatch: Self = "draw.certificate_mismatch"
}

import KimpleCore

// MARK: - Operation codes

extension KimpleError.Code {
    /// No operation with this id exists for the tenant.
    public static let operationNotFound: Self = "operation.not_found"
    /// An operation with this id already exists for the tenant.
    public static let operationAlreadyExists: Self = "operation.already_exists"
    /// The operation's definition is not valid (dates, time zone, form, prizes...); the
    /// context names the offending `field`.
    public static let operationInvalid: Self = "operation.invalid"
    /// The lifecycle does not allow this command in the operation's current status (G-1).
    public static let operationIllegalTransition: Self = "operation.illegal_transition"
    /// The operation can only be edited while it is a draft.
    public static let operationNotEditable: Self = "operation.not_editable"
    /// Going live needs the rules document (règlement) and its SHA-256 (G-1).
    public static let operationRulesMissing: Self = "operation.rules_missing"
    /// Participation requires a purchase or a payment and no free route is declared (G-2, §7.1).
    public static let operationPurchaseWithoutFreeRoute: Self = "operation.purchase_without_free_route"
    /// The advertiser is not the licensee: campaigns for a third party are refused (G-3, §5 (v)).
    public static let operationAdvertiserNotLicensee: Self = "operation.advertiser_not_licensee"
    /// An eligible country lies outside the licence territory (G-3, §5).
    public static let operationTerritoryOutsideLicence: Self = "operation.territory_outside_licence"
    /// The operation's window runs beyond the licence's end (§5: for the duration of the contract).
    public static let operationOutsideLicencePeriod: Self = "operation.outside_licence_period"
    /// The content check refused a piece of the operation's content (G-9, §2.2).
    public static let operationContentRefused: Self = "operation.content_refused"
    /// The form collects special-category data that the controller's instruction does not
    /// allow (P-6, §11.2.7).
    public static let operationSpecialCategoryRefused: Self = "operation.special_category_refused"
}

import KimpleCore

// MARK: - Error codes of KimpleContracts

extension KimpleError.Code {
    /// A quote is malformed (no line, a negative price, a period of zero months, payment terms out of range...).
    public static let contractQuoteInvalid: Self = "contract.quote.invalid"
    /// No quote has this id.
    public static let contractQuoteNotFound: Self = "contract.quote.not_found"
    /// The quote was already signed by that party, or is already accepted.
    public static let contractQuoteAlreadySigned: Self = "contract.quote.already_signed"
    /// The quote can no longer be signed: its validity date or its contractual period has passed.
    public static let contractQuoteExpired: Self = "contract.quote.expired"
    /// A signature or written consent is missing a signatory, a capacity or a date in the right order.
    public static let contractSignatureInvalid: Self = "contract.signature.invalid"

    /// No contract has this id.
    public static let contractNotFound: Self = "contract.not_found"
    /// The contract has ended: the action needs a contract in force.
    public static let contractEnded: Self = "contract.ended"
    /// The contract changed too often under concurrent writers; the action can be retried.
    public static let contractConflict: Self = "contract.conflict"

    /// An amendment is malformed (no change, an unknown line, a date in the past...).
    public static let contractAmendmentInvalid: Self = "contract.amendment.invalid"
    /// The amendment is not signed by both parties, or the change was not made by amendment (§14.6).
    public static let contractAmendmentNotSigned: Self = "contract.amendment.not_signed"
    /// The contract's terms changed since the amendment was proposed: propose it again.
    public static let contractAmendmentStale: Self = "contract.amendment.stale"
    /// No amendment has this number.
    public static let contractAmendmentNotFound: Self = "contract.amendment.not_found"
    /// The client assigned (or tried to assign) the contract without Cassiop's prior written consent (§14.1).
    public static let contractAssignmentConsentRequired: Self = "contract.assignment.consent_required"

    /// An amount is above the SDK's maximum: a line's quantity × unit price above
    /// ``InvoicePricing/maximumLineAmount``, or an invoice's total including VAT above
    /// ``InvoicePricing/maximumInvoiceAmount`` (C-1, C-3). The context names the line or contract, the
    /// amount and the maximum.
    public static let contractAmountTooLarge: Self = "contract.amount.too_large"

    /// A price list entry or price change notification is malformed.
    public static let contractPriceInvalid: Self = "contract.price.invalid"

    /// No invoice has this number.
    public static let contractInvoiceNotFound: Self = "contract.invoice.not_found"
    /// A payment is malformed (zero or negative, dated before the invoice, in another currency).
    public static let contractPaymentInvalid: Self = "contract.payment.invalid"
    /// A payment is larger than what it pays (the invoice's balance, or the late charges owed).
    public static let contractPaymentExceedsBalance: Self = "contract.payment.exceeds_balance"

    /// The legal interest rate of a half-year the computation needs is not in the table: add it, never guess.
    /// The context names the half-year, the file to change and the latest half-year known.
    public static let contractInterestRateUnknown: Self = "contract.interest.rate_unknown"
    /// A legal interest rate file cannot be used: unreadable, not the `kimple-legal-interest-rates/1` format,
    /// not the professional creditors' table, or a half-year or rate that does not parse.
    public static let contractInterestTableInvalid: Self = "contract.interest.table_invalid"
    /// A half-year is already in the rate table with another rate.
    public static let contractInterestRateConflict: Self = "contract.interest.rate_conflict"
    /// The recovery indemnity is below the legal 40 EUR (Code de commerce, art. L441-10 and D441-5).
    public static let contractIndemnityBelowMinimum: Self = "contract.indemnity.below_minimum"

    /// Services cannot be suspended: no invoice is overdue (§4 (ii)).
    public static let contractSuspensionNotAllowed: Self = "contract.suspension.not_allowed"
    /// The contract's services are not suspended.
    public static let contractNotSuspended: Self = "contract.suspension.not_suspended"
    /// The remaining sums cannot be made due at once: no invoice is overdue (§4 (iv)).
    public static let contractAccelerationNotAllowed: Self = "contract.acceleration.not_allowed"

    /// The notice's channel is not allowed for this act (an e-mail or phone call for a non-renewal, §6.1).
    public static let contractNoticeChannelNotAllowed: Self = "contract.notice.channel_not_allowed"
    /// A notice is malformed: dates out of order, no date of first presentation or reception.
    public static let contractNoticeInvalid: Self = "contract.notice.invalid"
    /// A non-renewal was already given for this contract.
    public static let contractNonRenewalAlreadyGiven: Self = "contract.non_renewal.already_given"

    /// No breach case has this id.
    public static let contractBreachNotFound: Self = "contract.breach.not_found"
    /// Termination is not (yet) allowed: cure period still running, breach cured, force majeure too short...
    public static let contractTerminationNotAllowed: Self = "contract.termination.not_allowed"
    /// A force majeure declaration is malformed or unknown.
    public static let contractForceMajeureInvalid: Self = "contract.force_majeure.invalid"

    /// A login with this id exists already.
    public static let contractUserExists: Self = "contract.user.exists"
    /// No login has this id.
    public static let contractUserNotFound: Self = "contract.user.not_found"
    /// The password does not meet the policy (too short, too long).
    public static let contractUserPasswordRejected: Self = "contract.user.password_rejected"
    /// The login or password is wrong. Deliberately the same code for an unknown login.
    public static let contractUserAuthenticationFailed: Self = "contract.user.authentication_failed"
    /// The login is locked after repeated failures; it unlocks at the time given in the context.
    public static let contractUserLocked: Self = "contract.user.locked"
    /// The login was deactivated (declared lost or stolen, or removed): it can no longer act (§2.1).
    public static let contractUserDeactivated: Self = "contract.user.deactivated"

    /// A creation is malformed (no paying line, a monthly line) or unknown.
    public static let contractCreationInvalid: Self = "contract.creation.invalid"

    /// An interoperability request is unknown or not in the state the action needs.
    public static let contractInteroperabilityInvalid: Self = "contract.interoperability.invalid"
    /// The interoperability information is not paid yet (§5 (iii)): the bundle is produced once the quote is paid.
    public static let contractInteroperabilityNotPaid: Self = "contract.interoperability.not_paid"
}

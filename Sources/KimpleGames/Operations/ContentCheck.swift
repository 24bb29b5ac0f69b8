// Foundation, not only FoundationEssentials: accents are removed through Unicode decomposition.
import Foundation
import KimpleCore

/// The verdict of a ``ContentCheck`` on one piece of content.
public enum ContentVerdict: Sendable, Hashable {
    /// The content may be shown.
    case accepted
    /// The content may not be shown, for `reason` (written for the client).
    case refused(reason: String)
}

/// The check tenant content passes before an operation goes live (G-9, §2.2: the client
/// guarantees its content is not unlawful, threatening, defamatory, obscene, hateful...;
/// the provider checks it before publishing). Pluggable: a host plugs its moderation
/// service or a human review queue.
///
/// ## Implementation requirements
/// - Returns a verdict for each item; throws only when it cannot decide (the operation
///   then does not go live, and nothing changes).
public protocol ContentCheck: Sendable {
    /// The verdict on `content`, part of `operation`.
    func review(_ content: OperationContent, of operation: Operation) async throws -> ContentVerdict
}

extension Operation {
    /// Every piece of the operation's content a ``ContentCheck`` reviews: the title, the
    /// prizes' names, the form's labels, options and consent texts, the tie-break
    /// question, the rules' title, and the attached ``contents``.
    public var reviewableContent: [OperationContent] {
        var items = [OperationContent(name: "title", kind: .text, text: title)]
        for prize in prizes { items.append(OperationContent(name: "prize.\(prize.id)", kind: .text, text: prize.name)) }
        for field in form.fields {
            let text = ([field.label] + field.options).joined(separator: "\n")
            items.append(OperationContent(name: "form.\(field.name)", kind: .text, text: text))
        }
        for consent in form.consents {
            items.append(OperationContent(name: "consent.\(consent.name)", kind: .text, text: consent.text))
        }
        if let question = tieBreakQuestion {
            items.append(OperationContent(name: "tieBreakQuestion", kind: .text, text: question))
        }
        if let rules {
            items.append(OperationContent(name: "rules", kind: .document, text: rules.title, sha256: rules.sha256))
        }
        return items + contents
    }
}

/// A ``ContentCheck`` that refuses content containing one of a list of terms, ignoring
/// case and accents (`Évènement` matches `evenement`) and matching whole words only.
/// A simple reference; production hosts plug their moderation.
public struct TermListContentCheck: ContentCheck {
    private let terms: [[String]]

    /// Refuses content with any of `terms` (a term may be several words).
    public init(terms: [String]) {
        self.terms = terms.map(Self.words).filter { !$0.isEmpty }
    }

    /// Refuses `content` when its text holds one of the terms; never throws.
    public func review(_ content: OperationContent, of operation: Operation) async throws -> ContentVerdict {
        let words = Self.words(content.text)
        for term in terms where Self.contains(words, term) {
            return .refused(reason: "contains the refused term \"\(term.joined(separator: " "))\"")
        }
        return .accepted
    }

    private static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark {
                continue
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    private static func contains(_ words: [String], _ term: [String]) -> Bool {
        guard term.count <= words.count else { return false }
        for start in 0...(words.count - term.count) where Array(words[start..<start + term.count]) == term {
            return true
        }
        return false
    }
}

import Kimple

/// The server-side pages of the host: every value written into them goes through ``HTML/escape(_:)``.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by their character references, safe in
    /// an element's text and in a quoted attribute.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// A whole page titled `title` around `body` (already HTML).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>.kimple-hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// The name of the hidden field that carries the form-rendered-at token.
    static let formTokenField = "_form_token"

    /// The entry form of `operation`, posted to its participations, with the rules link and
    /// hash, the hidden honeypot and the signed form-rendered-at `token`.
    static func form(_ operation: GameOperation, token: String) -> String {
        let id = escape(operation.id.rawValue)
        var body = "<main>\n<h1>\(escape(operation.title))</h1>\n"
        body += "<form method=\"post\" action=\"/operations/\(id)/participations\" "
        body += "enctype=\"application/x-www-form-urlencoded\" accept-charset=\"utf-8\">\n"
        for field in operation.form.fields {
            body += fieldHTML(field)
        }
        for consent in operation.form.consents {
            let name = escape(consent.name)
            body += "<p><input type=\"checkbox\" id=\"\(name)\" name=\"\(name)\" value=\"true\""
            body += consent.required ? " required>" : ">"
            body +=
                " <label for=\"\(name)\">\(escape(consent.text))\(consent.required ? requiredMark : "")</label></p>\n"
        }
        if let rules = operation.rules {
            body += "<p class=\"rules\"><a href=\"/operations/\(id)/rules\">\(escape(rules.title))</a> "
            body += "(SHA-256 <code>\(escape(rules.sha256.hex))</code>)</p>\n"
        }
        if let honeypot = operation.form.honeypotField {
            let name = escape(honeypot)
            body += "<div class=\"kimple-hp\" aria-hidden=\"true\"><label for=\"\(name)\">Leave this empty</label>"
            body +=
                "<input type=\"text\" id=\"\(name)\" name=\"\(name)\" value=\"\" tabindex=\"-1\" autocomplete=\"off\">"
            body += "</div>\n"
        }
        body += "<input type=\"hidden\" name=\"\(formTokenField)\" value=\"\(escape(token))\">\n"
        body += "<p><button type=\"submit\">Take part</button></p>\n</form>\n</main>"
        return page(title: operation.title, body: body)
    }

    private static let requiredMark = " <span class=\"required\" aria-label=\"required\">*</span>"

    private static func fieldHTML(_ field: FormField) -> String {
        let name = escape(field.name)
        let required = field.required ? " required" : ""
        let label = "<label for=\"\(name)\">\(escape(field.label))\(field.required ? requiredMark : "")</label>"
        let length = " maxlength=\"\(field.maximumLength)\""
        switch field.type {
        case .checkbox:
            return
                "<p><input type=\"checkbox\" id=\"\(name)\" name=\"\(name)\" value=\"true\"\(required)> \(label)</p>\n"
        case .choice:
            var html = "<p>\(label)<br><select id=\"\(name)\" name=\"\(name)\"\(required)>"
            html += "<option value=\"\"></option>"
            for option in field.options {
                html += "<option value=\"\(escape(option))\">\(escape(option))</option>"
            }
            return html + "</select></p>\n"
        case .multilineText:
            return "<p>\(label)<br><textarea id=\"\(name)\" name=\"\(name)\"\(length)\(required)></textarea></p>\n"
        default:
            let type: String
            switch field.type {
            case .email: type = "email"
            case .phone: type = "tel"
            case .date, .birthDate: type = "date"
            default: type = "text"
            }
            return "<p>\(label)<br><input type=\"\(type)\" id=\"\(name)\" name=\"\(name)\"\(length)\(required)></p>\n"
        }
    }

    /// The page of an accepted participation.
    static func accepted(_ accepted: AcceptedParticipation, title: String) -> String {
        var body = "<main>\n<h1>Thank you</h1>\n<p>Your participation in \(escape(title)) is recorded.</p>\n"
        body += "<p>Entry <code>\(escape(accepted.entry.rawValue))</code></p>\n"
        if case .won(let award) = accepted.outcome {
            body += "<p>You won: \(escape(award.prizeName)).</p>\n"
        } else if case .notWon = accepted.outcome {
            body += "<p>You did not win this time.</p>\n"
        }
        return page(title: "Thank you", body: body + "</main>")
    }

    /// The page of a refused request.
    static func error(_ body: ErrorBody) -> String {
        var html = "<main>\n<h1>Sorry</h1>\n<p>\(escape(body.message))</p>\n"
        if let field = body.field { html += "<p>Field: <code>\(escape(field))</code></p>\n" }
        html += "<p><small>\(escape(body.code))</small></p>\n</main>"
        return page(title: "Sorry", body: html)
    }
}

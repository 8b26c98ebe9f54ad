import Foundation
import Ink
import Mustache
import StepyardCore

/// The web catalog's templates (`templates/*.mustache`, Mustache, HTML-escaped unless written `{{{…}}}`) and its
/// static files, read once from the module's resources.
enum WebPages {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        guard let directory = Bundle.module.url(forResource: "templates", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil) else { return library }
        for file in files where file.pathExtension == "mustache" {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            try? library.register(text, named: file.deletingPathExtension().lastPathComponent)
        }
        return library
    }()

    /// The files under `static/` the pages load: the stylesheet and three small scripts (`catalog.js`: search as
    /// you type; `run.js`: a run form checked as you type; `usage.js`: a version's run figures), with their media types.
    static let staticFiles: [String: (bytes: [UInt8], type: String)] = {
        var files: [String: (bytes: [UInt8], type: String)] = [:]
        for (name, type) in [("style.css", "text/css; charset=utf-8"), ("catalog.js", "text/javascript; charset=utf-8"),
                             ("run.js", "text/javascript; charset=utf-8"), ("usage.js", "text/javascript; charset=utf-8")] {
            guard let url = Bundle.module.url(forResource: "static/" + name, withExtension: nil),
                  let data = try? Data(contentsOf: url) else { continue }
            files[name] = (Array(data), type)
        }
        return files
    }()

    /// A page's content: `template` filled with `context` (HTML-escaped unless the template says `{{{…}}}`).
    static func content(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    /// A whole page: `content` in the frame every page shares (`layout`: the header with the search box and who is
    /// signed in, the footer, the page's scripts); `frame` holds `title`, `signedIn`, `callerName`, `csrf`,
    /// `query` and `scripts`.
    static func framed(_ content: String, _ frame: [String: Any]) -> [UInt8] {
        var frame = frame
        frame["content"] = content
        if frame["title"] == nil { frame["title"] = "Catalog" }
        return Array((library.render(frame, withTemplate: "layout") ?? "").utf8)
    }

    /// A page whose content and frame come from one context (the error pages).
    static func render(_ template: String, _ context: [String: Any]) -> [UInt8] {
        framed(content(template, context), context)
    }
}

/// A README as HTML, safely: Markdown through Ink, with the HTML a README may carry escaped (it is shown as text, not
/// run), links and images only to http(s), relative or anchor targets, and catalog links pointed at the web catalog's
/// pages.
enum ReadmeHTML {
    static func render(_ markdown: String) -> String {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .html) { input in escape(String(input.markdown)) })
        parser.addModifier(Modifier(target: .links) { input in safe(input.html, attribute: "href") ? pagesInstead(input.html) : escape(String(input.markdown)) })
        parser.addModifier(Modifier(target: .images) { input in safe(input.html, attribute: "src") ? input.html : escape(String(input.markdown)) })
        return parser.html(from: withoutMarkup(markdown))
    }

    /// `markdown` with every `<` outside code written `&lt;`: Ink then sees no HTML at all (it would take an HTML
    /// block to its closing tag, swallowing the rest of the README), and the text still reads as written. Fenced
    /// code blocks and inline code spans are left alone (Ink escapes them itself).
    static func withoutMarkup(_ markdown: String) -> String {
        var out: [String] = []
        var fence: String?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                out.append(String(line))
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                out.append(String(line))
                continue
            }
            // Outside backtick spans only: even-numbered pieces between backticks are text.
            let pieces = line.split(separator: "`", omittingEmptySubsequences: false)
            out.append(pieces.enumerated().map { index, piece in
                index % 2 == 0 ? piece.replacingOccurrences(of: "<", with: "&lt;") : String(piece)
            }.joined(separator: "`"))
        }
        return out.joined(separator: "\n")
    }

    /// Whether the element's link is one a page may hold: no `javascript:`, `data:` or other scheme but http(s).
    static func safe(_ html: String, attribute: String) -> Bool {
        guard let start = html.range(of: "\(attribute)=\"") else { return true }
        let target = html[start.upperBound...].prefix { $0 != "\"" }.lowercased()
        guard let colon = target.firstIndex(of: ":") else { return true }
        // A colon after a slash, `?` or `#` is part of a path or query, not a scheme.
        if let delimiter = target.firstIndex(where: { "/?#".contains($0) }), delimiter < colon { return true }
        let scheme = target[..<colon]
        return scheme == "http" || scheme == "https"
    }

    /// A link to a version's README over REST (`ReadmeLinks`' rewrite: `/api/v1/resources/…/{v}/readme`) as the
    /// version's page, `/ui/…/{v}`; other links as they are.
    static func pagesInstead(_ html: String) -> String {
        let prefix = "href=\"/api/v1/resources/", suffix = "/readme\""
        guard let start = html.range(of: prefix), let end = html.range(of: suffix, range: start.upperBound..<html.endIndex) else { return html }
        return html.replacingCharacters(in: start.lowerBound..<end.upperBound,
                                        with: "href=\"/ui/" + html[start.upperBound..<end.lowerBound] + "\"")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

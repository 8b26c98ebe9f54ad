import Foundation

/// Where webhooks may go: only to hosts the admin listed (`serve --webhook-allow-host`, exact names, `*.example.com`
/// for a domain's hosts, `*` for any), and never to a loopback, link-local, private or otherwise internal address
/// unless that host is listed by its exact name — so a subscription cannot make the server a way into internal
/// services. Checked when a subscription is made and again before every delivery (names are resolved then).
struct WebhookAllowList: Sendable {
    let hosts: [String]

    init(hosts: [String]) {
        self.hosts = hosts.map { $0.lowercased() }
    }

    /// Why `url` may not be sent to, or `nil` when it may.
    func refusal(for url: String) async -> String? {
        if let problem = Self.problem(with: url) { return problem }
        let host = URL(string: url)!.host!.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if hosts.contains(host) { return nil }
        guard hosts.contains(where: { $0 == "*" || ($0.hasPrefix("*.") && host.hasSuffix($0.dropFirst())) }) else {
            return "\(host) is not on the server's webhook allow-list (serve --webhook-allow-host \(host))"
        }
        let addresses = await Self.resolve(host, within: .seconds(5))
        guard let addresses else { return "\(host) did not resolve within 5 s" }
        guard !addresses.isEmpty else { return "\(host) does not resolve" }
        if let inner = addresses.first(where: Self.isInternal) {
            return "\(host) resolves to \(inner), an internal address: list \(host) by its name to allow it"
        }
        return nil
    }

    /// What is wrong with a webhook URL's form, if anything.
    static func problem(with url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            return "the URL must be http:// or https://"
        }
        guard let host = parsed.host, !host.isEmpty else { return "the URL has no host" }
        if parsed.user != nil || parsed.password != nil { return "the URL must not carry credentials: give a secret to sign with instead" }
        return nil
    }

    /// Loopback, link-local, private (RFC 1918, unique local), unspecified, multicast, carrier-grade NAT.
    static func isInternal(_ address: String) -> Bool {
        if address.contains(":") {
            let lower = address.lowercased()
            if lower == "::1" || lower == "::" { return true }
            if lower.hasPrefix("::ffff:") { return isInternal(String(lower.dropFirst("::ffff:".count))) }
            return lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb")
                || lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("ff")
        }
        let octets = address.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return true }
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (172, 16...31), (100, 64...127): return true
        case (224...255, _): return true
        default: return false
        }
    }

    /// The addresses a name resolves to, or `nil` when the lookup takes longer than `limit` (it goes on, unheeded).
    static func resolve(_ host: String, within limit: Duration) async -> [String]? {
        await withTaskGroup(of: [String]?.self) { group in
            group.addTask { await resolve(host) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The addresses a name resolves to (numeric text), looked up on a thread of its own (the lookup blocks).
    static func resolve(_ host: String) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0 else {
                    continuation.resume(returning: [])
                    return
                }
                defer { freeaddrinfo(list) }
                var found: [String] = []
                var entry = list
                while let current = entry {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                        found.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                    }
                    entry = current.pointee.ai_next
                }
                continuation.resume(returning: Array(Set(found)).sorted())
            }
        }
    }
}
